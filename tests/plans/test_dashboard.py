"""The plan dashboard: dates in the URL, errors that never 500, what it shows, and a query budget that stays flat."""

import datetime
import re
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from plans.models import Plan
from plans.positions import QUESTION_LIST_LIMIT
from plans.rag import RAG
from tests import factories as f
from tests.plans.position_world import action_in, at, live_plan, meeting, move_due_date, rate

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2024, 7, 15)


@pytest.fixture(autouse=True)
def today():
    """The dashboard's "today" is fixed, so future-date errors and defaults are deterministic; the London date of
    any given time is still worked out for real."""
    real = timezone.localdate
    with mock.patch("django.utils.timezone.localdate",
                    side_effect=lambda value=None, timezone=None: TODAY if value is None else real(value, timezone)):
        yield TODAY


@pytest.fixture
def reader(db):
    return f.user_in_role("Board member", username="reader")


@pytest.fixture
def plan():
    plan = live_plan(title="Children's services improvement plan")
    meeting(plan.board, datetime.date(2024, 6, 20), papers_deadline=datetime.date(2024, 6, 14))
    meeting(plan.board, datetime.date(2024, 7, 25))
    return plan


def url(plan, **query):
    base = reverse("plans:dashboard", args=[plan.slug])
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def build(plan, themes: int, actions: int, updates_each: int):
    """A plan with `actions` actions spread over `themes` themes, each with `updates_each` updates, a moved due date
    and a measure."""
    themes = [f.ThemeFactory(plan=plan, order=n) for n in range(themes)]
    for n in range(actions):
        action = action_in(themes[n % len(themes)], due_date=datetime.date(2024, 5, 1) + datetime.timedelta(days=n))
        move_due_date(action, datetime.date(2024, 9, 1), at(datetime.date(2024, 6, 1)))
        for k in range(updates_each):
            rate(action, [RAG.RED, RAG.AMBER, RAG.GREEN, RAG.BLUE][(n + k) % 4],
                 at(datetime.date(2024, 3, 1) + datetime.timedelta(days=20 * k)), narrative="Same words.")
        f.MeasureFactory(plan=plan, theme=themes[n % len(themes)])


def test_the_dashboard_opens_at_today_compared_with_the_previous_meeting(client, reader, plan):
    action = action_in(f.ThemeFactory(plan=plan), due_date=datetime.date(2024, 7, 1))
    rate(action, RAG.AMBER, at(datetime.date(2024, 7, 1)), mitigation="Interim manager appointed.")
    client.force_login(reader)
    response = client.get(url(plan))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Figures as at the end of 15 July 2024, compared with 14 June 2024" in page
    assert "the board's meeting of 20 June 2024" in page
    assert "Questions for the board" in page and "What moved since 14 June 2024" in page
    assert f'href="{escape(url(plan, as_at="2024-06-14"))}"' in page  # the earlier meeting as a quick link
    assert "due before the next meeting (25 July 2024)" in page


def test_it_says_so_when_there_is_no_earlier_meeting(client, reader):
    plan = live_plan()
    client.force_login(reader)
    page = client.get(url(plan)).content.decode()
    assert "has no meeting before 15 July 2024, so the comparison is with 28 days earlier" in page
    assert "compared with 17 June 2024" in page


def test_the_date_form_redirects_to_the_canonical_url(client, reader, plan):
    client.force_login(reader)
    response = client.get(url(plan, as_at_0="1", as_at_1="7", as_at_2="2024", compare_0="3", compare_1="6",
                              compare_2="2024"))
    assert response.status_code == 302
    assert response["Location"] == url(plan, as_at="2024-07-01", compare="2024-06-03")
    blank_compare = client.get(url(plan, as_at_0="1", as_at_1="7", as_at_2="2024", compare_0="", compare_1="",
                                   compare_2=""))
    assert blank_compare["Location"] == url(plan, as_at="2024-07-01")


def test_the_canonical_url_shows_those_dates(client, reader, plan):
    client.force_login(reader)
    page = client.get(url(plan, as_at="2024-07-01", compare="2024-06-03")).content.decode()
    assert "Figures as at the end of 1 July 2024, compared with 3 June 2024" in page
    assert 'name="as_at_0" value="1"' in page  # the boxes show the dates in use


