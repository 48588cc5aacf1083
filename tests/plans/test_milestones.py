"""Milestones recorded as achieved or missed by the action's or theme's leads, with the date and a note."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from plans.models import Milestone
from plans.permissions import can_record_milestone_outcome
from plans.services import record_milestone_outcome
from tests import factories as f

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def milestone(cast):
    return f.MilestoneFactory(action=cast.action, text="Recruit six social workers", due_as_printed="By March 2022")


@pytest.fixture
def theme_milestone(cast):
    return f.MilestoneFactory(action=None, theme=cast.action.theme, text="Launch the new front door")


def test_achieved_sets_achieved_to_the_day_and_records_who_and_when(cast, milestone):
    day = TODAY - datetime.timedelta(days=3)
    record_milestone_outcome(milestone=milestone, user=cast.lead.user, outcome="achieved", on=day, note="All started")
    milestone.refresh_from_db()
    assert (milestone.outcome, milestone.outcome_date, milestone.achieved, milestone.outcome_note) == (
        "achieved", day, day, "All started")
    assert milestone.outcome_recorded_by == cast.lead.user and milestone.outcome_recorded_at is not None


def test_missed_clears_achieved_and_needs_a_note(cast, milestone):
    record_milestone_outcome(milestone=milestone, user=cast.lead.user, outcome="achieved", on=TODAY)
    with pytest.raises(ValidationError) as refused:
        record_milestone_outcome(milestone=milestone, user=cast.lead.user, outcome="missed", on=TODAY, note=" ")
    assert refused.value.error_dict["note"][0].code == "note_required"
    record_milestone_outcome(milestone=milestone, user=cast.lead.user, outcome="missed", on=TODAY,
                             note="Two posts still vacant; readvertised")
    milestone.refresh_from_db()
    assert (milestone.outcome, milestone.achieved) == ("missed", None)


def test_the_date_has_to_have_come_and_the_outcome_be_known(cast, milestone):
    with pytest.raises(ValidationError) as future:
        record_milestone_outcome(milestone=milestone, user=cast.lead.user, outcome="achieved",
                                 on=TODAY + datetime.timedelta(days=1))
    assert future.value.error_dict["on"][0].code == "date_in_future"
    with pytest.raises(ValidationError):
        record_milestone_outcome(milestone=milestone, user=cast.lead.user, outcome="maybe", on=TODAY)


def test_who_may_record_an_action_milestone(cast, milestone):
    supporter = f.PersonFactory(organisation=cast.org, user=f.user_in_role("Officer", username="supporter"))
    cast.action.supporting_leads.add(supporter)
    theme_lead = f.PersonFactory(organisation=cast.org, user=f.user_in_role("Officer", username="themelead"))
    cast.action.theme.leads.add(theme_lead)
    allowed = {cast.lead.user, supporter.user, theme_lead.user, cast.admin}
    for user in allowed:
        assert can_record_milestone_outcome(user, milestone), user
    for user in (cast.other.user, cast.board.user):
        assert not can_record_milestone_outcome(user, milestone), user
        with pytest.raises(PermissionDenied):
            record_milestone_outcome(milestone=milestone, user=user, outcome="achieved", on=TODAY)


def test_who_may_record_a_theme_milestone(cast, theme_milestone):
    theme_lead = f.PersonFactory(organisation=cast.org, user=f.user_in_role("Officer", username="themelead"))
    cast.action.theme.leads.add(theme_lead)
    assert can_record_milestone_outcome(theme_lead.user, theme_milestone)
    assert can_record_milestone_outcome(cast.admin, theme_milestone)
    # Leading an action in the theme is not leading the theme.
    assert not can_record_milestone_outcome(cast.lead.user, theme_milestone)
    assert not can_record_milestone_outcome(cast.board.user, theme_milestone)
    # A board member named as a theme lead still changes nothing.
    cast.action.theme.leads.add(cast.board)
    assert not can_record_milestone_outcome(cast.board.user, theme_milestone)


def test_the_form_records_the_outcome_and_goes_back_to_the_action(client, cast, milestone):
    client.force_login(cast.lead.user)
    url = reverse("plans:milestone_outcome", args=[milestone.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"outcome": "missed", "on_0": TODAY.day, "on_1": TODAY.month, "on_2": TODAY.year,
                                 "note": "Readvertised"})
    assert response.status_code == 302
    assert response["Location"] == cast.action.get_absolute_url() + "#milestones"
    page = client.get(cast.action.get_absolute_url()).content.decode()
    assert f"Missed {TODAY:%-d %b %Y}: Readvertised" in page
    assert url in page  # the action page links to the form for its leads


def test_the_form_puts_a_refused_rule_beside_its_field(client, cast, milestone):
    client.force_login(cast.lead.user)
    response = client.post(reverse("plans:milestone_outcome", args=[milestone.pk]),
                           {"outcome": "missed", "on_0": TODAY.day, "on_1": TODAY.month, "on_2": TODAY.year})
    assert response.context["form"].errors["note"] == ["Say why the milestone was missed and what happens now"]
    milestone.refresh_from_db()
    assert milestone.outcome == ""


def test_others_get_403_before_the_form_is_read_and_see_no_link(client, cast, milestone):
    url = reverse("plans:milestone_outcome", args=[milestone.pk])
    for user in (cast.other.user, cast.board.user):
        client.force_login(user)
        assert client.get(url).status_code == 403
        assert client.post(url, {"outcome": "achieved", "on_0": "1", "on_1": "1", "on_2": "2024"}).status_code == 403
        assert url not in client.get(cast.action.get_absolute_url()).content.decode()
    milestone.refresh_from_db()
    assert milestone.outcome == ""


def test_milestone_reads_for_board_papers(cast, milestone, theme_milestone):
    other_plan = f.MilestoneFactory(due_date=datetime.date(2024, 3, 10))
    milestone.due_date = datetime.date(2024, 3, 10)
    milestone.save()
    theme_milestone.outcome, theme_milestone.outcome_date = "achieved", datetime.date(2024, 3, 5)
    theme_milestone.save()
    mine = Milestone.objects.for_plans([cast.plan])
    assert set(mine) == {milestone, theme_milestone}
    assert other_plan not in mine
    start, end = datetime.date(2024, 3, 1), datetime.date(2024, 3, 31)
    assert list(mine.due_between(start, end)) == [milestone]
    assert list(mine.outcome_between(start, end)) == [theme_milestone]
    assert list(mine.outcome_between(datetime.date(2024, 3, 5), end)) == []  # the start day is excluded


def test_a_theme_milestone_form_goes_back_where_it_was_opened_but_never_off_site(client, cast, theme_milestone):
    theme_lead = f.PersonFactory(organisation=cast.org, user=f.user_in_role("Officer", username="themelead"))
    cast.action.theme.leads.add(theme_lead)
    client.force_login(theme_lead.user)
    url = reverse("plans:milestone_outcome", args=[theme_milestone.pk])
    data = {"outcome": "achieved", "on_0": TODAY.day, "on_1": TODAY.month, "on_2": TODAY.year, "note": ""}
    came_from = "/meetings/1/deep-dive/2/#milestones"
    assert client.post(url, data | {"next": came_from})["Location"] == came_from
    assert client.post(url, data | {"next": "https://evil.example/"})["Location"] == reverse(
        "plans:theme", args=[cast.action.theme.pk])
    theme_milestone.refresh_from_db()
    assert theme_milestone.achieved == TODAY
