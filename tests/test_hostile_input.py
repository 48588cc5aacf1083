"""Hostile input never breaks anything (issue 13, item 5).

Property-based tests (hypothesis, a few examples each so the suite stays quick) feed random and known-hostile
values into every form, every filter and feed query string and both importers, and check three things for each
example: no response is a 500 (nor raises), a refused form or import leaves every table's row count as it was,
and what is shown back is escaped. Then uploads are checked by content, and every export neutralises text a
spreadsheet would run as a formula.
"""

import csv
import datetime
import io
import zipfile
from types import SimpleNamespace

import openpyxl
import pytest
from django import forms
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from governance.models import Attendance, BoardPack, LogItem, LogItemUpdate, Membership
from plans.exports import formula_safe
from plans.imports import COLUMNS, PlanImportError, SpreadsheetError, import_plan, read_spreadsheet
from plans.measure_imports import import_measure_values
from plans.models import (
    Action,
    ImpactAssessment,
    Measure,
    MeasureValue,
    Milestone,
    Objective,
    Person,
    Plan,
    ProgressUpdate,
    Theme,
)
from tests import factories as f

pytestmark = pytest.mark.django_db

# Hostile values ---------------------------------------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
# Markup that must never come back unescaped, whatever surrounds it.
MARKUP = (SCRIPT, IMG)
FORMULAS = ('=HYPERLINK("http://evil.example","click")', "+1", "-1+1", "@SUM(1)", "=1+1", "\t=1", "\r=1")
KNOWN_HOSTILE = (
    "\x00", "a\x00b", "x" * 100_000, "\u202e" + "gnp.exe", "e\u0301\u0301\u0301\u0301", "Z\u0334\u0321a\u0336l",
    "' OR 1=1 --", "'; DROP TABLE plans_action; --", '" OR ""="', "%00", "%", "_", "\\", "../../etc/passwd",
    "{{ 7|add:7 }}", "{% debug %}", "${7*7}", "\ufeff", "\u200b", " ", "", "null", "None", "[]", "{}",
    "31/02/2024", "9999-99-99", "2024-02-30", "0000-00-00", "0001-01-01", "9999-12-31", "-2024-01-01",
    "1e309", "-1e309", "-1", "NaN", "Infinity", "-0", "0x1F", "9" * 40, "-" + "9" * 40, "1,2,3,4", "\u0661\u0662",
    *MARKUP, *FORMULAS,
)
# Text without lone surrogates: the test client could not encode those, so they never reach the server.
_TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=60)
HOSTILE_TEXT = st.one_of(st.sampled_from(KNOWN_HOSTILE), _TEXT,
                         st.builds(lambda a, b: a + SCRIPT + b, _TEXT, _TEXT))
HOSTILE_NUMBER = st.one_of(
    st.sampled_from(KNOWN_HOSTILE),
    st.integers().map(str),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)
# A day, month or year box: numbers of every size, or anything at all.
DATE_PART = st.one_of(HOSTILE_NUMBER, st.integers(min_value=-5, max_value=10000).map(str))

BOUNDED = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
FEW = settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

COUNTED = (Plan, Theme, Objective, Action, Action.history.model, ProgressUpdate, Person, Measure, MeasureValue,
           ImpactAssessment, Milestone, Attendance, LogItem, LogItemUpdate, BoardPack, Membership)


def counts() -> dict:
    return {model._meta.label: model.objects.count() for model in COUNTED}


def hostile_dates(prefix: str):
    """The three boxes of a GOV.UK date input, each hostile."""
    return st.fixed_dictionaries({f"{prefix}_0": DATE_PART, f"{prefix}_1": DATE_PART, f"{prefix}_2": DATE_PART})


def check(response, before: dict | None = None, *, saved=(302,)):
    """No 500 and no exception; a response that did not save left every count alone; markup shown escaped."""
    assert response.exc_info is None, response.exc_info
    assert response.status_code != 500
    assert response.status_code < 500
    if currently_in_test_context():
        event(f"HTTP {response.status_code}")  # --hypothesis-show-statistics shows how many were accepted
    if before is not None and response.status_code not in saved:
        assert counts() == before
    if "html" in response.get("Content-Type", ""):
        body = response.content.decode()
        for markup in MARKUP:
            assert markup not in body
    return response


