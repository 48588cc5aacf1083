"""Reads that roll up the plan: current RAG, counts by RAG, what is overdue or due soon.

The current RAG is never stored: it is always the rating of the latest progress update, so it can
not drift from the history, and the position at any past date (a board meeting) is the same query.
"""

import datetime

from django.db import models
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    DateField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Round
from django.utils import timezone

from .rag import RAG, SEVERITY


def _end_of_day(day: datetime.date) -> datetime.datetime:
    """The last instant of a London day: "as at D" counts everything up to and including it.

    Given in UTC, as the database hands back every stored time: datetimes with the same tzinfo compare without
    working out offsets, and the dashboards' folds compare thousands of updates with such cut-offs (the monthly
    mix took three times as long against London times)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.max)).astimezone(datetime.UTC)


end_of_day = _end_of_day


class VisibleToMixin:
    """Every QuerySet a page starts from narrows to what a user may see through `visible_to(user)`; the rule
    itself is governance.visibility's, in one place. `administered_by(user)` is what the admin lists show."""

    def visible_to(self, user):
        from governance.visibility import visible

        return visible(self, user)

    def administered_by(self, user):
        from governance.visibility import administered

        return administered(self, user)


def latest_updates(as_at: datetime.date | None = None, action_ref: str = "pk"):
    """Progress updates of the outer action, newest first, optionally as they stood at the end of a day."""
    from .models import ProgressUpdate

    updates = ProgressUpdate.objects.filter(action=OuterRef(action_ref))
    if as_at is not None:
        updates = updates.filter(created_at__lte=_end_of_day(as_at))
    return updates.order_by("-created_at", "-pk")


def due_in_force(as_at: datetime.date):
    """The due date an action had at the end of a day, from its history: the latest record by then; if every
    record is later, the earliest one (the value as loaded, recorded just before the first change); with no
    history, the due date as it stands."""
    from .models import Action

    history = Action.history.model.objects.filter(id=OuterRef("pk"))
    by_then = history.filter(history_date__lte=_end_of_day(as_at)).order_by("-history_date", "-history_id")
    earliest = history.order_by("history_date", "history_id")
    return Case(
        When(Exists(by_then), then=Subquery(by_then.values("due_date")[:1])),
        When(Exists(earliest), then=Subquery(earliest.values("due_date")[:1])),
        default=F("due_date"),
        output_field=DateField(),
    )


def rag_severity(field: str = "current_rag") -> Case:
    """A rating's place in rag.SEVERITY (Red first, Blue last), so "sort by RAG" means worst first, not
    alphabetical by the stored value."""
    return Case(*[When(**{field: rag.value}, then=Value(rank)) for rank, rag in enumerate(SEVERITY)],
                default=Value(len(SEVERITY)), output_field=IntegerField())


