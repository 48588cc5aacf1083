"""Reads for the recommendation tracker: what each recommendation is answered by, and how far it has got.

A plan answers a recommendation (or area for improvement) by three routes, each kept apart because boards
read them differently: an action linked to it directly; an action under an objective that cites its code;
an action in a theme (strand) whose code table lists it. Roll-ups are annotations, so the tracker runs a
fixed number of queries whatever the size of the plans.
"""

import datetime

from django.db import models
from django.db.models import BooleanField, Case, Count, Exists, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce

from plans.querysets import VisibleToMixin, end_of_day
from plans.rag import RAG

HISTORY_STATUSES = ["superseded", "closed"]

# Each route: its name, the Action lookup that reaches the recommendation, and how the tracker labels it.
ROUTES = {
    "direct": "recommendations",
    "objective": "objective__recommendations",
    "theme": "theme__code_table__recommendation",
}
ROUTE_LABELS = {
    "direct": "Linked to the action",
    "objective": "Through its objective",
    "theme": "Through its theme's code table",
}


def _count(queryset):
    """COUNT(DISTINCT pk) of a correlated queryset as a subquery, 0 when empty (one row whatever the joins)."""
    counted = (queryset.order_by().annotate(_all=Value(1)).values("_all")
               .annotate(n=Count("pk", distinct=True)).values("n"))
    return Coalesce(Subquery(counted[:1]), Value(0))


def linked_by_any_route(ref: str = "pk") -> Q:
    """Actions linked to the outer recommendation by any of the three routes."""
    return Q(**{ROUTES["direct"]: OuterRef(ref)}) | Q(**{ROUTES["objective"]: OuterRef(ref)}) | Q(
        **{ROUTES["theme"]: OuterRef(ref)})


class RecommendationQuerySet(VisibleToMixin, models.QuerySet):
    def with_rollup(self, as_at: datetime.date | None = None, user=None):
        """Annotate, over the actions linked by any route (each action counted once), and with a `user` only
        those actions, measures and assessments the user may see (so the counts agree with the links listed):

        direct_count, objective_count, theme_count (actions by each route); action_count; a count per RAG
        rating (not_rated_count .. blue_count, as at the end of `as_at` when given); share_complete (percent
        Blue, rounded, None with no actions); live_action_count (in plans that are not superseded or closed);
        measure_count; has_impact_evidence (an assessment above Not yet evident of a theme that answers it);
        and the tracker's flags: no_action, only_superseded, complete_without_evidence.
        """
        from plans.models import Action, ImpactAssessment, Measure

        def seen(model):
            return model.objects.visible_to(user) if user is not None else model.objects.all()

        linked = seen(Action).filter(linked_by_any_route())
        if as_at is not None:
            linked = linked.filter(added_on__lte=as_at)
        rated = linked.with_current_rag(as_at)
        assessments = seen(ImpactAssessment).exclude(level=ImpactAssessment.Level.NOT_YET_EVIDENT).filter(
            Q(theme__actions__recommendations=OuterRef("pk"))
            | Q(theme__actions__objective__recommendations=OuterRef("pk"))
            | Q(theme__code_table__recommendation=OuterRef("pk")))
        if as_at is not None:
            assessments = assessments.filter(assessed_on__lte=as_at, created_at__lte=end_of_day(as_at))
        routes = {}
        for route, lookup in ROUTES.items():
            by_route = seen(Action).filter(**{lookup: OuterRef("pk")})
            routes[f"{route}_count"] = _count(by_route.filter(added_on__lte=as_at) if as_at else by_route)
        counted = self.annotate(
            **routes,
            action_count=_count(linked),
            live_action_count=_count(linked.exclude(theme__plan__status__in=HISTORY_STATUSES)),
            measure_count=_count(seen(Measure).filter(recommendations=OuterRef("pk"))),
            has_impact_evidence=Exists(assessments),
            **{f"{rag.value}_count": _count(rated.filter(current_rag=rag.value)) for rag in RAG},
        )
        return counted.annotate(
            # Rounded half up in integers, the same on SQLite and PostgreSQL.
            share_complete=Case(When(action_count=0, then=None),
                                default=(F("blue_count") * 200 + F("action_count")) / (F("action_count") * 2)),
            no_action=Case(When(action_count=0, then=True), default=False, output_field=BooleanField()),
            only_superseded=Case(When(action_count__gt=0, live_action_count=0, then=True), default=False,
                                 output_field=BooleanField()),
            complete_without_evidence=Case(
                When(action_count__gt=0, blue_count=F("action_count"), measure_count=0, has_impact_evidence=False,
                     then=True),
                default=False, output_field=BooleanField()),
        )


class InspectionQuerySet(VisibleToMixin, models.QuerySet):
    def with_tracker_summary(self, user=None):
        """Annotate recommendation_count, mapped_count (recommendations with an action by any route, with a
        `user` an action the user may see) and unmapped_count. An inspection with mapped_count 0 is one no
        plan maps to (the 2021 monitoring visit)."""
        from plans.models import Action

        from .models import Recommendation

        recommendations = Recommendation.objects.filter(inspection=OuterRef("pk"))
        actions = Action.objects.visible_to(user) if user is not None else Action.objects.all()
        mapped = recommendations.filter(Exists(actions.filter(linked_by_any_route())))
        counted = self.annotate(recommendation_count=_count(recommendations), mapped_count=_count(mapped))
        return counted.annotate(unmapped_count=F("recommendation_count") - F("mapped_count"))


def linked_actions(recommendations, *, actions, as_at: datetime.date | None = None) -> dict:
    """{recommendation pk: [(action, [route, ...]), ...]} for the actions linked by each route, in plan order.

    `actions` is the Action queryset the user may see (Action.objects.visible_to(user)). One query per route,
    whatever the number of recommendations and actions; an action reached by two routes is listed once,
    labelled with both.
    """
    pks = [r.pk for r in recommendations]
    found: dict[int, dict[int, tuple]] = {pk: {} for pk in pks}
    base = actions.in_plan_at(as_at) if as_at else actions
    for route, lookup in ROUTES.items():
        rows = (base.filter(**{f"{lookup}__in": pks}).annotate(linked_to=F(lookup)).with_current_rag(as_at)
                .select_related("theme__plan", "objective").order_by("theme__plan__start", "theme__order", "order", "pk")
                .distinct())
        for action in rows:
            entry = found[action.linked_to].setdefault(action.pk, (action, []))
            if route not in entry[1]:
                entry[1].append(route)
    return {pk: list(by_action.values()) for pk, by_action in found.items()}


def measures_by_recommendation(recommendations, *, measures) -> dict:
    """{recommendation pk: [measure, ...]} from the measures the user may see, in one query."""
    pks = [r.pk for r in recommendations]
    found: dict[int, list] = {pk: [] for pk in pks}
    for measure in (measures.filter(recommendations__in=pks).annotate(linked_to=F("recommendations"))
                    .select_related("plan", "theme").order_by("plan__start", "theme__order", "order", "pk")):
        found[measure.linked_to].append(measure)
    return found
