"""Restricted items (not for publication, Schedule 12A to the Local Government Act 1972): a plan, measure,
meeting, agenda item or issued pack marked restricted is seen only by members of the owning board and admins
of the owning organisation, everywhere, and is labelled wherever it is shown.

The cast: an officer of the same council with no seat (the outsider), a board member with a current seat and
an admin of the council (the insiders)."""

import csv
import datetime
import io
import json

import docx
import pypdf
import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from governance.models import BoardPack, Meeting
from governance.packs import issue_pack, render_docx
from governance.reminders import reminders_for
from governance.report import build_report
from plans.models import Plan
from plans.reminders import send_reminders
from tests import factories as f

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
SECRET_PLAN = "Placement sufficiency recovery plan"
SECRET_MEASURE = "Children placed with a named provider"
SECRET_ITEM = "Provider failure: the contract with Acme Care"
OPEN_ITEM = "Quarterly performance report"
PLAN_LABEL = "Restricted — not for publication (Schedule 12A, paragraph 3: financial or business affairs"
MEASURE_LABEL = "Restricted — not for publication (Schedule 12A, paragraph 2: information likely to reveal"


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)


def docx_text(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    return "\n".join([p.text for p in document.paragraphs]
                     + [c.text for t in document.tables for row in t.rows for c in row.cells]
                     + [p.text for p in document.sections[0].header.paragraphs])


def at(day, hour=10):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def world():
    org = f.OrganisationFactory()
    board = f.BoardFactory(organisation=org, name="Corporate Parenting Panel")
    insider = f.PersonFactory(organisation=org, name="Seated Member", email="member@example.org",
                              user=f.user_in_role("Board member", username="member", email="member@example.org"))
    f.MembershipFactory(board=board, person=insider, start=TODAY - 30 * DAY)
    clerk = f.PersonFactory(organisation=org, name="Clare Clerk", user=f.user_in_role("Board member", username="clerk"))
    f.ClerkMembershipFactory(board=board, person=clerk, start=TODAY - 30 * DAY)
    outsider = f.PersonFactory(organisation=org, name="Outside Officer", email="outsider@example.org",
                               user=f.user_in_role("Officer", username="outsider", email="outsider@example.org"))
    admin = f.user_in_role("Admin", username="orgadmin", is_staff=True)

    open_plan = f.PlanFactory(organisation=org, board=board, title="Open improvement plan", slug="open-plan",
                              status="approved")
    secret_plan = f.PlanFactory(organisation=org, board=board, title=SECRET_PLAN, slug="secret-plan", status="approved",
                                restricted=True, exemption_paragraph=3)
    open_theme = f.ThemeFactory(plan=open_plan, number="1", title="Front door")
    secret_theme = f.ThemeFactory(plan=secret_plan, number="1", title="Sufficiency")
    # The outsider leads an action of each plan: a lead is still no insider of a restricted plan.
    open_action = f.DueSoonActionFactory(theme=open_theme, reference="1.1", lead=outsider, activity="Open work")
    secret_action = f.DueSoonActionFactory(theme=secret_theme, reference="9.9", lead=outsider,
                                           activity="Re-tender the placements framework")
    f.DueSoonActionFactory(theme=secret_theme, reference="9.8", lead=insider, activity="Brief the panel")
    open_measure = f.MeasureFactory(theme=open_theme, name="Assessments in 45 days", owner=outsider)
    secret_measure = f.MeasureFactory(theme=open_theme, name=SECRET_MEASURE, owner=outsider, restricted=True,
                                      exemption_paragraph=2)

    meeting = f.MeetingFactory(board=board, start=at(TODAY + 7 * DAY), papers_deadline=TODAY + 2 * DAY)
    f.AgendaItemFactory(meeting=meeting, number="4", title=OPEN_ITEM, order=1).plans.add(open_plan)
    secret_item = f.AgendaItemFactory(meeting=meeting, number="7", title=SECRET_ITEM, order=2, restricted=True,
                                      exemption_paragraph=3, description="Acme Care is insolvent.")
    secret_item.plans.add(secret_plan)
    secret_meeting = f.MeetingFactory(board=board, start=at(TODAY + 14 * DAY), papers_deadline=TODAY + 3 * DAY,
                                      venue="Room 101", restricted=True, exemption_paragraph=1)
    return {
        "org": org, "board": board, "insider": insider.user, "clerk": clerk.user, "outsider": outsider.user,
        "admin": admin, "open_plan": open_plan, "secret_plan": secret_plan, "open_action": open_action,
        "secret_action": secret_action, "open_measure": open_measure, "secret_measure": secret_measure,
        "meeting": meeting, "secret_item": secret_item, "secret_meeting": secret_meeting,
    }


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page(client, name, *args, **params) -> str:
    response = client.get(reverse(name, args=args), params)
    assert response.status_code == 200, (name, response.status_code)
    return response.content.decode()


# URLs of restricted objects: 404 outside, labelled inside --------------------------------------------


@pytest.mark.parametrize("who", ["insider", "admin"])
def test_insiders_open_every_restricted_object_labelled(world, who):
    client = client_for(world[who])
    plan_page = page(client, "plans:plan", "secret-plan")
    assert SECRET_PLAN in plan_page and PLAN_LABEL in plan_page
    assert PLAN_LABEL in page(client, "plans:dashboard", "secret-plan")
    assert PLAN_LABEL in page(client, "plans:vital_signs", "secret-plan")
    assert PLAN_LABEL in page(client, "plans:action", world["secret_action"].pk)
    measure_page = page(client, "plans:measure", world["secret_measure"].pk)
    assert SECRET_MEASURE in measure_page and MEASURE_LABEL in measure_page
    meeting_page = page(client, "governance:meeting", world["secret_meeting"].pk)
    assert "Room 101" in meeting_page
    assert "Restricted — not for publication (Schedule 12A, paragraph 1: information relating to any individual)" \
        in meeting_page
    agenda = page(client, "governance:meeting", world["meeting"].pk)
    assert SECRET_ITEM in agenda and "Acme Care is insolvent." in agenda
    assert "Restricted — not for publication (Schedule 12A, paragraph 3" in agenda


def test_an_outsider_of_the_same_council_gets_404_for_every_restricted_object(world):
    client = client_for(world["outsider"])
    urls = [
        reverse("plans:plan", args=["secret-plan"]), reverse("plans:dashboard", args=["secret-plan"]),
        reverse("plans:vital_signs", args=["secret-plan"]), reverse("plans:export", args=["secret-plan", "csv"]),
        reverse("plans:action", args=[world["secret_action"].pk]),
        reverse("plans:update", args=[world["secret_action"].pk]),
        reverse("plans:measure", args=[world["secret_measure"].pk]),
        reverse("plans:measure_value", args=[world["secret_measure"].pk]),
        reverse("governance:meeting", args=[world["secret_meeting"].pk]),
        reverse("governance:report", args=[world["secret_meeting"].pk]),
        reverse("governance:report_pdf", args=[world["secret_meeting"].pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    feed = client.get(reverse("plans:position_feed", args=["secret-plan"]))
    assert feed.status_code == 404 and SECRET_PLAN not in feed.content.decode()
    # The open ones are there, so the 404s are the rule and not a broken world.
    assert client.get(reverse("plans:plan", args=["open-plan"])).status_code == 200
    assert client.get(reverse("plans:measure", args=[world["open_measure"].pk])).status_code == 200


def test_the_outsider_sees_no_restricted_agenda_item_only_its_number_and_paragraph(world):
    agenda = page(client_for(world["outsider"]), "governance:meeting", world["meeting"].pk)
    assert OPEN_ITEM in agenda
    assert SECRET_ITEM not in agenda and "Acme Care" not in agenda and SECRET_PLAN not in agenda
    assert "Item 7: restricted — not for publication (Schedule 12A, paragraph 3" in agenda


def test_the_board_page_lists_restricted_meetings_and_plans_to_insiders_only(world):
    inside = page(client_for(world["insider"]), "governance:board", world["board"].slug)
    assert SECRET_PLAN in inside and PLAN_LABEL in inside
    assert reverse("governance:meeting", args=[world["secret_meeting"].pk]) in inside
    outside = page(client_for(world["outsider"]), "governance:board", world["board"].slug)
    assert SECRET_PLAN not in outside
    assert reverse("governance:meeting", args=[world["secret_meeting"].pk]) not in outside
    assert reverse("governance:meeting", args=[world["meeting"].pk]) in outside


def test_the_boards_list_gives_an_outsider_no_restricted_meetings_date(world):
    world["secret_meeting"].start = at(TODAY + 2 * DAY)  # now the board's next meeting
    world["secret_meeting"].save()
    soon, later = (TODAY + 2 * DAY).strftime("%-d %B %Y"), (TODAY + 7 * DAY).strftime("%-d %B %Y")
    outside = page(client_for(world["outsider"]), "governance:boards")
    assert later in outside and soon not in outside
    assert soon in page(client_for(world["insider"]), "governance:boards")


def test_an_impact_assessment_names_a_restricted_measure_it_cites_to_insiders_only(world):
    assessment = f.ImpactAssessmentFactory(theme=world["open_measure"].theme)
    assessment.measures.add(world["secret_measure"], world["open_measure"])
    outside = page(client_for(world["outsider"]), "plans:theme", assessment.theme_id)
    assert "Assessments in 45 days" in outside and SECRET_MEASURE not in outside
    inside = page(client_for(world["insider"]), "plans:theme", assessment.theme_id)
    assert SECRET_MEASURE in inside and MEASURE_LABEL in inside


# Lists, dashboard, register, exports, feed ------------------------------------------------------------


def test_the_home_page_lists_the_restricted_plan_labelled_to_insiders_only(world):
    inside = page(client_for(world["admin"]), "home")
    assert SECRET_PLAN in inside and PLAN_LABEL in inside
    outside = page(client_for(world["outsider"]), "home")
    assert "Open improvement plan" in outside and SECRET_PLAN not in outside and "Restricted" not in outside


def test_a_restricted_measure_is_left_out_of_the_outsiders_plan_pages_and_counts(world):
    outside = client_for(world["outsider"])
    vital = page(outside, "plans:vital_signs", "open-plan")
    assert "Assessments in 45 days" in vital and SECRET_MEASURE not in vital
    theme = page(outside, "plans:theme", world["open_measure"].theme_id)
    assert SECRET_MEASURE not in theme
    dashboard = outside.get(reverse("plans:dashboard", args=["open-plan"]))
    assert dashboard.context["position"].plan_measure_count == 1  # the restricted measure is not even counted
    inside = client_for(world["insider"])
    vital = page(inside, "plans:vital_signs", "open-plan")
    assert SECRET_MEASURE in vital and MEASURE_LABEL in vital
    assert inside.get(reverse("plans:dashboard", args=["open-plan"])).context["position"].plan_measure_count == 2
    rows = list(csv.DictReader(io.StringIO(
        inside.get(reverse("plans:vital_signs_csv", args=["open-plan"])).content.decode("utf-8-sig"))))
    by_name = {row["measure"]: row for row in rows}
    assert by_name[SECRET_MEASURE]["publication"].startswith(MEASURE_LABEL)
    assert by_name["Assessments in 45 days"]["publication"] == ""
    rows = list(csv.DictReader(io.StringIO(
        outside.get(reverse("plans:vital_signs_csv", args=["open-plan"])).content.decode("utf-8-sig"))))
    assert [row["measure"] for row in rows] == ["Assessments in 45 days"]


def _register_csv(client):
    response = client.get(reverse("plans:register_csv"))
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def test_the_register_and_its_downloads_label_the_restricted_plans_actions_for_insiders_only(world):
    inside = client_for(world["insider"])
    register = page(inside, "plans:register")
    assert "Re-tender the placements framework" in register and PLAN_LABEL in register
    table = _register_csv(inside)
    assert table[0][0] == "Plan"
    by_ref = {row[table[0].index("Action")]: row for row in table[1:]}
    assert by_ref["9.9"][0].startswith(f"{SECRET_PLAN} [{PLAN_LABEL}")
    assert by_ref["1.1"][0] == "Open improvement plan"
    sheet = load_workbook(io.BytesIO(inside.get(reverse("plans:register_xlsx")).content), read_only=True)["Register"]
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    assert cells[0][0] == "Plan" and any(row[0].startswith(f"{SECRET_PLAN} [{PLAN_LABEL}") for row in cells[1:])

    outside = client_for(world["outsider"])
    register = page(outside, "plans:register")
    assert "Open work" in register and "Re-tender" not in register and SECRET_PLAN not in register
    table = _register_csv(outside)
    assert [row[table[0].index("Action")] for row in table[1:]] == ["1.1"]
    assert "Restricted" not in "".join(cell for row in table for cell in row)
    assert b"Re-tender" not in outside.get(reverse("plans:register_xlsx")).content


def test_the_plan_exports_and_the_feed_say_restricted(world):
    inside = client_for(world["insider"])
    exported = json.loads(inside.get(reverse("plans:export", args=["secret-plan", "json"])).content)
    assert exported["plan"]["restricted"] is True and exported["plan"]["exemption_paragraph"] == 3
    response = inside.get(reverse("plans:export", args=["secret-plan", "xlsx"]))
    assert 'filename="secret-plan-restricted.xlsx"' in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[1] == "Not for publication"
    assert book["Not for publication"]["A1"].value.startswith(PLAN_LABEL)
    feed = json.loads(inside.get(reverse("plans:position_feed", args=["secret-plan"])).content)
    assert feed["restricted"] is True and feed["exemption_paragraph"] == 3
    assert [a["reference"] for a in feed["actions"]] == ["9.8", "9.9"] or {a["reference"] for a in feed["actions"]} == {
        "9.8", "9.9"}
    outside = client_for(world["outsider"])
    feed = json.loads(outside.get(reverse("plans:position_feed", args=["open-plan"])).content)
    assert feed["restricted"] is False and feed["exemption_paragraph"] is None
    assert json.loads(outside.get(reverse("plans:export", args=["open-plan", "json"])).content)["plan"][
        "restricted"] is False


# The highlight report, the PDF and Word packs ---------------------------------------------------------


def test_the_live_report_leaves_restricted_content_out_for_an_outsider_and_labels_it_for_an_insider(world):
    url = reverse("governance:report", args=[world["meeting"].pk])
    outside = client_for(world["outsider"]).get(url).content.decode()
    assert OPEN_ITEM in outside and "Open improvement plan" in outside
    for secret in (SECRET_ITEM, SECRET_PLAN, SECRET_MEASURE, "Re-tender"):
        assert secret not in outside
    assert "Item 7: restricted — not for publication (Schedule 12A, paragraph 3" in outside
    inside = client_for(world["insider"]).get(url).content.decode()
    assert SECRET_ITEM in inside and SECRET_PLAN in inside
    assert 'id="restricted-warning"' in inside and "Exempt information under paragraph 3" in inside
    # The outsider's Word file is built from the same context: nothing restricted in it either.
    words = docx_text(client_for(world["outsider"]).get(
        reverse("governance:report_docx", args=[world["meeting"].pk])).content)
    assert OPEN_ITEM in words and SECRET_ITEM not in words and SECRET_PLAN not in words
    assert "NOT FOR PUBLICATION" not in words


def test_an_open_pack_holds_nothing_restricted_and_a_restricted_pack_is_the_boards(world):
    # PackContentRule, without rendering: the open pack's papers and the restricted pack's.
    open_papers = build_report(world["meeting"])
    assert [p["plan"] for p in open_papers["plans"]] == [world["open_plan"]]
    assert [i.title for i in open_papers["agenda"]] == [OPEN_ITEM]
    assert open_papers["withheld_items"] == [
        "Item 7: restricted — not for publication (Schedule 12A, paragraph 3: financial or business affairs of any "
        "particular person)"]
    assert str(world["secret_action"].pk) not in open_papers["figures"]["actions"]
    board_papers = build_report(world["meeting"], restricted=True)
    assert {p["plan"] for p in board_papers["plans"]} == {world["open_plan"], world["secret_plan"]}
    assert [i.title for i in board_papers["agenda"]] == [OPEN_ITEM, SECRET_ITEM] and not board_papers["withheld_items"]
    # A restricted plan of another board stays out even of a restricted pack.
    elsewhere = f.PlanFactory(organisation=world["org"], board=f.BoardFactory(organisation=world["org"]),
                              restricted=True, exemption_paragraph=1, title="Another board's secret")
    world["secret_item"].plans.add(elsewhere)
    assert elsewhere not in {p["plan"] for p in build_report(world["meeting"], restricted=True)["plans"]}


def test_issuing_an_open_pack_leaves_restricted_items_out_of_the_pdf_and_word_files(world):
    pack = issue_pack(meeting=world["meeting"], user=world["clerk"], restricted=False)
    assert not pack.restricted
    for text in (" ".join(pdf_text(bytes(pack.pdf)).split()), docx_text(bytes(pack.docx))):
        assert OPEN_ITEM in text
        assert SECRET_ITEM not in text and SECRET_PLAN not in text and SECRET_MEASURE not in text
        assert "Item 7: restricted" in text
        assert "NOT FOR PUBLICATION" not in text
    # Every reader of the open pack may read it, the outsider included.
    assert client_for(world["outsider"]).get(
        reverse("governance:pack_pdf", args=[world["meeting"].pk, pack.version])).status_code == 200


def test_a_restricted_meetings_pack_is_restricted_with_the_paragraph_on_its_cover(world):
    meeting = world["secret_meeting"]
    with pytest.raises(ValidationError) as refused:
        issue_pack(meeting=meeting, user=world["clerk"], restricted=False)
    assert "its pack must be too" in str(refused.value)
    assert not BoardPack.objects.exists()
    pack = issue_pack(meeting=meeting, user=world["clerk"])
    assert pack.restricted and pack.exemption_paragraph == 1
    text = " ".join(pdf_text(bytes(pack.pdf)).split())  # the cover line wraps
    assert "NOT FOR PUBLICATION Exempt information under paragraph 1 of Schedule 12A" in text
    assert "(information relating to any individual)" in text
    assert "NOT FOR PUBLICATION" in docx_text(bytes(pack.docx))
    # The pack's email goes to the board's members, with a link only.
    assert sorted(m.to[0] for m in mail.outbox) == ["member@example.org"]
    inside = client_for(world["insider"])
    assert inside.get(reverse("governance:pack_pdf", args=[meeting.pk, 1])).status_code == 200
    assert client_for(world["outsider"]).get(reverse("governance:pack_pdf", args=[meeting.pk, 1])).status_code == 404


def test_a_restricted_pack_of_an_open_meeting_is_404_and_unlisted_for_an_outsider(world):
    # Stored bytes are served as issued, so a row is enough here (the rendering is tested above).
    meeting = world["meeting"]
    pack = BoardPack.objects.create(
        meeting=meeting, version=1, issued_by=world["clerk"], as_at=meeting.position_date,
        figures=build_report(meeting, restricted=True)["figures"], pdf=b"%PDF secret",
        docx=b"docx", pdf_sha256="0" * 64, docx_sha256="0" * 64, restricted=True, exemption_paragraph=4)
    outside = client_for(world["outsider"])
    for name in ("governance:pack_pdf", "governance:pack_docx"):
        assert outside.get(reverse(name, args=[meeting.pk, pack.version])).status_code == 404
    report = outside.get(reverse("governance:report", args=[meeting.pk]))
    assert report.context["packs"] == []
    inside = client_for(world["admin"])
    assert inside.get(reverse("governance:pack_pdf", args=[meeting.pk, 1])).content == b"%PDF secret"
    listed = page(inside, "governance:report", meeting.pk)
    assert "Restricted — not for publication (Schedule 12A, paragraph 4: labour relations" in listed


def test_the_word_file_marks_restricted_agenda_items(world):
    context = build_report(world["meeting"], restricted=True) | {
        "issue": None, "restricted": True, "exemption_paragraph": 3, "restricted_line": "NOT FOR PUBLICATION: x"}
    text = docx_text(render_docx(context))
    assert f"Item 7: {SECRET_ITEM} — Restricted — not for publication (Schedule 12A, paragraph 3" in text


# Reminders ---------------------------------------------------------------------------------------------


def test_reminders_list_restricted_actions_only_to_insiders_labelled(world):
    run = send_reminders(today=TODAY)
    listed = {lead.name: [a.reference for a in actions] for lead, actions in run.emailed}
    assert listed["Outside Officer"] == ["1.1"]  # leads 9.9 too, but is outside the restricted plan
    assert listed["Seated Member"] == ["9.8"]
    to_insider = next(m for m in mail.outbox if m.to == ["member@example.org"]).body
    assert "RESTRICTED — NOT FOR PUBLICATION (SCHEDULE 12A, PARAGRAPH 3" in to_insider
    to_outsider = next(m for m in mail.outbox if m.to == ["outsider@example.org"]).body
    assert "Re-tender" not in to_outsider and SECRET_PLAN not in to_outsider


def test_a_lead_without_a_login_is_sent_restricted_actions_only_with_a_seat(world):
    no_login = f.PersonFactory(organisation=world["org"], name="No Login", email="nologin@example.org")
    world["secret_action"].lead = no_login
    world["secret_action"].save()
    assert not [a for lead, actions in send_reminders(today=TODAY, dry_run=True).emailed
                if lead == no_login for a in actions]
    f.MembershipFactory(board=world["board"], person=no_login, start=TODAY - DAY)
    assert [a.reference for lead, actions in send_reminders(today=TODAY, dry_run=True).emailed
            if lead == no_login for a in actions] == ["9.9"]


def test_meeting_reminders_skip_restricted_measures_and_restricted_meetings_for_outsiders(world):
    reminders = {r.person.name: r for r in reminders_for(world["meeting"], TODAY)}
    assert [m.name for m in reminders["Outside Officer"].measures] == ["Assessments in 45 days"]
    assert [a.reference for a in reminders["Outside Officer"].actions] == ["1.1"]
    # The restricted meeting is not named to the outsider at all; the seated member is reminded.
    names = {r.person.name for r in reminders_for(world["secret_meeting"], TODAY)}
    assert "Outside Officer" not in names and "Seated Member" in names


# Marking in the admin ---------------------------------------------------------------------------------


@pytest.mark.parametrize("model, url_name", [
    ("plan", "admin:plans_plan_change"), ("measure", "admin:plans_measure_change"),
    ("meeting", "admin:governance_meeting_change"), ("item", "admin:governance_agendaitem_change"),
])
def test_the_admin_change_forms_offer_the_restricted_fields(world, model, url_name):
    obj = {"plan": world["open_plan"], "measure": world["open_measure"], "meeting": world["meeting"],
           "item": world["secret_item"]}[model]
    form = page(client_for(f.StaffUserFactory()), url_name, obj.pk)
    assert 'name="restricted"' in form and 'name="exemption_paragraph"' in form


def test_the_admin_refuses_restricted_without_a_paragraph(world):
    client = client_for(f.StaffUserFactory())
    plan = world["open_plan"]
    change = reverse("admin:plans_plan_change", args=[plan.pk])
    form = client.get(change).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and not isinstance(value, list)}
    data.update({"restricted": "on", "exemption_paragraph": "", "slug": plan.slug, "title": plan.title,
                 "organisation": plan.organisation_id, "board": plan.board_id, "status": plan.status,
                 "inspections": [], "themes-TOTAL_FORMS": "0", "themes-INITIAL_FORMS": "0"})
    response = client.post(change, data)
    assert response.status_code == 200
    assert "Say which paragraph of Schedule 12A makes it restricted." in response.content.decode()
    assert not Plan.objects.get(pk=plan.pk).restricted


def test_the_models_refuse_restricted_without_a_paragraph(world):
    meeting = Meeting(board=world["board"], start=at(TODAY + 40 * DAY), restricted=True)
    with pytest.raises(ValidationError) as refused:
        meeting.full_clean()
    assert "exemption_paragraph" in refused.value.message_dict