class ActionQuerySet(VisibleToMixin, models.QuerySet):
    def for_plan(self, plan):
        return self.filter(theme__plan=plan)

    def for_person(self, person):
        """Actions a person leads or supports, or that sit in a theme they lead."""
        from .models import Action

        # A subquery rather than DISTINCT, so annotations and ordering stay simple on both databases.
        mine = Action.objects.filter(Q(lead=person) | Q(supporting_leads=person) | Q(theme__leads=person))
        return self.filter(pk__in=mine.values("pk"))

    def with_current_rag(self, as_at: datetime.date | None = None):
        """Annotate current_rag (the latest update's rating, or Not yet rated) and last_updated."""
        updates = latest_updates(as_at)
        return self.annotate(
            current_rag=Coalesce(Subquery(updates.values("rag")[:1]), Value(RAG.NOT_RATED.value)),
            last_updated=Subquery(updates.values("created_at")[:1]),
        )

    def with_rag_then(self, day: datetime.date, name: str):
        """Annotate `name`: the rating at the end of `day`, as with_current_rag reads it, so that one query carries
        the rating at two dates (the highlight report's position and its comparison)."""
        return self.annotate(**{name: Coalesce(Subquery(latest_updates(day).values("rag")[:1]),
                                               Value(RAG.NOT_RATED.value))})

    def in_plan_at(self, day: datetime.date):
        """Actions that had joined their plan by the end of `day` (Action.added_on)."""
        return self.filter(added_on__lte=day)

    def as_at(self, day: datetime.date):
        """The plan as it stood at the end of a London day: the actions that were in it, rated as they were
        then (current_rag, last_updated: the update that gives the rating), with the due date then in force
        (due_in_force)."""
        return self.in_plan_at(day).with_current_rag(as_at=day).annotate(due_in_force=due_in_force(day))

    def with_attention(self, today: datetime.date | None = None, stale_days: int = 30, soon_days: int = 14, *,
                       flags_only: bool = False):
        """Annotate the flags an officer acts on, and `attention` (0 overdue, 1 due soon, 2 needs update, 3 fine).

        overdue: past its due date and not complete. due soon: due in the next `soon_days` days.
        needs update: not complete, and no update for `stale_days` days or since the owning board last met.
        Also annotates `revised_due_date`, the latest update's forecast, shown as slippage.

        flags_only: select the three flags (and the rating) only; `attention`, `revised_due_date` and the steps
        between stay usable in filter() and order_by() as aliases. A list that prints the flags then sends a
        query half as long (`attention` repeats every flag's SQL), which takes half the time to compile and plan.
        """
        from governance.models import Meeting

        today = today or timezone.localdate()
        stale_before = _end_of_day(today - datetime.timedelta(days=stale_days))
        last_meeting = (
            Meeting.objects.filter(board=OuterRef("theme__plan__board"), start__lte=_end_of_day(today))
            .order_by("-start").values("start")[:1]
        )
        rated = self if "current_rag" in self.query.annotations else self.with_current_rag()
        # A superseded or closed plan is history: nothing in it is overdue or waiting for an update.
        not_complete = ~Q(current_rag=RAG.BLUE) & ~Q(theme__plan__status__in=["superseded", "closed"])
        due = F("due_in_force") if "due_in_force" in rated.query.annotations else F("due_date")
        steps = rated.alias if flags_only else rated.annotate  # selected, or aliases only
        flagged = steps(
            board_last_met=Subquery(last_meeting),
            revised_due_date=Subquery(latest_updates().values("revised_due_date")[:1]),
            due_for_flags=due,
        ).annotate(
            is_overdue=Case(When(not_complete & Q(due_for_flags__lt=today), then=True),
                            default=False, output_field=BooleanField()),
            is_due_soon=Case(
                When(not_complete & Q(due_for_flags__gte=today,
                                      due_for_flags__lte=today + datetime.timedelta(days=soon_days)),
                     then=True),
                default=False, output_field=BooleanField()),
            needs_update=Case(
                When(not_complete & (Q(last_updated__isnull=True) | Q(last_updated__lt=stale_before)
                                     | Q(last_updated__lt=F("board_last_met"))), then=True),
                default=False, output_field=BooleanField()),
        )
        return (flagged.alias if flags_only else flagged.annotate)(attention=Case(
            When(is_overdue=True, then=0), When(is_due_soon=True, then=1), When(needs_update=True, then=2),
            default=3, output_field=IntegerField(),
        ))

    def with_rag(self, *ratings):
        return self.filter(current_rag__in=[RAG(r).value for r in ratings])

    def with_rag_severity(self):
        """Annotate rag_severity (0 Red ... 4 Blue, rag.SEVERITY's order) to sort worst first. Needs current_rag."""
        return self.annotate(rag_severity=rag_severity("current_rag"))

    def overdue(self, today: datetime.date | None = None):
        """Past their due date and not complete. Needs with_current_rag()."""
        today = today or timezone.localdate()
        return self.filter(due_date__lt=today).exclude(current_rag=RAG.BLUE)

    def due_soon(self, days: int = 14, today: datetime.date | None = None):
        """Due within the next `days` days and not complete. Needs with_current_rag()."""
        today = today or timezone.localdate()
        return self.filter(
            due_date__gte=today, due_date__lte=today + datetime.timedelta(days=days)
        ).exclude(current_rag=RAG.BLUE)

    def position_at(self, day: datetime.date, *, due_before: datetime.date):
        """The dashboard's rows as at the end of `day`: as_at(day) with the attention flags judged at `day`
        (is_overdue, needs_update, using the due date then in force), and is_due_before_next: not complete,
        not yet overdue, and due before `due_before` (the owning board's next meeting). Never true in a
        superseded or closed plan, which is history. The flags only (with_attention's flags_only): the dashboard
        counts them and prints none of the steps between."""
        not_complete = ~Q(current_rag=RAG.BLUE) & ~Q(theme__plan__status__in=["superseded", "closed"])
        return self.as_at(day).with_attention(today=day, flags_only=True).annotate(is_due_before_next=Case(
            When(not_complete & Q(due_in_force__gte=day, due_in_force__lt=due_before), then=True),
            default=False, output_field=BooleanField(),
        ))


