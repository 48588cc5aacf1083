"""The action register's rows, for the page and its CSV and Excel downloads: one base query for all three,
so a download holds exactly the rows the page shows for the same filters."""

from __future__ import annotations

import csv
import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator

from django.db.models import F, Subquery
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from governance.restricted import label as restricted_label

from .exports import formula_safe
from .models import Action
from .querysets import latest_updates
from .rag import RAG
from .spreadsheets import HEADER_FONT, describe, filter_on_header

COLUMNS = ["Plan", "Theme", "Action", "Activity", "Lead", "Lead name", "Due date", "RAG", "Last updated", "Overdue",
           "Due soon", "Needs update", "Codes", "Latest progress update"]
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def register_queryset(user):
    """Every action `user` may see, across plans, with the attention flags (as at today), the latest
    narrative (searched and exported) and its plan, theme and lead: one query, newest plan first."""
    return (
        Action.objects.visible_to(user).with_attention()
        .annotate(latest_narrative=Subquery(latest_updates().values("narrative")[:1]))
        .select_related("theme__plan", "lead")
        .order_by(F("theme__plan__start").desc(nulls_last=True), "theme__plan__title", "theme__order", "order", "pk")
    )


def _codes_by_action(actions) -> dict[int, list[str]]:
    """Clean codes of each action's direct links, in one query over the filtered actions (not one per row)."""
    links = (Action.recommendations.through.objects.filter(action__in=actions.order_by().values("pk"))
             .order_by("recommendation__inspection__slug", "recommendation__order", "recommendation__code")
             .values_list("action_id", "recommendation__code"))
    found = defaultdict(list)
    for action_id, code in links:
        found[action_id].append(code)
    return found


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
