"""A plan's position as at a day, and how it moved since a compare date: what a board reads first.

Every read here runs a fixed number of queries whatever the number of actions and updates. The database
works out each action's rating, due date in force and flags as at a date (one query per date, see
ActionQuerySet.position_at); the totals and per-theme figures are then folded from those same rows, so
the two can never disagree; the month-by-month mix folds one query of the plan's updates in order.

The dashboard and the highlight report both read `plan_position(...)`, so they always say the same thing.
"""

import bisect
import calendar
import datetime
from dataclasses import dataclass, field

from django.db import models
from django.utils import timezone

from governance.models import Meeting
from governance.querysets import DEFAULT_COMPARE_DAYS

from .measures import MeasureRating
from .models import Action, ImpactAssessment, Measure, ProgressUpdate, Theme
from .querysets import end_of_day
from .rag import BY_VALUE, RAG, SEVERITY
from .standing import AttentionRule, stand, updates_by_action

# How many of the latest changes the position lists (the page links to each action for the rest).
RECENT_CHANGES = 20
# A question for the board names this many of its actions on the dashboard until asked for all of them: a plan
# of hundreds of actions can find hundreds, and the count and the first few are what the board reads.
QUESTION_LIST_LIMIT = 25


# Dates ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PositionDates:
    """The as-at and compare dates a position is read for, and where they came from (pages say so)."""

    as_at: datetime.date
    compare: datetime.date
    compare_meeting: Meeting | None = None  # the board's previous meeting, when the compare date is its position date
    compare_is_fallback: bool = False  # no earlier meeting (or no owning board): DEFAULT_COMPARE_DAYS earlier
    opened_at_window_end: bool = False  # a history plan, opened at the last day of its window


def position_dates(plan, *, today: datetime.date, as_at: datetime.date | None = None,
                   compare: datetime.date | None = None) -> PositionDates:
    """Fill in what the reader left out: as-at defaults to plan.default_as_at(today) (the end of a history
    plan's window), compare to the owning board's previous meeting (MeetingQuerySet.comparison_date)."""
    opened_at_end = False
    if as_at is None:
        as_at = plan.default_as_at(today)
        opened_at_end = as_at != today
    if compare is not None:
        return PositionDates(as_at=as_at, compare=compare, opened_at_window_end=opened_at_end)
    compare, meeting = Meeting.objects.comparison_date(plan.board, as_at)
    return PositionDates(as_at=as_at, compare=compare, compare_meeting=meeting, compare_is_fallback=meeting is None,
                         opened_at_window_end=opened_at_end)


@dataclass(frozen=True)
class MeetingLink:
    """A board meeting offered as a quick link: its position date, compared with the meeting before it."""

    meeting: Meeting
    as_at: datetime.date
    compare: datetime.date | None  # None for the board's first meeting: the page's default applies


def meeting_links(plan, *, today: datetime.date, meetings=None) -> list[MeetingLink]:
    """The owning board's meetings with a position date by `today` and within the plan's window where it is
    known, newest first, each paired with the previous meeting's position date: one query. `meetings` is
    the queryset to start from (a view passes Meeting.objects.visible_to(user))."""
    if plan.board_id is None:
        return []
    meetings = (meetings if meetings is not None else Meeting.objects.all())
    ordered = list(meetings.filter(board_id=plan.board_id).with_position_date().order_by("position_date_db", "start"))
    start, end = plan.window_start, min(filter(None, [plan.window_end, today]))
    links, previous = [], None
    for meeting in ordered:
        day = meeting.position_date_db
        if day <= end and (start is None or day >= start):
            links.append(MeetingLink(meeting=meeting, as_at=day, compare=previous))
        previous = day
    return list(reversed(links))


# Counts -----------------------------------------------------------------------------------------------

@dataclass
class Tally:
    """Actions counted by RAG (every rating, in scale order) with the flags a board asks about."""

    counts: dict = field(default_factory=lambda: dict.fromkeys(RAG, 0))
    overdue: int = 0
    due_before_next_meeting: int = 0
    needs_update: int = 0

    def add(self, action) -> None:
        """Count one action row of ActionQuerySet.position_at."""
        self.counts[BY_VALUE[action.current_rag]] += 1
        self.overdue += bool(action.is_overdue)
        self.due_before_next_meeting += bool(action.is_due_before_next)
        self.needs_update += bool(action.needs_update)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def complete(self) -> int:
        return self.counts[RAG.BLUE]

    @property
    def share_complete(self) -> int | None:
        """Blue as a whole percentage of all actions (None with no actions: nothing to share)."""
        return round(100 * self.complete / self.total) if self.total else None

    @property
    def rows(self) -> list[tuple[RAG, int]]:
        """(rating, count) in scale order, for templates and charts."""
        return list(self.counts.items())

    @property
    def by_severity(self) -> list[tuple[RAG, int]]:
        """(rating, count) worst first (rag.SEVERITY), the order the bars and tables read in."""
        return [(rag, self.counts[rag]) for rag in SEVERITY]


