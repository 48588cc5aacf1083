"""The audit trail: who changed what and when (through pages, the admin and services), sign-ins, failed ones
and lockouts, exports, feed calls and pack downloads; read only in the admin, scoped to the organisation's
admins; progress updates, impact assessments and issued packs append-only for all but superusers."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from governance import audit
from governance.models import AuditEvent, BoardPack, Organisation
from plans.models import MeasureValue, Person, Plan, ProgressUpdate
from tests import factories as f
from tests.conftest import FIXTURES

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"  # tests.factories.UserFactory's
OFFICE = "10.0.0.1"


def events_for(obj, kind=None):
    found = AuditEvent.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk))
    return found.filter(kind=kind) if kind else found


def only_event(obj, kind):
    found = list(events_for(obj, kind))
    assert len(found) == 1, f"expected one {kind} event for {obj!r}, found {found}"
    return found[0]


def admin_url(obj, view="change"):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_{view}", args=[obj.pk])


CHANGELIST = "/admin/governance/auditevent/"


def make_pack(meeting, user, version=1):
    return BoardPack.objects.create(meeting=meeting, version=version, issued_by=user, as_at=datetime.date(2024, 1, 1),
                                    figures={}, pdf=b"%PDF-1.4 pack", docx=b"PK pack", pdf_sha256="0" * 64,
                                    docx_sha256="1" * 64)


@pytest.fixture
def superuser(db):
    return f.StaffUserFactory(username="root")


# Changes through pages, services and the admin -------------------------------------------------------------

def test_a_progress_update_posted_on_its_page_records_who_what_and_whose(client, cast):
    client.force_login(cast.lead.user)
    response = client.post(reverse("plans:update", args=[cast.action.pk]),
                           {"version": cast.action.version, "rag": "green", "narrative": "Two educators in post."},
                           REMOTE_ADDR=OFFICE)
    assert response.status_code == 302
    update = ProgressUpdate.objects.get(action=cast.action)
    event = only_event(update, "created")
    assert (event.user, event.username, event.organisation) == (cast.lead.user, "lead", cast.org)
    assert event.ip_address == OFFICE
    assert event.changes["narrative"] == [None, "Two educators in post."]
    assert event.changes["rag"] == [None, "green"]
    assert event.changes["action"] == [None, cast.action.pk]
    assert event.object_repr == str(update)
    assert event.at is not None


def test_a_measure_value_entered_then_corrected_on_its_page_records_before_and_after(client, cast):
    measure = f.MeasureFactory(theme=cast.action.theme, name="Assessments within 45 days", unit="percent",
                               target=Decimal("80"), owner=cast.lead)
    client.force_login(cast.lead.user)
    form = {"period_end_0": "31", "period_end_1": "3", "period_end_2": "2025", "value": "55.5%", "england": "",
            "neighbours": "", "region": "", "note": "Quarter 4"}
    url = reverse("plans:measure_value", args=[measure.pk])
    assert client.post(url, form).status_code == 302
    value = MeasureValue.objects.get(measure=measure)
    created = only_event(value, "created")
    assert (created.user, created.organisation) == (cast.lead.user, cast.org)
    assert created.changes["value"][0] is None and Decimal(created.changes["value"][1]) == Decimal("55.5")

    assert client.post(url, form | {"value": "60%", "note": "Quarter 4, corrected"}).status_code == 302
    changed = only_event(value, "changed")
    assert changed.user == cast.lead.user and changed.organisation == cast.org
    before, after = changed.changes["value"]
    assert (Decimal(before), Decimal(after)) == (Decimal("55.5"), Decimal("60"))
    assert changed.changes["note"] == ["Quarter 4", "Quarter 4, corrected"]
    assert "measure" not in changed.changes, "only the fields that changed are recorded"


def test_a_change_in_the_admin_records_the_admin_and_the_changed_fields_only(client, cast):
    person = cast.other
    client.force_login(cast.admin)
    response = client.post(admin_url(person), {
        "name": "Other Officer-Smith", "initials": "OOS", "job_title": person.job_title,
        "organisation": cast.org.pk, "email": person.email, "user": person.user_id, "note": ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    event = events_for(person, "changed").get(user=cast.admin)  # (the cast's making of it is the system's)
    assert event.organisation == cast.org
    assert set(event.changes) == {"name", "initials"}, "only the fields that changed"
    assert event.changes["name"] == ["Other Officer", "Other Officer-Smith"]
    assert event.changes["initials"][1] == "OOS"


def test_a_save_that_changes_nothing_records_nothing(cast):
    before = AuditEvent.objects.count()
    cast.plan.save()
    assert AuditEvent.objects.count() == before


def test_many_to_many_changes_record_the_ids_before_and_after(cast):
    inspection = f.InspectionFactory(organisation=cast.org)
    cast.plan.inspections.add(inspection)
    event = events_for(cast.plan, "changed").get()
    assert event.changes == {"inspections": [[], [inspection.pk]]} and event.organisation == cast.org
    cast.plan.inspections.clear()
    assert events_for(cast.plan, "changed").first().changes == {"inspections": [[inspection.pk], []]}


def test_a_many_to_many_change_from_the_other_side_is_recorded_on_that_side(cast):
    item = f.AgendaItemFactory(meeting=f.MeetingFactory(board=cast.plan.board))
    cast.plan.agenda_items.add(item)
    event = events_for(cast.plan, "changed").get()
    assert event.changes == {"agenda_items": [[], [item.pk]]} and event.organisation == cast.org
    item.plans.remove(cast.plan)
    assert events_for(item, "changed").get().changes == {"plans": [[cast.plan.pk], []]}


def test_secrets_are_never_written_to_the_trail(cast):
    user = cast.lead.user
    user.set_password("another long passphrase")
    user.save()
    event = events_for(user, "changed").get(changes__has_key="password")
    assert event.changes == {"password": ["(hidden)", "(hidden)"]}
    assert "another" not in str(AuditEvent.objects.values_list("changes", flat=True)[0])


def test_long_values_are_cut_short(cast):
    f.ProgressUpdateFactory(action=cast.action, author=cast.lead.user, narrative="x" * 5000)
    update = ProgressUpdate.objects.get(action=cast.action)
    recorded = only_event(update, "created").changes["narrative"][1]
    assert len(recorded) == audit.MAX_VALUE and recorded.endswith("…")


def test_the_owning_organisation_is_found_for_every_audited_model_with_a_path(cast):
    milestone_on_theme = f.MilestoneFactory(theme=cast.action.theme, action=None)
    milestone_on_action = f.MilestoneFactory(action=cast.action, theme=None)
    for obj in (milestone_on_theme, milestone_on_action, cast.action, cast.plan, cast.lead, cast.org,
                cast.plan.board):
        assert audit.organisation_id_of(obj) == cast.org.pk, obj
    assert audit.organisation_id_of(cast.lead.user) == cast.org.pk


def test_service_writes_without_a_request_record_no_actor(cast):
    update = f.ProgressUpdateFactory(action=cast.action, author=cast.lead.user)
    event = only_event(update, "created")
    assert event.user is None and event.username == "" and event.ip_address is None
    assert event.organisation == cast.org


def test_loading_the_fixtures_writes_no_events(db):
    # Counted against what was there before: a module's shared demo (tests/plans/test_seed_demo.py) may have
    # committed events of its own when it runs first.
    before = AuditEvent.objects.count()
    call_command("loaddata", *FIXTURES, verbosity=0)
    assert Plan.objects.exists() and Plan.objects.filter(inspections__isnull=False).exists()
    assert AuditEvent.objects.count() == before


def test_nothing_is_recorded_inside_bulk(cast):
    with audit.bulk():
        f.ProgressUpdateFactory(action=cast.action, author=cast.lead.user)
    assert not AuditEvent.objects.filter(content_type=ContentType.objects.get_for_model(ProgressUpdate)).exists()


# Deletions, and append-only records ---------------------------------------------------------------------------

@pytest.fixture
def records(cast):
    update = f.ProgressUpdateFactory(action=cast.action, author=cast.lead.user, narrative="Recorded on Monday")
    assessment = f.ImpactAssessmentFactory(theme=cast.action.theme, author=cast.lead.user)
    pack = make_pack(f.MeetingFactory(board=cast.plan.board), cast.lead.user)
    return {"progressupdate": update, "impactassessment": assessment, "boardpack": pack}


@pytest.mark.parametrize("name", ["progressupdate", "impactassessment", "boardpack"])
def test_an_organisation_admin_may_neither_change_nor_delete_append_only_records(client, cast, records, name):
    obj = records[name]
    client.force_login(cast.admin)
    assert client.post(admin_url(obj, "delete"), {"post": "yes"}).status_code == 403
    assert client.post(admin_url(obj), {}).status_code == 403
    assert type(obj).objects.filter(pk=obj.pk).exists()
    assert not events_for(obj, "deleted").exists()


@pytest.mark.parametrize("name", ["progressupdate", "impactassessment", "boardpack"])
def test_a_superusers_deletion_of_an_append_only_record_is_audited(client, cast, records, superuser, name):
    obj = records[name]
    client.force_login(superuser)
    response = client.post(admin_url(obj, "delete"), {"post": "yes"}, REMOTE_ADDR=OFFICE)
    assert response.status_code == 302
    assert not type(obj).objects.filter(pk=obj.pk).exists()
    event = only_event(obj, "deleted")
    assert (event.user, event.organisation, event.ip_address) == (superuser, cast.org, OFFICE)
    assert event.object_repr  # described before it went
    if name == "progressupdate":
        assert event.changes["narrative"] == ["Recorded on Monday", None]


def test_no_view_or_service_changes_or_deletes_append_only_records():
    """Only the admin (superusers) changes or deletes them: no code outside migrations and the admin does."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    pattern = re.compile(r"(ProgressUpdate|ImpactAssessment|BoardPack)\.objects[^\n]*\.(delete|update)\(")
    offenders = []
    for app in ("plans", "governance", "inspections", "ui"):
        for path in (root / app).rglob("*.py"):
            if "migrations" in path.parts or path.name.startswith("demo") or "management" in path.parts:
                continue
            text = path.read_text()
            offenders += [f"{path.relative_to(root)}: {m.group(0)}" for m in pattern.finditer(text)
                          if "superseded_at" not in text[m.start():m.end() + 80]]
    assert offenders == []


def test_a_cascade_records_each_deleted_row_and_keeps_the_database_consistent(cast, superuser):
    other = f.OtherOrganisationFactory(name="Gone Borough Council", slug="gone")
    assert events_for(other, "created").get().organisation == other
    pk = other.pk
    token = audit.bind_request(type("Request", (), {"user": superuser, "META": {"REMOTE_ADDR": OFFICE}})())
    try:
        other.delete()
    finally:
        audit.unbind(token)
    gone = AuditEvent.objects.filter(content_type=ContentType.objects.get_for_model(Organisation), object_id=str(pk))
    event = gone.get(kind="deleted")
    assert event.user == superuser and event.organisation is None and event.object_repr == "Gone Borough Council"
    assert gone.get(kind="created").organisation is None
    connection.check_constraints()  # no event points at the deleted organisation


# Sign-ins -----------------------------------------------------------------------------------------------------

def sign_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=OFFICE)


