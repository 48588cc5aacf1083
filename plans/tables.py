import datetime

import django_tables2 as tables
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from governance.templatetags.restricted import restricted_tag

from .querysets import rag_severity
from .rag import RAG, TAG_CLASSES


def rag_tag_html(value):
    rating = RAG(value or RAG.NOT_RATED)
    return format_html('<strong class="govuk-tag {} app-rag-tag">{}</strong>', TAG_CLASSES[rating], rating.label)


class DateColumn(tables.Column):
    """A date (a datetime in local time) formatted as the template filter `date` does, without compiling a
    template for every cell as django-tables2's DateColumn (a TemplateColumn) does: that was a tenth of the
    register's time."""

    def __init__(self, format, **kwargs):
        self.format = format
        super().__init__(**kwargs)

    def render(self, value):
        if isinstance(value, datetime.datetime) and timezone.is_aware(value):
            value = timezone.localtime(value)
        return date_filter(value, self.format)


class RAGColumn(tables.Column):
    """A current RAG rating as a word-and-colour tag, sorted worst first (rag.SEVERITY), not by the stored word."""

    def render(self, value):
        return rag_tag_html(value)

    def order(self, queryset, is_descending):
        severity = rag_severity(str(self.accessor).replace(".", "__"))
        ordered = queryset.annotate(rag_severity=severity).order_by(
            "-rag_severity" if is_descending else "rag_severity", *queryset.query.order_by)
        return ordered, True


class BoundedPagesTable(tables.Table):
    """A table whose ?per_page= is kept between 1 and MAX_PER_PAGE: django-tables2 takes any integer, and 0 or
    a negative number made its paginator raise (a 500), while a huge one would render every row at once."""

    MAX_PER_PAGE = 500

    def paginate(self, *args, per_page=None, **kwargs):
        if per_page is not None:
            per_page = min(max(per_page, 1), self.MAX_PER_PAGE)
        return super().paginate(*args, per_page=per_page, **kwargs)


class PlanTable(tables.Table):
    region_label = "Improvement plans"  # names the scrolling region (includes/table.html): the table has no caption
    title = tables.Column(verbose_name="Plan")
    version = tables.Column()
    status = tables.Column()
    start = DateColumn(format="M Y", verbose_name="From")
    end = DateColumn(format="M Y", verbose_name="To")
    action_count = tables.Column(verbose_name="Actions")
    red_count = tables.Column(verbose_name="Red")
    amber_count = tables.Column(verbose_name="Amber")
    green_count = tables.Column(verbose_name="Green")
    blue_count = tables.Column(verbose_name="Blue (complete)")
    not_rated_count = tables.Column(verbose_name="Not yet rated")
    dashboard = tables.Column(accessor="slug", verbose_name="Dashboard", orderable=False)

    class Meta:
        template_name = "includes/table.html"
        orderable = False
        empty_text = "There are no plans yet."

    def render_title(self, value, record):
        # The restricted label sits beside the link, not inside it, so the link's name stays the plan's title.
        link = format_html('<a class="govuk-link" href="{}">{}</a>', record.get_absolute_url(), value)
        return format_html("{} {}", link, restricted_tag(record)) if record.restricted else link

    def render_dashboard(self, value, record):
        return format_html('<a class="govuk-link" href="{}">Dashboard<span class="govuk-visually-hidden"> of {}</span></a>',
                           reverse("plans:dashboard", args=[value]), record.title)


class ActionTable(tables.Table):
    region_label = "Actions"
    reference = tables.Column(linkify=True, verbose_name="Action")
    activity = tables.Column(verbose_name="Activity")
    lead = tables.Column(accessor="lead_as_printed", verbose_name="Lead", order_by=("lead__name", "lead_as_printed"))
    timeline = tables.Column(verbose_name="Timeline (as printed)")
    due_date = DateColumn(format="j M Y", verbose_name="Due")
    current_rag = RAGColumn(verbose_name="RAG")

    class Meta:
        template_name = "includes/table.html"
        orderable = False
        empty_text = "No actions match."

    def render_activity(self, value):
        return value if len(value) <= 160 else value[:157].rstrip() + "…"

    def render_lead(self, value, record):
        if record.lead and record.lead.name != value:
            return format_html('{} <span class="govuk-hint govuk-!-display-inline">({})</span>', value, record.lead.name)
        return value


