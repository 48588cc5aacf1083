"""Each organisation's own words: its name in the header and footer, and its wording of the five RAG meanings
wherever staff read them (the ratings and their colours stay the product's)."""

import datetime
import html
import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.template import Context, Template
from django.urls import reverse
from django.utils.html import escape

from bradford_cs.context_processors import organisation_of
from governance.backends import SignInBackend
from plans.models import PlanShare
from plans.rag import MEANINGS, RAG
from tests import factories as f

pytestmark = pytest.mark.django_db

HOME_RED = "Red here: the board must step in this month."
HOME_BLUE = "Blue here: closed by the board with its evidence."


def header(page: str) -> str:
    return re.search(r'<header class="govuk-generic-header".*?</header>', page, re.S).group(0)


def footer(page: str) -> str:
    return re.search(r'<footer class="govuk-footer">.*?</footer>', page, re.S).group(0)


def text(markup: str) -> str:
    """What a reader sees: the words, tags gone and entities read."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


@pytest.fixture
def councils(db):
    """Two councils, each with an officer leading an action in its own plan; the home council rewords Red
    and Blue."""
    home = f.OrganisationFactory(rag_meaning_red=HOME_RED, rag_meaning_blue=HOME_BLUE)
    other = f.OtherOrganisationFactory(name="Riverside Borough Council")
    officers, actions = {}, {}
    for key, org in (("home", home), ("other", other)):
        user = f.user_in_role("Officer", username=f"{key}-officer")
        lead = f.PersonFactory(organisation=org, user=user, name=f"{key.title()} Officer")
        plan = f.PlanFactory(organisation=org, board=f.BoardFactory(organisation=org), status="approved")
        actions[key] = f.ActionFactory(theme=f.ThemeFactory(plan=plan), lead=lead)
        officers[key] = user
    return {"home": home, "other": other, "officers": officers, "actions": actions}


# The header and footer ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("key, other_key", [("home", "other"), ("other", "home")])
def test_the_header_and_footer_name_the_users_own_organisation_and_never_another(client, councils, key, other_key):
    client.force_login(councils["officers"][key])
    page = client.get(reverse("home")).content.decode()
    mine, theirs = councils[key].name, councils[other_key].name
    assert text(header(page)) == mine
    assert text(footer(page)) == (f"Support links Accessibility statement Privacy notice {settings.SERVICE_NAME}. "
                                  f"Run by {mine} and its partners.")
    assert escape(theirs) not in page
    assert "Bradford" not in page


def test_signed_out_the_header_and_footer_name_the_service_and_no_council(client, councils):
    page = client.get(reverse("login")).content.decode()
    assert text(header(page)) == settings.SERVICE_NAME
    assert text(footer(page)) == f"Support links Accessibility statement Privacy notice {settings.SERVICE_NAME}."
    for name in (councils["home"].name, councils["other"].name, "Council", "Bradford"):
        assert name not in page


def test_a_superuser_with_no_person_sees_the_service_name_only(client, councils):
    client.force_login(f.StaffUserFactory(username="root"))
    page = client.get(reverse("home")).content.decode()
    assert text(header(page)) == settings.SERVICE_NAME
    assert text(footer(page)) == f"Support links Accessibility statement Privacy notice {settings.SERVICE_NAME}."
    assert "Council" not in header(page) + footer(page)


def test_a_superuser_with_a_person_sees_their_organisation(client, councils):
    root = f.StaffUserFactory(username="root")
    f.PersonFactory(user=root, organisation=councils["other"])
    client.force_login(root)
    page = client.get(reverse("home")).content.decode()
    assert text(header(page)) == "Riverside Borough Council"


def test_a_demo_organisation_is_marked_demo_beside_its_name(client, db):
    demo = f.OtherOrganisationFactory(name="Northmoor Council", is_demo=True)
    user = f.user_in_role("Board member", username="demo2-board")
    f.PersonFactory(user=user, organisation=demo)
    client.force_login(user)
    page = client.get(reverse("home")).content.decode()
    assert text(header(page)) == "Northmoor Council (demo)"
    assert "Run by Northmoor Council (demo) and its partners." in text(footer(page))


def test_a_renamed_organisation_shows_its_new_name_on_the_next_page(client, councils):
    client.force_login(councils["officers"]["other"])
    client.get(reverse("home"))
    councils["other"].name = "Riverside Council"
    councils["other"].save()
    assert text(header(client.get(reverse("home")).content.decode())) == "Riverside Council"


# What the header costs -----------------------------------------------------------------------------------------


def test_the_signed_in_user_is_read_with_their_organisation_so_the_header_costs_no_query(
        councils, django_assert_num_queries):
    pk = councils["officers"]["other"].pk
    with django_assert_num_queries(1):  # the login, joined to its Person and organisation
        user = SignInBackend().get_user(pk)
    with django_assert_num_queries(0):
        assert organisation_of(user) == councils["other"]


def test_otherwise_the_organisation_is_one_query_once_per_request(councils, django_assert_num_queries):
    user = get_user_model().objects.get(pk=councils["officers"]["other"].pk)
    with django_assert_num_queries(1):
        assert organisation_of(user) == councils["other"]
    with django_assert_num_queries(0):
        assert organisation_of(user) == councils["other"]


def test_a_login_with_no_person_has_no_organisation(councils, django_assert_num_queries):
    root = f.StaffUserFactory(username="root")
    with django_assert_num_queries(1):
        assert organisation_of(SignInBackend().get_user(root.pk)) is None


def test_an_inactive_login_is_still_refused_by_the_backend(councils):
    user = councils["officers"]["home"]
    user.is_active = False
    user.save()
    assert SignInBackend().get_user(user.pk) is None


# The ratings' meanings -----------------------------------------------------------------------------------------


def hints(page: str) -> dict:
    """The progress form's rating radios: value -> its hint."""
    found = re.findall(r'name="rag" type="radio" value="(\w+)".*?govuk-radios__hint">([^<]*)</div>', page, re.S)
    return dict(found)