def test_a_sign_in_and_a_sign_out_are_recorded_and_last_login_is_not_a_change(client, cast):
    user = cast.lead.user
    assert sign_in(client, "lead", PASSWORD).status_code == 302
    event = AuditEvent.objects.get(kind="signed_in")
    assert (event.user, event.username, event.ip_address, event.organisation) == (user, "lead", OFFICE, cast.org)
    assert not events_for(user, "changed").filter(changes__has_key="last_login").exists(), (
        "the last_login stamp is bookkeeping, not a change")
    client.post(reverse("logout"), REMOTE_ADDR=OFFICE)
    assert AuditEvent.objects.get(kind="signed_out").user == user


def test_a_failed_sign_in_records_the_name_as_typed_and_the_address(client, cast):
    sign_in(client, "lead", "not the password")
    sign_in(client, "nobody-at-all", "guess")
    failed = {event.username: event for event in AuditEvent.objects.filter(kind="sign_in_failed")}
    assert set(failed) == {"lead", "nobody-at-all"}
    assert failed["lead"].user is None and failed["lead"].ip_address == OFFICE
    assert failed["lead"].organisation == cast.org, "the login's organisation's admins see attempts on it"
    assert failed["nobody-at-all"].organisation is None
    assert not AuditEvent.objects.filter(kind="signed_in").exists()