def rag_count_annotations(action_filter: str, as_at: datetime.date | None = None) -> dict:
    """One count per RAG rating of the actions under the outer row (a plan or a theme).

    `action_filter` is the Action lookup that points at the outer row, e.g. "theme__plan".
    """
    from .models import Action

    annotations = {}
    for rag in RAG:
        counted = (
            Action.objects.filter(**{action_filter: OuterRef("pk")})
            .with_current_rag(as_at)
            .filter(current_rag=rag.value)
            .order_by()
            .values(action_filter)
            .annotate(n=Count("pk"))
            .values("n")
        )
        annotations[f"{rag.value}_count"] = Coalesce(Subquery(counted[:1]), Value(0))
    return annotations


class PlanQuerySet(VisibleToMixin, models.QuerySet):
    def live(self):
        """Approved plans: the ones being delivered now."""
        return self.filter(status="approved")

    def with_rag_counts(self, as_at: datetime.date | None = None):
        """Annotate not_rated_count, red_count, amber_count, green_count, blue_count and action_count."""
        return self.annotate(
            action_count=Count("themes__actions", distinct=True),
            **rag_count_annotations("theme__plan", as_at),
        )

    def with_links_visible_to(self, user):
        """Annotate board_is_visible, supersedes_is_visible and superseded_by_is_visible: whether `user` may see
        the plan's board and its neighbours, so a page links to them only then (a partner sees a shared plan,
        not its owner's board or earlier plans). Subqueries, no extra query."""
        from governance.models import Board
        from governance.visibility import visible_flag

        from .models import Plan

        # The reverse one-to-one has no column of its own: test the plan that names this one as superseded.
        successor = Plan.objects.filter(supersedes=OuterRef("pk")).visible_to(user)
        return self.annotate(board_is_visible=visible_flag(Board, user, "board_id"),
                             supersedes_is_visible=visible_flag(Plan, user, "supersedes_id"),
                             superseded_by_is_visible=Exists(successor))


class ThemeQuerySet(VisibleToMixin, models.QuerySet):
    def with_rag_counts(self, as_at: datetime.date | None = None):
        return self.annotate(
            action_count=Count("actions", distinct=True),
            **rag_count_annotations("theme", as_at),
        )

    def with_latest_impact(self, as_at: datetime.date | None = None):
        """Annotate latest_impact_level, latest_impact_on and latest_impact_is_demo: the theme's latest impact
        assessment (None when there is none). As at D, an assessment counts if assessed on or before D and
        recorded by the end of D. Impact is its own scale, never folded into the delivery RAG counts."""
        from .models import ImpactAssessment

        assessments = ImpactAssessment.objects.filter(theme=OuterRef("pk"))
        if as_at is not None:
            assessments = assessments.filter(assessed_on__lte=as_at, created_at__lte=_end_of_day(as_at))
        latest = assessments.order_by("-assessed_on", "-created_at", "-pk")
        return self.annotate(
            latest_impact_level=Subquery(latest.values("level")[:1]),
            latest_impact_on=Subquery(latest.values("assessed_on")[:1]),
            latest_impact_is_demo=Subquery(latest.values("is_demo")[:1]),
        )


# The measure rules of plans.measures (MeasureRagRule, DirectionOfTravelRule) as SQL; tests prove they agree.
MEASURE_RATINGS = ("not_rated", "red", "amber", "green", "no_target")
_QUALITATIVE_RAG = {"met": "green", "partly_met": "amber", "not_met": "red"}
_QUALITATIVE_RANK = {"not_met": 0, "partly_met": 1, "met": 2}


