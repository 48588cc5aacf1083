"""Importing a plan from a spreadsheet: good files, re-imports, dry runs, and every kind of bad file."""

import csv
import datetime
import io
import zipfile

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from inspections.models import Inspection
from plans.imports import PlanImportError, SpreadsheetError, import_plan, read_spreadsheet
from plans.models import Action, Objective, Person, Plan, ProgressUpdate, Theme
from plans.rag import RAG
from tests import factories as f

HEADER = [
    "plan", "version", "theme", "theme_title", "objective", "objective_text", "action", "activity",
    "desired_outcome", "timeline", "due_date", "lead", "codes", "rag", "progress_update",
]
TITLE = "Children's Services Improvement Plan"
ROWS = [
    [TITLE, "0.27", "1", "Leadership", "1.1", "Strong leaders", "1.1.1", "Appoint a permanent director",
     "A stable senior team", "March 2019", "2019-03-31", "JH", "R 1; AFI22", "Green", "Interviews held"],
    [TITLE, "0.27", "1", "", "1.1", "", "1.1.2", "Publish a workforce strategy",
     "", "On-going through 2019 then review", "31/12/2019", "Jenny Cryer", "", "", ""],
    [TITLE, "0.27", "2", "Help and protection", "", "", "2.1", "Review the front door",
     "Timely decisions", "", "", "GRW", "R6a", "A", "Some slippage"],
]


@pytest.fixture
def org(db):
    return f.OrganisationFactory(name="Bradford Council", slug="bradford-council")


@pytest.fixture
def inspection(org):
    inspection = f.InspectionFactory(organisation=org, slug="ofsted-ilacs-2018")
    for code in ("R1", "R5", "R6a", "R6b", "AFI 18", "AFI 22"):
        f.RecommendationFactory(inspection=inspection, code=code)
    return inspection


@pytest.fixture
def jim(org):
    return f.PersonFactory(organisation=org, name="Jim Hopkinson", initials="JH")


@pytest.fixture
def jenny(org):
    return f.PersonFactory(organisation=org, name="Jenny Cryer", initials="JC")


def make_csv(rows, header=HEADER, bom=False) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out).writerows([header, *rows])
    return out.getvalue().encode("utf-8-sig" if bom else "utf-8")


def make_xlsx(rows, header=HEADER) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in [header, *rows]:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def run(data: bytes, filename="plan.csv", **kwargs):
    return import_plan(rows=read_spreadsheet(io.BytesIO(data), filename), **kwargs)


def counts():
    return {model.__name__: model.objects.count() for model in (Plan, Theme, Objective, Action, Person, ProgressUpdate)}


# Good files ------------------------------------------------------------------------------------------


def test_it_imports_a_csv(inspection, jim, jenny):
    result = run(make_csv(ROWS), inspection=inspection)

    plan = Plan.objects.get()
    assert (plan.title, plan.version, plan.organisation, plan.slug) == (
        TITLE, "0.27", inspection.organisation, "childrens-services-improvement-plan-027"
    )
    assert list(plan.inspections.all()) == [inspection]
    assert [(t.number, t.title, t.order) for t in plan.themes.all()] == [("1", "Leadership", 1),
                                                                         ("2", "Help and protection", 2)]
    first = Action.objects.get(reference="1.1.1")
    assert first.objective.text == "Strong leaders"
    assert (first.activity, first.desired_outcome, first.timeline, first.due_date) == (
        "Appoint a permanent director", "A stable senior team", "March 2019", datetime.date(2019, 3, 31)
    )
    assert (first.lead, first.lead_as_printed, first.codes_as_printed) == (jim, "JH", "R 1; AFI22")
    assert sorted(r.code for r in first.recommendations.all()) == ["AFI 22", "R1"]
    second = Action.objects.get(reference="1.1.2")
    assert (second.lead, second.due_date, second.objective) == (jenny, datetime.date(2019, 12, 31), first.objective)
    front_door = Action.objects.get(reference="2.1")
    assert front_door.objective is None
    assert front_door.lead.name == "GRW" and front_door.lead.initials == "GRW"
    assert [(u.action.reference, u.rag, u.narrative) for u in ProgressUpdate.objects.order_by("action__reference")] == [
        ("1.1.1", RAG.GREEN, "Interviews held"), ("2.1", RAG.AMBER, "Some slippage")
    ]
    assert result.summary_lines() == [
        f'Plan "{TITLE}" (version 0.27): created',
        "Themes: 2 created, 0 updated, 0 unchanged",
        "Objectives: 1 created, 0 updated, 0 unchanged",
        "Actions: 3 created, 0 updated, 0 unchanged",
        "People created: 1 (GRW)",
        "Progress updates added: 2",
    ]


