"""plans.standing folds each action's standing in Python; ActionQuerySet.position_at says the same in SQL. Both must
agree, action by action and field by field, on a plan with every edge the rules have."""

import datetime
import random

import pytest

from plans.models import Action, Plan
from plans.positions import plan_updates
from plans.questions import board_last_met, due_date_history
from plans.rag import RAG
from plans.standing import AttentionRule, due_in_force, rating_at, stand, updates_by_action
from tests import factories as f
from tests.plans.position_world import LOADED, action_in, at, live_plan, meeting, move_due_date, rate

pytestmark = pytest.mark.django_db

FIELDS = ("current_rag", "last_updated", "due_in_force", "is_overdue", "is_due_before_next", "needs_update")


def world(status=Plan.Status.APPROVED, seed=15):
    """A plan of 30 actions: joined on different days, some never rated, updates at 23:59 and 00:00 London time on
    either side of British Summer Time, due dates moved (some twice), none set, and a board meeting now and then."""
    rng = random.Random(seed)
    board = f.BoardFactory()
    plan = live_plan(board=board)
    plan.status = status
    plan.save()
    for day in (datetime.date(2024, 3, 5), datetime.date(2024, 5, 20), datetime.date(2024, 7, 2)):
        meeting(board, day)
    themes = [f.ThemeFactory(plan=plan, order=n) for n in (1, 2)]
    for n in range(30):
        added = LOADED + datetime.timedelta(days=rng.choice([0, 0, 0, 40, 120, 200]))
        due = None if n % 7 == 0 else LOADED + datetime.timedelta(days=rng.randrange(30, 300))
        action = action_in(themes[n % 2], added_on=added, due_date=due, order=n)
        day = added
        for _ in range(rng.randrange(0, 6)):
            day += datetime.timedelta(days=rng.randrange(5, 60))
            hour, minute = rng.choice([(12, 0), (23, 59), (0, 0)])
            rate(action, rng.choice(list(RAG)[1:]), at(day, hour, minute))
        for _ in range(rng.choice([0, 0, 1, 2])):
            move_due_date(action, LOADED + datetime.timedelta(days=rng.randrange(60, 330)),
                          at(LOADED + datetime.timedelta(days=rng.randrange(10, 300))))
    # The edges, at DAYS[2] (30 June 2024): due that day, due on the due-before day (30 days on), last rated at the
    # very end of the day 30 days before (stale) and at the first minute after it (not), and at the board's meeting.
    edge = datetime.date(2024, 6, 30)
    action_in(themes[0], due_date=edge, order=100)
    action_in(themes[0], due_date=edge + datetime.timedelta(days=30), order=101)
    rate(action_in(themes[1], order=102), RAG.GREEN, at(datetime.date(2024, 5, 31), 23, 59))
    rate(action_in(themes[1], order=103), RAG.GREEN, at(datetime.date(2024, 6, 1), 0, 0))
    # And on 20 July: rated as the board's meeting of 2 July starts (not needing an update) and a minute before.
    rate(action_in(themes[1], order=104), RAG.AMBER, at(datetime.date(2024, 7, 2), 10))
    rate(action_in(themes[1], order=105), RAG.AMBER, at(datetime.date(2024, 7, 2), 9, 59))
    return plan


DAYS = [datetime.date(2024, 3, 5), datetime.date(2024, 3, 31), datetime.date(2024, 6, 30), datetime.date(2024, 7, 20),
        datetime.date(2024, 10, 27), datetime.date(2024, 12, 1)]


def folded(plan, day, compare, due_before):
    actions = list(Action.objects.filter(theme__plan=plan).in_plan_at(day).order_by("pk"))
    last_met = board_last_met(plan, day)
    rule = AttentionRule(day, due_before=due_before, board_last_met=last_met.start if last_met else None)
    stand(actions, as_at=day, compare=compare, by_action=updates_by_action(plan_updates(plan, as_at=day)),
          due_dates=due_date_history(actions), rule=rule, plan_is_history=plan.is_history)
    return actions


def in_sql(plan, day, compare, due_before):
    return list(Action.objects.filter(theme__plan=plan).position_at(day, due_before=due_before)
                .with_rag_then(compare, "rag_then").order_by("pk"))


@pytest.mark.parametrize("status", [Plan.Status.APPROVED, Plan.Status.SUPERSEDED])
def test_the_fold_and_the_sql_agree_on_every_action_at_every_day(status):
    plan = world(status)
    checked = 0
    for day in DAYS:
        compare, due_before = day - datetime.timedelta(days=45), day + datetime.timedelta(days=30)
        python, sql = folded(plan, day, compare, due_before), in_sql(plan, day, compare, due_before)
        assert [a.pk for a in python] == [a.pk for a in sql]
        for mine, theirs in zip(python, sql, strict=True):
            for name in FIELDS:
                assert getattr(mine, name) == getattr(theirs, name), (day, mine.reference, name)
            expected_then = theirs.rag_then if theirs.added_on <= compare else None
            assert mine.rag_then == expected_then, (day, mine.reference)
            checked += 1
    assert checked > 60
    flags = {name for a in folded(plan, DAYS[2], DAYS[1], DAYS[4]) for name in FIELDS[3:] if getattr(a, name)}
    # The world is rich enough to raise every flag in a live plan, and none in a plan that is history.
    assert flags == (set() if status == Plan.Status.SUPERSEDED else set(FIELDS[3:]))


def test_due_in_force_takes_the_latest_record_by_then_else_the_earliest_else_the_due_date():
    first, second = datetime.date(2024, 5, 1), datetime.date(2024, 6, 1)
    records = [(at(datetime.date(2024, 2, 1)), first), (at(datetime.date(2024, 3, 1)), second)]
    assert due_in_force(records, at(datetime.date(2024, 2, 15)), None) == first
    assert due_in_force(records, at(datetime.date(2024, 3, 15)), None) == second
    assert due_in_force(records, at(datetime.date(2024, 1, 15)), None) == first  # before every record: as loaded
    assert due_in_force([], at(datetime.date(2024, 1, 15)), second) == second


def test_rating_at_is_the_latest_update_by_the_cutoff_or_not_yet_rated():
    plan = live_plan()
    action = action_in(f.ThemeFactory(plan=plan))
    rate(action, RAG.RED, at(datetime.date(2024, 2, 1)))
    rate(action, RAG.GREEN, at(datetime.date(2024, 3, 1), 23, 59))
    updates = updates_by_action(plan_updates(plan, as_at=datetime.date(2024, 12, 1)))[action.pk]
    assert rating_at(updates, at(datetime.date(2024, 1, 31), 23, 59)) == RAG.NOT_RATED
    assert rating_at(updates, at(datetime.date(2024, 3, 1), 23, 0)) == RAG.RED
    assert rating_at(updates, at(datetime.date(2024, 3, 1), 23, 59)) == RAG.GREEN


def test_the_attention_rule_quotes_the_rule_it_applies():
    assert "no update by the end of the day, or none since the end of the day `STALE_DAYS` earlier" in \
        " ".join(AttentionRule.__doc__.split())
    assert AttentionRule.STALE_DAYS == 30


def test_updates_are_grouped_by_action_in_their_order_even_when_an_action_comes_back():
    from collections import namedtuple

    row = namedtuple("Row", "action_id n")
    rows = [row(1, 1), row(1, 2), row(2, 3), row(1, 4)]
    assert updates_by_action(rows) == {1: [row(1, 1), row(1, 2), row(1, 4)], 2: [row(2, 3)]}
    assert updates_by_action([]) == {}
