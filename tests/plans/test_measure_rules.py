"""The measure rules (RAG against target, direction of travel) as Python and as SQL: they must agree."""

import datetime
from decimal import Decimal

import pytest

from plans.measures import (
    Direction,
    DirectionOfTravelRule,
    MeasureRagRule,
    MeasureRating,
    direction_html,
    rating_tag_html,
)
from plans.models import Measure
from tests import factories as f

D = Decimal
Q = "quantitative"

# (kind, polarity, target, tolerance, values oldest first, expected rating, expected direction)
GRID = [
    # Higher is better.
    (Q, "higher", D("60"), D("5"), [D("50"), D("61")], MeasureRating.GREEN, Direction.IMPROVING),
    (Q, "higher", D("60"), D("5"), [D("61"), D("60")], MeasureRating.GREEN, Direction.WORSENING),  # exactly at target
    (Q, "higher", D("60"), D("5"), [D("55")], MeasureRating.AMBER, Direction.NO_PREVIOUS),  # at the edge, first value
    (Q, "higher", D("60"), D("5"), [D("54.9999")], MeasureRating.RED, Direction.NO_PREVIOUS),  # just beyond the edge
    (Q, "higher", D("60"), None, [D("59.9"), D("59.9")], MeasureRating.RED, Direction.NO_CHANGE),  # no tolerance
    (Q, "higher", D("1.1"), D("0.3"), [D("0.8")], MeasureRating.AMBER, Direction.NO_PREVIOUS),  # float-unsafe edge
    # Lower is better.
    (Q, "lower", D("20"), D("2"), [D("25"), D("19")], MeasureRating.GREEN, Direction.IMPROVING),
    (Q, "lower", D("20"), D("2"), [D("18"), D("20")], MeasureRating.GREEN, Direction.WORSENING),  # exactly at target
    (Q, "lower", D("20"), D("2"), [D("22")], MeasureRating.AMBER, Direction.NO_PREVIOUS),  # at the edge
    (Q, "lower", D("20"), D("2"), [D("22.5"), D("22.0001")], MeasureRating.RED, Direction.IMPROVING),
    (Q, "lower", D("20"), None, [D("20.5")], MeasureRating.RED, Direction.NO_PREVIOUS),  # no tolerance
    (Q, "lower", D("0.3"), D("0.1"), [D("0.4")], MeasureRating.AMBER, Direction.NO_PREVIOUS),
    # No target, context only, no polarity.
    (Q, "higher", None, None, [D("10"), D("12")], MeasureRating.NO_TARGET, Direction.IMPROVING),
    (Q, "context", D("10"), D("1"), [D("12"), D("10")], MeasureRating.NO_TARGET, Direction.DOWN),
    (Q, "context", None, None, [D("10"), D("12")], MeasureRating.NO_TARGET, Direction.UP),
    (Q, "context", None, None, [D("10"), D("10")], MeasureRating.NO_TARGET, Direction.NO_CHANGE),
    (Q, "", D("10"), None, [D("9"), D("8")], MeasureRating.NO_TARGET, Direction.DOWN),
    # Missing values.
    (Q, "higher", D("60"), D("5"), [], MeasureRating.NOT_RATED, Direction.NO_PREVIOUS),
    (Q, "context", None, None, [], MeasureRating.NOT_RATED, Direction.NO_PREVIOUS),
    # Qualitative series: Not met < Partly met < Met.
    ("qualitative", "", None, None, ["not_met", "partly_met"], MeasureRating.AMBER, Direction.IMPROVING),
    ("qualitative", "", None, None, ["met", "not_met"], MeasureRating.RED, Direction.WORSENING),
    ("qualitative", "", None, None, ["met", "met"], MeasureRating.GREEN, Direction.NO_CHANGE),
    ("qualitative", "", None, None, ["partly_met"], MeasureRating.AMBER, Direction.NO_PREVIOUS),
    ("qualitative", "", None, None, [], MeasureRating.NOT_RATED, Direction.NO_PREVIOUS),
]


def make(kind, polarity, target, tolerance, values, **fields):
    measure = f.MeasureFactory(kind=kind, polarity=polarity, target=target, tolerance=tolerance, **fields)
    for index, value in enumerate(values):
        fields = {"status": value, "value": None} if kind == "qualitative" else {"value": value}
        f.MeasureValueFactory(measure=measure, period_end=datetime.date(2024, 3, 31) + datetime.timedelta(91 * index),
                              **fields)
    return measure


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "polarity", "target", "tolerance", "values", "rating", "direction"), GRID)
def test_the_python_rules_and_the_sql_annotation_agree(kind, polarity, target, tolerance, values, rating, direction):
    measure = make(kind, polarity, target, tolerance, values)
    current = values[-1] if values else None
    previous = values[-2] if len(values) > 1 else None
    qualitative = kind == "qualitative"
    python_rating = MeasureRagRule.rate(kind=kind, polarity=polarity, target=target, tolerance=tolerance,
                                        value=None if qualitative else current,
                                        status=current if qualitative and current else "")
    python_direction = DirectionOfTravelRule.read(kind=kind, polarity=polarity, current=current, previous=previous)
    row = Measure.objects.with_latest().get(pk=measure.pk)
    assert python_rating is rating
    assert python_direction is direction
    assert row.measure_rag == rating.value
    assert row.direction == direction.code