def test_it_imports_an_xlsx_with_date_and_number_cells(inspection, jim):
    rows = [list(row) for row in ROWS]
    rows[0][2] = 1  # a theme number typed as a number
    rows[0][10] = datetime.datetime(2019, 3, 31)  # a date cell
    rows[1][2] = 1.0
    result = run(make_xlsx(rows), "Plan.XLSX", inspection=inspection)

    assert result.actions.created == 3
    assert Action.objects.get(reference="1.1.1").due_date == datetime.date(2019, 3, 31)
    assert Theme.objects.filter(number="1").count() == 1


def test_it_reads_a_csv_with_a_bom(inspection):
    result = run(make_csv(ROWS, bom=True), inspection=inspection)
    assert result.plan.title == TITLE  # the BOM is not part of the first header or value


def test_header_names_match_whatever_the_case_spaces_hyphens_and_underscores(inspection):
    header = ["Plan", "VERSION", "Theme", "Theme Title", "objective", "Objective-Text", "Action", "activity",
              "Desired outcome", "timeline", "Due-Date", " lead ", "Codes", "RAG", "Progress_Update"]
    result = run(make_csv(ROWS, header=header), inspection=inspection)
    assert result.actions.created == 3


def test_optional_columns_may_be_left_out(org):
    result = run(make_csv([[TITLE, "1", "Leadership", "1.1", "Act"]], header=["plan", "theme", "theme_title", "action",
                                                                              "activity"]))
    assert result.plan.organisation == org  # the only organisation
    assert result.plan.version == ""
    assert ProgressUpdate.objects.count() == 0


def test_an_objective_may_have_no_text_and_a_later_row_may_give_it(org):
    header = ["plan", "theme", "theme_title", "objective", "objective_text", "action", "activity"]
    rows = [[TITLE, "1", "T", "1.4", "", "1.4.1", "Act"], [TITLE, "1", "", "1.4", "Pilot", "1.4.2", "Act"],
            [TITLE, "1", "", "1.5", "", "1.5.1", "Act"]]
    run(make_csv(rows, header=header))
    assert list(Objective.objects.values_list("number", "text")) == [("1.4", "Pilot"), ("1.5", "")]
    rows[1][4] = ""
    result = run(make_csv(rows, header=header))  # blank text leaves the held text alone
    assert result.objectives.unchanged == 2
    assert Objective.objects.get(number="1.4").text == "Pilot"


def test_formula_cells_are_stored_as_text_and_the_export_quote_comes_off(inspection):
    rows = [list(ROWS[0])]
    rows[0][7] = "=HYPERLINK(\"http://evil.example\",\"click\")"
    rows[0][8] = "'=1+1"  # as the export writes a cell that starts with =
    rows[0][9] = "'not a formula"
    run(make_xlsx(rows), "plan.xlsx", inspection=inspection)
    action = Action.objects.get()
    assert action.activity == "=HYPERLINK(\"http://evil.example\",\"click\")"
    assert action.desired_outcome == "=1+1"
    assert action.timeline == "'not a formula"