def quiet_client(user) -> Client:
    """A client that returns a 500 as a response (checked) rather than raising it at the test."""
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


@pytest.fixture
def world(cast):
    """The cast plus a measure of each kind, a milestone, a meeting with a clerk, a log item and a recommendation."""
    theme = cast.action.theme
    quantitative = f.MeasureFactory(theme=theme, name="Timely assessments", target=80)
    qualitative = f.QualitativeMeasureFactory(theme=theme, name="Practice standards")
    milestone = f.MilestoneFactory(action=cast.action)
    clerk = f.PersonFactory(organisation=cast.org, name="Democratic Services",
                            user=f.user_in_role("Board member", username="clerk"))
    f.ClerkMembershipFactory(board=cast.plan.board, person=clerk)
    meeting = f.MeetingFactory(board=cast.plan.board,
                               start=datetime.datetime(2024, 3, 1, 10, tzinfo=datetime.UTC))
    item = f.RecommendationLogItemFactory(meeting=meeting)
    inspection = f.InspectionFactory(organisation=cast.org)
    f.RecommendationFactory(inspection=inspection, code="R1")
    return SimpleNamespace(**vars(cast), theme=theme, quantitative=quantitative, qualitative=qualitative,
                           milestone=milestone, clerk=clerk.user, meeting=meeting, item=item,
                           inspection=inspection)


# Every form ---------------------------------------------------------------------------------------------
# Structural fields (choices, versions, dates) are valid about half the time, so that hostile text is often
# accepted and stored, and then read back on the page that shows it.


def box(day: datetime.date, prefix: str) -> dict:
    return {f"{prefix}_0": str(day.day), f"{prefix}_1": str(day.month), f"{prefix}_2": str(day.year)}


def dates(prefix: str, *valid: datetime.date | None):
    """A valid day (or blank, for None), or hostile boxes."""
    good = st.sampled_from([box(day, prefix) if day else {} for day in valid])
    return st.one_of(good, good, good, hostile_dates(prefix))  # three in four valid


def or_hostile(*valid):
    good = st.sampled_from(valid)
    return st.one_of(good, good, good, HOSTILE_TEXT)


def shown_back(client, url):
    """The page that shows what was saved: it too answers, with the markup escaped."""
    assert check(client.get(url)).status_code == 200


TODAY = datetime.date.today()


@BOUNDED
@given(rag=or_hostile("red", "amber", "green", "blue"), narrative=HOSTILE_TEXT.filter(str.strip),
       mitigation=HOSTILE_TEXT, evidence=HOSTILE_TEXT, reason=HOSTILE_TEXT, version=HOSTILE_NUMBER,
       revised=dates("revised_due_date", None, TODAY + datetime.timedelta(days=90)), new=dates("new_due_date", None),
       applies=dates("applies_from", None), honest_version=st.sampled_from([True, True, True, False]))
def test_progress_update_form(world, rag, narrative, mitigation, evidence, reason, version, revised, new, applies,
                              honest_version):
    world.action.refresh_from_db()
    data = {"rag": rag, "narrative": narrative, "next_steps": narrative, "mitigation": mitigation,
            "evidence": evidence, "due_date_reason": reason,
            "version": world.action.version if honest_version else version, **revised, **new, **applies}
    client = quiet_client(world.lead.user)
    before = counts()
    if check(client.post(reverse("plans:update", args=[world.action.pk]), data), before).status_code == 302:
        shown_back(client, reverse("plans:action", args=[world.action.pk]))


@BOUNDED
@given(value=or_hostile("55", "55.5%", "1,234"), england=or_hostile(""), status=or_hostile("met", "not_met"),
       note=HOSTILE_TEXT, period=dates("period_end", datetime.date(2024, 3, 31)), qualitative=st.booleans())
def test_measure_value_form(world, value, england, status, note, period, qualitative):
    measure = world.qualitative if qualitative else world.quantitative
    data = {"value": value, "england": england, "neighbours": england, "region": england, "status": status,
            "note": note, **period}
    client = quiet_client(world.admin)
    before = counts()
    if check(client.post(reverse("plans:measure_value", args=[measure.pk]), data), before).status_code == 302:
        shown_back(client, reverse("plans:measure", args=[measure.pk]))
        shown_back(client, reverse("plans:vital_signs", args=[world.plan.slug]))


