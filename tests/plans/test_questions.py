"""Questions for the board: each rule finds its pattern, and leaves alone what only looks like it."""

import datetime

import pytest

from plans.models import Plan
from plans.questions import (
    RULES,
    DueDateMovedRule,
    GreenToRedRule,
    LateBlueAfterRedsRule,
    NoUpdateSinceBoardMetRule,
    SameGreenNarrativeRule,
    SameMitigationRule,
    normalise,
    questions_for_board,
)
from plans.rag import RAG
from tests import factories as f
from tests.plans.position_world import action_in, at, live_plan, meeting, move_due_date, rate

pytestmark = pytest.mark.django_db

D = datetime.date(2024, 7, 15)


def days_before(n, hour=12):
    return at(D - datetime.timedelta(days=n), hour)


@pytest.fixture
def plan():
    return live_plan()


@pytest.fixture
def theme(plan):
    return f.ThemeFactory(plan=plan)


def found(plan, rule, as_at=D):
    """The actions one rule finds, through the same call the dashboard makes."""
    results = {result.rule: result for result in questions_for_board(plan, as_at=as_at)}
    return {action.pk for action in results[rule.code].actions}


def test_every_rule_is_named_titled_and_says_why_it_matters():
    assert len(RULES) == 6 and len({rule.code for rule in RULES}) == 6
    for rule in RULES:
        assert rule.title and "Ask" in rule.why(), rule


def test_text_is_compared_ignoring_case_and_whitespace():
    assert normalise("  On   track\nfor MARCH ") == normalise("on track for march")


def test_green_three_times_with_the_same_words_is_a_question(plan, theme):
    copied, varied, two_only = action_in(theme), action_in(theme), action_in(theme)
    for n, words in enumerate(["On track for March.", "on track  for march.", "ON TRACK FOR\nMARCH."]):
        rate(copied, RAG.GREEN, days_before(30 - n), narrative=words)
    for n, words in enumerate(["Recruited two.", "Trained them.", "Started visits."]):
        rate(varied, RAG.GREEN, days_before(30 - n), narrative=words)
    for n in range(2):
        rate(two_only, RAG.GREEN, days_before(30 - n), narrative="Same again.")
    assert found(plan, SameGreenNarrativeRule) == {copied.pk}


def test_the_same_words_across_ratings_are_not_three_greens(plan, theme):
    action = action_in(theme)
    for n, rag in enumerate([RAG.GREEN, RAG.AMBER, RAG.GREEN, RAG.GREEN]):
        rate(action, rag, days_before(30 - n), narrative="No change.")
    assert found(plan, SameGreenNarrativeRule) == set()


def test_green_straight_to_red_is_a_question_but_through_amber_is_not(plan, theme):
    jumped, warned = action_in(theme), action_in(theme)
    rate(jumped, RAG.GREEN, days_before(20))
    rate(jumped, RAG.RED, days_before(10))
    for n, rag in enumerate([RAG.GREEN, RAG.AMBER, RAG.RED]):
        rate(warned, rag, days_before(20 - n))
    assert found(plan, GreenToRedRule) == {jumped.pk}


def test_a_jump_after_the_as_at_date_is_not_seen_yet(plan, theme):
    action = action_in(theme)
    rate(action, RAG.GREEN, days_before(20))
    rate(action, RAG.RED, at(D + datetime.timedelta(days=1), 0, 0))
    assert found(plan, GreenToRedRule) == set()
    assert found(plan, GreenToRedRule, as_at=D + datetime.timedelta(days=1)) == {action.pk}


def test_red_or_amber_three_times_with_the_same_mitigation_is_a_question(plan, theme):
    stuck, changing, green = action_in(theme), action_in(theme), action_in(theme)
    for n, rag in enumerate([RAG.RED, RAG.AMBER, RAG.RED]):
        rate(stuck, rag, days_before(30 - n), mitigation="Agency staff  requested.")
    for n, words in enumerate(["Agency staff requested.", "Agency staff started.", "Caseloads reviewed."]):
        rate(changing, RAG.AMBER, days_before(30 - n), mitigation=words)
    for n in range(3):
        rate(green, RAG.GREEN, days_before(30 - n), mitigation="Agency staff requested.")
    assert found(plan, SameMitigationRule) == {stuck.pk}


def test_blank_mitigations_are_not_the_same_mitigation(plan, theme):
    action = action_in(theme)
    for n in range(3):
        rate(action, RAG.RED, days_before(30 - n), mitigation="")
    assert found(plan, SameMitigationRule) == set()


def test_a_due_date_moved_twice_is_a_question_but_once_is_not(plan, theme):
    twice = action_in(theme, due_date=datetime.date(2024, 3, 31))
    move_due_date(twice, datetime.date(2024, 5, 31), days_before(60))
    move_due_date(twice, datetime.date(2024, 9, 30), days_before(10))
    once = action_in(theme, due_date=datetime.date(2024, 3, 31))
    move_due_date(once, datetime.date(2024, 9, 30), days_before(10))
    other_change = action_in(theme, due_date=datetime.date(2024, 3, 31))
    other_change.activity = "Reworded"
    other_change._history_date = days_before(5)
    other_change.save()
    assert found(plan, DueDateMovedRule) == {twice.pk}


