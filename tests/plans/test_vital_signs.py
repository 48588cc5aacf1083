"""The Vital Signs report, its downloads, and the measure page."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from plans.models import MeasureValue
from plans.services import record_measure_value
from tests import factories as f

pytestmark = pytest.mark.django_db


def at(day, hour=9):
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=datetime.UTC)


@pytest.fixture
def measures(cast):
    theme = cast.action.theme
    theme.number, theme.title = "1", "Early help"
    theme.save()
    second = f.ThemeFactory(plan=cast.plan, number="2", title="Children in care", order=theme.order + 1)
    timeliness = f.MeasureFactory(theme=theme, name="Assessments within 45 days", unit="percent", polarity="higher",
                                  target=Decimal("80"), tolerance=Decimal("5"), owner=cast.lead)
    for index, (value, england) in enumerate([(60, None), (70, None), (76, Decimal("82.1"))]):
        f.MeasureValueFactory(measure=timeliness, period_end=datetime.date(2024, 3, 31) + datetime.timedelta(91 * index),
                              value=Decimal(value), england=england)
    stability = f.MeasureFactory(theme=second, name="=Placement moves", unit="number", polarity="lower")
    f.MeasureValueFactory(measure=stability, period_end=datetime.date(2024, 3, 31), value=Decimal("12"), is_demo=True)
    edt = f.QualitativeMeasureFactory(theme=second, name="Children's EDT is operational")
    return {"timeliness": timeliness, "stability": stability, "edt": edt, "second": second}


def page(client, user, plan, **params):
    client.force_login(user)
    return client.get(reverse("plans:vital_signs", args=[plan.slug]), params)


def test_the_plan_page_links_to_its_vital_signs(client, cast):
    client.force_login(cast.board.user)
    response = client.get(cast.plan.get_absolute_url())
    assert reverse("plans:vital_signs", args=[cast.plan.slug]) in response.content.decode()


def test_the_report_shows_each_theme_with_latest_value_target_rating_direction_and_sparkline(client, cast, measures):
    response = page(client, cast.board.user, cast.plan)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Early help") < html.index("Assessments within 45 days") < html.index("Children in care")
    assert "76%" in html and "80%" in html and "England: 82.1%" in html
    assert "period ending 29 Sep 2024" in html  # 31 March + 182 days
    assert "govuk-tag--orange app-rag-tag\">Amber" in html  # 76 is short of 80 by no more than 5
    assert "Improving" in html and "↑" in html
    assert "No target" in html and "Not yet rated" in html and "No previous value" in html
    assert 'role="img"' in html and "<title" in html and "Trend of Assessments within 45 days" in html
    assert "Demo data" in html  # the placement moves value is demo
    assert "style=" not in html


def test_a_qualitative_series_gets_a_sparkline_of_its_statuses_too(client, cast, measures):
    for index, status in enumerate(["not_met", "partly_met", "met"]):
        f.MeasureValueFactory(measure=measures["edt"], period_end=datetime.date(2024, 3, 31) + datetime.timedelta(91 * index),
                              value=None, status=status)
    html = page(client, cast.board.user, cast.plan).content.decode()
    assert "Trend of Children&#x27;s EDT is operational" in html or "Trend of Children's EDT is operational" in html
    assert "Drawn low for Not met, middle for Partly met, high for Met." in html


def test_as_at_a_past_day_shows_only_values_entered_by_then(client, cast, measures):
    # The third value (period ending 28 September 2024) was entered on 14 October 2024.
    html = page(client, cast.board.user, cast.plan, as_at="2024-10-12").content.decode()
    assert "as at the end of 12 October 2024" in html
    assert "76%" not in html and "70%" in html


@pytest.mark.parametrize("bad", ["2024-13-01", "yesterday", "31/12/2024", "2999-01-01"])
def test_a_bad_as_at_date_gets_an_error_summary_not_a_crash(client, cast, measures, bad):
    response = page(client, cast.board.user, cast.plan, as_at=bad)
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Enter the date as YYYY-MM-DD" in html or "cannot be in the future" in html
    download = client.get(reverse("plans:vital_signs_csv", args=[cast.plan.slug]), {"as_at": bad})
    assert download.status_code == 400


def test_the_report_runs_a_fixed_number_of_queries_whatever_the_number_of_measures(
        client, cast, measures, django_assert_num_queries):
    client.force_login(cast.board.user)
    url = reverse("plans:vital_signs", args=[cast.plan.slug])
    client.get(url)  # warm the session and the user's person
    # session, user, plan (with its successor), measures with ratings, recent values
    with django_assert_num_queries(5):
        client.get(url)
    for index in range(12):
        measure = f.MeasureFactory(theme=measures["second"], target=Decimal("50"))
        for period in range(10):
            f.MeasureValueFactory(measure=measure, period_end=datetime.date(2022, 3, 31) + datetime.timedelta(91 * period),
                                  value=Decimal(index + period))
    with django_assert_num_queries(5):
        response = client.get(url)
    assert response.content.decode().count('class="app-chart app-chart--sparkline"') == 14  # 12 new, and the two with numbers


def test_the_sparkline_shows_the_last_eight_periods(client, cast, measures):
    measure = measures["timeliness"]
    for period in range(3, 12):
        f.MeasureValueFactory(measure=measure, period_end=datetime.date(2024, 3, 31) + datetime.timedelta(91 * period),
                              value=Decimal(period))
    from plans.vital_signs import vital_signs

    row = vital_signs(cast.plan, as_at=datetime.date(2030, 1, 1), user=cast.board.user).groups[0].rows[0]
    assert [p.value for p in row.points] == [Decimal(n) for n in range(4, 12)]


def test_the_downloads_have_the_same_rows_with_numbers_as_numbers_and_text_made_safe(client, cast, measures):
    client.force_login(cast.board.user)
    response = client.get(reverse("plans:vital_signs_csv", args=[cast.plan.slug]), {"as_at": "2025-01-01"})
    assert response["Content-Disposition"].endswith('-vital-signs-2025-01-01.csv"')
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r["measure"] for r in rows] == ["Assessments within 45 days", "'=Placement moves",
                                            "Children's EDT is operational"]
    first = rows[0]
    assert (first["value"], first["target"], first["tolerance"], first["england"]) == ("76", "80", "5", "82.1")
    assert (first["rating"], first["direction"], first["unit"], first["period_end"]) == (
        "Amber", "Improving", "Percent", "2024-09-29")
    assert rows[1]["demo"] == "Demo data"

    response = client.get(reverse("plans:vital_signs_xlsx", args=[cast.plan.slug]), {"as_at": "2025-01-01"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[1]]
    values = dict(zip(header, [c.value for c in sheet[2]], strict=True))
    assert values["value"] == 76 and isinstance(values["england"], float | int) and values["england"] == 82.1
    assert values["period_end"].date() == datetime.date(2024, 9, 29)
    assert sheet.cell(row=3, column=header.index("measure") + 1).value == "'=Placement moves"
    assert sheet.max_row == 4


def test_the_measure_page_shows_the_whole_series_and_the_history_of_a_correction(client, cast, measures):
    measure = measures["timeliness"]
    held = MeasureValue.objects.get(measure=measure, period_end=datetime.date(2024, 9, 29))
    MeasureValue.history.filter(id=held.pk).delete()  # factories write history too: start from a recorded entry
    record_measure_value(measure=measure, period_end=datetime.date(2024, 12, 28), value=Decimal("78.5"),
                         entered_by=cast.lead.user, note="Quarter 4")
    record_measure_value(measure=measure, period_end=datetime.date(2024, 12, 28), value=Decimal("79"),
                         entered_by=cast.lead.user, note="Quarter 4, corrected")
    client.force_login(cast.board.user)
    response = client.get(measure.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="app-chart app-chart--series"' in html and "Target 80" in html
    for shown in ("60%", "70%", "76%", "79%", "Quarter 4, corrected", "England: 82.1%"):
        assert shown in html
    assert "Corrected" in html and "78.5%" in html  # the history keeps the replaced value
    assert "Enter a value" not in html  # a board member cannot enter values


def test_the_measure_page_offers_entry_to_its_owner(client, cast, measures):
    client.force_login(cast.lead.user)
    html = client.get(measures["timeliness"].get_absolute_url()).content.decode()
    assert reverse("plans:measure_value", args=[measures["timeliness"].pk]) in html


def test_the_measure_page_runs_a_fixed_number_of_queries(client, cast, measures, django_assert_max_num_queries):
    measure = measures["timeliness"]
    client.force_login(cast.board.user)
    client.get(measure.get_absolute_url())
    for period in range(3, 10):
        record_measure_value(measure=measure, period_end=datetime.date(2024, 3, 31) + datetime.timedelta(91 * period),
                             value=Decimal(period), entered_by=cast.lead.user)
    # session, user, the measure with its rating, its recommendations, its values, their history, the
    # permission look-ups (person, groups, theme leads)
    with django_assert_max_num_queries(11):
        response = client.get(measure.get_absolute_url())
    assert response.status_code == 200


def test_measures_of_the_whole_plan_have_their_own_group(client, cast, measures):
    f.MeasureFactory(theme=None, plan=cast.plan, name="Children's overall outcomes")
    html = page(client, cast.board.user, cast.plan).content.decode()
    assert "Measures of the whole plan" in html and "Children&#x27;s overall outcomes" in html
