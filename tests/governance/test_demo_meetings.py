"""The Improvement Board's demo meetings: fortnightly then monthly across the live plan's window, papers four
working days before, labelled as a demo assumption, idempotent and cleared exactly."""

import datetime

import pytest
from django.utils import timezone

from governance import demo
from governance.calendar import is_working_day, working_days_before
from governance.models import AgendaItem, Board, BoardPack, Meeting
from plans.models import Plan
from tests import factories as f

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2026, 12, 1)


def rows():
    return sorted(Meeting.objects.values_list("pk", "board_id", "start", "papers_deadline", "is_demo", "venue", "note"))


def test_fortnightly_for_three_months_then_the_second_tuesday_of_each_month():
    days = demo.meeting_days(D(2022, 1, 1), D(2022, 7, 31))
    assert days == [D(2022, 1, 11), D(2022, 1, 25), D(2022, 2, 8), D(2022, 2, 22), D(2022, 3, 8), D(2022, 3, 22),
                    D(2022, 4, 12), D(2022, 5, 10), D(2022, 6, 14), D(2022, 7, 12)]
    # The first meeting is the first whose papers are due on the plan, not before it starts.
    assert working_days_before(days[0], 4) >= D(2022, 1, 1) > working_days_before(D(2022, 1, 4), 4)


def test_a_meeting_that_would_fall_on_a_bank_holiday_moves_to_the_next_working_day():
    # Fortnightly from Tuesday 11 December 2018: the 25th is Christmas Day and the 26th Boxing Day.
    days = demo.meeting_days(D(2018, 12, 5), D(2019, 1, 31))
    assert D(2018, 12, 27) in days and D(2018, 12, 25) not in days
    assert all(is_working_day(day) for day in days)


def test_the_schedule_stops_at_the_given_day():
    assert demo.meeting_days(D(2022, 1, 1), D(2022, 1, 10)) == []
    assert demo.meeting_days(D(2022, 1, 1), D(2022, 1, 11)) == [D(2022, 1, 11)]


def test_seeded_over_the_real_plans(real_data):
    board = Board.objects.get(slug="improvement-board")
    plan = Plan.objects.get(slug="improvement-plan-2022-24")
    meetings = demo.seed(TODAY)
    assert meetings == list(Meeting.objects.filter(is_demo=True).order_by("start"))
    days = [timezone.localdate(m.start) for m in meetings]
    assert days == demo.meeting_days(plan.window_start, TODAY + datetime.timedelta(days=92))
    assert days[0] >= plan.window_start and days[-1] > TODAY + datetime.timedelta(days=60)  # future meetings too
    assert {(days[i + 1] - days[i]).days for i in range(5)} == {14}
    assert all(28 <= (b - a).days <= 35 for a, b in zip(days[7:], days[8:], strict=False))
    for meeting, day in zip(meetings, days, strict=True):
        assert meeting.board == board and meeting.is_demo
        assert meeting.papers_deadline == working_days_before(day, 4)
        assert "Demo data" in meeting.note and "initially on a fortnightly cycle" in meeting.note
        [item] = meeting.agenda_items.all()
        assert list(item.plans.all()) == [plan]
    # A real meeting of another board is untouched, and the position date is the papers deadline.
    assert Meeting.objects.filter(is_demo=False).count() == 10
    assert Meeting.objects.previous_meeting(board, TODAY).papers_deadline < TODAY


def test_idempotent_and_a_real_meeting_on_a_schedule_day_stands(real_data):
    board = Board.objects.get(slug="improvement-board")
    real = f.MeetingFactory(board=board, start=timezone.make_aware(datetime.datetime(2022, 1, 25, 14, 0)))
    demo.seed(TODAY)
    first = rows()
    demo.seed(TODAY)
    assert rows() == first
    real.refresh_from_db()
    assert not real.is_demo and real.papers_deadline is None
    on_that_day = [m for m in Meeting.objects.filter(board=board) if timezone.localdate(m.start) == D(2022, 1, 25)]
    assert on_that_day == [real]


def test_a_later_run_drops_the_meetings_no_longer_in_the_schedule(real_data):
    demo.seed(TODAY)
    earlier = TODAY - datetime.timedelta(days=200)
    meetings = demo.seed(earlier)
    assert max(timezone.localdate(m.start) for m in meetings) <= earlier + datetime.timedelta(days=92)
    assert Meeting.objects.filter(is_demo=True).count() == len(meetings)


def test_clear_removes_exactly_the_demo_meetings_and_what_hangs_off_them(real_data):
    meetings = demo.seed(TODAY)
    real = Meeting.objects.filter(is_demo=False).count()
    real_items = AgendaItem.objects.filter(meeting__is_demo=False).count()
    BoardPack.objects.create(meeting=meetings[0], version=1, issued_by=f.UserFactory(), as_at=TODAY, figures={},
                             pdf=b"", docx=b"", pdf_sha256="0" * 64, docx_sha256="0" * 64)
    demo.clear()
    assert not Meeting.objects.filter(is_demo=True).exists()
    assert Meeting.objects.count() == real and AgendaItem.objects.count() == real_items
    assert not BoardPack.objects.exists()
