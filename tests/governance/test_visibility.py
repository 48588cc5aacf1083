"""The one rule of governance.visibility, clause by clause, on the querysets every page starts from."""

import datetime

import pytest
from django.utils import timezone

from governance.models import Board, BoardPack, Meeting, Organisation
from governance.visibility import administered, administers
from inspections.models import Inspection, Recommendation
from plans.models import Action, Measure, Person, Plan, PlanShare, ProgressUpdate
from tests import factories as f

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


@pytest.fixture
def world():
    """Council A (its plan owned by its board, an inspection, a measure, a meeting), council B, partner P."""
    a, b, p = f.OrganisationFactory(), f.OtherOrganisationFactory(), f.OtherOrganisationFactory(kind="trust")
    board = f.BoardFactory(organisation=a)
    plan = f.PlanFactory(organisation=a, board=board)
    action = f.ActionFactory(theme=f.ThemeFactory(plan=plan))
    f.ProgressUpdateFactory(action=action)
    inspection = f.InspectionFactory(organisation=a)
    f.RecommendationFactory(inspection=inspection)
    f.MeasureFactory(theme=action.theme)
    f.MeetingFactory(board=board)
    other_plan = f.PlanFactory(organisation=b, board=f.BoardFactory(organisation=b))
    return a, b, p, board, plan, action, other_plan


def _sees(user):
    return {
        "plans": set(Plan.objects.visible_to(user)), "actions": set(Action.objects.visible_to(user)),
        "boards": set(Board.objects.visible_to(user)), "meetings": set(Meeting.objects.visible_to(user)),
        "inspections": set(Inspection.objects.visible_to(user)),
        "recommendations": set(Recommendation.objects.visible_to(user)),
        "measures": set(Measure.objects.visible_to(user)), "updates": set(ProgressUpdate.objects.visible_to(user)),
    }


def test_a_login_sees_its_own_organisations_objects_and_none_of_anothers(world):
    a, b, p, board, plan, action, other_plan = world
    seen = _sees(f.user_in_role("Board member", person__organisation=a))
    assert seen["plans"] == {plan} and seen["actions"] == {action}
    assert seen["boards"] == {board} and len(seen["meetings"]) == 1
    assert len(seen["inspections"]) == len(seen["recommendations"]) == len(seen["measures"]) == 1
    assert other_plan not in set(Plan.objects.visible_to(f.user_in_role("Officer", person__organisation=a)))
    assert _sees(f.user_in_role("Board member", person__organisation=b))["plans"] == {other_plan}


def test_a_superuser_sees_everything_and_nobody_else_does_without_a_person(world):
    assert set(Plan.objects.visible_to(f.StaffUserFactory())) == set(Plan.objects.all())
    assert not any(_sees(f.user_in_role("Board member", person=False)).values())
    inactive = f.user_in_role("Board member", is_active=False, person__organisation=world[0])
    assert not any(_sees(inactive).values())


def test_a_current_seat_shows_the_board_its_meetings_and_plans_whatever_the_organisation(world):
    a, b, p, board, plan, action, other_plan = world
    police = f.OtherOrganisationFactory(name="West Yorkshire Police")
    member = f.user_in_role("Board member", person__organisation=police)
    f.MembershipFactory(board=board, person=member.person, role="in_attendance", start=TODAY - 30 * DAY)
    seen = _sees(member)
    assert seen["boards"] == {board} and seen["plans"] == {plan} and len(seen["meetings"]) == 1
    # A seat gives the board and its plans, not the owner's inspections.
    assert seen["inspections"] == set() and seen["recommendations"] == set()
    assert member.person.organisation in set(Organisation.objects.visible_to(member))


@pytest.mark.parametrize("start, end", [(TODAY + DAY, None), (TODAY - 60 * DAY, TODAY - DAY)])
def test_a_seat_outside_its_period_shows_nothing(world, start, end):
    member = f.user_in_role("Board member", person__organisation=f.OtherOrganisationFactory())
    f.MembershipFactory(board=world[3], person=member.person, start=start, end=end)
    assert not any(_sees(member).values())


