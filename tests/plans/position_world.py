"""Small builders for the dashboard tests: London times, dated actions, ratings and meetings."""

import datetime
import zoneinfo

from plans.models import Plan
from tests import factories as f

LONDON = zoneinfo.ZoneInfo("Europe/London")
LOADED = datetime.date(2024, 1, 1)


def at(day: datetime.date, hour: int = 12, minute: int = 0) -> datetime.datetime:
    """A London wall-clock time (GMT in winter, BST in summer)."""
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=LONDON)


def live_plan(**kwargs) -> Plan:
    """An approved plan from 1 January 2024 owned by a board."""
    kwargs.setdefault("board", f.BoardFactory())
    return f.PlanFactory(status=Plan.Status.APPROVED, start=LOADED, **kwargs)


def action_in(theme, *, added_on=LOADED, due_date=None, **kwargs):
    """An action loaded on `added_on`, its history baseline dated that day too (not the day the test runs)."""
    action = f.ActionFactory(theme=theme, added_on=added_on, due_date=due_date, **kwargs)
    action.history.update(history_date=at(added_on, 0, 1))
    return action


def move_due_date(action, new: datetime.date, when: datetime.datetime):
    action.due_date = new
    action._history_date = when
    action._change_reason = "Moved in a test"
    action.save(update_fields=["due_date"])
    return action


def rate(action, rag, when: datetime.datetime, narrative: str = "On track.", mitigation: str = "", **kwargs):
    return f.ProgressUpdateFactory(action=action, rag=rag, created_at=when, recorded_at=when, narrative=narrative,
                                   mitigation=mitigation, **kwargs)


def meeting(board, day: datetime.date, papers_deadline: datetime.date | None = None):
    return f.MeetingFactory(board=board, start=at(day, 10), papers_deadline=papers_deadline)
