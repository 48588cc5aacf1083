"""Query budgets of the key pages (issue 15): each page runs the same number of queries with a small plan and a
larger one (more actions, themes, updates and links, and another council's data beside it), and no more than
QUERY_BUDGET. A page whose count grows with the data has an N+1 somewhere; one over budget reads too much.

One world per module, grown once between the two rounds of counts, so the whole module stays quick."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from governance.models import AgendaItem
from plans.models import Action, Measure, MeasureValue, Plan, ProgressUpdate
from plans.rag import RAG

from .factories import (
    ActionFactory,
    BoardFactory,
    InspectionFactory,
    MeetingFactory,
    MembershipFactory,
    OrganisationFactory,
    OtherOrganisationFactory,
    PlanFactory,
    RecommendationFactory,
    ThemeFactory,
    user_in_role,
)

QUERY_BUDGET = 15
# The database must be set up for the module's world; each test only reads the counts.
pytestmark = pytest.mark.django_db


def _grow(plan, *, themes, actions_per_theme, officer_person, recommendations, start_order=0):
    """Add themes of actions, each with a few updates and a recommendation link, to `plan`."""
    now = timezone.now()
    for t in range(themes):
        theme = ThemeFactory(plan=plan)
        for a in range(actions_per_theme):
            action = ActionFactory(theme=theme, lead=officer_person if a % 2 == 0 else None,
                                   due_date=datetime.date.today() + datetime.timedelta(days=7 * (a - 1)))
            action.recommendations.add(recommendations[(t + a) % len(recommendations)])
            for k, rag in enumerate([RAG.RED, RAG.AMBER, RAG.GREEN][: 1 + (a % 3)]):
                at = now - datetime.timedelta(days=40 * (3 - k))
                ProgressUpdate.objects.create(action=action, rag=rag, narrative=f"Update {k}", created_at=at,
                                              recorded_at=at)
    for m in range(themes):
        measure = Measure.objects.create(plan=plan, name=f"Measure {plan.pk}-{start_order + m}", polarity="higher",
                                         target=50, frequency="monthly")
        MeasureValue.objects.create(measure=measure, period_end=datetime.date.today() - datetime.timedelta(days=40),
                                    value=40)


def _council(organisation, *, board_user=None, officer=None, themes=1, actions_per_theme=3):
    board = BoardFactory(organisation=organisation)
    if board_user is not None:
        MembershipFactory(board=board, person=board_user.person, start=datetime.date(2020, 1, 1))
    plan = PlanFactory(organisation=organisation, board=board, status="approved",
                       start=datetime.date.today() - datetime.timedelta(days=400))
    inspection = InspectionFactory(organisation=organisation)
    recommendations = [RecommendationFactory(inspection=inspection) for _ in range(3)]
    past = MeetingFactory(board=board, start=timezone.now() - datetime.timedelta(days=30))
    MeetingFactory(board=board, start=timezone.now() + datetime.timedelta(days=30))
    item = AgendaItem.objects.create(meeting=past, title="Improvement plan")
    item.plans.add(plan)
    person = officer.person if officer is not None else None
    _grow(plan, themes=themes, actions_per_theme=actions_per_theme, officer_person=person,
          recommendations=recommendations)
    return {"plan": plan, "meeting": past, "inspection": inspection, "recommendations": recommendations}


def _pages(world):
    plan, meeting, action = world["plan"], world["meeting"], world["action"]
    dashboard = reverse("plans:dashboard", args=[plan.slug])
    register = reverse("plans:register")
    return {
        "dashboard": ("board", dashboard),
        "dashboard as at, compared": ("board", dashboard + f"?as_at={datetime.date.today() - datetime.timedelta(days=10)}"
                                      f"&compare={datetime.date.today() - datetime.timedelta(days=100)}"),
        "register": ("board", register),
        "register by rag": ("board", register + "?rag=red"),
        "register searched": ("board", register + "?search=Activity"),
        "register csv": ("board", reverse("plans:register_csv")),
        "tracker": ("board", reverse("inspections:tracker", args=[world["inspection"].slug])),
        "vital signs": ("board", reverse("plans:vital_signs", args=[plan.slug])),
        "highlight report": ("board", reverse("governance:report", args=[meeting.pk])),
        "highlight report docx": ("board", reverse("governance:report_docx", args=[meeting.pk])),
        "position feed": ("board", reverse("plans:position_feed", args=[plan.slug])),
        "my actions": ("officer", reverse("plans:my_actions")),
        "action page": ("board", reverse("plans:action", args=[action.pk])),
        "update form": ("officer", reverse("plans:update", args=[action.pk])),
    }


def _count(client, url, *, post=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, post) if post is not None else client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code in (200, 302), (url, response.status_code)
    return len(queries.captured_queries), response


@pytest.fixture(scope="module")
def counts(django_db_setup, django_db_blocker):
    """Query counts of every page at the small size, then at the larger size with another council beside it."""
    from django.db import transaction
    from django.test.utils import override_settings

    # The sliding session is saved again once SESSION_SLIDE_SECONDS have passed (one query, once a minute
    # whatever the data): keep it out of the counts, which would otherwise depend on how slow the machine is.
    with django_db_blocker.unblock(), override_settings(SESSION_SLIDE_SECONDS=10**9), transaction.atomic():
        home = OrganisationFactory()
        board_user = user_in_role("Board member")
        officer = user_in_role("Officer")
        world = _council(home, board_user=board_user, officer=officer, themes=1, actions_per_theme=3)
        world["action"] = Action.objects.filter(theme__plan=world["plan"], lead=officer.person).first()
        clients = {"board": Client(), "officer": Client()}
        clients["board"].force_login(board_user)
        clients["officer"].force_login(officer)

        def round_of_counts():
            found = {}
            for name, (who, url) in _pages(world).items():
                _count(clients[who], url)  # warm: the session's first save, template loading
                found[name], _ = _count(clients[who], url)
            world["action"].refresh_from_db()
            update_url = reverse("plans:update", args=[world["action"].pk])
            found["update post"], response = _count(clients["officer"], update_url, post={
                "version": world["action"].version, "rag": "amber", "mitigation": "Two more reviewers from May.",
                "narrative": "On track: the audit is booked and the leads have met."})
            assert response.status_code == 302, response.content[:2000]
            return found

        small = round_of_counts()
        _grow(world["plan"], themes=2, actions_per_theme=6, officer_person=officer.person,
              recommendations=world["recommendations"], start_order=10)
        other = _council(OtherOrganisationFactory(), themes=2, actions_per_theme=6)
        other_plan = Plan.objects.get(pk=other["plan"].pk)
        assert other_plan.themes.count() == 2
        large = round_of_counts()
        transaction.set_rollback(True)
    print("query counts (small, large):", {name: (small[name], large[name]) for name in small})
    return small, large


PAGES = ["dashboard", "dashboard as at, compared", "register", "register by rag", "register searched", "register csv",
         "tracker", "vital signs", "highlight report", "highlight report docx", "position feed", "my actions",
         "action page", "update form", "update post"]


@pytest.mark.parametrize("page", PAGES)
def test_query_count_does_not_grow_with_the_data(counts, page):
    small, large = counts
    assert large[page] == small[page], f"{page}: {small[page]} queries with 3 actions, {large[page]} with 15"


@pytest.mark.parametrize("page", PAGES)
def test_query_count_is_within_budget(counts, page):
    _, large = counts
    assert large[page] <= QUERY_BUDGET, f"{page}: {large[page]} queries (budget {QUERY_BUDGET})"