@BOUNDED
@given(level=or_hostile("emerging", "not_yet_evident"), rationale=HOSTILE_TEXT.filter(str.strip),
       findings=HOSTILE_TEXT, voices=HOSTILE_TEXT, measures=st.lists(HOSTILE_NUMBER, max_size=2),
       day=dates("assessed_on", TODAY))
def test_impact_assessment_form(world, level, rationale, findings, voices, measures, day):
    data = {"level": level, "rationale": rationale, "practice_findings": findings, "voices": voices,
            "measures": measures, **day}
    client = quiet_client(world.admin)
    before = counts()
    if check(client.post(reverse("plans:impact", args=[world.theme.pk]), data), before).status_code == 302:
        shown_back(client, reverse("plans:theme", args=[world.theme.pk]))


@BOUNDED
@given(outcome=or_hostile("achieved", "missed"), note=HOSTILE_TEXT, on=dates("on", TODAY),
       next_url=HOSTILE_TEXT | st.just("//evil.example/") | st.just("https://evil.example/"))
def test_milestone_outcome_form(world, outcome, note, on, next_url):
    data = {"outcome": outcome, "note": note, "next": next_url, **on}
    client = quiet_client(world.lead.user)
    before = counts()
    response = check(client.post(reverse("plans:milestone_outcome", args=[world.milestone.pk]), data), before)
    if response.status_code == 302:
        assert "evil.example" not in response["Location"]
        shown_back(client, reverse("plans:action", args=[world.action.pk]))


@BOUNDED
@given(person=HOSTILE_NUMBER, status=or_hostile("present", "apologies"), substitute=HOSTILE_TEXT,
       declarations=HOSTILE_TEXT, real_person=st.booleans())
def test_clerk_attendance_form(world, person, status, substitute, declarations, real_person):
    data = {"person": world.board.pk if real_person else person, "status": status, "substitute_for": substitute,
            "declarations": declarations}
    client = quiet_client(world.clerk)
    before = counts()
    if check(client.post(reverse("governance:attendance", args=[world.meeting.pk]), data),
             before).status_code == 302:
        shown_back(client, reverse("governance:meeting", args=[world.meeting.pk]))


@settings(BOUNDED, max_examples=10)  # three forms an example
@given(kind=or_hostile("decision", "action"), text=HOSTILE_TEXT.filter(str.strip), owner=HOSTILE_NUMBER,
       owner_as_text=HOSTILE_TEXT, due=dates("due_date", None, datetime.date(2024, 4, 1)),
       status=or_hostile("open", "done"))
def test_clerk_log_forms(world, kind, text, owner, owner_as_text, due, status):
    client = quiet_client(world.clerk)
    meeting_page = reverse("governance:meeting", args=[world.meeting.pk])
    before = counts()
    if check(client.post(reverse("governance:log_item_new", args=[world.meeting.pk]),
                         {"kind": kind, "text": text, "owner": owner, "owner_as_text": owner_as_text, **due}),
             before).status_code == 302:
        shown_back(client, meeting_page)
    before = counts()
    if check(client.post(reverse("governance:log_item_update", args=[world.item.pk]),
                         {"text": text, "status": status}), before).status_code == 302:
        shown_back(client, meeting_page)
    before = counts()
    received = {key.replace("due_date", "received_on"): value for key, value in due.items()}
    if check(client.post(reverse("governance:log_item_response", args=[world.item.pk]),
                         {"response": text, **received}), before).status_code == 302:
        shown_back(client, meeting_page)


# Hostile text that every form accepts as text: stored, then shown back escaped and as written.
SHOWN = (SCRIPT, IMG, "\u202e" + "gnp.exe", "e\u0301\u0301\u0301\u0301", "' OR 1=1 --", "{{ 7|add:7 }}",
         "{% debug %}", '=HYPERLINK("http://evil.example","click")', "x" * 100_000)


