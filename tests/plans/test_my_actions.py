"""My actions: the officer's own actions, what needs attention first, sorting and filtering."""

import datetime
import re

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


# The rows printed in one pass (MyActionsTable.rows_html) ----------------------------------------------------

def printed_world(cast):
    """A small world with text to escape, a restricted plan, empty cells and every flag, on fixed dates."""
    hostile = f.PlanFactory(organisation=cast.org, board=cast.plan.board, title='Plan <b>"one"</b> & co',
                            restricted=True, exemption_paragraph=3)
    f.MembershipFactory(board=cast.plan.board, person=cast.lead)  # a board seat: the restricted plan is theirs to see
    theme = f.ThemeFactory(plan=hostile, number="<i>3</i>")
    hostile_ref = f.ActionFactory(theme=theme, lead=cast.lead, reference="<script>x</script>",
                                  activity="A & B <em>now</em>", due_date=datetime.date(2020, 3, 1))
    f.ActionFactory(theme=theme, lead=cast.lead, reference="", activity="x" * 130, due_date=None)
    updated = f.ActionFactory(theme=theme, lead=cast.lead, reference="3.1", activity="Rated",
                              due_date=datetime.date(2031, 12, 25))
    f.ProgressUpdateFactory(action=updated, rag=RAG.AMBER,
                            created_at=datetime.datetime(2026, 1, 31, 23, 30, tzinfo=datetime.UTC))
    return hostile, hostile_ref, updated


def rows_of(page: str) -> list[str]:
    """The table body's rows as printed, the white space between tags (which no one sees) taken out."""
    body = page.split('<tbody class="govuk-table__body">', 1)[1].split("</tbody>", 1)[0]
    return re.sub(r">\s+<", "><", body.strip()).replace("</tr>", "</tr>\n").splitlines()


TAG = '<strong class="govuk-tag {} app-rag-tag">{}</strong>'
RESTRICTED = ('<strong class="govuk-tag govuk-tag--red app-restricted-tag">Restricted — not for publication '
              "(Schedule 12A, paragraph 3: financial or business affairs of any particular person)</strong>")


def printed_row(*cells):
    head, *rest = cells
    return (f'<tr class="govuk-table__row"><th scope="row" class="govuk-table__header">{head}</th>'
            + "".join(f'<td class="govuk-table__cell">{cell}</td>' for cell in rest) + "</tr>")


def test_printed_rows_are_what_django_tables2_printed(client, cast):
    """The rows as the page printed them through django-tables2's own loop before they were printed in one pass
    (captured from that version): escaping, links, the restricted label, dashes, "Never", dates, tags."""
    plan, hostile_ref, updated = printed_world(cast)
    client.force_login(cast.lead.user)
    plan_cell = f"Plan &lt;b&gt;&quot;one&quot;&lt;/b&gt; &amp; co {RESTRICTED}"
    theme_cell = "&lt;i&gt;3&lt;/i&gt;"
    not_rated = TAG.format("govuk-tag--grey", "Not yet rated")
    needs_update = TAG.format("govuk-tag--purple", "Needs update")
    blank = next(a for a in plan.themes.get().actions.all() if not a.reference)
    expected = {
        hostile_ref.pk: printed_row(f'<a href="/actions/{hostile_ref.pk}/">&lt;script&gt;x&lt;/script&gt;</a>',
                                    plan_cell, theme_cell, "A &amp; B &lt;em&gt;now&lt;/em&gt;", "1 Mar 2020",
                                    not_rated, "Never", TAG.format("govuk-tag--red", "Overdue") + needs_update),
        blank.pk: printed_row("—", plan_cell, theme_cell, "x" * 117 + "…", "—", not_rated, "Never", needs_update),
        updated.pk: printed_row(f'<a href="/actions/{updated.pk}/">3.1</a>', plan_cell, theme_cell, "Rated",
                                "25 Dec 2031", TAG.format("govuk-tag--orange", "Amber"), "31 Jan 2026", needs_update),
    }
    # Unsorted and sorted: every row as it was, in the order of django-tables2's page (where an empty due date
    # falls is the database's own rule).
    for params in ({"plan": plan.pk}, {"plan": plan.pk, "sort": "-plan"}):
        response = client.get(reverse("plans:my_actions"), params)
        order = [action.pk for action in response.context["table"].paginated_rows.data]
        assert sorted(order) == sorted(expected)
        assert rows_of(response.content.decode()) == [expected[pk] for pk in order]


def test_a_cell_read_through_django_tables2_is_the_printed_cell(client, cast):
    printed_world(cast)
    client.force_login(cast.lead.user)
    table = client.get(reverse("plans:my_actions")).context["table"]
    rows = list(table.paginated_rows)
    assert len(rows) == 4
    for row in rows:
        for column in table.columns:
            assert row.get_cell(column.name) == table.cell(column.name, row.record)
    with pytest.raises(ValueError, match="My actions has no column 'lead'"):
        table.cell("lead", rows[0].record)


def test_the_plan_filter_lists_only_visible_plans_and_refuses_others(client, cast):
    hidden = f.PlanFactory(organisation=f.OtherOrganisationFactory(), title="Elsewhere")
    client.force_login(cast.lead.user)
    page = client.get(reverse("plans:my_actions")).content.decode()
    assert f'<option value="{cast.plan.pk}">{cast.plan}</option>' in page and "Elsewhere" not in page
    response = client.get(reverse("plans:my_actions"), {"plan": hidden.pk})
    assert response.status_code == 200 and not list(response.context["table"].data)
    assert response.context["filter"].form.errors["plan"] == [
        "Select a valid choice. That choice is not one of the available choices."]
    assert f'<option value="{cast.plan.pk}" selected>' in client.get(
        reverse("plans:my_actions"), {"plan": cast.plan.pk}).content.decode()
