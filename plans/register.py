"""The action register's rows, for the page and its CSV and Excel downloads: one base query for all three,
so a download holds exactly the rows the page shows for the same filters."""

from __future__ import annotations

import csv
import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator
from functools import cached_property

from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from governance.restricted import label as restricted_label
from governance.visibility import visible
from inspections.models import Inspection, Recommendation

from .exports import formula_safe
from .models import Action, Objective, Person, Plan, Theme, ThemeRecommendation
from .querysets import latest_updates
from .rag import RAG
from .spreadsheets import HEADER_FONT, describe, filter_on_header

COLUMNS = ["Plan", "Theme", "Action", "Activity", "Lead", "Lead name", "Due date", "RAG", "Last updated", "Overdue",
           "Due soon", "Needs update", "Codes", "Latest progress update"]
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# What the page, the CSV and the workbook print of an action and what hangs off it: nothing else is read
# (a theme's and a plan's long texts would otherwise travel with every row).
ROW_FIELDS = ("reference", "activity", "lead_as_printed", "due_date", "theme__number", "theme__plan__title",
              "theme__plan__restricted", "theme__plan__exemption_paragraph", "lead__name")


class RegisterScope:
    """What one request's register may show, read once: the plans the user sees (Plan.visible_to: the rule),
    then everything else from those plans' ids (visibility.visible(plan_ids=...)), so no query of the page
    compiles or runs the visibility subqueries again. Each choice list is one query of plain values, run
    only when the filter form shows or checks it."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def plans(self) -> list[Plan]:
        """The plans the user sees, newest first: the plan choices, and the ids every other list starts from."""
        return list(Plan.objects.visible_to(self.user).order_by(F("start").desc(nulls_last=True), "title", "pk"))

    @cached_property
    def plan_ids(self) -> list[int]:
        return [plan.pk for plan in self.plans]

    def actions(self):
        """Action.objects.visible_to(user), by the plans read above."""
        return visible(Action.objects.all(), self.user, plan_ids=self.plan_ids)

    def queryset(self):
        """Every action the user may see, across plans, with the attention flags (as at today), the latest
        narrative (searched and exported), and what the rows print of its plan, theme and lead: one query,
        newest plan first."""
        return (
            self.actions().with_attention(flags_only=True)
            .annotate(latest_narrative=Subquery(latest_updates().values("narrative")[:1]))
            .select_related("theme__plan", "lead").only(*ROW_FIELDS)
            .order_by(F("theme__plan__start").desc(nulls_last=True), "theme__plan__title", "theme__order", "order",
                      "pk")
        )

    @cached_property
    def plan_choices(self) -> list[tuple[str, str]]:
        return [(plan.slug, str(plan)) for plan in self.plans]

    @cached_property
    def plan_id_by_slug(self) -> dict[str, int]:
        return {plan.slug: plan.pk for plan in self.plans}

    @cached_property
    def theme_choices(self) -> list[tuple[int, str]]:
        """Themes of the plans, in plan order: "Plan title: Theme 2, Children in care"."""
        plans = {plan.pk: plan for plan in self.plans}
        themes = (visible(Theme.objects.all(), self.user, plan_ids=self.plan_ids)
                  .order_by(F("plan__start").desc(nulls_last=True), "plan__title", "order", "pk")
                  .values_list("pk", "plan_id", "number", "title"))
        return [(pk, f"{plans[plan_id].title}: {plans[plan_id].get_part_word_display()} {number}, {title}")
                for pk, plan_id, number, title in themes]

    @cached_property
    def lead_choices(self) -> list[tuple[int, str]]:
        """The people leading the actions: each one is visible to the user by the rule (visibility._people: the
        leads of actions in plans the user sees), so no other condition is needed."""
        leads = (Person.objects.filter(pk__in=self.actions().values("lead_id"))
                 .order_by("name", "pk").values_list("pk", "name"))
        return list(leads)

    @cached_property
    def recommendation_choices(self) -> list[tuple[int, str]]:
        """Recommendations some visible action answers, by any of the three routes the recommendation filter
        follows ("AFI 2, ILACS 2023"): a partner sees the codes its shared plan cites, and never another
        organisation's otherwise."""
        answering = self.actions().values("pk")
        direct = Action.recommendations.through.objects.filter(action__in=answering).values("recommendation_id")
        by_objective = (Objective.recommendations.through.objects.filter(objective__actions__in=answering)
                        .values("recommendation_id"))
        # A theme's code table counts once the theme has an action (all of them visible with its plan): a probe
        # per row of the tables of the plans' themes, rather than joining every visible action to them.
        by_theme = (visible(ThemeRecommendation.objects.all(), self.user, plan_ids=self.plan_ids)
                    .filter(Exists(Action.objects.filter(theme_id=OuterRef("theme_id")))).values("recommendation_id"))
        rows = (Recommendation.objects.filter(Q(pk__in=direct) | Q(pk__in=by_objective) | Q(pk__in=by_theme))
                .order_by(F("inspection__published").asc(nulls_last=True), "inspection__slug", "order", "code")
                .values_list("pk", "code", "inspection__kind", "inspection__start_date", "inspection__published"))
        labels = {}  # the inspection's own short_label, built once per inspection from the three fields it reads
        choices = []
        for pk, code, *inspection in rows:
            key = tuple(inspection)
            if key not in labels:
                kind, start_date, published = key
                labels[key] = Inspection(kind=kind, start_date=start_date, published=published).short_label
            choices.append((pk, f"{code}, {labels[key]}"))
        return choices


