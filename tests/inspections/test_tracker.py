"""The recommendation tracker: each recommendation's actions by route, its roll-up, its measures and loud flags."""

import datetime

import pytest
from django.urls import reverse
from django.utils.html import escape

from inspections.models import Inspection, Recommendation
from inspections.querysets import linked_actions
from plans.models import Action, Plan
from tests import factories as f

pytestmark = pytest.mark.django_db


def rollup(recommendation, as_at=None):
    return Recommendation.objects.with_rollup(as_at).get(pk=recommendation.pk)


@pytest.fixture
def world(db):
    """One inspection with a recommendation reached by each route, and one reached by none."""
    org = f.OrganisationFactory()
    inspection = f.InspectionFactory(organisation=org, slug="ofsted-test")
    plan = f.PlanFactory(organisation=org, status=Plan.Status.APPROVED)
    plan.inspections.add(inspection)
    theme = f.ThemeFactory(plan=plan, number="3")
    direct, by_objective, by_theme, lonely = (f.RecommendationFactory(inspection=inspection, code=c, order=n)
                                              for n, c in enumerate(["R1", "R2", "AFI 3", "R4"]))
    a1 = f.ActionFactory(theme=theme, reference="3.1")
    a1.recommendations.add(direct)
    objective = f.ObjectiveFactory(theme=theme, number="3.2")
    objective.recommendations.add(by_objective)
    a2 = f.ActionFactory(theme=theme, objective=objective, reference="3.2.1")
    a2.recommendations.add(by_objective)  # reached twice: directly and through its objective
    f.ThemeRecommendationFactory(theme=theme, recommendation=by_theme)
    f.ProgressUpdateFactory(action=a1, rag="blue", evidence="Audit.")
    f.ProgressUpdateFactory(action=a2, rag="red", mitigation="Hiring.")
    reader = f.user_in_role("Board member", username="reader")
    return dict(inspection=inspection, plan=plan, theme=theme, direct=direct, by_objective=by_objective,
                by_theme=by_theme, lonely=lonely, a1=a1, a2=a2, reader=reader)


def test_the_rollup_counts_each_action_once_by_any_route(world):
    direct = rollup(world["direct"])
    assert (direct.direct_count, direct.objective_count, direct.theme_count, direct.action_count) == (1, 0, 0, 1)
    assert direct.blue_count == 1 and direct.share_complete == 100
    twice = rollup(world["by_objective"])
    assert (twice.direct_count, twice.objective_count, twice.action_count, twice.red_count) == (1, 1, 1, 1)
    via_theme = rollup(world["by_theme"])
    assert (via_theme.theme_count, via_theme.action_count, via_theme.red_count, via_theme.blue_count) == (2, 2, 1, 1)
    assert via_theme.share_complete == 50
    lonely = rollup(world["lonely"])
    assert lonely.action_count == 0 and lonely.no_action and lonely.share_complete is None


def test_share_complete_rounds_half_up(world):
    for _ in range(1):
        action = f.ActionFactory(theme=world["theme"])
        f.ProgressUpdateFactory(action=action, rag="green")
    assert rollup(world["by_theme"]).share_complete == 33  # 1 of 3


def test_the_rollup_as_at_a_past_day(world):
    before = datetime.date.today() - datetime.timedelta(days=3)
    past = rollup(world["by_theme"], as_at=before)
    assert past.action_count == 2 and past.not_rated_count == 2  # both ratings came later


def test_complete_without_measure_or_impact_evidence_is_flagged_until_one_exists(world):
    assert rollup(world["direct"]).complete_without_evidence
    f.ImpactAssessmentFactory(theme=world["theme"], level="not_yet_evident")
    assert rollup(world["direct"]).complete_without_evidence  # "not yet evident" is no evidence of impact
    f.ImpactAssessmentFactory(theme=world["theme"], level="emerging")
    assert not rollup(world["direct"]).complete_without_evidence


def test_a_linked_measure_answers_the_complete_without_evidence_flag(world):
    measure = f.MeasureFactory(theme=world["theme"])
    measure.recommendations.add(world["direct"])
    found = rollup(world["direct"])
    assert found.measure_count == 1 and not found.complete_without_evidence


def test_actions_only_in_superseded_plans_are_flagged(world):
    assert not rollup(world["direct"]).only_superseded
    Plan.objects.filter(pk=world["plan"].pk).update(status=Plan.Status.SUPERSEDED)
    assert rollup(world["direct"]).only_superseded and not rollup(world["lonely"]).only_superseded


def test_linked_actions_are_labelled_by_route(world):
    found = linked_actions(Recommendation.objects.all(), actions=Action.objects.all())
    routes = {(rec, action.reference): tuple(r) for rec, rows in found.items() for action, r in rows}
    assert routes[(world["direct"].pk, "3.1")] == ("direct",)
    assert routes[(world["by_objective"].pk, "3.2.1")] == ("direct", "objective")
    assert routes[(world["by_theme"].pk, "3.1")] == ("theme",)
    assert found[world["lonely"].pk] == []


def test_the_tracker_page_shows_text_routes_ratings_and_loud_flags(client, world):
    client.force_login(world["reader"])
    page = client.get(reverse("inspections:tracker", args=["ofsted-test"])).content.decode()
    assert escape(world["direct"].text) in page
    assert "Linked to the action" in page and "Through its objective 3.2" in page
    assert "Through its theme&#x27;s code table (theme 3)" in page
    assert "govuk-warning-text" in page and "No action by any route" in page
    assert "No action answers R4 by any route" in page
    assert "All 1 actions for R1 are complete, but no measure" in page
    assert ">Red</strong>" in page and ">Blue</strong>" in page