@dataclass
class ThemePosition:
    """One theme's figures as at the date, its latest impact assessment and its measures' RAG mix."""

    theme: Theme  # annotated latest_impact_level and latest_impact_on (ThemeQuerySet.with_latest_impact)
    tally: Tally = field(default_factory=Tally)
    measure_mix: dict = field(default_factory=lambda: dict.fromkeys(MeasureRating, 0))

    @property
    def impact_level(self) -> str | None:
        """The latest impact assessment's level as at the date (an ImpactAssessment.Level value), or None."""
        return self.theme.latest_impact_level

    @property
    def impact_label(self) -> str:
        level = self.impact_level
        return ImpactAssessment.Level(level).label if level else "Not yet assessed"

    @property
    def impact_on(self) -> datetime.date | None:
        return self.theme.latest_impact_on

    @property
    def measure_count(self) -> int:
        return sum(self.measure_mix.values())

    @property
    def measure_rows(self) -> list[tuple[MeasureRating, int]]:
        return list(self.measure_mix.items())


# Movement ---------------------------------------------------------------------------------------------

class Movement(models.TextChoices):
    COMPLETED = "completed", "Completed"
    NEW_RATING = "new_rating", "New rating"
    IMPROVED = "improved", "Improved"
    WORSE = "worse", "Worse"
    UNCHANGED = "unchanged", "Unchanged"
    ADDED = "added", "Added"


# Arrows go with the words, never instead of them.
MOVEMENT_ARROWS = {
    Movement.COMPLETED: "✓", Movement.NEW_RATING: "★", Movement.IMPROVED: "↑", Movement.WORSE: "↓",
    Movement.UNCHANGED: "→", Movement.ADDED: "+",
}


class MovementRule:
    """How an action moved between the compare date and the as-at date:
    *completed* (Blue now, not before); *new rating* (Not yet rated before, rated now); *improved* / *worse*
    (by Red < Amber < Green; Blue to anything else is worse); *unchanged* (same rating, Not yet rated both
    times included); *added* (not in the plan at the compare date).

    A rated action cannot normally fall back to Not yet rated (updates are kept for ever); if one does, it
    is worse: the board has lost sight of it."""

    ORDER = {RAG.RED: 0, RAG.AMBER: 1, RAG.GREEN: 2}

    @classmethod
    def classify(cls, before: RAG | None, after: RAG) -> Movement:
        if before is None:
            return Movement.ADDED
        before, after = BY_VALUE[before], BY_VALUE[after]
        if after == RAG.BLUE and before != RAG.BLUE:
            return Movement.COMPLETED
        if before == after:
            return Movement.UNCHANGED
        if before == RAG.NOT_RATED:
            return Movement.NEW_RATING
        if before == RAG.BLUE or after == RAG.NOT_RATED:
            return Movement.WORSE
        return Movement.IMPROVED if cls.ORDER[after] > cls.ORDER[before] else Movement.WORSE


@dataclass(frozen=True)
class MovementRow:
    action: Action
    before: RAG | None  # None: not in the plan at the compare date
    after: RAG
    kind: Movement

    @property
    def arrow(self) -> str:
        return MOVEMENT_ARROWS[self.kind]


def movement(plan, *, as_at: datetime.date, compare: datetime.date, actions=None, before=None) -> list[MovementRow]:
    """Every action in the plan at `as_at` with its rating then and at `compare`: one query per date (`actions` may
    pass the as-at rows already read, and `before` {action pk: rating at compare} of those in the plan then, each
    saving one)."""
    if actions is None:
        actions = list(Action.objects.for_plan(plan).as_at(as_at).select_related("theme")
                       .order_by("theme__order", "order", "pk"))
    if before is None:
        before = dict(Action.objects.for_plan(plan).as_at(compare).order_by().values_list("pk", "current_rag"))
    rows = []
    for action in actions:
        was = BY_VALUE[before[action.pk]] if action.pk in before else None
        now = BY_VALUE[action.current_rag]
        rows.append(MovementRow(action=action, before=was, after=now, kind=MovementRule.classify(was, now)))
    return rows