def test_a_second_move_after_the_as_at_date_is_not_counted(plan, theme):
    action = action_in(theme, due_date=datetime.date(2024, 3, 31))
    move_due_date(action, datetime.date(2024, 5, 31), days_before(60))
    move_due_date(action, datetime.date(2024, 9, 30), at(D + datetime.timedelta(days=1), 9))
    assert found(plan, DueDateMovedRule) == set()


def test_blue_at_the_deadline_straight_after_two_reds_is_a_question(plan, theme):
    due = D - datetime.timedelta(days=3)
    suspect = action_in(theme, due_date=due)
    rate(suspect, RAG.RED, days_before(30))
    rate(suspect, RAG.RED, days_before(15))
    rate(suspect, RAG.BLUE, days_before(8))  # 5 days before the due date
    one_red = action_in(theme, due_date=due)
    rate(one_red, RAG.GREEN, days_before(30))
    rate(one_red, RAG.RED, days_before(15))
    rate(one_red, RAG.BLUE, days_before(8))
    early = action_in(theme, due_date=due)
    rate(early, RAG.RED, days_before(60))
    rate(early, RAG.RED, days_before(50))
    rate(early, RAG.BLUE, days_before(40))  # weeks before the due date
    reds_then_amber = action_in(theme, due_date=due)
    for n, rag in enumerate([RAG.RED, RAG.RED, RAG.AMBER, RAG.BLUE]):
        rate(reds_then_amber, rag, days_before(20 - n))
    assert found(plan, LateBlueAfterRedsRule) == {suspect.pk}


def test_the_deadline_is_the_due_date_in_force_when_blue_was_given(plan, theme):
    action = action_in(theme, due_date=D - datetime.timedelta(days=40))
    rate(action, RAG.RED, days_before(30))
    rate(action, RAG.RED, days_before(20))
    rate(action, RAG.BLUE, days_before(10))
    # The date as it stands now is far from the Blue; the one in force then was 2 days after it.
    move_due_date(action, D - datetime.timedelta(days=8), days_before(25))
    move_due_date(action, D + datetime.timedelta(days=90), days_before(1))
    assert found(plan, LateBlueAfterRedsRule) == {action.pk}


def test_no_update_since_the_board_last_met_is_a_question(plan, theme):
    last_met = meeting(plan.board, D - datetime.timedelta(days=7))
    meeting(plan.board, D + datetime.timedelta(days=7))  # not yet met
    quiet, updated, never, complete = action_in(theme), action_in(theme), action_in(theme), action_in(theme)
    rate(quiet, RAG.GREEN, days_before(10))
    rate(updated, RAG.GREEN, days_before(10))
    rate(updated, RAG.GREEN, days_before(2))
    rate(complete, RAG.BLUE, days_before(20))
    joined_after = action_in(theme, added_on=D - datetime.timedelta(days=3))
    assert last_met.start < days_before(2)
    assert found(plan, NoUpdateSinceBoardMetRule) == {quiet.pk, never.pk}
    assert joined_after.pk not in found(plan, NoUpdateSinceBoardMetRule)


def test_no_meeting_or_a_history_plan_asks_nothing_about_updates(theme):
    plan = theme.plan
    action_in(theme)
    assert found(plan, NoUpdateSinceBoardMetRule) == set()  # the board has not met
    meeting(plan.board, D - datetime.timedelta(days=7))
    plan.status = Plan.Status.CLOSED
    plan.save()
    assert found(plan, NoUpdateSinceBoardMetRule) == set()


def test_the_questions_run_in_a_fixed_number_of_queries(plan, theme, django_assert_num_queries):
    meeting(plan.board, D - datetime.timedelta(days=7))
    for n in range(12):
        action = action_in(theme, due_date=datetime.date(2024, 3, 31))
        move_due_date(action, datetime.date(2024, 5, 31), days_before(60 + n))
        for k in range(4):
            rate(action, RAG.GREEN, days_before(40 - k), narrative="Same words.")
    # actions as at D, updates up to D, the actions' history, the board's last meeting
    with django_assert_num_queries(4):
        results = questions_for_board(plan, as_at=D)
    assert len({r.rule: r for r in results}["same_green_narrative"].actions) == 12


@pytest.mark.parametrize(("keys", "found"), [
    (["a", "a", "a"], True),
    (["a", "a", "b", "a"], False),  # a different key breaks the run
    (["a", "a", None, "a"], False),  # so does None (an update the rule does not count)
    ([None, None, None], False),
    (["b", "a", "a", "a", "b"], True),
    ([], False),
])
def test_a_run_is_three_consecutive_updates_with_the_same_counted_key(keys, found):
    from plans.questions import _has_run

    assert _has_run(iter(keys)) is found
