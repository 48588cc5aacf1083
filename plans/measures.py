"""The rules that rate a measure's value against its target and read its direction of travel.

Each rule is a named class whose docstring states it. The same rules exist as QuerySet annotations
(plans.querysets.MeasureQuerySet) for dashboards and query budgets; tests prove the two agree.
"""

from decimal import Decimal
from enum import Enum

from django.utils.html import format_html

from ui.charts import format_number

from .models import Measure, MeasureValue
from .rag import RAG, TAG_CLASSES


class MeasureRating(Enum):
    """A measure's rating: the product's RAG scale, plus "No target" (grey) where there is nothing to rate
    against. Blue (complete) is for actions only."""

    NOT_RATED = RAG.NOT_RATED.value
    RED = RAG.RED.value
    AMBER = RAG.AMBER.value
    GREEN = RAG.GREEN.value
    NO_TARGET = "no_target"

    @property
    def label(self):
        return "No target" if self is MeasureRating.NO_TARGET else RAG(self.value).label


QUALITATIVE_RATINGS = {
    MeasureValue.Status.MET: MeasureRating.GREEN,
    MeasureValue.Status.PARTLY_MET: MeasureRating.AMBER,
    MeasureValue.Status.NOT_MET: MeasureRating.RED,
}

# Qualitative statuses in order, worst first, for the direction of travel.
QUALITATIVE_ORDER = [MeasureValue.Status.NOT_MET, MeasureValue.Status.PARTLY_MET, MeasureValue.Status.MET]


class MeasureRagRule:
    """Green on or beyond target; Amber when short of target by no more than the tolerance (the edge is
    inclusive: a shortfall equal to the tolerance is Amber); Red beyond that; a target with no tolerance
    makes anything short Red; no target, or context only, gives no RAG ("No target", grey); qualitative
    Met / Partly met / Not met are Green / Amber / Red; no value is Not yet rated."""

    @staticmethod
    def rate(*, kind: str, polarity: str, target: Decimal | None, tolerance: Decimal | None,
             value: Decimal | None, status: str = "") -> MeasureRating:
        if kind == Measure.Kind.QUALITATIVE:
            return QUALITATIVE_RATINGS.get(status, MeasureRating.NOT_RATED) if status else MeasureRating.NOT_RATED
        if value is None:
            return MeasureRating.NOT_RATED
        if target is None or polarity not in (Measure.Polarity.HIGHER, Measure.Polarity.LOWER):
            return MeasureRating.NO_TARGET
        shortfall = (target - value) if polarity == Measure.Polarity.HIGHER else (value - target)
        if shortfall <= 0:
            return MeasureRating.GREEN
        if tolerance is not None and shortfall <= tolerance:
            return MeasureRating.AMBER
        return MeasureRating.RED

    @classmethod
    def for_value(cls, measure: Measure, value: MeasureValue | None) -> MeasureRating:
        if value is None:
            return cls.rate(kind=measure.kind, polarity=measure.polarity, target=measure.target,
                            tolerance=measure.tolerance, value=None)
        return cls.rate(kind=measure.kind, polarity=measure.polarity, target=measure.target,
                        tolerance=measure.tolerance, value=value.value, status=value.status)


class Direction(Enum):
    IMPROVING = "improving", "Improving", "↑"
    NO_CHANGE = "no_change", "No change", "→"
    WORSENING = "worsening", "Worsening", "↓"
    UP = "up", "Up", "↑"
    DOWN = "down", "Down", "↓"
    NO_PREVIOUS = "no_previous", "No previous value", "–"

    def __init__(self, code, label, arrow):
        self.code, self.label, self.arrow = code, label, arrow


class DirectionOfTravelRule:
    """Direction of travel against the previous stored value: Improving, No change, Worsening by polarity;
    context-only measures (and measures with no polarity) say Up, Down, No change without good or bad; a
    first value says No previous value; qualitative order is Not met < Partly met < Met."""

    @staticmethod
    def read(*, kind: str, polarity: str, current: Decimal | str | None,
             previous: Decimal | str | None) -> Direction:
        if current in (None, "") or previous in (None, ""):
            return Direction.NO_PREVIOUS
        if kind == Measure.Kind.QUALITATIVE:
            change = QUALITATIVE_ORDER.index(current) - QUALITATIVE_ORDER.index(previous)
            return Direction.IMPROVING if change > 0 else Direction.WORSENING if change < 0 else Direction.NO_CHANGE
        if current == previous:
            return Direction.NO_CHANGE
        up = current > previous
        if polarity == Measure.Polarity.HIGHER:
            return Direction.IMPROVING if up else Direction.WORSENING
        if polarity == Measure.Polarity.LOWER:
            return Direction.WORSENING if up else Direction.IMPROVING
        return Direction.UP if up else Direction.DOWN


# Showing ratings and figures --------------------------------------------------------------------------

# "No target" is grey like Not yet rated: colours come only from the one RAG place.
_RATING_TAG_CLASSES = {rating: TAG_CLASSES[RAG(rating.value)] for rating in MeasureRating
                       if rating is not MeasureRating.NO_TARGET} | {MeasureRating.NO_TARGET: TAG_CLASSES[RAG.NOT_RATED]}


def rating_of(value) -> MeasureRating:
    """A MeasureRating from itself, its value ("no_target") or nothing (Not yet rated)."""
    if isinstance(value, MeasureRating):
        return value
    return MeasureRating(value or MeasureRating.NOT_RATED.value)


def rating_tag_html(rating) -> str:
    """A GOV.UK tag with the rating's word and its colour (never colour alone): grey for No target."""
    rating = rating_of(rating)
    return format_html('<strong class="govuk-tag {} app-rag-tag">{}</strong>', _RATING_TAG_CLASSES[rating],
                       rating.label)


DIRECTIONS = {direction.code: direction for direction in Direction}


def direction_of(value) -> Direction:
    """A Direction from itself or its code (nothing is No previous value)."""
    if isinstance(value, Direction):
        return value
    return DIRECTIONS.get(value or "", Direction.NO_PREVIOUS)


def direction_html(value) -> str:
    """The direction as an arrow and its word: the arrow is decoration, the word carries the meaning."""
    direction = direction_of(value)
    return format_html('<span class="app-direction app-direction--{}"><span aria-hidden="true">{}</span> {}</span>',
                       direction.code.replace("_", "-"), direction.arrow, direction.label)


UNIT_SUFFIXES = {Measure.Unit.PERCENT: "%", Measure.Unit.DAYS: " days", Measure.Unit.RATE_10K: " per 10,000 children"}


def format_value(measure: Measure, value: Decimal | None = None, status: str = "") -> str:
    """A figure with its unit as people read it ("55.5%", "12 days"), or the status word of a qualitative value;
    "" when there is none."""
    if status:
        return MeasureValue.Status(status).label
    if value is None:
        return ""
    shown = format_number(value)
    if measure.unit == Measure.Unit.OTHER and measure.unit_label:
        return f"{shown} {measure.unit_label}"
    return shown + UNIT_SUFFIXES.get(measure.unit, "")


def unit_label(measure: Measure) -> str:
    """The unit in words, for column headings and exports."""
    if measure.kind == Measure.Kind.QUALITATIVE:
        return "Status"
    if measure.unit == Measure.Unit.OTHER:
        return measure.unit_label or "Other"
    return measure.get_unit_display() if measure.unit else ""
