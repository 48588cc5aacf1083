"""The meeting action log: the clerk and admins enter it, board members read it, open items carry forward."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from governance.models import LogItem
from governance.services import add_log_item, record_response, update_log_item
from tests import factories as f

pytestmark = pytest.mark.django_db


def at(day):
    return datetime.datetime.combine(day, datetime.time(10), tzinfo=datetime.UTC)


@pytest.fixture
def clerk(cast):
    person = f.PersonFactory(organisation=cast.org, name="Democratic Services",
                             user=f.user_in_role("Board member", username="clerk"))
    f.ClerkMembershipFactory(board=cast.plan.board, person=person)
    return person.user


@pytest.fixture
def meeting(cast):
    return f.MeetingFactory(board=cast.plan.board, start=at(datetime.date(2024, 3, 1)))


# The service rules

def test_the_clerk_adds_an_action_to_the_end_of_the_log(cast, clerk, meeting):
    first = add_log_item(meeting=meeting, user=clerk, kind="decision", text="The plan is approved.")
    second = add_log_item(meeting=meeting, user=clerk, kind="action", text="Report back on recruitment",
                          owner=cast.lead, due_date=datetime.date(2024, 4, 1))
    assert (first.order, second.order) == (1, 2)
    assert second.status == LogItem.Status.OPEN and second.created_by == clerk and second.owner == cast.lead


def test_an_action_needs_an_owner_and_a_due_date_on_or_after_the_meeting(cast, clerk, meeting):
    with pytest.raises(ValidationError) as no_owner:
        add_log_item(meeting=meeting, user=clerk, kind="action", text="Do it")
    assert no_owner.value.error_dict["owner"][0].code == "owner_required"
    with pytest.raises(ValidationError) as early:
        add_log_item(meeting=meeting, user=clerk, kind="action", text="Do it", owner_as_text="Executive Member",
                     due_date=datetime.date(2024, 2, 1))
    assert "on or after the meeting, 1 March 2024" in early.value.error_dict["due_date"][0].message
    with pytest.raises(ValidationError) as both:
        add_log_item(meeting=meeting, user=clerk, kind="action", text="Do it", owner=cast.lead,
                     owner_as_text="Someone else")
    assert both.value.error_dict["owner_as_text"][0].code == "two_owners"


def test_a_board_member_an_officer_and_a_past_clerk_cannot_write_the_log(cast, meeting):
    past_clerk = f.PersonFactory(organisation=cast.org, user=f.user_in_role("Board member", username="former"))
    f.ClerkMembershipFactory(board=cast.plan.board, person=past_clerk, start=datetime.date(2019, 1, 1),
                             end=datetime.date(2020, 1, 1))
    for user in (cast.board.user, cast.lead.user, past_clerk.user):
        with pytest.raises(PermissionDenied):
            add_log_item(meeting=meeting, user=user, kind="decision", text="Agreed")
    assert not LogItem.objects.exists()


def test_the_clerk_of_another_board_cannot_write_this_one(cast, meeting):
    elsewhere = f.PersonFactory(organisation=cast.org, user=f.user_in_role("Board member", username="elsewhere"))
    f.ClerkMembershipFactory(person=elsewhere)
    with pytest.raises(PermissionDenied):
        add_log_item(meeting=meeting, user=elsewhere.user, kind="decision", text="Agreed")


def test_an_admin_may_write_any_log(cast, meeting):
    assert add_log_item(meeting=meeting, user=cast.admin, kind="decision", text="Agreed").pk


def test_an_update_is_appended_and_sets_the_status(cast, clerk, meeting):
    item = f.LogItemFactory(meeting=meeting, owner=cast.lead)
    update_log_item(item=item, user=clerk, text="Recruitment under way", status="open")
    update_log_item(item=item, user=clerk, text="Six social workers started", status="done")
    item.refresh_from_db()
    assert item.status == "done"
    assert [(u.status, u.text) for u in item.updates.order_by("created_at", "pk")] == [
        ("open", "Recruitment under way"), ("done", "Six social workers started")]
    with pytest.raises(ValidationError):
        update_log_item(item=item, user=clerk, text="", status="open")
    with pytest.raises(ValidationError):
        update_log_item(item=item, user=clerk, text="Hmm", status="closed")


def test_a_scrutiny_recommendation_records_the_executives_response_and_when(cast, clerk, meeting):
    item = f.RecommendationLogItemFactory(meeting=meeting)
    record_response(item=item, user=clerk, response="Accepted; funding agreed.", received_on=datetime.date(2024, 4, 2),
                    today=datetime.date(2024, 5, 1))
    item.refresh_from_db()
    assert (item.response, item.response_received) == ("Accepted; funding agreed.", datetime.date(2024, 4, 2))
    with pytest.raises(ValidationError) as before:
        record_response(item=item, user=clerk, response="x", received_on=datetime.date(2024, 2, 1))
    assert before.value.error_dict["received_on"][0].code == "response_before_meeting"
    with pytest.raises(ValidationError) as future:
        record_response(item=item, user=clerk, response="x", received_on=datetime.date(2024, 6, 1),
                        today=datetime.date(2024, 5, 1))
    assert future.value.error_dict["received_on"][0].code == "response_in_future"


def test_only_a_recommendation_has_a_response(cast, clerk, meeting):
    with pytest.raises(ValidationError):
        record_response(item=f.LogItemFactory(meeting=meeting), user=clerk, response="x",
                        received_on=datetime.date(2024, 3, 2))


# Carry-forward

def test_open_items_of_earlier_meetings_carry_forward_as_matters_arising(cast, meeting):
    board = cast.plan.board
    january = f.MeetingFactory(board=board, start=at(datetime.date(2024, 1, 10)))
    february = f.MeetingFactory(board=board, start=at(datetime.date(2024, 2, 7)))
    april = f.MeetingFactory(board=board, start=at(datetime.date(2024, 4, 3)))
    still_open = f.LogItemFactory(meeting=january, text="Open since January")
    f.LogItemFactory(meeting=january, text="Done in January", status="done")
    f.LogItemFactory(meeting=february, text="Dropped in February", status="dropped")
    february_open = f.LogItemFactory(meeting=february, text="Open since February")
    this_meeting = f.LogItemFactory(meeting=meeting, text="Decided in March", status="done")
    f.LogItemFactory(meeting=april, text="From a later meeting")
    f.LogItemFactory(meeting=f.MeetingFactory(start=at(datetime.date(2024, 1, 5))), text="Another board's")
    arising = list(LogItem.objects.matters_arising(meeting))
    assert arising == [still_open, february_open, this_meeting]


def test_matters_arising_go_by_position_date_not_start(cast):
    """A meeting whose papers deadline falls after an earlier-starting meeting's is not "earlier"."""
    board = cast.plan.board
    march = f.MeetingFactory(board=board, start=at(datetime.date(2024, 3, 1)), papers_deadline=datetime.date(2024, 2, 20))
    prior = f.MeetingFactory(board=board, start=at(datetime.date(2024, 2, 19)))
    same_day = f.MeetingFactory(board=board, start=at(datetime.date(2024, 2, 20)))
    carried = f.LogItemFactory(meeting=prior)
    f.LogItemFactory(meeting=same_day)  # position date 20 Feb is not before 20 Feb
    assert list(LogItem.objects.matters_arising(march)) == [carried]


