"""Dashboard pieces for templates: RAG charts (ui.charts), movement words, measure-rating tags."""

from django import template
from django.utils.html import format_html

from plans.positions import MOVEMENT_ARROWS, Movement
from plans.rag import RAG, SEVERITY, TAG_CLASSES
from ui import charts

register = template.Library()

# Each rating's pattern, so that no segment is told apart by colour alone (its word and number go with it).
RAG_PATTERNS = {RAG.RED: "diagonal", RAG.AMBER: "dots", RAG.NOT_RATED: "plain", RAG.GREEN: "horizontal",
                RAG.BLUE: "crosshatch"}


def rag_segments(counts: dict, order=SEVERITY) -> list:
    return [charts.Segment(rag.label, counts.get(rag, 0), TAG_CLASSES[rag], RAG_PATTERNS[rag]) for rag in order]


def _describe(counts: dict) -> str:
    return "; ".join(f"{rag.label}: {counts.get(rag, 0)}" for rag in SEVERITY)


@register.simple_tag
def rag_bar(tally, title: str, subject=None):
    """A Tally (plans.positions) as the stacked RAG bar, worst first, the count written on each segment.
    `subject` (a theme) is named in the title so that each chart on the page has its own name."""
    title = f"{title}: {subject}" if subject else title
    total = tally.total
    desc = f"{total} action{'s' if total != 1 else ''}. {_describe(tally.counts)}."
    return charts.stacked_bar(rag_segments(tally.counts), title=title, desc=desc)


def _theme_counts(point, theme):
    return point.themes.get(theme.pk, dict.fromkeys(RAG, 0)) if theme else point.plan


@register.simple_tag
def rag_months(points, title: str, theme=None):
    """The monthly mix (plans.positions.MonthPoint list) of the plan, or of one theme, as stacked columns."""
    title = f"{title}: {theme}" if theme else title
    bottom_up = list(reversed(SEVERITY))  # complete at the bottom, the worst on top where the eye lands
    columns = [(point.label, rag_segments(_theme_counts(point, theme), bottom_up)) for point in points]
    if points:
        first, last = points[0], points[-1]
        desc = (f"Actions by rating at the end of each month from {first.label} to {last.label} "
                f"(the last as at {last.day:%-d %B %Y}). Latest: {_describe(_theme_counts(last, theme))}.")
    else:
        desc = "No months to show: the plan's window has not started by this date."
    return charts.stacked_columns(columns, title=title, desc=desc)


@register.filter
def month_rows(points, theme=None):
    """[(point, [(rating, count), ...]), ...] for the data table beside a monthly chart, worst first."""
    return [(point, [(rag, _theme_counts(point, theme).get(rag, 0)) for rag in SEVERITY]) for point in points]


@register.simple_tag
def movement_label(kind):
    """An arrow (hidden from screen readers, which read the word) and the movement's word."""
    kind = Movement(kind)
    return format_html('<span class="app-movement app-movement--{}"><span aria-hidden="true">{}</span> {}</span>',
                       kind.value.replace("_", "-"), MOVEMENT_ARROWS[kind], kind.label)

