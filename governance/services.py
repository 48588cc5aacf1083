"""Writes with rules for meetings: attendance and the action log. Each is keyword-only, checks that the user
clerks the board, validates, and runs in one transaction."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from .models import Attendance, LogItem, LogItemUpdate, Meeting
from .permissions import can_clerk


def field_error(field: str, message: str, code: str) -> ValidationError:
    """A ValidationError on one field that keeps its code (a dict of plain strings would drop it)."""
    return ValidationError({field: ValidationError(message, code=code)})


def _require_clerk(user, meeting: Meeting) -> None:
    if not can_clerk(user, meeting.board):
        raise PermissionDenied("Only the board's clerk and admins can record its meetings.")


class DueAfterMeetingRule:
    """An action the meeting agrees is due after the meeting: a due date before the meeting's day is a typing
    slip, not a decision."""

    @staticmethod
    def check(*, meeting: Meeting, due_date: datetime.date | None):
        meeting_day = timezone.localdate(meeting.start)
        if due_date is not None and due_date < meeting_day:
            raise field_error("due_date", f"The due date must be on or after the meeting, {meeting_day:%-d %B %Y}",
                              "due_before_meeting")


class ResponseAfterRecommendationRule:
    """A recommendation to the executive is answered after the meeting that made it, and not in the future."""

    @staticmethod
    def check(*, meeting: Meeting, received: datetime.date, today: datetime.date):
        meeting_day = timezone.localdate(meeting.start)
        if received < meeting_day:
            raise field_error("received_on", "The response cannot be received before the meeting that made the "
                              f"recommendation, {meeting_day:%-d %B %Y}", "response_before_meeting")
        if received > today:
            raise field_error("received_on", "The date received cannot be in the future", "response_in_future")


def _owner_is_named(owner, owner_as_text: str) -> None:
    if owner is not None and owner_as_text.strip():
        raise field_error("owner_as_text", "Choose a person or type a name, not both", "two_owners")


def add_log_item(*, meeting: Meeting, user, kind: str, text: str, owner=None, owner_as_text: str = "",
                 due_date: datetime.date | None = None) -> LogItem:
    """Record a decision, an action or (scrutiny) a recommendation to the executive, at the end of the log."""
    _require_clerk(user, meeting)
    if kind not in LogItem.Kind.values:
        raise field_error("kind", "Choose decision, action or recommendation", "invalid_kind")
    if not text.strip():
        raise field_error("text", "Enter what the meeting decided or asked for", "text_required")
    if kind == LogItem.Kind.ACTION and owner is None and not owner_as_text.strip():
        raise field_error("owner", "Say who owns the action", "owner_required")
    _owner_is_named(owner, owner_as_text)
    DueAfterMeetingRule.check(meeting=meeting, due_date=due_date)
    with transaction.atomic():
        # Lock the meeting so two clerks adding at once do not take the same place in the log.
        Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
        last = LogItem.objects.filter(meeting=meeting).aggregate(n=Max("order"))["n"] or 0
        return LogItem.objects.create(
            meeting=meeting, kind=kind, text=text.strip(), owner=owner, owner_as_text=owner_as_text.strip(),
            due_date=due_date, created_by=user, order=last + 1,
        )


def update_log_item(*, item: LogItem, user, text: str, status: str) -> LogItemUpdate:
    """Append an update to a log item and set its status (open, done or dropped)."""
    _require_clerk(user, item.meeting)
    if status not in LogItem.Status.values:
        raise field_error("status", "Choose open, done or dropped", "invalid_status")
    if not text.strip():
        raise field_error("text", "Say what has happened", "text_required")
    with transaction.atomic():
        update = LogItemUpdate.objects.create(item=item, text=text.strip(), status=status, author=user)
        if item.status != status:
            item.status = status
            item.save(update_fields=["status"])
        return update


def record_response(*, item: LogItem, user, response: str, received_on: datetime.date,
                    today: datetime.date | None = None) -> LogItem:
    """Record the executive's response to a scrutiny recommendation, and when it was received."""
    _require_clerk(user, item.meeting)
    if item.kind != LogItem.Kind.RECOMMENDATION:
        raise ValidationError("Only a recommendation to the executive has a response", code="not_recommendation")
    if not response.strip():
        raise field_error("response", "Enter the executive's response", "response_required")
    if received_on is None:
        raise field_error("received_on", "Enter the date the response was received", "date_required")
    ResponseAfterRecommendationRule.check(meeting=item.meeting, received=received_on,
                                          today=today or timezone.localdate())
    with transaction.atomic():
        item.response = response.strip()
        item.response_received = received_on
        item.save(update_fields=["response", "response_received"])
        return item


def record_attendance(*, meeting: Meeting, user, person, status: str, substitute_for: str = "",
                      declarations: str = "") -> Attendance:
    """Record (or correct) one person's attendance at a meeting, with any interests they declared."""
    _require_clerk(user, meeting)
    if status not in Attendance.Status.values:
        raise field_error("status", "Choose present, in attendance, apologies or absent", "invalid_status")
    if status in (Attendance.Status.APOLOGIES, Attendance.Status.ABSENT) and declarations.strip():
        raise field_error("declarations", "Only someone at the meeting can declare an interest",
                          "declaration_when_absent")
    with transaction.atomic():
        attendance, _ = Attendance.objects.update_or_create(
            meeting=meeting, person=person,
            defaults={"status": status, "substitute_for": substitute_for.strip(),
                      "declarations": declarations.strip()},
        )
        return attendance
