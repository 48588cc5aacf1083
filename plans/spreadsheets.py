"""What every spreadsheet download carries, so that it reads well with a screen reader and passes Excel's
accessibility checker: a named sheet, one bold header row frozen at the top with a filter on it, no merged
cells, and the workbook's title and language in its properties.

The writers (plans.register, plans.exports, plans.vital_signs) append their own rows; these helpers only dress
the workbook, and work in openpyxl's write-only mode too (the filter is set after the last row is written).
"""

from django.conf import settings
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

LANGUAGE = "en-GB"
HEADER_FONT = Font(bold=True)


def describe(workbook, *, title: str) -> None:
    """The workbook's title and language, as a screen reader announces them on opening."""
    workbook.properties.title = title[:255]
    workbook.properties.language = LANGUAGE
    workbook.properties.creator = settings.SERVICE_NAME


def bold_header(sheet) -> None:
    """Make the header row (row 1, already appended) bold and keep it in view when scrolling."""
    for cell in sheet[1]:
        cell.font = HEADER_FONT
    sheet.freeze_panes = "A2"


def filter_on_header(sheet, *, columns: int, rows: int) -> None:
    """A filter on the header row over the whole table (`rows` counts the header)."""
    sheet.auto_filter.ref = f"A1:{get_column_letter(columns)}{max(rows, 1)}"
