"""The governance pages: boards, a board, a meeting, a person; reached from the home page; fixed query counts."""

import datetime

import pytest
from django.urls import reverse

from governance.models import Attendance
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def board_world(cast):
    """The cast's board with members current and past, two meetings and a clerk."""
    board = cast.plan.board
    board.purpose = "Drives the improvement plan."
    board.terms_of_reference = "Meets fortnightly. Papers four working days ahead."
    board.save()
    councillor = f.PersonFactory(organisation=cast.org, name="Cllr Jane Smith")
    f.MembershipFactory(board=board, person=councillor, role="member", party="Labour", represents="Bradford Council")
    f.MembershipFactory(board=board, person=f.PersonFactory(organisation=cast.org, name="Ms Co-opted"),
                        role="coopted_voting", represents="Church of England diocese")
    f.MembershipFactory(board=board, person=f.PersonFactory(organisation=cast.org, name="Former Member"),
                        start=datetime.date(2018, 1, 1), end=datetime.date(2019, 1, 1))
    f.MembershipFactory(board=board, person=cast.board)
    past = f.MeetingFactory(board=board, start=datetime.datetime(2024, 3, 1, 10, tzinfo=datetime.UTC),
                            papers_deadline=datetime.date(2024, 2, 23), venue="City Hall")
    future = f.MeetingFactory(board=board, start=datetime.datetime(2099, 3, 1, 10, tzinfo=datetime.UTC))
    return board, councillor, past, future


def test_home_page_links_to_the_boards(client, cast):
    client.force_login(cast.board.user)
    page = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("governance:boards")}"' in page
    assert ">Boards</a>" in page  # the service navigation item


def test_board_list_counts_current_members_and_shows_meetings(client, cast, board_world):
    board, _, past, future = board_world
    client.force_login(cast.board.user)
    page = client.get(reverse("governance:boards")).content.decode()
    assert board.name in page
    assert reverse("governance:board", args=[board.slug]) in page
    assert "1 March 2024" in page and "1 March 2099" in page


def test_board_page_shows_purpose_terms_and_members_current_and_past(client, cast, board_world):
    board, councillor, past, future = board_world
    client.force_login(cast.board.user)
    response = client.get(reverse("governance:board", args=[board.slug]))
    page = response.content.decode()
    assert "Drives the improvement plan." in page
    assert "Papers four working days ahead." in page
    current = [s.person.name for s in response.context["current_seats"]]
    assert current == ["Cllr Jane Smith", "Ms Co-opted", "Board Member"]
    assert [s.person.name for s in response.context["past_seats"]] == ["Former Member"]
    assert "Labour" in page and "Co-opted member (voting)" in page and "Church of England diocese" in page
    assert response.context["past_meetings"] == [past]
    assert response.context["future_meetings"] == [future]
    assert past.get_absolute_url() in page


def test_meeting_page_shows_agenda_attendance_declarations_and_log(client, cast, board_world):
    board, councillor, past, _ = board_world
    theme = cast.action.theme
    item = f.AgendaItemFactory(meeting=past, number="3", title="Improvement plan progress", report_author="M Douglas",
                               document="O")
    item.plans.add(cast.plan)
    item.themes.add(theme)
    f.AttendanceFactory(meeting=past, person=councillor, declarations="Item 3: a foster carer.")
    f.AttendanceFactory(meeting=past, person=cast.board, status="apologies")
    f.LogItemFactory(meeting=past, text="Report back on recruitment", owner=cast.lead,
                     due_date=datetime.date(2024, 4, 1))
    client.force_login(cast.board.user)
    response = client.get(past.get_absolute_url())
    page = response.content.decode()
    assert "3. Improvement plan progress" in page and "M Douglas" in page and "Document" in page
    assert reverse("governance:deep_dive", args=[past.pk, theme.pk]) in page
    assert [a.person.name for a in response.context["present"]] == ["Cllr Jane Smith"]
    assert [a.person.name for a in response.context["apologies"]] == ["Board Member"]
    assert "Item 3: a foster carer." in page
    assert "Report back on recruitment" in page and "1 April 2024" in page
    # A board member reads the log but is offered no clerk's links.
    assert reverse("governance:attendance", args=[past.pk]) not in page
    assert reverse("governance:log_item_new", args=[past.pk]) not in page


