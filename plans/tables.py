import datetime

import django_tables2 as tables
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django_tables2.utils import OrderByTuple

from governance.templatetags.restricted import restricted_tag

from .querysets import rag_severity
from .rag import RAG, TAG_CLASSES
from .register import codes_by_action


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


def pk_url_format(name: str):
    """reverse(name, args=[pk]) as a function of pk, from one reverse(): a page of rows then links each row
    without resolving the URL again."""
    sentinel = 987654321
    head, found, tail = reverse(name, args=[sentinel]).partition(str(sentinel))
    assert found and str(sentinel) not in tail, name
    return lambda pk: f"{head}{pk}{tail}"


class PrintedColumn(tables.Column):
    """A column of a PrintedRowsTable: django-tables2 keeps its header, sort link and ordering, and its cell is
    the table's cell(name, record), printed by rows_html for a whole page at once. Every value, empty ones
    included, goes to cell(), which prints the dash itself."""

    def __init__(self, **kwargs):
        super().__init__(empty_values=(), **kwargs)

    def render(self, record, table, bound_column):
        return mark_safe(table.cell(bound_column.name, record))  # cell() escapes what it prints


class PrintedRAGColumn(PrintedColumn, RAGColumn):
    """The RAG column's worst-first ordering (RAGColumn.order), with a printed cell (PrintedColumn.render)."""

    order = RAGColumn.order


class RegisterColumn(PrintedColumn):
    """A register column: a printed cell, and ties broken in the register's own order."""

    def order(self, queryset, is_descending):
        """By this column, then rows that tie in the register's own order (plan, theme, action, id), which the
        queryset holds: ties then fall the same way on every page (none shown twice, none skipped) and keep
        reading in plan order when the column is sorted descending."""
        keys = self.order_by if self.order_by is not None else OrderByTuple((str(self.accessor),))
        keys = keys.opposite if is_descending else keys
        return queryset.order_by(*(key.for_queryset() for key in keys), *queryset.query.order_by), True


class RegisterRAGColumn(RegisterColumn, RAGColumn):
    """The RAG column's worst-first ordering (RAGColumn.order), with a register cell (RegisterColumn.render)."""

    order = RAGColumn.order


_DASH = "—"  # what django-tables2 prints for an empty cell
_FLAG_TAGS = [("is_overdue", '<strong class="govuk-tag govuk-tag--red app-rag-tag">Overdue</strong>'),
              ("is_due_soon", '<strong class="govuk-tag govuk-tag--yellow app-rag-tag">Due soon</strong>'),
              ("needs_update", '<strong class="govuk-tag govuk-tag--purple app-rag-tag">Needs update</strong>')]


class PrintedRowsTable(BoundedPagesTable):
    """A table of actions whose rows are printed in one pass of plain Python (rows_html, from a template such as
    plans/printed_table.html): django-tables2's per-cell accessors, signature inspection and template loop were
    most of a page's time. The columns (PrintedColumn), their headers and sort links, ordering and pagination stay
    django-tables2's; a cell read the usual way (row.get_cell) is the same cell(). The records need theme__plan
    select_related, and current_rag, last_updated and the attention flags annotated (with_attention)."""

    no_column = "This table has no column {!r}"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._action_url = pk_url_format("plans:action")
        self._plan_cells, self._rag_tags = {}, {}
        self._months = self._zone = None
        # The cells a subclass may add to, by column name.
        self._cells = {"reference": self._reference_cell, "plan": self._plan_cell, "theme": self._theme_cell,
                       "activity": self._activity_cell, "due_date": self._due_cell, "current_rag": self._rag_cell,
                       "last_updated": self._updated_cell, "attention": self._attention_cell}

    # One page's records and what they share, each read once.

    def _records(self):
        # The page's records (a sliced queryset, evaluated once), without a BoundRow for each.
        return self.paginated_rows.data

    def _day(self, day: datetime.date) -> str:
        """As the template filter `date` prints "j M Y" ("7 Nov 2026"), in the active language: the month's
        abbreviation (dates.MONTHS_3, title-cased as dateformat's "M" is) looked up once a page, not per cell."""
        if self._months is None:
            self._months = [""] + [str(MONTHS_3[month]).title() for month in range(1, 13)]
        return f"{day.day} {self._months[day.month]} {day.year:04d}"

    # The cells, escaped HTML: what the earlier render_* methods and the default column printed.

    def _reference_cell(self, action) -> str:
        return f'<a href="{self._action_url(action.pk)}">{escape(action.reference)}</a>' if action.reference else _DASH

    def _plan_cell(self, action) -> str:
        plan = action.theme.plan
        if plan.pk not in self._plan_cells:
            self._plan_cells[plan.pk] = (f"{escape(plan.title)} {restricted_tag(plan)}" if plan.restricted
                                         else escape(plan.title))
        return self._plan_cells[plan.pk]

    def _theme_cell(self, action) -> str:
        return escape(action.theme.number) if action.theme.number else _DASH

    def _activity_cell(self, action) -> str:
        text = action.activity
        return escape(text if len(text) <= 120 else text[:117].rstrip() + "…") if text else _DASH

    def _due_cell(self, action) -> str:
        return self._day(action.due_date) if action.due_date else _DASH

    def _rag_cell(self, action) -> str:
        if action.current_rag not in self._rag_tags:
            self._rag_tags[action.current_rag] = rag_tag_html(action.current_rag)
        return self._rag_tags[action.current_rag]

    def _updated_cell(self, action) -> str:
        if not action.last_updated:
            return "Never"
        if self._zone is None:
            self._zone = timezone.get_current_timezone()
        moment = action.last_updated
        return self._day((moment.astimezone(self._zone) if timezone.is_aware(moment) else moment).date())

    def _attention_cell(self, action) -> str:
        return " ".join(tag for flag, tag in _FLAG_TAGS if getattr(action, flag)) or _DASH

    def cell(self, name: str, action) -> str:
        """The HTML of one cell (escaped)."""
        if name not in self._cells:
            raise ValueError(self.no_column.format(name))
        return self._cells[name](action)

    def rows_html(self) -> str:
        """The page's rows, GOV.UK table markup (the first cell a row header), or the empty-table row."""
        names = [column.name for column in self.columns]
        cells_of = [self._cells[name] for name in names]
        rows = []
        for action in self._records():
            cells = [cell(action) for cell in cells_of]
            rows.append(f'<tr class="govuk-table__row"><th scope="row" class="govuk-table__header">{cells[0]}</th>'
                        + "".join(f'<td class="govuk-table__cell">{cell}</td>' for cell in cells[1:]) + "</tr>")
        if not rows:
            rows.append(f'<tr class="govuk-table__row"><td class="govuk-table__cell" colspan="{len(names)}">'
                        f"{escape(self.empty_text)}</td></tr>")
        return mark_safe("\n".join(rows))


