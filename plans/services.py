"""Writes with rules. Each is keyword-only, validates, and runs in one transaction."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import Action, EditConflict, ProgressUpdate
from .rag import RAG


@dataclass
class Conflict(Exception):
    """Someone saved the action after the form was opened. An expected outcome, not an error."""

    action: Action
    based_on_version: int
    current_version: int
    updates_since: list


class HonestRatingRule:
    """Green means "on track to deliver the desired outcome by the due date" (DOMAIN.md, RAG).

    An action past its due date and not complete cannot be on track to meet it: Green is refused.
    Rate it Amber or Red with a revised date, Blue if it is complete, or move the due date with a reason.
    """

    @staticmethod
    def check(*, rag, due_date, today):
        if rag == RAG.GREEN and due_date and due_date < today:
            raise ValidationError(
                {"rag": f"This action was due on {due_date:%-d %B %Y} and is not complete, so it cannot be "
                        "Green. Choose Amber or Red and give a revised date, Blue if it is complete, or move "
                        "the due date and give the reason."},
                code="green_past_due",
            )


class ExplainRiskRule:
    """Red and Amber say what is being done about it; Blue gives the evidence of the outcome."""

    @staticmethod
    def check(*, rag, mitigation, evidence):
        if rag in (RAG.RED, RAG.AMBER) and not mitigation.strip():
            raise ValidationError({"mitigation": "Say what is being done about it"}, code="mitigation_required")
        if rag == RAG.BLUE and not evidence.strip():
            raise ValidationError({"evidence": "Give the evidence that the outcome was achieved"},
                                  code="evidence_required")


class MovedDueDateRule:
    """Moving a due date needs a reason, which is kept in the action's history."""

    @staticmethod
    def check(*, old, new, reason):
        if new and new != old and not reason.strip():
            raise ValidationError({"due_date_reason": "Give the reason for moving the due date"},
                                  code="due_date_reason_required")


def ensure_history_baseline(action: Action, when: datetime.datetime | None = None) -> None:
    """Fixtures and imports load actions without history: record the action as loaded before its first
    change, so the action page can show what the change replaced."""
    latest = action.history.order_by("-history_date", "-history_id").first()
    # No history yet, or only that of a deleted action whose id the fixtures reused.
    if latest is None or latest.history_type == "-":
        loaded = (when or timezone.now()) - datetime.timedelta(microseconds=1)  # just before the change
        Action.history.bulk_history_create([Action.objects.get(pk=action.pk)], default_date=loaded,
                                           default_change_reason="As loaded from the plan")


def record_progress(
    *,
    action: Action,
    author,
    rag: str,
    narrative: str,
    based_on_version: int,
    next_steps: str = "",
    mitigation: str = "",
    revised_due_date: datetime.date | None = None,
    evidence: str = "",
    new_due_date: datetime.date | None = None,
    due_date_reason: str = "",
    is_demo: bool = False,
    when: datetime.datetime | None = None,
) -> ProgressUpdate:
    """Append a progress update (and move the due date, if asked) unless the form was based on a stale version.

    Raises ValidationError for a rule broken, Conflict if the action changed since `based_on_version`.
    """
    rag = RAG(rag)
    when = when or timezone.now()
    today = timezone.localdate(when)
    if not narrative.strip():
        raise ValidationError({"narrative": "Describe the progress made"}, code="narrative_required")
    moving = bool(new_due_date) and new_due_date != action.due_date
    MovedDueDateRule.check(old=action.due_date, new=new_due_date, reason=due_date_reason)
    HonestRatingRule.check(rag=rag, due_date=new_due_date if moving else action.due_date, today=today)
    ExplainRiskRule.check(rag=rag, mitigation=mitigation, evidence=evidence)

    with transaction.atomic():
        # Compare-and-swap on the version: one UPDATE, so two officers saving at once cannot both win.
        claimed = Action.objects.filter(pk=action.pk, version=based_on_version).update(version=F("version") + 1)
        if claimed:
            action.version = based_on_version + 1
            if moving:
                ensure_history_baseline(action, when)
                action.due_date = new_due_date
                action._history_date = when
                action._change_reason = due_date_reason.strip()
                action.save(update_fields=["due_date"])
            return ProgressUpdate.objects.create(
                action=action, author=author, created_at=when, rag=rag, narrative=narrative.strip(),
                next_steps=next_steps.strip(), mitigation=mitigation.strip(), revised_due_date=revised_due_date,
                evidence=evidence.strip(), is_demo=is_demo,
            )
    # Stale form: recorded (outside the refused transaction) and handed back with what changed.
    current = Action.objects.values_list("version", flat=True).get(pk=action.pk)
    EditConflict.objects.create(action=action, user=author, based_on_version=based_on_version, found_version=current)
    # record_progress is the only writer of versions and adds one update per version.
    missed = max(current - based_on_version, 1)
    since = list(action.progress_updates.select_related("author").order_by("-created_at", "-pk")[:missed])
    raise Conflict(action, based_on_version, current, since)
