"""Theme impact assessments: the Sustained rule, who may record one, append-only history, the pages."""

import datetime
import re

import pytest
from django.contrib.admin.sites import site
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse

from plans import demo_impact
from plans.impact import LEVEL_MEANINGS, Level, SustainedImpactRule
from plans.models import ImpactAssessment, Plan, Theme
from plans.permissions import can_assess_theme
from plans.services import record_impact_assessment
from tests import factories as f

pytestmark = pytest.mark.django_db

DAY = datetime.date(2025, 6, 30)


def quarter(n):
    """Period ends of consecutive quarters, all entered well before DAY."""
    return datetime.date(2024, 3, 31) + datetime.timedelta(days=91 * n)


def measure_with(theme, *values, target=60, **kwargs):
    measure = f.MeasureFactory(theme=theme, target=target, tolerance=5, **kwargs)
    for n, value in enumerate(values):
        f.MeasureValueFactory(measure=measure, period_end=quarter(n), value=value)
    return measure


def assess(theme, author, level="sustained", measures=(), **kwargs):
    fields = dict(theme=theme, author=author, level=level, assessed_on=DAY, rationale="The figures held.",
                  measures=measures, practice_findings="March audit: 8 of 10 cases good.")
    return record_impact_assessment(**fields | kwargs)


@pytest.fixture
def theme(cast):
    theme = cast.action.theme
    theme.leads.add(cast.lead)
    return theme


# The rule.
def test_sustained_is_refused_without_a_cited_measure(theme, cast):
    with pytest.raises(ValidationError) as refused:
        assess(theme, cast.admin)
    assert "Green for its last two values" in refused.value.message_dict["level"][0]
    assert not ImpactAssessment.objects.exists()


def test_sustained_is_refused_when_the_measure_was_green_only_once(theme, cast):
    once = measure_with(theme, 50, 70)  # Red, then Green
    with pytest.raises(ValidationError) as refused:
        assess(theme, cast.admin, measures=[once])
    assert "level" in refused.value.message_dict


def test_sustained_is_refused_when_the_latest_value_fell_back(theme, cast):
    fell = measure_with(theme, 70, 70, 58)  # Green, Green, then Amber: the last two are Green and Amber
    with pytest.raises(ValidationError):
        assess(theme, cast.admin, measures=[fell])


def test_sustained_is_allowed_when_one_cited_measure_was_green_for_its_last_two_values(theme, cast):
    steady = measure_with(theme, 40, 61, 60)  # Red, then Green twice (exactly at target counts)
    weak = measure_with(theme, 10, 10)
    saved = assess(theme, cast.admin, measures=[weak, steady])
    assert saved.level == Level.SUSTAINED
    assert set(saved.measures.all()) == {weak, steady}


def test_a_measure_with_no_target_never_sustains(theme, cast):
    untargeted = measure_with(theme, 70, 80, target=None)
    with pytest.raises(ValidationError):
        assess(theme, cast.admin, measures=[untargeted])


def test_values_entered_after_the_assessment_date_do_not_count(theme, cast):
    steady = measure_with(theme, 70)
    f.MeasureValueFactory(measure=steady, period_end=DAY - datetime.timedelta(days=1), value=75)  # entered DAY+14
    assert not SustainedImpactRule.allows(measures=[steady], as_at=DAY)
    assert SustainedImpactRule.allows(measures=[steady], as_at=DAY + datetime.timedelta(days=20))


def test_qualitative_met_twice_can_sustain(theme, cast):
    measure = f.QualitativeMeasureFactory(theme=theme)
    for n in range(2):
        f.MeasureValueFactory(measure=measure, period_end=quarter(n), value=None, status="met")
    assert assess(theme, cast.admin, measures=[measure]).level == Level.SUSTAINED


def test_cited_measures_must_belong_to_the_theme(theme, cast):
    elsewhere = measure_with(f.ThemeFactory(plan=theme.plan), 70, 70)
    with pytest.raises(ValidationError) as refused:
        assess(theme, cast.admin, level="evident", measures=[elsewhere])
    assert "Not in this theme" in refused.value.message_dict["measures"][0]


@pytest.mark.parametrize("change, field", [
    ({"rationale": "  "}, "rationale"),
    ({"level": "brilliant"}, "level"),
    ({"assessed_on": datetime.date.today() + datetime.timedelta(days=2)}, "assessed_on"),
    ({"level": "evident", "practice_findings": "", "voices": ""}, "measures"),
])
def test_bad_input_gets_a_specific_error_and_writes_nothing(theme, cast, change, field):
    with pytest.raises(ValidationError) as refused:
        assess(theme, cast.admin, **{"level": "emerging"} | change)
    assert field in refused.value.message_dict
    assert not ImpactAssessment.objects.exists()


def test_not_yet_evident_needs_no_evidence(theme, cast):
    saved = assess(theme, cast.admin, level="not_yet_evident", practice_findings="")
    assert saved.author == cast.admin and saved.created_at is not None


