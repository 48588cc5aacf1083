"""A board with three meetings and a plan whose every report section has something known in it.

Previous meeting: papers 12 June 2024. This meeting: papers 10 July 2024 (the position date), meets 17 July.
Next meeting: papers 21 August 2024.
"""

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from governance.models import LogItem, Membership
from plans.models import Milestone
from plans.services import record_progress
from tests import factories as f

PREVIOUS = datetime.date(2024, 6, 12)
AS_AT = datetime.date(2024, 7, 10)
NEXT = datetime.date(2024, 8, 21)


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def rate(action, rag, day, **kwargs):
    action.refresh_from_db()
    defaults = {"mitigation": "Mitigation in hand." if rag in ("red", "amber") else "",
                "evidence": "Evidence." if rag == "blue" else ""}
    return record_progress(action=action, author=None, rag=rag, narrative=f"{rag} on {day}",
                           based_on_version=action.version, when=at(day), **(defaults | kwargs))


def loaded(**kwargs):
    """An action as the fixtures load it: no history yet (record_progress records the baseline on a move)."""
    action = f.ActionFactory(**kwargs)
    action.history.all().delete()
    return action


@pytest.fixture
def world(db):
    org = f.OrganisationFactory()
    board = f.BoardFactory(organisation=org, name="Improvement Board", slug="improvement-board")
    previous = f.MeetingFactory(board=board, start=at(datetime.date(2024, 6, 19)), papers_deadline=PREVIOUS)
    meeting = f.MeetingFactory(board=board, start=at(datetime.date(2024, 7, 17)), papers_deadline=AS_AT,
                               venue="City Hall")
    upcoming = f.MeetingFactory(board=board, start=at(datetime.date(2024, 8, 28)), papers_deadline=NEXT)
    plan = f.PlanFactory(organisation=org, board=board, title="Improvement Plan", status="approved",
                         start=datetime.date(2024, 1, 1))
    theme = f.ThemeFactory(plan=plan, number="1", title="Front door")
    other_theme = f.ThemeFactory(plan=plan, number="2", title="Children in care")

    lead = f.PersonFactory(organisation=org, name="Lead Officer", email="lead@example.org",
                           user=f.user_in_role("Officer", username="lead", email="lead@example.org"))
    clerk = f.PersonFactory(organisation=org, name="Clare Clerk", email="clerk@example.org",
                            user=f.user_in_role("Board member", username="clerk"))
    member = f.PersonFactory(organisation=org, name="Bob Member", email="member@example.org",
                             user=f.user_in_role("Board member", username="member"))
    former = f.PersonFactory(organisation=org, name="Fay Former", email="former@example.org")
    f.MembershipFactory(board=board, person=clerk, role=Membership.Role.CLERK)
    f.MembershipFactory(board=board, person=member, role=Membership.Role.CHAIR)
    f.MembershipFactory(board=board, person=former, start=datetime.date(2020, 1, 1), end=datetime.date(2023, 1, 1))
    admin = f.user_in_role("Admin", username="admin", is_staff=True)

    moved_to_red = loaded(theme=theme, reference="1.1", lead=lead, due_date=datetime.date(2024, 12, 31),
                                   activity="Recruit permanent social workers")
    rate(moved_to_red, "green", datetime.date(2024, 6, 1))
    rate(moved_to_red, "red", datetime.date(2024, 7, 1), mitigation="Agency staff booked",
         revised_due_date=datetime.date(2025, 3, 31))

    overdue = loaded(theme=theme, reference="1.2", lead=lead, due_date=datetime.date(2024, 6, 30),
                              activity="Clear the assessment backlog")
    rate(overdue, "amber", datetime.date(2024, 5, 1), mitigation="Extra team in place")

    completed = loaded(theme=theme, reference="1.3", lead=lead, due_date=datetime.date(2024, 9, 30),
                                activity="Open the front door hub")
    rate(completed, "amber", datetime.date(2024, 6, 1))
    rate(completed, "blue", datetime.date(2024, 7, 5), evidence="Hub opened 4 July: audit report")

    moved_date = loaded(theme=other_theme, reference="2.1", lead=lead, due_date=datetime.date(2024, 8, 31),
                                 activity="Review every care plan")
    rate(moved_date, "green", datetime.date(2024, 6, 1))
    rate(moved_date, "green", datetime.date(2024, 7, 2), new_due_date=datetime.date(2024, 10, 31),
         due_date_reason="Board agreed to include residential placements")

    on_track = loaded(theme=other_theme, reference="2.2", due_date=datetime.date(2025, 3, 31),
                               activity="Train foster carers")
    rate(on_track, "green", datetime.date(2024, 6, 1))
    later = loaded(theme=other_theme, reference="2.3", added_on=datetime.date(2024, 7, 20),
                            activity="Added after the papers deadline")

    due_soon = f.MilestoneFactory(action=on_track, text="First cohort trained", due_date=datetime.date(2024, 8, 1))
    f.MilestoneFactory(action=on_track, text="Second cohort trained", due_date=datetime.date(2024, 9, 30))
    achieved = f.MilestoneFactory(action=moved_to_red, text="Recruitment campaign launched",
                                  due_date=datetime.date(2024, 6, 15), outcome=Milestone.Outcome.ACHIEVED,
                                  outcome_date=datetime.date(2024, 6, 20), outcome_note="Launched on time")

    measure = f.MeasureFactory(theme=theme, name="Assessments completed in 45 days", target=80, tolerance=5)
    f.MeasureValueFactory(measure=measure, period_end=datetime.date(2024, 5, 31), value=70,
                          entered_at=at(datetime.date(2024, 6, 5)))
    latest_value = f.MeasureValueFactory(measure=measure, period_end=datetime.date(2024, 6, 30), value=74,
                                         entered_at=at(datetime.date(2024, 7, 3)))
    steady = f.MeasureFactory(theme=theme, name="Re-referrals", target=20, polarity="lower")
    f.MeasureValueFactory(measure=steady, period_end=datetime.date(2024, 3, 31), value=22,
                          entered_at=at(datetime.date(2024, 4, 5)))

    f.ImpactAssessmentFactory(theme=theme, assessed_on=datetime.date(2024, 7, 1), created_at=at(datetime.date(2024, 7, 1)),
                              level="not_yet_evident",
                              rationale="Too early to see in audits")
    open_item = LogItem.objects.create(meeting=previous, text="Report back on agency spend", owner=lead,
                                       due_date=datetime.date(2024, 7, 17))
    LogItem.objects.create(meeting=previous, text="Closed item", status=LogItem.Status.DONE)

    return SimpleNamespace(
        org=org, board=board, previous=previous, meeting=meeting, upcoming=upcoming, plan=plan, theme=theme,
        lead=lead, clerk=clerk, member=member, former=former, admin=admin, moved_to_red=moved_to_red,
        overdue=overdue, completed=completed, moved_date=moved_date, on_track=on_track, later=later,
        due_soon=due_soon, achieved=achieved, measure=measure, latest_value=latest_value, open_item=open_item,
    )
