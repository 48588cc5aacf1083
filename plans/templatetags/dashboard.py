"""Dashboard pieces for templates: RAG charts (ui.charts), movement words, measure-rating tags."""

import unicodedata

from django import template
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import stringfilter
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from plans.positions import MOVEMENT_ARROWS, Movement
from plans.rag import RAG, SEVERITY, TAG_CLASSES
from plans.templatetags.rag import rag_tag
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
def rag_bar(tally, title: str, subject=None, details=None):
    """A Tally (plans.positions) as the stacked RAG bar, worst first, the count written on each segment.
    `subject` (a theme) is named in the title so that each chart on the page has its own name; `details` is the
    id of the table holding the same figures when it is not beside the chart."""
    title = f"{title}: {subject}" if subject else title
    total = tally.total
    desc = f"{total} action{'s' if total != 1 else ''}. {_describe(tally.counts)}."
    return charts.stacked_bar(rag_segments(tally.counts), title=title, desc=desc, details=details)


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
def month_table_rows(points, theme=None):
    """The body rows of includes/month_table.html (month, then the counts worst first), built here rather than by
    a template loop: the dashboard prints thirteen such tables of up to sixty months, and the loop was a large
    share of its time. The markup is what the loop printed, whitespace included. Counts are whole numbers
    printed plainly (USE_THOUSAND_SEPARATOR is off, so the template printed them the same way)."""
    rows = month_rows(points, theme)
    html = []
    for i, (point, counts) in enumerate(rows):
        last = f" (to {date_filter(point.day, 'j M')})" if i == len(rows) - 1 else ""
        cells = "".join(f'<td class="govuk-table__cell govuk-table__cell--numeric">{int(count)}</td>'
                        for _rating, count in counts)
        html.append(f'\n    <tr class="govuk-table__row">\n      <th scope="row" class="govuk-table__header">'
                    f'{escape(point.label)}{escape(last)}</th>\n      {cells}\n    </tr>\n  ')
    return mark_safe("".join(html))  # every value above is escaped or a number


@register.filter(is_safe=True)
@stringfilter
def short_text(value, length):
    """What `truncatechars` prints, without building a Truncator for text that already fits (the dashboard's
    questions list hundreds of activities): Truncator returns such text NFC-normalised and otherwise unchanged."""
    length = int(length)
    text = unicodedata.normalize("NFC", value)
    return text if length > 0 and len(text) <= length else Truncator(value).chars(length)


# Six movements, six labels: made once.
_MOVEMENT_LABELS = {
    kind: format_html('<span class="app-movement app-movement--{}"><span aria-hidden="true">{}</span> {}</span>',
                      kind.value.replace("_", "-"), MOVEMENT_ARROWS[kind], kind.label)
    for kind in Movement
}


@register.simple_tag
def movement_label(kind):
    """An arrow (hidden from screen readers, which read the word) and the movement's word."""
    return _MOVEMENT_LABELS[Movement(kind)]


@register.simple_tag
def moved_table_rows(rows):
    """The body rows of the dashboard's "what moved" table (positions.MovementRow list): the action linked by its
    reference, its theme's number, its rating then and now, and the movement. Built here, not by a template loop,
    for the same reason as month_table_rows: a plan of hundreds of actions moves by the hundred between meetings."""
    html = []
    for row in rows:
        then = rag_tag(row.before) if row.before else "Not in the plan"
        html.append(format_html(
            '\n    <tr class="govuk-table__row">\n      <th scope="row" class="govuk-table__header">'
            '<a class="govuk-link" href="{}">{}</a></th>\n      <td class="govuk-table__cell">{}</td>\n'
            '      <td class="govuk-table__cell">{}</td>\n      <td class="govuk-table__cell">{}</td>\n'
            '      <td class="govuk-table__cell">{}</td>\n    </tr>\n  ',
            row.action.get_absolute_url(), row.action.reference, row.action.theme.number, then, rag_tag(row.after),
            _MOVEMENT_LABELS[row.kind]))
    return mark_safe("".join(html))  # each row is format_html's, every value escaped

