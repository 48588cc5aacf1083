"""Reminder emails: one per lead, listing what is overdue, due soon or needs an update."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from plans.rag import RAG
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_each_lead_gets_one_email_listing_their_actions(cast, capsys):
    f.OverdueActionFactory(theme=cast.action.theme, lead=cast.lead, reference="1.1.1")
    done = f.OverdueActionFactory(theme=cast.action.theme, lead=cast.lead, reference="1.1.2")
    f.ProgressUpdateFactory(action=done, rag=RAG.BLUE)
    f.OverdueActionFactory(theme=cast.action.theme, lead=cast.other, reference="3.1.1")
    call_command("send_update_reminders")
    assert sorted(m.to[0] for m in mail.outbox) == ["lead@example.org", "other@example.org"]
    lead_mail = next(m for m in mail.outbox if m.to == ["lead@example.org"])
    assert "1.1.1" in lead_mail.body and "2.6.1" in lead_mail.body and "1.1.2" not in lead_mail.body
    assert "OVERDUE" in lead_mail.body and "DUE SOON" in lead_mail.body
    assert f"/actions/{cast.action.pk}/update/" in lead_mail.body
    out = capsys.readouterr().out
    assert "Emailed 2 people, listing 3 actions" in out


def test_dry_run_sends_nothing(cast, capsys):
    call_command("send_update_reminders", "--dry-run")
    assert mail.outbox == []
    assert "Would email Jenny Cryer: 2.6.1" in capsys.readouterr().out


def test_people_without_an_address_are_reported(cast, capsys):
    cast.lead.user.email = ""
    cast.lead.user.save()
    call_command("send_update_reminders")
    assert mail.outbox == []
    assert "Not emailed (no address): Jenny Cryer" in capsys.readouterr().out


def test_for_a_meeting_due_soon_runs_to_its_papers_deadline(cast, capsys):
    today = timezone.localdate()
    later = f.ActionFactory(theme=cast.action.theme, lead=cast.lead, reference="4.4.4",
                            due_date=today + datetime.timedelta(days=25))
    f.ProgressUpdateFactory(action=later, rag=RAG.GREEN)
    meeting = f.MeetingFactory(board=cast.plan.board, start=timezone.now() + datetime.timedelta(days=35),
                               papers_deadline=today + datetime.timedelta(days=30))
    other_board_action = f.OverdueActionFactory(lead=cast.lead, reference="8.8.8")
    call_command("send_update_reminders", "--meeting", str(meeting.pk))
    body = mail.outbox[0].body
    assert "4.4.4" in body and other_board_action.reference not in body
    assert "papers are due by" in body


def test_an_unknown_meeting_is_a_clear_error(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No meeting with id 999"):
        call_command("send_update_reminders", "--meeting", "999")
