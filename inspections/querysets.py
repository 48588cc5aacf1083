"""Reads for the recommendation tracker: what each recommendation is answered by, and how far it has got.

A plan answers a recommendation (or area for improvement) by three routes, each kept apart because boards
read them differently: an action linked to it directly; an action under an objective that cites its code;
an action in a theme (strand) whose code table lists it. Roll-ups are annotations, so the tracker runs a
fixed number of queries whatever the size of the plans.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db import models
from django.db.models import BooleanField, Case, Count, Exists, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse

from plans.querysets import VisibleToMixin, end_of_day
from plans.rag import RAG

HISTORY_STATUSES = ["superseded", "closed"]

# Each route: its name, the Action lookup that reaches the recommendation, and how the tracker labels it.
ROUTES = {
    "direct": "recommendations",
    "objective": "objective__recommendations",
    "theme": "theme__code_table__recommendation",
}
# The routes whose actions the tracker lists one by one (see tracker_rollup).
LISTED_ROUTES = ("direct", "objective")
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


# What the tracker shows of a listed action, its theme and plan: an action, theme and plan carry long texts
# (outcomes, risks, notes) that hundreds of rows would read and build for nothing.
LISTED_FIELDS = ("reference", "activity", "order", "added_on", "theme__number", "theme__title", "theme__order",
                 "theme__plan__title", "theme__plan__slug", "theme__plan__status", "theme__plan__part_word",
                 "theme__plan__start", "theme__plan__organisation", "theme__plan__restricted", "objective__number")


def linked_actions(recommendations, *, actions, as_at: datetime.date | None = None, routes=tuple(ROUTES)) -> dict:
    """{recommendation pk: [(action, [route, ...]), ...]} for the actions linked by each of `routes`, in plan order.

    `actions` is the Action queryset the user may see (Action.objects.visible_to(user)). One query per route,
    whatever the number of recommendations and actions; an action reached by two routes is listed once,
    labelled with both. Only LISTED_FIELDS are read: any other field of an action, its theme or plan costs a query.
    """
    pks = [r.pk for r in recommendations]
    found: dict[int, dict[int, tuple]] = {pk: {} for pk in pks}
    base = actions.in_plan_at(as_at) if as_at else actions
    for route in routes:
        lookup = ROUTES[route]
        rows = (base.filter(**{f"{lookup}__in": pks}).annotate(linked_to=F(lookup)).with_current_rag(as_at)
                .select_related("theme__plan", "objective").only(*LISTED_FIELDS)
                .order_by("theme__plan__start", "theme__order", "order", "pk").distinct())
        for action in rows:
            entry = found[action.linked_to].setdefault(action.pk, (action, []))
            if route not in entry[1]:
                entry[1].append(route)
    return {pk: list(by_action.values()) for pk, by_action in found.items()}


# The order the tracker's summary table gives the ratings in.
RATING_ORDER = [RAG.RED, RAG.AMBER, RAG.GREEN, RAG.BLUE, RAG.NOT_RATED]


@dataclass
class ThemeTally:
    """A theme whose code table lists a recommendation, with the theme's actions the reader may see (every one of
    them answers it by that route): {action pk: current rating}, and how many of them the tracker also lists one by
    one because they are linked directly or through an objective as well."""

    theme: object  # plans.models.Theme, with its plan
    ratings: dict[int, str] = field(default_factory=dict)
    also_listed: int = 0
    register_url: str = ""

    @property
    def action_count(self) -> int:
        return len(self.ratings)

    @property
    def counts(self) -> list[tuple[str, int]]:
        """(rating, number of actions) for each rating held by at least one action, in the summary table's order."""
        held = Counter(self.ratings.values())
        return [(rag.value, held[rag.value]) for rag in RATING_ORDER if held[rag.value]]


def theme_tallies(recommendations, *, actions, as_at: datetime.date | None = None) -> dict:
    """{recommendation pk: [ThemeTally, ...]} for the themes whose code table lists each recommendation, in plan
    order, from the actions the user may see (`actions`).

    A theme answers a recommendation with all of its actions (fifty or so in a large plan), so they are read as
    (recommendation, action, theme, rating) values, not as model rows, and summed per theme. Two queries (the
    values, then the themes with their plans) whatever the number of recommendations, themes and actions;
    `register_url` is the action register filtered to the recommendation and the theme, which lists exactly the
    theme's actions as they are today.
    """
    from plans.models import Theme

    pks = [r.pk for r in recommendations]
    found: dict[int, dict[int, ThemeTally]] = {pk: {} for pk in pks}
    if not pks:
        return {}
    base = actions.in_plan_at(as_at) if as_at else actions
    lookup = ROUTES["theme"]
    linked = base.filter(**{f"{lookup}__in": pks})
    rows = (linked.annotate(linked_to=F(lookup)).with_current_rag(as_at).order_by()
            .values_list("linked_to", "pk", "theme_id", "current_rag").distinct())
    themes = (Theme.objects.filter(pk__in=linked.order_by().values("theme_id")).select_related("plan")
              .only("number", "title", "order", "plan__title", "plan__slug", "plan__status", "plan__part_word",
                    "plan__start", "plan__organisation", "plan__restricted"))
    themes = {theme.pk: theme for theme in themes.order_by("plan__start", "plan_id", "order", "pk")}
    by_theme: dict[tuple[int, int], dict[int, str]] = {}
    for recommendation_id, action_id, theme_id, rag in rows:
        by_theme.setdefault((recommendation_id, theme_id), {})[action_id] = rag
    register = reverse("plans:register")
    for theme_id, theme in themes.items():  # plan order
        for recommendation_id in pks:
            ratings = by_theme.get((recommendation_id, theme_id))
            if ratings:
                query = urlencode({"recommendation": recommendation_id, "theme": theme_id})
                found[recommendation_id][theme_id] = ThemeTally(theme=theme, ratings=ratings,
                                                                register_url=f"{register}?{query}")
    return {pk: list(by_theme_id.values()) for pk, by_theme_id in found.items()}


