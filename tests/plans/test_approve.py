"""Approving a plan from its page: an imported plan is a draft, and an admin of its organisation approves it."""

import datetime
import io
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from plans.imports import import_plan, read_spreadsheet
from plans.models import Plan
from plans.services import PlanApprovalRule, approve_plan
from tests import factories as f

pytestmark = pytest.mark.django_db

APPROVE = "Approve this plan"


@pytest.fixture
def world(cast):
    """The cast's plan made a draft that replaces the organisation's approved 2021 plan."""
    replaced = f.PlanFactory(organisation=cast.org, title="Outcomes Improvement Plan", slug="plan-2021",
                             status=Plan.Status.APPROVED)
    cast.plan.supersedes = replaced
    cast.plan.save(update_fields=["supersedes"])
    cast.replaced = replaced
    return cast


def approve_url(plan):
    return reverse("plans:approve", args=[plan.slug])


def refreshed(plan):
    plan.refresh_from_db()
    return plan


def other_admin():
    return f.user_in_role("Admin", username="other-admin", is_staff=True,
                          person__organisation=f.OtherOrganisationFactory())


# The draft an import makes -----------------------------------------------------------------------------


def test_an_imported_plan_is_a_draft_and_its_admin_approves_it_from_its_page(client, cast):
    data = b"plan,theme,theme_title,action,activity\nImported plan,1,Leadership,1.1,Appoint a director\n"
    plan = import_plan(rows=read_spreadsheet(io.BytesIO(data), "plan.csv"), organisation=cast.org).plan
    assert plan.status == Plan.Status.DRAFT

    client.force_login(cast.admin)
    page = client.get(plan.get_absolute_url()).content.decode()
    form = re.search(r'<form method="post" action="' + re.escape(approve_url(plan)) + r'"[^>]*>(.*?)</form>', page,
                     re.S)
    assert form, "the page has a POST form to the approve URL"
    assert 'name="csrfmiddlewaretoken"' in form[1] and APPROVE in form[1]
    assert 'class="govuk-button"' in form[1]

    response = client.post(approve_url(plan), follow=True)
    assert response.redirect_chain == [(plan.get_absolute_url(), 302)]
    assert refreshed(plan).status == Plan.Status.APPROVED
    content = response.content.decode()
    assert "Imported plan is approved: it is the plan being delivered." in content
    assert APPROVE not in content  # approved: nothing left to approve


# The rule ----------------------------------------------------------------------------------------------


def test_approving_marks_the_plan_it_supersedes_superseded_and_records_who_and_when(world):
    world.admin.first_name, world.admin.last_name = "Ada", "Admin"
    world.admin.save()
    world.plan.note = "Agreed at the board on 4 March."
    world.plan.save(update_fields=["note"])
    when = timezone.make_aware(datetime.datetime(2026, 3, 5, 10, 30))

    approve_plan(plan=world.plan, by=world.admin, when=when)

    plan = refreshed(world.plan)
    assert plan.status == Plan.Status.APPROVED
    assert plan.note == "Agreed at the board on 4 March.\n\nApproved on 5 March 2026 at 10:30 by Ada Admin."
    assert refreshed(world.replaced).status == Plan.Status.SUPERSEDED


def test_a_closed_plan_it_replaces_stays_closed_and_the_page_does_not_say_otherwise(client, world):
    Plan.objects.filter(pk=world.replaced.pk).update(status=Plan.Status.CLOSED)
    client.force_login(world.admin)
    assert "marks the plan it replaces" not in client.get(world.plan.get_absolute_url()).content.decode()
    content = client.post(approve_url(world.plan), follow=True).content.decode()
    assert "is approved" in content and "marked superseded" not in content
    assert refreshed(world.replaced).status == Plan.Status.CLOSED


@pytest.mark.parametrize("status", [Plan.Status.APPROVED, Plan.Status.SUPERSEDED, Plan.Status.CLOSED])
def test_only_a_draft_can_be_approved(world, status):
    Plan.objects.filter(pk=world.plan.pk).update(status=status)
    with pytest.raises(ValidationError) as raised:
        approve_plan(plan=refreshed(world.plan), by=world.admin)
    assert raised.value.messages == [f"Only a draft plan can be approved: this plan is {status.label.lower()}."]
    assert refreshed(world.replaced).status == Plan.Status.APPROVED  # nothing else changed


def test_the_status_is_read_again_so_a_stale_copy_cannot_approve_twice(world):
    stale = Plan.objects.get(pk=world.plan.pk)
    approve_plan(plan=world.plan, by=world.admin)
    with pytest.raises(ValidationError, match="this plan is approved"):
        approve_plan(plan=stale, by=world.admin)
    assert refreshed(world.plan).note.count("Approved on") == 1


def test_a_plan_with_no_actions_cannot_be_approved(cast):
    empty = f.PlanFactory(organisation=cast.org)
    f.ThemeFactory(plan=empty)  # a theme alone is not enough
    with pytest.raises(ValidationError) as raised:
        approve_plan(plan=empty, by=cast.admin)
    assert raised.value.messages == ["A plan with no actions cannot be approved: import or add its actions first."]
    assert refreshed(empty).status == Plan.Status.DRAFT


