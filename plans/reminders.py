"""Reminder emails to action leads: what is overdue, due soon or needs an update."""

import datetime
from dataclasses import dataclass, field
from itertools import groupby

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.utils import timezone

from .models import Action


@dataclass
class ReminderRun:
    emailed: list = field(default_factory=list)  # (person, [actions])
    no_address: list = field(default_factory=list)  # (person, [actions])

    @property
    def actions_listed(self):
        return sum(len(actions) for _, actions in self.emailed)


def actions_needing_attention(*, board=None, today: datetime.date, until: datetime.date | None = None):
    """Actions with a lead that are overdue, due by `until` (default 14 days) or need an update, by lead."""
    soon_days = (until - today).days if until else 14
    # A superseded or closed plan is history: its leads are not chased for it.
    actions = Action.objects.filter(lead__isnull=False).exclude(theme__plan__status__in=["superseded", "closed"])
    if board is not None:
        actions = actions.filter(theme__plan__board=board)
    return (
        actions.with_attention(today=today, soon_days=max(soon_days, 0))
        .filter(attention__lt=3)
        .select_related("lead__user", "theme__plan")
        .order_by("lead__name", "lead_id", "attention", "due_date", "pk")
    )


def send_reminders(*, meeting=None, dry_run=False, today: datetime.date | None = None) -> ReminderRun:
    """One email per lead. With a meeting: its board's plans only, and "due soon" runs to its papers deadline."""
    today = today or timezone.localdate()
    deadline = None
    if meeting is not None:
        deadline = meeting.position_date
    actions = actions_needing_attention(board=meeting.board if meeting else None, today=today, until=deadline)
    run = ReminderRun()
    messages = []
    for lead, group in groupby(actions, key=lambda a: a.lead):
        listed = list(group)
        address = lead.email or (lead.user.email if lead.user else "")
        if not address:
            run.no_address.append((lead, listed))
            continue
        run.emailed.append((lead, listed))
        context = {"person": lead, "actions": listed, "meeting": meeting, "deadline": deadline,
                   "site_url": settings.SITE_URL, "service_name": settings.SERVICE_NAME}
        subject = (f"Please update {len(listed)} action{'s' if len(listed) != 1 else ''}"
                   + (f" before {deadline:%-d %B %Y}" if deadline else ""))
        messages.append(EmailMessage(subject, render_to_string("plans/email/reminder.txt", context), to=[address]))
    if not dry_run and messages:
        get_connection().send_messages(messages)
    return run