def test_a_lockout_is_recorded(client, cast):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = sign_in(client, "lead", "not the password")
    assert response.status_code == 429
    event = AuditEvent.objects.get(kind="locked_out")
    assert (event.username, event.ip_address, event.organisation) == ("lead", OFFICE, cast.org)


# Exports, feed calls and pack downloads ------------------------------------------------------------------------

@pytest.mark.parametrize("route, args", [
    ("plans:register_csv", []), ("plans:register_xlsx", []),
    ("plans:export", ["slug", "csv"]), ("plans:export", ["slug", "json"]),
    ("plans:vital_signs_csv", ["slug"]), ("plans:vital_signs_xlsx", ["slug"]),
])
def test_every_export_is_recorded(client, cast, route, args):
    client.force_login(cast.board.user)
    url = reverse(route, args=[cast.plan.slug if a == "slug" else a for a in args])
    response = client.get(url, REMOTE_ADDR=OFFICE)
    assert response.status_code == 200
    if response.streaming:
        b"".join(response.streaming_content)
    event = AuditEvent.objects.get(kind="exported")
    assert (event.user, event.organisation, event.ip_address) == (cast.board.user, cast.org, OFFICE)
    assert event.detail
    if route != "plans:register_csv" and route != "plans:register_xlsx":
        assert (event.content_type.model, event.object_id) == ("plan", str(cast.plan.pk))