@pytest.mark.parametrize(("query", "message"), [
    ({"as_at": "2024-13-01"}, "Enter the as-at date as a real date in the form YYYY-MM-DD"),
    ({"as_at": "yesterday"}, "Enter the as-at date as a real date in the form YYYY-MM-DD"),
    ({"compare": "2024-02-30"}, "Enter the compared-with date as a real date"),
    ({"as_at": "2024-07-16"}, "The as-at date must be today (15 July 2024) or earlier"),
    ({"as_at": "2024-06-01", "compare": "2024-06-02"}, "The compared-with date must be on or before the as-at date"),
    ({"compare": "2024-07-16"}, "The compared-with date must be today or earlier"),
    ({"as_at": "0001-01-01"}, "The as-at date must be on or after 1 January 2000"),
    ({"compare": "1066-10-14"}, "The compared-with date must be on or after 1 January 2000"),
    ({"as_at_0": "31", "as_at_1": "2", "as_at_2": "2024"}, "Enter a real date"),
    ({"as_at_0": "1", "as_at_1": "", "as_at_2": "2024"}, "Enter a day, a month and a year"),
    ({"as_at_0": "1", "as_at_1": "1", "as_at_2": "99999999999999999999"}, "Enter a real date"),
    ({"as_at_0": "1", "as_at_1": "8", "as_at_2": "2024"}, "The as-at date must be today"),
])
def test_dates_that_cannot_be_used_get_an_error_summary_not_a_500(client, reader, plan, query, message):
    client.force_login(reader)
    response = client.get(url(plan, **query))
    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page and "There is a problem" in page
    assert message in page
    assert "Questions for the board" not in page  # no figures for dates that cannot be used


def test_a_history_plan_says_so_and_opens_at_the_end_of_its_window(client, reader):
    old = live_plan(title="The 2019 plan")
    old.status = Plan.Status.SUPERSEDED
    old.save()
    f.PlanFactory(status=Plan.Status.APPROVED, start=datetime.date(2024, 6, 1), supersedes=old, title="The new plan")
    action_in(f.ThemeFactory(plan=old), due_date=datetime.date(2024, 2, 1))
    client.force_login(reader)
    page = client.get(url(old)).content.decode()
    assert "This plan is history" in page
    assert "The dashboard opens at the last day of its window, 31 May 2024" in page
    assert "Figures as at the end of 31 May 2024" in page
    assert "The new plan" in page


def test_the_page_shows_counts_movement_questions_charts_and_changes(client, reader, plan):
    theme = f.ThemeFactory(plan=plan, title="Workforce")
    improved = action_in(theme, reference="1.1")
    rate(improved, RAG.RED, at(datetime.date(2024, 6, 1)))
    rate(improved, RAG.AMBER, at(datetime.date(2024, 7, 1)), narrative="Two social workers recruited.")
    jumped = action_in(theme, reference="1.2")
    rate(jumped, RAG.GREEN, at(datetime.date(2024, 6, 1)))
    rate(jumped, RAG.RED, at(datetime.date(2024, 7, 2)))
    f.ImpactAssessmentFactory(theme=theme, assessed_on=datetime.date(2024, 6, 30), level="emerging",
                              created_at=at(datetime.date(2024, 6, 30)))
    client.force_login(reader)
    page = client.get(url(plan)).content.decode()
    assert "Dashboard: Children&#x27;s services improvement plan" in page
    assert re.search(r"<strong>1</strong> <span class=\"app-movement app-movement--improved\">"
                     r"<span aria-hidden=\"true\">↑</span> Improved</span>", page)
    assert "Went from Green straight to Red: 1 action" in page
    assert "Two social workers recruited." in page  # recent changes
    assert "Emerging (assessed 30 June 2024)" in page
    assert "<title id=" in page and "<desc id=" in page  # the charts are named and described
    assert "Actions by rating as at 15 July 2024" in page  # the data table beside the bar
    assert "The plan's actions by rating at the end of each month" in page  # the monthly chart and its table
    assert " style=" not in page  # a strict CSP follows: no inline styles anywhere


def test_the_stacked_bar_writes_each_number_and_word(client, reader, plan):
    theme = f.ThemeFactory(plan=plan)
    for rag, n in ((RAG.RED, 3), (RAG.GREEN, 2)):
        for _ in range(n):
            rate(action_in(theme), rag, at(datetime.date(2024, 7, 1)))
    client.force_login(reader)
    page = client.get(url(plan)).content.decode()
    bar = re.search(r'<svg[^>]*app-chart--stacked-bar.*?</svg>', page, re.S).group(0)
    assert 'class="app-chart__segment govuk-tag--red"' in bar and 'class="app-chart__segment govuk-tag--green"' in bar
    labels = re.findall(r'class="app-chart__segment-label">(\d+)<', bar)
    assert labels == ["3", "2"]
    assert "Red: 3" in bar and "Green: 2" in bar and "Blue (complete)" not in bar
    assert 'fill="url(#' in bar  # a pattern, not colour alone


def test_the_dashboard_is_linked_from_the_home_page_and_the_plan_page(client, reader, plan):
    client.force_login(reader)
    dashboard = reverse("plans:dashboard", args=[plan.slug])
    assert f'href="{dashboard}"' in client.get(reverse("home")).content.decode()
    assert f'href="{dashboard}"' in client.get(plan.get_absolute_url()).content.decode()


