"""The action register: every filter, sorting by RAG severity, pagination, and downloads of exactly the
filtered rows, with a fixed number of queries whatever the number of actions."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from plans.rag import RAG, SEVERITY
from tests import factories as f

REGISTER = reverse("plans:register")
TODAY = timezone.localdate()


def days(n):
    return TODAY + datetime.timedelta(days=n)


def ago(n):
    return timezone.now() - datetime.timedelta(days=n)


def uk(day):
    return day.strftime("%d/%m/%Y")


@pytest.fixture
def world(cast):
    """A live plan and a superseded one, with ratings, leads, due dates and codes by all three routes; plus
    the cast's own action 2.6.1 (due in 7 days, not yet rated, in a draft plan)."""
    org = cast.org
    live = f.PlanFactory(organisation=org, title="Live plan", slug="live-plan", status="approved",
                         start=datetime.date(2022, 11, 1))
    old = f.PlanFactory(organisation=org, title="Old plan", slug="old-plan", status="superseded",
                        start=datetime.date(2019, 1, 1))
    l1 = f.ThemeFactory(plan=live, number="1", title="Front door")
    l2 = f.ThemeFactory(plan=live, number="2", title="Children in care")
    o1 = f.ThemeFactory(plan=old, number="1", title="Leadership")
    sam = f.PersonFactory(organisation=org, name="Sam Lead")
    ilacs_2023 = f.InspectionFactory(organisation=org, title="ILACS 2023", published=datetime.date(2023, 1, 31))
    ilacs_2018 = f.InspectionFactory(organisation=org, title="ILACS 2018", start_date=datetime.date(2018, 9, 17))
    afi2 = f.AreaForImprovementFactory(inspection=ilacs_2023, code="AFI 2")
    afi5 = f.AreaForImprovementFactory(inspection=ilacs_2023, code="AFI 5")
    r4 = f.RecommendationFactory(inspection=ilacs_2018, code="R4")
    f.RecommendationFactory(inspection=ilacs_2018, code="R10")  # answered by nothing: never offered

    a = {}
    a["L1.1"] = f.ActionFactory(theme=l1, reference="L1.1", activity="Recruit social workers", lead=cast.lead,
                                due_date=days(-10))
    f.ProgressUpdateFactory(action=a["L1.1"], rag=RAG.GREEN, narrative="Recruiting now", created_at=ago(60))
    f.ProgressUpdateFactory(action=a["L1.1"], rag=RAG.RED, narrative="Agency staff delayed", mitigation="Escalated",
                            created_at=ago(5))
    a["L1.2"] = f.ActionFactory(theme=l1, reference="L1.2", activity="Book the panel", lead=sam, due_date=days(7),
                                lead_as_printed="SL")
    f.ProgressUpdateFactory(action=a["L1.2"], rag=RAG.AMBER, narrative="Panel booked", mitigation="Chasing",
                            created_at=ago(3))
    a["L1.2"].recommendations.add(afi2)
    objective = f.ObjectiveFactory(theme=l2)
    objective.recommendations.add(r4)
    a["L2.1"] = f.ActionFactory(theme=l2, objective=objective, reference="L2.1", activity="Audit care plans",
                                due_date=days(100))
    f.ProgressUpdateFactory(action=a["L2.1"], rag=RAG.BLUE, narrative="Done and audited", evidence="Audit report",
                            created_at=ago(1))
    a["L2.2"] = f.ActionFactory(theme=l2, reference="L2.2", activity="Review placements", lead=cast.lead)
    f.ThemeRecommendationFactory(theme=l2, recommendation=afi5)
    a["O1.1"] = f.ActionFactory(theme=o1, reference="O1.1", activity="Private fostering awareness", lead=sam,
                                due_date=days(-100))
    f.ProgressUpdateFactory(action=a["O1.1"], rag=RAG.GREEN, narrative="=cmd|' /C calc'!A0", created_at=ago(200))
    return {"live": live, "old": old, "l1": l1, "l2": l2, "sam": sam, "afi2": afi2, "afi5": afi5, "r4": r4,
            "actions": a}


