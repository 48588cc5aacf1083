"""seed_demo: demo users, meetings and labelled demo progress over the real fixtures, a coherent world kept to
each plan's live window; idempotent; cleaned up exactly; debug only."""

import datetime
import io
import os
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import F, Max
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from governance import audit
from governance import demo as governance_demo
from governance.models import AuditEvent, Meeting, Membership, Organisation
from plans import demo, demo_council, demo_impact, demo_measures
from plans.management.commands.seed_demo import DEMO_USERS
from plans.models import Action, Person, Plan, ProgressUpdate
from plans.querysets import end_of_day
from plans.reminders import actions_needing_attention
from tests.conftest import FIXTURES

pytestmark = pytest.mark.django_db

LIVE = "improvement-plan-2022-24"
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # seed_demo sets six passwords a run


def snapshot():
    return (
        sorted(get_user_model().objects.values_list("pk", "username")),
        sorted(ProgressUpdate.objects.values_list("action_id", "created_at", "recorded_at", "rag", "narrative",
                                                  "mitigation", "revised_due_date")),
        sorted(Action.objects.values_list("pk", "lead_id", "due_date", "version")),
        sorted(Action.history.values_list("id", "history_date", "history_change_reason", "lead_id", "due_date")),
        sorted(Meeting.objects.values_list("pk", "start", "papers_deadline", "is_demo", "note")),
        sorted(Membership.objects.values_list("pk", "person_id", "role", "note")),
    )


@pytest.fixture(scope="module")
def demo_world(real_data, django_db_blocker):
    """seed_demo run once for the module (it takes seconds); each test's own changes are rolled back."""
    out = io.StringIO()
    with django_db_blocker.unblock():
        events_before = AuditEvent.objects.aggregate(last=Max("pk"))["last"] or 0
    with django_db_blocker.unblock(), override_settings(DEBUG=True, PASSWORD_HASHERS=FAST_HASHER), \
            mock.patch.dict(os.environ, {"DEMO_PASSWORD": "a demo password 123"}):
        call_command("seed_demo", stdout=out)
    yield out.getvalue()
    with django_db_blocker.unblock(), audit.bulk():  # the clear-up's deletions are not events either
        # The demo's own audit trail goes with it, so a later module's "no events were written" holds.
        AuditEvent.objects.filter(pk__gt=events_before).delete()
        demo.clear_demo()
        demo_impact.clear()  # its assessments protect their author, the demo admin
        demo_measures.clear()
        governance_demo.clear()
        demo_council.clear()
        Membership.objects.filter(role=Membership.Role.CLERK, note__startswith="Demo data:").delete()
        Person.objects.filter(user__username__in=["clerk", "admin"]).delete()
        get_user_model().objects.filter(username__in=DEMO_USERS).delete()


@pytest.fixture
def seeded(demo_world, settings, monkeypatch):
    settings.DEBUG = True
    settings.PASSWORD_HASHERS = FAST_HASHER
    monkeypatch.setenv("DEMO_PASSWORD", "a demo password 123")
    return demo_world


def user(name):
    return get_user_model().objects.get(username=name)


def test_demo_users_and_a_summary_line_per_part(seeded):
    assert "password a demo password 123" in seeded
    for start in ("admin is ", "officer is ", "board is ", "clerk is ", "Demo meetings: ", "Demo assignment: ",
                  "Demo progress: ", "Demo measure values: ", "Demo impact: ", "Demo council: "):
        assert any(line.startswith(start) for line in seeded.splitlines()), start
    officer, board, admin, clerk = (user(n) for n in ("officer", "board", "admin", "clerk"))
    assert not admin.is_superuser and admin.check_password("a demo password 123")
    assert officer.person.name != officer.person.initials  # a named person, not "JH"
    assert officer.groups.filter(name="Officer").exists()
    assert board.groups.filter(name="Board member").exists() and clerk.groups.filter(name="Board member").exists()


def test_the_board_users_seat_is_current_today_and_the_clerk_is_a_labelled_demo_membership(seeded):
    today = timezone.localdate()
    seat = Membership.objects.get(person=user("board").person, board__slug="improvement-board")
    assert seat.role == Membership.Role.MEMBER
    assert (seat.start is None or seat.start <= today) and (seat.end is None or seat.end >= today)
    assert "seat current today" in seeded
    clerk = Membership.objects.get(person=user("clerk").person, board__slug="improvement-board")
    assert clerk.role == Membership.Role.CLERK and clerk.note.startswith("Demo data:")


def test_a_board_user_whose_seat_has_ended_moves_to_a_current_member(seeded):
    ended = Membership.objects.get(person=user("board").person, board__slug="improvement-board")
    ended.start, ended.end = datetime.date(2019, 1, 1), datetime.date(2020, 3, 31)
    ended.save()
    call_command("seed_demo")
    person = user("board").person
    assert person != ended.person
    assert Membership.objects.filter(person=person, board__slug="improvement-board", end__isnull=True).exists()


