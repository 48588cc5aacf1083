"""My actions: the officer's own actions, what needs attention first, sorting and filtering."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from plans.models import Action
from plans.rag import RAG
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer_actions(cast):
    """The lead's actions in each state, plus one they only support and one of another officer."""
    theme = cast.action.theme
    today = timezone.localdate()
    overdue = f.OverdueActionFactory(theme=theme, lead=cast.lead, reference="1.1.1", activity="Overdue work")
    done = f.OverdueActionFactory(theme=theme, lead=cast.lead, reference="1.1.2", activity="Finished work")
    f.ProgressUpdateFactory(action=done, rag=RAG.BLUE, evidence="Audit")
    stale = f.ActionFactory(theme=theme, lead=cast.lead, reference="1.1.3", activity="Stale work",
                            due_date=today + datetime.timedelta(days=90))
    f.ProgressUpdateFactory(action=stale, rag=RAG.GREEN, created_at=timezone.now() - datetime.timedelta(days=45))
    current = f.ActionFactory(theme=theme, lead=cast.lead, reference="1.1.4", activity="Current work",
                              due_date=today + datetime.timedelta(days=90))
    f.ProgressUpdateFactory(action=current, rag=RAG.GREEN, created_at=timezone.now() - datetime.timedelta(days=2))
    supported = f.ActionFactory(theme=theme, lead=cast.other, reference="1.1.5", activity="Supported work")
    supported.supporting_leads.add(cast.lead)
    f.ActionFactory(theme=theme, lead=cast.other, reference="9.9.9", activity="Not mine")
    return {"overdue": overdue, "done": done, "stale": stale, "current": current, "supported": supported,
            "due_soon": cast.action}


def test_flags_are_computed_in_the_database(cast, officer_actions):
    rows = {a.reference: a for a in Action.objects.for_person(cast.lead).with_attention()}
    assert set(rows) == {"1.1.1", "1.1.2", "1.1.3", "1.1.4", "1.1.5", "2.6.1"}
    assert (rows["1.1.1"].is_overdue, rows["1.1.1"].needs_update) == (True, True)
    assert (rows["1.1.2"].is_overdue, rows["1.1.2"].needs_update) == (False, False)  # complete
    assert (rows["1.1.3"].is_overdue, rows["1.1.3"].needs_update) == (False, True)  # 45 days since an update
    assert (rows["1.1.4"].is_overdue, rows["1.1.4"].is_due_soon, rows["1.1.4"].needs_update) == (False, False, False)
    assert rows["2.6.1"].is_due_soon is True
    assert [rows[r].attention for r in ("1.1.1", "2.6.1", "1.1.3", "1.1.4")] == [0, 1, 2, 3]


def test_needs_update_when_the_board_has_met_since_the_last_update(cast, officer_actions):
    current = officer_actions["current"]
    f.MeetingFactory(board=cast.plan.board, start=timezone.now() - datetime.timedelta(days=1))
    assert Action.objects.with_attention().get(pk=current.pk).needs_update is True


def test_my_actions_lists_attention_first_with_words_not_colour_alone(client, cast, officer_actions,
                                                                     django_assert_max_num_queries):
    client.force_login(cast.lead.user)
    # session, user, person, count, page of rows (flags and ratings annotated), filter's plan choices
    with django_assert_max_num_queries(8):
        page = client.get(reverse("plans:my_actions")).content.decode()
    assert "Not mine" not in page
    order = [page.index(text) for text in ("Overdue work", "Secure additional resources", "Stale work", "Current work")]
    assert order == sorted(order)
    assert "Overdue</strong>" in page and "Due soon</strong>" in page and "Needs update</strong>" in page
    assert "Blue</strong>" in page and "Green</strong>" in page


def test_my_actions_query_count_does_not_grow_with_rows(client, cast, officer_actions, django_assert_max_num_queries):
    for n in range(20):
        f.OverdueActionFactory(theme=cast.action.theme, lead=cast.lead, reference=f"7.{n}")
    client.force_login(cast.lead.user)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("plans:my_actions")).status_code == 200


@pytest.mark.parametrize(("params", "expected"), [
    ({"flag": "overdue"}, {"1.1.1"}),
    ({"flag": "due_soon"}, {"2.6.1"}),
    ({"flag": "needs_update"}, {"1.1.1", "1.1.3", "1.1.5", "2.6.1"}),
    ({"rag": "blue"}, {"1.1.2"}),
    ({"search": "stale"}, {"1.1.3"}),
])
def test_every_filter_narrows_the_list(client, cast, officer_actions, params, expected):
    client.force_login(cast.lead.user)
    response = client.get(reverse("plans:my_actions"), params)
    shown = {a.reference for a in response.context["table"].data}
    assert shown == expected


@pytest.mark.parametrize("column", ["reference", "plan", "theme", "due_date", "current_rag", "last_updated",
                                    "attention", "-due_date"])
def test_every_orderable_column_renders_when_sorted(client, cast, officer_actions, column):
    client.force_login(cast.lead.user)
    assert client.get(reverse("plans:my_actions"), {"sort": column}).status_code == 200


def test_someone_with_no_person_sees_an_explanation(client, cast):
    client.force_login(f.user_in_role("Officer", username="no-person", person=False))
    assert "not linked to a person" in client.get(reverse("plans:my_actions")).content.decode()


def test_action_page_shows_everything_and_the_history_newest_first(client, cast, django_assert_max_num_queries):
    rec = f.RecommendationFactory(code="AFI 7", text="Core groups are not always regular")
    cast.action.recommendations.add(rec)
    cast.action.timeline = "February 2019 Link to audit plan timeframe"
    cast.action.save()
    f.MilestoneFactory(action=cast.action, text="Practice guidance revised", due_as_printed="Feb 2019")
    old = timezone.now() - datetime.timedelta(days=40)
    f.ProgressUpdateFactory(action=cast.action, rag=RAG.AMBER, narrative="Older words", created_at=old,
                            author=cast.lead.user)
    f.ProgressUpdateFactory(action=cast.action, rag=RAG.GREEN, narrative="Newer words", author=cast.lead.user)
    client.force_login(cast.board.user)
    with django_assert_max_num_queries(16):
        page = client.get(cast.action.get_absolute_url()).content.decode()
    for text in ("AFI 7", "Core groups are not always regular", "February 2019 Link to audit plan timeframe",
                 "Practice guidance revised", "Jenny Cryer", cast.plan.title):
        assert text in page
    assert page.index("Newer words") < page.index("Older words")


def test_demo_updates_are_labelled_on_screen(client, cast):
    f.ProgressUpdateFactory(action=cast.action, is_demo=True, narrative="Demo data: a story")
    client.force_login(cast.board.user)
    assert "Demo data</strong>" in client.get(cast.action.get_absolute_url()).content.decode()


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "json"])
def test_plan_page_download_links_serve_each_format(client, cast, fmt):
    client.force_login(cast.board.user)
    page = client.get(cast.plan.get_absolute_url()).content.decode()
    url = reverse("plans:export", args=[cast.plan.slug, fmt])
    assert url in page
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{cast.plan.slug}.{fmt}"'
    assert client.get(reverse("plans:export", args=[cast.plan.slug, "exe"])).status_code == 404