def test_the_progress_form_gives_each_rating_the_meaning_in_the_plans_organisations_words(client, councils):
    client.force_login(councils["officers"]["home"])
    page = client.get(reverse("plans:update", args=[councils["actions"]["home"].pk])).content.decode()
    assert hints(page) == {RAG.RED: escape(HOME_RED), RAG.AMBER: escape(MEANINGS[RAG.AMBER]),
                           RAG.GREEN: escape(MEANINGS[RAG.GREEN]), RAG.BLUE: escape(HOME_BLUE)}


def test_another_organisations_plan_keeps_the_default_meanings(client, councils):
    client.force_login(councils["officers"]["other"])
    page = client.get(reverse("plans:update", args=[councils["actions"]["other"].pk])).content.decode()
    assert hints(page) == {rag: escape(MEANINGS[rag]) for rag in (RAG.RED, RAG.AMBER, RAG.GREEN, RAG.BLUE)}
    assert escape(HOME_RED) not in page


def test_a_partner_updating_a_shared_plan_reads_the_owners_words_not_its_own(client, councils):
    """The meaning belongs to the plan: a partner's officer rates the owner's action by the owner's scale."""
    other = councils["other"]
    other.rag_meaning_red = "Riverside red: escalate to the director."
    other.save()
    plan = councils["actions"]["home"].theme.plan
    PlanShare.objects.create(plan=plan, organisation=other, start=datetime.date(2020, 1, 1))
    partner_officer = f.PersonFactory(organisation=other, user=f.user_in_role("Officer", username="partner"))
    action = f.ActionFactory(theme=councils["actions"]["home"].theme, lead=partner_officer)
    client.force_login(partner_officer.user)
    response = client.get(reverse("plans:update", args=[action.pk]))
    assert response.status_code == 200
    assert hints(response.content.decode())[RAG.RED] == escape(HOME_RED)
    assert "Riverside red" not in response.content.decode()


def key(page: str) -> dict:
    """The home page's "What the ratings mean": rating word -> meaning."""
    found = re.findall(r'app-rag-tag">([^<]+)</strong></dt>\s*<dd class="govuk-summary-list__value">([^<]*)</dd>', page)
    return dict(found)


