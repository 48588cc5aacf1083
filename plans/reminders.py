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


def _may_receive(item, seats: set) -> bool:
    """An open action or measure, or one restricted (itself or through its plan) to a board among `seats`."""
    plan = item.theme.plan if isinstance(item, Action) else item.plan
    if not (plan.restricted or getattr(item, "restricted", False)):
        return True
    return plan.board_id is not None and plan.board_id in seats


def seats_of(person) -> set:
    """Ids of the boards on which the person has a seat today."""
    from governance.models import Membership

    return set(Membership.objects.filter(person=person).current(timezone.localdate()).values_list("board_id", flat=True))


def only_what_they_see(person, items: list) -> list:
    """The items (actions or measures) the person may see: a reminder lists only those. A person with a login
    sees by governance.visibility (a lead from another organisation, of a plan no longer shared with it, is not
    sent its actions); a person without one is sent what they answer for, less anything restricted to a board
    they have no current seat on (governance.visibility: restricted items go to the board's members only)."""
    if not items:
        return items
    if person.user_id is None:
        seats = seats_of(person)
        return [item for item in items if _may_receive(item, seats)]
    model = type(items[0])
    seen = set(model.objects.visible_to(person.user).filter(pk__in=[item.pk for item in items])
               .values_list("pk", flat=True))
    return [item for item in items if item.pk in seen]


def may_see_meeting(person, meeting) -> bool:
    """A reminder naming a meeting goes only to someone who may see it: a restricted meeting is its board's
    members' and its organisation's admins' (governance.visibility); a person without a login needs a seat."""
    if not meeting.restricted:
        return True
    if person.user_id is None:
        return meeting.board_id in seats_of(person)
    from governance.models import Meeting

    return Meeting.objects.visible_to(person.user).filter(pk=meeting.pk).exists()


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
        listed = only_what_they_see(lead, list(group))
        if not listed or (meeting is not None and not may_see_meeting(lead, meeting)):
            continue
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