class RegisterTable(PrintedRowsTable):
    """Every action the user may see, across plans (register.RegisterScope.queryset()), its rows printed in one
    pass (PrintedRowsTable, plans/printed_table.html), with the register's own lead and codes cells."""

    region_label = "Action register"

    reference = RegisterColumn(verbose_name="Action", order_by=("reference",))
    plan = RegisterColumn(accessor="theme__plan__title", verbose_name="Plan", order_by=("theme__plan__title",))
    theme = RegisterColumn(accessor="theme__number", verbose_name="Theme",
                           order_by=("theme__plan__title", "theme__order"))
    activity = RegisterColumn(verbose_name="Activity", orderable=False)
    lead = RegisterColumn(accessor="lead_as_printed", verbose_name="Lead", order_by=("lead__name", "lead_as_printed"))
    due_date = RegisterColumn(verbose_name="Due", order_by=("due_date",))
    current_rag = RegisterRAGColumn(verbose_name="RAG")
    last_updated = RegisterColumn(verbose_name="Last updated")
    attention = RegisterColumn(verbose_name="Needs attention")
    codes = RegisterColumn(accessor="pk", verbose_name="Codes", orderable=False)

    class Meta:
        template_name = "plans/printed_table.html"
        empty_text = "No actions match these filters."
        per_page = 50

    no_column = "The register has no column {!r}"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._codes = None
        self._cells |= {"lead": self._lead_cell, "codes": self._codes_cell}

    def _lead_cell(self, action) -> str:
        printed, named = action.lead_as_printed, action.lead.name if action.lead else ""
        if printed and named and named != printed:
            return f'{escape(printed)} <span class="govuk-hint govuk-!-display-inline">({escape(named)})</span>'
        return escape(printed or named or _DASH)

    def _codes_cell(self, action) -> str:
        if self._codes is None:
            self._codes = codes_by_action([record.pk for record in self._records()])
        return escape(", ".join(self._codes.get(action.pk, []))) or _DASH


class MyActionsTable(PrintedRowsTable):
    """An officer's own actions (views.actions.MyActionsView), printed as RegisterTable prints the register."""

    region_label = "My actions"
    reference = PrintedColumn(verbose_name="Action", order_by=("reference",))
    plan = PrintedColumn(accessor="theme__plan__title", verbose_name="Plan", order_by=("theme__plan__title",))
    theme = PrintedColumn(accessor="theme__number", verbose_name="Theme", order_by=("theme__order",))
    activity = PrintedColumn(verbose_name="Activity", orderable=False)
    due_date = PrintedColumn(verbose_name="Due", order_by=("due_date",))
    current_rag = PrintedRAGColumn(verbose_name="Rating")
    last_updated = PrintedColumn(verbose_name="Last updated")
    attention = PrintedColumn(accessor="attention", verbose_name="Needs attention")

    no_column = "My actions has no column {!r}"

    class Meta:
        template_name = "plans/printed_table.html"
        empty_text = "You have no actions that match."
        per_page = 50