def test_the_key_on_the_home_page_is_in_the_users_organisations_words(client, councils):
    client.force_login(councils["officers"]["home"])
    mine = key(client.get(reverse("home")).content.decode())
    assert mine == {"Not yet rated": escape(MEANINGS[RAG.NOT_RATED]), "Red": escape(HOME_RED),
                    "Amber": escape(MEANINGS[RAG.AMBER]), "Green": escape(MEANINGS[RAG.GREEN]),
                    "Blue": escape(HOME_BLUE)}


def test_the_key_for_another_organisations_user_keeps_the_defaults(client, councils):
    client.force_login(councils["officers"]["other"])
    theirs = key(client.get(reverse("home")).content.decode())
    assert theirs == {rag.label: escape(MEANINGS[rag]) for rag in RAG}


def test_the_meaning_filter_falls_back_to_the_default_without_an_organisation(councils):
    template = Template("{% load rag %}{{ 'red'|rag_meaning:org }}|{{ 'red'|rag_meaning }}|{{ ''|rag_meaning:org }}")
    assert template.render(Context({"org": councils["home"]})) == (
        f"{escape(HOME_RED)}|{escape(MEANINGS[RAG.RED])}|{escape(MEANINGS[RAG.NOT_RATED])}")
    assert template.render(Context({"org": None})).split("|")[0] == escape(MEANINGS[RAG.RED])


def test_the_ratings_themselves_stay_the_products(client, councils):
    """Only the meanings are reworded: the words and colours of the tags are the same for every organisation."""
    client.force_login(councils["officers"]["home"])
    page = client.get(reverse("home")).content.decode()
    assert '<strong class="govuk-tag govuk-tag--red app-rag-tag">Red</strong>' in page
    assert '<strong class="govuk-tag  app-rag-tag">Blue</strong>' in page


# The organisation admin --------------------------------------------------------------------------------------


def change_url(org):
    return reverse("admin:governance_organisation_change", args=[org.pk])


def test_the_admin_groups_the_wording_for_staff_showing_each_default(client, councils):
    client.force_login(f.StaffUserFactory(username="root"))
    page = client.get(change_url(councils["other"])).content.decode()
    assert "Wording for staff" in page
    for rag in RAG:
        assert f'name="rag_meaning_{rag.value}"' in page
        assert f"Leave blank to keep the default: “{escape(MEANINGS[rag])}”" in page
    assert 'name="is_demo"' not in page  # read-only: seed_demo marks the fictional ones


def test_an_admin_rewords_a_meaning_and_a_blank_keeps_the_default(client, councils):
    other = councils["other"]
    client.force_login(f.StaffUserFactory(username="root"))
    data = {"name": other.name, "slug": other.slug, "kind": other.kind, "note": "",
            "rag_meaning_not_rated": "", "rag_meaning_red": "Red: the director is told the same day.",
            "rag_meaning_amber": "", "rag_meaning_green": "", "rag_meaning_blue": "", "is_demo": "on"}
    response = client.post(change_url(other), data)
    assert response.status_code == 302, response.content.decode()
    other.refresh_from_db()
    assert other.is_demo is False  # a posted is_demo is ignored
    assert other.rag_meanings() == {**MEANINGS, RAG.RED: "Red: the director is told the same day."}
    client.force_login(councils["officers"]["other"])
    page = client.get(reverse("plans:update", args=[councils["actions"]["other"].pk])).content.decode()
    assert hints(page)[RAG.RED] == "Red: the director is told the same day."


def test_an_organisation_admin_rewords_their_own_organisation(client, councils):
    """The slug is read-only for them (governance.admin_scoping), and stays so inside the fieldsets."""
    home = councils["home"]
    client.force_login(f.user_in_role("Admin", username="home-admin", is_staff=True))
    page = client.get(change_url(home)).content.decode()
    assert "Wording for staff" in page and 'name="slug"' not in page
    data = {"name": home.name, "kind": home.kind, "note": "", "rag_meaning_not_rated": "",
            "rag_meaning_red": HOME_RED, "rag_meaning_amber": "Amber: tell the theme lead.",
            "rag_meaning_green": "", "rag_meaning_blue": HOME_BLUE}
    assert client.post(change_url(home), data).status_code == 302
    home.refresh_from_db()
    assert home.rag_meanings()[RAG.AMBER] == "Amber: tell the theme lead."
    assert client.get(change_url(councils["other"])).status_code == 404