class FlagsColumn(tables.Column):
    """Overdue, due soon and needs update as words in tags (never colour alone)."""

    def __init__(self, **kwargs):
        super().__init__(accessor="attention", verbose_name="Needs attention", **kwargs)

    def render(self, value, record):
        flags = [(record.is_overdue, "Overdue", "govuk-tag--red"), (record.is_due_soon, "Due soon", "govuk-tag--yellow"),
                 (record.needs_update, "Needs update", "govuk-tag--purple")]
        shown = [format_html('<strong class="govuk-tag {} app-rag-tag">{}</strong>', css, word)
                 for on, word, css in flags if on]
        return format_html(" ".join(["{}"] * len(shown)), *shown) if shown else "—"


def _plan_with_label(title, action):
    """An action's plan title, with the plan's restricted label if it has one (theme__plan is select_related)."""
    plan = action.theme.plan
    return format_html("{} {}", title, restricted_tag(plan)) if plan.restricted else title


class MyActionsTable(BoundedPagesTable):
    region_label = "My actions"
    reference = tables.Column(linkify=True, verbose_name="Action", order_by=("reference",))
    plan = tables.Column(accessor="theme__plan__title", verbose_name="Plan", order_by=("theme__plan__title",))
    theme = tables.Column(accessor="theme__number", verbose_name="Theme", order_by=("theme__order",))
    activity = tables.Column(verbose_name="Activity", orderable=False)
    due_date = DateColumn(format="j M Y", verbose_name="Due", order_by=("due_date",))
    current_rag = RAGColumn(verbose_name="Rating")
    last_updated = DateColumn(format="j M Y", verbose_name="Last updated", default="Never")
    attention = FlagsColumn()

    class Meta:
        template_name = "includes/table.html"
        empty_text = "You have no actions that match."
        per_page = 50

    def render_activity(self, value):
        return value if len(value) <= 120 else value[:117].rstrip() + "…"

    def render_plan(self, value, record):
        return _plan_with_label(value, record)


class RegisterTable(BoundedPagesTable):
    """Every action the user may see, across plans. Needs with_attention() and recommendations prefetched."""

    region_label = "Action register"

    reference = tables.Column(linkify=True, verbose_name="Action", order_by=("reference",))
    plan = tables.Column(accessor="theme__plan__title", verbose_name="Plan", order_by=("theme__plan__title",))
    theme = tables.Column(accessor="theme__number", verbose_name="Theme",
                          order_by=("theme__plan__title", "theme__order"))
    activity = tables.Column(verbose_name="Activity", orderable=False)
    lead = tables.Column(accessor="lead_as_printed", verbose_name="Lead", order_by=("lead__name", "lead_as_printed"),
                         empty_values=())
    due_date = DateColumn(format="j M Y", verbose_name="Due", order_by=("due_date",))
    current_rag = RAGColumn(verbose_name="RAG")
    last_updated = DateColumn(format="j M Y", verbose_name="Last updated", default="Never")
    attention = FlagsColumn()
    codes = tables.Column(accessor="pk", verbose_name="Codes", orderable=False)

    class Meta:
        template_name = "includes/table.html"
        empty_text = "No actions match these filters."
        per_page = 50

    def render_activity(self, value):
        return value if len(value) <= 120 else value[:117].rstrip() + "…"

    def render_plan(self, value, record):
        return _plan_with_label(value, record)

    def render_lead(self, value, record):
        name = record.lead.name if record.lead else ""
        if value and name and name != value:
            return format_html('{} <span class="govuk-hint govuk-!-display-inline">({})</span>', value, name)
        return value or name or "—"

    def render_codes(self, record):
        return ", ".join(recommendation.code for recommendation in record.recommendations.all()) or "—"
