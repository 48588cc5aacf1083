"""Import a plan from a spreadsheet: read the file, validate every row, then write it in one transaction.

Three layers, each usable alone:
- `read_spreadsheet(file_obj, filename)` turns an .xlsx or .csv upload into numbered rows, or raises
  `SpreadsheetError` for a file that is too large, not a spreadsheet, empty or without data rows.
- `parse_rows(rows, known_codes=...)` is pure: it validates every row and returns a `ParsedPlan`, or
  raises `PlanImportError` listing every problem as "row N, column C: what is wrong".
- `import_plan(rows=..., inspection=..., organisation=..., dry_run=..., author=...)` is the service: it
  validates, matches the plan, themes, objectives, actions and leads already held, and writes.

The layout is one row per action; `COLUMNS` gives the columns in the order the export writes them.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import PurePath

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.db.models import Subquery
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from governance.models import Organisation
from inspections.codes import clean_code, split_codes
from inspections.models import Inspection, Recommendation
from plans import rag as rag_scale

from .models import Action, Objective, Person, Plan, ProgressUpdate, Theme
from .querysets import latest_updates
from .slugs import unique_slug

COLUMNS = (
    "plan",
    "version",
    "theme",
    "theme_title",
    "objective",
    "objective_text",
    "action",
    "activity",
    "desired_outcome",
    "timeline",
    "due_date",
    "lead",
    "codes",
    "rag",
    "progress_update",
)
REQUIRED_COLUMNS = ("plan", "theme", "theme_title", "action", "activity")

# Characters that make a spreadsheet run a cell as a formula (a leading tab or carriage return is skipped by
# some, which then run what follows: OWASP's CSV injection list). Exports put a single quote in front of a
# text cell starting with one; imports take exactly that quote off again.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A workbook is a zip: its parts may unpack to at most this many times the upload limit, so a small file that
# unpacks to gigabytes (a "zip bomb") is refused before anything is decompressed.
UNPACKED_RATIO = 20
# Content that is plainly not a CSV, by its first bytes, so the message can say what the file is.
_NOT_TEXT = (
    (b"PK\x03\x04", "a zip archive (an .xlsx workbook is one: upload it with its .xlsx name)"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"\xd0\xcf\x11\xe0", "an old-style Excel (.xls) or Office file: save it as .xlsx or CSV UTF-8"),
)

_INITIALS = re.compile(r"[A-Z]{2,4}")
_UK_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")

# Field lengths, read from the models so a change there cannot be missed here.
_MAX_LENGTHS = {
    "plan": Plan._meta.get_field("title").max_length,
    "version": Plan._meta.get_field("version").max_length,
    "theme": Theme._meta.get_field("number").max_length,
    "theme_title": Theme._meta.get_field("title").max_length,
    "objective": Objective._meta.get_field("number").max_length,
    "action": Action._meta.get_field("reference").max_length,
    "timeline": Action._meta.get_field("timeline").max_length,
    "lead": Action._meta.get_field("lead_as_printed").max_length,
    "codes": Action._meta.get_field("codes_as_printed").max_length,
}


class PlanImportError(Exception):
    """The file or its rows cannot be imported; `errors` lists every problem, one sentence each."""

    def __init__(self, errors: Sequence[str]):
        self.errors = list(errors)
        super().__init__("\n".join(self.errors))

    def report(self, filename: str) -> str:
        """What an import command exits with: the count, that nothing was written, then every error."""
        count = len(self.errors)
        return f"{filename}: {count} error{'s' if count != 1 else ''}; nothing was written.\n" + "\n".join(self.errors)


class SpreadsheetError(PlanImportError):
    """The upload is not a spreadsheet this importer can read (size, type, encoding, empty, no data)."""


# Reading files ---------------------------------------------------------------------------------------


def normalise_header(text: str) -> str:
    """A header as a column name: case, spaces, hyphens and underscores do not matter ("Due-date")."""
    return "_".join(re.split(r"[\s_\-]+", str(text).strip().lower())).strip("_")


def unescape_formula(value: str) -> str:
    """Take off the one quote an export puts before a cell starting =, +, -, @, tab or CR (and nothing else)."""
    if len(value) > 1 and value[0] == "'" and value[1] in FORMULA_STARTS:
        return value[1:]
    return value


def format_size(size: int) -> str:
    for unit, scale in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= scale:
            return f"{size / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{size} bytes"


def _cell(value: object) -> str | datetime.date:
    """A cell as the importer sees it: text (formulas stay text), or a date for a date cell."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _csv_rows(data: bytes) -> list[list[object]]:
    for magic, kind in _NOT_TEXT:
        if data.startswith(magic):
            raise SpreadsheetError([f"The file is not a CSV spreadsheet: its content is {kind}."])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SpreadsheetError(
            [f"The file is not UTF-8 text (byte {error.start + 1} cannot be read): save it as \"CSV UTF-8\"."]
        ) from None
    if "\x00" in text:
        raise SpreadsheetError(["The file is not a CSV spreadsheet: it contains binary data."])
    try:
        return list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        raise SpreadsheetError([f"The file is not a readable CSV spreadsheet: {error}."]) from None