def test_a_refused_export_is_not_recorded(client, cast):
    client.force_login(cast.board.user)
    assert client.get(reverse("plans:register_csv"), {"due_after": "not a date"}).status_code in (200, 400)
    assert client.get(reverse("plans:vital_signs_csv", args=[cast.plan.slug]), {"as_at": "x"}).status_code == 400
    assert not AuditEvent.objects.filter(kind="exported", object_id=str(cast.plan.pk)).exists()


def test_a_feed_call_is_recorded_with_the_token_used(client, cast):
    from governance import tokens

    _, plain = tokens.create_token(user=cast.board.user, name="Excel")
    url = reverse("plans:position_feed", args=[cast.plan.slug])
    assert client.get(url, HTTP_AUTHORIZATION=f"Bearer {plain}", REMOTE_ADDR=OFFICE).status_code == 200
    event = AuditEvent.objects.get(kind="feed_called")
    assert (event.user, event.organisation, event.object_id) == (cast.board.user, cast.org, str(cast.plan.pk))
    assert "Excel" in event.detail
    client.force_login(cast.board.user)
    assert client.get(url, {"format": "csv"}).status_code == 200
    assert AuditEvent.objects.filter(kind="feed_called").count() == 2


@pytest.mark.parametrize("route", ["governance:pack_pdf", "governance:pack_docx"])
def test_a_pack_download_is_recorded(client, cast, route):
    pack = make_pack(f.MeetingFactory(board=cast.plan.board), cast.admin)
    client.force_login(cast.board.user)
    assert client.get(reverse(route, args=[pack.meeting_id, 1]), REMOTE_ADDR=OFFICE).status_code == 200
    event = AuditEvent.objects.get(kind="pack_downloaded")
    assert (event.user, event.organisation, event.object_id) == (cast.board.user, cast.org, str(pack.pk))
    assert "Version 1" in event.detail


# The trail in the admin ---------------------------------------------------------------------------------------