@pytest.mark.parametrize("text", SHOWN, ids=lambda text: repr(text[:20]))
def test_hostile_text_is_stored_and_shown_back_escaped(world, text):
    lead, admin, clerk = quiet_client(world.lead.user), quiet_client(world.admin), quiet_client(world.clerk)
    world.action.refresh_from_db()
    posts = [
        (lead, reverse("plans:update", args=[world.action.pk]),
         {"rag": "amber", "narrative": text, "mitigation": text, "version": world.action.version}),
        (admin, reverse("plans:measure_value", args=[world.quantitative.pk]),
         {"value": "55", "note": text, **box(datetime.date(2024, 3, 31), "period_end")}),
        (admin, reverse("plans:impact", args=[world.theme.pk]),
         {"level": "emerging", "rationale": text, "practice_findings": text, **box(TODAY, "assessed_on")}),
        (lead, reverse("plans:milestone_outcome", args=[world.milestone.pk]),
         {"outcome": "missed", "note": text, **box(TODAY, "on")}),
        (clerk, reverse("governance:attendance", args=[world.meeting.pk]),
         {"person": world.board.pk, "status": "present", "declarations": text}),
        (clerk, reverse("governance:log_item_new", args=[world.meeting.pk]), {"kind": "decision", "text": text}),
    ]
    for client, url, data in posts:
        assert check(client.post(url, data)).status_code == 302, url
    pages = [reverse("plans:action", args=[world.action.pk]), reverse("plans:measure", args=[world.quantitative.pk]),
             reverse("plans:theme", args=[world.theme.pk]), reverse("governance:meeting", args=[world.meeting.pk]),
             reverse("plans:register"), reverse("plans:dashboard", args=[world.plan.slug]),
             reverse("plans:vital_signs", args=[world.plan.slug])]
    bodies = [check(admin.get(url)).content.decode() for url in pages]
    if text.startswith("{"):
        # Shown as written (the action page has the narrative, the meeting page the decision), never run.
        assert text in bodies[0] and text in bodies[3]


def _not_version_zero(text: str) -> bool:
    """Any version but the one that would issue a first pack (rendering one is slow, and is not the point)."""
    try:
        return forms.IntegerField().clean(text) != 0
    except forms.ValidationError:
        return True


@FEW
@given(reason=HOSTILE_TEXT, version=HOSTILE_NUMBER.filter(_not_version_zero), restricted=HOSTILE_TEXT,
       paragraph=HOSTILE_NUMBER)
def test_pack_issue_form(world, reason, version, restricted, paragraph):
    data = {"reason": reason, "based_on_version": version, "restricted": restricted,
            "exemption_paragraph": paragraph}
    before = counts()
    check(quiet_client(world.clerk).post(reverse("governance:issue_pack", args=[world.meeting.pk]), data), before)


@FEW
@given(data=st.dictionaries(HOSTILE_TEXT.filter(bool), HOSTILE_TEXT, max_size=3))
def test_approve_plan_post(world, data):
    world.plan.status = Plan.Status.DRAFT
    world.plan.save(update_fields=["status"])
    check(quiet_client(world.admin).post(reverse("plans:approve", args=[world.plan.slug]), data))


@FEW
@given(hostile=st.dictionaries(st.sampled_from(COLUMNS), HOSTILE_TEXT, max_size=4),
       dry_run=st.sampled_from(["", "on"]) | HOSTILE_TEXT, inspection=st.just("") | HOSTILE_NUMBER,
       xlsx=st.booleans())
def test_admin_import_form(world, hostile, dry_run, inspection, xlsx):
    data = spreadsheet([list(COLUMNS), _plan_row(world, hostile)], xlsx=xlsx)
    upload = io.BytesIO(data)
    upload.name = "plan.xlsx" if xlsx else "plan.csv"
    before = counts()
    # The page answers 200 whether it wrote or not, so what it says decides what may have changed.
    response = check(quiet_client(world.admin).post(
        reverse("admin:plans_plan_import"), {"file": upload, "dry_run": dry_run, "inspection": inspection}))
    result, errors = response.context["result"], response.context["errors"]
    form = response.context["form"]
    event("refused" if errors or not form.is_valid() else "dry run" if result.dry_run else "written")
    if errors or not form.is_valid() or (result and result.dry_run):
        assert counts() == before
    else:
        # Written whole: the plan, its theme and its action together, never a part of them.
        after = counts()
        assert result.actions.created + result.actions.updated + result.actions.unchanged == 1
        assert after["plans.Action"] - before["plans.Action"] == result.actions.created
        assert after["plans.Theme"] - before["plans.Theme"] == result.themes.created
        assert after["plans.Plan"] - before["plans.Plan"] == int(result.plan_created)


# Every filter and feed query string --------------------------------------------------------------------