def _xlsx_rows(data: bytes) -> list[list[object]]:
    """The first sheet's cells. The content is checked before openpyxl sees it: a zip holding a workbook's
    parts, unpacking to a bounded size (zipfile reads no more than each part's recorded size)."""
    unopenable = SpreadsheetError(["The file is not an .xlsx workbook: it could not be opened as one."])
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        parts = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise unopenable from None
    if not {"[Content_Types].xml", "xl/workbook.xml"} <= {part.filename for part in parts}:
        raise unopenable  # a zip, but without a workbook's parts (a .docx renamed, an archive of files)
    unpacked_limit = settings.IMPORT_MAX_BYTES * UNPACKED_RATIO
    if sum(part.file_size for part in parts) > unpacked_limit:
        raise SpreadsheetError(
            [f"The file is not an .xlsx workbook this service can read: it unpacks to more than "
             f"{format_size(unpacked_limit)}."]
        )
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds for a damaged or foreign zip: all mean the same here
        raise unopenable from None
    try:
        if not workbook.worksheets:
            return []
        sheet = workbook.worksheets[0]
        # Some producers record wrong dimensions; read what is really there. Gaps come back as [].
        sheet.reset_dimensions()
        # read_only parses the sheet's XML lazily, so a damaged sheet can fail here, not at load_workbook.
        return [[_as_shown(cell) for cell in row] for row in sheet.iter_rows(min_row=1)]
    except Exception:
        raise unopenable from None
    finally:
        workbook.close()


def _as_shown(cell) -> object:
    """A cell's value as the person sees it where that differs: Excel stores 55% as 0.55 in a cell formatted
    as a percentage, so that cell reads as "55%" (the measure import stores percent as 0-100)."""
    value = getattr(cell, "value", None)
    if isinstance(value, int | float) and not isinstance(value, bool) and "%" in (getattr(cell, "number_format", "") or ""):
        shown = format(Decimal(str(value)) * 100, "f")
        return (shown.rstrip("0").rstrip(".") if "." in shown else shown) + "%"
    return value