def test_every_plans_demo_progress_lies_within_its_live_window(seeded):
    now = timezone.now()
    for plan in Plan.objects.select_related("superseded_by"):
        updates = ProgressUpdate.objects.filter(action__theme__plan=plan)
        assert updates.exists(), plan.slug
        first = timezone.make_aware(datetime.datetime.combine(plan.window_start, datetime.time.min))
        assert not updates.filter(created_at__lt=first).exists(), plan.slug
        last = end_of_day(plan.window_end) if plan.window_end else now
        assert not updates.filter(created_at__gt=last).exists(), plan.slug
        assert not updates.filter(created_at__date__lt=F("action__added_on")).exists(), plan.slug
    assert not ProgressUpdate.objects.filter(is_demo=False).exists()
    assert not ProgressUpdate.objects.exclude(narrative__startswith="Demo data:").exists()


def test_the_2022_24_plan_is_still_live_past_its_printed_end_with_progress_up_to_today(seeded, client):
    plan = Plan.objects.get(slug=LIVE)
    today = timezone.localdate()
    assert plan.is_live and plan.end < today and plan.window_end is None
    latest = ProgressUpdate.objects.filter(action__theme__plan=plan).latest()
    assert today - timezone.localdate(latest.created_at) < datetime.timedelta(days=31)
    client.force_login(user("board"))
    assert "still the approved plan" in client.get(plan.get_absolute_url()).content.decode()
    superseded = Plan.objects.get(slug="improvement-plan-2019-draft")
    assert "still the approved plan" not in client.get(superseded.get_absolute_url()).content.decode()


def test_the_officers_stories_are_on_live_actions_assigned_as_labelled_demo(seeded):
    person = user("officer").person
    live = Action.objects.filter(lead=person, theme__plan__slug=LIVE)
    assert live.count() == len(demo.OFFICER_STORIES)
    for action in live:  # the plan prints no leads: each assignment is in the history with the demo reason
        change = action.history.order_by("-history_date").first()
        assert change.history_change_reason == demo.ASSIGNMENT_REASON and change.lead_id == person.pk
    today = timezone.localdate()
    dues = sorted(live.values_list("due_date", flat=True))
    assert sum(d < today for d in dues) >= 2
    assert sum(today <= d <= today + datetime.timedelta(days=14) for d in dues) == 1
    mine = list(live.with_attention())
    assert any(a.is_overdue for a in mine)
    assert any(a.is_due_soon for a in mine)
    assert any(a.needs_update and a.last_updated and not a.is_overdue for a in mine)  # stale
    assert any(a.attention == 3 and a.current_rag == "green" for a in mine)  # up to date, since the board met
    # Their actions in superseded plans are history: never flagged, and not chased by reminders.
    past = Action.objects.filter(lead=person, theme__plan__status="superseded").with_attention()
    assert past.exists() and not past.filter(attention__lt=3).exists()
    chased = actions_needing_attention(today=today)
    assert chased.filter(lead=person).exists()
    assert not chased.filter(theme__plan__status__in=["superseded", "closed"]).exists()


def test_the_action_page_labels_a_demo_assigned_lead(seeded, client):
    client.force_login(user("board"))
    assigned = Action.objects.filter(lead=user("officer").person, theme__plan__slug=LIVE).first()
    page = client.get(assigned.get_absolute_url()).content.decode()
    lead_row = page[page.index("Accountable lead"):][:800]
    assert "Demo data" in lead_row and "a demo assignment" in lead_row
    printed = Action.objects.filter(theme__plan__slug="improvement-plan-2019-draft").exclude(lead=None).first()
    assert "a demo assignment" not in client.get(printed.get_absolute_url()).content.decode()


def test_superseded_plans_actions_leave_my_actions_unless_asked_for(seeded, client):
    client.force_login(user("officer"))
    past = Action.objects.filter(lead=user("officer").person, theme__plan__status="superseded").first()
    url = reverse("plans:my_actions")
    shown = {a.pk for a in client.get(url).context["filter"].qs}
    assert past.pk not in shown and shown
    assert not Action.objects.filter(pk__in=shown, theme__plan__status="superseded").exists()
    assert past.pk in {a.pk for a in client.get(url, {"past": "show"}).context["filter"].qs}
    picked = client.get(url, {"plan": past.theme.plan_id}).context["filter"].qs  # picking the old plan shows it
    assert past.pk in {a.pk for a in picked}