def test_the_meeting_page_lists_matters_arising_then_this_meetings_items(client, cast, meeting):
    earlier = f.MeetingFactory(board=cast.plan.board, start=at(datetime.date(2024, 1, 10)))
    f.LogItemFactory(meeting=earlier, text="Open since January")
    f.LogItemFactory(meeting=meeting, text="Decided today", kind="decision")
    client.force_login(cast.board.user)
    response = client.get(meeting.get_absolute_url())
    assert [i.text for i in response.context["matters_arising"]] == ["Open since January"]
    assert [i.text for i in response.context["log_items"]] == ["Decided today"]
    page = response.content.decode()
    assert page.index("Open since January") < page.index("Decided today")


# The pages

def test_the_clerk_adds_a_log_item_through_the_form(client, cast, clerk, meeting):
    client.force_login(clerk)
    url = reverse("governance:log_item_new", args=[meeting.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"kind": "action", "text": "Report back on recruitment", "owner": cast.lead.pk,
                                 "owner_as_text": "", "due_date_0": "1", "due_date_1": "4", "due_date_2": "2024"})
    assert response.status_code == 302
    item = LogItem.objects.get()
    assert (item.text, item.owner, item.due_date) == ("Report back on recruitment", cast.lead, datetime.date(2024, 4, 1))


def test_the_form_shows_a_rule_the_service_refuses_beside_its_field(client, cast, clerk, meeting):
    client.force_login(clerk)
    response = client.post(reverse("governance:log_item_new", args=[meeting.pk]),
                           {"kind": "action", "text": "Do it", "owner": "", "owner_as_text": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["owner"] == ["Say who owns the action"]
    assert "There is a problem" in response.content.decode()
    assert not LogItem.objects.exists()


@pytest.mark.parametrize("name", ["log_item_new"])
def test_a_board_member_gets_403_before_the_form_is_read(client, cast, meeting, name):
    client.force_login(cast.board.user)
    url = reverse(f"governance:{name}", args=[meeting.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"kind": "decision", "text": "Agreed"}).status_code == 403
    assert not LogItem.objects.exists()


@pytest.mark.parametrize("name", ["log_item_update", "log_item_response"])
def test_a_board_member_gets_403_on_an_items_forms(client, cast, meeting, name):
    item = f.RecommendationLogItemFactory(meeting=meeting)
    client.force_login(cast.board.user)
    url = reverse(f"governance:{name}", args=[item.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"text": "x", "status": "done"}).status_code == 403
    item.refresh_from_db()
    assert item.status == "open" and not item.updates.exists()


def test_the_clerk_updates_an_item_and_records_a_response(client, cast, clerk, meeting):
    item = f.RecommendationLogItemFactory(meeting=meeting)
    client.force_login(clerk)
    response = client.post(reverse("governance:log_item_update", args=[item.pk]),
                           {"text": "Response chased", "status": "open"})
    assert response.status_code == 302
    today = datetime.date.today()
    response = client.post(reverse("governance:log_item_response", args=[item.pk]), {
        "response": "Accepted in full.", "received_on_0": today.day, "received_on_1": today.month,
        "received_on_2": today.year})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.response == "Accepted in full." and item.response_received == today
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Accepted in full." in page and "Response chased" in page
