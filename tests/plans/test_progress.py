"""Recording progress: the form, the honest-rating rules, permissions and lost-update protection."""

import datetime
import threading
import time

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from plans.models import Action, EditConflict, ProgressUpdate
from plans.rag import RAG
from plans.services import Conflict, record_progress
from tests import factories as f

pytestmark = pytest.mark.django_db


def post_update(client, action, **fields):
    data = {"version": action.version, "rag": "green", "narrative": "Two practice educators are in post."} | fields
    return client.post(reverse("plans:update", args=[action.pk]), data)


def test_the_lead_records_an_update_and_it_becomes_the_current_rating(client, cast):
    client.force_login(cast.lead.user)
    response = post_update(client, cast.action, rag="green")
    assert response.status_code == 302 and response["Location"] == cast.action.get_absolute_url()
    update = ProgressUpdate.objects.get(action=cast.action)
    assert (update.rag, update.author, update.narrative) == ("green", cast.lead.user, "Two practice educators are in post.")
    assert Action.objects.with_current_rag().get(pk=cast.action.pk).current_rag == RAG.GREEN
    page = client.get(cast.action.get_absolute_url()).content.decode()
    assert "Two practice educators are in post." in page and "Jenny Cryer" in page


def test_the_form_shows_each_ratings_meaning_as_a_hint(client, cast):
    client.force_login(cast.lead.user)
    page = client.get(reverse("plans:update", args=[cast.action.pk])).content.decode()
    assert "Off track: the due date has been or will be missed" in page
    assert "Complete, with evidence of the outcome." in page


@pytest.mark.parametrize("who", ["other", "board"])
def test_everyone_else_gets_403_before_the_form_is_read(client, cast, who):
    client.force_login(getattr(cast, who).user)
    assert client.get(reverse("plans:update", args=[cast.action.pk])).status_code == 403
    assert post_update(client, cast.action).status_code == 403
    assert post_update(client, cast.action, rag="not-a-rating", narrative="").status_code == 403
    assert not ProgressUpdate.objects.exists()


def test_the_update_button_shows_only_to_those_who_may_update(client, cast):
    client.force_login(cast.board.user)
    assert "Update progress" not in client.get(cast.action.get_absolute_url()).content.decode()
    client.force_login(cast.lead.user)
    assert "Update progress" in client.get(cast.action.get_absolute_url()).content.decode()


def test_supporting_leads_theme_leads_and_admins_may_update(client, cast):
    cast.action.supporting_leads.add(cast.other)
    client.force_login(cast.other.user)
    assert post_update(client, cast.action).status_code == 302
    supporter_only = f.ActionFactory(theme=cast.action.theme)
    cast.action.theme.leads.add(cast.board)  # a board member leading a theme still has no write access
    client.force_login(cast.board.user)
    assert post_update(client, supporter_only).status_code == 403
    client.force_login(cast.admin)
    assert post_update(client, supporter_only).status_code == 302


def test_a_theme_lead_officer_may_update_the_themes_actions(client, cast):
    cast.action.theme.leads.add(cast.other)
    client.force_login(cast.other.user)
    assert post_update(client, cast.action).status_code == 302


def test_green_is_refused_on_an_overdue_incomplete_action_with_the_reason(client, cast):
    overdue = f.OverdueActionFactory(theme=cast.action.theme, lead=cast.lead)
    client.force_login(cast.lead.user)
    response = post_update(client, overdue, rag="green")
    assert response.status_code == 200
    assert "is not complete, so it cannot be Green" in response.content.decode()
    assert not ProgressUpdate.objects.filter(action=overdue).exists()


def test_red_and_amber_need_mitigation_and_blue_needs_evidence(client, cast):
    client.force_login(cast.lead.user)
    assert "Say what is being done about it" in post_update(client, cast.action, rag="red").content.decode()
    assert "Say what is being done about it" in post_update(client, cast.action, rag="amber").content.decode()
    assert "Give the evidence that the outcome was achieved" in post_update(client, cast.action, rag="blue").content.decode()
    assert not ProgressUpdate.objects.exists()


