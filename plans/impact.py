"""Theme impact: how far a theme's intended impact for children is evidenced, on its own scale.

Impact is judged separately from delivery (the RAG of the theme's actions): a theme can deliver every
action and still change nothing for children. The two are always shown side by side, never merged.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError

from .measures import MeasureRagRule, MeasureRating
from .models import ImpactAssessment, Measure, MeasureValue
from .querysets import end_of_day

Level = ImpactAssessment.Level

# What each level means, shown wherever a level is chosen or read.
LEVEL_MEANINGS = {
    Level.NOT_YET_EVIDENT: "There is no evidence yet that children and families are better off: the work may be "
    "under way, but nothing shows a difference to their lives so far.",
    Level.EMERGING: "Early signs of a difference for some children, in some places: a measure starting to "
    "move, a practice audit or children's feedback that points the right way, not yet consistent.",
    Level.EVIDENT: "Clear evidence that children are better off: measures at or near target, supported by "
    "audit or practice findings and by what children and families say.",
    Level.SUSTAINED: "The difference has lasted: at least one cited measure has been Green for its last two "
    "values, and practice findings and children's views confirm it is now the norm.",
}


def level_meaning(level) -> str:
    return LEVEL_MEANINGS[Level(level)]


def level_choices_with_meanings():
    """(value, label, meaning) for each level, in order from Not yet evident to Sustained."""
    return [(value, label, LEVEL_MEANINGS[Level(value)]) for value, label in Level.choices]


@dataclass(frozen=True)
class MeasureStreak:
    """A measure's two latest values as known at a date, each rated by MeasureRagRule."""

    measure: Measure
    ratings: tuple  # newest first, at most two MeasureRating

    @property
    def green_twice(self) -> bool:
        return len(self.ratings) == 2 and all(r is MeasureRating.GREEN for r in self.ratings)


class CitedMeasuresRule:
    """An assessment cites as evidence only measures from the theme's own: a figure from another theme says
    nothing about whether this theme's children are better off."""

    @staticmethod
    def check(*, theme, measures):
        foreign = [m for m in measures if m.theme_id != theme.pk]
        if foreign:
            names = "; ".join(str(m) for m in foreign)
            raise ValidationError({"measures": f"Cite only this theme's own measures. Not in this theme: {names}"},
                                  code="measure_not_in_theme")


class SustainedImpactRule:
    """Sustained is refused unless at least one cited measure has been Green for its last two values.

    "Last two values" are the measure's two latest periods known at the assessment date: a period ending by
    then, with its figure entered by the end of that (London) day. Each is rated by MeasureRagRule.for_value,
    so a measure with no target ("No target") or a single value can never sustain impact on its own.
    """

    @staticmethod
    def streaks(measures, as_at) -> list[MeasureStreak]:
        """Each measure's two latest ratings as known at `as_at`: one query for all the measures."""
        measures = list(measures)
        values = (MeasureValue.objects.filter(measure__in=measures, period_end__lte=as_at,
                                              entered_at__lte=end_of_day(as_at))
                  .order_by("measure_id", "-period_end"))
        latest: dict[int, list] = {}
        for value in values:
            kept = latest.setdefault(value.measure_id, [])
            if len(kept) < 2:
                kept.append(value)
        return [MeasureStreak(m, tuple(MeasureRagRule.for_value(m, v) for v in latest.get(m.pk, [])))
                for m in measures]

    @classmethod
    def allows(cls, *, measures, as_at) -> bool:
        return any(streak.green_twice for streak in cls.streaks(measures, as_at))

    @classmethod
    def check(cls, *, level, measures, as_at):
        if Level(level) != Level.SUSTAINED:
            return
        if not cls.allows(measures=measures, as_at=as_at):
            raise ValidationError(
                {"level": "Sustained needs at least one cited measure that has been Green for its last two values "
                          f"as known on {as_at:%-d %B %Y}. Cite such a measure, or choose Evident."},
                code="sustained_needs_green_twice",
            )


class EvidenceCitedRule:
    """Any level above Not yet evident cites its evidence: a measure, audit or practice findings, or
    children's and families' views. A claim of impact with nothing behind it cannot be challenged."""

    @staticmethod
    def check(*, level, measures, practice_findings, voices):
        if Level(level) == Level.NOT_YET_EVIDENT:
            return
        if not (list(measures) or practice_findings.strip() or voices.strip()):
            raise ValidationError(
                {"measures": f"{Level(level).label} needs evidence: cite a measure, audit or practice findings, "
                             "or children's and families' views"},
                code="evidence_required",
            )
