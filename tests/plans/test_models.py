"""Constraints the database enforces, and the RAG rule: the current rating is the latest update's."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from plans.models import Action, Milestone, Plan, ProgressUpdate
from plans.rag import RAG, parse
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_action_reference_is_unique_within_its_theme():
    action = f.ActionFactory(reference="5.3.3")
    with pytest.raises(IntegrityError), transaction.atomic():
        f.ActionFactory(theme=action.theme, reference="5.3.3")


def test_the_same_reference_may_appear_in_two_themes_as_the_2019_plan_prints_it():
    plan = f.PlanFactory()
    f.ActionFactory(theme=f.ThemeFactory(plan=plan, number="5"), reference="5.3.3")
    f.ActionFactory(theme=f.ThemeFactory(plan=plan, number="6"), reference="5.3.3")
    assert Action.objects.filter(theme__plan=plan, reference="5.3.3").count() == 2


def test_recommendation_codes_are_unique_per_inspection():
    rec = f.RecommendationFactory(code="R6a")
    f.RecommendationFactory(code="R6a")  # another inspection: fine
    with pytest.raises(IntegrityError), transaction.atomic():
        f.RecommendationFactory(inspection=rec.inspection, code="R6a")


def test_theme_numbers_are_unique_within_a_plan():
    theme = f.ThemeFactory(number="3b")
    with pytest.raises(IntegrityError), transaction.atomic():
        f.ThemeFactory(plan=theme.plan, number="3b")


def test_plan_title_and_version_are_unique_within_an_organisation():
    plan = f.PlanFactory(title="Improvement Plan", version="0.27")
    with pytest.raises(IntegrityError), transaction.atomic():
        f.PlanFactory(organisation=plan.organisation, title="Improvement Plan", version="0.27")


def test_a_plan_cannot_end_before_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        f.PlanFactory(start=datetime.date(2024, 1, 1), end=datetime.date(2023, 1, 1))


def test_a_progress_update_needs_a_valid_rating():
    with pytest.raises(IntegrityError), transaction.atomic():
        f.ProgressUpdateFactory(rag="purple")


def test_a_milestone_belongs_to_an_action_or_a_theme_not_both_nor_neither():
    action = f.ActionFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Milestone.objects.create(action=action, theme=action.theme, text="Both")
    with pytest.raises(IntegrityError), transaction.atomic():
        Milestone.objects.create(text="Neither")


def test_an_action_with_no_updates_is_not_yet_rated():
    action = f.ActionFactory()
    assert Action.objects.with_current_rag().get(pk=action.pk).current_rag == RAG.NOT_RATED


def test_current_rag_is_the_latest_updates_rating():
    action = f.ActionFactory()
    now = timezone.now()
    f.ProgressUpdateFactory(action=action, rag=RAG.RED, created_at=now - datetime.timedelta(days=20))
    f.ProgressUpdateFactory(action=action, rag=RAG.AMBER, created_at=now - datetime.timedelta(days=10))
    latest = f.ProgressUpdateFactory(action=action, rag=RAG.GREEN, created_at=now - datetime.timedelta(days=1))
    annotated = Action.objects.with_current_rag().get(pk=action.pk)
    assert annotated.current_rag == RAG.GREEN
    assert annotated.last_updated == latest.created_at
    assert ProgressUpdate.objects.filter(action=action).count() == 3  # every past rating is kept


def test_the_position_at_a_past_date_uses_the_ratings_given_by_then():
    action = f.ActionFactory()
    f.ProgressUpdateFactory(action=action, rag=RAG.RED,
                            created_at=timezone.make_aware(datetime.datetime(2019, 3, 1, 12)))
    f.ProgressUpdateFactory(action=action, rag=RAG.BLUE,
                            created_at=timezone.make_aware(datetime.datetime(2019, 6, 1, 12)))
    assert Action.objects.as_at(datetime.date(2019, 2, 28)).get(pk=action.pk).current_rag == RAG.NOT_RATED
    assert Action.objects.as_at(datetime.date(2019, 3, 1)).get(pk=action.pk).current_rag == RAG.RED
    assert Action.objects.as_at(datetime.date(2019, 5, 31)).get(pk=action.pk).current_rag == RAG.RED
    assert Action.objects.as_at(datetime.date(2019, 6, 1)).get(pk=action.pk).current_rag == RAG.BLUE


def test_equal_timestamps_are_broken_by_the_later_update():
    action = f.ActionFactory()
    when = timezone.now()
    f.ProgressUpdateFactory(action=action, rag=RAG.RED, created_at=when)
    f.ProgressUpdateFactory(action=action, rag=RAG.AMBER, created_at=when)
    assert Action.objects.with_current_rag().get(pk=action.pk).current_rag == RAG.AMBER


def test_plan_rag_counts(django_assert_num_queries):
    plan = f.PlanFactory()
    theme = f.ThemeFactory(plan=plan)
    red, amber, _unrated = (f.ActionFactory(theme=theme) for _ in range(3))
    f.ProgressUpdateFactory(action=red, rag=RAG.GREEN, created_at=timezone.now() - datetime.timedelta(days=2))
    f.ProgressUpdateFactory(action=red, rag=RAG.RED)
    f.ProgressUpdateFactory(action=amber, rag=RAG.AMBER)
    f.ActionFactory(theme=f.ThemeFactory())  # another plan's action is not counted
    with django_assert_num_queries(1):
        counted = Plan.objects.with_rag_counts().get(pk=plan.pk)
    assert (counted.action_count, counted.red_count, counted.amber_count, counted.green_count,
            counted.blue_count, counted.not_rated_count) == (3, 1, 1, 0, 0, 1)


def test_overdue_and_due_soon():
    today = datetime.date(2024, 6, 1)
    late = f.ActionFactory(due_date=datetime.date(2024, 5, 1))
    done_late = f.ActionFactory(due_date=datetime.date(2024, 5, 1))
    f.ProgressUpdateFactory(action=done_late, rag=RAG.BLUE)
    soon = f.ActionFactory(due_date=datetime.date(2024, 6, 10))
    f.ActionFactory(due_date=datetime.date(2024, 7, 30))
    rated = Action.objects.with_current_rag()
    assert list(rated.overdue(today=today)) == [late]
    assert list(rated.due_soon(today=today)) == [soon]


@pytest.mark.parametrize(("text", "expected"), [
    ("Red", RAG.RED), ("r", RAG.RED), ("AMBER", RAG.AMBER), ("g", RAG.GREEN), ("Blue", RAG.BLUE),
    ("Not yet rated", RAG.NOT_RATED), ("not_rated", RAG.NOT_RATED), ("", RAG.NOT_RATED),
])
def test_rag_parse(text, expected):
    assert parse(text) == expected


def test_rag_parse_refuses_other_words():
    with pytest.raises(ValueError, match="is not a RAG rating"):
        parse("purple")