ALL = {"L1.1", "L1.2", "L2.1", "L2.2", "O1.1", "2.6.1"}


@pytest.fixture
def board_client(client, cast):
    client.force_login(cast.board.user)
    return client


def references(response):
    assert response.status_code == 200
    return [row.record.reference for row in response.context["table"].paginated_rows]


def csv_table(response):
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


FILTERS = [
    (lambda w: {"plan": "live-plan"}, {"L1.1", "L1.2", "L2.1", "L2.2"}),
    (lambda w: {"theme": w["l2"].pk}, {"L2.1", "L2.2"}),
    (lambda w: {"rag": "red"}, {"L1.1"}),
    (lambda w: {"rag": "not_rated"}, {"L2.2", "2.6.1"}),
    (lambda w: {"lead": w["sam"].pk}, {"L1.2", "O1.1"}),
    # O1.1 is past its due date but its plan is superseded: history is never overdue.
    (lambda w: {"overdue": "yes"}, {"L1.1"}),
    (lambda w: {"overdue": "no"}, ALL - {"L1.1"}),
    (lambda w: {"due_after": uk(days(5)), "due_before": uk(days(30))}, {"L1.2", "2.6.1"}),
    (lambda w: {"due_after": days(50).isoformat()}, {"L2.1"}),
    (lambda w: {"due_before": uk(days(-10))}, {"L1.1", "O1.1"}),
    (lambda w: {"recommendation": w["afi2"].pk}, {"L1.2"}),  # linked directly
    (lambda w: {"recommendation": w["r4"].pk}, {"L2.1"}),  # through its objective
    (lambda w: {"recommendation": w["afi5"].pk}, {"L2.1", "L2.2"}),  # through the theme's code table
    (lambda w: {"updated_before": uk(days(-4))}, {"L1.1", "L2.2", "O1.1", "2.6.1"}),  # never updated counts
    (lambda w: {"search": "delayed"}, {"L1.1"}),  # the latest narrative
    (lambda w: {"search": "recruiting now"}, set()),  # an older narrative is not searched
    (lambda w: {"search": "l2."}, {"L2.1", "L2.2"}),  # reference
    (lambda w: {"search": "FOSTERING"}, {"O1.1"}),  # activity
    (lambda w: {"plan": "live-plan", "lead": w["sam"].pk, "rag": "amber"}, {"L1.2"}),
]
FILTER_IDS = ["plan", "theme", "rag", "rag-not-rated", "lead", "overdue", "not-overdue", "due-between", "due-after",
              "due-before", "recommendation-direct", "recommendation-objective", "recommendation-theme",
              "updated-before", "search-narrative", "search-old-narrative", "search-reference", "search-activity",
              "combined"]


def test_with_no_filter_every_action_is_listed(board_client, world):
    assert set(references(board_client.get(REGISTER))) == ALL


@pytest.mark.parametrize(("params", "expected"), FILTERS, ids=FILTER_IDS)
def test_each_filter(board_client, world, params, expected):
    assert set(references(board_client.get(REGISTER, params(world)))) == expected


@pytest.mark.parametrize(("params", "expected"), FILTERS, ids=FILTER_IDS)
def test_the_downloads_hold_exactly_the_filtered_rows(board_client, world, params, expected):
    query = params(world)
    shown = references(board_client.get(REGISTER, query))
    table = csv_table(board_client.get(reverse("plans:register_csv"), query))
    column = table[0].index("Action")
    assert [row[column] for row in table[1:]] == shown
    book = load_workbook(io.BytesIO(board_client.get(reverse("plans:register_xlsx"), query).content), read_only=True)
    sheet_rows = list(book["Register"].iter_rows(values_only=True))
    assert [row[column] for row in sheet_rows[1:]] == shown
    assert set(shown) == expected


def test_a_download_row_says_what_the_page_says(board_client, world):
    table = csv_table(board_client.get(reverse("plans:register_csv"), {"search": "L1.2"}))
    assert table == [
        ["Plan", "Theme", "Action", "Activity", "Lead", "Lead name", "Due date", "RAG", "Last updated", "Overdue",
         "Due soon", "Needs update", "Codes", "Latest progress update"],
        ["Live plan", "1", "L1.2", "Book the panel", "SL", "Sam Lead", days(7).isoformat(), "Amber",
         timezone.localtime(world["actions"]["L1.2"].progress_updates.get().created_at).strftime("%Y-%m-%d %H:%M"),
         "No", "Yes", "No", "AFI 2", "Panel booked"],
    ]


