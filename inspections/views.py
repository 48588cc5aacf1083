"""The recommendation tracker: for one inspection, what answers each recommendation and how far it has got."""

import html

from django.shortcuts import get_object_or_404, render
from django.utils.safestring import SafeString, mark_safe

from plans.models import Plan
from plans.tables import pk_url_format
from plans.templatetags.dashboard import short_text
from plans.templatetags.rag import rag_tag

from .models import Inspection, Recommendation
from .querysets import ROUTE_LABELS, set_tracker_summary, tracker_rollup


def tracker(request, slug):
    """Queries: inspection, recommendations (finding, impact evidence), the actions linked directly and through an
    objective (one query each), the actions through a theme's code table (their ratings, then their themes with
    plans), measures (the roll-up and the inspection's summary are counted from those rows), the plans that name
    the inspection, and its findings."""
    user = request.user
    inspection = get_object_or_404(Inspection.objects.visible_to(user), slug=slug)
    recommendations = tracker_rollup(Recommendation.objects.visible_to(user).filter(inspection=inspection)
                                     .select_related("finding").order_by("order", "code"), user=user)
    set_tracker_summary(inspection, recommendations)
    rows = _ListedRows()
    for recommendation in recommendations:
        recommendation.listed_rows = [rows.row(action, routes) for action, routes in recommendation.links]
        recommendation.theme_summary_rows = [rows.theme_row(tally, recommendation) for tally in recommendation.theme_links]
    plans = list(Plan.objects.visible_to(user).filter(inspections=inspection).order_by("start", "pk"))
    findings = list(inspection.findings.order_by("number"))
    return render(request, "inspections/tracker.html", {
        "inspection": inspection, "recommendations": recommendations, "plans": plans, "findings": findings,
        "unmapped": inspection.mapped_count == 0,
        "no_action": [r for r in recommendations if r.no_action],
        "only_superseded": [r for r in recommendations if r.only_superseded],
        "complete_without_evidence": [r for r in recommendations if r.complete_without_evidence],
        "page_title": f"Recommendation tracker: {inspection.title}",
    })


def _html(template: str, *values) -> SafeString:
    """format_html's result (each value escaped as Django's escape does, safe strings as they are) without its lazy
    checks per value, a row's worth of time with hundreds of rows."""
    return mark_safe(template.format(*(value if isinstance(value, SafeString) else html.escape(str(value))
                                       for value in values)))


class _ListedRows:
    """The rows of the tracker's tables of listed actions and of themes, each row's HTML built by one _html
    (every value escaped): with hundreds of rows, a reverse() per row, the choice displays of each row's plan,
    truncatechars' walk over every activity and the template's lookups and tags per cell were well over half of
    the page's time."""

    ACTIVITY_CHARS = 160
    HTML = """
      <tr class="govuk-table__row">
        <th scope="row" class="govuk-table__header"><a class="govuk-link" href="{}">{}</a></th>
        <td class="govuk-table__cell">{}</td>
        <td class="govuk-table__cell">{}</td>
        <td class="govuk-table__cell">{}</td>
        <td class="govuk-table__cell">{}</td>
      </tr>"""

    THEME_HTML = """
      <tr class="govuk-table__row">
        <th scope="row" class="govuk-table__header">{}, {} {}: {}</th>
        <td class="govuk-table__cell govuk-table__cell--numeric">{}{}</td>
        <td class="govuk-table__cell">{}</td>
        <td class="govuk-table__cell"><a class="govuk-link" href="{}">View {} action{}<span \
class="govuk-visually-hidden"> of {} {} for {} in the action register</span></a></td>
      </tr>"""

    def __init__(self):
        self.action_url = pk_url_format("plans:action")
        self.words = {}  # plan pk: _plan_words(plan)

    def row(self, action, routes):
        theme = action.theme
        plan_words, part_word = self._plan_words(theme.plan)
        linked = []
        for route in routes:
            if route == "objective" and action.objective:
                linked.append(f"{ROUTE_LABELS[route]} {action.objective.number}")
            elif route == "theme":
                linked.append(f"{ROUTE_LABELS[route]} ({part_word} {theme.number})")
            else:
                linked.append(ROUTE_LABELS[route])
        return _html(self.HTML, self.action_url(action.pk), action.reference,
                     f"{plan_words}, {part_word} {theme.number}", short_text(action.activity, self.ACTIVITY_CHARS),
                     "; ".join(linked), rag_tag(action.current_rag))

    def theme_row(self, tally, recommendation):
        """A theme whose code table lists the recommendation: its actions' number and ratings (as words, with
        rag_tag), and the register filtered to them."""
        theme = tally.theme
        plan_words, part_word = self._plan_words(theme.plan)
        count = tally.action_count
        listed = f" ({tally.also_listed} also listed above)" if tally.also_listed else ""
        ratings = mark_safe(", ".join(f"{n} {rag_tag(rag)}" for rag, n in tally.counts))  # numbers and tags
        return _html(self.THEME_HTML, plan_words, part_word, theme.number, theme.title, count, listed, ratings,
                     tally.register_url, count, "" if count == 1 else "s", part_word, theme.number, recommendation.code)

    def _plan_words(self, plan):
        """(its title and status, its part word), worked out once per plan."""
        if plan.pk not in self.words:
            self.words[plan.pk] = (f"{plan.title} ({plan.get_status_display().lower()})",
                                   plan.get_part_word_display().lower())
        return self.words[plan.pk]