def test_leads_match_by_name_then_unique_initials_else_a_new_person(org, jim):
    f.PersonFactory(organisation=org, name="Joanne Hyde", initials="JH")  # now "JH" is ambiguous
    f.PersonFactory(organisation=f.OrganisationFactory(), name="Jenny Cryer")  # another organisation's
    f.PersonFactory(organisation=org, name="Gill Rowe-Williams", initials="GRW")
    rows = [
        [TITLE, "1", "T", "1", "By name", "Jim Hopkinson"],
        [TITLE, "1", "", "2", "By unique initials", "GRW"],
        [TITLE, "1", "", "3", "Ambiguous initials", "JH"],
        [TITLE, "1", "", "4", "Unknown name", "Jenny Cryer"],
        [TITLE, "1", "", "5", "The same new person again", "JH"],
    ]
    result = run(make_csv(rows, header=["plan", "theme", "theme_title", "action", "activity", "lead"]), organisation=org)

    leads = {a.reference: a.lead for a in Action.objects.select_related("lead")}
    assert leads["1"] == jim
    assert leads["2"].name == "Gill Rowe-Williams"
    assert leads["3"].name == "JH" and leads["3"].initials == "JH" and leads["3"].organisation == org
    assert leads["4"].name == "Jenny Cryer" and leads["4"].initials == "" and leads["4"].organisation == org
    assert leads["5"] == leads["3"]
    assert result.people_created == ["JH", "Jenny Cryer"]


# Re-imports and dry runs -----------------------------------------------------------------------------


def test_reimporting_the_same_file_changes_nothing(inspection, jim, jenny):
    run(make_csv(ROWS), inspection=inspection)
    before = counts()
    result = run(make_csv(ROWS), inspection=inspection)

    assert counts() == before
    assert result.summary_lines() == [
        f'Plan "{TITLE}" (version 0.27): updated',
        "Themes: 0 created, 0 updated, 2 unchanged",
        "Objectives: 0 created, 0 updated, 1 unchanged",
        "Actions: 0 created, 0 updated, 3 unchanged",
        "People created: 0",
        "Progress updates added: 0",
    ]


def test_reimporting_updates_by_theme_and_reference_and_adds_progress_only_when_it_changed(inspection, jim, jenny):
    run(make_csv(ROWS), inspection=inspection)
    rows = [list(row) for row in ROWS]
    rows[0][3] = "Leadership and management"  # theme 1 renamed
    rows[0][13] = "Amber"  # 1.1.1: rating changed, narrative the same
    rows[1][7] = "Publish and deliver a workforce strategy"  # 1.1.2: activity changed, still not rated
    rows[2][14] = "Some slippage"  # 2.1: unchanged
    rows[2][12] = "R 6a"  # the same code, written another way: not a change
    rows.append([TITLE, "0.27", "2", "", "2.2", "Strong partnerships", "2.2.1", "A new action", "", "", "", "", "", "",
                 "Started"])
    result = run(make_csv(rows), inspection=inspection)

    assert (result.themes.created, result.themes.updated, result.themes.unchanged) == (0, 1, 1)
    assert (result.objectives.created, result.objectives.unchanged) == (1, 1)
    assert (result.actions.created, result.actions.updated, result.actions.unchanged) == (1, 1, 2)
    assert result.progress_updates_added == 2
    assert Action.objects.with_current_rag().get(reference="1.1.1").current_rag == RAG.AMBER
    assert ProgressUpdate.objects.filter(action__reference="1.1.1").count() == 2  # the history is kept
    # A new action rated only by a narrative is "Not yet rated" with that narrative.
    assert ProgressUpdate.objects.get(action__reference="2.2.1").rag == RAG.NOT_RATED
    assert Action.objects.get(reference="2.1").codes_as_printed == "R6a"


def test_a_dry_run_counts_the_same_and_writes_nothing(inspection, jim, jenny):
    before = counts()
    result = run(make_csv(ROWS), inspection=inspection, dry_run=True)

    assert counts() == before
    assert result.plan is None
    assert (result.actions.created, result.progress_updates_added, result.people_created) == (3, 2, ["GRW"])
    assert result.summary_lines()[-1] == "Dry run: nothing was written."


# Bad files: every error listed, nothing written -----------------------------------------------------


