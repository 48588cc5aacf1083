"""Every download is accessible as a file (issue 14 item 4), generated through its view as a reader gets it.

- PDFs (the live highlight report and an issued pack): tagged PDF/UA-1, identified as such in the XMP
  metadata, with the HTML title as the document title, the language, bookmarks that are exactly the
  headings of the structure tree, alternative text on every figure and header cells tied to their data cells.
- Word files (the same two): real Heading styles, the same headings as the PDF, no bold paragraph posing as a
  heading, every table's first row a repeating, bold header row; the title and language in the properties.
- Spreadsheets (the register, the Vital Signs, the plan export): a named sheet whose first row is the bold,
  frozen, filtered header; no merged cells anywhere; the title and language in the properties.
- CSVs (the register, the Vital Signs, the plan export, the position feed): the first row is the header.
"""

import csv
import datetime
import io
import logging
import re

import docx
import openpyxl
import pypdf
import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from docx.oxml.ns import qn

from governance.packs import issue_pack
from plans import exports, register, vital_signs
from plans.feed import ACTION_FIELDS
from tests import factories as f
from tests.governance import report_world

world = report_world.world  # the fixture

REPORT_TITLE = "Improvement Board: highlight report for the meeting of 17 July 2024"


# PDF ------------------------------------------------------------------------------------------------


def outline_with_depth(outline, depth=1) -> list[tuple[int, str]]:
    """pypdf's nested outline (an item, then a list of its children) as (depth, title) pairs in order."""
    found = []
    for item in outline:
        found += outline_with_depth(item, depth + 1) if isinstance(item, list) else [(depth, item["/Title"])]
    return found


def structure(node) -> list[pypdf.generic.DictionaryObject]:
    """Every structure element under `node`, in document order (marked-content references left out)."""
    node = node.get_object()
    found = [node] if "/S" in node else []
    kids = node.get("/K")
    if kids is None:
        return found
    kids = kids.get_object()
    for kid in kids if isinstance(kids, list) else [kids]:
        if isinstance(kid, pypdf.generic.IndirectObject | pypdf.generic.DictionaryObject):
            found += structure(kid)
    return found


def assert_accessible_pdf(content: bytes, *, title: str) -> list[tuple[int, str]]:
    """The PDF/UA checks that hold for every PDF the service writes; returns the bookmarks (depth, title)."""
    reader = pypdf.PdfReader(io.BytesIO(content))
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"].value is True
    assert root["/Lang"] == "en-GB"
    assert root["/ViewerPreferences"]["/DisplayDocTitle"].value is True  # a reader shows the title, not the file name
    assert reader.metadata.title == title
    xmp = reader.xmp_metadata.rdf_root.toxml()
    assert re.search(r'pdfuaid:part="1"', xmp), "no PDF/UA-1 identification in the XMP metadata"
    assert title in xmp

    elements = structure(root["/StructTreeRoot"])
    kinds = [str(e["/S"]) for e in elements]
    headings = [int(kind[2]) for kind in kinds if re.fullmatch(r"/H[1-6]", kind)]
    bookmarks = outline_with_depth(reader.outline)
    # One bookmark per tagged heading, at the heading's level, in the same order.
    assert [depth for depth, _ in bookmarks] == headings
    assert headings[0] == 1 and all(b - a <= 1 for a, b in zip(headings, headings[1:], strict=False)), headings

    figures = [e for e in elements if e["/S"] == "/Figure"]
    assert figures, "the report's charts should be tagged figures"
    for figure in figures:
        assert str(figure.get("/Alt", "")).strip(), "a figure has no alternative text"
    header_ids = {str(e["/ID"]) for e in elements if e["/S"] == "/TH"}
    assert header_ids, "tables should have header cells"
    cells = [e for e in elements if e["/S"] == "/TD"]
    assert cells
    for cell in cells:  # PDF/UA: each data cell names its header cells (Headers and IDs, from th scope)
        named = cell["/A"]["/Headers"] if "/A" in cell and "/Headers" in cell["/A"] else []
        assert named and {str(i) for i in named} <= header_ids, "a data cell is not tied to its headers"
    return bookmarks


@pytest.fixture
def report(world):
    """The report world with an agenda, so the cover's "Agenda items considered" heading is there too."""
    f.AgendaItemFactory(meeting=world.meeting, title="Improvement plan highlight report")
    return world