def read_spreadsheet(file_obj, filename: str) -> list[tuple[int, dict[str, str | datetime.date]]]:
    """Read an .xlsx (first sheet) or .csv (UTF-8, with or without BOM) upload into numbered rows.

    Row 1 must be the header. Returns (row number as the spreadsheet shows it, {header as written: cell})
    for every row after the header that is not blank. Cells are text, or a `datetime.date` for an xlsx
    date cell; formulas are kept as their text. Raises `SpreadsheetError` when the file is too large
    (settings.IMPORT_MAX_BYTES), has another extension, cannot be decoded or opened, is empty, has a
    blank or repeated header, a value under no header, or no data rows.
    """
    limit = settings.IMPORT_MAX_BYTES
    extension = PurePath(filename or "").suffix.lower()
    if extension not in (".xlsx", ".csv"):
        found = f"a {extension} file" if extension else "a file with no extension"
        raise SpreadsheetError([f"The file must be a spreadsheet saved as .xlsx or .csv, not {found}."])
    data = file_obj.read(limit + 1)
    if len(data) > limit:
        raise SpreadsheetError([f"The file is too large: the limit is {format_size(limit)}."])
    if not data.strip():
        raise SpreadsheetError(["The file is empty."])

    raw_rows = _csv_rows(data) if extension == ".csv" else _xlsx_rows(data)
    cells = [[_cell(value) for value in row] for row in raw_rows]
    if not any(any(row) for row in cells):
        raise SpreadsheetError(["The file is empty."])
    header = [value.isoformat() if isinstance(value, datetime.date) else value for value in cells[0]]
    if not any(header):
        raise SpreadsheetError(["row 1: the first row must be the header, naming the columns (plan, theme, ...)."])

    errors = []
    seen: dict[str, str] = {}
    for name in header:
        if not name:
            continue
        key = normalise_header(name)
        if key in seen:
            errors.append(f'row 1, column {name}: the column appears twice (also as "{seen[key]}")')
        else:
            seen[key] = name
    rows = []
    for number, row in enumerate(cells[1:], start=2):
        if not any(row):
            continue
        values: dict[str, str | datetime.date] = {}
        for index, value in enumerate(row):
            name = header[index] if index < len(header) else ""
            if not name:
                if value:
                    errors.append(f"row {number}, column {get_column_letter(index + 1)}: a value in a column with no header")
                continue
            values[name] = unescape_formula(value) if isinstance(value, str) else value
        rows.append((number, values))
    if not rows:
        errors.append("The file has a header row but no data rows.")
    if errors:
        raise SpreadsheetError(errors)
    return rows


# Validating rows (pure: no database) -----------------------------------------------------------------


@dataclass(frozen=True)
class ParsedTheme:
    number: str
    title: str
    row: int


@dataclass(frozen=True)
class ParsedObjective:
    theme: str
    number: str
    text: str  # "" when no row gives it: a held objective keeps its text
    row: int


@dataclass(frozen=True)
class ParsedAction:
    """One action row. A field is None when its column is not in the file: leave what is held alone."""

    row: int
    theme: str
    reference: str
    activity: str
    objective: str | None = None
    desired_outcome: str | None = None
    timeline: str | None = None
    due_date: datetime.date | None | bool = False  # False: no column; None: column left blank
    lead: str | None = None
    codes: tuple[str, ...] | None = None
    codes_as_printed: str | None = None
    rag: rag_scale.RAG | None = None  # None: blank or no column
    narrative: str | None = None


@dataclass(frozen=True)
class ParsedPlan:
    title: str
    version: str
    themes: tuple[ParsedTheme, ...]
    objectives: tuple[ParsedObjective, ...]
    actions: tuple[ParsedAction, ...]


def map_columns(headers: Collection[str]) -> dict[str, str]:
    """Map each column name in COLUMNS to the header as written; PlanImportError for unknown or missing ones."""
    written: dict[str, str] = {}
    errors = []
    unknown: list[str] = []
    for header in headers:
        key = normalise_header(header)
        if key in COLUMNS and key not in written:
            written[key] = header
        elif key in written:
            errors.append(f'row 1, column {header}: the column appears twice (also as "{written[key]}")')
        else:
            unknown.append(header)
    if unknown and not written:
        raise PlanImportError(
            ["row 1: no header row found: the first row must name the columns (" + ", ".join(COLUMNS) + ")"]
        )
    for header in unknown:
        errors.append(f"row 1, column {header}: not a column of a plan (the columns are {', '.join(COLUMNS)})")
    missing = [name for name in REQUIRED_COLUMNS if name not in written]
    if missing:
        errors.append("row 1: missing required column" + ("s " if len(missing) > 1 else " ") + ", ".join(missing))
    if errors:
        raise PlanImportError(errors)
    return written


def parse_date(value: str | datetime.date) -> datetime.date | None:
    """A due date from an xlsx date cell, "YYYY-MM-DD" or "dd/mm/yyyy"; None when blank; ValueError otherwise."""
    if isinstance(value, datetime.date):
        return value
    text = value.strip()
    if not text:
        return None
    try:
        if match := _UK_DATE.fullmatch(text):
            day, month, year = (int(part) for part in match.groups())
            return datetime.date(year, month, day)
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f'"{text}" is not a date: write it as YYYY-MM-DD or dd/mm/yyyy') from None