def set_tracker_summary(inspection, recommendations) -> None:
    """Set with_tracker_summary's figures on `inspection` from its recommendations as tracker_rollup left them (all
    of them, each with the actions the same user may see): the tracker page counts them from rows it has already
    read instead of running the summary's three subqueries per recommendation again."""
    inspection.recommendation_count = len(recommendations)
    inspection.mapped_count = sum(r.action_count > 0 for r in recommendations)
    inspection.unmapped_count = inspection.recommendation_count - inspection.mapped_count


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
    set on each, plus `links` ([(action, [route, ...]), ...]: the actions linked directly or through an objective,
    each with all its routes, theme included), `theme_links` ([ThemeTally, ...], from theme_tallies: every action
    reached through a theme's code table, summed per theme) and `measure_list`.

    The figures count each action once over all three routes, as with_rollup does, but from rows read once instead
    of with_rollup's correlated counts: those ran some 25 subqueries per recommendation, each over every action the
    user may see, and took minutes on PostgreSQL at benchmark scale. Actions reached only through a theme's code
    table are not listed one by one: a theme lists every recommendation it answers, and listing its fifty actions
    under each made the benchmark's tracker 3,300 rows and 2 MB. Queries: the recommendations (with
    has_impact_evidence), 2 for the listed links, 2 for the theme tallies and 1 for the measures, whatever the
    number of recommendations and actions.
    """
    from plans.models import Action, Measure

    found = list(recommendations.with_impact_evidence(as_at, user=user))
    actions = Action.objects.visible_to(user)
    links = linked_actions(found, actions=actions, as_at=as_at, routes=LISTED_ROUTES)
    tallies = theme_tallies(found, actions=actions, as_at=as_at)
    measures = measures_by_recommendation(found, measures=Measure.objects.visible_to(user))
    for recommendation in found:
        recommendation.links = links[recommendation.pk]
        recommendation.theme_links = tallies[recommendation.pk]
        recommendation.measure_list = measures[recommendation.pk]
        _fold(recommendation)
    return found


def _fold(recommendation) -> None:
    """Set with_rollup's annotations on a recommendation from its `links`, `theme_links` and `measure_list`, and add
    the theme route to each listed action its theme's code table also reaches."""
    listed = {action.pk: action for action, _routes in recommendation.links}
    by_theme = {tally.theme.pk: tally for tally in recommendation.theme_links}
    for action, routes in recommendation.links:
        if action.theme_id in by_theme:
            routes.append("theme")
    ratings = [action.current_rag for action in listed.values()]
    live = sum(action.theme.plan.status not in HISTORY_STATUSES for action in listed.values())
    for tally in recommendation.theme_links:
        tally.also_listed = sum(pk in listed for pk in tally.ratings)
        only_here = [rag for pk, rag in tally.ratings.items() if pk not in listed]
        ratings += only_here
        if tally.theme.plan.status not in HISTORY_STATUSES:
            live += len(only_here)
    for route in LISTED_ROUTES:
        setattr(recommendation, f"{route}_count", sum(route in routes for _action, routes in recommendation.links))
    recommendation.theme_count = sum(tally.action_count for tally in recommendation.theme_links)
    total = recommendation.action_count = len(ratings)
    held = Counter(ratings)
    for rag in RAG:
        setattr(recommendation, f"{rag.value}_count", held[rag.value])
    recommendation.live_action_count = live
    recommendation.measure_count = len({measure.pk for measure in recommendation.measure_list})
    blue = recommendation.blue_count
    # Rounded half up in integers, as with_rollup does in SQL.
    recommendation.share_complete = None if total == 0 else (blue * 200 + total) // (total * 2)
    recommendation.no_action = total == 0
    recommendation.only_superseded = total > 0 and recommendation.live_action_count == 0
    recommendation.complete_without_evidence = (total > 0 and blue == total and recommendation.measure_count == 0
                                                and not recommendation.has_impact_evidence)