@pytest.fixture
def weasyprint_errors(caplog):
    """WeasyPrint logs, rather than raises, what breaks PDF/UA (an image with no alt, no document language)."""
    caplog.set_level(logging.ERROR, logger="weasyprint")
    return lambda: [r.getMessage() for r in caplog.records if r.name.startswith("weasyprint")]


def test_the_live_report_pdf_is_pdf_ua_with_title_language_and_bookmarks_from_its_headings(
        client, report, weasyprint_errors):
    client.force_login(report.member.user)
    response = client.get(reverse("governance:report_pdf", args=[report.meeting.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    bookmarks = assert_accessible_pdf(response.content, title=REPORT_TITLE)
    assert bookmarks[:3] == [(1, "Highlight report"), (2, "Agenda items considered"), (2, "Contents")]
    assert (2, "Exceptions") in bookmarks and (3, "Red actions") in bookmarks
    assert weasyprint_errors() == []


def test_an_issued_pack_pdf_is_pdf_ua_too(client, report, weasyprint_errors):
    pack = issue_pack(meeting=report.meeting, user=report.admin)
    client.force_login(report.member.user)
    response = client.get(reverse("governance:pack_pdf", args=[report.meeting.pk, pack.version]))
    assert response.status_code == 200
    bookmarks = assert_accessible_pdf(response.content, title=REPORT_TITLE)
    assert (2, "Matters arising from the action log") in bookmarks
    assert weasyprint_errors() == []


def test_the_pdf_checks_fail_for_a_chart_without_alt_text(report, weasyprint_errors):
    """The checks above can fail: the report's own HTML with the alt attributes taken away does."""
    from weasyprint import HTML

    from governance import packs

    context = packs.live_context(report.meeting, report.member.user)
    plans = [p | {"chart_src": packs.chart_image(p["chart"])} for p in context["plans"]]
    html = render_to_string("governance/report_pdf.html", context | {"plans": plans, "service_name": "Service"})
    assert ' alt="Actions by rating' in html
    unlabelled = HTML(string=html.replace(' alt="', ' data-alt="')).write_pdf(pdf_variant="pdf/ua-1")
    with pytest.raises(AssertionError, match="alternative text"):
        assert_accessible_pdf(unlabelled, title=REPORT_TITLE)
    assert any("alt" in message for message in weasyprint_errors())


# Word -----------------------------------------------------------------------------------------------


def word_headings(document) -> list[tuple[int, str]]:
    """The document's headings as (depth, text), the Title style counting as depth 1 (the PDF's h1)."""
    found = []
    for paragraph in document.paragraphs:
        name = paragraph.style.name
        if name == "Title":
            found.append((1, paragraph.text))
        elif match := re.fullmatch(r"Heading (\d)", name):
            found.append((int(match[1]) + 1, paragraph.text))
    return found


def assert_accessible_docx(content: bytes, *, title: str) -> list[tuple[int, str]]:
    document = docx.Document(io.BytesIO(content))
    assert document.core_properties.title == title
    assert document.core_properties.language == "en-GB"
    headings = word_headings(document)
    depths = [depth for depth, _ in headings]
    assert depths[0] == 1 and all(b - a <= 1 for a, b in zip(depths, depths[1:], strict=False)), headings
    for paragraph in document.paragraphs:  # a heading made by hand (all bold, in Normal) is invisible to a reader
        runs = [r for r in paragraph.runs if r.text.strip()]
        assert not (runs and all(r.bold for r in runs) and paragraph.style.name == "Normal"), paragraph.text
    assert document.tables
    for table in document.tables:
        first = table.rows[0]
        properties = first._tr.trPr
        assert properties is not None and properties.find(qn("w:tblHeader")) is not None, "header row not marked"
        assert all(run.bold for cell in first.cells for run in cell.paragraphs[0].runs)
    for shape in document.inline_shapes:  # none today (charts are tables in Word); any added needs alt text
        assert shape._inline.docPr.get("descr"), "an image has no alternative text"
    return headings


def test_the_live_report_word_file_has_the_pdfs_headings_as_heading_styles(client, report):
    client.force_login(report.member.user)
    pdf = client.get(reverse("governance:report_pdf", args=[report.meeting.pk])).content
    response = client.get(reverse("governance:report_docx", args=[report.meeting.pk]))
    assert response.status_code == 200
    headings = assert_accessible_docx(response.content, title=REPORT_TITLE)
    # One document, three outputs: Word has every heading the PDF has, at the same level (the PDF's
    # "Contents" list is the PDF's own: Word builds its navigation pane from the headings).
    bookmarks = outline_with_depth(pypdf.PdfReader(io.BytesIO(pdf)).outline)
    assert headings == [b for b in bookmarks if b != (2, "Contents")]


def test_an_issued_pack_word_file_is_accessible_too(client, report):
    pack = issue_pack(meeting=report.meeting, user=report.admin)
    client.force_login(report.member.user)
    response = client.get(reverse("governance:pack_docx", args=[report.meeting.pk, pack.version]))
    assert response.status_code == 200
    assert (2, "Summary") in assert_accessible_docx(response.content, title=REPORT_TITLE)


# Spreadsheets and CSV -------------------------------------------------------------------------------


@pytest.fixture
def plan_world(db):
    """An officer's plan with two actions and a measure with a figure: something in every spreadsheet."""
    org = f.OrganisationFactory()
    officer = f.PersonFactory(organisation=org, name="Lead Officer", user=f.user_in_role("Officer", username="lead"))
    plan = f.PlanFactory(organisation=org, title="Improvement Plan", slug="improvement-plan", status="approved",
                         start=datetime.date(2024, 1, 1))
    theme = f.ThemeFactory(plan=plan, number="1", title="Front door")
    f.ActionFactory(theme=theme, reference="1.1", lead=officer, activity="Recruit social workers",
                    due_date=datetime.date(2024, 12, 31))
    f.ActionFactory(theme=theme, reference="1.2", lead=officer, activity="Clear the backlog",
                    due_date=datetime.date(2025, 3, 31))
    measure = f.MeasureFactory(theme=theme, name="Assessments in 45 days", target=80)
    f.MeasureValueFactory(measure=measure, period_end=datetime.date(2024, 6, 30), value=74)
    return plan, officer.user


SPREADSHEETS = {  # name: (URL, header row, sheet title, workbook title)
    "register": (lambda plan: reverse("plans:register_xlsx"), register.COLUMNS, "Register", "Action register, "),
    "vital signs": (lambda plan: reverse("plans:vital_signs_xlsx", args=[plan.slug]) + "?as_at=2024-07-31",
                    vital_signs.COLUMNS, "Vital Signs", "Vital Signs: Improvement Plan, as at 31 July 2024"),
    "plan export": (lambda plan: reverse("plans:export", args=[plan.slug, "xlsx"]), exports.COLUMNS, "Plan",
                    "Improvement Plan"),
}


@pytest.mark.parametrize("name", SPREADSHEETS)
def test_each_spreadsheet_has_a_bold_frozen_filtered_header_row_and_no_merged_cells(client, plan_world, name):
    plan, user = plan_world
    url, columns, sheet_title, title = SPREADSHEETS[name]
    client.force_login(user)
    response = client.get(url(plan))
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.properties.title.startswith(title)
    assert book.properties.language == "en-GB"
    for sheet in book.worksheets:
        assert not sheet.merged_cells.ranges, f"merged cells on {sheet.title}"
    sheet = book.worksheets[0]
    assert sheet.title == sheet_title
    header = [cell.value for cell in sheet[1]]
    assert header == list(columns)
    assert all(cell.font.b for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.max_row > 1, "the fixture's rows should be in the file"
    assert sheet.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(len(columns))}{sheet.max_row}"


CSVS = {  # name: (URL, header row)
    "register": (lambda plan: reverse("plans:register_csv"), register.COLUMNS),
    "vital signs": (lambda plan: reverse("plans:vital_signs_csv", args=[plan.slug]) + "?as_at=2024-07-31",
                    vital_signs.COLUMNS),
    "plan export": (lambda plan: reverse("plans:export", args=[plan.slug, "csv"]), exports.COLUMNS),
    "position feed": (lambda plan: reverse("plans:position_feed", args=[plan.slug]) + "?format=csv", ACTION_FIELDS),
}


@pytest.mark.parametrize("name", CSVS)
def test_each_csv_starts_with_its_header_row(client, plan_world, name):
    plan, user = plan_world
    url, columns = CSVS[name]
    client.force_login(user)
    response = client.get(url(plan))
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0] == list(columns)
    assert len(rows) > 1 and all(len(row) == len(columns) for row in rows)