def parse_rows(
    rows: Sequence[tuple[int, Mapping[str, object]]], *, known_codes: Collection[str] | None
) -> ParsedPlan:
    """Validate every row and return the plan it describes, or raise PlanImportError listing every problem.

    `known_codes` are the clean recommendation codes of the chosen inspection, or None when no inspection
    was chosen (then any code is an error). Nothing here touches the database.
    """
    if not rows:
        raise PlanImportError(["The file has a header row but no data rows."])
    headers: list[str] = []
    for _number, values in rows:
        headers.extend(header for header in values if header not in headers)
    column = map_columns(headers)
    errors: list[str] = []

    def err(row: int, name: str, message: str) -> None:
        errors.append(f"row {row}, column {column.get(name, name)}: {message}")

    def text(row: int, values: Mapping[str, object], name: str) -> str | None:
        if name not in column:
            return None
        value = values.get(column[name], "")
        value = value.isoformat() if isinstance(value, datetime.date) else str(value or "").strip()
        limit = _MAX_LENGTHS.get(name)
        if limit and len(value) > limit:
            err(row, name, f"too long ({len(value)} characters; at most {limit})")
        return value

    title = version = None
    title_row = version_row = 0
    themes: dict[str, ParsedTheme] = {}
    objectives: dict[tuple[str, str], ParsedObjective] = {}
    actions: dict[tuple[str, str], ParsedAction] = {}
    for row, values in rows:
        plan_title = text(row, values, "plan")
        if not plan_title:
            err(row, "plan", "a value is required: the plan's title, the same on every row")
        elif title is None:
            title, title_row = plan_title, row
        elif plan_title != title:
            err(row, "plan", f'"{plan_title}" differs from "{title}" on row {title_row}: one plan per file')

        plan_version = text(row, values, "version")
        if plan_version:
            if version is None:
                version, version_row = plan_version, row
            elif plan_version != version:
                err(row, "version", f'"{plan_version}" differs from "{version}" on row {version_row}')

        theme = text(row, values, "theme")
        theme_title = text(row, values, "theme_title")
        if not theme:
            err(row, "theme", "a value is required: the theme's number as printed")
        elif theme not in themes:
            if theme_title:
                themes[theme] = ParsedTheme(number=theme, title=theme_title, row=row)
            else:
                err(row, "theme_title", f"a value is required on theme {theme}'s first row")
        elif theme_title and theme_title != themes[theme].title:
            err(row, "theme_title", f'"{theme_title}" differs from "{themes[theme].title}" on row {themes[theme].row}')

        objective = text(row, values, "objective")
        objective_text = text(row, values, "objective_text")
        if objective and theme:
            # Some plans print an objective's number with no text, so the text may be blank.
            known = objectives.get((theme, objective))
            if known is None or (objective_text and not known.text):
                objectives[(theme, objective)] = ParsedObjective(theme, objective, objective_text or "", row)
            elif objective_text and objective_text != known.text:
                err(row, "objective_text", f"differs from objective {objective}'s text on row {known.row}")
        elif objective_text and not objective:
            err(row, "objective", "a value is required where objective_text is given")

        reference = text(row, values, "action")
        activity = text(row, values, "activity")
        if not reference:
            err(row, "action", "a value is required: the action's reference, unique within its theme")
        elif theme and (theme, reference) in actions:
            err(row, "action", f"action {reference} of theme {theme} appears again (first on row "
                f"{actions[(theme, reference)].row})")
        if not activity:
            err(row, "activity", "a value is required")

        due_date: datetime.date | None | bool = False
        if "due_date" in column:
            try:
                due_date = parse_date(values.get(column["due_date"], "") or "")
            except ValueError as error:
                err(row, "due_date", str(error))

        codes_text = text(row, values, "codes")
        codes: tuple[str, ...] | None = None
        if codes_text:
            try:
                codes = tuple(split_codes(codes_text))
            except ValueError as error:
                err(row, "codes", str(error))
            else:
                if known_codes is None:
                    err(row, "codes", "codes need an inspection: choose the inspection whose recommendations they are")
                else:
                    unknown = [code for code in codes if code not in known_codes]
                    if unknown:
                        err(row, "codes", "not a recommendation of the chosen inspection: " + ", ".join(unknown))
        elif codes_text == "":
            codes = ()

        rating = None
        rag_text = text(row, values, "rag")
        if rag_text:
            try:
                rating = rag_scale.parse(rag_text)
            except ValueError as error:
                err(row, "rag", str(error))

        if theme and reference and activity and (theme, reference) not in actions:
            actions[(theme, reference)] = ParsedAction(
                row=row,
                theme=theme,
                reference=reference,
                activity=activity,
                objective=objective,
                desired_outcome=text(row, values, "desired_outcome"),
                timeline=text(row, values, "timeline"),
                due_date=due_date,
                lead=text(row, values, "lead"),
                codes=codes,
                codes_as_printed=codes_text,
                rag=rating,
                narrative=text(row, values, "progress_update"),
            )
    if errors:
        raise PlanImportError(errors)
    return ParsedPlan(
        title=title or "",
        version=version or "",
        themes=tuple(themes.values()),
        objectives=tuple(objectives.values()),
        actions=tuple(actions.values()),
    )


