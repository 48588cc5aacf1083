"""The benchmark's synthetic data set (issue 15), built in bulk.

    from plans.bench import dataset
    info = dataset.build(scale)       # scale 1: 10 full organisations; scale 0.02: 1 organisation a fifth the size
    info = dataset.grow(info, 40)     # add organisations (the same size) until there are 40 (the growth run)

Scales: at scale 0.1 and above the scale multiplies the organisations, each full size (0.1 is 1, 1 is 10, 2.5
is 25: round(10 x scale)). Below 0.1 there is one organisation whose sizes (themes, actions and so their updates,
measures and so their values, recommendations, meetings) are multiplied by 10 x scale, so that page timings at
small scales stay proportionate and the smoke run stays quick; the floors keep every page with content (1 theme a
plan, 3 actions a theme, 1 measure a plan, 1 recommendation, 2 meetings). The 4 plans, 4 objectives a theme, 10
updates an action, 12 values a measure, 40 people and 8 seats never shrink. See `sizes(scale)`.

Full size, per organisation (so 10x these at scale 1): 4 approved plans (12 themes each, 48 in all), 192 objectives,
2,400 actions (50 a theme), 24,000 progress updates (10 an action, spread over the five years up to today),
200 measures (50 a plan) with 2,400 quarterly values, one inspection with 60 recommendations (each linked to
5 actions and listed in one theme's code table), one improvement board owning the 4 plans with 8 seats and
20 quarterly meetings (each with 2 agenda items naming plans, and 2 action-log items), and 40 people leading
the actions and themes (each with an officer login, the author of their updates). Organisation 0 also has the
bench user's Person among its leads, so that My actions has rows.

`build` returns a `BenchInfo`: the row counts, the build seconds, and for organisation 0 (the one the pages are
timed for) `user`, a board member of its board who is also its organisation admin and staff (what the Django
admin's changelist needs: governance.admin_scoping shows an admin their own organisation's rows, nobody else
anything; admins may also post progress updates), and the objects the pages name (`plan`, `action`,
`post_action`, `meeting`, `inspection`).

Denormalised fields kept consistent with the updates: Action.version is 1 plus the action's updates (what
record_progress would have left). The current rating is not stored (plans.querysets reads it from the latest
update); if a stored rating is ever added, set it in `_consistent` from `latest`.

Everything is written with bulk_create in batches, inside one transaction, with the audit trail off
(governance.audit.bulk()); bulk_create sends no signals, so no history records are written either.
On PostgreSQL the tables are VACUUMed and ANALYZEd afterwards, as autovacuum would do on a live server.
"""

import datetime
import functools
import io
import math
import random
import time
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.utils import timezone

from governance import audit
from governance.models import AgendaItem, Board, LogItem, Meeting, Membership, Organisation, User
from inspections.models import Inspection, Recommendation
from plans.models import (
    Action,
    Measure,
    MeasureValue,
    Objective,
    Person,
    Plan,
    ProgressUpdate,
    Theme,
    ThemeRecommendation,
)
from plans.rag import RAG

ORGANISATIONS_AT_SCALE_1 = 10
PLANS = 4
THEMES_PER_PLAN = 12
OBJECTIVES_PER_THEME = 4
ACTIONS_PER_THEME = 50
UPDATES_PER_ACTION = 10
MEASURES_PER_PLAN = 50
VALUES_PER_MEASURE = 12
RECOMMENDATIONS = 60
ACTIONS_PER_RECOMMENDATION = 5
PEOPLE = 40
SEATS = 8
MEETINGS = 20
YEARS = 5
BATCH = 5000
SLUG_PREFIX = "bench"

# The latest rating's mix across actions (a plan some years in: much done, some at risk).
FINAL_MIX = [(RAG.BLUE, 25), (RAG.GREEN, 40), (RAG.AMBER, 22), (RAG.RED, 10)]
# Earlier ratings: mostly on track, some slippage.
EARLY_MIX = [(RAG.GREEN, 60), (RAG.AMBER, 28), (RAG.RED, 12)]
PLAN_TITLES = ["Improvement plan", "Early help and prevention plan", "Workforce plan", "SEND and inclusion plan"]
TOPICS = ["placement sufficiency", "care leavers' accommodation", "supervision quality", "return home interviews",
          "child protection conferences", "case audits", "social worker caseloads", "early help assessments",
          "missing from education", "foster carer recruitment", "pathway plans", "multi-agency referrals"]
VERBS = ["Review", "Embed", "Launch", "Audit", "Strengthen", "Recruit for", "Train staff on", "Report on"]


