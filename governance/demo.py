"""Demonstration meetings of the Improvement Board across the live plan's window, clearly marked.

A demo assumption, labelled on every meeting: the board's terms of reference say it meets "initially on a
fortnightly cycle" with papers "at least 4 working days before the meeting", and no later dates are known.
So the demo meets fortnightly for the first three months of the live plan, then monthly, until about three
months after today; each meeting's papers deadline is four working days before it (England and Wales
bank holidays excluded). Every row has Meeting.is_demo = True; seeding twice on a day gives the same rows.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from plans.models import Plan

from .calendar import add_working_days, is_working_day, working_days_before
from .models import AgendaItem, Board, BoardPack, Meeting

PAPERS_WORKING_DAYS = 4
FORTNIGHTLY_FOR = datetime.timedelta(days=91)  # "initially": the first three months
AHEAD = datetime.timedelta(days=92)  # meetings planned about three months ahead
MEETING_TIME = datetime.time(10, 0)
MEETING_WEEKDAY = 1  # Tuesday

NOTE = ("Demo data: a demonstration assumption, not a real meeting. The board's terms of reference say it meets "
        "initially on a fortnightly cycle, with papers at least 4 working days before the meeting; the demo "
        "assumes fortnightly for the first three months of the plan, then monthly.")
VENUE = "Demo data: City Hall, Bradford (assumed)"


def _on_working_day(day: datetime.date) -> datetime.date:
    """A meeting that would fall on a bank holiday moves to the next working day."""
    return day if is_working_day(day) else add_working_days(day, 1)


def _second_tuesday(year: int, month: int) -> datetime.date:
    first = datetime.date(year, month, 1)
    return first + datetime.timedelta(days=(MEETING_WEEKDAY - first.weekday()) % 7 + 7)


def meeting_days(window_start: datetime.date, until: datetime.date) -> list[datetime.date]:
    """Fortnightly Tuesdays for three months, from the first whose papers deadline falls in the window (the
    first report is on the plan, not before it), then the second Tuesday of each following month, up to `until`."""
    days = []
    day = window_start + datetime.timedelta(days=(MEETING_WEEKDAY - window_start.weekday()) % 7)
    while working_days_before(_on_working_day(day), PAPERS_WORKING_DAYS) < window_start:
        day += datetime.timedelta(weeks=1)
    while day < window_start + FORTNIGHTLY_FOR and day <= until:
        days.append(_on_working_day(day))
        day += datetime.timedelta(weeks=2)
    year, month = day.year, day.month
    while True:
        monthly = _second_tuesday(year, month)
        if monthly > until:
            break
        if not days or monthly > days[-1]:
            days.append(_on_working_day(monthly))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return days


def improvement_board():
    """The real council's Improvement Board (a demo council's board has its own demo: plans.demo_council)."""
    return (Board.objects.filter(kind=Board.Kind.IMPROVEMENT_BOARD, organisation__is_demo=False)
            .order_by("pk").first())


def live_plan(board):
    """The plan the board is delivering now: its latest approved plan."""
    return Plan.objects.live().filter(board=board).order_by("-start", "-pk").first() if board else None


def clear():
    """Remove every demo meeting and whatever hangs off it (agenda items, attendance, log items, reminders,
    and board packs, which otherwise protect their meeting)."""
    demo = Meeting.objects.filter(is_demo=True)
    BoardPack.objects.filter(meeting__in=demo).delete()
    return demo.delete()


@transaction.atomic
def seed(today: datetime.date | None = None) -> list[Meeting]:
    """Create or update the Improvement Board's demo meetings (same rows and ids on a re-run the same day),
    each with one agenda item taking the live plan's highlight report; drop demo meetings no longer in the
    schedule. Returns the meetings, earliest first."""
    today = today or timezone.localdate()
    board = improvement_board()
    plan = live_plan(board)
    # A demo council's meeting is seeded by plans.demo_council: never dropped here.
    ours = Meeting.objects.filter(is_demo=True).exclude(board__organisation__is_demo=True)
    if plan is None or plan.window_start is None:
        BoardPack.objects.filter(meeting__in=ours).delete()
        ours.delete()
        return []
    real_days = {timezone.localdate(start) for start in
                 Meeting.objects.filter(board=board, is_demo=False).values_list("start", flat=True)}
    meetings = []
    for day in meeting_days(plan.window_start, today + AHEAD):
        if day in real_days:
            continue  # a real meeting that day stands; the demo never touches it
        start = timezone.make_aware(datetime.datetime.combine(day, MEETING_TIME))
        meeting, _ = Meeting.objects.update_or_create(board=board, start=start, defaults={
            "is_demo": True, "venue": VENUE, "note": NOTE,
            "papers_deadline": working_days_before(day, PAPERS_WORKING_DAYS),
        })
        item, _ = AgendaItem.objects.update_or_create(meeting=meeting, number="1", defaults={
            "title": f"{plan.title}: highlight report", "order": 1,
            "description": "Demo data: the position of the improvement plan, as at the papers deadline.",
            "report_author": "Demo data", "note": NOTE,
        })
        item.plans.set([plan])
        meetings.append(meeting)
    stale = ours.exclude(pk__in=[m.pk for m in meetings])
    BoardPack.objects.filter(meeting__in=stale).delete()
    stale.delete()
    return meetings
