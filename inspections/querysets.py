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


def linked_by_route(route: str, ref: str = "pk", outer=None) -> Q:
    """Actions linked to the outer recommendation by one route, for an Action queryset used as a subquery of a
    Recommendation queryset. Each route is a semi-join on its link table's index (IN a subquery of ids), not a
    join: joining the three many-to-many paths at once multiplied the rows (action x links x code table) and made
    the tracker take minutes at scale; IN needs no DISTINCT either."""
    from plans.models import Action, Objective, ThemeRecommendation

    # The recommendation: by default two levels out (the link subquery, then the Action subquery).
    outer = outer if outer is not None else OuterRef(OuterRef(ref))
    if route == "direct":
        return Q(pk__in=Action.recommendations.through.objects.filter(recommendation_id=outer).values("action_id"))
    if route == "objective":
        return Q(objective_id__in=Objective.recommendations.through.objects.filter(recommendation_id=outer)
                 .values("objective_id"))
    return Q(theme_id__in=ThemeRecommendation.objects.filter(recommendation_id=outer).values("theme_id"))


def _route_action_ids(outer, routes=tuple(ROUTES)):
    """The ids of the actions linked to the recommendation `outer` (an OuterRef) by these routes, as one UNION ALL
    read from the link tables' indexes."""
    from plans.models import Action

    by_route = {
        "direct": Action.recommendations.through.objects.filter(recommendation_id=outer).values("action_id"),
        "objective": Action.objects.filter(objective__recommendations=outer).values("pk"),
        "theme": Action.objects.filter(theme__code_table__recommendation=outer).values("pk"),
    }
    first, *rest = [by_route[route].order_by() for route in routes]
    return first.union(*rest, all=True)


def linked_by_any_route(ref: str = "pk") -> Q:
    """Actions linked to the outer recommendation by any of the three routes: one IN over a UNION ALL of the
    three routes' action ids. Three ORed IN conditions made PostgreSQL test every action of every council
    against each route in turn (a sequential scan per recommendation and count)."""
    return Q(pk__in=_route_action_ids(OuterRef(OuterRef(ref))))


def _impact_evidence(as_at: datetime.date | None, user) -> Exists:
    """Whether an impact assessment above Not yet evident (one the user may see, made by the end of `as_at` when
    given) is of a theme that answers the outer recommendation: through an action of its own (linked directly or
    by its objective) or its code table. Each theme list is read from a link table's recommendation index (joined
    out to the actions), never as `action IN (a correlated list)`, which PostgreSQL answers by testing every
    action against the list, per recommendation."""
    from plans.models import Action, ImpactAssessment, ThemeRecommendation

    assessments = ImpactAssessment.objects.visible_to(user) if user is not None else ImpactAssessment.objects.all()
    outer = OuterRef(OuterRef("pk"))
    assessments = assessments.exclude(level=ImpactAssessment.Level.NOT_YET_EVIDENT).filter(
        Q(theme_id__in=Action.objects.filter(recommendations=outer).values("theme_id"))
        | Q(theme_id__in=Action.objects.filter(objective__recommendations=outer).values("theme_id"))
        | Q(theme_id__in=ThemeRecommendation.objects.filter(recommendation_id=outer).values("theme_id")))
    if as_at is not None:
        assessments = assessments.filter(assessed_on__lte=as_at, created_at__lte=end_of_day(as_at))
    return Exists(assessments)


def answered_by(actions) -> Q:
    """Recommendations (the outer queryset) linked by any route to one of `actions`: an EXISTS per route, each
    reading the route's link rows for the recommendation by its index and testing them against `actions` as one
    uncorrelated set (hashed once), rather than every action against each recommendation's links."""
    from plans.models import Action, Objective, ThemeRecommendation

    return (Exists(Action.recommendations.through.objects.filter(
                recommendation_id=OuterRef("pk"), action_id__in=actions.values("pk")))
            | Exists(Objective.recommendations.through.objects.filter(
                recommendation_id=OuterRef("pk"), objective_id__in=actions.values("objective_id")))
            | Exists(ThemeRecommendation.objects.filter(
                recommendation_id=OuterRef("pk"), theme_id__in=actions.values("theme_id"))))