def test_a_narrative_is_required_and_the_error_summary_links_to_it(client, cast):
    client.force_login(cast.lead.user)
    page = post_update(client, cast.action, narrative="").content.decode()
    assert "There is a problem" in page
    assert 'href="#id_narrative"' in page and "Describe the progress made" in page


def test_red_with_a_revised_date_is_stored_and_shown_as_slippage(client, cast):
    overdue = f.OverdueActionFactory(theme=cast.action.theme, lead=cast.lead)
    client.force_login(cast.lead.user)
    revised = overdue.due_date + datetime.timedelta(days=90)
    response = post_update(client, overdue, rag="red", mitigation="Agency staff engaged.",
                           revised_due_date_0=revised.day, revised_due_date_1=revised.month,
                           revised_due_date_2=revised.year)
    assert response.status_code == 302
    assert ProgressUpdate.objects.get(action=overdue).revised_due_date == revised
    page = client.get(overdue.get_absolute_url()).content.decode()
    assert "Slippage:" in page and f"{revised:%B %Y}" in page


def test_a_date_that_does_not_exist_is_an_error(client, cast):
    client.force_login(cast.lead.user)
    page = post_update(client, cast.action, rag="amber", mitigation="x", revised_due_date_0="31",
                       revised_due_date_1="2", revised_due_date_2="2027").content.decode()
    assert "Enter a real date" in page


def test_moving_the_due_date_needs_a_reason_and_is_kept_in_the_history(client, cast):
    client.force_login(cast.lead.user)
    new = cast.action.due_date + datetime.timedelta(days=60)
    date_fields = {"new_due_date_0": new.day, "new_due_date_1": new.month, "new_due_date_2": new.year}
    page = post_update(client, cast.action, **date_fields).content.decode()
    assert "Give the reason for moving the due date" in page
    response = post_update(client, cast.action, due_date_reason="Board agreed on 3 March to re-phase.", **date_fields)
    assert response.status_code == 302
    cast.action.refresh_from_db()
    assert cast.action.due_date == new
    page = client.get(cast.action.get_absolute_url()).content.decode()
    assert "Board agreed on 3 March to re-phase." in page
    assert "Due date:" in page or "Due date" in page


def test_green_is_allowed_once_the_due_date_is_moved_with_a_reason(cast):
    overdue = f.OverdueActionFactory(theme=cast.action.theme, lead=cast.lead)
    update = record_progress(action=overdue, author=cast.lead.user, rag=RAG.GREEN, narrative="Re-planned.",
                             based_on_version=overdue.version, new_due_date=timezone.localdate() + datetime.timedelta(days=30),
                             due_date_reason="Commissioner agreed the new date.")
    assert update.rag == RAG.GREEN


def test_updates_are_appended_never_overwritten(client, cast):
    client.force_login(cast.lead.user)
    post_update(client, cast.action, rag="amber", mitigation="x", narrative="First")
    cast.action.refresh_from_db()
    post_update(client, cast.action, rag="green", narrative="Second")
    assert list(ProgressUpdate.objects.filter(action=cast.action).order_by("pk").values_list("narrative", flat=True)) == [
        "First", "Second"]


