"""Demonstration impact assessments for the live plan's strands: deterministic within a day, clearly marked.

Every row has ImpactAssessment.is_demo = True and texts starting "Demo data:", so clear() removes exactly what
seed() made. Seed after the demo measure values (plans.demo_measures): assessments cite them, and a strand
reaches Sustained only where SustainedImpactRule allows it on the day (else it stays at Evident).
"""

import datetime
import zlib

from django.utils import timezone

from .impact import Level, SustainedImpactRule
from .models import ImpactAssessment, Plan
from .services import record_impact_assessment

PLAN_SLUG = "improvement-plan-2022-24"
DEMO = "Demo data:"

# How each strand's impact grew over three assessments, picked by a stable hash of its number. One ladder is
# empty so the demo also shows a strand nobody has assessed yet.
LADDERS = [
    [Level.NOT_YET_EVIDENT, Level.EMERGING, Level.EVIDENT],
    [Level.NOT_YET_EVIDENT, Level.NOT_YET_EVIDENT, Level.EMERGING],
    [Level.EMERGING, Level.EVIDENT, Level.SUSTAINED],
    [Level.NOT_YET_EVIDENT, Level.EMERGING, Level.EMERGING],
    [Level.EMERGING, Level.EVIDENT, Level.EVIDENT],
    [],
]
RATIONALES = {
    Level.NOT_YET_EVIDENT: "The work has started but nothing yet shows a difference for children; the measures "
                           "have not moved.",
    Level.EMERGING: "Early signs in some teams: the cited measure is moving the right way and the latest audit "
                    "found better practice in about half the cases sampled.",
    Level.EVIDENT: "Children are better off: the cited measures are at or near target and audits and "
                   "children's feedback agree.",
    Level.SUSTAINED: "The improvement has held: the cited measure has been Green for its last two values and "
                     "practice audits confirm it is now routine.",
}
# The same judgements where no measure of the strand has a value to cite yet.
RATIONALES_WITHOUT_MEASURES = {
    Level.NOT_YET_EVIDENT: "The work has started but nothing yet shows a difference for children, and no measure "
                           "of this strand has a value yet.",
    Level.EMERGING: "Early signs in some teams: the latest audit found better practice in about half the cases "
                    "sampled. No measure of this strand has a value yet to confirm it.",
    Level.EVIDENT: "Children are better off: audits and children's feedback agree, though no measure of this "
                   "strand has a value yet.",
}
FINDINGS = "Demo data: monthly case file audit (not a real audit)."
VOICES = "Demo data: comments from the Children in Care Council and a family feedback survey (not real views)."


def _stable(*parts) -> int:
    return zlib.crc32(":".join(str(p) for p in parts).encode())


def assessment_dates(today: datetime.date) -> list[datetime.date]:
    """Three reviews: about eleven months, five months and three weeks before today."""
    return [today - datetime.timedelta(days=days) for days in (330, 150, 20)]


def clear() -> int:
    """Remove every demo impact assessment."""
    deleted, _ = ImpactAssessment.objects.filter(is_demo=True).delete()
    return deleted


def seed(*, author) -> list[ImpactAssessment]:
    """Record demo assessments for each strand of the live 2022-24 plan, through the service and its rules."""
    plan = Plan.objects.filter(slug=PLAN_SLUG).first()
    if plan is None:
        return []
    today = timezone.localdate()
    start = plan.window_start or datetime.date.min
    dates = [d for d in assessment_dates(today) if d >= start]
    made = []
    for theme in plan.themes.order_by("order"):
        measures = list(theme.measures.order_by("order", "pk"))
        ladder = LADDERS[_stable(plan.slug, theme.number) % len(LADDERS)]
        for day, level in zip(dates, ladder[-len(dates):] if dates else [], strict=False):
            streaks = SustainedImpactRule.streaks(measures, day)
            with_values = [s.measure for s in streaks if s.ratings]
            green_twice = [s.measure for s in streaks if s.green_twice]
            if level == Level.SUSTAINED and not green_twice:
                level = Level.EVIDENT  # never claim Sustained the rule would refuse
            cited = (green_twice[:1] + [m for m in with_values if m not in green_twice[:1]])[:2]
            if level == Level.NOT_YET_EVIDENT:
                cited = cited[:1]
            made.append(record_impact_assessment(
                theme=theme, author=author, level=level, assessed_on=day,
                rationale=f"{DEMO} {(RATIONALES if cited else RATIONALES_WITHOUT_MEASURES)[level]}", measures=cited,
                practice_findings=FINDINGS if level != Level.NOT_YET_EVIDENT else "",
                voices=VOICES if level in (Level.EVIDENT, Level.SUSTAINED) else "",
                is_demo=True, when=timezone.make_aware(datetime.datetime.combine(day, datetime.time(16, 0))),
            ))
    return made
