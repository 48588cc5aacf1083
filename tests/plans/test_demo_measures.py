"""Demo measure values: deterministic, labelled, inside each plan's window, and cleared exactly."""

import datetime
from decimal import Decimal

import pytest

from plans import demo_measures
from plans.models import Measure, MeasureValue
from tests import factories as f

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 6, 15)


@pytest.fixture
def world():
    author = f.UserFactory(username="demo-admin")
    plan = f.PlanFactory(slug="improvement-plan-2022-24", status="approved", start=datetime.date(2022, 9, 1))
    themes = [f.ThemeFactory(plan=plan, number=str(n)) for n in (1, 2, 3)]
    bare = [f.MeasureFactory(theme=theme, unit="", polarity="", name=f"Percentage of children seen {n}")
            for n, theme in enumerate(themes)]
    real_target = f.MeasureFactory(theme=themes[0], name="Re-referrals", unit="percent", polarity="lower",
                                   target=Decimal("20"), tolerance=Decimal("2"))
    statement = f.QualitativeMeasureFactory(theme=themes[1], name="Children's EDT is operational")
    with_real = f.MeasureFactory(theme=themes[2], name="Real series", target=Decimal("50"))
    f.MeasureValueFactory(measure=with_real, period_end=datetime.date(2025, 3, 31), value=Decimal("40"))
    officer = f.PersonFactory(name="Demo officer person")
    return locals()


def snapshot():
    return (list(MeasureValue.objects.order_by("measure__name", "period_end").values_list(
                "measure__name", "period_end", "value", "status", "entered_at", "is_demo")),
            list(Measure.objects.order_by("pk").values_list("target", "tolerance", "polarity", "unit", "owner",
                                                            "demo_fields")))


def test_seed_gives_every_measure_8_to_12_labelled_periods_entered_about_15_days_later(world):
    demo_measures.seed(author=world["author"], officer_person=world["officer"], today=TODAY)
    for measure in [*world["bare"], world["real_target"], world["statement"]]:
        values = list(MeasureValue.objects.filter(measure=measure).order_by("period_end"))
        assert 8 <= len(values) <= 12
        assert all(v.is_demo and v.entered_by == world["author"] for v in values)
        for value in values:
            delay = (value.entered_at.date() - value.period_end).days
            assert 13 <= delay <= 17 and value.entered_at.date() <= TODAY
    statuses = set(MeasureValue.objects.filter(measure=world["statement"]).values_list("status", flat=True))
    assert statuses <= {"met", "partly_met", "not_met"} and statuses


def test_seed_fills_in_only_what_the_fixtures_lack_and_names_it(world):
    demo_measures.seed(author=world["author"], officer_person=world["officer"], today=TODAY)
    bare = Measure.objects.get(pk=world["bare"][0].pk)
    assert bare.unit == "percent" and bare.polarity == "higher"
    assert bare.target is not None and bare.tolerance is not None
    assert {"unit", "polarity", "target", "tolerance"} <= set(bare.demo_fields)
    real = Measure.objects.get(pk=world["real_target"].pk)
    assert (real.target, real.tolerance, real.polarity) == (Decimal("20"), Decimal("2"), "lower")
    assert real.demo_fields in ([], ["owner"])
    assert Measure.objects.get(pk=world["statement"].pk).target is None


def test_a_real_series_gets_no_demo_values(world):
    demo_measures.seed(author=world["author"], officer_person=world["officer"], today=TODAY)
    assert list(MeasureValue.objects.filter(measure=world["with_real"]).values_list("is_demo", flat=True)) == [False]


def test_the_demo_officer_owns_a_few_measures_of_the_live_plan(world):
    demo_measures.seed(author=world["author"], officer_person=world["officer"], today=TODAY)
    owned = Measure.objects.filter(owner=world["officer"])
    assert 1 <= owned.count() <= demo_measures.OFFICER_MEASURES
    assert all("owner" in m.demo_fields and m.plan.slug == "improvement-plan-2022-24" for m in owned)


def test_seeding_twice_gives_the_same_rows_and_clear_removes_exactly_the_demo(world):
    demo_measures.seed(author=world["author"], officer_person=world["officer"], today=TODAY)
    first = snapshot()
    demo_measures.seed(author=world["author"], officer_person=world["officer"], today=TODAY)
    assert snapshot() == first
    demo_measures.clear()
    assert list(MeasureValue.objects.values_list("measure__name", flat=True)) == ["Real series"]
    assert not MeasureValue.history.filter(is_demo=True).exists()
    bare = Measure.objects.get(pk=world["bare"][0].pk)
    assert (bare.target, bare.tolerance, bare.polarity, bare.unit, bare.owner, bare.demo_fields) == (
        None, None, "", "", None, [])
    assert Measure.objects.get(pk=world["real_target"].pk).target == Decimal("20")


def test_a_superseded_plan_has_values_only_inside_its_window(world):
    old = f.PlanFactory(status="superseded", start=datetime.date(2021, 1, 1))
    world["plan"].supersedes = old
    world["plan"].save()
    measure = f.MeasureFactory(theme=f.ThemeFactory(plan=old), name="Old measure")
    demo_measures.seed(author=world["author"], today=TODAY)
    last_entry = max(MeasureValue.objects.filter(measure=measure).values_list("entered_at", flat=True))
    assert last_entry.date() < datetime.date(2022, 9, 1)


def test_demo_values_are_labelled_on_the_vital_signs(client, world):
    demo_measures.seed(author=world["author"], officer_person=world["officer"], today=TODAY)
    client.force_login(f.user_in_role("Board member", username="b"))
    html = client.get(f"/plans/{world['plan'].slug}/vital-signs/?as_at=2026-06-15").content.decode()
    assert "Demo data" in html and "made up for demonstration" in html
