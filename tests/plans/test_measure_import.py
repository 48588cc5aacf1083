"""manage.py import_measure_values: every row checked first; any error names each row and writes nothing."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from plans.measure_imports import parse_figure, parse_status
from plans.models import MeasureValue
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    plan = f.PlanFactory(slug="plan-2024", title="Children's plan")
    one, two = f.ThemeFactory(plan=plan, number="1"), f.ThemeFactory(plan=plan, number="2")
    return {
        "plan": plan,
        "timeliness": f.MeasureFactory(theme=one, name="Assessments within 45 days", unit="percent"),
        "stability_1": f.MeasureFactory(theme=one, name="Long term stability", unit="number"),
        "stability_2": f.MeasureFactory(theme=two, name="Long term stability", unit="number"),
        "edt": f.QualitativeMeasureFactory(theme=two, name="Children's EDT is operational"),
    }


def run(tmp_path, content, name="values.csv", *args):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    out = io.StringIO()
    call_command("import_measure_values", str(path), *args, stdout=out)
    return out.getvalue()


GOOD = (
    "plan,theme,measure,period_end,value,note,england,neighbours,region\n"
    "plan-2024,,Assessments within 45 days,2024-03-31,55%,First quarter,82.1,80,79.5\n"
    "Children's plan,1,Long term stability,31/03/2024,\"1,234\",,,,\n"
    "plan-2024,2,Long term stability,2024-03-31,12,,,,\n"
    "plan-2024,2,Children's EDT is operational,2024-03-31,Partly met,,,,\n"
)


def test_a_good_file_creates_every_value_and_says_how_many(tmp_path, world):
    assert run(tmp_path, GOOD).strip() == "4 created, 0 updated, 0 unchanged"
    timeliness = MeasureValue.objects.get(measure=world["timeliness"])
    assert (timeliness.value, timeliness.note, timeliness.england, timeliness.neighbours, timeliness.region) == (
        Decimal("55"), "First quarter", Decimal("82.1"), Decimal("80"), Decimal("79.5"))
    assert timeliness.period_end == datetime.date(2024, 3, 31)
    assert MeasureValue.objects.get(measure=world["stability_1"]).value == Decimal("1234")
    assert MeasureValue.objects.get(measure=world["stability_2"]).value == Decimal("12")
    assert MeasureValue.objects.get(measure=world["edt"]).status == "partly_met"


def test_importing_again_is_unchanged_and_a_changed_figure_corrects_it_keeping_the_old_in_history(tmp_path, world):
    run(tmp_path, GOOD)
    assert run(tmp_path, GOOD).strip() == "0 created, 0 updated, 4 unchanged"
    corrected = GOOD.replace("55%", "56.5")
    assert run(tmp_path, corrected).strip() == "0 created, 1 updated, 3 unchanged"
    value = MeasureValue.objects.get(measure=world["timeliness"])
    assert value.value == Decimal("56.5")
    assert [h.value for h in value.history.order_by("history_date")] == [Decimal("55"), Decimal("56.5")]


def test_a_utf8_bom_and_an_xlsx_workbook_are_read(tmp_path, world):
    assert run(tmp_path, "\ufeff" + GOOD).strip() == "4 created, 0 updated, 0 unchanged"
    book = Workbook()
    sheet = book.active
    sheet.append(["plan", "theme", "measure", "period_end", "value"])
    sheet.append(["plan-2024", None, "Assessments within 45 days", datetime.date(2024, 6, 30), 61.5])
    sheet.append(["plan-2024", "2", "Children's EDT is operational", datetime.date(2024, 6, 30), "Met"])
    data = io.BytesIO()
    book.save(data)
    assert run(tmp_path, data.getvalue(), "values.xlsx").strip() == "2 created, 0 updated, 0 unchanged"
    assert MeasureValue.objects.get(measure=world["timeliness"], period_end="2024-06-30").value == Decimal("61.5")


def test_a_dry_run_counts_and_writes_nothing(tmp_path, world):
    out = run(tmp_path, GOOD, "values.csv", "--dry-run")
    assert "4 created, 0 updated, 0 unchanged" in out and "Dry run: nothing was written." in out
    assert not MeasureValue.objects.exists()


def test_a_file_with_bad_rows_lists_every_problem_and_writes_nothing(tmp_path, world):
    # Another of the organisation's plans with the same title (a later version): the title is now ambiguous.
    other = f.PlanFactory(slug="other-plan", title="Children's plan", version="2.0")
    bad = (
        "plan,theme,measure,period_end,value,england\n"
        "plan-2024,,Assessments within 45 days,2024-03-31,55%,\n"  # good, but nothing is written
        "Children's plan,,Assessments within 45 days,2024-03-31,55,\n"
        "plan-2024,,Long term stability,2024-03-31,12,\n"
        "plan-2024,3,Long term stability,2024-03-31,12,\n"
        "plan-2024,,No such measure,2024-03-31,12,\n"
        "nowhere,,Assessments within 45 days,2024-03-31,12,\n"
        "plan-2024,,Assessments within 45 days,31/02/2024,12,\n"
        "plan-2024,,Assessments within 45 days,2024-06-30,lots,\n"
        "plan-2024,,Assessments within 45 days,2024-09-30,120,abc\n"
        "plan-2024,2,Children's EDT is operational,2024-03-31,55,\n"
        "plan-2024,,Assessments within 45 days,2024-03-31,56,\n"
        "plan-2024,,Assessments within 45 days,2099-03-31,56,\n"
        ",,,,,\n"
        "plan-2024,,,,,\n"
    )
    with pytest.raises(CommandError) as raised:
        run(tmp_path, bad)
    message = str(raised.value)
    lines = message.splitlines()
    assert "nothing was written" in lines[0]
    expected = [
        'row 3, column plan: "Children\'s plan" is the title of more than one plan: use the slug of one of '
        f'"{other.slug}", "plan-2024"',
        'row 4, column theme: a value is required: measure "Long term stability" is in more than one theme (1, 2)',
        'row 5, column theme: measure "Long term stability" is not in theme 3 (it is in theme 1, 2)',
        'row 6, column measure: plan "plan-2024" has no measure named "No such measure"',
        'row 7, column plan: no plan has the slug or title "nowhere"',
        'row 8, column period_end: "31/02/2024" is not a date: write it as YYYY-MM-DD or dd/mm/yyyy',
        'row 9, column value: "lots" is not a number: write it like 55, 55.5, 55% or 1,234',
        "row 10, column value: A percentage must be between 0 and 100",
        'row 10, column england: "abc" is not a number: write it like 55, 55.5, 55% or 1,234',
        'row 11, column value: "55" is not a status: this measure is qualitative, so write Met, Partly met or Not met',
        "row 12, column period_end: the same measure and period are on row 2: give each period once",
        "row 13, column period_end: The period must have ended: enter a date that is not in the future",
        "row 15, column measure: a value is required: the measure's name",
        "row 15, column period_end: a value is required: the last day of the period, as YYYY-MM-DD or dd/mm/yyyy",
        "row 15, column value: a value is required",
    ]
    for line in expected:
        assert line in lines, line
    assert len(lines) == 1 + len(expected)
    assert not MeasureValue.objects.exists()


def test_unknown_and_missing_columns_are_named(tmp_path, world):
    with pytest.raises(CommandError) as raised:
        run(tmp_path, "plan,measure,colour\nplan-2024,Assessments within 45 days,red\n")
    message = str(raised.value)
    assert "row 1, column colour: not a column of a measure values file" in message
    assert "row 1: missing required columns period_end, value" in message


def test_a_file_that_is_not_a_spreadsheet_is_refused(tmp_path, world):
    with pytest.raises(CommandError, match="not UTF-8"):
        run(tmp_path, b"\xff\xfe\x00bad", "values.csv")
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_measure_values", str(tmp_path / "missing.csv"))


@pytest.mark.parametrize(("text", "number"), [("55", "55"), ("55.5%", "55.5"), ("1,234", "1234"), (" 7 ", "7"),
                                               ("1,234.5", "1234.5"), ("-3", "-3")])
def test_figures_are_read_as_people_write_them(text, number):
    assert parse_figure(text) == Decimal(number)


@pytest.mark.parametrize("text", ["1,23", "12a", "five", "1.2.3", "%"])
def test_text_that_is_not_a_figure_is_refused(text):
    with pytest.raises(ValueError):
        parse_figure(text)


def test_statuses_are_read_in_any_case():
    assert parse_status("partly MET") == "partly_met" and parse_status("Not met") == "not_met"
    with pytest.raises(ValueError):
        parse_status("Almost")


def test_a_cell_formatted_as_a_percentage_is_read_as_the_percentage_shown(tmp_path):
    """Excel keeps 55% as 0.55 in a percent-formatted cell; percent measures store 0-100."""
    from openpyxl import Workbook

    from plans.imports import read_spreadsheet

    book = Workbook()
    sheet = book.active
    sheet.append(["plan", "measure", "period_end", "value"])
    sheet.append(["a-plan", "Share seen in time", "31/03/2025", 0.555])
    sheet["D2"].number_format = "0.0%"
    sheet.append(["a-plan", "Share seen in time", "30/06/2025", 61])
    path = tmp_path / "values.xlsx"
    book.save(path)
    with path.open("rb") as file:
        rows = read_spreadsheet(file, "values.xlsx")
    assert [row["value"] for _, row in rows] == ["55.5%", "61"]


# Within the organisation only (issue 12) -------------------------------------------------------------------


@pytest.fixture
def leeds(world):
    """Another council with a plan of the same title as the home council's, and a measure only it holds."""
    leeds = f.OtherOrganisationFactory(slug="leeds")
    plan = f.PlanFactory(organisation=leeds, slug="leeds-plan", title="Children's plan")
    f.PlanFactory(organisation=leeds, slug="leeds-only", title="Leeds only plan")
    theme = f.ThemeFactory(plan=plan, number="1")
    return {"organisation": leeds, "plan": plan,
            "measure": f.MeasureFactory(theme=theme, name="Assessments within 45 days", unit="percent"),
            "own": f.MeasureFactory(theme=theme, name="Leeds care leavers in touch", unit="percent")}


