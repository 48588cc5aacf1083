"""Entering a measure's value: who may, the form, and the service's rules (a correction keeps the old value)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from plans.models import MeasureValue
from plans.permissions import can_enter_measure_value
from plans.services import record_measure_value
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def measure(cast):
    return f.MeasureFactory(theme=cast.action.theme, name="Assessments within 45 days", unit="percent",
                            target=Decimal("80"), tolerance=Decimal("5"))


def url(measure):
    return reverse("plans:measure_value", args=[measure.pk])


GOOD = {"period_end_0": "31", "period_end_1": "3", "period_end_2": "2025", "value": "55.5%", "england": "80",
        "neighbours": "", "region": "", "note": "Quarter 4"}


def test_the_owner_the_theme_leads_and_admins_may_enter_values_and_no_one_else(cast, measure):
    lead_of_theme = f.PersonFactory(organisation=cast.org, user=f.user_in_role("Officer", username="themelead"))
    cast.action.theme.leads.add(lead_of_theme)
    measure.owner = cast.lead
    measure.save()
    assert can_enter_measure_value(cast.lead.user, measure)
    assert can_enter_measure_value(lead_of_theme.user, measure)
    assert can_enter_measure_value(cast.admin, measure)
    assert not can_enter_measure_value(cast.other.user, measure)
    assert not can_enter_measure_value(cast.board.user, measure)
    # A board member who owns a measure still may not: owners are officers.
    measure.owner = cast.board
    measure.save()
    assert not can_enter_measure_value(cast.board.user, measure)


@pytest.mark.parametrize("who", ["other", "board"])
def test_anyone_else_gets_403_before_the_form_is_read(client, cast, measure, who):
    client.force_login(getattr(cast, who).user)
    assert client.get(url(measure)).status_code == 403
    assert client.post(url(measure), {"value": "not even a number"}).status_code == 403
    assert not MeasureValue.objects.exists()


def test_the_owner_enters_a_value_and_sees_it_on_the_measure_page(client, cast, measure):
    measure.owner = cast.lead
    measure.save()
    client.force_login(cast.lead.user)
    form = client.get(url(measure))
    assert form.status_code == 200 and "Enter a value" in form.content.decode()
    response = client.post(url(measure), GOOD)
    assert response.status_code == 302 and response["Location"] == measure.get_absolute_url()
    value = MeasureValue.objects.get(measure=measure)
    assert (value.period_end, value.value, value.england, value.note, value.entered_by) == (
        datetime.date(2025, 3, 31), Decimal("55.5"), Decimal("80"), "Quarter 4", cast.lead.user)
    assert not value.is_demo
    page = client.get(measure.get_absolute_url(), follow=True).content.decode()
    assert "Value for 31 March 2025 saved." in page and "55.5%" in page


def test_entering_the_same_period_again_corrects_it_and_the_history_keeps_the_old_value(client, cast, measure):
    client.force_login(cast.admin)
    client.post(url(measure), GOOD)
    client.post(url(measure), GOOD | {"value": "57"})
    value = MeasureValue.objects.get(measure=measure)
    assert value.value == Decimal("57")
    history = list(value.history.order_by("history_date"))
    assert [h.value for h in history] == [Decimal("55.5"), Decimal("57")]
    assert history[-1].history_type == "~" and history[-1].history_change_reason == "Corrected"
    assert history[-1].history_user == cast.admin
    html = client.get(measure.get_absolute_url()).content.decode()
    assert "Corrected" in html and "55.5%" in html


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"value": ""}, "value", "Enter the value, as a number"),
    ({"value": "lots"}, "value", "is not a number"),
    ({"value": "101"}, "value", "A percentage must be between 0 and 100"),
    ({"england": "-1"}, "england", "A percentage must be between 0 and 100"),
    ({"period_end_0": "", "period_end_1": "", "period_end_2": ""}, "period_end", "Enter the last day of the period"),
    ({"period_end_0": "31", "period_end_1": "2", "period_end_2": "2025"}, "period_end", "Enter a real date"),
    ({"period_end_2": "2999"}, "period_end", "The period must have ended"),
])
def test_bad_input_gets_a_clear_error_and_writes_nothing(client, cast, measure, change, field, message):
    client.force_login(cast.admin)
    response = client.post(url(measure), GOOD | change)
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html and message in html
    assert not MeasureValue.objects.exists()


def test_a_qualitative_measure_takes_a_status(client, cast):
    edt = f.QualitativeMeasureFactory(theme=cast.action.theme, name="Children's EDT is operational")
    client.force_login(cast.admin)
    html = client.get(url(edt)).content.decode()
    assert "Partly met" in html and 'name="value"' not in html
    response = client.post(url(edt), {"period_end_0": "31", "period_end_1": "3", "period_end_2": "2025"})
    assert "Choose Met, Partly met or Not met" in response.content.decode()
    client.post(url(edt), {"period_end_0": "31", "period_end_1": "3", "period_end_2": "2025", "status": "met"})
    assert MeasureValue.objects.get(measure=edt).status == "met"


def test_the_service_refuses_a_number_for_a_qualitative_measure_and_a_status_for_a_quantitative_one(cast, measure):
    edt = f.QualitativeMeasureFactory(theme=cast.action.theme)
    with pytest.raises(ValidationError) as raised:
        record_measure_value(measure=edt, period_end=datetime.date(2025, 3, 31), value=Decimal("1"))
    assert set(raised.value.message_dict) == {"status", "value"}
    with pytest.raises(ValidationError) as raised:
        record_measure_value(measure=measure, period_end=datetime.date(2025, 3, 31), status="met")
    assert set(raised.value.message_dict) == {"status", "value"}
    with pytest.raises(ValidationError) as raised:
        record_measure_value(measure=edt, period_end=datetime.date(2025, 3, 31), status="met", england=Decimal("3"))
    assert "england" in raised.value.message_dict


def test_the_same_figures_again_are_unchanged_and_write_no_history(cast, measure):
    day = datetime.date(2025, 3, 31)
    first, outcome = record_measure_value(measure=measure, period_end=day, value=Decimal("55.5"))
    assert outcome == "created"
    again, outcome = record_measure_value(measure=measure, period_end=day, value=Decimal("55.50"))
    assert outcome == "unchanged" and again.pk == first.pk
    assert first.history.count() == 1


def test_a_correction_replaces_the_figure_from_when_the_period_first_became_known(cast, measure):
    from plans.models import Measure

    day = datetime.date(2025, 3, 31)
    early = timezone.make_aware(datetime.datetime(2025, 4, 15, 9))
    record_measure_value(measure=measure, period_end=day, value=Decimal("55"), entered_at=early,
                         entered_by=cast.lead.user)
    late = timezone.make_aware(datetime.datetime(2025, 5, 15, 9))
    value, outcome = record_measure_value(measure=measure, period_end=day, value=Decimal("60"), entered_at=late,
                                          entered_by=cast.admin)
    assert outcome == "updated" and value.entered_at == early and value.entered_by == cast.lead.user
    # As at a day between the two, the period is known and shows the corrected figure.
    between = Measure.objects.with_latest(datetime.date(2025, 5, 1)).get(pk=measure.pk)
    assert between.latest_value == Decimal("60")
    # The history says who corrected it, when, and what it replaced.
    correction, original = value.history.order_by("-history_date")[:2]
    assert (correction.history_user, correction.history_date, correction.history_change_reason) == \
        (cast.admin, late, "Corrected")
    assert original.value == Decimal("55")


def _admin_post(measure, **value):
    data = {"plan": measure.plan_id, "theme": measure.theme_id, "name": measure.name, "kind": measure.kind,
            "unit": measure.unit, "polarity": measure.polarity, "target": "80", "tolerance": "5", "order": "1",
            "demo_fields": "[]",
            "values-TOTAL_FORMS": "1", "values-INITIAL_FORMS": "0", "values-MIN_NUM_FORMS": "0",
            "values-MAX_NUM_FORMS": "1000", "values-0-period_end": "2025-03-31",
            "values-0-entered_at_0": "2025-04-15", "values-0-entered_at_1": "09:00:00"}
    return data | {f"values-0-{name}": v for name, v in value.items()}


def test_the_admin_enters_values_inline_on_the_measure_under_the_same_rules(client, cast, measure):
    client.force_login(cast.admin)
    change = reverse("admin:plans_measure_change", args=[measure.pk])
    assert client.get(change).status_code == 200
    refused = client.post(change, _admin_post(measure, value="120"))
    assert refused.status_code == 200 and "A percentage must be between 0 and 100" in refused.content.decode()
    assert not MeasureValue.objects.exists()
    saved = client.post(change, _admin_post(measure, value="55"))
    assert saved.status_code == 302, saved.content.decode()[:2000]
    value = MeasureValue.objects.get(measure=measure)
    assert value.value == Decimal("55") and value.entered_by == cast.admin
