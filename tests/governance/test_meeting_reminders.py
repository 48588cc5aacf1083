"""send_meeting_reminders: each lead once per meeting whose papers deadline is near, in working days."""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from governance.calendar import add_working_days
from governance.models import MeetingReminder
from governance.reminders import meetings_with_deadlines, send_meeting_reminders
from tests import factories as f
from tests.governance import report_world
from tests.governance.report_world import at

world = report_world.world  # the fixture

# Friday 5 July 2024: the meeting's papers deadline, Wednesday 10 July, is 3 working days ahead.
FRIDAY = datetime.date(2024, 7, 5)


def test_it_finds_meetings_whose_deadline_is_within_n_working_days(world):
    assert list(meetings_with_deadlines(FRIDAY, 3)) == [world.meeting]
    assert list(meetings_with_deadlines(FRIDAY, 2)) == []  # Tuesday 9 July is as far as two working days go
    assert list(meetings_with_deadlines(datetime.date(2024, 7, 11), 5)) == []  # the deadline has passed


def test_bank_holidays_are_not_working_days(world):
    # Papers due Tuesday 27 August 2024; Monday 26 August is the summer bank holiday.
    world.upcoming.papers_deadline = datetime.date(2024, 8, 27)
    world.upcoming.save()
    friday = datetime.date(2024, 8, 23)
    assert list(meetings_with_deadlines(friday, 1)) == [world.upcoming]  # the next working day after Friday
    world.upcoming.papers_deadline = datetime.date(2024, 8, 28)
    world.upcoming.save()
    assert list(meetings_with_deadlines(friday, 1)) == []


def test_each_lead_is_emailed_once_about_what_has_not_been_updated_since_the_board_met(world):
    # The board last met on 19 June. Since then 1.1, 1.3 (complete) and 2.1 were updated; 1.2 was not.
    owner = f.PersonFactory(organisation=world.org, name="Measure Owner", email="owner@example.org")
    world.measure.owner = owner
    world.measure.save()
    run = send_meeting_reminders(days=5, today=FRIDAY)
    by_person = {r.person.name: r for r in run.emailed}
    assert [a.reference for a in by_person["Lead Officer"].actions] == ["1.2"]
    assert "Measure Owner" not in by_person  # its figure was entered on 3 July, after the board met
    assert sorted(m.to[0] for m in mail.outbox) == ["lead@example.org"]
    assert "1.2" in mail.outbox[0].body and "Never updated" not in mail.outbox[0].body
    assert MeetingReminder.objects.get().actions == 1


def test_a_late_update_saved_since_the_board_met_counts_even_if_it_applies_from_before(world):
    from plans.services import record_progress

    world.overdue.refresh_from_db()
    record_progress(action=world.overdue, author=None, rag="amber", narrative="Backlog cleared by half",
                    mitigation="Extra team", based_on_version=world.overdue.version, when=at(datetime.date(2024, 7, 3)),
                    applies_from=datetime.date(2024, 6, 10))
    run = send_meeting_reminders(days=5, today=FRIDAY)
    assert "Lead Officer" not in {r.person.name for r in run.emailed}


def test_a_second_run_sends_nothing_new(world):
    send_meeting_reminders(days=5, today=FRIDAY)
    again = send_meeting_reminders(days=5, today=FRIDAY)
    assert again.emailed == [] and again.already_sent == 1
    assert len(mail.outbox) == 1
    assert MeetingReminder.objects.count() == 1


def test_measures_without_a_figure_since_the_board_met_are_listed(world):
    world.measure.owner = world.lead
    world.measure.save()
    stale = f.MeasureFactory(theme=world.theme, name="Stale measure", owner=world.lead)
    f.MeasureValueFactory(measure=stale, period_end=datetime.date(2024, 3, 31), entered_at=at(datetime.date(2024, 4, 2)))
    [reminder] = send_meeting_reminders(days=5, today=FRIDAY).emailed
    assert [m.name for m in reminder.measures] == ["Stale measure"]
    assert "Stale measure" in mail.outbox[0].body


def test_dry_run_sends_and_records_nothing(world):
    out = StringIO()
    call_command("send_meeting_reminders", "--dry-run", "--days", "5", stdout=out)  # today: nothing due
    assert not mail.outbox and not MeetingReminder.objects.exists()
    run = send_meeting_reminders(days=5, today=FRIDAY, dry_run=True)
    assert [r.person for r in run.emailed] == [world.lead]
    assert not mail.outbox and not MeetingReminder.objects.exists()


def test_the_command_prints_one_line_per_person_and_a_total(world):
    world.meeting.papers_deadline = add_working_days(timezone.localdate(), 2)
    world.meeting.save()
    out = StringIO()
    call_command("send_meeting_reminders", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("Emailed Lead Officer for Improvement Board") and "1 action(s), 0 measure(s)" in lines[0]
    assert lines[-1] == "Emailed 1 people for 1 meeting(s); 0 already reminded; 0 without an email address."
    out = StringIO()
    call_command("send_meeting_reminders", stdout=out)
    assert out.getvalue().splitlines()[-1] == ("Emailed 0 people for 1 meeting(s); 1 already reminded; "
                                               "0 without an email address.")


def test_negative_days_are_refused(db):
    with pytest.raises(CommandError, match="--days must be 0 or more"):
        call_command("send_meeting_reminders", "--days", "-1")
