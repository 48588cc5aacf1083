"""The recommendation tracker: for one inspection, what answers each recommendation and how far it has got."""

from django.shortcuts import get_object_or_404, render

from plans.models import Plan

from .models import Inspection, Recommendation
from .querysets import ROUTE_LABELS, tracker_rollup


def tracker(request, slug):
    """Queries: inspection (with its summary), recommendations (finding, impact evidence), linked actions by each
    of the three routes, measures (the roll-up is counted from those rows), the plans that name the inspection,
    and its findings."""
    user = request.user
    inspection = get_object_or_404(Inspection.objects.visible_to(user).with_tracker_summary(user), slug=slug)
    recommendations = tracker_rollup(Recommendation.objects.visible_to(user).filter(inspection=inspection)
                                     .select_related("finding").order_by("order", "code"), user=user)
    for recommendation in recommendations:
        recommendation.links = [(action, [ROUTE_LABELS[r] for r in routes]) for action, routes in recommendation.links]
    plans = list(Plan.objects.visible_to(user).filter(inspections=inspection).order_by("start", "pk"))
    findings = list(inspection.findings.order_by("number"))
    return render(request, "inspections/tracker.html", {
        "inspection": inspection, "recommendations": recommendations, "plans": plans, "findings": findings,
        "unmapped": inspection.mapped_count == 0,
        "no_action": [r for r in recommendations if r.no_action],
        "only_superseded": [r for r in recommendations if r.only_superseded],
        "complete_without_evidence": [r for r in recommendations if r.complete_without_evidence],
        "page_title": f"Recommendation tracker: {inspection.title}",
    })