def test_formula_like_text_is_neutralised_in_both_downloads(board_client, world):
    table = csv_table(board_client.get(reverse("plans:register_csv"), {"search": "O1.1"}))
    assert table[1][-1] == "'=cmd|' /C calc'!A0"
    book = load_workbook(io.BytesIO(board_client.get(reverse("plans:register_xlsx"), {"search": "O1.1"}).content))
    sheet = book["Register"]
    assert sheet.cell(row=2, column=14).value == "'=cmd|' /C calc'!A0"
    assert sheet.cell(row=2, column=14).data_type == "s"
    assert sheet.cell(row=2, column=7).value == datetime.datetime.combine(days(-100), datetime.time())  # a real date


def test_the_downloads_are_named_and_typed(board_client, world):
    response = board_client.get(reverse("plans:register_csv"))
    assert response.streaming and response["Content-Type"].startswith("text/csv")
    assert f'filename="action-register-{TODAY.isoformat()}.csv"' in response["Content-Disposition"]
    response = board_client.get(reverse("plans:register_xlsx"))
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_sorting_by_rag_puts_the_worst_first(board_client, world):
    ratings = [row.record.current_rag for row in board_client.get(REGISTER, {"sort": "current_rag"})
               .context["table"].paginated_rows]
    assert ratings == sorted(ratings, key=lambda r: SEVERITY.index(RAG(r)))
    assert ratings[0] == RAG.RED and ratings[-1] == RAG.BLUE
    reverse_ratings = [row.record.current_rag for row in board_client.get(REGISTER, {"sort": "-current_rag"})
                       .context["table"].paginated_rows]
    assert reverse_ratings[0] == RAG.BLUE and reverse_ratings[-1] == RAG.RED
    table = csv_table(board_client.get(reverse("plans:register_csv"), {"sort": "current_rag"}))
    assert [row[7] for row in table[1:]] == [RAG(r).label for r in ratings]


def test_my_actions_sorts_by_rag_worst_first_too(client, cast, world):
    client.force_login(cast.lead.user)
    rows = client.get(reverse("plans:my_actions"), {"sort": "current_rag"}).context["table"].paginated_rows
    ratings = [row.record.current_rag for row in rows]
    # Stored words sort "not_rated" before "red"; by severity Red comes first.
    assert ratings == [RAG.RED, RAG.NOT_RATED, RAG.NOT_RATED]


@pytest.mark.parametrize("column", ["reference", "plan", "theme", "lead", "due_date", "current_rag", "last_updated",
                                    "attention", "-current_rag", "-lead"])
def test_every_orderable_column_renders_when_sorted(board_client, world, column):
    assert len(references(board_client.get(REGISTER, {"sort": column}))) == len(ALL)


def test_the_choices_are_labelled_for_people_reading_them(board_client, world):
    page = board_client.get(REGISTER).content.decode()
    assert ">AFI 2, ILACS 2023</option>" in page
    assert ">R4, ILACS 2018</option>" in page
    assert "R10," not in page  # no action answers it
    assert ">Live plan: Theme 2, Children in care</option>" in page
    assert ">Sam Lead</option>" in page and ">Jenny Cryer</option>" in page