def test_a_plan_cannot_supersede_another_organisations_plan(world):
    theirs = f.PlanFactory(organisation=f.OtherOrganisationFactory(), status=Plan.Status.APPROVED)
    Plan.objects.filter(pk=world.plan.pk).update(supersedes=theirs)
    with pytest.raises(ValidationError, match="belongs to another organisation"):
        approve_plan(plan=refreshed(world.plan), by=world.admin)
    assert refreshed(theirs).status == Plan.Status.APPROVED
    assert refreshed(world.plan).status == Plan.Status.DRAFT


def test_only_an_admin_of_the_plans_organisation_may_approve_it(world):
    for user in (world.lead.user, world.board.user, other_admin()):
        with pytest.raises(PermissionDenied):
            approve_plan(plan=world.plan, by=user)
    assert refreshed(world.plan).status == Plan.Status.DRAFT
    approve_plan(plan=world.plan, by=f.StaffUserFactory())  # a superuser administers every organisation
    assert refreshed(world.plan).status == Plan.Status.APPROVED


def test_the_rule_is_named_and_quotes_itself():
    assert " ".join(PlanApprovalRule.__doc__.split()).startswith(
        "Only a draft plan with at least one action can be approved; approving a plan that supersedes another "
        "marks that one superseded")


def test_the_real_fixtures_read_as_the_rule_says(real_data):
    """2021 supersedes the 2019 draft, 2022-24 supersedes 2021: each replaced plan is superseded, the last approved."""
    plans = {plan.slug: plan for plan in Plan.objects.select_related("supersedes")}
    for plan in plans.values():
        if plan.supersedes is not None:
            assert plan.supersedes.status == Plan.Status.SUPERSEDED, plan.supersedes.slug
    assert plans["improvement-plan-2022-24"].status == Plan.Status.APPROVED
    assert plans["improvement-plan-2022-24"].supersedes.slug == "outcomes-improvement-plan-2021"


# The page and the URL ----------------------------------------------------------------------------------


def test_the_approve_url_is_under_the_plan():
    assert reverse("plans:approve", args=["a-plan"]) == "/plans/a-plan/approve/"


def test_only_the_plans_admins_see_the_button_and_only_on_a_draft(client, world):
    url = world.plan.get_absolute_url()
    for user in (world.lead.user, world.other.user, world.board.user):
        client.force_login(user)
        page = client.get(url)
        assert page.status_code == 200 and APPROVE not in page.content.decode()
    client.force_login(world.admin)
    page = client.get(url).content.decode()
    assert APPROVE in page and f"marks the plan it replaces, {world.replaced}, superseded" in page
    assert APPROVE not in client.get(world.replaced.get_absolute_url()).content.decode()  # approved already


def test_a_draft_with_no_actions_says_why_it_cannot_be_approved_yet(client, cast):
    empty = f.PlanFactory(organisation=cast.org)
    client.force_login(cast.admin)
    content = client.get(empty.get_absolute_url()).content.decode()
    assert APPROVE not in content
    assert "it can be approved once it has at least one" in content
    response = client.post(approve_url(empty), follow=True)  # posted anyway: refused, with the reason
    assert "A plan with no actions cannot be approved" in response.content.decode()
    assert refreshed(empty).status == Plan.Status.DRAFT


def test_posting_approves_and_says_what_it_superseded(client, world):
    client.force_login(world.admin)
    response = client.post(approve_url(world.plan), follow=True)
    assert response.status_code == 200
    assert f"{world.replaced} is now marked superseded." in response.content.decode()
    assert refreshed(world.plan).status == Plan.Status.APPROVED
    assert refreshed(world.replaced).status == Plan.Status.SUPERSEDED


def test_a_second_post_is_refused_with_the_reason(client, world):
    client.force_login(world.admin)
    client.post(approve_url(world.plan))
    response = client.post(approve_url(world.plan), follow=True)
    assert "Only a draft plan can be approved: this plan is approved." in response.content.decode()


def test_get_is_not_allowed(client, world):
    client.force_login(world.admin)
    assert client.get(approve_url(world.plan)).status_code == 405
    assert refreshed(world.plan).status == Plan.Status.DRAFT


@pytest.mark.parametrize("who", ["lead", "other", "board"])
def test_people_of_the_organisation_who_are_not_admins_are_refused(client, world, who):
    client.force_login(getattr(world, who).user)
    assert client.post(approve_url(world.plan)).status_code == 403
    assert refreshed(world.plan).status == Plan.Status.DRAFT


def test_another_organisations_admin_is_told_nothing_exists(client, world):
    client.force_login(other_admin())
    assert client.post(approve_url(world.plan)).status_code == 404
    assert client.post(reverse("plans:approve", args=["no-such-plan"])).status_code == 404
    assert refreshed(world.plan).status == Plan.Status.DRAFT


def test_a_partner_who_sees_a_shared_plan_cannot_approve_it(client, world):
    partner = f.OtherOrganisationFactory()
    world.plan.shares.create(organisation=partner, start=datetime.date(2020, 1, 1))
    client.force_login(f.user_in_role("Admin", username="partner-admin", is_staff=True,
                                      person__organisation=partner))
    assert client.get(world.plan.get_absolute_url()).status_code == 200  # they see it...
    assert client.post(approve_url(world.plan)).status_code == 403  # ...but administer only their own
    assert refreshed(world.plan).status == Plan.Status.DRAFT


def test_the_form_needs_its_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.admin)
    assert client.post(approve_url(world.plan)).status_code == 403
    assert refreshed(world.plan).status == Plan.Status.DRAFT
