"""Small server-rendered SVG charts: a sparkline, a series chart, and the core that builds any chart.

Charts are data first, then SVG: callers compute plain numbers with a QuerySet method and pass them here.
Every chart is an `<svg role="img">` named by its `<title>` and `<desc>` (aria-labelledby), all text is
escaped, and no element carries an inline `style` (the CSP forbids them): colour comes from presentation
attributes or CSS classes, and nothing is told apart by colour alone (shapes, dashes, patterns, labels).
Pages always print the same figures as a table beside the chart.

The core (`element`, `svg_document`, `Scale`, `format_number`) is shared: dashboard charts build on it below.
"""

import functools
import itertools
from collections.abc import Iterable, Sequence
from decimal import Decimal
from html import escape as _escape  # what django.utils.html.escape does, without its lazy wrapper (hot here)

from django.utils.safestring import SafeString, mark_safe

_ids = itertools.count(1)


def new_id(prefix: str = "chart") -> str:
    """An id unique within the process, so two charts on one page never share their title's id."""
    return f"{prefix}-{next(_ids)}"


def element(tag: str, attrs: dict | None = None, *children: str) -> SafeString:
    """One SVG element. Attribute values and string children are escaped unless already safe; an
    attribute whose value is None or False is left out. `style` is refused (the CSP forbids it)."""
    parts = [tag]
    for name, value in (attrs or {}).items():
        if value is None or value is False:
            continue
        name = name.rstrip("_").replace("_", "-")  # class_ -> class, text_anchor -> text-anchor
        if name == "style":
            raise ValueError("Inline style attributes are not allowed: use presentation attributes or a class")
        parts.append(f'{name}="{_escape(str(value))}"')
    opening = " ".join(parts)
    if not children:
        return mark_safe(f"<{opening}/>")
    body = "".join(str(child) if isinstance(child, SafeString) else _escape(str(child)) for child in children)
    return mark_safe(f"<{opening}>{body}</{tag}>")


def text(x: float, y: float, content: str, **attrs) -> SafeString:
    """A text label (escaped)."""
    return element("text", {"x": _n(x), "y": _n(y), **attrs}, str(content))


def svg_document(*, title: str, desc: str, width: int, height: int, children: Iterable[str],
                 css_class: str = "app-chart", chart_id: str | None = None, details: str | None = None) -> SafeString:
    """The accessible outer `<svg role="img">`: named by its title and described by its desc. `details` is the id
    of the table elsewhere on the page that holds the chart's figures (aria-details), when it is not beside it."""
    chart_id = chart_id or new_id()
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    return element(
        "svg",
        {"xmlns": "http://www.w3.org/2000/svg", "id": chart_id, "class": css_class, "role": "img",
         "width": width, "height": height, "viewBox": f"0 0 {width} {height}",
         "aria-labelledby": f"{title_id} {desc_id}", "aria-details": details, "focusable": "false"},
        element("title", {"id": title_id}, title),
        element("desc", {"id": desc_id}, desc),
        *children,
    )


def format_number(value) -> str:
    """A figure as people read it: no trailing zeros, thousands separated ("1,234", "55.5")."""
    if value is None:
        return ""
    number = Decimal(str(value))
    if number == number.to_integral_value():
        return f"{int(number):,}"
    return f"{number.normalize():,f}"


def _n(value: float) -> str:
    """A coordinate with at most one decimal place, so the SVG stays small and stable."""
    rounded = round(float(value), 1)
    return str(int(rounded)) if rounded == int(rounded) else str(rounded)


class Scale:
    """A linear map from a data range onto a pixel range (a flat range maps to the middle)."""

    def __init__(self, low: float, high: float, out_low: float, out_high: float):
        self.low, self.high, self.out_low, self.out_high = float(low), float(high), float(out_low), float(out_high)

    def __call__(self, value) -> float:
        if self.high == self.low:
            return (self.out_low + self.out_high) / 2
        return self.out_low + (float(value) - self.low) * (self.out_high - self.out_low) / (self.high - self.low)