class RecommendationQuerySet(VisibleToMixin, models.QuerySet):
    def with_rollup(self, as_at: datetime.date | None = None, user=None):
        """Annotate, over the actions linked by any route (each action counted once), and with a `user` only
        those actions, measures and assessments the user may see (so the counts agree with the links listed):

        direct_count, objective_count, theme_count (actions by each route); action_count; a count per RAG
        rating (not_rated_count .. blue_count, as at the end of `as_at` when given); share_complete (percent
        Blue, rounded, None with no actions); live_action_count (in plans that are not superseded or closed);
        measure_count; has_impact_evidence (an assessment above Not yet evident of a theme that answers it);
        and the tracker's flags: no_action, only_superseded, complete_without_evidence.

        Each count is a correlated subquery per recommendation: right for one recommendation or a few, too slow
        for a whole tracker at scale (each reads every visible action); the tracker page uses tracker_rollup,
        which gives the same figures from rows it reads once.
        """
        from plans.models import Action, Measure

        def seen(model):
            return model.objects.visible_to(user) if user is not None else model.objects.all()

        linked = seen(Action).filter(linked_by_any_route())
        if as_at is not None:
            linked = linked.filter(added_on__lte=as_at)
        rated = linked.with_current_rag(as_at)
        routes = {}
        for route in ROUTES:
            by_route = seen(Action).filter(linked_by_route(route))
            routes[f"{route}_count"] = _count(by_route.filter(added_on__lte=as_at) if as_at else by_route)
        counted = self.annotate(
            **routes,
            action_count=_count(linked),
            live_action_count=_count(linked.exclude(theme__plan__status__in=HISTORY_STATUSES)),
            measure_count=_count(seen(Measure).filter(recommendations=OuterRef("pk"))),
            has_impact_evidence=_impact_evidence(as_at, user),
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


    def with_impact_evidence(self, as_at: datetime.date | None = None, user=None):
        """Annotate has_impact_evidence alone, as with_rollup does (one EXISTS per recommendation, on indexes)."""
        return self.annotate(has_impact_evidence=_impact_evidence(as_at, user))


class InspectionQuerySet(VisibleToMixin, models.QuerySet):
    def with_tracker_summary(self, user=None):
        """Annotate recommendation_count, mapped_count (recommendations with an action by any route, with a
        `user` an action the user may see) and unmapped_count. An inspection with mapped_count 0 is one no
        plan maps to (the 2021 monitoring visit)."""
        from plans.models import Action

        from .models import Recommendation

        recommendations = Recommendation.objects.filter(inspection=OuterRef("pk"))
        actions = Action.objects.visible_to(user) if user is not None else Action.objects.all()
        mapped = recommendations.filter(answered_by(actions))
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


def tracker_rollup(recommendations, *, user, as_at: datetime.date | None = None) -> list:
    """The recommendations (a Recommendation queryset, in the order to show) with with_rollup's figures and flags
    set on each, plus `links` ([(action, [route, ...]), ...], from linked_actions) and `measure_list`.

    Counting from the linked rows, read once (one query per route, then one for measures), instead of with_rollup's
    correlated counts: those ran some 25 subqueries per recommendation, each over every action the user may see,
    and took minutes on PostgreSQL at benchmark scale. Queries: the recommendations (with has_impact_evidence),
    3 for the links and 1 for the measures, whatever the number of recommendations and actions.
    """
    from plans.models import Action, Measure

    found = list(recommendations.with_impact_evidence(as_at, user=user))
    links = linked_actions(found, actions=Action.objects.visible_to(user), as_at=as_at)
    measures = measures_by_recommendation(found, measures=Measure.objects.visible_to(user))
    for recommendation in found:
        recommendation.links = links[recommendation.pk]
        recommendation.measure_list = measures[recommendation.pk]
        _fold(recommendation)
    return found


def _fold(recommendation) -> None:
    """Set with_rollup's annotations on a recommendation from its `links` and `measure_list`."""
    actions = [action for action, _routes in recommendation.links]
    for route in ROUTES:
        setattr(recommendation, f"{route}_count", sum(route in routes for _action, routes in recommendation.links))
    total = recommendation.action_count = len(actions)
    for rag in RAG:
        setattr(recommendation, f"{rag.value}_count", sum(a.current_rag == rag.value for a in actions))
    recommendation.live_action_count = sum(a.theme.plan.status not in HISTORY_STATUSES for a in actions)
    recommendation.measure_count = len({measure.pk for measure in recommendation.measure_list})
    blue = recommendation.blue_count
    # Rounded half up in integers, as with_rollup does in SQL.
    recommendation.share_complete = None if total == 0 else (blue * 200 + total) // (total * 2)
    recommendation.no_action = total == 0
    recommendation.only_superseded = total > 0 and recommendation.live_action_count == 0
    recommendation.complete_without_evidence = (total > 0 and blue == total and recommendation.measure_count == 0
                                                and not recommendation.has_impact_evidence)
