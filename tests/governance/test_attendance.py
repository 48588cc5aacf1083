"""Attendance, apologies and declarations of interest: recorded by the board's clerk and admins only."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from governance.models import Attendance
from governance.services import record_attendance
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(cast):
    person = f.PersonFactory(organisation=cast.org, name="Democratic Services",
                             user=f.user_in_role("Board member", username="clerk"))
    f.ClerkMembershipFactory(board=cast.plan.board, person=person)
    return person.user


@pytest.fixture
def meeting(cast):
    return f.MeetingFactory(board=cast.plan.board, start=datetime.datetime(2024, 3, 1, 10, tzinfo=datetime.UTC))


def test_recording_again_corrects_the_record(cast, clerk, meeting):
    record_attendance(meeting=meeting, user=clerk, person=cast.board, status="apologies")
    record_attendance(meeting=meeting, user=clerk, person=cast.board, status="present",
                      declarations="Item 4: governor of a school named in the report")
    row = Attendance.objects.get()
    assert (row.person, row.status, row.declarations) == (
        cast.board, "present", "Item 4: governor of a school named in the report")


def test_someone_who_sent_apologies_cannot_declare_an_interest(cast, clerk, meeting):
    with pytest.raises(ValidationError) as refused:
        record_attendance(meeting=meeting, user=clerk, person=cast.board, status="apologies", declarations="x")
    assert refused.value.error_dict["declarations"][0].code == "declaration_when_absent"


def test_only_the_clerk_and_admins_record_attendance(cast, clerk, meeting):
    for user in (cast.board.user, cast.lead.user):
        with pytest.raises(PermissionDenied):
            record_attendance(meeting=meeting, user=user, person=cast.board, status="present")
    record_attendance(meeting=meeting, user=cast.admin, person=cast.board, status="present")
    assert Attendance.objects.count() == 1


def test_the_clerk_records_attendance_through_the_form(client, cast, clerk, meeting):
    f.MembershipFactory(board=cast.plan.board, person=cast.board)
    client.force_login(clerk)
    url = reverse("governance:attendance", args=[meeting.pk])
    response = client.get(url)
    assert response.status_code == 200
    # The board's members at the meeting come first in the list of people.
    people = list(response.context["form"].fields["person"].queryset)
    assert people[:2] == sorted([cast.board, clerk.person], key=lambda p: p.name)
    assert "Board Member" in response.content.decode()  # listed as not yet recorded
    response = client.post(url, {"person": cast.board.pk, "status": "present", "substitute_for": "",
                                 "declarations": "Item 2: foster carer"})
    assert response.status_code == 302
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Board Member" in page and "Item 2: foster carer" in page


def test_the_form_says_what_is_missing(client, cast, clerk, meeting):
    client.force_login(clerk)
    response = client.post(reverse("governance:attendance", args=[meeting.pk]), {"person": "", "status": ""})
    errors = response.context["form"].errors
    assert errors["person"] == ["Choose who attended or sent apologies"]
    assert errors["status"] == ["Choose present, in attendance, apologies or absent"]


def test_a_board_member_gets_403_before_the_form_is_read(client, cast, meeting):
    f.MembershipFactory(board=cast.plan.board, person=cast.board, role="chair")
    client.force_login(cast.board.user)
    url = reverse("governance:attendance", args=[meeting.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"person": cast.board.pk, "status": "present"}).status_code == 403
    assert not Attendance.objects.exists()


def test_a_clerk_whose_seat_has_ended_gets_403(client, cast, meeting):
    former = f.PersonFactory(organisation=cast.org, user=f.user_in_role("Board member", username="former"))
    f.ClerkMembershipFactory(board=cast.plan.board, person=former, start=datetime.date(2019, 1, 1),
                             end=datetime.date(2020, 1, 1))
    client.force_login(former.user)
    assert client.get(reverse("governance:attendance", args=[meeting.pk])).status_code == 403