def test_a_bad_date_is_an_error_on_the_page_and_the_download_is_refused(board_client, world):
    response = board_client.get(REGISTER, {"due_after": "31/02/2024"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page and "Enter a valid date." in page
    assert references(response) == []
    refused = board_client.get(reverse("plans:register_csv"), {"due_after": "31/02/2024"})
    assert refused.status_code == 400
    assert "Due on or after: Enter a valid date." in refused.content.decode()
    assert board_client.get(reverse("plans:register_xlsx"), {"due_after": "not a date"}).status_code == 400


def test_the_filters_stay_in_the_url_across_pages_and_downloads(board_client, world):
    for n in range(60):
        f.ActionFactory(theme=world["l1"], reference=f"X{n:02d}")
    response = board_client.get(REGISTER, {"plan": "live-plan", "sort": "reference"})
    assert len(references(response)) == 50
    page = response.content.decode()
    assert "plan=live-plan&amp;sort=reference&amp;page=2" in page
    assert "/register/export.csv?plan=live-plan&amp;sort=reference" in page
    second = board_client.get(REGISTER, {"plan": "live-plan", "sort": "reference", "page": 2})
    assert len(references(second)) == 64 - 50
    table = csv_table(board_client.get(reverse("plans:register_csv"), {"plan": "live-plan", "page": 2}))
    assert len(table) - 1 == 64  # a download holds every filtered row, not one page


def test_the_register_is_in_the_service_navigation(board_client, world):
    assert 'href="/register/" aria-current="page">Action register</a>' in board_client.get(REGISTER).content.decode()


def _grow(world, n):
    for i in range(n):
        action = f.ActionFactory(theme=world["l1"], lead=f.PersonFactory(organisation=world["live"].organisation))
        action.recommendations.add(world["afi2"])
        f.ProgressUpdateFactory(action=action, rag=RAG.AMBER, narrative=f"Narrative {i}", mitigation="m")


def _count(client, url, params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("params", [{}, {"plan": "live-plan", "recommendation": "afi2", "sort": "current_rag",
                                         "search": "a", "due_after": "01/01/2020"}], ids=["unfiltered", "filtered"])
def test_the_page_and_downloads_run_a_fixed_number_of_queries(board_client, world, django_assert_num_queries, params):
    params = {k: (world["afi2"].pk if v == "afi2" else v) for k, v in params.items()}
    # session, user; the plans the user sees (the plan choices, and the ids the other queries start from); the
    # choice lists: themes, leads, recommendations; the count; one page of actions; that page's codes. A chosen
    # plan, theme, lead or recommendation is checked against its list in memory, so filters add no query.
    page = 9
    with django_assert_num_queries(page):
        board_client.get(REGISTER, params)
    # session, user, the plans the user sees, the codes of every filtered action, then the actions (read in
    # chunks by one query), and the audit trail's record of the export; when filtered, the recommendations
    # the chosen one is checked against (the plans are the list the chosen plan is checked against)
    download = 6 + (1 if params else 0)
    with django_assert_num_queries(download):
        b"".join(board_client.get(reverse("plans:register_csv"), params).streaming_content)
    small = [_count(board_client, url, params) for url in (REGISTER, reverse("plans:register_xlsx"))]
    _grow(world, 120)
    large = [_count(board_client, url, params) for url in (REGISTER, reverse("plans:register_xlsx"))]
    assert small == large == [page, download]


# The register's fast paths (issue 15): the same rows, choices and cells as the rule and the plain code give -----

def _other_council(world):
    """Another organisation's plan, theme, lead, action and recommendation, which the cast's users never see."""
    other = f.OtherOrganisationFactory()
    plan = f.PlanFactory(organisation=other, title="Zebra plan", slug="zebra-plan", status="approved")
    theme = f.ThemeFactory(plan=plan, number="9", title="Zebra theme")
    lead = f.PersonFactory(organisation=other, name="Zebra Lead")
    action = f.ActionFactory(theme=theme, reference="Z9.1", activity="Zebra work", lead=lead)
    code = f.RecommendationFactory(inspection=f.InspectionFactory(organisation=other, title="Zebra ILACS"), code="ZR1")
    action.recommendations.add(code)
    f.ThemeRecommendationFactory(theme=theme, recommendation=code)
    return {"plan": plan, "theme": theme, "lead": lead, "action": action, "code": code}


def _choices(field):
    return [(str(value), label) for value, label in field.choices][1:]  # without the empty "All" choice


@pytest.mark.parametrize("who", ["board", "lead"])
def test_the_choices_are_exactly_what_the_user_may_see(rf, cast, world, who):
    from django.db.models import Q

    from inspections.models import Recommendation
    from plans.filters import RegisterFilter
    from plans.models import Action, Person, Plan, Theme

    _other_council(world)
    user = getattr(cast, who).user
    request = rf.get("/")
    request.user = user
    fields = RegisterFilter(queryset=Action.objects.none(), request=request).form.fields
    # Each list as the rule gives it, by the earlier querysets (visible_to at every step).
    actions = Action.objects.visible_to(user)
    plans = Plan.objects.visible_to(user)
    leads = Person.objects.visible_to(user).filter(pk__in=actions.values("lead_id"))
    answered = Recommendation.objects.filter(Q(actions__in=actions) | Q(objectives__actions__in=actions)
                                             | Q(themes__actions__in=actions)).distinct()
    assert {slug for slug, _ in _choices(fields["plan"])} == set(plans.values_list("slug", flat=True))
    assert {int(pk) for pk, _ in _choices(fields["theme"])} == set(
        Theme.objects.filter(plan__in=plans).values_list("pk", flat=True))
    assert {int(pk) for pk, _ in _choices(fields["lead"])} == set(leads.values_list("pk", flat=True))
    assert {int(pk) for pk, _ in _choices(fields["recommendation"])} == set(answered.values_list("pk", flat=True))
    shown = str(fields["plan"].choices) + str(list(fields["theme"].choices)) + str(list(fields["lead"].choices)) \
        + str(list(fields["recommendation"].choices))
    assert "Zebra" not in shown and "ZR1" not in shown
    assert {int(pk) for pk, _ in _choices(fields["lead"])} >= {world["sam"].pk, cast.lead.pk}


def test_the_rows_are_the_actions_the_rule_lets_the_user_see(cast, world):
    from plans.models import Action
    from plans.register import RegisterScope, register_queryset

    _other_council(world)
    for user in (cast.board.user, cast.lead.user, cast.admin):
        assert set(register_queryset(user).values_list("pk", flat=True)) == set(
            Action.objects.visible_to(user).values_list("pk", flat=True))
        assert RegisterScope(user).plan_ids  # the cast's users see their council's plans
    outsider = f.UserFactory(username="nobody-here", person=False)  # a login with no Person sees nothing
    assert not register_queryset(outsider).exists()


def test_another_councils_choice_is_refused_without_echoing_it(board_client, world):
    zebra = _other_council(world)
    for params in ({"plan": "zebra-plan"}, {"theme": zebra["theme"].pk}, {"lead": zebra["lead"].pk},
                   {"recommendation": zebra["code"].pk}, {"lead": f"0{world['sam'].pk}"}):
        response = board_client.get(REGISTER, params)
        page = response.content.decode()
        assert "That choice is not one of the available choices." in page, params
        # (whole names: a random token on the page may hold "ZR1")
        assert references(response) == [] and "Zebra " not in page and "ZR1, " not in page


def test_visible_with_plan_ids_is_the_rule_for_what_hangs_off_a_plan(cast, world):
    from governance.visibility import visible
    from plans.models import Action, Person, Theme
    from plans.register import RegisterScope

    _other_council(world)
    user = cast.board.user
    ids = RegisterScope(user).plan_ids
    for model in (Action, Theme):
        assert set(visible(model.objects.all(), user, plan_ids=ids)) == set(model.objects.visible_to(user))
    with pytest.raises(ValueError, match="not reached through its plan"):
        visible(Person.objects.all(), user, plan_ids=ids)


def _row_cells(page, reference):
    """The cells of the register row whose first cell links `reference`, as printed."""
    import re

    row = re.search(r'<tr class="govuk-table__row"><th scope="row" class="govuk-table__header"><a href="[^"]+">'
                    + re.escape(reference) + r"</a></th>(.*?)</tr>", page)
    assert row, reference
    return re.findall(r'<td class="govuk-table__cell">(.*?)</td>', row.group(1))


def test_each_cell_says_what_the_column_means(client, cast, world):
    from governance.templatetags.restricted import restricted_tag

    # Restricted, so labelled: seen by the organisation's admin (an insider), not by the board member.
    world["live"].restricted, world["live"].exemption_paragraph = True, 3
    world["live"].save()
    client.force_login(cast.admin)
    f.ActionFactory(theme=world["l1"], reference="L1.9", activity="<b>Tom & Jerry</b> " + "x" * 130, lead=None,
                    lead_as_printed="", due_date=None)
    page = client.get(REGISTER, {"per_page": 100}).content.decode()
    label = restricted_tag(world["live"])
    updated = timezone.localtime(world["actions"]["L1.2"].progress_updates.get().created_at)
    assert _row_cells(page, "L1.2") == [
        f"Live plan {label}", "1", "Book the panel",
        'SL <span class="govuk-hint govuk-!-display-inline">(Sam Lead)</span>', f"{days(7):%-d %b %Y}",
        '<strong class="govuk-tag govuk-tag--orange app-rag-tag">Amber</strong>', f"{updated:%-d %b %Y}",
        '<strong class="govuk-tag govuk-tag--yellow app-rag-tag">Due soon</strong>', "AFI 2"]
    cells = _row_cells(page, "L1.9")
    assert cells[2] == "&lt;b&gt;Tom &amp; Jerry&lt;/b&gt; " + "x" * 98 + "…"  # escaped, cut to 120 characters
    assert cells[3:5] == ["—", "—"]  # no lead, no due date
    assert cells[5:] == ['<strong class="govuk-tag govuk-tag--grey app-rag-tag">Not yet rated</strong>', "Never",
                         '<strong class="govuk-tag govuk-tag--purple app-rag-tag">Needs update</strong>', "—"]
    overdue = _row_cells(page, "L1.1")
    assert overdue[2:4] == ["Recruit social workers", "Jenny Cryer"]
    assert overdue[7] == '<strong class="govuk-tag govuk-tag--red app-rag-tag">Overdue</strong>'


def test_a_cell_read_through_django_tables2_is_the_printed_cell(rf, cast, world):
    from plans.register import RegisterScope
    from plans.tables import RegisterTable

    request = rf.get("/")
    request.user = cast.board.user
    table = RegisterTable(RegisterScope(cast.board.user).queryset(), request=request)
    table.paginate(page=1, per_page=50)
    names = [column.name for column in table.columns]
    printed = [[table.cell(name, row.record) for name in names] for row in table.paginated_rows]
    assert printed == [[str(row.get_cell(name)) for name in names] for row in table.paginated_rows]
    assert table.rows_html().count('<tr class="govuk-table__row">') == len(ALL)


def test_the_printed_day_is_the_date_filters():
    from django.template.defaultfilters import date as date_filter
    from django.utils import translation

    from plans.tables import RegisterTable

    table = RegisterTable([])
    for language in ("en-gb", "fr"):
        with translation.override(language):
            table._months = None
            for day in (datetime.date(2024, month, month * 2) for month in range(1, 13)):
                assert table._day(day) == date_filter(day, "j M Y")
            assert table._day(datetime.date(987, 3, 1)) == date_filter(datetime.date(987, 3, 1), "j M Y")


def test_the_row_link_is_the_actions_url(world):
    from plans.tables import pk_url_format

    url = pk_url_format("plans:action")
    for action in world["actions"].values():
        assert url(action.pk) == action.get_absolute_url()


@pytest.mark.parametrize("sort", ["plan", "-plan", "due_date", "-lead", "attention"])
def test_rows_that_tie_keep_the_registers_order_across_pages(board_client, world, sort):
    for n in range(12):
        f.ActionFactory(theme=world["l2"], reference=f"T{n:02d}", due_date=days(30), order=n)
    first = references(board_client.get(REGISTER, {"sort": sort, "per_page": 7}))
    second = references(board_client.get(REGISTER, {"sort": sort, "per_page": 7, "page": 2}))
    third = references(board_client.get(REGISTER, {"sort": sort, "per_page": 7, "page": 3}))
    everything = first + second + third
    assert len(everything) == len(set(everything)) == len(ALL) + 12  # no row twice, none left out
    tied = [ref for ref in everything if ref.startswith("T")]
    assert tied == [f"T{n:02d}" for n in range(12)]  # in plan order, also when the column sorts descending
