"""Demonstration measure values: plausible, deterministic series for every measure, clearly marked.

The fixtures hold the measures as printed, with no invented figures. For the demo, seed() gives each measure
what it needs to be rated where the fixtures have none (a target, a tolerance, a polarity, a unit), naming each
such field in Measure.demo_fields, and 8 to 12 periods of values (MeasureValue.is_demo), each entered about 15
days after its period ended, inside its plan's live window, so past as-at views have values. The demo officer
owns a few measures of the live plan (also named in demo_fields). clear() removes exactly that: pages label
every demo value and demo setting "Demo data".
"""

import calendar
import datetime
import random
import zlib
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from .models import Measure, MeasureValue, Plan

LIVE_PLAN_SLUG = "improvement-plan-2022-24"
OFFICER_MEASURES = 4
ENTERED_AFTER = 15  # days after the period ends, give or take a day or two

# Plausible scales per unit: (low, high, decimal places, tolerance).
SCALES = {
    Measure.Unit.PERCENT: (35, 90, 1, Decimal("5")),
    Measure.Unit.NUMBER: (20, 400, 0, None),
    Measure.Unit.DAYS: (10, 90, 0, Decimal("5")),
    Measure.Unit.RATE_10K: (30, 120, 1, Decimal("5")),
    Measure.Unit.OTHER: (10, 100, 0, Decimal("5")),
}
# Words in a measure's name that say fewer is better, for a demo polarity where the plan prints none.
LOWER_IS_BETTER = ("re-referral", "rereferral", "repeat", "missing", "moves", "caseload", "agency staff",
                   "agency social", "vacanc",
                   "delay", "exclusion", "turnover", "days", "drift", "waiting", "sickness", "complaint", "overdue")
# The story each measure's series tells (chosen by a stable hash), so the demo shows every rating.
STORIES = ("green_held", "amber", "red", "improving", "green_held", "worsening", "amber", "improving")


def _stable(*parts) -> int:
    return zlib.crc32(":".join(str(p) for p in parts).encode())


def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _period_ends(frequency: str, last_entry: datetime.date, count: int) -> list[datetime.date]:
    """The `count` latest period ends (oldest first) whose value could have been entered by `last_entry`."""
    step = {Measure.Frequency.MONTHLY: 1, Measure.Frequency.ANNUAL: 12}.get(frequency, 3)
    latest = last_entry - datetime.timedelta(days=ENTERED_AFTER + 3)
    year, month = latest.year, latest.month
    if step == 3:
        month -= month % 3
    elif step == 12:
        year, month = (year, 3) if latest.month > 3 else (year - 1, 3)  # financial years end 31 March
    if month == 0:
        year, month = year - 1, 12
    ends = []
    while len(ends) < count:
        end = _month_end(year, month)
        if end <= latest:
            ends.append(end)
        month -= step
        while month <= 0:
            year, month = year - 1, month + 12
    return list(reversed(ends))


def _anchor(plan: Plan, today: datetime.date) -> datetime.date:
    """The last day a demo value may be entered: today for a live plan, the end of its window for history."""
    return min(today, plan.window_end) if plan.window_end else today


def _polarity(measure: Measure) -> str:
    name = measure.name.lower()
    return Measure.Polarity.LOWER if any(word in name for word in LOWER_IS_BETTER) else Measure.Polarity.HIGHER


def _unit(measure: Measure) -> str:
    name = measure.name.lower()
    return Measure.Unit.PERCENT if ("%" in name or "percent" in name or "proportion" in name) else Measure.Unit.NUMBER


def _series(rng: random.Random, story: str, count: int, low: float, high: float, better_up: bool) -> list[float]:
    """A path across the scale that tells the story in the measure's good direction, with a little noise."""
    span = high - low
    start = rng.uniform(low + span * 0.25, low + span * 0.55)
    change = {"improving": 0.3, "worsening": -0.15, "green_held": 0.12}.get(story, rng.uniform(-0.06, 0.06)) * span
    change *= 1 if better_up else -1
    return [min(max(start + change * index / max(count - 1, 1) + rng.uniform(-0.03, 0.03) * span, low), high)
            for index in range(count)]


def _quantise(value: float, places: int) -> Decimal:
    return Decimal(str(round(value, places))) if places else Decimal(int(round(value)))


def _target_for(story: str, values: list[Decimal], tolerance: Decimal, better_up: bool, places: int) -> Decimal:
    """A demo target that gives the story's rating on the latest value (Green twice running for green_held)."""
    last = values[-1]
    sign = 1 if better_up else -1
    worst_recent = min(values[-2:]) if better_up else max(values[-2:])
    target = {
        "green_held": worst_recent - sign * tolerance / 2,
        "amber": last + sign * tolerance / 2,
        "red": last + sign * tolerance * 3,
        "improving": last + sign * tolerance / 2,
        "worsening": last + sign * tolerance * 2,
    }[story]
    return target.quantize(Decimal(1)) if not places or abs(target) >= 10 else target.quantize(Decimal("0.1"))