# Writing ---------------------------------------------------------------------------------------------


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"


@dataclass
class ImportResult:
    """What an import did (or, for a dry run, would do)."""

    plan_title: str
    plan_version: str
    plan_created: bool
    dry_run: bool
    plan: Plan | None = None  # None after a dry run: nothing was kept
    themes: Tally = field(default_factory=Tally)
    objectives: Tally = field(default_factory=Tally)
    actions: Tally = field(default_factory=Tally)
    people_created: list[str] = field(default_factory=list)
    progress_updates_added: int = 0

    def summary_lines(self) -> list[str]:
        version = f" (version {self.plan_version})" if self.plan_version else ""
        people = f" ({', '.join(self.people_created)})" if self.people_created else ""
        lines = [
            f'Plan "{self.plan_title}"{version}: {"created" if self.plan_created else "updated"}',
            f"Themes: {self.themes}",
            f"Objectives: {self.objectives}",
            f"Actions: {self.actions}",
            f"People created: {len(self.people_created)}{people}",
            f"Progress updates added: {self.progress_updates_added}",
        ]
        if self.dry_run:
            lines.append("Dry run: nothing was written.")
        return lines


class _DryRunRollback(Exception):
    pass


def _known_codes(inspection: Inspection | None) -> dict[str, Recommendation] | None:
    """The inspection's recommendations by clean code (stored codes are clean; cleaning again costs nothing)."""
    if inspection is None:
        return None
    known = {}
    for recommendation in inspection.recommendations.all():
        try:
            known[clean_code(recommendation.code)] = recommendation
        except ValueError:
            known[recommendation.code] = recommendation
    return known


def _organisation_for(organisation: Organisation | None, inspection: Inspection | None) -> Organisation:
    """The organisation the import is for: the one given, else the inspection's, else the only one held.

    Everything the import looks up (the plan, the inspection, the leads) is then of this organisation only,
    and no message says anything about another (issue 12: no leaks through messages).
    """
    if organisation is None and inspection is not None:
        organisation = inspection.organisation
    if organisation is None:
        organisations = list(Organisation.objects.order_by("pk")[:2])
        if not organisations:
            raise PlanImportError(["There is no organisation yet: create the organisation the plan belongs to first."])
        if len(organisations) > 1:
            raise PlanImportError(["Choose the organisation the plan belongs to."])
        organisation = organisations[0]
    if inspection is not None and inspection.organisation_id != organisation.pk:
        raise PlanImportError(
            [f'The inspection "{inspection}" is not one of {organisation}\'s: choose an inspection of the '
             "organisation the plan belongs to, or none."]
        )
    return organisation


def _find_plan(parsed: ParsedPlan, organisation: Organisation) -> Plan | None:
    """The organisation's plan with this title and version, if it holds one. Another organisation's plan of
    the same title and version is never matched: the import then makes a new plan of this organisation."""
    return Plan.objects.filter(organisation=organisation, title=parsed.title, version=parsed.version).first()