def register_queryset(user):
    """Every action `user` may see, across plans, as the register lists them (RegisterScope.queryset)."""
    return RegisterScope(user).queryset()


def codes_by_action(action_ids) -> dict[int, list[str]]:
    """Clean codes of each action's direct links (a list of ids, or a subquery of them), in one query."""
    links = (Action.recommendations.through.objects.filter(action_id__in=action_ids)
             .order_by("recommendation__inspection__slug", "recommendation__order", "recommendation__code")
             .values_list("action_id", "recommendation__code"))
    found = defaultdict(list)
    for action_id, code in links:
        found[action_id].append(code)
    return found


def _codes_by_action(actions) -> dict[int, list[str]]:
    """Clean codes of each action's direct links, in one query over the filtered actions (not one per row)."""
    return codes_by_action(actions.order_by().values("pk"))


def _plan_cell(plan) -> str:
    """The plan's title; for a restricted plan with its label, in the same cell: the columns stay as they are
    for whoever reads the file by position, and the label travels with every row copied out of it."""
    label = restricted_label(plan)
    return f"{plan.title} [{label}]" if label else plan.title


def rows(actions) -> Iterator[list]:
    """One row per action in COLUMNS order, typed (dates as dates, flags as Yes/No), in two queries: the
    codes, then the actions themselves read in chunks so a large register is never all in memory."""
    codes = _codes_by_action(actions)
    for action in actions.iterator(chunk_size=2000):
        last = timezone.localtime(action.last_updated).replace(tzinfo=None) if action.last_updated else None
        yield [
            _plan_cell(action.theme.plan),
            action.theme.number,
            action.reference,
            action.activity,
            action.lead_as_printed,
            action.lead.name if action.lead else "",
            action.due_date,
            RAG(action.current_rag).label,
            last,
            "Yes" if action.is_overdue else "No",
            "Yes" if action.is_due_soon else "No",
            "Yes" if action.needs_update else "No",
            "; ".join(codes.get(action.pk, [])),
            action.latest_narrative or "",
        ]


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return formula_safe(str(value))


class _Echo:
    """A file-like object whose write returns the line, so csv.writer can feed a streamed response."""

    def write(self, value):
        return value


def csv_stream(table_rows: Iterable[list]) -> Iterator[bytes]:
    """The rows as UTF-8 CSV chunks, header first, with a BOM so Excel reads it as UTF-8."""
    writer = csv.writer(_Echo())
    yield "\ufeff".encode()
    yield writer.writerow(COLUMNS).encode("utf-8")
    for row in table_rows:
        yield writer.writerow([_text(value) for value in row]).encode("utf-8")


def xlsx_bytes(table_rows: Iterable[list], out) -> None:
    """Write the rows to `out` as an .xlsx workbook in openpyxl's write-only mode (rows are not kept)."""
    workbook = Workbook(write_only=True)
    describe(workbook, title=f"Action register, {timezone.localdate():%-d %B %Y}")
    sheet = workbook.create_sheet("Register")
    sheet.freeze_panes = "A2"
    header = []
    for title in COLUMNS:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = HEADER_FONT
        header.append(cell)
    sheet.append(header)
    written = 1
    for row in table_rows:
        cells = []
        for value in row:
            if isinstance(value, datetime.date):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = "yyyy-mm-dd hh:mm" if isinstance(value, datetime.datetime) else "yyyy-mm-dd"
            else:
                cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", _text(value)))
            cells.append(cell)
        sheet.append(cells)
        written += 1
    filter_on_header(sheet, columns=len(COLUMNS), rows=written)  # write-only: set once the last row is out
    workbook.save(out)