def movement_counts(rows: list[MovementRow]) -> list[tuple[Movement, int]]:
    """(movement, count) for every kind, in Movement order, zeros included."""
    counts = dict.fromkeys(Movement, 0)
    for row in rows:
        counts[row.kind] += 1
    return list(counts.items())


# Updates, folded in order ----------------------------------------------------------------------------

def plan_updates(plan, *, as_at: datetime.date) -> list:
    """ONE query: every progress update of the plan's actions up to the end of `as_at`, oldest first per
    action (the rows the questions for the board and the monthly mix fold over)."""
    return plans_updates([plan], as_at=as_at)


def plans_updates(plans, *, as_at: datetime.date, extra: tuple = ()) -> list:
    """plan_updates over several plans (plans or pks) in ONE query; `extra` names more fields to read (the
    highlight report also reads the rating update's revised date). Not who wrote each: recent_changes names the
    authors of the few it lists (two joins over every update were a fifth of the dashboard's query).

    Grouped by theme, then action, oldest first within each action: every fold reads them per action, and
    walking a theme's actions lets PostgreSQL read them through the theme and action indexes instead of every
    council's actions in id order (EXPLAIN ANALYZE at benchmark scale: the report's 24,000 rows in 80 ms, now 40)."""
    return list(
        ProgressUpdate.objects.filter(action__theme__plan__in=plans, created_at__lte=end_of_day(as_at))
        .order_by("action__theme_id", "action_id", "created_at", "pk")
        .values_list("pk", "action_id", "created_at", "rag", "narrative", "mitigation", *extra, named=True)
    )


@dataclass(frozen=True)
class RecentChange:
    """A progress update between the compare and as-at dates, with the rating it replaced."""

    action: Action
    when: datetime.datetime
    before: RAG | None  # None: the action's first update
    after: RAG
    narrative: str
    author: str


def latest_updates_with_authors(plan, *, as_at: datetime.date, compare: datetime.date,
                                limit: int = RECENT_CHANGES) -> list[tuple]:
    """(pk, author's name, username) of the newest `limit` updates after the end of the compare date, up to the end
    of `as_at`, of the plan's actions then, newest first: ONE query, of those `limit` alone (naming the author of
    every update the dashboard reads was a fifth of that query's time). Read before the updates themselves
    (plan_updates), so that every update it finds is among them, however many officers write meanwhile."""
    return list(ProgressUpdate.objects.filter(action__theme__plan=plan, action__added_on__lte=as_at,
                                              created_at__gt=end_of_day(compare), created_at__lte=end_of_day(as_at))
                .order_by("-created_at", "-pk").values_list("pk", "author__person__name", "author__username")[:limit])


def recent_changes(newest, updates, *, actions) -> list[RecentChange]:
    """The updates `newest` names (latest_updates_with_authors), newest first, each with the rating it replaced, read
    from `updates` (the plan's updates up to as-at, oldest first per action). One whose action or row the page did not
    read (removed in the moment between the reads) is left out."""
    wanted = {pk for pk, _person, _username in newest}
    found, previous = {}, {}
    for update in updates:  # oldest first per action, so `previous` is the rating this one replaced
        if update.pk in wanted:
            found[update.pk] = (update, previous.get(update.action_id))
        previous[update.action_id] = update.rag
    by_pk = {action.pk: action for action in actions}
    changes = []
    for pk, person, username in newest:
        if pk not in found or found[pk][0].action_id not in by_pk:
            continue
        update, before = found[pk]
        changes.append(RecentChange(action=by_pk[update.action_id], when=update.created_at,
                                    before=before and BY_VALUE[before], after=BY_VALUE[update.rag],
                                    narrative=update.narrative, author=person or username or "an import"))
    return changes


@dataclass
class MonthPoint:
    """The mix at one point: the last day of a month (or the as-at date, for the month it falls in)."""

    day: datetime.date
    plan: dict  # RAG -> count
    themes: dict  # theme pk -> {RAG: count}

    @property
    def label(self) -> str:
        return self.day.strftime("%b %Y")

    @property
    def rows(self) -> list[tuple[RAG, int]]:
        return list(self.plan.items())