def test_idempotent_over_a_rerun_and_over_reloaded_fixtures(seeded):
    first = snapshot()
    call_command("seed_demo")
    assert snapshot() == first
    # make run again: the fixtures reloaded over the demo, then seed_demo again.
    call_command("loaddata", *FIXTURES, verbosity=0)
    call_command("seed_demo")
    assert snapshot() == first


def test_clean_up_restores_leads_and_due_dates_as_loaded(seeded):
    assert Action.objects.filter(theme__plan__slug=LIVE, lead__isnull=False).exists()
    demo.clear_demo()
    assert not ProgressUpdate.objects.exists()
    live = Action.objects.filter(theme__plan__slug=LIVE)
    assert not live.filter(lead__isnull=False).exists() and not live.filter(due_date__isnull=False).exists()
    # The demo's records and the "as loaded" baselines it needed are gone; the demo council's plan keeps the
    # history its import wrote (plans.demo_council.clear() removes that council).
    assert not Action.history.exclude(theme__plan__organisation__slug=demo_council.SLUG).exists()


def test_refused_when_debug_is_off(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="runs only with DJANGO_DEBUG=1"):
        call_command("seed_demo")


def test_a_generated_password_is_printed_when_none_is_given(db, settings, monkeypatch, capsys):
    settings.DEBUG = True
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    call_command("seed_demo")
    password = capsys.readouterr().out.split("password ", 1)[1].split()[0]
    assert get_user_model().objects.get(username="officer").check_password(password)


# The second, fictional demo council: isolation to be seen in the running product ---------------------------

NORTHMOOR = demo_council.SLUG


def northmoor_plan():
    return Plan.objects.get(organisation__slug=NORTHMOOR)