def _measure_rag_sql():
    """MeasureRagRule as a CASE over the annotated latest_value/latest_status and the measure's fields.

    Shortfalls are rounded to the 4 decimal places values are stored with: SQLite does decimal arithmetic in
    floating point (1.1 - 0.8 - 0.3 is not 0 there), and the tolerance edge must be exact."""
    higher_short = Round(F("target") - F("latest_value"), 4)
    lower_short = Round(F("latest_value") - F("target"), 4)
    higher_amber = Round(F("target") - F("latest_value") - F("tolerance"), 4)
    lower_amber = Round(F("latest_value") - F("target") - F("tolerance"), 4)
    return Case(
        *[When(kind="qualitative", latest_status=status, then=Value(rating))
          for status, rating in _QUALITATIVE_RAG.items()],
        When(kind="qualitative", then=Value("not_rated")),
        When(latest_value__isnull=True, then=Value("not_rated")),
        When(Q(target__isnull=True) | ~Q(polarity__in=["higher", "lower"]), then=Value("no_target")),
        When(Q(polarity="higher") & Q(_rag_higher_short__lte=0), then=Value("green")),
        When(Q(polarity="lower") & Q(_rag_lower_short__lte=0), then=Value("green")),
        When(Q(polarity="higher") & Q(tolerance__isnull=False) & Q(_rag_higher_amber__lte=0), then=Value("amber")),
        When(Q(polarity="lower") & Q(tolerance__isnull=False) & Q(_rag_lower_amber__lte=0), then=Value("amber")),
        default=Value("red"),
        output_field=CharField(),
    ), {"_rag_higher_short": higher_short, "_rag_lower_short": lower_short,
        "_rag_higher_amber": higher_amber, "_rag_lower_amber": lower_amber}


def _rank(field):
    return Case(*[When(**{field: status}, then=Value(rank)) for status, rank in _QUALITATIVE_RANK.items()],
                default=None, output_field=IntegerField())


def _direction_sql():
    """DirectionOfTravelRule as a CASE over latest_* and previous_* (Direction codes)."""
    return Case(
        When(Q(kind="qualitative") & (Q(_dir_current_rank__isnull=True) | Q(_dir_previous_rank__isnull=True)),
             then=Value("no_previous")),
        When(kind="qualitative", _dir_current_rank__gt=F("_dir_previous_rank"), then=Value("improving")),
        When(kind="qualitative", _dir_current_rank__lt=F("_dir_previous_rank"), then=Value("worsening")),
        When(kind="qualitative", then=Value("no_change")),
        When(Q(latest_value__isnull=True) | Q(previous_value__isnull=True), then=Value("no_previous")),
        When(latest_value=F("previous_value"), then=Value("no_change")),
        When(polarity="higher", latest_value__gt=F("previous_value"), then=Value("improving")),
        When(polarity="higher", then=Value("worsening")),
        When(polarity="lower", latest_value__gt=F("previous_value"), then=Value("worsening")),
        When(polarity="lower", then=Value("improving")),
        When(latest_value__gt=F("previous_value"), then=Value("up")),
        default=Value("down"),
        output_field=CharField(),
    ), {"_dir_current_rank": _rank("latest_status"), "_dir_previous_rank": _rank("previous_status")}