def test_meeting_page_offers_the_clerk_the_forms(client, cast, board_world):
    board, _, past, _ = board_world
    clerk = f.PersonFactory(organisation=cast.org, name="Democratic Services",
                            user=f.user_in_role("Board member", username="clerk"))
    f.ClerkMembershipFactory(board=board, person=clerk)
    client.force_login(clerk.user)
    page = client.get(past.get_absolute_url()).content.decode()
    assert reverse("governance:attendance", args=[past.pk]) in page
    assert reverse("governance:log_item_new", args=[past.pk]) in page


def test_agenda_item_with_an_unmatched_printed_theme_says_why_it_has_no_link(client, cast, board_world):
    _, _, past, _ = board_world
    item = f.AgendaItemFactory(meeting=past, title="Ofsted inspection - Improvement Plan",
                               themes_as_printed="Improving outcomes for children")
    item.plans.add(cast.plan)
    client.force_login(cast.board.user)
    page = client.get(past.get_absolute_url()).content.decode()
    assert "No deep dive: the theme printed, “Improving outcomes for children”, matches no theme of" in page
    assert "/deep-dive/" not in page


def test_person_page_shows_seats_actions_and_measures(client, cast, board_world):
    board, _, past, _ = board_world
    f.MembershipFactory(board=board, person=cast.lead, role="in_attendance", position="Assistant Director")
    measure = f.MeasureFactory(theme=cast.action.theme, owner=cast.lead, name="Re-referrals within 12 months")
    f.LogItemFactory(meeting=past, owner=cast.lead, text="Bring the audit to the next meeting")
    client.force_login(cast.board.user)
    response = client.get(reverse("governance:person", args=[cast.lead.pk]))
    page = response.content.decode()
    assert "In attendance" in page and "Assistant Director" in page and board.name in page
    assert list(response.context["actions"]) == [cast.action]
    assert cast.action.get_absolute_url() in page
    assert list(response.context["measures"]) == [measure]
    assert "Re-referrals within 12 months" in page
    assert "Bring the audit to the next meeting" in page


def _grow(cast, board, meeting, n):
    """Add n of everything a page lists, so a query count that grows with the data shows up."""
    for i in range(n):
        person = f.PersonFactory(organisation=cast.org)
        f.MembershipFactory(board=board, person=person, party="Independent")
        f.AttendanceFactory(meeting=meeting, person=person, declarations=f"Interest {i}")
        item = f.AgendaItemFactory(meeting=meeting)
        item.plans.add(cast.plan)
        item.themes.add(cast.action.theme)
        log = f.LogItemFactory(meeting=meeting, owner=person)
        log.updates.create(text="Progress", status="open", author=cast.admin)
        earlier = f.MeetingFactory(board=board, start=meeting.start - datetime.timedelta(days=30 * (i + 1)))
        f.LogItemFactory(meeting=earlier, owner=person)
        f.ActionFactory(theme=cast.action.theme, lead=cast.lead)
        f.MeasureFactory(theme=cast.action.theme, owner=cast.lead)


@pytest.mark.parametrize("n", [1, 4])
def test_pages_run_a_fixed_number_of_queries(client, cast, board_world, django_assert_num_queries, n):
    board, _, past, _ = board_world
    _grow(cast, board, past, n)
    client.force_login(cast.admin)
    # Each page: session, user (2), then its own queries.
    # Boards: the boards with counts and meeting dates (1).
    with django_assert_num_queries(2 + 1):
        assert client.get(reverse("governance:boards")).status_code == 200
    # Board: board, seats with people, plans, meetings with item counts (4).
    with django_assert_num_queries(2 + 4):
        assert client.get(reverse("governance:board", args=[board.slug])).status_code == 200
    # Meeting: meeting; agenda items, their themes with plans, their plans (3); attendance; log items with
    # owners and meetings, their updates (2); previous and next meetings (2); clerk check: admin groups (1).
    with django_assert_num_queries(2 + 1 + 3 + 1 + 2 + 2 + 1):
        assert client.get(past.get_absolute_url()).status_code == 200
    # Person: person, seats, actions, themes, measures, open log items (6).
    with django_assert_num_queries(2 + 6):
        assert client.get(reverse("governance:person", args=[cast.lead.pk])).status_code == 200


def test_attendance_statuses_are_the_models(cast):
    assert {"present", "in_attendance", "apologies", "absent"} == set(Attendance.Status.values)
