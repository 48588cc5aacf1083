"""Each action's standing as at a day, folded in Python from rows a page has read already.

A board page that reads every progress update of its plans anyway (the dashboard, the highlight report) and the
actions' due-date history (the questions for the board read it) holds all it needs to rate each action at two
dates, find its due date then in force and flag it: asking the database to find each action's latest update again,
per action and per date, was most of those pages' largest query. ActionQuerySet.as_at and position_at say the same
in SQL, for the lists that filter and sort by it (the register); tests/plans/test_standing.py proves they agree.
"""

import bisect
import datetime
import itertools
import operator

from .querysets import end_of_day
from .rag import RAG

_NOT_RATED, _BLUE = RAG.NOT_RATED.value, RAG.BLUE.value


def updates_by_action(updates) -> dict:
    """{action pk: [update, ...]} keeping the rows' order (plans_updates gives them oldest first per action). The rows
    come grouped by action, so each action's run is taken whole rather than row by row (a run that comes apart is
    still joined up)."""
    found = {}
    for pk, run in itertools.groupby(updates, key=operator.attrgetter("action_id")):
        rows = found.get(pk)
        if rows is None:
            found[pk] = list(run)
        else:
            rows.extend(run)
    return found


def due_in_force(due_dates, cutoff: datetime.datetime, due_date):
    """The due date at `cutoff` (the end of a London day) from (when, due date) records oldest first, as
    querysets.due_in_force reads it: the latest record by then; if every record is later, the earliest (the value
    as loaded, recorded just before the first change); with no history, the due date as it stands."""
    if not due_dates:
        return due_date
    for when, due in reversed(due_dates):
        if when <= cutoff:
            return due
    return due_dates[0][1]


def rating_at(updates, cutoff: datetime.datetime) -> str:
    """The rating of the latest of an action's updates (oldest first) made by `cutoff`, or Not yet rated."""
    times = [update.created_at for update in updates]
    found = bisect.bisect_right(times, cutoff)
    return updates[found - 1].rag if found else _NOT_RATED


class AttentionRule:
    """The flags of ActionQuerySet.position_at, as at a day, for an action not complete (not Blue) in a plan that is
    not history (superseded or closed): *overdue*, past the due date then in force; *due before the next meeting*,
    due on or after the day and before the owning board's next meeting; *needs update*, no update by the end of the
    day, or none since the end of the day `STALE_DAYS` earlier, or none since the board last met by then. In a plan
    that is history no flag is ever raised."""

    STALE_DAYS = 30

    def __init__(self, day: datetime.date, *, due_before: datetime.date, board_last_met: datetime.datetime | None):
        self.day, self.due_before, self.board_last_met = day, due_before, board_last_met
        self.stale_before = end_of_day(day - datetime.timedelta(days=self.STALE_DAYS))

    def flag(self, action, *, plan_is_history: bool) -> None:
        """Set is_overdue, is_due_before_next and needs_update on `action` (which has current_rag, last_updated and
        due_in_force)."""
        live = action.current_rag != _BLUE and not plan_is_history
        due, last = action.due_in_force, action.last_updated
        action.is_overdue = live and due is not None and due < self.day
        action.is_due_before_next = live and due is not None and self.day <= due < self.due_before
        action.needs_update = live and (last is None or last < self.stale_before
                                        or (self.board_last_met is not None and last < self.board_last_met))


def stand(actions, *, as_at: datetime.date, by_action: dict, due_dates: dict, compare: datetime.date | None = None,
          rule: AttentionRule | None = None, plan_is_history: bool = False) -> None:
    """Annotate each action as ActionQuerySet.as_at(as_at) does (current_rag, last_updated, due_in_force), and with
    `compare` its rating then (rag_then, None for an action not yet in the plan), and with a `rule` its flags.
    `by_action` holds each action's updates up to the end of `as_at`, oldest first; `due_dates` its (when, due date)
    records oldest first; `plan_is_history`: the actions' plan is superseded or closed (the rule flags nothing)."""
    cutoff = end_of_day(as_at)
    then = end_of_day(compare) if compare is not None else None
    for action in actions:
        updates = by_action.get(action.pk, ())
        last = updates[-1] if updates else None
        action.current_rag = last.rag if last else _NOT_RATED
        action.last_updated = last.created_at if last else None
        action.due_in_force = due_in_force(due_dates.get(action.pk), cutoff, action.due_date)
        if then is not None:
            action.rag_then = rating_at(updates, then) if action.added_on <= compare else None
        if rule is not None:
            rule.flag(action, plan_is_history=plan_is_history)
