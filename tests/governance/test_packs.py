"""Issuing a board pack freezes it: stored bytes and hashes served unchanged, re-issue, publication."""

import datetime
import gc
import hashlib
import io
import threading

import docx
import pypdf
import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse

from governance.models import BoardPack
from governance.packs import issue_pack, live_context, render_pdf
from plans.models import ProgressUpdate
from plans.services import record_progress
from tests.governance import report_world
from tests.governance.report_world import AS_AT

world = report_world.world  # the fixture


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)


def test_the_clerk_issues_version_1_with_bytes_hashes_and_figures(client, world):
    client.force_login(world.clerk.user)
    response = client.post(reverse("governance:issue_pack", args=[world.meeting.pk]),
                           {"reason": "", "based_on_version": "0"})
    assert response.status_code == 302
    pack = BoardPack.objects.get(meeting=world.meeting)
    assert pack.version == 1 and pack.superseded_at is None and pack.issued_by == world.clerk.user
    assert pack.as_at == AS_AT and pack.compare_date == datetime.date(2024, 6, 12)
    assert pack.pdf_sha256 == hashlib.sha256(bytes(pack.pdf)).hexdigest()
    assert pack.docx_sha256 == hashlib.sha256(bytes(pack.docx)).hexdigest()
    assert pack.figures["actions"][str(world.moved_to_red.pk)]["rag"] == "red"
    text = pdf_text(bytes(pack.pdf))
    assert "Issued on" in text and "by Clare Clerk (version 1)" in text
    word = docx.Document(io.BytesIO(bytes(pack.docx)))
    assert any(p.text.startswith("Issued on") and "by Clare Clerk" in p.text for p in word.paragraphs)


def test_current_board_members_are_emailed_a_link_not_an_attachment(world):
    pack = issue_pack(meeting=world.meeting, user=world.admin)
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == ["clerk@example.org", "member@example.org"]  # not the member whose seat ended
    message = mail.outbox[0]
    assert message.attachments == []
    assert f"/meetings/{world.meeting.pk}/packs/{pack.version}.pdf" in message.body


@pytest.mark.parametrize("who", ["lead", "member"])
def test_only_the_clerk_or_an_admin_may_issue(client, world, who):
    client.force_login(getattr(world, who).user)
    url = reverse("governance:issue_pack", args=[world.meeting.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"reason": "x"}).status_code == 403
    assert not BoardPack.objects.exists()
    with pytest.raises(PermissionDenied):
        issue_pack(meeting=world.meeting, user=getattr(world, who).user)


def test_an_admin_may_issue(client, world):
    client.force_login(world.admin)
    assert client.get(reverse("governance:issue_pack", args=[world.meeting.pk])).status_code == 200


def test_issuing_again_needs_a_reason_and_keeps_the_old_version(client, world):
    first = issue_pack(meeting=world.meeting, user=world.admin)
    with pytest.raises(ValidationError) as refused:
        issue_pack(meeting=world.meeting, user=world.admin, reason="  ")
    assert "reason" in refused.value.message_dict
    client.force_login(world.clerk.user)
    response = client.post(reverse("governance:issue_pack", args=[world.meeting.pk]),
                           {"reason": "", "based_on_version": "1"})
    assert "Give the reason for issuing a new version of the pack" in response.content.decode()
    second = issue_pack(meeting=world.meeting, user=world.admin, reason="Corrected the measure")
    first.refresh_from_db()
    assert (first.version, second.version) == (1, 2)
    assert first.superseded_at is not None and second.superseded_at is None
    old = client.get(reverse("governance:pack_pdf", args=[world.meeting.pk, 1]))
    assert old.status_code == 200 and hashlib.sha256(old.content).hexdigest() == first.pdf_sha256
    page = client.get(reverse("governance:report", args=[world.meeting.pk])).content.decode()
    assert "Superseded" in page and "Corrected the measure" in page


