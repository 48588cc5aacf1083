"""The Vital Signs report: a plan's measures by theme, as at a day, for the page and its downloads.

One function builds the rows (`vital_signs`), so the HTML page, the CSV and the XLSX cannot disagree. It reads
in a fixed number of queries whatever the number of measures: the measures with their latest values and ratings
(MeasureQuerySet.with_latest), and the last SPARK_PERIODS values of every measure in one windowed query.
"""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F, Window
from django.db.models.functions import RowNumber
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from governance.restricted import label as restricted_label
from ui.charts import sparkline

from .exports import formula_safe
from .measures import QUALITATIVE_ORDER, Direction, MeasureRating, direction_of, format_value, rating_of, unit_label
from .models import Measure, MeasureValue, Plan, Theme
from .spreadsheets import bold_header, describe, filter_on_header

SPARK_PERIODS = 8


@dataclass
class Point:
    period_end: datetime.date
    value: Decimal | None
    status: str
    shown: str
    is_demo: bool


@dataclass
class Row:
    """One measure as the report shows it."""

    measure: Measure
    rating: MeasureRating
    direction: Direction
    latest: MeasureValue | None
    points: list[Point]  # oldest first, at most SPARK_PERIODS
    is_demo: bool  # a demo value is shown, or a demo target, tolerance or polarity rates it

    @property
    def latest_shown(self) -> str:
        return format_value(self.measure, self.latest.value, self.latest.status) if self.latest else ""

    @property
    def target_shown(self) -> str:
        return format_value(self.measure, self.measure.target) if self.measure.target is not None else ""

    @property
    def comparators(self) -> list[tuple[str, str]]:
        if self.latest is None:
            return []
        named = (("England", self.latest.england), ("Statistical neighbours", self.latest.neighbours),
                 ("Region", self.latest.region))
        return [(name, format_value(self.measure, figure)) for name, figure in named if figure is not None]

    def sparkline(self):
        qualitative = self.measure.kind == Measure.Kind.QUALITATIVE
        if qualitative:
            # Statuses drawn as steps on their own order (Not met low, Met high); the table gives the words.
            values = [QUALITATIVE_ORDER.index(p.status) if p.status in QUALITATIVE_ORDER else None for p in self.points]
        else:
            values = [point.value for point in self.points]
        if not any(v is not None for v in values):
            return None
        first, last = self.points[0], self.points[-1]
        scale = " Drawn low for Not met, middle for Partly met, high for Met." if qualitative else ""
        desc = (f"{len(self.points)} values from {first.period_end:%-d %B %Y} ({first.shown}) to "
                f"{last.period_end:%-d %B %Y} ({last.shown}).{scale} The figures are in the table that follows.")
        return sparkline(values, title=f"Trend of {self.measure.name}"[:300], desc=desc)


@dataclass
class ThemeGroup:
    plan: Plan
    theme: Theme | None
    rows: list[Row] = field(default_factory=list)

    @property
    def heading(self) -> str:
        # Named from the report's plan, not theme.plan, which would cost a query per theme.
        if self.theme is None:
            return "Measures of the whole plan"
        return f"{self.plan.get_part_word_display()} {self.theme.number}: {self.theme.title}"


@dataclass
class Report:
    plan: Plan
    as_at: datetime.date
    groups: list[ThemeGroup]

    @property
    def rows(self) -> list[Row]:
        return [row for group in self.groups for row in group.rows]

    @property
    def has_demo(self) -> bool:
        return any(row.is_demo for row in self.rows)