def latin1_csv():
    return "plan,theme\nCaf\xe9,1\n".encode("latin-1")


def zip_that_is_not_a_workbook():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    return out.getvalue()


def with_cell(row_index, column, value, rows=ROWS):
    changed = [list(row) for row in rows]
    changed[row_index][HEADER.index(column)] = value
    return make_csv(changed)


BAD_FILES = {
    "too large": (lambda: make_csv(ROWS * 10), "plan.csv", ["The file is too large: the limit is 1 KB."]),
    "not a spreadsheet extension": (lambda: b"%PDF-1.4", "plan.pdf",
                                    ["The file must be a spreadsheet saved as .xlsx or .csv, not a .pdf file."]),
    "no extension": (lambda: make_csv(ROWS), "plan",
                     ["The file must be a spreadsheet saved as .xlsx or .csv, not a file with no extension."]),
    "not UTF-8": (latin1_csv, "plan.csv",
                  ['The file is not UTF-8 text (byte 15 cannot be read): save it as "CSV UTF-8".']),
    "xlsx that is not a zip": (lambda: b"plan,theme\n", "plan.xlsx",
                               ["The file is not an .xlsx workbook: it could not be opened as one."]),
    "zip that is not a workbook": (zip_that_is_not_a_workbook, "plan.xlsx",
                                   ["The file is not an .xlsx workbook: it could not be opened as one."]),
    "empty": (lambda: b"", "plan.csv", ["The file is empty."]),
    "only blank lines": (lambda: b"\xef\xbb\xbf\r\n,,\r\n", "plan.csv", ["The file is empty."]),
    "header only": (lambda: make_csv([]), "plan.csv", ["The file has a header row but no data rows."]),
    "no header": (lambda: make_csv(ROWS[1:], header=ROWS[0]), "plan.csv", [
        "row 1: no header row found: the first row must name the columns (plan, version, theme, theme_title, "
        "objective, objective_text, action, activity, desired_outcome, timeline, due_date, lead, codes, rag, "
        "progress_update)"
    ]),
    "missing required columns": (lambda: make_csv([[TITLE, "1", "x"]], header=["Plan", "Theme", "Action"]), "plan.csv",
                                 ["row 1: missing required columns theme_title, activity"]),
    "unknown columns": (lambda: make_csv([row + ["x", "y"] for row in ROWS], header=HEADER + ["Notes", "RAG colour"]),
                        "plan.csv", [
        "row 1, column Notes: not a column of a plan (the columns are plan, version, theme, theme_title, objective, "
        "objective_text, action, activity, desired_outcome, timeline, due_date, lead, codes, rag, progress_update)",
        "row 1, column RAG colour: not a column of a plan (the columns are plan, version, theme, theme_title, "
        "objective, objective_text, action, activity, desired_outcome, timeline, due_date, lead, codes, rag, "
        "progress_update)",
    ]),
    "a column twice": (lambda: make_csv([row + ["Red"] for row in ROWS], header=HEADER + ["RAG"]), "plan.csv",
                       ['row 1, column RAG: the column appears twice (also as "rag")']),
    "a value under no header": (lambda: make_csv([ROWS[0], ROWS[1] + ["stray"]]), "plan.csv",
                                ["row 3, column P: a value in a column with no header"]),
    "duplicate action": (lambda: make_csv([*ROWS, ROWS[1]]), "plan.csv",
                         ["row 5, column action: action 1.1.2 of theme 1 appears again (first on row 3)"]),
    "unknown and unreadable codes": (lambda: make_csv([ROWS[0][:12] + ["R 11; AFI 22; R 5", "", ""],
                                                       ROWS[1][:12] + ["R1 & R5", "", ""]]), "plan.csv", [
        "row 2, column codes: not a recommendation of the chosen inspection: R11",
        'row 3, column codes: "R1 & R5" is not a recommendation code: expected R and a number (e.g. R5, R6a) '
        "or AFI and a paragraph number (e.g. AFI 22)",
    ]),
    "bad rating and date": (lambda: with_cell(0, "rag", "Purple", rows=[
        ROWS[0], [*ROWS[1][:10], "31/02/2019", *ROWS[1][11:]]]), "plan.csv", [
        "row 2, column rag: 'Purple' is not a RAG rating: use Red, Amber, Green, Blue or Not yet rated",
        'row 3, column due_date: "31/02/2019" is not a date: write it as YYYY-MM-DD or dd/mm/yyyy',
    ]),
    "missing values": (lambda: make_csv([
        ["", "0.27", "1", "", "1.1", "", "", "", "", "", "", "", "", "", ""],
        [TITLE, "0.27", "", "T", "", "Text without an objective", "9", "Act", "", "", "", "", "", "", ""],
    ]), "plan.csv", [
        "row 2, column plan: a value is required: the plan's title, the same on every row",
        "row 2, column theme_title: a value is required on theme 1's first row",
        "row 2, column action: a value is required: the action's reference, unique within its theme",
        "row 2, column activity: a value is required",
        "row 3, column theme: a value is required: the theme's number as printed",
        "row 3, column objective: a value is required where objective_text is given",
    ]),
    "rows that disagree": (lambda: make_csv([
        ROWS[0],
        ["Another plan", "0.28", "1", "Leaders", "1.1", "Other text", "1.1.2", "Act", "", "", "", "", "", "", ""],
    ]), "plan.csv", [
        f'row 3, column plan: "Another plan" differs from "{TITLE}" on row 2: one plan per file',
        'row 3, column version: "0.28" differs from "0.27" on row 2',
        'row 3, column theme_title: "Leaders" differs from "Leadership" on row 2',
        "row 3, column objective_text: differs from objective 1.1's text on row 2",
    ]),
    "too long": (lambda: with_cell(0, "action", "1." * 11), "plan.csv",
                 ["row 2, column action: too long (22 characters; at most 20)"]),
}