class _Leads:
    """Match a lead as printed to a person of the plan's organisation (never another's), creating one in it
    when none matches.

    Exact name first, then initials when exactly one person has them; otherwise a new person named
    as printed (with the initials set when the text looks like initials).
    """

    def __init__(self, organisation):
        self.organisation = organisation
        self.by_name: dict[str, Person] = {}
        self.by_initials: dict[str, list[Person]] = {}
        for person in Person.objects.filter(organisation=organisation).order_by("pk"):
            self.by_name.setdefault(person.name, person)
            if person.initials:
                self.by_initials.setdefault(person.initials, []).append(person)
        self.created: list[str] = []

    def match(self, text: str) -> Person | None:
        if not text:
            return None
        if text in self.by_name:
            return self.by_name[text]
        candidates = self.by_initials.get(text, [])
        if len(candidates) == 1:
            return candidates[0]
        person = Person.objects.create(
            organisation=self.organisation, name=text, initials=text if _INITIALS.fullmatch(text) else ""
        )
        self.by_name[text] = person
        self.created.append(text)
        return person


def import_plan(
    *,
    rows: Sequence[tuple[int, Mapping[str, object]]],
    inspection: Inspection | None = None,
    organisation: Organisation | None = None,
    dry_run: bool = False,
    author: AbstractBaseUser | None = None,
) -> ImportResult:
    """Create or update a plan from spreadsheet rows (as `read_spreadsheet` returns them).

    Every row is validated first; any problem raises PlanImportError listing them all and nothing is
    written. The import is for `organisation`, else the inspection's organisation, else the only
    organisation held; an inspection of another organisation is refused. The plan is matched by title and
    version within that organisation only; a new plan belongs to it, is a draft (approved from its page,
    plans.services.approve_plan), and gets a slug no other plan holds (plans.slugs.unique_slug). Leads are
    matched to that organisation's people only.
    Themes are matched by number, objectives by theme and number, actions by theme and reference.
    Codes are recommendations of `inspection`: they replace the action's recommendations from that
    inspection and leave any others alone. A progress update (by `author`) is added only where the
    rating or narrative differs from the action's latest update. Columns not in the file leave what is
    held alone. Everything happens in one transaction (imports for one organisation take turns);
    `dry_run` rolls it back after counting.
    """
    # The organisation first: codes checked against another organisation's inspection would mislead.
    organisation = _organisation_for(organisation, inspection)
    recommendations = _known_codes(inspection)
    parsed = parse_rows(rows, known_codes=recommendations)
    result = ImportResult(plan_title=parsed.title, plan_version=parsed.version, plan_created=False, dry_run=dry_run)
    try:
        with transaction.atomic():
            # Imports for one organisation take turns, and look up the plan and the leads once it is their turn:
            # two at once would otherwise both create the plan, or both create a lead they name (a row lock on
            # PostgreSQL; SQLite's IMMEDIATE transactions serialise writers anyway).
            Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
            plan = _find_plan(parsed, organisation)
            result.plan_created = plan is None
            result.plan = _write(parsed, plan, organisation, inspection, recommendations or {}, author, result)
            if dry_run:
                raise _DryRunRollback
    except _DryRunRollback:
        result.plan = None
    return result