@pytest.fixture
def trail(cast, superuser):
    elsewhere = f.OtherOrganisationFactory(name="Elsewhere Borough Council", slug="elsewhere")
    stranger = f.UserFactory(username="stranger")
    Person.objects.filter(user=stranger).update(organisation=elsewhere)
    AuditEvent.objects.all().delete()
    ours = audit.record("exported", user=cast.lead.user, organisation=cast.org, detail="home-export")
    mine = audit.record("changed", user=cast.other.user, obj=cast.action, changes={"activity": ["a", "b"]})
    old = audit.record("signed_in", user=cast.lead.user, organisation=cast.org, detail="home-old")
    AuditEvent.objects.filter(pk=old.pk).update(at=datetime.datetime(2023, 5, 1, 9, tzinfo=datetime.UTC))
    theirs = audit.record("exported", user=stranger, organisation=elsewhere, detail="elsewhere-export")
    return {"ours": ours, "mine": mine, "old": old, "theirs": theirs, "elsewhere": elsewhere}


def listed(response):
    assert response.status_code == 200
    return set(response.context["cl"].result_list)


def test_an_organisation_admin_reads_only_their_organisations_events_and_filters_them(client, cast, trail):
    client.force_login(cast.admin)
    signed_in = set(AuditEvent.objects.filter(kind="signed_in", user=cast.admin))  # just now, by force_login
    assert listed(client.get(CHANGELIST)) == {trail["ours"], trail["mine"], trail["old"]} | signed_in
    assert listed(client.get(CHANGELIST, {"user__id__exact": cast.other.user.pk})) == {trail["mine"]}
    assert listed(client.get(CHANGELIST, {"kind__exact": "signed_in"})) == {trail["old"]} | signed_in
    assert listed(client.get(CHANGELIST, {"at__year": "2023"})) == {trail["old"]}
    assert listed(client.get(CHANGELIST, {"q": "2.6.1"})) == {trail["mine"]}
    ct = ContentType.objects.get_for_model(cast.action)
    assert listed(client.get(CHANGELIST, {"content_type__id__exact": ct.pk,
                                          "object_id": cast.action.pk})) == {trail["mine"]}
    page = client.get(CHANGELIST).content.decode()
    assert "elsewhere-export" not in page and "stranger" not in page  # nor in the person filter
    assert client.get(admin_url(trail["theirs"])).status_code == 404
    detail = client.get(admin_url(trail["mine"]))
    assert detail.status_code == 200 and "All events for this object" in detail.content.decode()


def test_a_superuser_reads_every_organisations_events(client, superuser, trail):
    client.force_login(superuser)
    assert listed(client.get(CHANGELIST)) >= {trail["ours"], trail["theirs"]}
    assert listed(client.get(CHANGELIST, {"organisation__id__exact": trail["elsewhere"].pk})) == {trail["theirs"]}


def test_officers_and_board_members_read_no_events(client, cast, trail):
    for user in (cast.lead.user, cast.board.user):
        user.is_staff = True
        user.save()
        client.force_login(user)
        assert client.get(CHANGELIST).status_code == 403


@pytest.mark.parametrize("who", ["admin", "superuser"])
def test_nobody_adds_changes_or_deletes_an_event(client, cast, trail, superuser, who):
    client.force_login(superuser if who == "superuser" else cast.admin)
    event = trail["ours"]
    assert client.get("/admin/governance/auditevent/add/").status_code == 403
    assert client.post("/admin/governance/auditevent/add/", {"kind": "signed_in"}).status_code == 403
    assert client.post(admin_url(event), {"detail": "rewritten"}).status_code == 403
    assert client.post(admin_url(event, "delete"), {"post": "yes"}).status_code == 403
    response = client.post(CHANGELIST, {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"})
    assert response.status_code in (200, 302)
    event.refresh_from_db()
    assert event.detail == "home-export"
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_the_admin_role_is_granted_reading_the_trail_only(cast):
    codenames = set(cast.admin.groups.get().permissions.filter(content_type__model="auditevent")
                    .values_list("codename", flat=True))
    assert "view_auditevent" in codenames
