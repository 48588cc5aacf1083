"""Recording a milestone as achieved or missed."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from ui.forms import save_with_service

from ..forms import MilestoneOutcomeForm
from ..models import Milestone
from ..permissions import can_record_milestone_outcome
from ..services import record_milestone_outcome


def _get_milestone_for_outcome(request, pk) -> Milestone:
    """The milestone, if the user may record its outcome; 403 otherwise, before any form is read.
    select_related: the action and the theme (of either kind of milestone) with the plan, for the checks and
    the heading."""
    milestone = get_object_or_404(
        Milestone.objects.visible_to(request.user).select_related("action__theme__plan", "theme__plan"), pk=pk)
    if not can_record_milestone_outcome(request.user, milestone):
        raise PermissionDenied("Only the action's or theme's leads and admins can record a milestone's outcome.")
    return milestone


def milestone_outcome(request, pk):
    """Record a milestone as achieved or missed. 403 before the form is read for anyone but its leads and admins."""
    milestone = _get_milestone_for_outcome(request, pk)
    back = _back_to(request, milestone)
    initial = {"outcome": milestone.outcome or None, "on": milestone.outcome_date, "note": milestone.outcome_note}
    form = MilestoneOutcomeForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid() and save_with_service(
            form, record_milestone_outcome, milestone=milestone, user=request.user):
        messages.success(request, f"Milestone recorded as {milestone.get_outcome_display().lower()}.")
        return redirect(back)
    theme = milestone.action.theme if milestone.action_id else milestone.theme
    return render(request, "plans/milestone_outcome.html", {
        "milestone": milestone, "theme": theme, "plan": theme.plan, "form": form, "back": back,
        "next": request.POST.get("next") or request.GET.get("next", ""),
        "page_title": "Record a milestone's outcome",
    })


def _back_to(request, milestone) -> str:
    """Where the form was opened from (`next`, if it is this site's), else the action page for an action's
    milestone and the theme page for a theme's."""
    wanted = request.POST.get("next") or request.GET.get("next")
    # Only a path on this site: redirect() would try any other text as a view name (a 500 when it is not one),
    # and a control character has no place in a Location header.
    if (wanted and wanted.startswith("/") and wanted.isprintable()
            and url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()},
                                                require_https=request.is_secure())):
        return wanted
    if milestone.action_id:
        return milestone.action.get_absolute_url() + "#milestones"
    return reverse("plans:theme", args=[milestone.theme_id])