QUERY_NAMES = ("search", "plan", "theme", "rag", "lead", "overdue", "due_after", "due_before", "recommendation",
               "updated_before", "sort", "page", "per_page", "flag", "past", "as_at", "compare", "format",
               "as_at_0", "as_at_1", "as_at_2", "compare_0", "compare_1", "compare_2", "all")
HOSTILE_QUERY = st.dictionaries(st.sampled_from(QUERY_NAMES), HOSTILE_TEXT | HOSTILE_NUMBER, min_size=1, max_size=5)


def _get_all(world, query, *, downloads=True):
    """Every page that reads a query string. The register's and Vital Signs' downloads read their filters with
    the code their pages use, so a test of many values may leave them to the random test."""
    client = quiet_client(world.admin)
    slug = world.plan.slug
    urls = [reverse("plans:register"), reverse("plans:my_actions"), reverse("plans:vital_signs", args=[slug]),
            reverse("plans:dashboard", args=[slug]), reverse("plans:position_feed", args=[slug])]
    if downloads:
        urls += [reverse("plans:register_csv"), reverse("plans:register_xlsx"),
                 reverse("plans:vital_signs_csv", args=[slug]), reverse("plans:vital_signs_xlsx", args=[slug])]
    before = counts()
    for url in urls:
        response = check(client.get(url, query))
        if url.endswith("/position/") and response.status_code == 400:
            assert "error" in response.json()
    # A query string reads; it never writes (the audit trail aside, which is not counted here).
    assert counts() == before


@settings(BOUNDED, max_examples=8)
@given(query=HOSTILE_QUERY)
def test_every_filter_and_feed_query_string(world, query):
    _get_all(world, query)


@pytest.mark.parametrize("value", KNOWN_HOSTILE)
def test_every_known_hostile_value_in_every_query_parameter(world, value):
    _get_all(world, dict.fromkeys(QUERY_NAMES, value), downloads=False)


# Both importers, called directly ------------------------------------------------------------------------


def spreadsheet(rows, *, xlsx: bool) -> bytes:
    if xlsx:
        book = openpyxl.Workbook()
        sheet = book.active
        for row in rows:
            # XML cannot hold these characters at all, so no workbook can carry them (the CSV case does).
            sheet.append([ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value for value in row])
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()
    out = io.StringIO(newline="")
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


def _plan_row(world, hostile: dict) -> list:
    good = {"plan": "Hostile plan", "version": "1", "theme": "9", "theme_title": "Theme", "action": "9.1",
            "activity": "Do it", "due_date": "2025-01-31", "rag": "green", "progress_update": "Going well"}
    return [hostile.get(name, good.get(name, "")) for name in COLUMNS]


@BOUNDED
@given(hostile=st.dictionaries(st.sampled_from(COLUMNS), HOSTILE_TEXT, min_size=1, max_size=4), xlsx=st.booleans(),
       dry_run=st.booleans())
def test_plan_import_with_hostile_cells(world, hostile, xlsx, dry_run):
    data = spreadsheet([list(COLUMNS), _plan_row(world, hostile)], xlsx=xlsx)
    before = counts()
    try:
        rows = read_spreadsheet(io.BytesIO(data), "plan.xlsx" if xlsx else "plan.csv")
        import_plan(rows=rows, inspection=world.inspection, dry_run=dry_run, author=world.admin)
    except PlanImportError as error:
        event("refused")
        assert error.errors and all(isinstance(message, str) and message for message in error.errors)
        assert counts() == before
    else:
        event("imported")
        if dry_run:
            assert counts() == before


@BOUNDED
@given(hostile=st.dictionaries(st.sampled_from(("plan", "theme", "measure", "period_end", "value", "note",
                                                "england", "neighbours", "region")),
                               HOSTILE_TEXT | HOSTILE_NUMBER, min_size=1, max_size=4),
       xlsx=st.booleans(), dry_run=st.booleans())
def test_measure_import_with_hostile_cells(world, hostile, xlsx, dry_run):
    good = {"plan": world.plan.slug, "theme": world.theme.number, "measure": world.quantitative.name,
            "period_end": "2024-03-31", "value": "55", "note": "", "england": "", "neighbours": "", "region": ""}
    header = list(good)
    data = spreadsheet([header, [hostile.get(name, good[name]) for name in header]], xlsx=xlsx)
    before = counts()
    try:
        rows = read_spreadsheet(io.BytesIO(data), "values.xlsx" if xlsx else "values.csv")
        import_measure_values(rows=rows, dry_run=dry_run, entered_by=world.admin, organisation=world.org)
    except PlanImportError as error:
        event("refused")
        assert error.errors and all(isinstance(message, str) and message for message in error.errors)
        assert counts() == before
    else:
        event("imported")
        if dry_run:
            assert counts() == before