class MeasureQuerySet(VisibleToMixin, models.QuerySet):
    def for_plan(self, plan):
        return self.filter(plan=plan)

    def with_latest(self, as_at: datetime.date | None = None):
        """Annotate the latest and previous values known at the end of London day `as_at` (all values when
        None), and the rules on them: latest_value, latest_status, latest_period_end, latest_entered_at,
        latest_is_demo, previous_value, previous_status, previous_period_end, measure_rag (a MeasureRating
        value: not_rated, red, amber, green, no_target) and direction (a Direction code)."""
        rag, rag_parts = _measure_rag_sql()
        direction, direction_parts = _direction_sql()
        return (self.with_latest_values(as_at).alias(**rag_parts, **direction_parts)
                .annotate(measure_rag=rag, direction=direction))

    def with_latest_values(self, as_at: datetime.date | None = None, *,
                           latest=("value", "status", "period_end", "entered_at", "is_demo"),
                           previous=("value", "status", "period_end")):
        """with_latest's values without its rules, for a caller that rates only some rows, in Python by the same
        rules (plans.measures): the rules' SQL repeats each value's subquery wherever it reads it, which makes
        the query six times as long to compile and plan. `latest` and `previous` name the values' fields to read
        (each is a subquery per measure: a caller leaves out what it never prints)."""
        from .models import MeasureValue

        values = MeasureValue.objects.filter(measure=OuterRef("pk"))
        if as_at is not None:
            values = values.known_at(as_at)
        values = values.order_by("-period_end")
        return self.annotate(**{f"latest_{name}": Subquery(values.values(name)[:1]) for name in latest},
                             **{f"previous_{name}": Subquery(values.values(name)[1:2]) for name in previous})

    def with_latest_known(self, as_at: datetime.date, prefix: str):
        """Annotate `<prefix>value`, `<prefix>status` and `<prefix>period_end`: the latest value known at the end of
        London day `as_at`, as with_latest reads it, so one query can carry the figure at two dates."""
        from .models import MeasureValue

        values = MeasureValue.objects.filter(measure=OuterRef("pk")).known_at(as_at).order_by("-period_end")
        return self.annotate(**{f"{prefix}{name}": Subquery(values.values(name)[:1])
                                for name in ("value", "status", "period_end")})

    def rag_mix(self, *, by: str = "theme", as_at: datetime.date | None = None):
        """Measures counted by their rating, one row per `by` (a field such as "theme" or "plan"), in one query:
        dicts with `by`, measure_count and not_rated_count, red_count, amber_count, green_count, no_target_count,
        in order of `by`. Uses the latest values already annotated (with_latest, with_latest_values), else reads
        them for `as_at`.

        One row of plain values per measure (a plan has tens), rated here by MeasureRagRule itself: the rule's
        SQL repeats each value's subquery wherever it reads one, and grouping by it made the dashboard's query
        take three times as long to build, compile and plan as reading the values does."""
        from .measures import MeasureRagRule

        rated = self if "latest_value" in self.query.annotations else self.with_latest_values(as_at)
        rows = rated.order_by().values_list(by, "kind", "polarity", "target", "tolerance", "latest_value",
                                            "latest_status")
        mixes = {}
        for key, kind, polarity, target, tolerance, value, status in rows:
            mix = mixes.get(key)
            if mix is None:
                mix = mixes[key] = {by: key, "measure_count": 0} | {f"{rating}_count": 0 for rating in MEASURE_RATINGS}
            rating = MeasureRagRule.rate(kind=kind, polarity=polarity, target=target, tolerance=tolerance,
                                         value=value, status=status or "")
            mix["measure_count"] += 1
            mix[f"{rating.value}_count"] += 1
        return [mixes[key] for key in sorted(mixes, key=lambda key: (key is None, key))]


class MeasureValueQuerySet(VisibleToMixin, models.QuerySet):
    def known_at(self, day: datetime.date):
        """Values entered by the end of a London day: what a board could have seen then."""
        return self.filter(entered_at__lte=_end_of_day(day))


class PersonQuerySet(VisibleToMixin, models.QuerySet):
    pass


class ScopedQuerySet(VisibleToMixin, models.QuerySet):
    """The default manager of a model with no reads of its own, so that it too has visible_to()."""


class PlanShareQuerySet(VisibleToMixin, models.QuerySet):
    def current(self, day: datetime.date):
        """Shares whose period includes `day` (an open end counts as including it)."""
        return self.filter(start__lte=day).exclude(end__lt=day)


class MilestoneQuerySet(VisibleToMixin, models.QuerySet):
    """Reads of milestones for board papers (action milestones and a theme's plan-on-a-page rows alike)."""

    def for_plans(self, plans):
        """Milestones of the actions or themes of these plans (a queryset or a list of plans or pks)."""
        return self.filter(Q(action__theme__plan__in=plans) | Q(theme__plan__in=plans))

    def outcome_between(self, start: datetime.date, end: datetime.date):
        """Recorded as achieved or missed with an outcome date after `start`, up to and including `end`."""
        return self.exclude(outcome="").filter(outcome_date__gt=start, outcome_date__lte=end)

    def due_between(self, start: datetime.date, end: datetime.date):
        """Due after `start`, up to and including `end`, with no outcome recorded."""
        return self.filter(outcome="", due_date__gt=start, due_date__lte=end)
