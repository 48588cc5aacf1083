"""The recommendation tracker: each recommendation's actions by route, its roll-up, its measures and loud flags."""

import datetime
import re
from html import unescape

import pytest
from django.template.defaultfilters import truncatechars
from django.urls import reverse
from django.utils.html import escape

from inspections.models import Inspection, Recommendation
from inspections.querysets import linked_actions, theme_tallies, tracker_rollup
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
    assert "Themes whose code table lists AFI 3" in page  # reached only through the theme: a summary row
    assert "govuk-warning-text" in page and "No action by any route" in page
    assert "No action answers R4 by any route" in page
    assert "All 1 actions for R1 are complete, but no measure" in page
    assert ">Red</strong>" in page and ">Blue</strong>" in page


def test_the_tracker_runs_a_fixed_number_of_queries_whatever_the_size(client, world, django_assert_num_queries):
    client.force_login(world["reader"])
    url = reverse("inspections:tracker", args=["ofsted-test"])
    # session, user, inspection, recommendations with impact evidence, actions linked directly and through an
    # objective (2), theme-route ratings and their themes (2), measures, plans naming the inspection, findings
    with django_assert_num_queries(11):
        client.get(url)
    for n in range(6):
        rec = f.RecommendationFactory(inspection=world["inspection"], code=f"AFI {10 + n}")
        action = f.ActionFactory(theme=world["theme"])
        action.recommendations.add(rec)
        f.ProgressUpdateFactory(action=action, rag="amber", mitigation="In hand.")
        f.MeasureFactory(theme=world["theme"]).recommendations.add(rec)
        strand = f.ThemeFactory(plan=world["plan"])
        f.ThemeRecommendationFactory(theme=strand, recommendation=rec)
        f.ActionFactory.create_batch(3, theme=strand)
    with django_assert_num_queries(11):
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


# What the tracker sets on each recommendation: the figures of with_rollup, which the summary table shows.
ROLLUP_FIELDS = ["direct_count", "objective_count", "theme_count", "action_count", "not_rated_count", "red_count",
                 "amber_count", "green_count", "blue_count", "share_complete", "live_action_count", "measure_count",
                 "has_impact_evidence", "no_action", "only_superseded", "complete_without_evidence"]


def figures(recommendations):
    return {r.code: {name: getattr(r, name) for name in ROLLUP_FIELDS} for r in recommendations}


def assert_tracker_figures_match_with_rollup(inspection, user):
    """tracker_rollup's figures (counted from the rows it reads) are with_rollup's (counted in SQL), and the
    page's summary line is with_tracker_summary's."""
    recommendations = Recommendation.objects.filter(inspection=inspection).order_by("order", "code")
    assert figures(tracker_rollup(recommendations, user=user)) == figures(recommendations.with_rollup(user=user))


def text(html):
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html)).strip())


def section(page, recommendation):
    return page.split(f'id="rec-{recommendation.pk}" aria-labelledby')[1].split("</section>")[0]


def table_rows(html):
    """(row header, [cell, ...]) of each body row of the tables in `html`, the cells as HTML."""
    found = re.findall(r'<tr class="govuk-table__row">\s*<th scope="row" class="govuk-table__header">(.*?)</th>'
                       r"(.*?)</tr>", html, re.S)
    return [(header, re.findall(r"<td[^>]*>(.*?)</td>", cells, re.S)) for header, cells in found]


def theme_rows(page, recommendation):
    """The theme summary rows of a recommendation's section: (header text, count text, ratings text, link)."""
    part = section(page, recommendation).split("Themes whose code table lists")[1]
    return [(text(header), text(cells[0]), text(cells[1]), unescape(re.search(r'href="([^"]+)"', cells[2])[1]))
            for header, cells in table_rows(part)]


def listed_rows(page, recommendation):
    """The listed actions of a recommendation's section: {reference: (linked text, rating text)}."""
    part = section(page, recommendation)
    if "Actions linked to" not in part:
        return {}
    part = part.split("Actions linked to")[1].split("</table>")[0]
    return {text(header): (text(cells[2]), text(cells[3])) for header, cells in table_rows(part)}