def test_every_level_has_a_meaning():
    assert set(LEVEL_MEANINGS) == set(Level) and all(len(m) > 40 for m in LEVEL_MEANINGS.values())


# Who may record.
def test_the_themes_lead_and_an_admin_may_assess_it_others_may_not(theme, cast):
    assert can_assess_theme(cast.lead.user, theme)
    assert can_assess_theme(cast.admin, theme)
    assert not can_assess_theme(cast.other.user, theme)
    assert not can_assess_theme(cast.board.user, theme)


def test_a_lead_of_one_of_its_actions_only_may_not(cast):
    assert not can_assess_theme(cast.lead.user, cast.action.theme)  # leads the action, not the theme


@pytest.mark.parametrize("who", ["other", "board"])
def test_the_form_is_403_for_others_before_it_is_read(client, theme, cast, who):
    client.force_login(getattr(cast, who).user)
    url = reverse("plans:impact", args=[theme.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"level": "sustained"}).status_code == 403
    assert not ImpactAssessment.objects.exists()


def test_the_lead_records_an_assessment_through_the_form(client, theme, cast):
    measure = measure_with(theme, 70, 70)
    client.force_login(cast.lead.user)
    page = client.get(reverse("plans:impact", args=[theme.pk])).content.decode()
    for meaning in LEVEL_MEANINGS.values():
        assert meaning.replace("'", "&#x27;") in page
    assert "can support Sustained" in page
    response = client.post(reverse("plans:impact", args=[theme.pk]), {
        "level": "sustained", "assessed_on_0": "30", "assessed_on_1": "6", "assessed_on_2": "2025",
        "rationale": "Held for two quarters.", "measures": [measure.pk], "voices": "Young people say so.",
    })
    assert response.status_code == 302 and response.url == reverse("plans:theme", args=[theme.pk])
    saved = ImpactAssessment.objects.get()
    assert (saved.level, saved.author, saved.assessed_on) == ("sustained", cast.lead.user, DAY)


def test_the_form_shows_the_rules_refusal_beside_the_level(client, theme, cast):
    client.force_login(cast.lead.user)
    response = client.post(reverse("plans:impact", args=[theme.pk]), {
        "level": "sustained", "assessed_on_0": "30", "assessed_on_1": "6", "assessed_on_2": "2025",
        "rationale": "Held.", "practice_findings": "Audit.",
    })
    page = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in page
    assert 'id="level-error"' in page and "Green for its last two values" in page
    assert not ImpactAssessment.objects.exists()


# Append-only.
def test_the_admin_is_read_only_except_for_superusers(theme, cast):
    admin_class = site._registry[ImpactAssessment]
    request = RequestFactory().get("/")
    request.user = cast.admin  # in the Admin group, not a superuser
    assert not admin_class.has_change_permission(request)
    assert not admin_class.has_delete_permission(request)
    assert not admin_class.has_add_permission(request)
    request.user = f.StaffUserFactory()
    assert admin_class.has_change_permission(request) and admin_class.has_delete_permission(request)


def test_a_new_assessment_adds_to_the_history(theme, cast):
    first = assess(theme, cast.admin, level="emerging", assessed_on=DAY - datetime.timedelta(days=90))
    second = assess(theme, cast.admin, level="evident")
    assert list(theme.impact_assessments.all()) == [second, first]


# The latest impact as a QuerySet annotation.
def test_with_latest_impact_takes_the_latest_by_date_and_respects_as_at(theme, cast):
    empty = f.ThemeFactory(plan=theme.plan)
    f.ImpactAssessmentFactory(theme=theme, level="emerging", assessed_on=datetime.date(2024, 6, 30),
                              created_at=datetime.datetime(2024, 7, 1, tzinfo=datetime.UTC))
    f.ImpactAssessmentFactory(theme=theme, level="evident", assessed_on=datetime.date(2025, 1, 31),
                              created_at=datetime.datetime(2025, 2, 3, tzinfo=datetime.UTC))
    rows = {t.pk: t for t in Theme.objects.filter(plan=theme.plan).with_latest_impact()}
    assert (rows[theme.pk].latest_impact_level, rows[theme.pk].latest_impact_on) == ("evident", datetime.date(2025, 1, 31))
    assert rows[empty.pk].latest_impact_level is None
    then = Theme.objects.with_latest_impact(as_at=datetime.date(2025, 2, 1)).get(pk=theme.pk)
    assert then.latest_impact_level == "emerging"  # assessed on 31 January but recorded on 3 February


