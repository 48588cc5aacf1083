"""A plan's position as at a day: the as-at rule, the counts a board asks for, movement and the monthly mix."""

import datetime

import pytest

from plans.models import Plan
from plans.positions import (
    Movement,
    MovementRule,
    Tally,
    meeting_links,
    month_points,
    movement,
    plan_position,
    plan_updates,
    position_dates,
    rag_mix_by_month,
)
from plans.rag import RAG
from tests import factories as f
from tests.plans.position_world import action_in, at, live_plan, meeting, move_due_date, rate

pytestmark = pytest.mark.django_db

D = datetime.date(2024, 7, 15)  # British Summer Time
C = datetime.date(2024, 6, 14)
WINTER = datetime.date(2024, 1, 15)  # Greenwich Mean Time


@pytest.mark.parametrize(("before", "after", "kind"), [
    (None, RAG.GREEN, Movement.ADDED),
    (None, RAG.NOT_RATED, Movement.ADDED),
    (RAG.RED, RAG.BLUE, Movement.COMPLETED),
    (RAG.NOT_RATED, RAG.BLUE, Movement.COMPLETED),
    (RAG.NOT_RATED, RAG.RED, Movement.NEW_RATING),
    (RAG.NOT_RATED, RAG.GREEN, Movement.NEW_RATING),
    (RAG.RED, RAG.AMBER, Movement.IMPROVED),
    (RAG.AMBER, RAG.GREEN, Movement.IMPROVED),
    (RAG.RED, RAG.GREEN, Movement.IMPROVED),
    (RAG.GREEN, RAG.AMBER, Movement.WORSE),
    (RAG.AMBER, RAG.RED, Movement.WORSE),
    (RAG.BLUE, RAG.GREEN, Movement.WORSE),
    (RAG.BLUE, RAG.RED, Movement.WORSE),
    (RAG.GREEN, RAG.NOT_RATED, Movement.WORSE),
    (RAG.AMBER, RAG.AMBER, Movement.UNCHANGED),
    (RAG.BLUE, RAG.BLUE, Movement.UNCHANGED),
    (RAG.NOT_RATED, RAG.NOT_RATED, Movement.UNCHANGED),
])
def test_the_movement_rule_classifies_every_pair(before, after, kind):
    assert MovementRule.classify(before, after) == kind


def test_the_movement_rule_quotes_its_rule():
    assert "Red < Amber < Green; Blue to anything else is worse" in MovementRule.__doc__
    assert "Not yet rated both" in MovementRule.__doc__


def test_movement_reads_each_action_then_and_now_with_one_query_per_date(django_assert_num_queries):
    plan = live_plan()
    theme = f.ThemeFactory(plan=plan)
    stories = {
        Movement.COMPLETED: [(RAG.GREEN, C), (RAG.BLUE, D)],
        Movement.NEW_RATING: [(RAG.AMBER, D)],
        Movement.IMPROVED: [(RAG.RED, C), (RAG.AMBER, D)],
        Movement.WORSE: [(RAG.GREEN, C), (RAG.RED, D)],
        Movement.UNCHANGED: [(RAG.AMBER, C - datetime.timedelta(days=3)), (RAG.AMBER, C)],
    }
    actions = {}
    for kind, ratings in stories.items():
        actions[kind] = action_in(theme)
        for rag, day in ratings:
            rate(actions[kind], rag, at(day))
    actions["never rated"] = action_in(theme)
    actions[Movement.ADDED] = action_in(theme, added_on=C + datetime.timedelta(days=1))
    with django_assert_num_queries(2):  # the actions as at D, their ratings as at C
        rows = {row.action.pk: row for row in movement(plan, as_at=D, compare=C)}
    for kind, action in actions.items():
        expected = Movement.UNCHANGED if kind == "never rated" else kind
        assert rows[action.pk].kind == expected, kind
    assert rows[actions[Movement.ADDED].pk].before is None
    assert rows[actions[Movement.IMPROVED].pk].before == RAG.RED
    assert rows[actions[Movement.IMPROVED].pk].after == RAG.AMBER


