"""Slugs are unique across organisations, and making one tells nobody what another council holds."""

import io

import pytest

from governance.models import Board
from inspections.models import Inspection
from plans.imports import import_plan, read_spreadsheet
from plans.models import Plan
from plans.slugs import unique_slug
from tests import factories as f

pytestmark = pytest.mark.django_db

TITLE = "Children's Services Improvement Plan"
FILE = (f"plan,version,theme,theme_title,action,activity\n{TITLE},1.0,1,Leadership,1.1,Appoint a director\n"
        .encode())


@pytest.fixture
def home():
    return f.OrganisationFactory()


@pytest.fixture
def other():
    return f.OtherOrganisationFactory(slug="leeds")


def test_the_plain_slug_is_used_when_it_is_free(home):
    assert unique_slug(Plan, "Improvement plan 2024-26", organisation=home) == "improvement-plan-2024-26"


def test_a_taken_slug_is_prefixed_with_the_organisations_slug(home, other):
    f.PlanFactory(organisation=other, slug="improvement-plan")
    assert unique_slug(Plan, "Improvement plan", organisation=home) == "home-council-improvement-plan"


def test_a_number_is_added_only_when_the_prefixed_slug_is_taken_too(home, other):
    f.PlanFactory(organisation=other, slug="improvement-plan")
    f.PlanFactory(organisation=home, slug="home-council-improvement-plan")
    assert unique_slug(Plan, "Improvement plan", organisation=home) == "home-council-improvement-plan-2"
    f.PlanFactory(organisation=home, slug="home-council-improvement-plan-2")
    assert unique_slug(Plan, "Improvement plan", organisation=home) == "home-council-improvement-plan-3"


def test_without_an_organisation_a_taken_slug_is_numbered(home):
    f.BoardFactory(organisation=home, slug="improvement-board")
    assert unique_slug(Board, "Improvement Board") == "improvement-board-2"


def test_each_model_has_its_own_slugs(home, other):
    f.PlanFactory(organisation=other, slug="ilacs-2023")
    assert unique_slug(Inspection, "ILACS 2023", organisation=home) == "ilacs-2023"
    f.InspectionFactory(organisation=other, slug="ilacs-2023")
    assert unique_slug(Inspection, "ILACS 2023", organisation=home) == "home-council-ilacs-2023"


def test_a_slug_fits_the_field_and_never_ends_in_a_hyphen(home, other):
    text = "word " * 40  # 200 characters; the field holds 100
    plain = unique_slug(Plan, text, organisation=home)
    assert len(plain) <= 100 and not plain.endswith("-") and plain.startswith("word-word")
    f.PlanFactory(organisation=other, slug=plain)
    prefixed = unique_slug(Plan, text, organisation=home)
    assert prefixed.startswith("home-council-word") and len(prefixed) <= 100 and not prefixed.endswith("-")
    f.PlanFactory(organisation=home, slug=prefixed)
    numbered = unique_slug(Plan, text, organisation=home)
    assert numbered.endswith("-2") and len(numbered) <= 100 and numbered not in (plain, prefixed)
    assert unique_slug(Plan, "Short", organisation=home, max_length=3) == "sho"


def test_text_with_nothing_to_slug_falls_back_to_the_models_name(home):
    assert unique_slug(Plan, "!!!", organisation=home) == "plan"
    assert unique_slug(Board, "   ") == "board"


# Two councils importing the same plan title -------------------------------------------------------------


def run(organisation):
    return import_plan(rows=read_spreadsheet(io.BytesIO(FILE), "plan.csv"), organisation=organisation)


def test_two_organisations_importing_the_same_title_get_distinct_slugs_and_neither_sees_the_other(client, home, other):
    theirs = run(other).plan
    ours = run(home).plan

    assert theirs.slug == "childrens-services-improvement-plan-10"
    assert ours.slug == "home-council-childrens-services-improvement-plan-10"
    assert (theirs.organisation, ours.organisation) == (other, home)
    assert theirs.themes.count() == ours.themes.count() == 1  # each import wrote its own plan only

    home_user = f.user_in_role("Officer", username="home-officer")
    other_user = f.user_in_role("Officer", username="leeds-officer", person__organisation=other)
    assert list(Plan.objects.visible_to(home_user)) == [ours]
    assert list(Plan.objects.visible_to(other_user)) == [theirs]
    client.force_login(home_user)
    assert client.get(ours.get_absolute_url()).status_code == 200
    assert client.get(theirs.get_absolute_url()).status_code == 404
    home_page = client.get("/").content.decode()
    assert ours.slug in home_page and f'"/plans/{theirs.slug}/"' not in home_page


def test_an_import_summary_names_no_slug(home, other):
    run(other)
    lines = run(home).summary_lines()
    assert lines[0] == f'Plan "{TITLE}" (version 1.0): created'
    assert not any("childrens-services" in line or "leeds" in line for line in lines)