# Pages.
def test_the_theme_page_shows_delivery_and_impact_side_by_side_and_the_history(client, theme, cast):
    theme.for_children = "Children are seen quickly."
    theme.save()
    f.ProgressUpdateFactory(action=cast.action, rag="red")
    measure = measure_with(theme, 70, 70)
    assess(theme, cast.admin, measures=[measure], voices="A young person: 'my worker listens'.")
    client.force_login(cast.board.user)
    page = client.get(reverse("plans:theme", args=[theme.pk])).content.decode()
    assert "Children are seen quickly." in page
    delivery, impact = page.split("Delivery: actions by current rating")[1].split("Impact for children: latest")
    assert re.search(r">Red</strong></td><td[^>]*>1<", delivery)
    assert "<strong>Sustained</strong>" in impact and "govuk-tag--red" not in impact.split("Impact history")[0]
    history = page.split("Impact history")[1]
    assert "30 June 2025" in history and "The figures held." in history and measure.name in history
    assert "my worker listens" in history and "March audit" in history
    assert "Record an impact assessment" not in page  # a board member may not


def test_the_theme_page_offers_the_form_to_its_lead(client, theme, cast):
    client.force_login(cast.lead.user)
    page = client.get(reverse("plans:theme", args=[theme.pk])).content.decode()
    assert reverse("plans:impact", args=[theme.pk]) in page and "Not assessed" in page


def test_the_theme_page_runs_a_fixed_number_of_queries(client, theme, cast, django_assert_num_queries):
    def grow():
        action = f.ActionFactory(theme=theme)
        f.ProgressUpdateFactory(action=action, rag="amber")
        measure = measure_with(theme, 70, 70)
        assess(theme, cast.admin, measures=[measure])

    client.force_login(cast.lead.user)
    url = reverse("plans:theme", args=[theme.pk])
    grow()
    # session, user, theme (plan, RAG counts, latest impact), leads, assessments (authors), their measures,
    # measures, their values, actions with ratings, updates (the monthly chart); can_assess: groups (is_admin),
    # person, permissions (2), leads
    with django_assert_num_queries(15):
        client.get(url)
    for _ in range(4):
        grow()
    with django_assert_num_queries(15):
        client.get(url)


def test_the_plan_page_shows_each_themes_delivery_and_latest_impact_and_links_the_theme(client, theme, cast):
    f.ImpactAssessmentFactory(theme=theme, level="evident", assessed_on=datetime.date(2025, 1, 31))
    client.force_login(cast.board.user)
    page = client.get(cast.plan.get_absolute_url()).content.decode()
    assert f'href="{reverse("plans:theme", args=[theme.pk])}"' in page
    row = page.split(f'href="{reverse("plans:theme", args=[theme.pk])}"')[1].split("</tr>")[0]
    assert "Evident" in row and "31 Jan 2025" in row


# The demo.
def test_demo_assessments_are_labelled_and_never_claim_sustained_the_rule_refuses(cast):
    plan = f.PlanFactory(slug=demo_impact.PLAN_SLUG, status=Plan.Status.APPROVED, start=datetime.date(2022, 11, 1))
    strands = [f.ThemeFactory(plan=plan, number=str(n)) for n in range(1, 13)]
    today = datetime.date.today()
    for strand in strands:  # Green for every recent quarter: Sustained is allowed wherever a ladder reaches it
        measure = f.MeasureFactory(theme=strand, target=50)
        for n in range(8):
            f.MeasureValueFactory(measure=measure, period_end=today - datetime.timedelta(days=500 - 60 * n),
                                  value=70, entered_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))
    made = demo_impact.seed(author=cast.admin)
    assert made and all(a.is_demo and a.rationale.startswith("Demo data:") for a in made)
    for assessment in made:
        if assessment.level == Level.SUSTAINED:
            assert SustainedImpactRule.allows(measures=assessment.measures.all(), as_at=assessment.assessed_on)
    demo_impact.clear()
    real = f.ImpactAssessmentFactory(theme=strands[0])
    assert list(ImpactAssessment.objects.all()) == [real]


def test_demo_without_measure_values_stays_below_sustained(cast):
    plan = f.PlanFactory(slug=demo_impact.PLAN_SLUG, status=Plan.Status.APPROVED, start=datetime.date(2022, 11, 1))
    for n in range(1, 14):
        f.ThemeFactory(plan=plan, number=str(n))
    made = demo_impact.seed(author=cast.admin)
    assert made and not any(a.level == Level.SUSTAINED for a in made)
    first = sorted((a.theme_id, a.assessed_on, a.level) for a in made)
    demo_impact.clear()
    assert sorted((a.theme_id, a.assessed_on, a.level) for a in demo_impact.seed(author=cast.admin)) == first


def test_a_superusers_admin_correction_still_obeys_the_sustained_rule(theme, cast):
    from plans.admin import ImpactAssessmentAdminForm

    data = {"theme": theme.pk, "assessed_on": DAY, "level": "sustained", "rationale": "Held.",
            "practice_findings": "Audit.", "created_at": "2025-06-30 10:00"}
    form = ImpactAssessmentAdminForm(data=data)
    assert not form.is_valid() and "Green for its last two values" in form.errors["level"][0]
    steady = measure_with(theme, 70, 70)
    assert ImpactAssessmentAdminForm(data=data | {"measures": [steady.pk]}).is_valid()
