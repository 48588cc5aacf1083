"""Export a plan: as a spreadsheet in the import layout (xlsx, csv) or as JSON (docs/export-json.md).

The spreadsheet exports read back with `plans.imports`: export, import into a database holding the same
inspections but not the plan, export again, and the content is the same. Themes and objectives with no
actions have no row, so they are not in a spreadsheet export (they are in the JSON).
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import re

from django.db.models import Prefetch, QuerySet, Subquery
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from governance.restricted import label as restricted_label
from inspections.models import Recommendation

from .imports import COLUMNS, FORMULA_STARTS
from .models import Action, Milestone, Objective, Plan, Theme
from .querysets import latest_updates
from .rag import RAG
from .spreadsheets import bold_header, describe, filter_on_header

FORMATS = ("xlsx", "csv", "json")
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
}

_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december")
_MONTH_AS_PRINTED = re.compile(r"(?P<month>[a-z]{3,9})\.?[\s\-']*(?P<year>\d{4}|\d{2})", re.IGNORECASE)


def content_type_and_filename(plan: Plan, fmt: str) -> tuple[str, str]:
    """The HTTP content type and a download file name ("<plan slug>.<fmt>", "<plan slug>-restricted.<fmt>" for
    a plan not for publication, so the file says so wherever it is saved) for an export format."""
    if fmt not in FORMATS:
        raise ValueError(f"{fmt!r} is not an export format: use one of {', '.join(FORMATS)}")
    return CONTENT_TYPES[fmt], f"{plan.slug}{'-restricted' if plan.restricted else ''}.{fmt}"


def export_plan(plan: Plan, fmt: str) -> bytes:
    """The plan as an .xlsx workbook, a UTF-8 CSV (with BOM, for Excel) or JSON; ValueError for another format.

    Reads the plan in a fixed number of queries whatever its size.
    """
    if fmt not in FORMATS:
        raise ValueError(f"{fmt!r} is not an export format: use one of {', '.join(FORMATS)}")
    themes = list(_themes(plan))
    if fmt == "json":
        return _json(plan, themes)
    rows = list(_rows(plan, themes))
    return _xlsx(rows, restricted_label(plan), title=plan.title) if fmt == "xlsx" else _csv(rows)


def _themes(plan: Plan) -> QuerySet[Theme]:
    """Themes with everything an export prints, in six queries: themes, objectives, objective codes,
    actions (with current RAG, latest narrative, lead, objective), action codes, and milestones of
    actions and of themes (two). Everything hangs off the plan, which the view found with visible_to(user)."""
    codes = Recommendation.objects.order_by("inspection__slug", "order", "code")
    milestones = Milestone.objects.select_related("lead").order_by("order", "pk")
    actions = (
        Action.objects.with_current_rag()
        .annotate(current_narrative=Subquery(latest_updates().values("narrative")[:1]))
        .select_related("lead", "objective")
        .prefetch_related(Prefetch("recommendations", codes), Prefetch("milestones", milestones))
        .order_by("order", "pk")
    )
    return (
        plan.themes.order_by("order", "pk")
        .prefetch_related(
            Prefetch(
                "objectives",
                Objective.objects.order_by("order", "pk").prefetch_related(Prefetch("recommendations", codes)),
            ),
            Prefetch("actions", actions),
            Prefetch("milestones", milestones),
        )
    )


# Spreadsheets ----------------------------------------------------------------------------------------


def _lead(action: Action) -> str:
    return action.lead_as_printed or (action.lead.name if action.lead else "")


def _codes(item) -> list[str]:
    return [recommendation.code for recommendation in item.recommendations.all()]


def _rows(plan: Plan, themes: list[Theme]):
    """One row per action, in COLUMNS order; dates as dates."""
    for theme in themes:
        for action in theme.actions.all():
            objective = action.objective
            row = {
                "plan": plan.title,
                "version": plan.version,
                "theme": theme.number,
                "theme_title": theme.title,
                "objective": objective.number if objective else "",
                "objective_text": objective.text if objective else "",
                "action": action.reference,
                "activity": action.activity,
                "desired_outcome": action.desired_outcome,
                "timeline": action.timeline,
                "due_date": action.due_date,
                "lead": _lead(action),
                "codes": "; ".join(_codes(action)),
                "rag": RAG(action.current_rag).label,
                "progress_update": action.current_narrative or "",
            }
            yield [row[name] for name in COLUMNS]


def formula_safe(value: str) -> str:
    """Text a spreadsheet would run as a formula (starting =, +, -, @, tab or CR) gets a single quote in front.

    The import takes exactly that one quote off again, so the text survives a round trip.
    """
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return formula_safe(str(value))


def _csv(rows: list[list]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerows([_text(value) for value in row] for row in rows)
    # The BOM makes Excel read the file as UTF-8; the import accepts it with or without.
    return out.getvalue().encode("utf-8-sig")


def _xlsx(rows: list[list], restricted: str = "", *, title: str) -> bytes:
    """The import layout on the first sheet; a restricted plan's label on a second sheet (the import reads only
    the first, and row 1 must stay the header)."""
    workbook = Workbook()
    describe(workbook, title=title)
    sheet = workbook.active
    sheet.title = "Plan"
    sheet.append(COLUMNS)
    bold_header(sheet)
    due_column = COLUMNS.index("due_date")
    for row in rows:
        sheet.append(
            [value if isinstance(value, datetime.date) else ILLEGAL_CHARACTERS_RE.sub("", _text(value)) for value in row]
        )
        if row[due_column]:
            sheet.cell(row=sheet.max_row, column=due_column + 1).number_format = "yyyy-mm-dd"
    filter_on_header(sheet, columns=len(COLUMNS), rows=sheet.max_row)
    if restricted:
        workbook.create_sheet("Not for publication").append([restricted])
        workbook.properties.keywords = restricted
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# JSON ------------------------------------------------------------------------------------------------


def _null(value: str | None) -> str | None:
    return value or None


def _iso(day: datetime.date | None) -> str | None:
    return day.isoformat() if day else None


def month_as_printed(text: str) -> str | None:
    """"Nov 22", "November 2022", "Sept-22" -> "2022-11" ...; None when the text is not a month and year."""
    match = _MONTH_AS_PRINTED.fullmatch(text.strip())
    if not match:
        return None
    name = match["month"].lower()
    month = next((n for n, full in enumerate(_MONTHS, start=1) if full.startswith(name)), None)
    if month is None:
        return None
    year = int(match["year"])
    return f"{year + 2000 if year < 100 else year:04d}-{month:02d}"


def _milestone_due(milestone: Milestone) -> str | None:
    """A printed month stays a month ("Nov 22" -> "2022-11"): its month-end due_date is only a stand-in, kept for
    meetings and overdue checks. A due date in another month (moved since) or a printed full date is YYYY-MM-DD;
    else the text as printed; else null."""
    month = month_as_printed(milestone.due_as_printed)
    if month and (milestone.due_date is None or milestone.due_date.strftime("%Y-%m") == month):
        return month
    return _iso(milestone.due_date) or _null(milestone.due_as_printed)


def _milestone(milestone: Milestone) -> dict:
    due = _milestone_due(milestone)
    lead = milestone.lead_as_printed or (milestone.lead.name if milestone.lead else "")
    return {"text": milestone.text, "due": due, "lead": _null(lead)}


def _json(plan: Plan, themes: list[Theme]) -> bytes:
    document = {
        "plan": {
            "title": plan.title,
            "version": _null(plan.version),
            "status": plan.status,
            "start": _iso(plan.start),
            "end": _iso(plan.end),
            "restricted": plan.restricted,
            "exemption_paragraph": plan.exemption_paragraph if plan.restricted else None,
        },
        "themes": [
            {
                "number": theme.number,
                "title": theme.title,
                "objectives": [
                    {"number": objective.number, "text": _null(objective.text), "codes": _codes(objective)}
                    for objective in theme.objectives.all()
                ],
                "actions": [
                    {
                        "reference": action.reference,
                        "objective": action.objective.number if action.objective else None,
                        "activity": _null(action.activity),
                        "desired_outcome": _null(action.desired_outcome),
                        "timeline": _null(action.timeline),
                        "due_date": _iso(action.due_date),
                        "lead": _null(action.lead_as_printed),
                        "lead_name": action.lead.name if action.lead else None,
                        "codes": _codes(action),
                        "rag": RAG(action.current_rag).label,
                        "milestones": [_milestone(milestone) for milestone in action.milestones.all()],
                    }
                    for action in theme.actions.all()
                ],
                "milestones": [_milestone(milestone) for milestone in theme.milestones.all()],
            }
            for theme in themes
        ],
    }
    return (json.dumps(document, indent=2, ensure_ascii=False, sort_keys=False) + "\n").encode("utf-8")