def test_the_tracker_runs_a_fixed_number_of_queries_whatever_the_size(client, world, django_assert_num_queries):
    client.force_login(world["reader"])
    url = reverse("inspections:tracker", args=["ofsted-test"])
    # session, user, inspection with summary, recommendations with roll-up, linked actions by each route (3),
    # measures, plans naming the inspection, findings
    with django_assert_num_queries(10):
        client.get(url)
    for n in range(6):
        rec = f.RecommendationFactory(inspection=world["inspection"], code=f"AFI {10 + n}")
        action = f.ActionFactory(theme=world["theme"])
        action.recommendations.add(rec)
        f.ProgressUpdateFactory(action=action, rag="amber", mitigation="In hand.")
        f.MeasureFactory(theme=world["theme"]).recommendations.add(rec)
    with django_assert_num_queries(10):
        client.get(url)


def test_an_inspection_nothing_maps_to_shows_its_findings_and_says_so(client, world):
    visit = f.InspectionFactory(kind=Inspection.Kind.MONITORING_VISIT, slug="visit")
    f.FindingFactory(inspection=visit, number=1, section="Areas where practice still needs to improve",
                     text="Strengthen corporate parenting.")
    client.force_login(world["reader"])
    page = client.get(reverse("inspections:tracker", args=["visit"])).content.decode()
    assert "No plan maps any action to this monitoring visit" in page
    assert "Areas where practice still needs to improve" in page and "Strengthen corporate parenting." in page


def test_an_unknown_inspection_is_404(client, world):
    client.force_login(world["reader"])
    assert client.get(reverse("inspections:tracker", args=["nope"])).status_code == 404


def test_with_tracker_summary_counts_mapped_recommendations(world):
    found = Inspection.objects.with_tracker_summary().get(pk=world["inspection"].pk)
    assert (found.recommendation_count, found.mapped_count, found.unmapped_count) == (4, 3, 1)


# The real fixtures.
@pytest.fixture
def reader(real_data):
    return f.user_in_role("Board member", username="real-reader", person__organisation=f.BRADFORD)


def real_page(client, reader, slug):
    client.force_login(reader)
    response = client.get(reverse("inspections:tracker", args=[slug]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_2018_recommendations_each_show_their_routes(client, reader):
    page = real_page(client, reader, "ofsted-ilacs-2018")
    rows = {r.code: r for r in Recommendation.objects.filter(inspection__slug="ofsted-ilacs-2018").with_rollup()}
    r4 = rows["R4"]
    assert r4.action_count > 0 and (r4.direct_count or r4.objective_count or r4.theme_count)
    for label in ("Linked to the action", "Through its objective", "Through its theme&#x27;s code table"):
        assert label in page
    # Every 2018 action sits in the superseded 2019 plan: the tracker says no live plan carries them forward.
    assert all(r.only_superseded for r in rows.values() if r.action_count)
    assert "Actions only in superseded or closed plans" in page
    for code, row in rows.items():
        assert f'id="rec-{row.pk}"' in page, code


def test_the_2023_areas_for_improvement_link_through_strands_only(client, reader):
    page = real_page(client, reader, "ofsted-ilacs-2023")
    rows = list(Recommendation.objects.filter(inspection__slug="ofsted-ilacs-2023").with_rollup())
    assert len(rows) == 14
    assert all(r.direct_count == 0 and r.objective_count == 0 and r.theme_count > 0 for r in rows)
    assert "Through its theme&#x27;s code table (strand" in page
    assert "Linked to the action</td>" not in page and "Through its objective" not in page.split("Summary")[1]


def test_the_monitoring_visit_page_says_no_plan_maps_to_it(client, reader):
    page = real_page(client, reader, "ofsted-monitoring-visit-2021-09")
    assert "No plan maps any action to this monitoring visit" in page
    named_by = Plan.objects.get(slug="outcomes-improvement-plan-2021")  # names the visit, maps nothing to it
    warning = page.split("No plan maps any action")[1].split("</strong>")[0]
    assert escape(named_by.title) in warning
    assert "Urgently improve the standard of care provided in residential services." in page
    assert "Areas where practice still needs to improve" in page


# As listed in the factory test above; with no recommendations the four link and measure queries are skipped
# (Django runs no query for "IN ()").
@pytest.mark.parametrize(("slug", "queries"), [("ofsted-ilacs-2018", 10), ("ofsted-ilacs-2023", 10),
                                               ("ofsted-monitoring-visit-2021-09", 6)])
def test_the_real_trackers_run_in_a_fixed_number_of_queries(client, reader, slug, queries, django_assert_num_queries):
    client.force_login(reader)
    with django_assert_num_queries(queries):
        client.get(reverse("inspections:tracker", args=[slug]))


def test_the_home_page_lists_each_tracker(client, reader):
    client.force_login(reader)
    page = client.get(reverse("home")).content.decode()
    for slug in ("ofsted-ilacs-2018", "ofsted-ilacs-2023", "ofsted-monitoring-visit-2021-09"):
        assert reverse("inspections:tracker", args=[slug]) in page
    assert "no plan maps any action to it" in page