@pytest.mark.parametrize("kind", BAD_FILES)
def test_a_bad_file_lists_every_error_and_writes_nothing(kind, inspection, jim, settings):
    settings.IMPORT_MAX_BYTES = 1024
    f.PlanFactory(organisation=inspection.organisation)  # something already held, to show it is left alone
    make, filename, expected = BAD_FILES[kind]
    before = counts()
    with pytest.raises(PlanImportError) as raised:
        run(make(), filename, inspection=inspection)
    assert raised.value.errors == expected
    assert counts() == before


def test_reading_errors_are_spreadsheet_errors():
    with pytest.raises(SpreadsheetError):
        read_spreadsheet(io.BytesIO(b""), "plan.csv")


def test_codes_without_an_inspection_are_an_error(jim):
    before = counts()
    with pytest.raises(PlanImportError) as raised:
        run(make_csv(ROWS))
    assert raised.value.errors == [
        "row 2, column codes: codes need an inspection: choose the inspection whose recommendations they are",
        "row 4, column codes: codes need an inspection: choose the inspection whose recommendations they are",
    ]
    assert counts() == before


def test_an_import_needs_an_organisation_when_there_are_several_and_says_nothing_of_the_others(org):
    f.OtherOrganisationFactory()
    rows = [row[:12] + ["", "", ""] for row in ROWS]
    with pytest.raises(PlanImportError) as raised:
        run(make_csv(rows))
    assert raised.value.errors == ["Choose the organisation the plan belongs to."]
    assert Plan.objects.count() == 0
    assert run(make_csv(rows), organisation=org).plan.organisation == org


