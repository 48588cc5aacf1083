"""The shared SVG helper: accessible, escaped, no inline styles, gaps where values are missing."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.utils.safestring import SafeString

from ui import charts

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg):
    return ET.fromstring(str(svg))


def test_a_sparkline_is_an_image_named_by_its_title_and_desc():
    svg = charts.sparkline([1, 2, 3], title="Children seen", desc="Rising from 1 to 3")
    assert isinstance(svg, SafeString)
    root = parse(svg)
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby").split()
    assert root.find(f"{SVG}title").get("id") == title_id
    assert root.find(f"{SVG}title").text == "Children seen"
    assert root.find(f"{SVG}desc").get("id") == desc_id
    assert root.find(f"{SVG}desc").text == "Rising from 1 to 3"


def test_every_text_is_escaped():
    svg = charts.series_chart([("<b>Q1</b>", 1), ("Q2 & more", 2)], title='A "quoted" <title>',
                              desc="<script>alert(1)</script>", target=2)
    assert "<script>" not in svg and "<b>" not in svg
    root = parse(svg)  # still well-formed XML
    assert root.find(f"{SVG}title").text == 'A "quoted" <title>'
    labels = [t.text for t in root.iter(f"{SVG}text")]
    assert "<b>Q1</b>" in labels and "Q2 & more" in labels


def test_no_chart_carries_an_inline_style():
    for svg in (charts.sparkline([1, None, 3], title="t", desc="d"),
                charts.series_chart([("a", 1), ("b", None), ("c", 3)], title="t", desc="d", target=2),
                charts.series_chart([], title="t", desc="d")):
        assert "style=" not in svg


def test_the_core_refuses_a_style_attribute():
    with pytest.raises(ValueError):
        charts.element("rect", {"style": "fill: red"})


def test_none_values_break_the_sparkline_into_separate_runs():
    root = parse(charts.sparkline([1, 2, None, 4, 5, 6], title="t", desc="d"))
    lines = root.findall(f"{SVG}polyline")
    assert [len(line.get("points").split()) for line in lines] == [2, 3]


def test_a_lone_value_between_gaps_is_drawn_as_a_point():
    root = parse(charts.sparkline([None, 3, None], title="t", desc="d"))
    assert not root.findall(f"{SVG}polyline")
    assert root.findall(f"{SVG}circle")


def test_the_latest_value_is_marked_and_higher_values_are_drawn_higher():
    root = parse(charts.sparkline([10, 20], title="t", desc="d", width=100, height=40))
    first, second = root.find(f"{SVG}polyline").get("points").split()
    assert float(second.split(",")[1]) < float(first.split(",")[1])  # SVG y grows downwards
    assert root.find(f"{SVG}circle").get("class") == "app-chart__latest"
    assert root.get("width") == "100" and root.get("viewBox") == "0 0 100 40"


def test_an_empty_or_all_missing_sparkline_still_names_itself():
    root = parse(charts.sparkline([None, None], title="No values", desc="No values recorded"))
    assert root.find(f"{SVG}title").text == "No values"
    assert not root.findall(f"{SVG}polyline")


def test_two_charts_never_share_ids():
    one, two = charts.sparkline([1], title="a", desc="a"), charts.sparkline([1], title="a", desc="a")
    assert parse(one).get("id") != parse(two).get("id")


def test_the_series_chart_labels_periods_and_the_target_in_words():
    root = parse(charts.series_chart([("Mar 2025", 40), ("Jun 2025", 50)], title="t", desc="d", target=55))
    labels = [t.text for t in root.iter(f"{SVG}text")]
    assert "Mar 2025" in labels and "Jun 2025" in labels
    assert "Target 55" in labels
    target_line = root.find(f"{SVG}g[@class='app-chart__target']/{SVG}line")
    assert target_line.get("stroke-dasharray")  # told apart by its dash, not its colour
    assert len(root.findall(f".//{SVG}rect[@class='app-chart__marker']")) == 2


def test_the_series_chart_scale_includes_the_target():
    root = parse(charts.series_chart([("a", 10), ("b", 12)], title="t", desc="d", target=90))
    ticks = [float(t.text.replace(",", "")) for t in root.iter(f"{SVG}text")
             if re.fullmatch(r"[\d,.\-]+", t.text or "")]
    assert max(ticks) >= 90 and min(ticks) <= 10


def test_a_series_with_no_values_says_so():
    root = parse(charts.series_chart([("a", None)], title="t", desc="d"))
    assert "No values yet" in [t.text for t in root.iter(f"{SVG}text")]


@pytest.mark.parametrize(("value", "shown"), [(1234, "1,234"), (55.50, "55.5"), ("7.000", "7"), (None, "")])
def test_figures_are_formatted_as_people_read_them(value, shown):
    assert charts.format_number(value) == shown


def test_ticks_are_round_and_cover_the_range():
    assert charts.nice_ticks(0, 100) == [0, 25, 50, 75, 100]
    ticks = charts.nice_ticks(43.2, 57.9)
    assert ticks[0] <= 43.2 and ticks[-1] >= 57.9
    assert charts.nice_ticks(5, 5)[0] < 5 < charts.nice_ticks(5, 5)[-1]


def test_a_chart_whose_figures_are_in_a_table_elsewhere_points_to_it_with_aria_details():
    segments = [charts.Segment("Red", 2, "govuk-tag--red", "diagonal"), charts.Segment("Green", 1, "", "horizontal")]
    root = parse(charts.stacked_bar(segments, title="t", desc="d", details="themes-table"))
    assert root.get("aria-details") == "themes-table" and root.get("role") == "img"
    assert parse(charts.stacked_bar(segments, title="t", desc="d")).get("aria-details") is None