def test_another_organisations_plan_is_not_found_exactly_as_a_missing_one_is(tmp_path, world, leeds):
    rows = (
        "plan,measure,period_end,value\n"
        "leeds-plan,Assessments within 45 days,2024-03-31,55\n"  # their slug
        "Leeds only plan,Assessments within 45 days,2024-03-31,55\n"  # their title
        "no-such-plan,Assessments within 45 days,2024-03-31,55\n"  # nobody's
    )
    with pytest.raises(CommandError) as raised:
        run(tmp_path, rows, "values.csv", "--organisation", "home-council")
    assert str(raised.value).splitlines()[1:] == [
        'row 2, column plan: no plan has the slug or title "leeds-plan"',
        'row 3, column plan: no plan has the slug or title "Leeds only plan"',
        'row 4, column plan: no plan has the slug or title "no-such-plan"',
    ]
    assert not MeasureValue.objects.exists()


def test_a_title_another_organisation_shares_names_the_importers_plan_without_naming_theirs(tmp_path, world, leeds):
    rows = "plan,theme,measure,period_end,value\nChildren's plan,1,Long term stability,2024-03-31,12\n"
    assert run(tmp_path, rows, "values.csv", "--organisation", "home-council").strip() == (
        "1 created, 0 updated, 0 unchanged")
    assert MeasureValue.objects.get().measure == world["stability_1"]  # theirs is neither matched nor named