def test_a_failure_half_way_through_writing_rolls_everything_back(inspection, monkeypatch):
    from plans import imports

    def fail(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(imports.ProgressUpdate.objects, "create", fail)
    before = counts()
    with pytest.raises(RuntimeError):
        run(make_csv(ROWS), inspection=inspection)
    assert counts() == before


# The command -----------------------------------------------------------------------------------------


def test_the_command_imports_and_prints_a_summary(inspection, jim, jenny, tmp_path):
    path = tmp_path / "plan.csv"
    path.write_bytes(make_csv(ROWS))
    out = io.StringIO()
    call_command("import_plan", str(path), "--inspection", "ofsted-ilacs-2018", stdout=out)
    assert out.getvalue().splitlines() == [
        f'Plan "{TITLE}" (version 0.27): created',
        "Themes: 2 created, 0 updated, 0 unchanged",
        "Objectives: 1 created, 0 updated, 0 unchanged",
        "Actions: 3 created, 0 updated, 0 unchanged",
        "People created: 1 (GRW)",
        "Progress updates added: 2",
    ]
    out = io.StringIO()
    call_command("import_plan", str(path), "--inspection", str(inspection.pk), "--dry-run", stdout=out)
    assert "Actions: 0 created, 0 updated, 3 unchanged" in out.getvalue()
    assert out.getvalue().endswith("Dry run: nothing was written.\n")


def test_the_command_exits_non_zero_listing_every_error(inspection, tmp_path, capsys, monkeypatch):
    from django.db import connections

    from plans.management.commands.import_plan import Command

    # run_from_argv closes every connection when it ends, which would end the test's transaction too.
    monkeypatch.setattr(connections, "close_all", lambda: None)

    path = tmp_path / "plan.csv"
    path.write_bytes(with_cell(0, "rag", "Purple", rows=[ROWS[0], ROWS[0]]))
    before = counts()
    with pytest.raises(SystemExit) as exited:
        Command().run_from_argv(["manage.py", "import_plan", str(path), "--inspection", "ofsted-ilacs-2018"])
    assert exited.value.code == 1
    assert capsys.readouterr().err.splitlines() == [
        "CommandError: plan.csv: 2 errors; nothing was written.",
        "row 2, column rag: 'Purple' is not a RAG rating: use Red, Amber, Green, Blue or Not yet rated",
        "row 3, column action: action 1.1.1 of theme 1 appears again (first on row 2)",
    ]
    assert counts() == before


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--inspection", "no-such-inspection"], 'No inspection has the id or slug "no-such-inspection".'),
        (["--organisation", "nowhere"], 'No organisation has the slug "nowhere".'),
    ],
)
def test_the_command_rejects_unknown_choices(inspection, tmp_path, arguments, message):
    path = tmp_path / "plan.csv"
    path.write_bytes(make_csv(ROWS))
    with pytest.raises(CommandError, match=message):
        call_command("import_plan", str(path), *arguments)


def test_the_command_needs_a_file_that_exists(db):
    with pytest.raises(CommandError, match="no-such.csv: no such file"):
        call_command("import_plan", "no-such.csv")


# The admin upload page -------------------------------------------------------------------------------


def upload(client, data, filename="plan.csv", **fields):
    file = io.BytesIO(data)
    file.name = filename
    return client.post(reverse("admin:plans_plan_import"), {"file": file, **fields})


def test_staff_can_upload_and_see_the_counts(client, inspection, jim, jenny):
    admin = f.StaffUserFactory()
    client.force_login(admin)
    assert client.get(reverse("admin:plans_plan_import")).status_code == 200

    response = upload(client, make_csv(ROWS), inspection=inspection.pk, dry_run="on")
    assert response.status_code == 200
    assert "Dry run: nothing was saved" in response.content.decode()
    assert Plan.objects.count() == 0

    response = upload(client, make_csv(ROWS), inspection=inspection.pk)
    content = response.content.decode()
    assert response.status_code == 200
    assert "<th scope=\"row\">Actions</th><td>3</td><td>0</td><td>0</td>" in content
    assert "GRW" in content
    assert ProgressUpdate.objects.filter(author=admin).count() == 2


def test_the_upload_page_lists_the_errors(client, inspection):
    client.force_login(f.StaffUserFactory())
    response = upload(client, with_cell(0, "rag", "Purple"), inspection=inspection.pk)
    assert response.status_code == 200
    assert "row 2, column rag: &#x27;Purple&#x27; is not a RAG rating" in response.content.decode()
    assert Plan.objects.count() == 0