def test_a_refused_row_among_good_ones_writes_none_of_them(world):
    rows = [list(COLUMNS), _plan_row(world, {}), _plan_row(world, {"action": "9.2", "due_date": "31/02/2024"})]
    before = counts()
    with pytest.raises(PlanImportError) as refused:
        import_plan(rows=read_spreadsheet(io.BytesIO(spreadsheet(rows, xlsx=False)), "plan.csv"),
                    author=world.admin, organisation=world.org)
    assert "row 3, column due_date" in str(refused.value)
    assert counts() == before


# Uploads: size and type by content, not by name --------------------------------------------------------


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40


def _zip(files: dict) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return out.getvalue()


def _workbook_with_sheet(sheet_xml: bytes) -> bytes:
    """A real workbook whose first sheet's XML is replaced."""
    good = spreadsheet([list(COLUMNS), ["a"] * len(COLUMNS)], xlsx=True)
    source = zipfile.ZipFile(io.BytesIO(good))
    return _zip({name: sheet_xml if name == "xl/worksheets/sheet1.xml" else source.read(name)
                 for name in source.namelist()})


def _sheet(cell_xml: str) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8"?><worksheet '
            'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            f'<row r="1"><c r="A1" t="inlineStr"><is><t>plan</t></is></c></row>'
            f'<row r="2"><c r="A2" t="inlineStr"><is><t>{cell_xml}</t></is></c></row>'
            "</sheetData></worksheet>").encode()


REFUSED_UPLOADS = {
    "a PNG named .xlsx": (PNG, "plan.xlsx", "not an .xlsx workbook"),
    "a PNG named .csv": (PNG, "plan.csv", "its content is a PNG image"),
    "a zip that is not a workbook": (_zip({"readme.txt": b"hello"}), "plan.xlsx", "could not be opened as one"),
    "a PDF named .csv": (b"%PDF-1.7\n%\xe2\xe3\n", "plan.csv", "its content is a PDF document"),
    "a workbook named .csv": (spreadsheet([["plan"], ["x"]], xlsx=True), "plan.csv", "its content is a zip archive"),
    "a CSV with NUL bytes": (b"plan,theme\r\nx\x00y,1\r\n", "plan.csv", "binary data"),
    "a CSV in Latin-1": ("plan\r\nCaf\xe9\r\n".encode("latin-1"), "plan.csv", "not UTF-8 text"),
    "a workbook whose sheet holds a NUL": (_workbook_with_sheet(_sheet("x&#0;y")), "plan.xlsx",
                                           "could not be opened as one"),
    "a workbook whose sheet is not XML": (_workbook_with_sheet(b"<worksheet><sheetData><row"), "plan.xlsx",
                                          "could not be opened as one"),
    "a zip named .xlsx with no workbook in it": (_zip({"[Content_Types].xml": b"<x/>"}), "plan.xlsx",
                                                 "could not be opened as one"),
    "a text file named .exe": (b"plan\r\nx\r\n", "plan.exe", "must be a spreadsheet"),
}


@pytest.mark.parametrize("data, filename, message", REFUSED_UPLOADS.values(), ids=REFUSED_UPLOADS.keys())
def test_uploads_are_checked_by_content_not_name(world, data, filename, message):
    before = counts()
    with pytest.raises(SpreadsheetError) as refused:
        read_spreadsheet(io.BytesIO(data), filename)
    assert message in str(refused.value)
    # And through the admin's upload page: a clear message, nothing written.
    upload = io.BytesIO(data)
    upload.name = filename
    response = check(quiet_client(world.admin).post(reverse("admin:plans_plan_import"), {"file": upload}))
    assert message in response.content.decode().replace("&quot;", '"').replace("&#x27;", "'")
    assert counts() == before


