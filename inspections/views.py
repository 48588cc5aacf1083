"""The recommendation tracker: for one inspection, what answers each recommendation and how far it has got."""

from django.shortcuts import get_object_or_404, render

from plans.models import Action, Measure, Plan

from .models import Inspection, Recommendation
from .querysets import ROUTE_LABELS, linked_actions, measures_by_recommendation


def tracker(request, slug):
    """Queries: inspection (with its summary), recommendations (finding, roll-up), linked actions by each of the
    three routes, measures, the plans that name the inspection, and its findings."""
    user = request.user
    inspection = get_object_or_404(Inspection.objects.visible_to(user).with_tracker_summary(user), slug=slug)
    recommendations = list(Recommendation.objects.visible_to(user).filter(inspection=inspection)
                           .select_related("finding").with_rollup(user=user).order_by("order", "code"))
    links = linked_actions(recommendations, actions=Action.objects.visible_to(user))
    measures = measures_by_recommendation(recommendations, measures=Measure.objects.visible_to(user))
    for recommendation in recommendations:
        recommendation.links = [(action, [ROUTE_LABELS[r] for r in routes]) for action, routes in links[recommendation.pk]]
        recommendation.measure_list = measures[recommendation.pk]
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