def test_the_pack_never_changes_after_a_late_update_but_the_live_view_says_what_differs(client, world):
    pack = issue_pack(meeting=world.meeting, user=world.admin)
    client.force_login(world.member.user)
    issued_pdf = client.get(reverse("governance:pack_pdf", args=[world.meeting.pk, 1])).content
    issued_docx = client.get(reverse("governance:pack_docx", args=[world.meeting.pk, 1])).content

    # An officer records, today, an update that applied from before the papers deadline.
    action = world.on_track
    action.refresh_from_db()
    update = record_progress(action=action, author=world.lead.user, rag="amber", narrative="Trainer left in June",
                             mitigation="New trainer starts in August", based_on_version=action.version,
                             applies_from=datetime.date(2024, 7, 8))
    assert update.created_at.date() == datetime.date(2024, 7, 8) and update.recorded_at.date() > AS_AT

    again_pdf = client.get(reverse("governance:pack_pdf", args=[world.meeting.pk, 1])).content
    again_docx = client.get(reverse("governance:pack_docx", args=[world.meeting.pk, 1])).content
    assert again_pdf == issued_pdf and again_docx == issued_docx
    assert hashlib.sha256(again_pdf).hexdigest() == pack.pdf_sha256
    pack.refresh_from_db()
    assert pack.figures["actions"][str(action.pk)]["rag"] == "green"

    page = client.get(reverse("governance:report", args=[world.meeting.pk])).content.decode()
    assert "now differ from the issued pack" in page
    assert "Action 2.2 is now rated Amber (the pack showed Green): an update applying from 8 July 2024 was entered late" in page


def test_the_live_view_reports_a_measure_correction_and_a_removed_action(client, world):
    issue_pack(meeting=world.meeting, user=world.admin)
    world.latest_value.value = 76
    world.latest_value.save()
    world.overdue.delete()
    client.force_login(world.member.user)
    page = client.get(reverse("governance:report", args=[world.meeting.pk])).content.decode()
    assert "the pack showed 74% for the period to 2024-06-30; it now shows 76%" in page
    assert "Action 1.2 (Improvement Plan) has been removed since the pack was issued." in page


def test_with_no_change_the_live_view_says_it_matches(client, world):
    issue_pack(meeting=world.meeting, user=world.admin)
    client.force_login(world.member.user)
    page = client.get(reverse("governance:report", args=[world.meeting.pk])).content.decode()
    assert "are the same as those in the issued pack" in page


def test_one_current_pack_per_meeting_is_enforced_by_the_database(world):
    from django.db import IntegrityError, transaction

    pack = issue_pack(meeting=world.meeting, user=world.admin)
    with pytest.raises(IntegrityError), transaction.atomic():
        BoardPack.objects.create(meeting=world.meeting, version=1, issued_by=world.admin, as_at=AS_AT, figures={},
                                 pdf=b"", docx=b"", pdf_sha256="", docx_sha256="")
    with pytest.raises(IntegrityError), transaction.atomic():
        BoardPack.objects.create(meeting=world.meeting, version=pack.version + 1, issued_by=world.admin, as_at=AS_AT,
                                 figures={}, pdf=b"", docx=b"", pdf_sha256="", docx_sha256="")


def test_restricted_boards_issue_packs_not_for_publication_with_the_paragraph(client, world):
    world.board.packs_restricted = True
    world.board.exemption_paragraph = 3
    world.board.save()
    pack = issue_pack(meeting=world.meeting, user=world.admin)
    assert pack.restricted and pack.exemption_paragraph == 3
    text = pdf_text(bytes(pack.pdf))
    assert "NOT FOR PUBLICATION" in text and "paragraph 3 of Schedule 12A" in text
    assert "Not for publication" in mail.outbox[0].body


def test_the_issue_form_requires_a_paragraph_when_restricted(client, world):
    world.board.packs_restricted = True
    world.board.save()
    client.force_login(world.clerk.user)
    url = reverse("governance:issue_pack", args=[world.meeting.pk])
    assert 'checked' in client.get(url).content.decode()  # restricted by default where the board says so
    response = client.post(url, {"restricted": "on", "exemption_paragraph": "", "based_on_version": "0"})
    assert "Choose the paragraph of Schedule 12A" in response.content.decode()
    assert not BoardPack.objects.exists()
    with pytest.raises(ValidationError):
        issue_pack(meeting=world.meeting, user=world.admin)  # the board names no paragraph
    client.post(url, {"restricted": "on", "exemption_paragraph": "1", "based_on_version": "0"})
    assert BoardPack.objects.get().exemption_paragraph == 1