@pytest.mark.django_db
def test_with_latest_annotates_the_latest_and_previous_values():
    measure = make(Q, "higher", D("60"), D("5"), [D("40"), D("50"), D("57.5")])
    row = Measure.objects.with_latest().get(pk=measure.pk)
    assert (row.latest_value, row.previous_value) == (D("57.5"), D("50"))
    assert row.latest_period_end == datetime.date(2024, 9, 29)
    assert row.previous_period_end == datetime.date(2024, 6, 30)
    assert row.latest_entered_at.date() == datetime.date(2024, 10, 14)
    assert row.latest_is_demo is False


@pytest.mark.django_db
def test_as_at_a_day_only_values_entered_by_its_end_in_london_count():
    measure = f.MeasureFactory(target=D("60"), tolerance=D("5"))
    f.MeasureValueFactory(measure=measure, period_end=datetime.date(2024, 3, 31), value=D("40"),
                          entered_at=datetime.datetime(2024, 4, 15, 9, tzinfo=datetime.UTC))
    # 23:30 on 14 July, London summer time, is 22:30 UTC: known by the end of 14 July in London.
    f.MeasureValueFactory(measure=measure, period_end=datetime.date(2024, 6, 30), value=D("58"),
                          entered_at=datetime.datetime(2024, 7, 14, 22, 30, tzinfo=datetime.UTC))
    # 00:30 on 15 July in London is 23:30 UTC on the 14th: not known by the end of 14 July.
    f.MeasureValueFactory(measure=measure, period_end=datetime.date(2024, 9, 30), value=D("61"),
                          entered_at=datetime.datetime(2024, 10, 14, 23, 30, tzinfo=datetime.UTC))
    at = {day: Measure.objects.with_latest(as_at=day).get(pk=measure.pk) for day in
          (datetime.date(2024, 4, 14), datetime.date(2024, 7, 14), datetime.date(2024, 10, 14),
           datetime.date(2024, 10, 15))}
    assert at[datetime.date(2024, 4, 14)].measure_rag == "not_rated"
    july = at[datetime.date(2024, 7, 14)]
    assert (july.latest_value, july.previous_value, july.measure_rag, july.direction) == (D("58"), D("40"), "amber",
                                                                                          "improving")
    assert at[datetime.date(2024, 10, 14)].latest_value == D("58")
    assert at[datetime.date(2024, 10, 15)].measure_rag == "green"


@pytest.mark.django_db
def test_rag_mix_counts_each_themes_measures_by_rating_in_one_query(django_assert_num_queries):
    theme, other = f.ThemeFactory(), f.ThemeFactory()
    for kind, polarity, target, values in [(Q, "higher", D("60"), [D("70")]), (Q, "higher", D("60"), [D("10")]),
                                           (Q, "higher", None, [D("10")]), (Q, "higher", D("60"), [])]:
        make(kind, polarity, target, None, values, theme=theme)
    make("qualitative", "", None, None, ["partly_met"], theme=other)
    with django_assert_num_queries(1):
        mix = {row["theme"]: row for row in Measure.objects.filter(theme__in=[theme, other]).rag_mix()}
    assert mix[theme.pk] == {"theme": theme.pk, "measure_count": 4, "not_rated_count": 1, "red_count": 1,
                             "amber_count": 0, "green_count": 1, "no_target_count": 1}
    assert mix[other.pk]["amber_count"] == 1 and mix[other.pk]["measure_count"] == 1


def test_a_rating_tag_has_the_word_and_the_rag_colour_and_no_target_is_grey():
    assert rating_tag_html(MeasureRating.RED) == '<strong class="govuk-tag govuk-tag--red app-rag-tag">Red</strong>'
    assert "govuk-tag--grey" in rating_tag_html("no_target") and "No target" in rating_tag_html("no_target")
    assert "Not yet rated" in rating_tag_html(None)
    assert "govuk-tag--orange" in rating_tag_html("amber") and "Amber" in rating_tag_html("amber")


def test_a_direction_shows_an_arrow_and_its_word():
    html = direction_html("worsening")
    assert "↓" in html and "Worsening" in html and 'aria-hidden="true"' in html
    assert "No previous value" in direction_html(None)