def test_people_who_are_not_staff_cannot_reach_the_upload_page(client, db):
    url = reverse("admin:plans_plan_import")
    assert client.get(url).status_code == 302  # signed out: to the sign-in page
    client.force_login(f.UserFactory())
    response = client.get(url)
    assert response.status_code == 302 and "login" in response["Location"]


def test_staff_without_permission_to_add_plans_are_refused(client, inspection):
    client.force_login(f.UserFactory(is_staff=True))
    assert client.get(reverse("admin:plans_plan_import")).status_code == 403
    assert upload(client, make_csv(ROWS), inspection=inspection.pk).status_code == 403
    assert Plan.objects.count() == 0


# Within the importer's organisation only (issue 12) -------------------------------------------------------


@pytest.fixture
def leeds(db):
    """Another council holding a plan of the same title and version, its own inspection and people."""
    leeds = f.OtherOrganisationFactory(name="Leeds City Council", slug="leeds")
    plan = f.PlanFactory(organisation=leeds, title=TITLE, version="0.27",
                         slug="childrens-services-improvement-plan-027")
    f.ThemeFactory(plan=plan, number="1", title="Leeds leadership")
    leeds_inspection = f.InspectionFactory(organisation=leeds, slug="leeds-ilacs-2022", title="Leeds ILACS 2022")
    f.RecommendationFactory(inspection=leeds_inspection, code="R1")
    f.PersonFactory(organisation=leeds, name="Jim Hopkinson", initials="JH")
    return leeds


def org_admin(org, username="org-admin"):
    return f.user_in_role("Admin", username=username, is_staff=True, person__organisation=org)


def test_a_new_import_is_a_draft(inspection):
    assert run(make_csv(ROWS), inspection=inspection).plan.status == Plan.Status.DRAFT


def test_another_organisations_plan_of_the_same_title_and_version_is_never_matched(inspection, jim, leeds):
    theirs = Plan.objects.get(organisation=leeds)
    result = run(make_csv(ROWS), inspection=inspection, organisation=inspection.organisation)

    assert result.plan_created and result.plan != theirs
    assert result.plan.organisation == inspection.organisation
    assert result.plan.slug == "bradford-council-childrens-services-improvement-plan-027"
    assert [t.title for t in theirs.themes.all()] == ["Leeds leadership"]  # left alone
    assert Action.objects.filter(theme__plan=theirs).count() == 0
    # Leads are the importer's people: Bradford's Jim, not Leeds's Jim of the same name and initials.
    assert Action.objects.get(reference="1.1.1").lead == jim


def test_an_inspection_of_another_organisation_is_refused_and_nothing_is_written(org, leeds):
    before = counts()
    with pytest.raises(PlanImportError) as raised:
        run(make_csv([row[:12] + ["R1", "", ""] for row in ROWS]),
            inspection=Inspection.objects.get(organisation=leeds), organisation=org)
    assert raised.value.errors == [
        'The inspection "Leeds ILACS 2022" is not one of Bradford Council\'s: choose an inspection of the '
        "organisation the plan belongs to, or none."
    ]
    assert counts() == before


def test_without_an_organisation_the_inspections_is_used_and_its_plans_only_are_matched(inspection, leeds):
    result = run(make_csv(ROWS), inspection=inspection)
    assert result.plan_created and result.plan.organisation == inspection.organisation


def test_the_command_imports_for_the_organisation_given(inspection, leeds, tmp_path):
    path = tmp_path / "plan.csv"
    path.write_bytes(make_csv([row[:12] + ["", "", ""] for row in ROWS]))
    out = io.StringIO()
    call_command("import_plan", str(path), "--organisation", "bradford-council", stdout=out)
    assert out.getvalue().splitlines()[0] == f'Plan "{TITLE}" (version 0.27): created'
    assert Plan.objects.get(organisation=inspection.organisation).slug == (
        "bradford-council-childrens-services-improvement-plan-027")
    assert Plan.objects.get(organisation=leeds).themes.count() == 1