@dataclass
class BenchInfo:
    """What build() made: the counts, the seconds it took, and organisation 0's objects for the pages."""

    organisations: int = 0
    sizes: "Sizes | None" = None  # set by build()
    counts: dict = field(default_factory=dict)
    seconds: float = 0.0
    user: User | None = None
    plan: Plan | None = None
    action: Action | None = None
    post_action: Action | None = None
    meeting: Meeting | None = None
    inspection: Inspection | None = None
    search_term: str = "placement"


@dataclass(frozen=True)
class Sizes:
    """One organisation's sizes (full size by default)."""

    themes_per_plan: int = THEMES_PER_PLAN
    actions_per_theme: int = ACTIONS_PER_THEME
    measures_per_plan: int = MEASURES_PER_PLAN
    recommendations: int = RECOMMENDATIONS
    meetings: int = MEETINGS


def _check_scale(scale: float):
    if not scale > 0 or math.isinf(scale):
        raise ValueError(f"The scale must be a number more than 0, not {scale}")


def organisation_count(scale: float) -> int:
    """Organisations at a scale: round(10 x scale) from scale 0.1 up (10 at scale 1); 1 below it."""
    _check_scale(scale)
    return max(1, round(ORGANISATIONS_AT_SCALE_1 * scale))


def sizes(scale: float) -> Sizes:
    """Each organisation's sizes at a scale: full size from scale 0.1 up; below it multiplied by 10 x scale
    with floors, the actions counted over the whole organisation (2,400 x 10 x scale) so that they shrink in
    proportion however few themes there are."""
    _check_scale(scale)
    factor = ORGANISATIONS_AT_SCALE_1 * scale
    if factor >= 1:
        return Sizes()
    themes_per_plan = max(1, round(THEMES_PER_PLAN * factor))
    actions = PLANS * THEMES_PER_PLAN * ACTIONS_PER_THEME * factor
    return Sizes(themes_per_plan=themes_per_plan,
                 actions_per_theme=max(3, round(actions / (PLANS * themes_per_plan))),
                 measures_per_plan=max(1, round(MEASURES_PER_PLAN * factor)),
                 recommendations=max(1, round(RECOMMENDATIONS * factor)),
                 meetings=max(2, round(MEETINGS * factor)))


def build(scale: float, *, today: datetime.date | None = None, seed: int = 15) -> BenchInfo:
    """Build the data set for `scale` into the (empty or not) database and return what was made."""
    info = BenchInfo(sizes=sizes(scale))
    _add(info, organisation_count(scale), today=today or timezone.localdate(), seed=seed)
    _find_pages(info)
    return info


def grow(info: BenchInfo, organisations: int, *, today: datetime.date | None = None, seed: int = 15) -> BenchInfo:
    """Add organisations, the size of the first, until there are `organisations` (the growth run); organisation 0
    is unchanged."""
    _add(info, organisations - info.organisations, today=today or timezone.localdate(), seed=seed)
    return info


def counts() -> dict:
    """Row counts of the tables the data set fills, as the database holds them."""
    return {label: model.objects.count() for label, model in [
        ("organisations", Organisation), ("plans", Plan), ("themes", Theme), ("objectives", Objective),
        ("actions", Action), ("progress updates", ProgressUpdate), ("measures", Measure),
        ("measure values", MeasureValue), ("recommendations", Recommendation), ("meetings", Meeting),
        ("agenda items", AgendaItem), ("people", Person), ("users", User)]}


def _add(info: BenchInfo, how_many: int, *, today, seed):
    started = time.perf_counter()
    groups = {g.name: g for g in Group.objects.filter(name__in=["Admin", "Board member", "Officer"])}
    if len(groups) != 3:
        raise RuntimeError("The role groups (Admin, Board member, Officer) are missing: run manage.py migrate first")
    with audit.bulk(), transaction.atomic():
        for index in range(info.organisations, info.organisations + how_many):
            _organisation(index, info.sizes, today=today, rng=random.Random(seed * 1000 + index), groups=groups,
                          bench_user=index == 0)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # VACUUM too where it may run (not inside a test's transaction): it sets the visibility map the
            # covering indexes' index-only scans read, as autovacuum would have on a live server; left to
            # autovacuum, it ran during the first pages timed, on the same two cores.
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
    info.organisations += how_many
    info.seconds += time.perf_counter() - started
    info.counts = counts()


def _bulk(model, rows):
    return model.objects.bulk_create(rows, batch_size=BATCH)