def test_an_unknown_plan_is_not_found(client, reader):
    client.force_login(reader)
    assert client.get(reverse("plans:dashboard", args=["no-such-plan"])).status_code == 404


def test_the_query_count_is_the_same_for_a_small_and_a_large_plan(client, reader, django_assert_max_num_queries):
    small, large = live_plan(), live_plan()
    for each in (small, large):
        meeting(each.board, datetime.date(2024, 6, 20))
        meeting(each.board, datetime.date(2024, 7, 25))
    build(small, themes=1, actions=1, updates_each=1)
    build(large, themes=8, actions=60, updates_each=6)
    client.force_login(reader)
    counts = []
    for each in (small, large):
        # session, user, plan (board, neighbours), board meetings for the quick links, previous meeting (compare
        # date), next meeting, actions as at D with flags, themes with latest impact, measures' RAG mix, ratings
        # at the compare date, updates up to D, the actions' history, the board's last meeting
        with django_assert_max_num_queries(13), CaptureQueriesContext(connection) as queries:
            assert client.get(url(each)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_every_real_plan_has_a_dashboard(client, real_data, django_assert_max_num_queries):
    reader = f.user_in_role("Board member", username="real-reader", person__organisation=f.BRADFORD)
    client.force_login(reader)
    for plan in Plan.objects.all():
        with django_assert_max_num_queries(13):
            response = client.get(url(plan))
        assert response.status_code == 200, plan.slug
        page = response.content.decode()
        assert escape(plan.title) in page
        assert " style=" not in page
        for theme in plan.themes.all():
            assert f"{theme.number}: {escape(theme.title)}" in page


def test_a_question_names_its_first_actions_and_lists_them_all_when_asked(client, reader, plan):
    theme = f.ThemeFactory(plan=plan)
    found = QUESTION_LIST_LIMIT + 2
    for n in range(found):
        # Rated before the board met on 20 June and not since: each is "No update since the board last met".
        rate(action_in(theme, reference=f"4.{n + 1}", order=n), RAG.AMBER, at(datetime.date(2024, 6, 1)))
    client.force_login(reader)
    card = client.get(url(plan)).content.decode().split('id="question-no_update_since_board_met"')[1]
    card = card.split('class="govuk-summary-card"')[0]
    assert f"No update since the board last met: {found} actions" in card
    listed = re.findall(r'class="govuk-link" href="/actions/\d+/">(4\.\d+)</a>', card)
    assert listed == [f"4.{n + 1}" for n in range(QUESTION_LIST_LIMIT)]  # the first ones, in plan order
    assert f"Listed: the first {QUESTION_LIST_LIMIT} of {found}, in plan order." in card
    link = re.search(r'href="([^"]+all=no_update_since_board_met[^"]*)"', card).group(1).replace("&amp;", "&")
    assert link.startswith(url(plan, as_at="2024-07-15", compare="2024-06-14"))

    card = client.get(link).content.decode().split('id="question-no_update_since_board_met"')[1]
    card = card.split('class="govuk-summary-card"')[0]
    assert re.findall(r'href="/actions/\d+/">(4\.\d+)</a>', card) == [f"4.{n + 1}" for n in range(found)]
    assert "Listed: the first" not in card


def test_each_themes_month_chart_is_on_its_page_a_link_from_the_dashboard(client, reader, plan):
    first, second = f.ThemeFactory(plan=plan, order=1), f.ThemeFactory(plan=plan, order=2)
    rate(action_in(first), RAG.RED, at(datetime.date(2024, 5, 10)))
    rate(action_in(second), RAG.GREEN, at(datetime.date(2024, 6, 10)))
    client.force_login(reader)
    page = client.get(url(plan)).content.decode()
    months = page.split('id="months"')[1].split('id="recent"')[0]
    assert months.count("<svg") == 1  # the plan's chart alone
    for theme in (first, second):
        assert f'href="{reverse("plans:theme", args=[theme.pk])}#months"' in months

    theme_page = client.get(reverse("plans:theme", args=[second.pk])).content.decode()
    section = theme_page.split('id="months"')[1].split("<h2")[0]
    assert f"Actions by rating at the end of each month: {second}" in section  # the chart names its theme
    rows = dict(re.findall(r'<th scope="row" class="govuk-table__header">(\w+ 2024)[^<]*</th>\s*((?:<td[^>]*>\d+</td>)+)',
                           section))
    counts = {month: [int(n) for n in re.findall(r">(\d+)<", cells)] for month, cells in rows.items()}
    # Red, Amber, Not yet rated, Green, Blue: the theme's one action, not the plan's two.
    assert counts["May 2024"] == [0, 0, 1, 0, 0]
    assert counts["Jun 2024"] == [0, 0, 0, 1, 0]
    assert counts["Jul 2024"] == [0, 0, 0, 1, 0]
