"""Who may do what on a board. Object-level rules in one place; every view calls them before reading a form."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils import timezone

from plans.permissions import is_admin

from .models import Membership


def current_seats(user, board=None, today=None):
    """The signed-in person's memberships whose period includes today (In attendance and Clerk count)."""
    if not user.is_authenticated:
        return Membership.objects.none()
    today = today or timezone.localdate()
    # Through the login itself, not a query for its Person first: a login with no Person has no seats.
    seats = Membership.objects.filter(person__user_id=user.pk).exclude(start__gt=today).exclude(end__lt=today)
    return seats.filter(board=board) if board is not None else seats


def is_clerk_of(user, board) -> bool:
    """The clerk of a board (democratic services) records its meetings and issues its packs."""
    return board is not None and current_seats(user, board).filter(role=Membership.Role.CLERK).exists()


def can_clerk(user, board) -> bool:
    """The board's clerk, or an admin of the board's organisation: records attendance and the action log, issues packs."""
    return bool(user.is_authenticated and user.is_active and board is not None
                and (is_admin(user, board.organisation_id) or is_clerk_of(user, board)))


def get_meeting_for_clerk(request, pk):
    """The meeting, if the signed-in user may record its attendance and action log; 403 otherwise, before any
    form is read. select_related: the board, for the clerk check and the page heading."""
    from .models import Meeting

    meeting = get_object_or_404(Meeting.objects.visible_to(request.user).select_related("board"), pk=pk)
    if not can_clerk(request.user, meeting.board):
        raise PermissionDenied("Only the board's clerk and admins can record its meetings.")
    return meeting


def get_log_item_for_clerk(request, pk):
    """The action log item, if the signed-in user clerks its board; 403 otherwise, before any form is read.
    select_related: its meeting and board (clerk check, heading) and owner (summary)."""
    from .models import LogItem

    item = get_object_or_404(LogItem.objects.visible_to(request.user).select_related("meeting__board", "owner"), pk=pk)
    if not can_clerk(request.user, item.meeting.board):
        raise PermissionDenied("Only the board's clerk and admins can update its action log.")
    return item
