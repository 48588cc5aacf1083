"""A meeting's page (agenda, reports, attendance, declarations, action log) and the clerk's forms."""

from django.contrib import messages
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from plans.models import Person, Plan, Theme
from ui.forms import save_with_service

from ..forms import AttendanceForm, LogItemForm, LogItemUpdateForm, ResponseForm
from ..models import AgendaItem, Attendance, LogItem, LogItemUpdate, Meeting, Membership
from ..permissions import can_clerk, get_log_item_for_clerk, get_meeting_for_clerk
from ..restricted import split_agenda
from ..services import add_log_item, record_attendance, record_response, update_log_item
from ..visibility import visible_flag, visible_plans


def _log_items(user, meeting):
    """Matters arising and this meeting's log, with owners (owner_is_visible: linked only then) and updates
    (newest first): two queries."""
    updates = LogItemUpdate.objects.select_related("author__person").order_by("-created_at", "-pk")
    return list(
        LogItem.objects.visible_to(user).matters_arising(meeting)
        .annotate(owner_is_visible=visible_flag(Person, user, "owner_id"))
        .select_related("owner", "meeting").prefetch_related(Prefetch("updates", queryset=updates))
    )


def meeting_detail(request, pk):
    """Queries: the meeting and board; agenda items with their themes and plans (3); attendance with people;
    the action log with owners and updates (2); the board's previous and next meetings (2); the clerk check."""
    user = request.user
    meeting = get_object_or_404(Meeting.objects.visible_to(user).select_related("board"), pk=pk)
    # The meeting's agenda and attendance are the meeting's (visible with it); what they name is linked only
    # where the reader may see it (a member from another organisation may not see every plan or person named).
    # A restricted plan the reader may not see is not even named (its title is not for publication), and a
    # restricted agenda item they may not see is only listed by number and paragraph (split_agenda).
    named = Plan.objects.filter(Q(restricted=False) | Q(pk__in=visible_plans(user)))
    themes = (Theme.objects.filter(plan__in=named).select_related("plan")
              .annotate(plan_is_visible=visible_flag(Plan, user, "plan_id")))
    plans = named.annotate(is_visible=visible_flag(Plan, user, "pk"))
    items, withheld = split_agenda(meeting, user, items=AgendaItem.objects.filter(meeting=meeting).prefetch_related(
        Prefetch("themes", queryset=themes), Prefetch("plans", queryset=plans)))
    attendance = list(Attendance.objects.filter(meeting=meeting).select_related("person")
                      .annotate(person_is_visible=visible_flag(Person, user, "person_id")).order_by("person__name"))
    log = _log_items(user, meeting)
    day = meeting.position_date
    visible_meetings = Meeting.objects.visible_to(user)
    return render(request, "governance/meeting_detail.html", {
        "meeting": meeting, "board": meeting.board, "items": items, "withheld_items": withheld,
        "present": [a for a in attendance if a.status in (Attendance.Status.PRESENT, Attendance.Status.IN_ATTENDANCE)],
        "apologies": [a for a in attendance if a.status == Attendance.Status.APOLOGIES],
        "absent": [a for a in attendance if a.status == Attendance.Status.ABSENT],
        "declarations": [a for a in attendance if a.declarations],
        "matters_arising": [i for i in log if i.meeting_id != meeting.pk],
        "log_items": [i for i in log if i.meeting_id == meeting.pk],
        "previous_meeting": visible_meetings.previous_meeting(meeting.board, day),
        "next_meeting": visible_meetings.next_meeting(meeting.board, day),
        "can_clerk": can_clerk(user, meeting.board),
        "is_past": meeting.start < timezone.now(),
        "page_title": str(meeting),
    })


def _posted(request):
    """The submitted data on a POST (even an empty one, so its errors show), None on a GET."""
    return request.POST if request.method == "POST" else None


def _people_for(user, meeting):
    """Everyone who can be recorded, the board's members at the meeting first (then by name)."""
    seated = Membership.objects.filter(board_id=meeting.board_id, person=OuterRef("pk")).current(
        timezone.localdate(meeting.start))
    return (Person.objects.visible_to(user).annotate(has_seat=Exists(seated))
            .order_by("-has_seat", "name"))


def attendance(request, pk):
    """Record who attended, sent apologies or declared an interest. 403 for anyone but the clerk and admins."""
    meeting = get_meeting_for_clerk(request, pk)
    people = _people_for(request.user, meeting)
    form = AttendanceForm(_posted(request), people=people)
    if request.method == "POST" and form.is_valid() and save_with_service(form, record_attendance, meeting=meeting,
                                                                user=request.user):
        messages.success(request, f"Attendance of {form.cleaned_data['person'].name} recorded.")
        return redirect("governance:attendance", pk=meeting.pk)
    recorded = Attendance.objects.filter(meeting=meeting).select_related("person").order_by("person__name")
    expected = (Membership.objects.filter(board_id=meeting.board_id).current(timezone.localdate(meeting.start))
                .exclude(person__attendance__meeting=meeting).select_related("person").order_by("order", "pk"))
    return render(request, "governance/attendance_form.html", {
        "meeting": meeting, "form": form, "recorded": recorded, "expected": expected,
        "page_title": f"Attendance: {meeting}",
    })


def add_item(request, pk):
    """Add a decision, action or recommendation to the meeting's log. 403 for anyone but the clerk and admins."""
    meeting = get_meeting_for_clerk(request, pk)
    form = LogItemForm(_posted(request), people=_people_for(request.user, meeting))
    if request.method == "POST" and form.is_valid() and save_with_service(form, add_log_item, meeting=meeting,
                                                                user=request.user):
        messages.success(request, "Added to the action log.")
        return redirect(f"{meeting.get_absolute_url()}#action-log")
    return render(request, "governance/log_item_form.html", {
        "meeting": meeting, "form": form, "page_title": f"Add to the action log: {meeting}",
    })


def update_item(request, pk):
    """Append an update to a log item and set its status. 403 for anyone but the clerk and admins."""
    item = get_log_item_for_clerk(request, pk)
    form = LogItemUpdateForm(_posted(request), initial={"status": item.status})
    if request.method == "POST" and form.is_valid() and save_with_service(form, update_log_item, item=item, user=request.user):
        messages.success(request, "Action log item updated.")
        return redirect(f"{item.meeting.get_absolute_url()}#log-item-{item.pk}")
    updates = item.updates.select_related("author__person").order_by("-created_at", "-pk")
    return render(request, "governance/log_update_form.html", {
        "item": item, "meeting": item.meeting, "form": form, "updates": updates,
        "page_title": "Update an action log item",
    })


def response(request, pk):
    """Record the executive's response to a scrutiny recommendation. 403 for anyone but the clerk and admins."""
    item = get_log_item_for_clerk(request, pk)
    if item.kind != LogItem.Kind.RECOMMENDATION:
        messages.error(request, "Only a recommendation to the executive has a response.")
        return redirect(f"{item.meeting.get_absolute_url()}#log-item-{item.pk}")
    form = ResponseForm(_posted(request),
                        initial={"response": item.response, "received_on": item.response_received})
    if request.method == "POST" and form.is_valid() and save_with_service(form, record_response, item=item, user=request.user):
        messages.success(request, "The executive's response is recorded.")
        return redirect(f"{item.meeting.get_absolute_url()}#log-item-{item.pk}")
    return render(request, "governance/response_form.html", {
        "item": item, "meeting": item.meeting, "form": form, "page_title": "Record the executive's response",
    })