def test_another_organisations_measure_is_not_found_exactly_as_a_missing_one_is(tmp_path, world, leeds):
    rows = "plan,measure,period_end,value\nplan-2024,Leeds care leavers in touch,2024-03-31,55\n"
    with pytest.raises(CommandError) as raised:
        run(tmp_path, rows, "values.csv", "--organisation", "home-council")
    assert str(raised.value).splitlines()[1:] == [
        'row 2, column measure: plan "plan-2024" has no measure named "Leeds care leavers in touch"'
    ]


def test_each_organisation_imports_into_its_own_plans(tmp_path, world, leeds):
    rows = "plan,measure,period_end,value\nChildren's plan,Assessments within 45 days,2024-03-31,55\n"
    run(tmp_path, rows, "values.csv", "--organisation", "leeds")
    assert MeasureValue.objects.get().measure == leeds["measure"]
    assert not MeasureValue.objects.filter(measure=world["timeliness"]).exists()


def test_with_several_organisations_the_command_needs_one(tmp_path, world, leeds):
    with pytest.raises(CommandError) as raised:
        run(tmp_path, GOOD)
    assert str(raised.value).splitlines()[1:] == ["Choose the organisation whose plans the rows name."]
    with pytest.raises(CommandError, match='No organisation has the slug "nowhere".'):
        run(tmp_path, GOOD, "values.csv", "--organisation", "nowhere")
    assert not MeasureValue.objects.exists()


def test_the_service_takes_the_organisation(world, leeds):
    from plans.imports import read_spreadsheet
    from plans.measure_imports import MeasureImportError, import_measure_values

    rows = read_spreadsheet(io.BytesIO(b"plan,measure,period_end,value\nleeds-plan,Assessments within 45 days,"
                                       b"2024-03-31,55\n"), "values.csv")
    with pytest.raises(MeasureImportError):
        import_measure_values(rows=rows, organisation=world["plan"].organisation)
    assert import_measure_values(rows=rows, organisation=leeds["organisation"]).values.created == 1
