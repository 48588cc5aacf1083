"""The dashboard's SVG charts: named and described, numbers and words on them, patterns, never an inline style."""

import re

import pytest

from ui.charts import Segment, stacked_bar, stacked_columns


def segments(red=3, amber=0, green=5):
    return [Segment("Red", red, "govuk-tag--red", "diagonal"), Segment("Amber", amber, "govuk-tag--orange", "dots"),
            Segment("Green", green, "govuk-tag--green", "horizontal")]


def test_a_stacked_bar_writes_the_count_on_each_segment_and_a_legend_of_words():
    svg = str(stacked_bar(segments(), title="Actions by rating", desc="Red 3, Green 5"))
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert re.search(r'<title id="(bar-\d+)-title">Actions by rating</title><desc id="\1-desc">Red 3, Green 5</desc>', svg)
    assert re.findall(r'class="app-chart__segment-label">(\d+)<', svg) == ["3", "5"]  # Amber (0) is not drawn
    assert "Red: 3" in svg and "Amber: 0" in svg and "Green: 5" in svg  # but is in the legend
    assert " style=" not in svg


def test_every_drawn_segment_has_its_pattern_and_its_width_leaves_room_for_the_number():
    svg = str(stacked_bar(segments(red=1, green=99), title="t", desc="d", width=400, min_segment=32))
    widths = [float(w) for w in re.findall(r'<rect x="[\d.]+" y="0" width="([\d.]+)" height="36" '
                                           r'class="app-chart__segment-fill"', svg)]
    assert len(widths) == 2 and min(widths) >= 32 and abs(sum(widths) - 400) < 1
    chart = re.search(r'id="(bar-\d+)"', svg).group(1)
    assert f'fill="url(#{chart}-diagonal)"' in svg and f'fill="url(#{chart}-horizontal)"' in svg
    assert f'<pattern id="{chart}-diagonal"' in svg


def test_two_charts_never_share_ids():
    first, second = str(stacked_bar(segments(), title="a", desc="b")), str(stacked_bar(segments(), title="a", desc="b"))
    ids = re.findall(r' id="([^"]+)"', first) + re.findall(r' id="([^"]+)"', second)
    assert len(ids) == len(set(ids))


def test_an_empty_bar_says_none():
    svg = str(stacked_bar(segments(0, 0, 0), title="t", desc="d"))
    assert ">None</text>" in svg and "app-chart__segment-label" not in svg


def test_an_unknown_pattern_is_refused():
    with pytest.raises(ValueError, match="Unknown pattern"):
        stacked_bar([Segment("Red", 1, "", "zigzag")], title="t", desc="d")


def test_stacked_columns_stack_each_period_with_whole_number_ticks_and_tooltips():
    columns = [("Jan 2024", segments(1, 0, 0)), ("Feb 2024", segments(1, 1, 0))]
    svg = str(stacked_columns(columns, title="By month", desc="Two months"))
    assert "<title>Feb 2024: Amber 1</title>" in svg and "<title>Jan 2024: Red 1</title>" in svg
    ticks = re.findall(r'class="app-chart__axis-label">([\d.,]+)</text>', svg)
    assert ticks and all("." not in t for t in ticks)
    assert ">Jan 2024</text>" in svg and ">Feb 2024</text>" in svg
    assert " style=" not in svg


def test_stacked_columns_with_nothing_say_so():
    assert "Nothing to show yet" in str(stacked_columns([], title="t", desc="d"))