@pytest.mark.parametrize("day", [WINTER, D], ids=["GMT", "BST"])
def test_an_update_at_2359_london_counts_and_one_at_midnight_does_not(day):
    plan = live_plan()
    theme = f.ThemeFactory(plan=plan)
    counted, not_counted = action_in(theme), action_in(theme)
    rate(counted, RAG.RED, at(day, 23, 59))
    rate(not_counted, RAG.RED, at(day + datetime.timedelta(days=1), 0, 0))
    rows = {row.action.pk: row.after for row in movement(plan, as_at=day, compare=day)}
    assert rows == {counted.pk: RAG.RED, not_counted.pk: RAG.NOT_RATED}
    position = plan_position(plan, as_at=day, compare=day - datetime.timedelta(days=1))
    assert position.totals.counts[RAG.RED] == 1


def test_in_british_summer_time_midnight_is_still_the_day_before_in_utc():
    """00:00 BST on 16 July is 23:00 UTC on 15 July: a UTC date would wrongly count it as at 15 July."""
    plan = live_plan()
    action = action_in(f.ThemeFactory(plan=plan))
    update = rate(action, RAG.GREEN, at(D + datetime.timedelta(days=1), 0, 0))
    assert update.created_at.astimezone(datetime.UTC).date() == D
    assert movement(plan, as_at=D, compare=C)[0].after == RAG.NOT_RATED


def test_an_action_added_later_is_not_in_the_plan_before_the_day_it_joined():
    plan = live_plan()
    theme = f.ThemeFactory(plan=plan)
    action_in(theme)
    later = action_in(theme, added_on=D)
    assert later.pk not in {row.action.pk for row in movement(plan, as_at=D - datetime.timedelta(days=1), compare=C)}
    position = plan_position(plan, as_at=D, compare=C)
    assert position.totals.total == 2
    assert dict(position.movement_counts)[Movement.ADDED] == 1
    assert plan_position(plan, as_at=C, compare=C).totals.total == 1


def test_the_position_counts_by_rating_and_flags_per_theme_and_in_total():
    board = f.BoardFactory()
    plan = live_plan(board=board)
    meeting(board, D + datetime.timedelta(days=10))  # the next meeting: 25 July
    one, two = f.ThemeFactory(plan=plan, order=1), f.ThemeFactory(plan=plan, order=2)
    f.ThemeFactory(plan=plan, order=3)  # a theme with no actions still shows, with zeros
    overdue = action_in(one, due_date=D - datetime.timedelta(days=1))
    rate(overdue, RAG.RED, at(D - datetime.timedelta(days=2)))
    due_before_meeting = action_in(one, due_date=D + datetime.timedelta(days=9))
    rate(due_before_meeting, RAG.GREEN, at(D - datetime.timedelta(days=2)))
    due_after_meeting = action_in(two, due_date=D + datetime.timedelta(days=10))
    rate(due_after_meeting, RAG.GREEN, at(D - datetime.timedelta(days=2)))
    complete = action_in(two, due_date=D - datetime.timedelta(days=30))
    rate(complete, RAG.BLUE, at(D - datetime.timedelta(days=40)))
    stale = action_in(two)  # never updated: needs an update
    position = plan_position(plan, as_at=D, compare=C)

    assert position.next_meeting is not None and position.due_before == D + datetime.timedelta(days=10)
    first, second, empty = position.themes
    assert (first.tally.counts[RAG.RED], first.tally.counts[RAG.GREEN], first.tally.total) == (1, 1, 2)
    assert (first.tally.overdue, first.tally.due_before_next_meeting) == (1, 1)
    assert (second.tally.counts[RAG.BLUE], second.tally.counts[RAG.NOT_RATED], second.tally.total) == (1, 1, 3)
    assert (second.tally.overdue, second.tally.due_before_next_meeting, second.tally.needs_update) == (0, 0, 1)
    assert empty.tally.total == 0 and empty.tally.share_complete is None
    totals = position.totals
    assert totals.total == 5 and totals.complete == 1 and totals.share_complete == 20
    assert (totals.overdue, totals.due_before_next_meeting, totals.needs_update) == (1, 1, 1)
    assert {a.pk for a in position.actions} == {overdue.pk, due_before_meeting.pk, due_after_meeting.pk, complete.pk,
                                                stale.pk}


def test_overdue_as_at_a_day_uses_the_due_date_then_in_force():
    plan = live_plan()
    action = action_in(f.ThemeFactory(plan=plan), due_date=D - datetime.timedelta(days=5))
    rate(action, RAG.AMBER, at(D - datetime.timedelta(days=1)))
    move_due_date(action, D + datetime.timedelta(days=60), at(D + datetime.timedelta(days=2)))
    assert plan_position(plan, as_at=D, compare=C).totals.overdue == 1
    assert plan_position(plan, as_at=D + datetime.timedelta(days=3), compare=C).totals.overdue == 0