def test_a_shared_plan_shows_to_the_partner_from_its_start_and_nothing_else_of_the_owners(world):
    a, b, p, board, plan, action, other_plan = world
    partner = f.user_in_role("Officer", person__organisation=p)
    share = PlanShare.objects.create(plan=plan, organisation=p, start=TODAY + DAY)
    assert not any(_sees(partner).values())
    share.start = TODAY
    share.save()
    seen = _sees(partner)
    assert seen["plans"] == {plan} and seen["actions"] == {action} and len(seen["measures"]) == 1
    assert len(seen["updates"]) == 1
    assert seen["boards"] == seen["meetings"] == seen["inspections"] == set()
    # The partner sees the people who lead the plan's actions, not the owner's whole staff.
    lead = f.PersonFactory(organisation=a, name="Lead of A")
    f.PersonFactory(organisation=a, name="Someone else of A")
    action.lead = lead
    action.save()
    assert {person.name for person in Person.objects.visible_to(partner)} == {partner.person.name, "Lead of A"}


def test_the_real_2022_24_plan_is_shared_with_the_trust_from_april_2023(real_data):
    share = PlanShare.objects.get(plan__slug="improvement-plan-2022-24")
    assert share.organisation.slug == "bradford-children-and-families-trust"
    assert share.start == datetime.date(2023, 4, 1) and share.end is None and not share.start_confirmed
    assert PlanShare.objects.count() == 1  # not the 2019 or 2021 plans
    trust_user = f.user_in_role("Officer", person__organisation="bradford-children-and-families-trust")
    assert {p.slug for p in Plan.objects.visible_to(trust_user)} == {"improvement-plan-2022-24"}


def test_an_organisation_admin_administers_its_own_organisation_only(world):
    a, b, p, board, plan, action, other_plan = world
    admin = f.user_in_role("Admin", is_staff=True, person__organisation=a)
    assert set(Plan.objects.administered_by(admin)) == {plan}
    assert set(Board.objects.administered_by(admin)) == {board}
    assert administers(admin, a.pk) and not administers(admin, b.pk)
    officer = f.user_in_role("Officer", person__organisation=a)
    assert not Plan.objects.administered_by(officer).exists() and not administers(officer, a.pk)
    # A seat on another council's board gives sight of it, never its administration.
    f.MembershipFactory(board=other_plan.board, person=admin.person)
    assert other_plan in set(Plan.objects.visible_to(admin))
    assert set(Plan.objects.administered_by(admin)) == {plan}
    assert set(administered(BoardPack.objects.all(), f.StaffUserFactory())) == set(BoardPack.objects.all())


def test_a_restricted_plan_is_seen_only_by_its_boards_members_and_its_organisations_admins(world):
    a, b, p, board, plan, action, other_plan = world
    Plan.objects.filter(pk=plan.pk).update(restricted=True, exemption_paragraph=3)
    PlanShare.objects.create(plan=plan, organisation=p, start=TODAY)
    colleague = f.user_in_role("Officer", person__organisation=a)
    partner = f.user_in_role("Officer", person__organisation=p)
    member = f.user_in_role("Board member", person__organisation=a)
    f.MembershipFactory(board=board, person=member.person)
    admin = f.user_in_role("Admin", is_staff=True, person__organisation=a)
    for outsider in (colleague, partner):
        seen = _sees(outsider)
        assert plan not in seen["plans"] and seen["actions"] == seen["measures"] == seen["updates"] == set()
    for insider in (member, admin, f.StaffUserFactory()):
        seen = _sees(insider)
        assert plan in seen["plans"] and action in seen["actions"]
        assert set(Measure.objects.filter(plan=plan)) <= seen["measures"] and seen["measures"]