def test_a_zip_bomb_named_xlsx_is_refused_before_it_is_unpacked(world, settings):
    """A small upload that unpacks to far more than it weighs (here 1 KB of zip for 30 MB of sheet)."""
    settings.IMPORT_MAX_BYTES = 1024 * 1024
    bomb = _zip({"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<x/>",
                 "xl/worksheets/sheet1.xml": b" " * (30 * 1024 * 1024)})
    assert len(bomb) < settings.IMPORT_MAX_BYTES
    before = counts()
    with pytest.raises(SpreadsheetError, match="it unpacks to more than 20 MB"):
        read_spreadsheet(io.BytesIO(bomb), "plan.xlsx")
    assert counts() == before


def test_an_upload_over_the_size_limit_is_refused(world, settings):
    settings.IMPORT_MAX_BYTES = 1024
    with pytest.raises(SpreadsheetError, match="too large: the limit is 1 KB"):
        read_spreadsheet(io.BytesIO(b"plan\r\n" + b"x" * 2000), "plan.csv")


# Every export neutralises formula-like text ------------------------------------------------------------


@pytest.fixture
def formulas(world):
    """Hostile text where every export writes text: the activity, the lead as printed, the narrative, the
    theme's title and the measure's name."""
    action = world.action
    action.activity = '=HYPERLINK("http://evil.example","click")'
    action.lead_as_printed = "@SUM(1)"
    action.reference = "-1+1"
    action.save()
    world.theme.title = "+1"
    world.theme.save()
    f.ProgressUpdateFactory(action=action, narrative="\t=1", rag="green")
    world.quantitative.name = "=cmd|' /C calc'!A0"
    world.quantitative.save()
    f.MeasureValueFactory(measure=world.quantitative, value=50)
    world.lead.name = "\r=1"
    world.lead.save()
    return world


DANGEROUS_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _assert_no_formula(cells):
    cells = [cell for cell in cells if isinstance(cell, str) and cell]
    assert cells
    for cell in cells:
        assert not cell.startswith(DANGEROUS_STARTS), cell


def _csv_cells(content: bytes):
    return [cell for row in csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")) for cell in row]


def _xlsx_cells(content: bytes):
    book = openpyxl.load_workbook(io.BytesIO(content))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", cell.value  # no cell is stored as a formula
                yield cell.value


@pytest.mark.parametrize("url_name, kind", [
    ("plans:register_csv", "csv"), ("plans:register_xlsx", "xlsx"),
    ("plans:vital_signs_csv", "csv"), ("plans:vital_signs_xlsx", "xlsx"),
    ("plans:export", "csv"), ("plans:export", "xlsx"), ("plans:position_feed", "csv"),
])
def test_every_export_neutralises_formula_like_text(formulas, url_name, kind):
    slug = formulas.plan.slug
    if url_name == "plans:export":
        url, query = reverse(url_name, args=[slug, kind]), {}
    elif url_name == "plans:position_feed":
        url, query = reverse(url_name, args=[slug]), {"format": "csv"}
    elif url_name.startswith("plans:vital_signs"):
        url, query = reverse(url_name, args=[slug]), {}
    else:
        url, query = reverse(url_name), {}
    response = check(quiet_client(formulas.admin).get(url, query))
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    cells = _csv_cells(content) if kind == "csv" else list(_xlsx_cells(content))
    _assert_no_formula(cells)
    # The hostile text is there, made safe, not dropped.
    assert any(str(cell).startswith("'") for cell in cells if cell)


@pytest.mark.parametrize("text", [*FORMULAS, "=", "-", "'=1", "plain", "-1", "\t", "\r\n=1"])
def test_formula_safe_quotes_exactly_what_a_spreadsheet_would_run(text):
    safe = formula_safe(text)
    assert not safe.startswith(DANGEROUS_STARTS)
    assert safe == (("'" + text) if text.startswith(DANGEROUS_STARTS) else text)


@pytest.mark.parametrize("text", [*FORMULAS, "plain"])
def test_an_exported_formula_like_cell_imports_back_as_written(world, text):
    """The import takes off exactly the one quote the export added."""
    rows = [list(COLUMNS), _plan_row(world, {"activity": "Do " + text, "progress_update": text.strip() or "x"})]
    data = spreadsheet([[formula_safe(cell) for cell in row] for row in rows], xlsx=False)
    parsed = read_spreadsheet(io.BytesIO(data), "plan.csv")
    assert parsed[0][1]["progress_update"] == (text.strip() or "x")