def test_with_no_next_meeting_due_before_counts_the_next_28_days():
    plan = live_plan()
    theme = f.ThemeFactory(plan=plan)
    rate(action_in(theme, due_date=D + datetime.timedelta(days=27)), RAG.GREEN, at(D))
    rate(action_in(theme, due_date=D + datetime.timedelta(days=28)), RAG.GREEN, at(D))
    position = plan_position(plan, as_at=D, compare=C)
    assert position.next_meeting is None and position.next_meeting_is_fallback
    assert position.totals.due_before_next_meeting == 1


def test_a_history_plan_is_never_overdue_due_or_needing_an_update():
    plan = live_plan()
    plan.status = Plan.Status.SUPERSEDED
    plan.save()
    theme = f.ThemeFactory(plan=plan)
    action_in(theme, due_date=D - datetime.timedelta(days=100))
    action_in(theme, due_date=D + datetime.timedelta(days=1))
    totals = plan_position(plan, as_at=D, compare=C).totals
    assert (totals.total, totals.overdue, totals.due_before_next_meeting, totals.needs_update) == (2, 0, 0, 0)


def test_the_position_reports_impact_and_measures_as_at_the_day():
    plan = live_plan()
    theme = f.ThemeFactory(plan=plan)
    f.ImpactAssessmentFactory(theme=theme, assessed_on=C, level="emerging", created_at=at(C))
    f.ImpactAssessmentFactory(theme=theme, assessed_on=D + datetime.timedelta(days=1), level="evident",
                              created_at=at(D + datetime.timedelta(days=1)))
    measure = f.MeasureFactory(plan=plan, theme=theme, polarity="higher", target=50)
    f.MeasureValueFactory(measure=measure, period_end=C, value=60, entered_at=at(C))
    f.MeasureFactory(plan=plan, theme=theme)  # no values: not yet rated
    f.MeasureFactory(plan=plan, theme=None, name="Plan-wide measure")
    position = plan_position(plan, as_at=D, compare=C)
    assert position.plan_measure_count == 3  # the theme's two and the plan-wide one
    row = position.themes[0]
    assert (row.impact_level, row.impact_label, row.impact_on) == ("emerging", "Emerging", C)
    mix = {rating.value: count for rating, count in row.measure_rows}
    assert mix["green"] == 1 and mix["not_rated"] == 1 and row.measure_count == 2
    assert plan_position(plan, as_at=C - datetime.timedelta(days=1), compare=C).themes[0].impact_label == \
        "Not yet assessed"


def test_recent_changes_list_updates_after_the_compare_date_with_the_rating_they_replaced():
    plan = live_plan()
    action = action_in(f.ThemeFactory(plan=plan))
    rate(action, RAG.GREEN, at(C))
    rate(action, RAG.AMBER, at(C + datetime.timedelta(days=5)), narrative="Slipping: recruitment paused.")
    rate(action, RAG.RED, at(D + datetime.timedelta(days=1)))  # after the as-at date
    changes = plan_position(plan, as_at=D, compare=C).recent_changes
    assert [(c.before, c.after, c.narrative) for c in changes] == [(RAG.GREEN, RAG.AMBER, "Slipping: recruitment paused.")]


def test_month_points_run_to_the_last_day_of_each_month_and_stop_at_the_as_at_date():
    assert month_points(datetime.date(2023, 11, 20), datetime.date(2024, 2, 10)) == [
        datetime.date(2023, 11, 30), datetime.date(2023, 12, 31), datetime.date(2024, 1, 31), datetime.date(2024, 2, 10)]


def test_the_monthly_mix_folds_one_query_of_updates(django_assert_num_queries):
    plan = live_plan()
    one, two = f.ThemeFactory(plan=plan), f.ThemeFactory(plan=plan)
    early = action_in(one)
    rate(early, RAG.GREEN, at(datetime.date(2024, 2, 29), 23, 59))  # counts in February
    rate(early, RAG.RED, at(datetime.date(2024, 4, 1), 0, 0))  # April, not March
    late = action_in(two, added_on=datetime.date(2024, 3, 10))
    rate(late, RAG.BLUE, at(datetime.date(2024, 3, 11)))
    actions = list(plan_position(plan, as_at=datetime.date(2024, 4, 15), compare=C).actions)
    with django_assert_num_queries(1):
        updates = plan_updates(plan, as_at=datetime.date(2024, 4, 15))
    with django_assert_num_queries(0):
        points = rag_mix_by_month(plan, as_at=datetime.date(2024, 4, 15), actions=actions, updates=updates)
    assert [p.day for p in points] == [datetime.date(2024, 1, 31), datetime.date(2024, 2, 29),
                                       datetime.date(2024, 3, 31), datetime.date(2024, 4, 15)]
    plan_mix = [{rag: n for rag, n in p.plan.items() if n} for p in points]
    assert plan_mix == [{RAG.NOT_RATED: 1}, {RAG.GREEN: 1}, {RAG.GREEN: 1, RAG.BLUE: 1}, {RAG.RED: 1, RAG.BLUE: 1}]
    assert points[0].themes.get(two.pk) is None  # not yet in the plan in January
    assert points[2].themes[two.pk][RAG.BLUE] == 1


