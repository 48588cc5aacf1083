"""Exporting a plan: the spreadsheet layout reads back with the import, and the JSON layout is stable."""

import csv
import datetime
import io
import json
import re

import openpyxl
import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from plans.exports import content_type_and_filename, export_plan, month_as_printed
from plans.imports import COLUMNS, import_plan, read_spreadsheet
from plans.models import Milestone, Plan
from plans.rag import RAG
from tests import factories as f


@pytest.fixture
def inspection(db):
    org = f.OrganisationFactory(name="Bradford Council", slug="bradford-council")
    inspection = f.InspectionFactory(organisation=org, slug="ofsted-ilacs-2018")
    f.RecommendationFactory(inspection=inspection, code="R1", order=1)
    f.RecommendationFactory(inspection=inspection, code="R6a", order=6)
    f.AreaForImprovementFactory(inspection=inspection, code="AFI 22", order=22)
    return inspection


@pytest.fixture
def plan(inspection):
    org = inspection.organisation
    codes = {r.code: r for r in inspection.recommendations.all()}
    jim = f.PersonFactory(organisation=org, name="Jim Hopkinson", initials="JH")
    plan = f.PlanFactory(
        organisation=org, title="Children's Services Improvement Plan", version="0.27", slug="csip-027",
        status=Plan.Status.APPROVED, start=datetime.date(2019, 1, 15), end=datetime.date(2020, 3, 31),
    )
    plan.inspections.add(inspection)
    leadership = f.ThemeFactory(plan=plan, number="1", title="Leadership", order=1)
    voice = f.ThemeFactory(plan=plan, number="3b", title="Children’s voice", order=2)
    objective = f.ObjectiveFactory(theme=leadership, number="1.1", text="Strong leaders", order=1)
    objective.recommendations.add(codes["R1"])
    first = f.ActionFactory(
        theme=leadership, objective=objective, reference="1.1.1", order=1,
        activity="=SUM(A1:A9) is how the old tracker counted", desired_outcome="- a stable senior team",
        timeline="March 2019", due_date=datetime.date(2019, 3, 31), lead=jim, lead_as_printed="JH",
    )
    first.recommendations.add(codes["R1"], codes["AFI 22"])
    f.ProgressUpdateFactory(action=first, rag=RAG.RED, narrative="Not started",
                            created_at=timezone.now() - datetime.timedelta(days=30))
    f.ProgressUpdateFactory(action=first, rag=RAG.GREEN, narrative="Interviews held")
    f.ActionFactory(theme=leadership, reference="1.1.2", activity="Publish a workforce strategy", order=2)
    hear = f.ActionFactory(theme=voice, reference="3b.1", activity="Hear children", lead=jim, order=1)
    hear.recommendations.add(codes["R6a"])
    f.MilestoneFactory(action=hear, text="Survey", due_as_printed="Nov 22", lead_as_printed="HR Specialist", order=1)
    f.MilestoneFactory(action=None, theme=voice, text="Launch", due_as_printed="By March 2022", order=1)
    f.MilestoneFactory(action=None, theme=voice, text="Review", due_as_printed="Jan 23",
                       due_date=datetime.date(2023, 1, 31), lead=jim, order=2)
    f.MilestoneFactory(action=None, theme=voice, text="Someday", order=3)
    return plan


def reimport(data: bytes, fmt: str, inspection) -> Plan:
    """Delete the plan, import the export into a fresh one (the people and inspection stay), return it."""
    Plan.objects.all().delete()
    result = import_plan(rows=read_spreadsheet(io.BytesIO(data), f"plan.{fmt}"), inspection=inspection)
    return result.plan


def xlsx_values(data: bytes) -> list[tuple]:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    return list(sheet.iter_rows(values_only=True))


# Spreadsheets ----------------------------------------------------------------------------------------


def test_the_csv_uses_the_import_layout_with_formula_safe_cells(plan):
    data = export_plan(plan, "csv")
    assert data.startswith(b"\xef\xbb\xbf")  # a BOM, so Excel reads UTF-8
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows == [
        list(COLUMNS),
        ["Children's Services Improvement Plan", "0.27", "1", "Leadership", "1.1", "Strong leaders", "1.1.1",
         "'=SUM(A1:A9) is how the old tracker counted", "'- a stable senior team", "March 2019", "2019-03-31",
         "JH", "R1; AFI 22", "Green", "Interviews held"],
        ["Children's Services Improvement Plan", "0.27", "1", "Leadership", "", "", "1.1.2",
         "Publish a workforce strategy", "", "", "", "", "", "Not yet rated", ""],
        ["Children's Services Improvement Plan", "0.27", "3b", "Children’s voice", "", "", "3b.1",
         "Hear children", "", "", "", "Jim Hopkinson", "R6a", "Not yet rated", ""],
    ]


