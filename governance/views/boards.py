"""The boards and committees, each with its members and meetings."""

from django.db.models import Count, OuterRef, Q, Subquery
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from plans.models import Person, Plan

from ..models import Board, Meeting, Membership
from ..visibility import visible_flag


def board_list(request):
    """Every board with its current members counted and its next and last meetings (one query)."""
    today, now = timezone.localdate(), timezone.now()
    current = Q(memberships__start__isnull=True) | Q(memberships__start__lte=today)
    current &= Q(memberships__end__isnull=True) | Q(memberships__end__gte=today)
    # Meetings the user may see (a restricted meeting's date is not for anyone outside it), per board.
    meetings = Meeting.objects.visible_to(request.user).filter(board=OuterRef("pk"))
    boards = (
        Board.objects.visible_to(request.user).select_related("organisation")
        .annotate(
            member_count=Count("memberships", filter=current, distinct=True),
            next_meeting=Subquery(meetings.filter(start__gte=now).order_by("start").values("start")[:1]),
            last_meeting=Subquery(meetings.filter(start__lt=now).order_by("-start").values("start")[:1]),
        )
        .order_by("organisation__name", "name")
    )
    return render(request, "governance/board_list.html", {"boards": boards, "page_title": "Boards and committees"})


def board_detail(request, slug):
    """A board: purpose, terms of reference, members current and past, plans it owns, meetings past and future.
    Queries: the board, its seats with people (each linked only if the reader may see them), its plans, its
    meetings with agenda items counted."""
    board = get_object_or_404(Board.objects.visible_to(request.user).select_related("organisation"), slug=slug)
    today, now = timezone.localdate(), timezone.now()
    seats = list(
        Membership.objects.visible_to(request.user).filter(board=board).with_is_current(today)
        .annotate(person_is_visible=visible_flag(Person, request.user, "person_id"))
        .select_related("person").order_by("order", "pk")
    )
    plans = Plan.objects.visible_to(request.user).filter(board=board).order_by("-start", "title")
    meetings = list(
        Meeting.objects.visible_to(request.user).filter(board=board)
        .annotate(item_count=Count("agenda_items")).order_by("start")
    )
    return render(request, "governance/board_detail.html", {
        "board": board,
        "current_seats": [s for s in seats if s.is_current],
        "past_seats": [s for s in seats if not s.is_current],
        "plans": plans,
        "future_meetings": [m for m in meetings if m.start >= now],
        "past_meetings": [m for m in reversed(meetings) if m.start < now],
        "page_title": board.name,
    })
