"""Reads about meetings that every page shares: the date a meeting's figures are as at, and the meeting before."""

import datetime
import zoneinfo

from django.conf import settings
from django.db import models
from django.db.models import F
from django.db.models.functions import Coalesce, TruncDate

from plans.querysets import VisibleToMixin

# With no earlier meeting (or no owning board) pages compare with this many days before.
DEFAULT_COMPARE_DAYS = 28


class MeetingQuerySet(VisibleToMixin, models.QuerySet):
    def with_position_date(self):
        """Annotate position_date: the papers deadline, else the London date of the start (Meeting.position_date)."""
        return self.annotate(position_date_db=Coalesce(
            F("papers_deadline"), TruncDate("start", tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))
        ))

    def before(self, day: datetime.date):
        """Meetings whose position date is earlier than `day`, latest first."""
        return self.with_position_date().filter(position_date_db__lt=day).order_by("-position_date_db", "-start")

    def after(self, day: datetime.date):
        """Meetings whose position date is later than `day`, soonest first."""
        return self.with_position_date().filter(position_date_db__gt=day).order_by("position_date_db", "start")

    def previous_meeting(self, board, day: datetime.date):
        """The board's latest meeting with a position date before `day`, or None."""
        if board is None:
            return None
        return self.filter(board=board).before(day).first()

    def next_meeting(self, board, day: datetime.date):
        """The board's first meeting with a position date after `day`, or None."""
        if board is None:
            return None
        return self.filter(board=board).after(day).first()

    def next_to_meet(self, board, day: datetime.date):
        """The board's first meeting that starts after London day `day`: as at a meeting's own papers deadline,
        that meeting is still to come, so "due before the next meeting" means before it."""
        if board is None:
            return None
        after = datetime.datetime.combine(day, datetime.time.max, tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))
        return self.filter(board=board, start__gt=after).order_by("start").first()

    def comparison_date(self, board, day: datetime.date):
        """(date, meeting) to compare a position at `day` with: the board's previous meeting's position date,
        else DEFAULT_COMPARE_DAYS earlier with meeting None (pages then say so)."""
        previous = self.previous_meeting(board, day)
        if previous is not None:
            return previous.position_date, previous
        return day - datetime.timedelta(days=DEFAULT_COMPARE_DAYS), None


class BoardQuerySet(VisibleToMixin, models.QuerySet):
    pass


class LogItemQuerySet(VisibleToMixin, models.QuerySet):
    def open(self):
        return self.filter(status="open")

    def matters_arising(self, meeting):
        """What a meeting's report carries as matters arising: the items still open from the board's earlier
        meetings (position date before this one's), oldest meeting first, then the items of this meeting.

        "Still open" is the status now: an item closed since is no longer a matter arising.
        """
        from .models import Meeting

        earlier = Meeting.objects.filter(board_id=meeting.board_id).before(meeting.position_date).values("pk")
        return (
            self.filter(models.Q(meeting__in=earlier, status="open") | models.Q(meeting=meeting))
            .with_meeting_position_date()
            .order_by("meeting_position_date", "meeting__start", "order", "pk")
        )

    def with_meeting_position_date(self):
        """Annotate meeting_position_date (the meeting's papers deadline, else its London date)."""
        return self.annotate(meeting_position_date=Coalesce(
            F("meeting__papers_deadline"), TruncDate("meeting__start", tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))
        ))


class MembershipQuerySet(VisibleToMixin, models.QuerySet):
    def current(self, day: datetime.date):
        """Seats whose period includes `day` (an open start or end counts as including it)."""
        return self.exclude(start__gt=day).exclude(end__lt=day)

    def with_is_current(self, day: datetime.date):
        """Annotate is_current: the seat's period includes `day`."""
        past_or_future = models.Q(start__gt=day) | models.Q(end__lt=day)
        return self.annotate(is_current=models.Case(
            models.When(past_or_future, then=models.Value(False)), default=models.Value(True),
            output_field=models.BooleanField(),
        ))


class OrganisationQuerySet(VisibleToMixin, models.QuerySet):
    pass


class AgendaItemQuerySet(VisibleToMixin, models.QuerySet):
    pass


class AttendanceQuerySet(VisibleToMixin, models.QuerySet):
    pass


class BoardPackQuerySet(VisibleToMixin, models.QuerySet):
    def current(self):
        """The pack of each meeting not yet superseded by a later version."""
        return self.filter(superseded_at__isnull=True)


class ApiTokenQuerySet(VisibleToMixin, models.QuerySet):
    pass


class AuditEventQuerySet(VisibleToMixin, models.QuerySet):
    pass