def test_position_dates_default_to_the_previous_meeting_else_28_days_earlier():
    board = f.BoardFactory()
    plan = live_plan(board=board)
    assert position_dates(plan, today=D) == position_dates(plan, today=D, as_at=D)
    fallback = position_dates(plan, today=D)
    assert (fallback.as_at, fallback.compare, fallback.compare_is_fallback) == (D, D - datetime.timedelta(days=28), True)
    previous = meeting(board, datetime.date(2024, 7, 1), papers_deadline=datetime.date(2024, 6, 25))
    dates = position_dates(plan, today=D)
    assert (dates.compare, dates.compare_meeting, dates.compare_is_fallback) == (datetime.date(2024, 6, 25), previous,
                                                                                 False)
    chosen = position_dates(plan, today=D, as_at=C, compare=datetime.date(2024, 5, 1))
    assert (chosen.as_at, chosen.compare, chosen.compare_is_fallback) == (C, datetime.date(2024, 5, 1), False)


def test_a_history_plan_opens_at_the_end_of_its_window():
    old = live_plan()
    old.status = Plan.Status.SUPERSEDED
    old.save()
    f.PlanFactory(status=Plan.Status.APPROVED, start=datetime.date(2024, 6, 1), supersedes=old)
    old = Plan.objects.get(pk=old.pk)
    dates = position_dates(old, today=D)
    assert dates.as_at == datetime.date(2024, 5, 31) and dates.opened_at_window_end


def test_meeting_links_pair_each_meeting_with_the_one_before_within_the_window():
    board = f.BoardFactory()
    plan = live_plan(board=board)
    meeting(board, datetime.date(2023, 12, 1))  # before the plan's window
    first = meeting(board, datetime.date(2024, 2, 1))
    second = meeting(board, datetime.date(2024, 3, 1), papers_deadline=datetime.date(2024, 2, 23))
    meeting(board, D + datetime.timedelta(days=5))  # not yet
    links = meeting_links(plan, today=D)
    assert [(link.meeting, link.as_at, link.compare) for link in links] == [
        (second, datetime.date(2024, 2, 23), datetime.date(2024, 2, 1)),
        (first, datetime.date(2024, 2, 1), datetime.date(2023, 12, 1)),
    ]


def test_a_tally_shares_complete_as_a_whole_percentage():
    tally = Tally()
    tally.counts.update({RAG.BLUE: 1, RAG.GREEN: 2})
    assert (tally.total, tally.share_complete) == (3, 33)
    assert [rag for rag, _ in tally.rows] == list(RAG)


def test_an_update_written_while_the_dashboard_reads_the_plan_does_not_break_it(monkeypatch):
    """Officers write while board members read: an update committed between the dashboard's queries is either in
    both of the reads that name recent changes or left out of the list, never a 500 (seen under `make loadtest`)."""
    from plans import positions

    plan = live_plan()
    action = action_in(f.ThemeFactory(plan=plan))
    rate(action, RAG.GREEN, at(D - datetime.timedelta(days=2)))
    read_updates = positions.plan_updates

    def officer_writes_meanwhile(*args, **kwargs):
        rate(action, RAG.RED, at(D, 9), narrative="Written as the board reads.")
        return read_updates(*args, **kwargs)

    monkeypatch.setattr(positions, "plan_updates", officer_writes_meanwhile)
    position = plan_position(plan, as_at=D, compare=C)
    assert [change.after for change in position.recent_changes] == [RAG.GREEN]
    assert position.totals.counts[RAG.RED] == 1  # the ratings read it: it was there when they were read
    assert positions.recent_changes([(10**9, "", "")], [], actions=[]) == []  # a row the page did not read