def _write(
    parsed: ParsedPlan,
    plan: Plan | None,
    organisation: Organisation,
    inspection: Inspection | None,
    recommendations: Mapping[str, Recommendation],
    author: AbstractBaseUser | None,
    result: ImportResult,
) -> Plan:
    """Write a validated plan, counting into `result`. Runs inside import_plan's transaction."""
    if plan is None:
        plan = Plan.objects.create(
            organisation=organisation,
            title=parsed.title,
            version=parsed.version,
            status=Plan.Status.DRAFT,  # an imported plan is approved from its page, by an admin
            slug=unique_slug(Plan, f"{parsed.title} {parsed.version}", organisation=organisation),
        )
    if inspection is not None:
        plan.inspections.add(inspection)

    themes = {theme.number: theme for theme in plan.themes.all()}
    for order, row in enumerate(parsed.themes, start=1):
        theme = themes.get(row.number)
        if theme is None:
            themes[row.number] = Theme.objects.create(plan=plan, number=row.number, title=row.title, order=order)
            result.themes.created += 1
        elif (theme.title, theme.order) != (row.title, order):
            theme.title, theme.order = row.title, order
            theme.save(update_fields=["title", "order"])
            result.themes.updated += 1
        else:
            result.themes.unchanged += 1

    objectives = {
        (objective.theme.number, objective.number): objective
        for objective in Objective.objects.filter(theme__plan=plan).select_related("theme")
    }
    positions: dict[str, int] = {}
    for row in parsed.objectives:
        order = positions[row.theme] = positions.get(row.theme, 0) + 1
        objective = objectives.get((row.theme, row.number))
        if objective is None:
            objectives[(row.theme, row.number)] = Objective.objects.create(
                theme=themes[row.theme], number=row.number, text=row.text, order=order
            )
            result.objectives.created += 1
        elif (objective.text, objective.order) != (row.text or objective.text, order):
            objective.text, objective.order = row.text or objective.text, order
            objective.save(update_fields=["text", "order"])
            result.objectives.updated += 1
        else:
            result.objectives.unchanged += 1

    latest = latest_updates()
    actions = {
        (action.theme.number, action.reference): action
        for action in Action.objects.for_plan(plan)
        .with_current_rag()
        .annotate(current_narrative=Subquery(latest.values("narrative")[:1]))
        .select_related("theme")
        .prefetch_related("recommendations")
    }
    leads = _Leads(organisation)
    positions = {}
    for row in parsed.actions:
        order = positions[row.theme] = positions.get(row.theme, 0) + 1
        action = actions.get((row.theme, row.reference))
        created = action is None
        if created:
            action = Action(theme=themes[row.theme], reference=row.reference)
            current_rag, current_narrative, held_codes = rag_scale.RAG.NOT_RATED, "", set()
        else:
            current_rag = rag_scale.RAG(action.current_rag)
            current_narrative = action.current_narrative or ""
            held = {recommendation.pk for recommendation in action.recommendations.all()}
            held_codes = {code for code, recommendation in recommendations.items() if recommendation.pk in held}

        wanted = {"activity": row.activity, "order": order}
        if row.objective is not None:
            wanted["objective_id"] = objectives[(row.theme, row.objective)].pk if row.objective else None
        for name in ("desired_outcome", "timeline"):
            if getattr(row, name) is not None:
                wanted[name] = getattr(row, name)
        if row.due_date is not False:
            wanted["due_date"] = row.due_date
        if row.lead is not None and (created or row.lead != action.lead_as_printed or action.lead_id is None):
            # An unchanged lead keeps the person it is linked to: someone may have resolved "JH" by hand.
            wanted["lead_as_printed"] = row.lead
            wanted["lead_id"] = getattr(leads.match(row.lead), "pk", None)
        codes_changed = row.codes is not None and inspection is not None and set(row.codes) != held_codes
        if codes_changed:
            wanted["codes_as_printed"] = row.codes_as_printed
        changed = [name for name, value in wanted.items() if getattr(action, name) != value]
        for name in changed:
            setattr(action, name, wanted[name])
        if created or changed:
            action._history_user = author
            action.save()
        if codes_changed:
            others = [r for r in action.recommendations.all() if r.inspection_id != inspection.pk] if not created else []
            action.recommendations.set(others + [recommendations[code] for code in row.codes])
        if created:
            result.actions.created += 1
        elif changed or codes_changed:
            result.actions.updated += 1
        else:
            result.actions.unchanged += 1

        # A blank rating or narrative changes nothing: the file need not repeat what is held.
        rating = row.rag or current_rag
        narrative = row.narrative or (current_narrative if rating == current_rag else "")
        if (rating, narrative) != (current_rag, current_narrative):
            ProgressUpdate.objects.create(action=action, author=author, rag=rating, narrative=narrative)
            result.progress_updates_added += 1
    result.people_created = leads.created
    return plan