def test_the_xlsx_has_the_same_cells_with_a_real_date_and_no_formulas(plan):
    data = export_plan(plan, "xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    assert [cell.value for cell in sheet[1]] == list(COLUMNS)
    assert sheet["H2"].value == "'=SUM(A1:A9) is how the old tracker counted"
    assert sheet["H2"].data_type == "s"  # text, not a formula
    assert sheet["K2"].value == datetime.datetime(2019, 3, 31)
    assert sheet["K2"].number_format == "yyyy-mm-dd"
    assert sheet.max_row == 4


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_import_export_gives_the_same_content(plan, inspection, fmt):
    first = export_plan(plan, fmt)
    fresh = reimport(first, fmt, inspection)
    second = export_plan(fresh, fmt)
    if fmt == "csv":
        assert second == first
    else:
        assert xlsx_values(second) == xlsx_values(first)
    action = fresh.themes.get(number="1").actions.get(reference="1.1.1")
    assert action.activity == "=SUM(A1:A9) is how the old tracker counted"  # the export's quote came off
    assert action.desired_outcome == "- a stable senior team"


def test_json_survives_the_round_trip_for_what_a_spreadsheet_holds(plan, inspection):
    # A spreadsheet carries no milestones, objective codes, status or dates of the plan: leave those out.
    Milestone.objects.all().delete()
    for objective in plan.themes.get(number="1").objectives.all():
        objective.recommendations.clear()
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.DRAFT, start=None, end=None)
    plan.themes.get(number="3b").actions.update(lead_as_printed="Jim Hopkinson")
    plan.refresh_from_db()

    before = export_plan(plan, "json")
    fresh = reimport(export_plan(plan, "xlsx"), "xlsx", inspection)
    assert export_plan(fresh, "json") == before


# JSON ------------------------------------------------------------------------------------------------


def test_the_json_layout(plan):
    assert json.loads(export_plan(plan, "json")) == {
        "plan": {"title": "Children's Services Improvement Plan", "version": "0.27", "status": "approved",
                 "start": "2019-01-15", "end": "2020-03-31", "restricted": False, "exemption_paragraph": None},
        "themes": [
            {
                "number": "1",
                "title": "Leadership",
                "objectives": [{"number": "1.1", "text": "Strong leaders", "codes": ["R1"]}],
                "actions": [
                    {"reference": "1.1.1", "objective": "1.1",
                     "activity": "=SUM(A1:A9) is how the old tracker counted",
                     "desired_outcome": "- a stable senior team", "timeline": "March 2019",
                     "due_date": "2019-03-31", "lead": "JH", "lead_name": "Jim Hopkinson",
                     "codes": ["R1", "AFI 22"], "rag": "Green", "milestones": []},
                    {"reference": "1.1.2", "objective": None, "activity": "Publish a workforce strategy",
                     "desired_outcome": None, "timeline": None, "due_date": None, "lead": None, "lead_name": None,
                     "codes": [], "rag": "Not yet rated", "milestones": []},
                ],
                "milestones": [],
            },
            {
                "number": "3b",
                "title": "Children’s voice",
                "objectives": [],
                "actions": [
                    {"reference": "3b.1", "objective": None, "activity": "Hear children", "desired_outcome": None,
                     "timeline": None, "due_date": None, "lead": None, "lead_name": "Jim Hopkinson",
                     "codes": ["R6a"], "rag": "Not yet rated",
                     "milestones": [{"text": "Survey", "due": "2022-11", "lead": "HR Specialist"}]},
                ],
                "milestones": [
                    {"text": "Launch", "due": "By March 2022", "lead": None},
                    {"text": "Review", "due": "2023-01", "lead": "Jim Hopkinson"},
                    {"text": "Someday", "due": None, "lead": None},
                ],
            },
        ],
    }


def test_the_json_keeps_key_order_and_text_as_written(plan):
    text = export_plan(plan, "json").decode("utf-8")
    assert text.startswith('{\n  "plan": {\n    "title": "Children\'s Services Improvement Plan",\n    "version"')
    assert "Children’s voice" in text  # not escaped
    assert text.endswith("}\n")
    assert list(json.loads(text)["themes"][0]["actions"][0]) == [
        "reference", "objective", "activity", "desired_outcome", "timeline", "due_date", "lead", "lead_name",
        "codes", "rag", "milestones",
    ]


def keys_in_order(value) -> list[str]:
    """Every key of a JSON value, depth first, the objects of a list read as one (their lists joined)."""
    if isinstance(value, list):
        merged = {}
        for item in value:
            for key, item_value in item.items() if isinstance(item, dict) else ():
                merged[key] = merged[key] + item_value if isinstance(item_value, list) and key in merged else item_value
        value = merged
    return [k for key, item in value.items() for k in [key, *keys_in_order(item)]] if isinstance(value, dict) else []


def test_the_readme_writes_down_the_layout_an_export_writes(plan):
    readme = (settings.BASE_DIR / "README.md").read_text()
    layout = readme.split("### The JSON layout", 1)[1].split("```", 2)[1]
    assert re.findall(r'"(\w+)"', layout) == keys_in_order(json.loads(export_plan(plan, "json")))


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_two_exports_of_the_same_data_are_byte_identical(plan, fmt):
    assert export_plan(plan, fmt) == export_plan(Plan.objects.get(pk=plan.pk), fmt)