def test_the_command_refuses_an_inspection_of_another_organisation(inspection, leeds, tmp_path):
    path = tmp_path / "plan.csv"
    path.write_bytes(make_csv(ROWS))
    before = counts()
    with pytest.raises(CommandError, match=r'The inspection "Leeds ILACS 2022" is not one of Bradford Council\'s'):
        call_command("import_plan", str(path), "--organisation", "bradford-council", "--inspection", "leeds-ilacs-2022")
    assert counts() == before


def test_an_org_admin_imports_for_their_own_organisation_only(client, inspection, jim, leeds):
    client.force_login(org_admin(inspection.organisation))
    page = client.get(reverse("admin:plans_plan_import")).content.decode()
    assert 'name="organisation"' not in page  # offered to superusers only
    assert "imported for Bradford Council" in page
    assert f'<option value="{inspection.pk}">' in page
    theirs = Inspection.objects.get(organisation=leeds)
    assert f'<option value="{theirs.pk}">' not in page and "Leeds" not in page  # not a choice

    response = upload(client, make_csv(ROWS), inspection=inspection.pk)
    content = response.content.decode()
    assert response.status_code == 200 and "Imported" in content
    ours = Plan.objects.get(organisation=inspection.organisation)
    assert ours.status == Plan.Status.DRAFT
    assert Plan.objects.get(organisation=leeds).themes.get().title == "Leeds leadership"
    assert "Leeds" not in content and "childrens-services-improvement-plan-027\"" not in content
    assert ours.get_absolute_url() in content  # where it is approved


def test_an_org_admin_cannot_attach_rows_to_another_organisations_plan(client, org, leeds):
    """The file names the other council's plan by its exact title and version: a new plan of the importer's
    organisation is made, and the other plan is untouched."""
    theirs = Plan.objects.get(organisation=leeds)
    client.force_login(org_admin(org))
    rows = [row[:12] + ["", "", ""] for row in ROWS]
    content = upload(client, make_csv(rows), organisation=leeds.pk).content.decode()  # a field they are not offered

    assert "Children&#x27;s Services Improvement Plan (version 0.27): new" in content
    ours = Plan.objects.get(organisation=org)
    assert ours != theirs and ours.themes.count() == 2
    assert list(theirs.themes.values_list("title", flat=True)) == ["Leeds leadership"]
    assert not Action.objects.filter(theme__plan=theirs).exists()
    assert not Person.objects.filter(organisation=leeds).exclude(name="Jim Hopkinson").exists()


def test_an_org_admin_cannot_choose_another_organisations_inspection(client, org, leeds):
    client.force_login(org_admin(org))
    response = upload(client, make_csv(ROWS), inspection=Inspection.objects.get(organisation=leeds).pk)
    assert "Select a valid choice" in response.content.decode()
    assert Plan.objects.filter(organisation=org).count() == 0


def test_an_admin_login_with_no_organisation_cannot_import(client, inspection):
    client.force_login(f.user_in_role("Admin", username="nobodys-admin", is_staff=True, person=False))
    assert client.get(reverse("admin:plans_plan_import")).status_code == 403
    assert upload(client, make_csv(ROWS), inspection=inspection.pk).status_code == 403
    assert Plan.objects.count() == 0


def test_a_superuser_chooses_the_organisation_and_a_mismatched_inspection_is_refused(client, inspection, leeds):
    client.force_login(f.StaffUserFactory())
    page = client.get(reverse("admin:plans_plan_import")).content.decode()
    assert 'name="organisation"' in page and "Leeds ILACS 2022" in page  # a superuser administers every one
    response = upload(client, make_csv(ROWS), inspection=inspection.pk, organisation=leeds.pk)
    assert "is not one of Leeds City Council&#x27;s" in response.content.decode()
    assert Plan.objects.filter(organisation=leeds).count() == 1
    rows = [row[:12] + ["", "", ""] for row in ROWS]
    upload(client, make_csv(rows), organisation=leeds.pk)
    assert Plan.objects.get(organisation=leeds).themes.count() == 2  # Leeds's own plan, matched and updated
