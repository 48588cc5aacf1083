"""Reminders before a meeting: each lead is emailed once per meeting about what they have not updated since
the board last met, in time for the papers deadline. Unlike plans.reminders.send_reminders (one on-demand
send), this runs daily and MeetingReminder rows make a second run send nothing new."""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.template.loader import render_to_string
from django.utils import timezone

from plans.models import Action, Measure
from plans.querysets import end_of_day
from plans.rag import RAG
from plans.reminders import may_see_meeting, only_what_they_see

from .calendar import add_working_days
from .models import Meeting, MeetingReminder
from .querysets import DEFAULT_COMPARE_DAYS
from .report import plans_considered

DEFAULT_DAYS = 5


@dataclass
class Reminder:
    meeting: Meeting
    person: object
    actions: list = field(default_factory=list)
    measures: list = field(default_factory=list)


@dataclass
class MeetingReminderRun:
    emailed: list = field(default_factory=list)  # Reminder
    already_sent: int = 0
    no_address: list = field(default_factory=list)  # Reminder
    meetings: list = field(default_factory=list)


def meetings_with_deadlines(today: datetime.date, days: int = DEFAULT_DAYS):
    """Meetings whose papers deadline is today or within the next `days` working days (bank holidays out)."""
    until = add_working_days(today, days)
    return (Meeting.objects.filter(papers_deadline__gte=today, papers_deadline__lte=until)
            .select_related("board").order_by("papers_deadline", "start", "pk"))


def board_last_met(meeting: Meeting, today: datetime.date) -> datetime.date:
    """The day the board last met before this meeting (and by today), else DEFAULT_COMPARE_DAYS ago."""
    last = (Meeting.objects.filter(board=meeting.board, start__lt=meeting.start, start__lte=end_of_day(today))
            .order_by("-start").first())
    return timezone.localdate(last.start) if last else today - datetime.timedelta(days=DEFAULT_COMPARE_DAYS)


def reminders_for(meeting: Meeting, today: datetime.date) -> list[Reminder]:
    """One Reminder per lead of the meeting's plans with actions (not complete) or measures they own that have
    had no update, or no value entered, since the board last met."""
    # The board's papers with what is restricted to the board (PackContentRule); each person then gets only
    # what they may see (only_what_they_see), so a restricted plan reaches its insiders alone.
    plans = [p.pk for p in plans_considered(meeting, meeting.position_date, restricted=True)]
    since = end_of_day(board_last_met(meeting, today) - datetime.timedelta(days=1))  # on the meeting day counts
    # "Updated since" by when the lead saved an update (recorded_at), so a late update that applies from an
    # earlier day still counts as the lead having updated.
    actions = (Action.objects.filter(theme__plan__in=plans, lead__isnull=False).with_current_rag()
               .exclude(current_rag=RAG.BLUE).exclude(progress_updates__recorded_at__gt=since)
               .select_related("lead__user", "theme__plan").order_by("lead__name", "theme__plan__start", "theme__order",
                                                                     "order", "pk"))
    measures = (Measure.objects.filter(plan__in=plans, owner__isnull=False).annotate(last_entered=Max("values__entered_at"))
                .filter(Q(last_entered__isnull=True) | Q(last_entered__lte=since))
                .select_related("owner__user", "plan").order_by("owner__name", "plan__start", "order", "pk"))
    by_person = {}
    for action in actions:
        by_person.setdefault(action.lead_id, Reminder(meeting, action.lead)).actions.append(action)
    for measure in measures:
        by_person.setdefault(measure.owner_id, Reminder(meeting, measure.owner)).measures.append(measure)
    # The board's plans are read as its papers are; each person is then sent only what they may see.
    for reminder in by_person.values():
        reminder.actions = only_what_they_see(reminder.person, reminder.actions)
        reminder.measures = only_what_they_see(reminder.person, reminder.measures)
    # A restricted meeting is not named to anyone outside it, however much they have to update.
    return sorted((r for r in by_person.values() if (r.actions or r.measures) and may_see_meeting(r.person, meeting)),
                  key=lambda r: (r.person.name, r.person.pk))


def _address(person) -> str:
    return person.email or (person.user.email if person.user_id else "")


def send_meeting_reminders(*, days: int = DEFAULT_DAYS, dry_run: bool = False,
                           today: datetime.date | None = None) -> MeetingReminderRun:
    """Email each lead once per meeting whose papers deadline is within `days` working days."""
    if days < 0:
        raise ValueError(f"--days counts working days ahead and cannot be negative (got {days})")
    today = today or timezone.localdate()
    run = MeetingReminderRun()
    for meeting in meetings_with_deadlines(today, days):
        run.meetings.append(meeting)
        sent = set(MeetingReminder.objects.filter(meeting=meeting).values_list("person_id", flat=True))
        for reminder in reminders_for(meeting, today):
            if reminder.person.pk in sent:
                run.already_sent += 1
                continue
            address = _address(reminder.person)
            if not address:
                run.no_address.append(reminder)
                continue
            if not dry_run and not _send(reminder, address, today):
                run.already_sent += 1  # another run claimed this person a moment ago
                continue
            run.emailed.append(reminder)
    return run


def _send(reminder: Reminder, address: str, today: datetime.date) -> bool:
    """Claim the (meeting, person) row, then send; a failed send gives the claim back for the next run."""
    meeting = reminder.meeting
    try:
        with transaction.atomic():
            claim = MeetingReminder.objects.create(meeting=meeting, person=reminder.person,
                                                   actions=len(reminder.actions), measures=len(reminder.measures))
    except IntegrityError:
        return False
    context = {"reminder": reminder, "meeting": meeting, "person": reminder.person, "site_url": settings.SITE_URL,
               "service_name": settings.SERVICE_NAME, "last_met": board_last_met(meeting, today)}
    subject = f"{meeting.board.name}: please update before the papers deadline, {meeting.papers_deadline:%-d %B %Y}"
    try:
        EmailMessage(subject, render_to_string("governance/email/meeting_reminder.txt", context), to=[address]).send()
    except Exception:
        claim.delete()
        raise
    return True