@pytest.mark.parametrize(
    ("printed", "month"),
    [("Nov 22", "2022-11"), ("November 2022", "2022-11"), ("Sept-22", "2022-09"), ("jan 2023", "2023-01"),
     ("By March 2022", None), ("Q3 22", None), ("Ma 22", None), ("", None)],
)
def test_a_milestone_month_as_printed(printed, month):
    assert month_as_printed(printed) == month


@pytest.mark.parametrize(
    ("printed", "due_date", "due"),
    [
        # A printed month is a month, though a month-end due_date stands in for it (meetings need a date).
        ("Nov 22", datetime.date(2022, 11, 30), "2022-11"),
        ("March 2022", datetime.date(2022, 3, 31), "2022-03"),
        ("Nov 22", None, "2022-11"),
        # Moved to another month since: the date in force, not the printed month.
        ("Nov 22", datetime.date(2023, 2, 28), "2023-02-28"),
        # A full date printed, or a date with nothing printed, stays a date.
        ("15/03/2023", datetime.date(2023, 3, 15), "2023-03-15"),
        ("", datetime.date(2023, 3, 15), "2023-03-15"),
        ("April 2022 (start January 2022)", datetime.date(2022, 4, 30), "2022-04-30"),
        ("By March 2022", None, "By March 2022"),
        ("", None, None),
    ],
)
def test_a_milestone_due_in_the_json(plan, printed, due_date, due):
    theme = plan.themes.get(number="1")
    f.MilestoneFactory(action=None, theme=theme, text="Step", due_as_printed=printed, due_date=due_date, order=1)
    exported = json.loads(export_plan(plan, "json"))["themes"][0]["milestones"]
    assert exported == [{"text": "Step", "due": due, "lead": None}]


def test_the_number_of_queries_does_not_grow_with_the_plan(plan):
    def queries(fmt):
        with CaptureQueriesContext(connection) as captured:
            export_plan(Plan.objects.get(pk=plan.pk), fmt)
        return len(captured)

    small = {fmt: queries(fmt) for fmt in ("json", "csv")}
    theme = f.ThemeFactory(plan=plan, number="9", order=9)
    for n in range(10):
        action = f.ActionFactory(theme=theme, objective=f.ObjectiveFactory(theme=theme), lead=f.PersonFactory())
        f.ProgressUpdateFactory(action=action)
        f.MilestoneFactory(action=action, lead=f.PersonFactory())
        f.MilestoneFactory(action=None, theme=theme, text=f"Step {n}")
    assert {fmt: queries(fmt) for fmt in ("json", "csv")} == small
    # plan, themes, objectives, objective codes, actions (with RAG, narrative, lead, objective), action codes,
    # action milestones, theme milestones
    assert small["json"] == 1 + 7


def test_an_unknown_format_is_refused(plan):
    with pytest.raises(ValueError, match="'pdf' is not an export format"):
        export_plan(plan, "pdf")


def test_content_types_and_file_names(plan):
    assert content_type_and_filename(plan, "xlsx") == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "csip-027.xlsx"
    )
    assert content_type_and_filename(plan, "csv") == ("text/csv; charset=utf-8", "csip-027.csv")
    assert content_type_and_filename(plan, "json") == ("application/json", "csip-027.json")


# The command -----------------------------------------------------------------------------------------


def test_the_command_writes_a_file(plan, tmp_path):
    path = tmp_path / "plan.xlsx"
    err = io.StringIO()
    call_command("export_plan", "csip-027", "--format", "xlsx", "--output", str(path), stderr=err)
    assert xlsx_values(path.read_bytes()) == xlsx_values(export_plan(plan, "xlsx"))
    assert err.getvalue().startswith(f"Wrote {plan} as xlsx to {path}")


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
def test_the_command_writes_bytes_to_standard_output(plan, fmt):
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    call_command("export_plan", "csip-027", "--format", fmt, stdout=out)
    data = out.buffer.getvalue()
    if fmt == "xlsx":
        assert xlsx_values(data) == xlsx_values(export_plan(plan, fmt))
    else:
        assert data == export_plan(plan, fmt)


def test_the_command_writes_text_to_a_text_only_stream(plan):
    out = io.StringIO()
    call_command("export_plan", "csip-027", "--format", "json", stdout=out)
    assert out.getvalue() == export_plan(plan, "json").decode("utf-8")
    with pytest.raises(CommandError, match="xlsx is binary"):
        call_command("export_plan", "csip-027", "--format", "xlsx", stdout=io.StringIO())


def test_the_command_refuses_an_unknown_plan_or_format(plan):
    with pytest.raises(CommandError, match='No plan has the slug "nope"'):
        call_command("export_plan", "nope", "--format", "json")
    with pytest.raises(CommandError, match="invalid choice: 'pdf'"):
        call_command("export_plan", "csip-027", "--format", "pdf")
