"""Reads about meetings that every page shares: the date a meeting's figures are as at, and the meeting before."""

import datetime
import zoneinfo

from django.conf import settings
from django.db import models
from django.db.models import F
from django.db.models.functions import Coalesce, TruncDate

# With no earlier meeting (or no owning board) pages compare with this many days before.
DEFAULT_COMPARE_DAYS = 28


class MeetingQuerySet(models.QuerySet):
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

    def comparison_date(self, board, day: datetime.date):
        """(date, meeting) to compare a position at `day` with: the board's previous meeting's position date,
        else DEFAULT_COMPARE_DAYS earlier with meeting None (pages then say so)."""
        previous = self.previous_meeting(board, day)
        if previous is not None:
            return previous.position_date, previous
        return day - datetime.timedelta(days=DEFAULT_COMPARE_DAYS), None