def home_plans(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return set(response.context["table"].data.data.values_list("slug", flat=True))


def test_admin_is_bradfords_organisation_admin_and_no_superuser_is_made(seeded):
    admin = user("admin")
    assert admin.is_staff and not admin.is_superuser
    assert admin.groups.filter(name="Admin").exists()
    assert admin.person.organisation.slug == "bradford-council" and admin.person.note.startswith("Demo data:")
    assert not get_user_model().objects.filter(is_superuser=True).exists()
    assert "admin is Demo Admin, an organisation admin of City of Bradford" in seeded
    assert set(Plan.objects.administered_by(admin).values_list("organisation__slug", flat=True)) == {"bradford-council"}


def test_the_second_council_is_fictional_and_labelled_demo_wherever_shown(seeded):
    council = northmoor_plan().organisation
    assert council.is_demo and council.name == "Northmoor Borough Council" and "fictional" in council.note
    plan = northmoor_plan()
    assert "(demo)" in plan.title and plan.note.startswith("Demo data:")
    assert plan.board.name.endswith("(demo)") and plan.board.organisation == council
    leads = Person.objects.filter(actions_led__theme__plan=plan).distinct()
    assert set(leads.values_list("name", flat=True)) == set(demo_council.LEADS)
    assert all(p.organisation == council and p.job_title.endswith("(demo)") and p.note.startswith("Demo data:")
               for p in leads)
    meetings = Meeting.objects.filter(board__organisation=council)
    assert meetings.count() == 1 and meetings.get().is_demo and meetings.get().note.startswith("Demo data:")
    line = next(line for line in seeded.splitlines() if line.startswith("Demo council: "))
    assert "Northmoor Borough Council (demo)" in line and "3 themes, 10 actions" in line


def test_its_plan_is_imported_from_the_spreadsheet_approved_and_live_with_demo_progress(seeded):
    from plans.imports import COLUMNS, read_spreadsheet

    rows = read_spreadsheet(io.BytesIO(demo_council.spreadsheet()), "plan.xlsx")
    assert tuple(rows[0][1]) == COLUMNS and len(rows) == 10  # the import layout, one row per action
    plan = northmoor_plan()
    assert plan.is_live and plan.themes.count() == 3 and Action.objects.for_plan(plan).count() == 10
    assert "Approved on 1 April 2026 at 09:00 by Demo Northmoor Admin." in plan.note  # by approve_plan, as its admin
    assert Action.history.filter(theme__plan=plan, history_type="+", history_user=user("demo2-admin")).count() == 10
    today = timezone.localdate()
    assert plan.start <= today <= plan.end  # a live plan, within its period today
    updates = ProgressUpdate.objects.filter(action__theme__plan=plan)
    assert updates.count() >= 10 and not updates.filter(is_demo=False).exists()
    assert not updates.exclude(author=user("demo2-admin")).exists()  # never a Bradford login's name on it
    first = timezone.make_aware(datetime.datetime.combine(plan.start, datetime.time.min))
    assert not updates.filter(created_at__lt=first).exists() and not updates.filter(created_at__gt=timezone.now()).exists()
    assert not updates.filter(created_at__date__lt=F("action__added_on")).exists()
    for action in Action.objects.for_plan(plan):  # the conflict check's invariant holds for it too
        assert action.version == action.progress_updates.count() + 1


def test_its_demo_users_are_its_admin_and_a_member_of_its_board(seeded):
    admin, member = user("demo2-admin"), user("demo2-board")
    assert admin.check_password("a demo password 123") and member.check_password("a demo password 123")
    assert admin.is_staff and not admin.is_superuser and admin.groups.filter(name="Admin").exists()
    assert not member.is_staff and member.groups.filter(name="Board member").exists()
    assert admin.person.organisation.slug == member.person.organisation.slug == NORTHMOOR
    seat = Membership.objects.get(person=member.person)
    assert seat.board == northmoor_plan().board and seat.role == Membership.Role.MEMBER
    assert Membership.objects.filter(pk=seat.pk).current(timezone.localdate()).exists()
    assert set(Plan.objects.administered_by(admin).values_list("pk", flat=True)) == {northmoor_plan().pk}


def test_demo2_admins_django_admin_lists_only_the_demo_councils_plans_and_people(seeded, client):
    client.force_login(user("demo2-admin"))
    plans = client.get(reverse("admin:plans_plan_changelist"))
    assert plans.status_code == 200
    assert {p.pk for p in plans.context["cl"].result_list} == {northmoor_plan().pk}
    people = {p.organisation.slug for p in client.get(reverse("admin:plans_person_changelist")).context["cl"].result_list}
    assert people == {NORTHMOOR}


def test_demo2_board_sees_only_the_demo_council_and_404s_on_bradfords_urls(seeded, client):
    client.force_login(user("demo2-board"))
    plan = northmoor_plan()
    assert home_plans(client) == {plan.slug}
    assert "Northmoor Borough Council (demo)" in client.get(reverse("home")).content.decode()  # the header says so
    assert client.get(plan.get_absolute_url()).status_code == 200
    assert client.get(reverse("governance:board", args=[plan.board.slug])).status_code == 200
    assert client.get(Meeting.objects.get(board=plan.board).get_absolute_url()).status_code == 200
    bradford_meeting = Meeting.objects.filter(board__slug="improvement-board").first()
    for url in (Plan.objects.get(slug=LIVE).get_absolute_url(), reverse("governance:board", args=["improvement-board"]),
                bradford_meeting.get_absolute_url(),
                Action.objects.filter(theme__plan__slug=LIVE).first().get_absolute_url()):
        assert client.get(url).status_code == 404, url


def test_board_sees_bradfords_plans_and_404s_on_the_demo_councils_urls(seeded, client):
    client.force_login(user("board"))
    plan = northmoor_plan()
    shown = home_plans(client)
    assert LIVE in shown and plan.slug not in shown
    assert client.get(Plan.objects.get(slug=LIVE).get_absolute_url()).status_code == 200
    for url in (plan.get_absolute_url(), reverse("governance:board", args=[plan.board.slug]),
                Meeting.objects.get(board=plan.board).get_absolute_url(),
                Action.objects.for_plan(plan).first().get_absolute_url()):
        assert client.get(url).status_code == 404, url


def northmoor_snapshot():
    council = Organisation.objects.get(slug=NORTHMOOR)
    plans = Plan.objects.filter(organisation=council)
    return (
        sorted(Organisation.objects.values_list("pk", "slug", "name", "is_demo")),
        sorted(plans.values_list("pk", "slug", "title", "status", "start", "end", "board_id")),
        sorted(Action.objects.filter(theme__plan__in=plans).values_list(
            "pk", "theme_id", "reference", "activity", "lead_id", "due_date", "added_on", "version")),
        sorted(Person.objects.filter(organisation=council).values_list("pk", "name", "job_title", "user_id")),
        sorted(Membership.objects.filter(board__organisation=council).values_list("pk", "person_id", "role", "start")),
        sorted(Meeting.objects.filter(board__organisation=council).values_list("pk", "start", "papers_deadline")),
        sorted(ProgressUpdate.objects.filter(action__theme__plan__in=plans).values_list(
            "action_id", "author_id", "created_at", "rag", "narrative", "is_demo")),
        sorted(Action.history.filter(theme__plan__in=plans).values_list("history_id", "history_date")),
    )


def test_a_rerun_leaves_the_second_council_as_it_was_and_demotes_an_older_superuser_admin(seeded):
    first = northmoor_snapshot()
    get_user_model().objects.filter(username="admin").update(is_superuser=True)  # as an older seed_demo left it
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert northmoor_snapshot() == first
    assert "actions 0 created, 0 updated, 10 unchanged" in out.getvalue()
    assert not user("admin").is_superuser and user("admin").groups.filter(name="Admin").exists()
    assert not get_user_model().objects.filter(is_superuser=True).exists()