@pytest.fixture
def themed(world):
    """The world, with AFI 3 also in the code table of theme 4 (one amber action), a theme 5 that answers nothing,
    and another council's theme that lists AFI 3 (as a careless import could leave it)."""
    theme4 = f.ThemeFactory(plan=world["plan"], number="4", title="Early help")
    f.ThemeRecommendationFactory(theme=theme4, recommendation=world["by_theme"])
    a4 = f.ActionFactory(theme=theme4, reference="4.1")
    f.ProgressUpdateFactory(action=a4, rag="amber", mitigation="In hand.")
    a5 = f.ActionFactory(theme=f.ThemeFactory(plan=world["plan"], number="5"), reference="5.1")
    elsewhere = f.ThemeFactory(plan=f.PlanFactory(organisation=f.OtherOrganisationFactory(), title="Elsewhere plan"))
    f.ThemeRecommendationFactory(theme=elsewhere, recommendation=world["by_theme"])
    f.ActionFactory(theme=elsewhere, reference="X.1")
    return world | dict(theme4=theme4, a4=a4, a5=a5)


def tracker_page(client, world):
    client.force_login(world["reader"])
    return client.get(reverse("inspections:tracker", args=["ofsted-test"])).content.decode()


def register_references(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return sorted(action.reference for action in response.context["table"].data)


def test_actions_reached_only_through_a_theme_are_summed_per_theme_with_a_register_link(client, themed):
    page = tracker_page(client, themed)
    plan, afi3 = themed["plan"], themed["by_theme"]
    where = f"{plan.title} ({plan.get_status_display().lower()}), theme"
    rows = theme_rows(page, afi3)
    assert [row[:3] for row in rows] == [
        (f"{where} 3: {themed['theme'].title}", "2", "1 Red, 1 Blue"),
        (f"{where} 4: Early help", "1", "1 Amber"),
    ]
    assert listed_rows(page, afi3) == {}  # none of the three is listed one by one
    assert "Elsewhere plan" not in page and "X.1" not in page  # another council's theme is not the reader's
    # Each link opens the register filtered to the recommendation and the theme: exactly the actions counted.
    theme3_url, theme4_url = rows[0][3], rows[1][3]
    assert theme3_url == (f"{reverse('plans:register')}?recommendation={afi3.pk}&theme={themed['theme'].pk}")
    assert register_references(client, theme3_url) == ["3.1", "3.2.1"]
    assert register_references(client, theme4_url) == ["4.1"]
    assert register_references(client, reverse("plans:register")) == ["3.1", "3.2.1", "4.1", "5.1"]  # the control
    # The link says where it goes to a screen reader, and ratings are words.
    assert "View 2 actions<span class=\"govuk-visually-hidden\"> of theme 3 for AFI 3 in the action register" in page
    assert '<th scope="col" class="govuk-table__header">By rating</th>' in page


def test_direct_and_objective_actions_are_still_listed_with_every_route(client, themed):
    themed["a4"].recommendations.add(themed["by_theme"])  # 4.1: directly and through theme 4's code table
    page = tracker_page(client, themed)
    assert listed_rows(page, themed["direct"]) == {"3.1": ("Linked to the action", "Blue")}
    assert listed_rows(page, themed["by_objective"]) == {
        "3.2.1": ("Linked to the action; Through its objective 3.2", "Red")}
    assert listed_rows(page, themed["by_theme"]) == {
        "4.1": ("Linked to the action; Through its theme's code table (theme 4)", "Amber")}
    assert f'href="{themed["a4"].get_absolute_url()}">4.1</a>' in section(page, themed["by_theme"])
    counts = {row[0].split(": ")[-1]: row[1] for row in theme_rows(page, themed["by_theme"])}
    assert counts == {themed["theme"].title: "2", "Early help": "1 (1 also listed above)"}
    assert "3 actions: 1 linked directly, 0 through an objective, 3 through a theme's code table." in page


def test_the_summary_table_and_roll_up_are_over_every_route_each_action_once(client, themed):
    themed["a4"].recommendations.add(themed["by_theme"])
    f.ThemeRecommendationFactory(theme=themed["theme"], recommendation=themed["direct"])  # 3.1 twice over
    assert_tracker_figures_match_with_rollup(themed["inspection"], themed["reader"])
    page = tracker_page(client, themed)
    summary = dict(table_rows(page.split("Each recommendation's actions by current rating")[1]
                              .split("</table>")[0]))
    cells = {text(header): [text(cell) for cell in row] for header, row in summary.items()}
    # Code: actions, red, amber, green, blue, not yet rated, share complete, measures.
    assert cells == {"R1": ["2", "1", "0", "0", "1", "0", "50%", "0"], "R2": ["1", "1", "0", "0", "0", "0", "0%", "0"],
                     "AFI 3": ["3", "1", "1", "0", "1", "0", "33%", "0"],
                     "R4": ["0", "0", "0", "0", "0", "0", "No actions", "0"]}
    summary_line = Inspection.objects.with_tracker_summary(themed["reader"]).get(pk=themed["inspection"].pk)
    assert (summary_line.recommendation_count, summary_line.mapped_count) == (4, 3)
    assert "4 recommendations or areas for improvement; 3 answered by at least one action, 1 by none." in page


@pytest.mark.parametrize("activity", ["Short and plain.", "x" * 160, "x" * 161 + " more", "Café in a short line",
                                      "Cafe\u0301 " * 40, "e\u0301" * 170])
def test_a_listed_activity_is_cut_as_truncatechars_cuts_it(client, world, activity):
    Action.objects.filter(pk=world["a1"].pk).update(activity=activity)
    page = tracker_page(client, world)
    assert f'<td class="govuk-table__cell">{escape(truncatechars(activity, 160))}</td>' in section(page, world["direct"])


def test_theme_tallies_count_each_theme_once_per_recommendation(themed):
    found = theme_tallies(Recommendation.objects.all(), actions=Action.objects.visible_to(themed["reader"]))
    tallies = {(rec, tally.theme.number): (tally.action_count, tally.counts)
               for rec, by_theme in found.items() for tally in by_theme}
    afi3 = themed["by_theme"].pk
    assert tallies == {(afi3, "3"): (2, [("red", 1), ("blue", 1)]), (afi3, "4"): (1, [("amber", 1)])}
    assert found[themed["lonely"].pk] == []


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
    # Every action answers through a strand's code table only: summed per strand, none listed one by one.
    assert page.count("Themes whose code table lists") == 14 and "Actions linked to" not in page
    assert "Linked to the action</td>" not in page and "Through its objective" not in page.split("Summary")[1]


def test_the_monitoring_visit_page_says_no_plan_maps_to_it(client, reader):
    page = real_page(client, reader, "ofsted-monitoring-visit-2021-09")
    assert "No plan maps any action to this monitoring visit" in page
    named_by = Plan.objects.get(slug="outcomes-improvement-plan-2021")  # names the visit, maps nothing to it
    warning = page.split("No plan maps any action")[1].split("</strong>")[0]
    assert escape(named_by.title) in warning
    assert "Urgently improve the standard of care provided in residential services." in page
    assert "Areas where practice still needs to improve" in page


# As listed in the factory test above; with no recommendations the five link and measure queries are skipped
# (Django runs no query for "IN ()").
@pytest.mark.parametrize(("slug", "queries"), [("ofsted-ilacs-2018", 11), ("ofsted-ilacs-2023", 11),
                                               ("ofsted-monitoring-visit-2021-09", 6)])
def test_the_real_trackers_run_in_a_fixed_number_of_queries(client, reader, slug, queries, django_assert_num_queries):
    client.force_login(reader)
    with django_assert_num_queries(queries):
        client.get(reverse("inspections:tracker", args=[slug]))


@pytest.mark.parametrize("slug", ["ofsted-ilacs-2018", "ofsted-ilacs-2023"])
def test_the_real_trackers_figures_are_with_rollups(reader, slug):
    assert_tracker_figures_match_with_rollup(Inspection.objects.get(slug=slug), reader)


def test_the_home_page_lists_each_tracker(client, reader):
    client.force_login(reader)
    page = client.get(reverse("home")).content.decode()
    for slug in ("ofsted-ilacs-2018", "ofsted-ilacs-2023", "ofsted-monitoring-visit-2021-09"):
        assert reverse("inspections:tracker", args=[slug]) in page
    assert "no plan maps any action to it" in page