def test_restricted_meetings_agenda_items_measures_and_packs_hide_from_outsiders_only(world):
    a, b, p, board, plan, action, other_plan = world
    meeting = Meeting.objects.get(board=board)
    open_meeting = f.MeetingFactory(board=board)
    item = f.AgendaItemFactory(meeting=open_meeting, restricted=True, exemption_paragraph=1)
    f.AgendaItemFactory(meeting=open_meeting)
    Meeting.objects.filter(pk=meeting.pk).update(restricted=True, exemption_paragraph=7)
    Measure.objects.update(restricted=True, exemption_paragraph=2)
    colleague = f.user_in_role("Board member", person__organisation=a)
    member = f.user_in_role("Board member", person__organisation=a)
    f.MembershipFactory(board=board, person=member.person)
    from governance.models import AgendaItem

    assert set(Meeting.objects.visible_to(colleague)) == {open_meeting}
    assert item not in set(AgendaItem.objects.visible_to(colleague)) and AgendaItem.objects.visible_to(colleague).count() == 1
    assert not Measure.objects.visible_to(colleague).exists() and plan in set(Plan.objects.visible_to(colleague))
    assert set(Meeting.objects.visible_to(member)) == {meeting, open_meeting}
    assert AgendaItem.objects.visible_to(member).count() == 2 and Measure.objects.visible_to(member).count() == 1


def test_the_rule_is_compiled_once_a_user_and_still_read_afresh_by_every_query(world, django_assert_num_queries):
    from django.db import connection

    from governance.visibility import CompiledIds

    a, b, p, board, plan, action, other_plan = world
    user = f.user_in_role("Board member", person__organisation=a)
    assert set(Action.objects.visible_to(user)) == {action}
    compiled = [v for v in user.__dict__["_visibility_subqueries"].values() if isinstance(v, CompiledIds)]
    assert len(compiled) == 1 and list(compiled[0].compiled) == [connection.alias]
    sql = compiled[0].compiled[connection.alias]
    # A plan, a seat and a share made after the SQL was compiled are seen by the next query: the database runs it.
    later = f.PlanFactory(organisation=a)
    later_action = f.ActionFactory(theme=f.ThemeFactory(plan=later))
    f.MembershipFactory(board=other_plan.board, person=user.person)
    shared = f.PlanFactory(organisation=b)
    PlanShare.objects.create(plan=shared, organisation=a, start=TODAY - DAY)
    with django_assert_num_queries(1):
        seen = set(Action.objects.visible_to(user))
    assert later_action in seen and action in seen
    assert set(Plan.objects.visible_to(user)) == {plan, later, other_plan, shared}
    assert compiled[0].compiled[connection.alias] == sql  # the same text, not compiled again
    # Another login's rule is its own.
    assert set(Plan.objects.visible_to(f.user_in_role("Board member", person__organisation=b))) == {other_plan, shared}
    # The next request's user object (the same login) reuses the compiled text, and still reads afresh.
    again = type(user).objects.get(pk=user.pk)
    newer_action = f.ActionFactory(theme=f.ThemeFactory(plan=later))
    assert set(Action.objects.visible_to(again)) == seen | {newer_action}
    assert [v for v in again.__dict__["_visibility_subqueries"].values() if isinstance(v, CompiledIds)] == compiled



def test_the_process_keeps_a_bounded_number_of_compiled_roots(world, monkeypatch):
    from governance import visibility

    a, b, p, board, plan, action, other_plan = world
    monkeypatch.setattr(visibility, "COMPILED_LIMIT", 2)
    monkeypatch.setattr(visibility, "_COMPILED", visibility.collections.OrderedDict())
    users = [f.user_in_role("Board member", person__organisation=org) for org in (a, b, a)]
    for user in users:
        assert Action.objects.visible_to(user).count() == (1 if user.person.organisation == a else 0)
    assert [key[1] for key in visibility._COMPILED] == [users[1].pk, users[2].pk]  # the first login's went first
    # Forgotten by the process, it is compiled again when next asked for, and reads the same.
    first = type(users[0]).objects.get(pk=users[0].pk)
    assert set(Action.objects.visible_to(first)) == {action}
