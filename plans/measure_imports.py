"""Import measure values from a spreadsheet: every row checked first, then all written in one transaction.

Reads the file with the plan import's `read_spreadsheet` (.xlsx first sheet, or .csv UTF-8 with or without a
BOM) and reports problems in its style: every problem as "row N, column C: what is wrong", and nothing written
when there is any. Each row is one period's value of one measure; `COLUMNS` lists the columns.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction

from governance.models import Organisation

from .imports import PlanImportError, Tally, normalise_header, parse_date
from .models import Measure, MeasureValue, Plan
from .services import MeasureValueRule, record_measure_value

COLUMNS = ("plan", "theme", "measure", "period_end", "value", "note", "england", "neighbours", "region")
REQUIRED_COLUMNS = ("plan", "measure", "period_end", "value")
COMPARATORS = ("england", "neighbours", "region")

_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_GROUPED_NUMBER = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")
_STATUSES = {label.lower(): value for value, label in MeasureValue.Status.choices} | {
    value.replace("_", " "): value for value in MeasureValue.Status.values}


class MeasureImportError(PlanImportError):
    """The rows cannot be imported; `errors` lists every problem."""


def parse_figure(text: str) -> Decimal | None:
    """A figure as people write it: "55", "55.5", "55%" (a percentage, stored 0-100) or "1,234". None when
    blank; ValueError naming the problem otherwise."""
    text = str(text).strip()
    if not text:
        return None
    number = text.removesuffix("%").strip()
    if _GROUPED_NUMBER.fullmatch(number):
        number = number.replace(",", "")
    if not _PLAIN_NUMBER.fullmatch(number):
        raise ValueError(f'"{text}" is not a number: write it like 55, 55.5, 55% or 1,234')
    try:
        return Decimal(number)
    except InvalidOperation:  # pragma: no cover - the pattern admits only what Decimal reads
        raise ValueError(f'"{text}" is not a number') from None


def parse_status(text: str) -> str:
    """Met, Partly met or Not met (any case) as a MeasureValue.Status value; ValueError otherwise."""
    key = " ".join(str(text).replace("_", " ").split()).lower()
    if key not in _STATUSES:
        raise ValueError(f'"{text}" is not a status: this measure is qualitative, so write Met, Partly met or Not met')
    return _STATUSES[key]


@dataclass
class ParsedValue:
    row: int
    measure: Measure
    period_end: datetime.date
    value: Decimal | None
    status: str
    note: str
    comparators: dict[str, Decimal | None]


@dataclass
class MeasureImportResult:
    dry_run: bool
    values: Tally = field(default_factory=Tally)

    def summary_lines(self) -> list[str]:
        lines = [str(self.values)]
        if self.dry_run:
            lines.append("Dry run: nothing was written.")
        return lines


def _map_columns(rows: Sequence[tuple[int, Mapping[str, object]]]) -> dict[str, str]:
    headers: list[str] = []
    for _number, values in rows:
        headers.extend(header for header in values if header not in headers)
    written: dict[str, str] = {}
    errors = []
    for header in headers:
        key = normalise_header(header)
        if key in COLUMNS:
            written[key] = header
        else:
            errors.append(f"row 1, column {header}: not a column of a measure values file "
                          f"(the columns are {', '.join(COLUMNS)})")
    missing = [name for name in REQUIRED_COLUMNS if name not in written]
    if missing:
        errors.append("row 1: missing required column" + ("s " if len(missing) > 1 else " ") + ", ".join(missing))
    if errors:
        raise MeasureImportError(errors)
    return written


def organisation_for(organisation: Organisation | None) -> Organisation:
    """The organisation whose plans the rows name: the one given, else the only one held."""
    if organisation is not None:
        return organisation
    organisations = list(Organisation.objects.order_by("pk")[:2])
    if len(organisations) != 1:
        raise MeasureImportError(["Choose the organisation whose plans the rows name."])
    return organisations[0]


class _Catalogue:
    """The organisation's plans and their measures, read once, to resolve every row without a query per row.

    Only the organisation's own: a row naming another organisation's plan reads "no plan has the slug or
    title", exactly as for a plan nobody holds, so the import tells nobody what another council holds.
    """

    def __init__(self, organisation: Organisation):
        self.plans = list(Plan.objects.filter(organisation=organisation).only("pk", "slug", "title"))
        self.by_slug = {plan.slug: plan for plan in self.plans}
        self.measures: dict[tuple[int, str], list[Measure]] = {}
        for measure in Measure.objects.filter(plan__organisation=organisation).select_related("theme", "plan"):
            self.measures.setdefault((measure.plan_id, measure.name.strip().lower()), []).append(measure)

    def plan(self, text: str) -> Plan:
        if text in self.by_slug:
            return self.by_slug[text]
        titled = [plan for plan in self.plans if plan.title.strip().lower() == text.lower()]
        if len(titled) == 1:
            return titled[0]
        if titled:
            raise ValueError(f'"{text}" is the title of more than one plan: use the slug of one of '
                             + ", ".join(f'"{plan.slug}"' for plan in sorted(titled, key=lambda p: p.slug)))
        raise ValueError(f'no plan has the slug or title "{text}"')

    def measure(self, plan: Plan, theme: str, name: str) -> tuple[Measure | None, str, str]:
        """(measure, column at fault, problem): the measure, or what is wrong and in which column."""
        named = self.measures.get((plan.pk, name.strip().lower()), [])
        if not named:
            return None, "measure", f'plan "{plan.slug}" has no measure named "{name}"'
        if theme:
            in_theme = [m for m in named if m.theme is not None and m.theme.number == theme]
            if not in_theme:
                found = ", ".join(sorted(m.theme.number if m.theme else "none" for m in named))
                return None, "theme", f'measure "{name}" is not in theme {theme} (it is in theme {found})'
            return in_theme[0], "", ""
        if len(named) > 1:
            found = ", ".join(sorted(m.theme.number if m.theme else "none" for m in named))
            return None, "theme", f'a value is required: measure "{name}" is in more than one theme ({found})'
        return named[0], "", ""


def parse_rows(rows: Sequence[tuple[int, Mapping[str, object]]], *, today: datetime.date,
               organisation: Organisation) -> list[ParsedValue]:
    """Check every row against the organisation's measures; MeasureImportError listing every problem, or the
    values."""
    if not rows:
        raise MeasureImportError(["The file has a header row but no data rows."])
    column = _map_columns(rows)
    catalogue = _Catalogue(organisation)
    errors: list[str] = []
    parsed: list[ParsedValue] = []
    seen: dict[tuple[int, datetime.date], int] = {}

    def err(row: int, name: str, message: str) -> None:
        errors.append(f"row {row}, column {column.get(name, name)}: {message}")

    def cell(values: Mapping[str, object], name: str) -> object:
        value = values.get(column[name], "") if name in column else ""
        return value if isinstance(value, datetime.date) else str(value or "").strip()

    for row, values in rows:
        plan = measure = period_end = None
        plan_text, theme_text, name = cell(values, "plan"), cell(values, "theme"), cell(values, "measure")
        if not plan_text:
            err(row, "plan", "a value is required: the plan's slug, or its title when no other plan has it")
        else:
            try:
                plan = catalogue.plan(str(plan_text))
            except ValueError as error:
                err(row, "plan", str(error))
        if not name:
            err(row, "measure", "a value is required: the measure's name")
        elif plan is not None:
            measure, at_fault, problem = catalogue.measure(plan, str(theme_text), str(name))
            if problem:
                err(row, at_fault, problem)

        raw_period = cell(values, "period_end")
        if raw_period in ("", None):
            err(row, "period_end", "a value is required: the last day of the period, as YYYY-MM-DD or dd/mm/yyyy")
        else:
            try:
                period_end = parse_date(raw_period)
            except ValueError as error:
                err(row, "period_end", str(error))

        value, status = None, ""
        raw_value = str(cell(values, "value"))
        if not raw_value:
            err(row, "value", "a value is required")
        elif measure is not None:
            try:
                if measure.kind == Measure.Kind.QUALITATIVE:
                    status = parse_status(raw_value)
                else:
                    value = parse_figure(raw_value)
            except ValueError as error:
                err(row, "value", str(error))
                raw_value = ""
        comparators = {}
        for name in COMPARATORS:
            try:
                comparators[name] = parse_figure(str(cell(values, name)))
            except ValueError as error:
                err(row, name, str(error))
                comparators[name] = None

        if measure is None or period_end is None or not raw_value:
            continue
        key = (measure.pk, period_end)
        if key in seen:
            err(row, "period_end", f"the same measure and period are on row {seen[key]}: give each period once")
            continue
        seen[key] = row
        try:
            MeasureValueRule.check(measure=measure, period_end=period_end, value=value, status=status,
                                   comparators=comparators, today=today)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                for message in messages:
                    err(row, "value" if name == "status" else name, message)
            continue
        parsed.append(ParsedValue(row=row, measure=measure, period_end=period_end, value=value, status=status,
                                  note=str(cell(values, "note")), comparators=comparators))
    if errors:
        raise MeasureImportError(errors)
    return parsed


class _DryRunRollback(Exception):
    pass


def import_measure_values(*, rows: Sequence[tuple[int, Mapping[str, object]]], dry_run: bool = False,
                          entered_by=None, today: datetime.date | None = None,
                          organisation: Organisation | None = None) -> MeasureImportResult:
    """Create or correct measure values from spreadsheet rows (as `read_spreadsheet` returns them).

    The rows name plans and measures of `organisation` (else of the only organisation held) and no other:
    another organisation's plan is "not found", as a missing one is.

    Every row is checked first; any problem raises MeasureImportError listing them all and nothing is written.
    A row for a period already held corrects it (history keeps the old value); the same figures again are
    unchanged. One transaction; `dry_run` rolls it back after counting. A column left out of the file (note,
    england, neighbours, region) leaves what is held alone; a blank cell in a column that is there clears it.
    """
    from django.utils import timezone

    parsed = parse_rows(rows, today=today or timezone.localdate(), organisation=organisation_for(organisation))
    present = {normalise_header(header) for _number, values in rows for header in values}
    kept = [name for name in ("note", *COMPARATORS) if name not in present]
    result = MeasureImportResult(dry_run=dry_run)
    try:
        with transaction.atomic():
            held = {(v.measure_id, v.period_end): v for v in MeasureValue.objects.filter(
                measure__in={item.measure.pk for item in parsed})} if kept else {}
            for item in parsed:
                fields = {"note": item.note, **item.comparators}
                if (old := held.get((item.measure.pk, item.period_end))) is not None:
                    fields |= {name: getattr(old, name) for name in kept}
                _value, outcome = record_measure_value(
                    measure=item.measure, period_end=item.period_end, value=item.value, status=item.status,
                    entered_by=entered_by, **fields)
                setattr(result.values, outcome, getattr(result.values, outcome) + 1)
            if dry_run:
                raise _DryRunRollback
    except _DryRunRollback:
        pass
    return result