def nice_ticks(low: float, high: float, count: int = 4) -> list[float]:
    """Round tick values covering low..high (1, 2, 2.5 or 5 times a power of ten apart)."""
    low, high = float(low), float(high)
    if high == low:  # a flat series still gets an axis around its value
        low, high = (low - 1, high + 1) if low else (0.0, 1.0)
    raw = (high - low) / max(count, 1)
    # The power of ten by loop: simpler to read than logarithms.
    magnitude = 1.0
    while magnitude * 10 <= raw:
        magnitude *= 10
    while magnitude > raw:
        magnitude /= 10
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = (low // step) * step
    ticks, tick = [], start
    while tick < high + step * 0.999:
        ticks.append(round(tick, 10))
        tick += step
    return ticks


def _runs(positions: Sequence[tuple[float, float] | None]) -> list[list[tuple[float, float]]]:
    """Consecutive points without gaps: None breaks the line."""
    runs, current = [], []
    for point in positions:
        if point is None:
            if current:
                runs.append(current)
            current = []
        else:
            current.append(point)
    if current:
        runs.append(current)
    return runs


def _line(run: list[tuple[float, float]], css_class: str) -> SafeString:
    if len(run) == 1:
        x, y = run[0]
        return element("circle", {"cx": _n(x), "cy": _n(y), "r": 2, "class": css_class + "-point",
                                  "fill": "currentColor"})
    return element("polyline", {"points": " ".join(f"{_n(x)},{_n(y)}" for x, y in run), "class": css_class,
                                "fill": "none", "stroke": "currentColor", "stroke-width": 2,
                                "stroke-linejoin": "round", "stroke-linecap": "round"})


def sparkline(values: Sequence, *, title: str, desc: str, width: int = 120, height: int = 32) -> SafeString:
    """A small line of the values in order (None is a gap), the latest value marked with a dot.

    Decorative detail is left out on purpose: the page prints the figures in a table beside it."""
    pad = 3
    numbers = [float(v) for v in values if v is not None]
    children = []
    if numbers:
        xs = Scale(0, max(len(values) - 1, 1), pad, width - pad)
        ys = Scale(min(numbers), max(numbers), height - pad, pad)
        positions = [None if v is None else (xs(i) if len(values) > 1 else width / 2, ys(v))
                     for i, v in enumerate(values)]
        children = [_line(run, "app-chart__line") for run in _runs(positions)]
        last = positions[-1]
        if last is not None:
            children.append(element("circle", {"cx": _n(last[0]), "cy": _n(last[1]), "r": 3,
                                               "class": "app-chart__latest", "fill": "currentColor"}))
    return svg_document(title=title, desc=desc, width=width, height=height, children=children,
                        css_class="app-chart app-chart--sparkline")


def series_chart(points: Sequence[tuple[str, object]], *, title: str, desc: str, target=None,
                 width: int = 640, height: int = 260) -> SafeString:
    """A measure's whole series: a line with a square marker per period, labelled axes, and the target
    as a dashed line labelled "Target" (told apart by its dash and its label, not its colour)."""
    left, right, top, bottom = 56, 16, 16, 44
    values = [None if v is None else float(v) for _, v in points]
    numbers = [v for v in values if v is not None] + ([float(target)] if target is not None else [])
    children = []
    if numbers:
        ticks = nice_ticks(min(numbers), max(numbers))
        ys = Scale(ticks[0], ticks[-1], height - bottom, top)
        xs = Scale(0, max(len(points) - 1, 1), left + 8, width - right - 8)

        grid = [element("line", {"x1": left, "x2": width - right, "y1": _n(ys(t)), "y2": _n(ys(t)),
                                 "class": "app-chart__grid", "stroke": "currentColor", "stroke-opacity": "0.2"})
                for t in ticks]
        y_labels = [text(left - 6, ys(t) + 4, format_number(Decimal(str(t))), text_anchor="end",
                         class_="app-chart__axis-label") for t in ticks]
        children.append(element("g", {"class": "app-chart__y-axis", "aria-hidden": "true"}, *grid, *y_labels))

        # Label every period when they fit, otherwise an evenly spaced subset that keeps the latest.
        every = max(1, -(-len(points) * 64 // max(width - left - right, 1)))
        x_labels = [text(xs(i) if len(points) > 1 else (left + width - right) / 2, height - bottom + 18, label,
                         text_anchor="middle", class_="app-chart__axis-label")
                    for i, (label, _) in enumerate(points) if (len(points) - 1 - i) % every == 0]
        children.append(element("g", {"class": "app-chart__x-axis", "aria-hidden": "true"},
                                element("line", {"x1": left, "x2": width - right, "y1": height - bottom,
                                                 "y2": height - bottom, "stroke": "currentColor"}),
                                *x_labels))

        if target is not None:
            y = ys(float(target))
            children.append(element(
                "g", {"class": "app-chart__target"},
                element("line", {"x1": left, "x2": width - right, "y1": _n(y), "y2": _n(y), "stroke": "currentColor",
                                 "stroke-width": 2, "stroke-dasharray": "6 4"}),
                text(width - right, y - 5, f"Target {format_number(target)}", text_anchor="end",
                     class_="app-chart__target-label"),
            ))

        positions = [None if v is None else (xs(i) if len(points) > 1 else (left + width - right) / 2, ys(v))
                     for i, v in enumerate(values)]
        children.append(element("g", {"class": "app-chart__series"},
                                *[_line(run, "app-chart__line") for run in _runs(positions)],
                                *[element("rect", {"x": _n(p[0] - 3.5), "y": _n(p[1] - 3.5), "width": 7, "height": 7,
                                                   "class": "app-chart__marker", "fill": "currentColor"})
                                  for p in positions if p is not None]))
    else:
        children.append(text(width / 2, height / 2, "No values yet", text_anchor="middle",
                             class_="app-chart__empty"))
    return svg_document(title=title, desc=desc, width=width, height=height, children=children,
                        css_class="app-chart app-chart--series")


# Dashboard charts
# Segments are told apart by a pattern and a word as well as by colour: the caller gives each its colour
# class (for RAG, from plans.rag.TAG_CLASSES) and one of these patterns.
PATTERNS = ("plain", "diagonal", "dots", "horizontal", "crosshatch", "vertical")


class Segment:
    """One part of a stacked bar: a word, a count, a colour class and a pattern."""

    __slots__ = ("label", "value", "css_class", "pattern")

    def __init__(self, label: str, value: int, css_class: str = "", pattern: str = "plain"):
        self.label, self.value, self.css_class, self.pattern = label, value, css_class, pattern

    def __repr__(self):
        return f"Segment({self.label!r}, {self.value!r}, {self.css_class!r}, {self.pattern!r})"


def _pattern_defs(chart_id: str) -> SafeString:
    """One <pattern> per PATTERNS entry, drawn in currentColor (the segment's class sets it). The same markup for
    every chart but for its id: built once, with a stand-in for the id (escaping is character by character, so
    the escaped id can go in afterwards)."""
    return mark_safe(_pattern_defs_with(_ID_STAND_IN).replace(_ID_STAND_IN, _escape(chart_id)))


_ID_STAND_IN = "\x00chart-id\x00"


@functools.cache
def _pattern_defs_with(chart_id: str) -> str:
    marks = {
        "diagonal": [element("path", {"d": "M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4", "stroke": "currentColor",
                                      "stroke-width": 1.5})],
        "dots": [element("circle", {"cx": 2, "cy": 2, "r": 1.3, "fill": "currentColor"}),
                 element("circle", {"cx": 6, "cy": 6, "r": 1.3, "fill": "currentColor"})],
        "horizontal": [element("path", {"d": "M0,2 h8 M0,6 h8", "stroke": "currentColor", "stroke-width": 1.2})],
        "crosshatch": [element("path", {"d": "M0,0 l8,8 M8,0 l-8,8", "stroke": "currentColor", "stroke-width": 1})],
        "vertical": [element("path", {"d": "M2,0 v8 M6,0 v8", "stroke": "currentColor", "stroke-width": 1.2})],
    }
    return element("defs", {}, *[
        element("pattern", {"id": f"{chart_id}-{name}", "patternUnits": "userSpaceOnUse", "width": 8, "height": 8},
                *shapes)
        for name, shapes in marks.items()
    ])


def _segment(chart_id: str, segment: Segment, x: float, y: float, width: float, height: float, *,
             number: str | None = None, tooltip: str | None = None) -> SafeString:
    """A rectangle filled by its class's colour, overlaid with its pattern, with an optional number on it."""
    if segment.pattern not in PATTERNS:
        raise ValueError(f"Unknown pattern {segment.pattern!r}: use one of {', '.join(PATTERNS)}")
    # What element() would build, written out: a monthly chart has hundreds of segments, and building each
    # element from a dict of attributes was most of a dashboard's chart time. Text is escaped as element() does.
    box = f'x="{_n(x)}" y="{_n(y)}" width="{_n(width)}" height="{_n(height)}"'
    parts = [f"<title>{_escape(str(tooltip))}</title>"] if tooltip else []
    parts.append(f'<rect {box} class="app-chart__segment-fill"/>')
    if segment.pattern != "plain":
        parts.append(f'<rect {box} class="app-chart__segment-pattern" fill="{_escape(f"url(#{chart_id}-{segment.pattern})")}"/>')
    if number is not None:
        parts.append(text(x + width / 2, y + height / 2 + 5, number, text_anchor="middle",
                          class_="app-chart__segment-label"))
    css_class = _escape(" ".join(filter(None, ["app-chart__segment", segment.css_class])))
    return mark_safe(f'<g class="{css_class}">{"".join(parts)}</g>')


def _legend(chart_id: str, segments: Sequence[Segment], y: float, width: int, *, counts: bool) -> list[SafeString]:
    """Swatches with the same pattern and colour as the segments, each with its word (and count)."""
    items, x = [], 0.0
    for segment in segments:
        words = f"{segment.label}: {format_number(segment.value)}" if counts else segment.label
        step = 24 + 8 * len(words) + 16
        if x + step > width and x > 0:
            x, y = 0.0, y + 22
        items.append(_segment(chart_id, segment, x, y, 16, 16))
        items.append(text(x + 22, y + 13, words, class_="app-chart__legend-label"))
        x += step
    return items


def legend_height(segments: Sequence[Segment], width: int, *, counts: bool) -> int:
    rows, x = 1, 0.0
    for segment in segments:
        words = f"{segment.label}: {format_number(segment.value)}" if counts else segment.label
        step = 24 + 8 * len(words) + 16
        if x + step > width and x > 0:
            rows, x = rows + 1, 0.0
        x += step
    return rows * 22


def stacked_bar(segments: Sequence[Segment], *, title: str, desc: str, width: int = 640,
                bar_height: int = 36, min_segment: int = 32, details: str | None = None) -> SafeString:
    """A horizontal bar split into segments in the order given, the count written on each one, and a legend
    of words and counts below. Every segment with a count is at least `min_segment` wide so its number fits;
    the rest of the width is shared in proportion. Empty segments are left out of the bar, not the legend."""
    chart_id = new_id("bar")
    shown = [s for s in segments if s.value]
    total = sum(s.value for s in shown)
    children = [_pattern_defs(chart_id)]
    if total:
        spare = max(width - min_segment * len(shown), 0)
        x = 0.0
        for segment in shown:
            w = min(min_segment, width / len(shown)) + spare * segment.value / total
            children.append(_segment(chart_id, segment, x, 0, w, bar_height, number=format_number(segment.value),
                                     tooltip=f"{segment.label}: {format_number(segment.value)}"))
            x += w
    else:
        children.append(element("rect", {"x": 0, "y": 0, "width": width, "height": bar_height,
                                         "class": "app-chart__empty-bar", "fill": "none", "stroke": "currentColor"}))
        children.append(text(width / 2, bar_height / 2 + 5, "None", text_anchor="middle", class_="app-chart__empty"))
    children.extend(_legend(chart_id, segments, bar_height + 10, width, counts=True))
    height = bar_height + 10 + legend_height(segments, width, counts=True)
    return svg_document(title=title, desc=desc, width=width, height=height, children=children,
                        css_class="app-chart app-chart--stacked-bar", chart_id=chart_id, details=details)


def stacked_columns(columns: Sequence[tuple[str, Sequence[Segment]]], *, title: str, desc: str,
                    width: int = 640, plot_height: int = 180) -> SafeString:
    """One stacked column per period (label, segments bottom-up), on a count axis from zero, with a legend.
    Each segment names its period, word and count in a tooltip; the page prints the figures as a table."""
    chart_id = new_id("columns")
    left, bottom, top = 40, 28, 8
    children = [_pattern_defs(chart_id)]
    legend_segments = list(columns[0][1]) if columns else []
    highest = max((sum(s.value for s in segs) for _, segs in columns), default=0)
    if columns and highest:
        ticks = [t for t in nice_ticks(0, highest) if t == int(t)]  # counts: whole numbers on the axis
        ys = Scale(0, ticks[-1], top + plot_height, top)
        slot = (width - left) / len(columns)
        bar = max(min(slot * 0.7, 40), 1)
        children.append(element("g", {"class": "app-chart__y-axis", "aria-hidden": "true"},
                                *[element("line", {"x1": left, "x2": width, "y1": _n(ys(t)), "y2": _n(ys(t)),
                                                   "stroke": "currentColor", "stroke-opacity": "0.2"}) for t in ticks],
                                *[text(left - 6, ys(t) + 4, format_number(Decimal(str(t))), text_anchor="end",
                                       class_="app-chart__axis-label") for t in ticks]))
        every = max(1, -(-len(columns) * 80 // max(width - left, 1)))  # room for "Sep 2024" and a gap
        for i, (label, segments) in enumerate(columns):
            x, base = left + slot * i + (slot - bar) / 2, 0
            for segment in segments:
                if segment.value:
                    y_top, y_bottom = ys(base + segment.value), ys(base)
                    children.append(_segment(chart_id, segment, x, y_top, bar, y_bottom - y_top,
                                             tooltip=f"{label}: {segment.label} {format_number(segment.value)}"))
                    base += segment.value
            if (len(columns) - 1 - i) % every == 0:
                children.append(text(x + bar / 2, top + plot_height + 18, label, text_anchor="middle",
                                     class_="app-chart__axis-label"))
    else:
        children.append(text(width / 2, top + plot_height / 2, "Nothing to show yet", text_anchor="middle",
                             class_="app-chart__empty"))
    children.extend(_legend(chart_id, legend_segments, top + plot_height + bottom + 4, width, counts=False))
    height = top + plot_height + bottom + 4 + legend_height(legend_segments, width, counts=False)
    return svg_document(title=title, desc=desc, width=width, height=height, children=children,
                        css_class="app-chart app-chart--columns", chart_id=chart_id)
