"""The home and plan pages over the real plans: counts that add up, and query counts that stay flat."""

import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from plans.models import Action, Plan
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(real_data):
    return f.user_in_role("Board member", username="reader", person__organisation=f.BRADFORD)


def test_home_lists_every_plan_with_counts_that_add_up(client, reader, django_assert_num_queries):
    client.force_login(reader)
    # session, user, plans with their five RAG counts (one query), inspections with their tracker summary (one)
    with django_assert_num_queries(4):
        response = client.get(reverse("home"))
    page = response.content.decode()
    for plan in Plan.objects.with_rag_counts():
        assert escape(plan.title) in page
        assert plan.action_count == Action.objects.for_plan(plan).count()
        assert plan.action_count == sum(getattr(plan, f"{r}_count") for r in
                                        ("not_rated", "red", "amber", "green", "blue"))


@pytest.mark.parametrize("slug", ["improvement-plan-2019-draft", "outcomes-improvement-plan-2021",
                                  "improvement-plan-2022-24"])
def test_plan_page_shows_every_theme_and_action_in_a_fixed_number_of_queries(client, reader, slug,
                                                                              django_assert_num_queries):
    client.force_login(reader)
    plan = Plan.objects.get(slug=slug)
    # session, user, plan (with what it supersedes and its board), themes with counts, actions with ratings
    with django_assert_num_queries(5):
        page = client.get(plan.get_absolute_url()).content.decode()
    for theme in plan.themes.all():
        assert f"{theme.number}: {escape(theme.title)}" in page
    assert page.count('href="/actions/') == Action.objects.for_plan(plan).count()


def test_every_rating_tag_carries_a_word(client, reader):
    client.force_login(reader)
    page = client.get(Plan.objects.get(slug="improvement-plan-2019-draft").get_absolute_url()).content.decode()
    tags = re.findall(r'<strong class="govuk-tag[^"]*">([^<]*)</strong>', page)
    assert tags and all(word.strip() for word in tags)


def test_the_2019_plan_prints_its_duplicate_action_numbers_in_both_themes(client, reader):
    client.force_login(reader)
    plan = Plan.objects.get(slug="improvement-plan-2019-draft")
    assert Action.objects.for_plan(plan).filter(reference="5.3.3").values("theme__number").count() == 2