def month_points(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """The last day of every month from start's to end's, the final one cut to `end`."""
    points, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        points.append(min(datetime.date(year, month, calendar.monthrange(year, month)[1]), end))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return points


def rag_mix_by_month(plan, *, as_at: datetime.date, actions, updates, by_action=None) -> list[MonthPoint]:
    """The plan's and each theme's RAG mix month by month across its live window (up to `as_at`), folded from
    the rows of one query of the plan's updates in order: never one query per month (`by_action`: those rows grouped
    already, plans.standing.updates_by_action).

    An action counts from the month end on or after it joined the plan; its rating at a point is that of its
    latest update by the end of that London day, as on the dashboard itself."""
    actions = list(actions)
    start = plan.window_start or min((a.added_on for a in actions), default=None)
    end = min(as_at, plan.window_end) if plan.window_end else as_at
    if start is None or start > end:
        return []
    days = month_points(start, end)
    cutoffs = [end_of_day(day) for day in days]
    n = len(days)
    if by_action is None:
        by_action = updates_by_action(updates)
    # Each action holds one rating over a run of points: add +1/-1 at the run's ends (a difference array per
    # theme and rating), then sum along the points. Work grows with updates and points, not their product.
    diffs = {}  # theme pk -> {RAG: [n + 1 steps]}, in the order themes first count
    joined = {}  # theme pk -> the first point it counts at
    for action in actions:
        first = bisect.bisect_left(days, action.added_on)  # the first month end on or after it joined
        if first >= n:
            continue
        steps = diffs.get(action.theme_id)
        if steps is None:
            steps = diffs[action.theme_id] = {rag: [0] * (n + 1) for rag in RAG}
        joined[action.theme_id] = min(joined.get(action.theme_id, n), first)
        rating, since = RAG.NOT_RATED, first
        for update in by_action.get(action.pk, ()):  # oldest first
            takes_effect = max(bisect.bisect_left(cutoffs, update.created_at), first)
            if takes_effect >= n:
                break
            if takes_effect > since:
                steps[rating][since] += 1
                steps[rating][takes_effect] -= 1
            rating, since = update.rag, takes_effect  # a value: steps' RAG keys equal it
        steps[rating][since] += 1
        steps[rating][n] -= 1
    themes = {}
    for theme_pk, steps in diffs.items():
        running = {}
        for rag, deltas in steps.items():
            total, run = 0, []
            for delta in deltas[:n]:
                total += delta
                run.append(total)
            running[rag] = run
        themes[theme_pk] = running
    points = []
    for i, day in enumerate(days):
        plan_counts = dict.fromkeys(RAG, 0)
        theme_counts = {}
        for theme_pk, running in themes.items():
            if joined[theme_pk] > i:
                continue
            counts = {rag: running[rag][i] for rag in RAG}
            theme_counts[theme_pk] = counts
            for rag, count in counts.items():
                plan_counts[rag] += count
        points.append(MonthPoint(day=day, plan=plan_counts, themes=theme_counts))
    return points



def theme_months(theme, *, as_at: datetime.date, actions) -> list[MonthPoint]:
    """One theme's mix month by month up to `as_at` (rag_mix_by_month over its `actions` alone, the rows its page
    has read already), for its own page: one query, of the updates. The dashboard draws the plan's chart only;
    each theme's is here, a link away."""
    actions = [action for action in actions if action.added_on <= as_at]
    updates = (ProgressUpdate.objects.filter(action__theme=theme, created_at__lte=end_of_day(as_at))
               .order_by("action_id", "created_at", "pk").values_list("action_id", "created_at", "rag", named=True))
    return rag_mix_by_month(theme.plan, as_at=as_at, actions=actions, updates=updates)

# Measures --------------------------------------------------------------------------------------------

def measure_mixes(plan, *, as_at: datetime.date, user=None) -> dict:
    """{theme pk or None: {MeasureRating: count}} of the plan's measures rated by their latest value known at
    the end of `as_at` (MeasureQuerySet.rag_mix): one query. With a `user`, only the measures they may see (a
    restricted measure is not counted for anyone outside it)."""
    mixes = {}
    measures = Measure.objects.for_plan(plan) if user is None else Measure.objects.visible_to(user).for_plan(plan)
    for row in measures.rag_mix(by="theme", as_at=as_at):
        mixes[row["theme"]] = {rating: row[f"{rating.value}_count"] for rating in MeasureRating}
    return mixes


# The whole position ----------------------------------------------------------------------------------

@dataclass
class PlanPosition:
    """Everything the dashboard and the highlight report read about a plan at a date."""

    plan: object
    as_at: datetime.date
    compare: datetime.date
    next_meeting: Meeting | None
    due_before: datetime.date  # "due before the next meeting" counts due dates before this day
    totals: Tally
    themes: list[ThemePosition]
    plan_measure_mix: dict  # MeasureRating -> count, every measure of the plan (themed or not)
    actions: list[Action]  # the rows at as_at, in plan order, with current_rag, due_in_force and the flags
    movement: list[MovementRow]
    movement_counts: list[tuple[Movement, int]]
    recent_changes: list[RecentChange]
    months: list[MonthPoint]
    questions: list = field(default_factory=list)  # plans.questions.QuestionResult

    @property
    def plan_measure_rows(self) -> list:
        """(MeasureRating, count) of every measure of the plan, zeros included."""
        return list(self.plan_measure_mix.items())

    @property
    def plan_measure_count(self) -> int:
        return sum(self.plan_measure_mix.values())

    @property
    def next_meeting_is_fallback(self) -> bool:
        return self.next_meeting is None

    @property
    def questions_found(self) -> list:
        """The questions for the board that found at least one action."""
        return [question for question in self.questions if question.actions]

    def questions_listed(self, expand: str = "", limit: int = QUESTION_LIST_LIMIT) -> list:
        """(question, the actions to name, how many more) for each question found: the first `limit` actions in
        plan order, or all of them for the question whose rule is `expand`."""
        return [(question, question.actions if question.rule == expand else question.actions[:limit],
                 0 if question.rule == expand else max(0, len(question.actions) - limit))
                for question in self.questions_found]

    @property
    def questions_clear(self) -> list:
        """The questions checked that found nothing (pages list them too: checked, not forgotten)."""
        return [question for question in self.questions if not question.actions]

    @property
    def moved(self) -> list[MovementRow]:
        """The movement rows other than unchanged: what the board reads first."""
        return [row for row in self.movement if row.kind != Movement.UNCHANGED]


def plan_position(plan, *, as_at: datetime.date, compare: datetime.date, user=None) -> PlanPosition:
    """The plan as at `as_at`, moved since `compare`. Eight queries whatever the size of the plan: next meeting,
    the actions in the plan at as_at, themes (with their latest impact), measures' RAG mix, updates up to as_at, the
    latest of them with their authors, the actions' due-date history, and the board's last meeting. Each action's
    rating at both dates, its due date in force and its flags are folded from those rows (plans.standing), not
    asked of the database again."""
    from .questions import board_last_met, due_date_history, questions_for_board

    # A compare date after as_at (a page's form refuses one) needs updates past as_at: the ratings then are queried.
    folds_compare = compare <= as_at
    next_meeting = Meeting.objects.next_to_meet(plan.board, as_at)
    due_before = (timezone.localdate(next_meeting.start) if next_meeting
                  else as_at + datetime.timedelta(days=DEFAULT_COMPARE_DAYS))
    # No lead and no long texts: the dashboard names neither, and hundreds of rows would build them for nothing.
    actions = list(Action.objects.for_plan(plan).in_plan_at(as_at).defer("desired_outcome", "note")
                   .order_by("theme__order", "order", "pk"))
    newest = latest_updates_with_authors(plan, as_at=as_at, compare=compare)
    updates = plan_updates(plan, as_at=as_at)
    by_action = updates_by_action(updates)
    history = due_date_history(actions)
    last_met = board_last_met(plan, as_at)
    rule = AttentionRule(as_at, due_before=due_before, board_last_met=last_met.start if last_met else None)
    stand(actions, as_at=as_at, compare=compare if folds_compare else None, by_action=by_action,
          due_dates=history, rule=rule, plan_is_history=plan.is_history)

    themes = {theme.pk: ThemePosition(theme=theme)
              for theme in Theme.objects.filter(plan=plan).with_latest_impact(as_at).order_by("order", "pk")}
    totals = Tally()
    for row in themes.values():
        row.theme.plan = plan  # so naming a theme (or an action's theme) never queries its plan again
    for action in actions:
        action.theme = themes[action.theme_id].theme
        totals.add(action)
        themes[action.theme_id].tally.add(action)

    plan_mix = dict.fromkeys(MeasureRating, 0)
    for theme_pk, mix in measure_mixes(plan, as_at=as_at, user=user).items():
        for rating, count in mix.items():
            plan_mix[rating] += count
        if theme_pk in themes:
            themes[theme_pk].measure_mix = mix

    before = ({action.pk: action.rag_then for action in actions if action.rag_then is not None} if folds_compare
              else None)
    moved = movement(plan, as_at=as_at, compare=compare, actions=actions, before=before)
    return PlanPosition(
        plan=plan, as_at=as_at, compare=compare, next_meeting=next_meeting, due_before=due_before, totals=totals,
        themes=list(themes.values()), plan_measure_mix=plan_mix, actions=actions, movement=moved,
        movement_counts=movement_counts(moved),
        recent_changes=recent_changes(newest, updates, actions=actions),
        months=rag_mix_by_month(plan, as_at=as_at, actions=actions, updates=updates, by_action=by_action),
        questions=questions_for_board(plan, as_at=as_at, actions=actions, by_action=by_action, history=history,
                                      last_met=last_met),
    )