def test_an_unrestricted_pack_can_be_issued_for_a_restricted_board(world):
    world.board.packs_restricted = True
    world.board.save()
    pack = issue_pack(meeting=world.meeting, user=world.admin, restricted=False)
    assert not pack.restricted and pack.exemption_paragraph is None


def test_the_decisions_summary_is_written_by_the_clerk_and_read_by_everyone(client, world):
    url = reverse("governance:decisions", args=[world.meeting.pk])
    client.force_login(world.clerk.user)
    assert client.post(url, {"decisions_summary": "The board agreed the recruitment plan."}).status_code == 302
    world.meeting.refresh_from_db()
    assert world.meeting.decisions_summary == "The board agreed the recruitment plan."
    client.force_login(world.member.user)
    page = client.get(url).content.decode()
    assert "The board agreed the recruitment plan." in page and "<textarea" not in page
    assert client.post(url, {"decisions_summary": "Changed"}).status_code == 403
    world.meeting.refresh_from_db()
    assert world.meeting.decisions_summary == "The board agreed the recruitment plan."


def test_applies_from_refuses_the_future_and_before_the_action_joined(world):
    action = world.on_track
    action.refresh_from_db()
    for day, message in [(datetime.date(2999, 1, 1), "today or in the past"),
                         (datetime.date(2017, 12, 31), "joined its plan on 1 January 2018")]:
        with pytest.raises(ValidationError) as refused:
            record_progress(action=action, author=None, rag="green", narrative="x", based_on_version=action.version,
                            applies_from=day)
        assert message in str(refused.value.message_dict["applies_from"])
    assert not ProgressUpdate.objects.filter(action=action, narrative="x").exists()


def test_the_action_page_shows_both_dates_of_a_late_update(client, world):
    action = world.moved_date
    action.refresh_from_db()
    client.force_login(world.lead.user)
    # The progress form's "applies from" date boxes.
    response = client.post(reverse("plans:update", args=[action.pk]), {
        "version": action.version, "rag": "green", "narrative": "Back on track",
        "applies_from_0": "8", "applies_from_1": "7", "applies_from_2": "2024"})
    assert response.status_code == 302
    page = client.get(reverse("plans:action", args=[action.pk])).content.decode()
    assert "(applies from 8 July 2024; entered late, on" in page


def test_a_form_opened_before_another_issue_issues_nothing(client, world):
    issue_pack(meeting=world.meeting, user=world.admin, based_on_version=0)
    with pytest.raises(ValidationError, match="Version 1 of this pack was issued while you had the form open"):
        issue_pack(meeting=world.meeting, user=world.admin, reason="Again", based_on_version=0)
    client.force_login(world.clerk.user)
    response = client.post(reverse("governance:issue_pack", args=[world.meeting.pk]),
                           {"reason": "Double click", "based_on_version": "0"})
    assert "was issued while you had the form open" in response.content.decode()
    assert BoardPack.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_issues_at_the_same_moment_make_one_new_version(world):
    """Two threads, two connections, both from a form showing no pack: one issues version 1, the other is
    refused (it would be version 2, which needs a reason; and its form is stale)."""
    both_ready = threading.Barrier(2)
    outcomes = []

    def issue():
        try:
            both_ready.wait()
            outcomes.append(issue_pack(meeting=world.meeting, user=world.admin, reason="Same moment",
                                       based_on_version=0).version)
        except ValidationError as error:
            outcomes.append(error.messages[0])
        except Exception as error:  # noqa: BLE001 - the assertions below show it
            outcomes.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=issue) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes, key=str)[0] == 1, outcomes
    assert "issued" in sorted(outcomes, key=str)[1], outcomes
    assert list(BoardPack.objects.values_list("version", flat=True)) == [1]


def test_making_a_pdf_leaves_no_cyclic_garbage_for_the_next_page_to_collect(world):
    """WeasyPrint's layout is cyclic: render_pdf collects it, so a later page's request is not the one to pay."""
    context = live_context(world.meeting, world.admin)
    gc.collect()
    assert render_pdf(context).startswith(b"%PDF")
    assert gc.collect() < 100
