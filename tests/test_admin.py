"""Every admin changelist and change page renders with data, within a query budget (no N+1)."""

import datetime

import pytest
from django.contrib import admin
from django.urls import reverse

from governance.models import BoardPack, MeetingReminder
from governance.tokens import create_token
from plans.models import EditConflict
from tests import factories as f


@pytest.fixture
def populated(db):
    """Three of everything, so a per-row query would show as a higher count."""
    objects = {}
    for _ in range(3):
        org = f.OrganisationFactory()
        person = f.PersonFactory(organisation=org, user=f.UserFactory())
        board = f.BoardFactory(organisation=org)
        f.MembershipFactory(board=board, person=person)
        item = f.AgendaItemFactory(meeting=f.MeetingFactory(board=board))
        inspection = f.InspectionFactory(organisation=org)
        f.JudgementFactory(inspection=inspection)
        finding = f.FindingFactory(inspection=inspection)
        rec = f.RecommendationFactory(inspection=inspection, finding=finding)
        theme = f.ThemeFactory(plan=f.PlanFactory(organisation=org, board=board))
        theme.leads.add(person)
        item.themes.add(theme)
        f.ThemeRecommendationFactory(theme=theme, recommendation=rec)
        objective = f.ObjectiveFactory(theme=theme)
        objective.recommendations.add(rec)
        for _ in range(3):
            action = f.ActionFactory(theme=theme, objective=objective, lead=person)
            action.recommendations.add(rec)
            action.supporting_leads.add(person)
            f.MilestoneFactory(action=action, lead=person)
            f.ProgressUpdateFactory(action=action, author=person.user)
            EditConflict.objects.create(action=action, user=person.user, based_on_version=1, found_version=2)
        f.MilestoneFactory(action=None, theme=theme)
        measure = f.MeasureFactory(theme=theme)  # rows for the Measure, MeasureValue and ImpactAssessment admins
        f.MeasureValueFactory(measure=measure)
        f.ImpactAssessmentFactory(theme=theme, author=person.user).measures.add(measure)
        meeting = item.meeting
        f.AttendanceFactory(meeting=meeting, person=person)
        f.LogItemFactory(meeting=meeting, owner=person)
        BoardPack.objects.create(meeting=meeting, version=1, issued_by=person.user, as_at=datetime.date(2024, 1, 1),
                                 figures={}, pdf=b"%PDF", docx=b"PK", pdf_sha256="0" * 64, docx_sha256="0" * 64)
        MeetingReminder.objects.create(meeting=meeting, person=person)
        create_token(user=person.user, name="Power BI")
        f.LockedOutAttemptFactory(username=person.user.username)
    objects["superuser"] = f.StaffUserFactory(username="root")
    return objects


def registered_models():
    return sorted(admin.site._registry, key=lambda m: m._meta.label)


@pytest.mark.parametrize("model", registered_models(), ids=lambda m: m._meta.label)
def test_changelist_renders_within_budget(client, populated, django_assert_max_num_queries, model):
    client.force_login(populated["superuser"])
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    # session, user, count, page of rows, filter choices, and one prefetch per many-to-many column
    with django_assert_max_num_queries(12):
        response = client.get(url)
    assert response.status_code == 200
    assert model.objects.count() > 0


@pytest.mark.parametrize("model", registered_models(), ids=lambda m: m._meta.label)
def test_change_page_renders_within_budget(client, populated, django_assert_max_num_queries, model):
    client.force_login(populated["superuser"])
    obj = model.objects.order_by("pk").last()
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk])
    # the object, its inlines (each one query for the rows, one for the autocomplete values shown),
    # many-to-many values, and the history/permission look-ups of the admin itself
    with django_assert_max_num_queries(30):
        response = client.get(url)
    assert response.status_code == 200


def test_progress_updates_are_read_only_inline_on_the_action(client, populated):
    client.force_login(populated["superuser"])
    action = f.ActionFactory()
    f.ProgressUpdateFactory(action=action, narrative="Audit complete")
    response = client.get(reverse("admin:plans_action_change", args=[action.pk]))
    assert b"Audit complete" in response.content
    assert b'name="progress_updates-0-narrative"' not in response.content