def vital_signs(plan: Plan, *, as_at: datetime.date, user) -> Report:
    """The plan's measures visible to `user`, grouped by theme in plan order, with values known at the end
    of London day `as_at`. Two queries."""
    measures = list(
        Measure.objects.visible_to(user).for_plan(plan).with_latest(as_at)
        .select_related("theme", "owner").order_by(F("theme__order").asc(nulls_first=True), "order", "pk")
    )
    recent = (
        MeasureValue.objects.filter(measure__in=[m.pk for m in measures]).known_at(as_at)
        .annotate(recency=Window(RowNumber(), partition_by=[F("measure_id")], order_by=F("period_end").desc()))
        .filter(recency__lte=SPARK_PERIODS).order_by("measure_id", "period_end")
    ) if measures else []
    by_measure: dict[int, list[MeasureValue]] = {}
    for value in recent:
        by_measure.setdefault(value.measure_id, []).append(value)

    groups: list[ThemeGroup] = []
    for measure in measures:
        values = by_measure.get(measure.pk, [])
        latest = values[-1] if values else None
        points = [Point(v.period_end, v.value, v.status, format_value(measure, v.value, v.status), v.is_demo)
                  for v in values]
        row = Row(measure=measure, rating=rating_of(measure.measure_rag), direction=direction_of(measure.direction),
                  latest=latest, points=points,
                  is_demo=bool(measure.demo_fields) or any(point.is_demo for point in points))
        if not groups or groups[-1].theme != measure.theme:
            groups.append(ThemeGroup(plan=plan, theme=measure.theme))
        groups[-1].rows.append(row)
    return Report(plan=plan, as_at=as_at, groups=groups)


# Downloads -------------------------------------------------------------------------------------------

COLUMNS = ("theme", "theme_title", "measure", "kind", "unit", "period_end", "value", "status", "target",
           "tolerance", "polarity", "england", "neighbours", "region", "rating", "direction", "owner", "demo",
           "as_at", "publication")  # "publication" last: a restricted measure's (or plan's) label, else blank
DOWNLOAD_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _cells(report: Report) -> list[list]:
    """Rows of plain values: numbers as Decimal, dates as dates, everything else text."""
    rows = []
    for row in report.rows:
        measure, latest = row.measure, row.latest
        rows.append([
            measure.theme.number if measure.theme else "", measure.theme.title if measure.theme else "",
            measure.name, measure.get_kind_display(), unit_label(measure),
            latest.period_end if latest else None,
            latest.value if latest else None,
            latest.get_status_display() if latest and latest.status else "",
            measure.target, measure.tolerance, measure.get_polarity_display() if measure.polarity else "",
            latest.england if latest else None, latest.neighbours if latest else None,
            latest.region if latest else None,
            row.rating.label, row.direction.label, measure.owner.name if measure.owner else "",
            "Demo data" if row.is_demo else "", report.as_at,
            restricted_label(measure) or restricted_label(report.plan),
        ])
    return rows


def _number(value: Decimal) -> Decimal | int:
    """A stored 4-place decimal as the plain number it is (55.5000 -> 55.5, 12.0000 -> 12)."""
    normal = value.normalize()
    # Whole numbers become int: normalize() alone would write 10 as "1E+1".
    return int(normal) if normal == normal.to_integral_value() else normal


def download(report: Report, fmt: str) -> bytes:
    """The report as CSV (UTF-8 with BOM) or XLSX: numbers stay numbers; only text is made formula-safe."""
    if fmt not in DOWNLOAD_TYPES:
        raise ValueError(f"{fmt!r} is not a download format: use csv or xlsx")
    rows = _cells(report)
    if fmt == "csv":
        out = io.StringIO(newline="")
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        for row in rows:
            writer.writerow(["" if v is None else v.isoformat() if isinstance(v, datetime.date)
                             else str(_number(v)) if isinstance(v, Decimal) else formula_safe(str(v))
                             for v in row])
        return out.getvalue().encode("utf-8-sig")
    book = Workbook()
    describe(book, title=f"Vital Signs: {report.plan.title}, as at {report.as_at:%-d %B %Y}")
    sheet = book.active
    sheet.title = "Vital Signs"
    sheet.append(COLUMNS)
    bold_header(sheet)
    for row in rows:
        sheet.append([v if v is None or isinstance(v, datetime.date) else _number(v) if isinstance(v, Decimal)
                      else ILLEGAL_CHARACTERS_RE.sub("", formula_safe(str(v))) for v in row])
        for index, value in enumerate(row, start=1):
            if isinstance(value, datetime.date):
                sheet.cell(row=sheet.max_row, column=index).number_format = "yyyy-mm-dd"
    filter_on_header(sheet, columns=len(COLUMNS), rows=sheet.max_row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def filename(report: Report, fmt: str) -> str:
    return f"{report.plan.slug}-vital-signs-{report.as_at.isoformat()}.{fmt}"