def _weighted(rng, mix):
    """A rating drawn from (rating, weight) pairs (random.choices is slow for a quarter of a million draws)."""
    pick = rng.random() * sum(weight for _, weight in mix)
    for rag, weight in mix:
        pick -= weight
        if pick < 0:
            return rag
    return mix[-1][0]


@functools.cache
def _aware(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _organisation(index: int, size: Sizes, *, today, rng, groups, bench_user: bool):
    tag = f"{index:03d}"
    org = Organisation.objects.create(name=f"Bench Council {tag}", slug=f"{SLUG_PREFIX}-council-{tag}")
    five_years_ago = today - datetime.timedelta(days=365 * YEARS)

    # People, each with an officer login (their updates' author).
    users = _bulk(User, [_unusable(User(username=f"{SLUG_PREFIX}-{tag}-officer-{n}", is_active=True))
                         for n in range(PEOPLE)])
    Officer = User.groups.through
    _bulk(Officer, [Officer(user_id=u.pk, group_id=groups["Officer"].pk) for u in users])
    people = _bulk(Person, [Person(organisation=org, name=f"Officer {n} of {tag}", initials=f"O{n}",
                                   job_title="Service manager", user=u) for n, u in enumerate(users)])

    board = Board.objects.create(organisation=org, name=f"Improvement Board {tag}",
                                 slug=f"{SLUG_PREFIX}-{tag}-board", kind=Board.Kind.IMPROVEMENT_BOARD)
    if bench_user:
        # The timed pages' reader: a board member who also leads some actions (My actions has rows).
        user = _unusable(User(username="bench-board", is_staff=True, is_active=True))
        user.save()
        user.groups.add(groups["Board member"], groups["Admin"])
        people = [Person.objects.create(organisation=org, name="Bench Board Member", user=user)] + people
    seated = people[:SEATS]
    _bulk(Membership, [Membership(board=board, person=p, role=Membership.Role.CHAIR if n == 0 else
                                  Membership.Role.MEMBER, start=five_years_ago, order=n)
                       for n, p in enumerate(seated)])

    inspection = Inspection.objects.create(
        organisation=org, kind=Inspection.Kind.ILACS_FULL, title=f"ILACS inspection {tag}",
        slug=f"{SLUG_PREFIX}-{tag}-ilacs", authority=org.name, start_date=five_years_ago,
        end_date=five_years_ago + datetime.timedelta(days=12), published=five_years_ago + datetime.timedelta(days=40),
        overall_grade="inadequate")
    recommendations = _bulk(Recommendation, [Recommendation(
        inspection=inspection, code=f"R{n + 1}", kind=Recommendation.Kind.RECOMMENDATION, order=n,
        text=f"Improve {TOPICS[n % len(TOPICS)]} for children ({n + 1}).") for n in range(size.recommendations)])

    plans = _bulk(Plan, [Plan(
        organisation=org, title=f"{title} {tag}", slug=f"{SLUG_PREFIX}-{tag}-plan-{n + 1}", version="1.0",
        status=Plan.Status.APPROVED, start=five_years_ago + datetime.timedelta(days=30 * n),
        end=today + datetime.timedelta(days=365), board=board) for n, title in enumerate(PLAN_TITLES[:PLANS])])
    Inspected = Plan.inspections.through
    _bulk(Inspected, [Inspected(plan_id=p.pk, inspection_id=inspection.pk) for p in plans])

    themes = _bulk(Theme, [Theme(plan=p, number=str(t + 1), title=f"{TOPICS[t % len(TOPICS)].capitalize()}",
                                 order=t, what_we_mean=f"What we mean by {TOPICS[t % len(TOPICS)]}.")
                           for p in plans for t in range(size.themes_per_plan)])
    Leads = Theme.leads.through
    _bulk(Leads, [Leads(theme_id=t.pk, person_id=people[n % len(people)].pk) for n, t in enumerate(themes)])
    _bulk(ThemeRecommendation, [ThemeRecommendation(theme=themes[n % len(themes)], recommendation=r,
                                                    code_as_printed=r.code, order=n)
                                for n, r in enumerate(recommendations)])
    objectives = _bulk(Objective, [Objective(theme=t, number=f"{t.number}.{o + 1}", order=o,
                                             text=f"Objective {o + 1} of theme {t.number}")
                                   for t in themes for o in range(OBJECTIVES_PER_THEME)])

    plan_of = {p.pk: p for p in plans}
    actions = []
    for t_index, theme in enumerate(themes):
        start = plan_of[theme.plan_id].start
        for a in range(size.actions_per_theme):
            topic = TOPICS[(t_index + a) % len(TOPICS)]
            final = _weighted(rng, FINAL_MIX)
            # Complete actions were due some time in the past; the rest mostly ahead, about one in six overdue.
            due = (start + datetime.timedelta(days=rng.randint(180, (today - start).days)) if final == RAG.BLUE
                   else today + datetime.timedelta(days=rng.randint(-90, 450)))
            actions.append(Action(
                theme=theme, objective=objectives[t_index * OBJECTIVES_PER_THEME + a % OBJECTIVES_PER_THEME],
                reference=f"{theme.number}.{a % OBJECTIVES_PER_THEME + 1}.{a // OBJECTIVES_PER_THEME + 1}",
                activity=f"{VERBS[a % len(VERBS)]} {topic} across the service ({tag}-{t_index}-{a})",
                desired_outcome=f"Children benefit from better {topic}.", timeline=f"By {due:%B %Y}", due_date=due,
                lead=people[(t_index * 7 + a) % len(people)], order=a, added_on=start,
                version=1 + UPDATES_PER_ACTION))
            actions[-1].bench_final = final  # the latest update's rating (_updates)
    actions = _bulk(Action, actions)
    Answers = Action.recommendations.through
    _bulk(Answers, [Answers(action_id=actions[(n * 37 + k * 11) % len(actions)].pk, recommendation_id=r.pk)
                    for n, r in enumerate(recommendations) for k in range(ACTIONS_PER_RECOMMENDATION)])

    _updates(actions, people, today=today, rng=rng)
    _measures(plans, themes, people, size.measures_per_plan, today=today, rng=rng)
    _meetings(board, plans, people, size.meetings, today=today, five_years_ago=five_years_ago)


def _unusable(user):
    user.set_unusable_password()
    return user


def _updates(actions, people, *, today, rng):
    """Ten updates an action from its plan's start to today; the latest's rating follows FINAL_MIX, and Green
    is never given past the due date (plans.services.HonestRatingRule). The bulk of the rows: written as plain
    rows (_insert), not model instances, in batches."""
    user_of = {p.pk: p.user_id for p in people}
    rows = []
    for action in actions:
        span = (today - action.added_on).days
        final = action.bench_final
        topic = action.activity.split(" across")[0].lower()
        for k in range(UPDATES_PER_ACTION):
            # Evenly spread from the start, the latest within the last two months (some need an update).
            day = action.added_on + datetime.timedelta(days=span * (k + 1) // UPDATES_PER_ACTION - rng.randint(1, 60))
            rag = final if k == UPDATES_PER_ACTION - 1 else _weighted(rng, EARLY_MIX)
            if rag == RAG.GREEN and action.due_date < day:
                rag = RAG.AMBER
            when = _aware(day, 9 + k % 8)
            rows.append({
                "action_id": action.pk, "author_id": user_of[action.lead_id], "created_at": when, "recorded_at": when,
                "rag": rag.value,
                "narrative": f"Update {k + 1}: work to {topic} continues; the team met partners and reviewed the data.",
                "next_steps": "Report to the board." if k % 2 else "",
                "mitigation": "Extra capacity agreed with the service manager." if rag in (RAG.RED, RAG.AMBER) else "",
                "evidence": "Audit of 20 cases shows the change embedded." if rag == RAG.BLUE else "",
                "revised_due_date": action.due_date + datetime.timedelta(days=90) if rag == RAG.RED else None})
            if len(rows) >= BATCH:
                _insert(ProgressUpdate, rows)
                rows = []
    _insert(ProgressUpdate, rows)


def _insert(model, rows: list[dict]):
    """Insert plain rows (attname: value; fields left out take their default) without building model instances
    or Django's per-value SQL compilation, which cost most of the build: COPY on PostgreSQL, executemany
    elsewhere. For rows whose ids nobody needs back."""
    if not rows:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    ops = connection.ops
    adapters = {"DateTimeField": ops.adapt_datetimefield_value, "DateField": ops.adapt_datefield_value}
    prepare = [_remembered(adapters[f.get_internal_type()]) if f.get_internal_type() in adapters else None
               for f in fields]
    defaults = {f.attname: f.get_default() for f in fields}
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    values = [tuple(value if fn is None or value is None else fn(value)
                    for fn, value in zip(prepare, (row.get(f.attname, defaults[f.attname]) for f in fields),
                                         strict=True)) for row in rows]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            text = io.StringIO("".join("\t".join(_copy_text(v) for v in row) + "\n" for row in values))
            cursor.cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", text)
        else:
            marks = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", values)


def _remembered(adapt):
    """`adapt` remembering its answers: the rows share a few thousand distinct days and times."""
    answers = {}

    def remembered(value):
        if value not in answers:
            answers[value] = adapt(value)
        return answers[value]
    return remembered


def _copy_text(value) -> str:
    """One value in COPY's text format: \\N for NULL, t/f for booleans, backslash escapes in text."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    text = str(value)
    if any(c in text for c in "\\\t\n\r"):
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


def _measures(plans, themes, people, per_plan, *, today, rng):
    """Fifty (at full size) percentage measures a plan, each with twelve quarterly values up to the last quarter end."""
    themes_of = {}
    for theme in themes:
        themes_of.setdefault(theme.plan_id, []).append(theme)
    measures = _bulk(Measure, [Measure(
        plan=p, theme=themes_of[p.pk][m % len(themes_of[p.pk])], name=f"Measure {m + 1}: {TOPICS[m % len(TOPICS)]}",
        unit=Measure.Unit.PERCENT, polarity=Measure.Polarity.HIGHER if m % 3 else Measure.Polarity.LOWER,
        target=Decimal(70 + m % 20), tolerance=Decimal(5), frequency=Measure.Frequency.QUARTERLY,
        owner=people[m % len(people)], order=m) for p in plans for m in range(per_plan)])
    quarter_end = _quarter_end_before(today)
    periods = [quarter_end]
    for _ in range(VALUES_PER_MEASURE - 1):
        periods.append(_quarter_end_before(periods[-1] - datetime.timedelta(days=1)))
    values = []
    for measure in measures:
        level = rng.uniform(50, 95)
        for period in reversed(periods):
            level = min(100.0, max(0.0, level + rng.uniform(-6, 6)))
            values.append(MeasureValue(measure=measure, period_end=period, value=Decimal(f"{level:.1f}"),
                                       england=Decimal("72.0"), entered_at=_aware(min(
                                           period + datetime.timedelta(days=20), today))))
    _bulk(MeasureValue, values)


def _quarter_end_before(day: datetime.date) -> datetime.date:
    """The last quarter end on or before `day` (31 March, 30 June, 30 September, 31 December)."""
    for month, last in ((12, 31), (9, 30), (6, 30), (3, 31)):
        end = datetime.date(day.year, month, last)
        if end <= day:
            return end
    return datetime.date(day.year - 1, 12, 31)


def _meetings(board, plans, people, how_many, *, today, five_years_ago):
    """Quarterly meetings (20 at full size: the five years), the last one a fortnight ago, each with two agenda items naming
    plans and two action-log items."""
    starts = [today - datetime.timedelta(days=14 + 91 * n) for n in range(how_many)]
    meetings = _bulk(Meeting, [Meeting(board=board, start=_aware(day), venue="City Hall",
                                       papers_deadline=day - datetime.timedelta(days=7))
                               for day in sorted(starts) if day > five_years_ago])
    items = _bulk(AgendaItem, [AgendaItem(meeting=m, number=str(n + 1), order=n,
                                          title=f"Highlight report: {plans[(i + n) % len(plans)].title}")
                               for i, m in enumerate(meetings) for n in range(2)])
    Named = AgendaItem.plans.through
    _bulk(Named, [Named(agendaitem_id=item.pk, plan_id=plans[(i + k) % len(plans)].pk)
                  for i, item in enumerate(items) for k in range(2)])
    _bulk(LogItem, [LogItem(meeting=m, kind=LogItem.Kind.ACTION, owner=people[(i + n) % len(people)], order=n,
                            text=f"Bring the {TOPICS[(i + n) % len(TOPICS)]} figures to the next meeting.",
                            due_date=m.start.date() + datetime.timedelta(days=60),
                            status=LogItem.Status.DONE if i < len(meetings) - 2 else LogItem.Status.OPEN)
                    for i, m in enumerate(meetings) for n in range(2)])


def _find_pages(info: BenchInfo):
    """Organisation 0's objects the timed pages name: its first plan, an action of it to read and another to
    post updates to, its latest meeting and its inspection."""
    org = Organisation.objects.get(slug=f"{SLUG_PREFIX}-council-000")
    info.user = User.objects.get(username="bench-board")
    info.plan = Plan.objects.filter(organisation=org).order_by("slug").first()
    first_actions = list(Action.objects.filter(theme__plan=info.plan).order_by("pk")[:2])
    info.action, info.post_action = first_actions
    info.meeting = Meeting.objects.filter(board__organisation=org).order_by("-start").first()
    info.inspection = Inspection.objects.get(organisation=org)