def test_a_stale_form_is_a_conflict_that_keeps_the_officers_text(client, cast):
    stale_version = cast.action.version
    cast.action.supporting_leads.add(cast.other)
    client.force_login(cast.other.user)
    assert post_update(client, cast.action, narrative="Saved first by the other officer").status_code == 302
    client.force_login(cast.lead.user)
    response = client.post(reverse("plans:update", args=[cast.action.pk]),
                           {"version": stale_version, "rag": "green", "narrative": "My careful words"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Someone else updated this action while you were writing" in page
    assert "Saved first by the other officer" in page  # what changed
    assert "My careful words" in page  # their text is kept
    assert f'name="version" value="{stale_version + 1}"' in page  # resubmitting is based on what they saw
    assert EditConflict.objects.filter(action=cast.action, user=cast.lead.user).count() == 1
    assert ProgressUpdate.objects.filter(action=cast.action).count() == 1
    resubmitted = client.post(reverse("plans:update", args=[cast.action.pk]),
                              {"version": stale_version + 1, "rag": "green", "narrative": "My careful words"})
    assert resubmitted.status_code == 302
    assert ProgressUpdate.objects.filter(action=cast.action).count() == 2


def test_two_saves_from_the_same_version_lose_nothing(cast):
    version = cast.action.version
    record_progress(action=Action.objects.get(pk=cast.action.pk), author=cast.lead.user, rag=RAG.GREEN,
                    narrative="A", based_on_version=version)
    with pytest.raises(Conflict) as raised:
        record_progress(action=Action.objects.get(pk=cast.action.pk), author=cast.other.user, rag=RAG.AMBER,
                        narrative="B", mitigation="m", based_on_version=version)
    assert [u.narrative for u in raised.value.updates_since] == ["A"]
    assert Action.objects.get(pk=cast.action.pk).version == version + 1


def test_an_admin_edit_of_the_lead_is_shown_with_who_and_when(client, cast):
    client.force_login(f.StaffUserFactory(username="root"))
    action = cast.action
    data = {"theme": action.theme_id, "reference": action.reference, "reference_printed": "on",
            "activity": action.activity, "lead": cast.other.pk, "order": 1, "due_date": action.due_date.isoformat(),
            "added_on": action.added_on.isoformat(),
            "history_change_reason": "", "milestones-TOTAL_FORMS": 0, "milestones-INITIAL_FORMS": 0,
            "progress_updates-TOTAL_FORMS": 0, "progress_updates-INITIAL_FORMS": 0}
    response = client.post(reverse("admin:plans_action_change", args=[action.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    page = client.get(action.get_absolute_url()).content.decode()
    changes = page[page.index("Changes to the action"):]
    assert "Jenny Cryer → Other Officer" in changes, changes[:3000]
    assert "root" in page


@pytest.mark.django_db(transaction=True)
def test_two_officers_saving_at_the_same_moment_lose_nothing(cast, monkeypatch):
    """Two threads, two database connections, both based on the same version: one update is saved, the other
    officer gets a conflict showing it, never a silent overwrite or an error."""
    cast.action.supporting_leads.add(cast.other)
    version = cast.action.version
    both_ready = threading.Barrier(2)
    create = ProgressUpdate.objects.create

    def slow_create(**fields):
        time.sleep(0.3)  # hold the claimed row inside the transaction while the other officer saves
        return create(**fields)

    monkeypatch.setattr(ProgressUpdate.objects, "create", slow_create)
    outcomes = {}

    def save(person, narrative):
        try:
            both_ready.wait()
            record_progress(action=Action.objects.get(pk=cast.action.pk), author=person.user, rag=RAG.AMBER,
                            narrative=narrative, mitigation="m", based_on_version=version)
            outcomes[person.user.username] = "saved"
        except Conflict as conflict:
            outcomes[person.user.username] = [u.narrative for u in conflict.updates_since]
        except Exception as error:  # noqa: BLE001 - the assertions below show it
            outcomes[person.user.username] = repr(error)
        finally:
            connection.close()

    narratives = {"lead": "From the lead", "other": "From the other officer"}
    threads = [threading.Thread(target=save, args=(person, narratives[person.user.username]))
               for person in (cast.lead, cast.other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    saved = [name for name, outcome in outcomes.items() if outcome == "saved"]
    assert len(saved) == 1, outcomes
    (winner,) = saved
    (loser,) = set(narratives) - {winner}
    assert outcomes[loser] == [narratives[winner]]  # the conflict shows what the winner saved
    assert list(ProgressUpdate.objects.filter(action=cast.action).values_list("narrative", flat=True)) == [
        narratives[winner]]
    assert Action.objects.get(pk=cast.action.pk).version == version + 1
    assert EditConflict.objects.get(action=cast.action).user.username == loser