def _statuses(rng: random.Random, count: int) -> list[str]:
    """Not met, then Partly met, then (for some) Met: the order delivery usually goes in."""
    not_met = rng.randint(1, count // 2)
    partly = rng.randint(1, count - not_met)
    met = count - not_met - partly
    return ["not_met"] * not_met + ["partly_met"] * partly + ["met"] * met


def clear() -> None:
    """Remove every demo value (and its history) and reset what seed() filled in on the measures."""
    MeasureValue.objects.filter(is_demo=True).delete()
    MeasureValue.history.filter(is_demo=True).delete()
    blank = {"target": None, "tolerance": None, "polarity": "", "unit": "", "owner": None}
    changed, fields = [], {"demo_fields"}
    for measure in Measure.objects.exclude(demo_fields=[]):
        for name in measure.demo_fields:
            if name in blank:
                setattr(measure, name, blank[name])
                fields.add(name)
        measure.demo_fields = []
        changed.append(measure)
    # bulk_update: the demo's own settings leave no trace in the measures' history
    Measure.objects.bulk_update(changed, sorted(fields))


@transaction.atomic
def seed(*, author, officer_person=None, today: datetime.date | None = None) -> str:
    """Replace the demo values with the same deterministic ones; returns a summary line."""
    clear()
    today = today or timezone.localdate()
    real = set(MeasureValue.objects.filter(is_demo=False).values_list("measure_id", flat=True).distinct())
    measures = list(Measure.objects.select_related("plan__superseded_by", "theme").order_by("plan", "pk"))
    values: list[MeasureValue] = []
    for measure in measures:
        rng = random.Random(_stable(measure.plan.slug, measure.theme.number if measure.theme else "", measure.name))
        story = STORIES[rng.randrange(len(STORIES))]
        demo = []
        if measure.kind == Measure.Kind.QUANTITATIVE:
            if not measure.unit:
                measure.unit = _unit(measure)
                demo.append("unit")
            if not measure.polarity:
                measure.polarity = _polarity(measure)
                demo.append("polarity")
        count = 8 + rng.randrange(5)
        ends = _period_ends(measure.frequency, _anchor(measure.plan, today), count)
        if measure.pk in real:
            ends = []  # never mix demo figures into a real series
        if measure.kind == Measure.Kind.QUALITATIVE:
            shown = [(None, status) for status in _statuses(rng, count)]
        else:
            low, high, places, unit_tolerance = SCALES.get(measure.unit, SCALES[Measure.Unit.NUMBER])
            better_up = measure.polarity != Measure.Polarity.LOWER
            figures = [_quantise(v, places) for v in _series(rng, story, count, low, high, better_up)]
            shown = [(figure, "") for figure in figures]
            if measure.polarity in (Measure.Polarity.HIGHER, Measure.Polarity.LOWER):
                tolerance = measure.tolerance
                if tolerance is None and measure.target is None:
                    tolerance = unit_tolerance or max(Decimal(1), (sum(figures) / len(figures) / 10).quantize(Decimal(1)))
                    measure.tolerance = tolerance
                    demo.append("tolerance")
                if measure.target is None:
                    target = _target_for(story, figures, tolerance or Decimal(1), better_up, places)
                    ceiling = Decimal(100) if measure.unit == Measure.Unit.PERCENT else target
                    measure.target = min(max(target, Decimal(0)), ceiling)
                    demo.append("target")
        measure.demo_fields = demo
        for end, (figure, status) in zip(ends, shown, strict=False):
            entered = end + datetime.timedelta(days=ENTERED_AFTER + rng.randint(-2, 2))
            value = MeasureValue(measure=measure, period_end=end, value=figure, status=status, is_demo=True,
                                 entered_by=author, note="Demo data: not a real figure.",
                                 entered_at=timezone.make_aware(datetime.datetime.combine(entered, datetime.time(10))))
            value._history_date = value.entered_at
            values.append(value)

    owned = _assign_officer(measures, officer_person)
    Measure.objects.bulk_update(measures, ["unit", "polarity", "target", "tolerance", "owner", "demo_fields"])
    MeasureValue.objects.bulk_create(values, batch_size=500)
    MeasureValue.history.bulk_history_create(values, batch_size=500, default_user=author,
                                             default_change_reason="Demo data")
    settings = sum(1 for m in measures if m.demo_fields)
    return (f"Demo measure values: {len(values)} values for {len({v.measure_id for v in values})} measures, marked "
            f"as demo data; demo targets or settings on {settings} measures; the demo officer owns {owned} "
            "measures of the live plan")


def _assign_officer(measures: list[Measure], person) -> int:
    """The demo officer owns the first unowned quantitative measure of each of the live plan's first themes."""
    if person is None:
        return 0
    live = [m for m in measures if m.plan.slug == LIVE_PLAN_SLUG] or [m for m in measures if m.plan.is_live]
    chosen, themes = [], set()
    for measure in live:
        if measure.owner_id is None and measure.kind == Measure.Kind.QUANTITATIVE and measure.theme_id not in themes:
            chosen.append(measure)
            themes.add(measure.theme_id)
        if len(chosen) == OFFICER_MEASURES:
            break
    for measure in chosen:
        measure.owner = person
        measure.demo_fields = [*measure.demo_fields, "owner"]
    return len(chosen)
