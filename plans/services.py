"""Writes with rules. Each is keyword-only, validates, and runs in one transaction."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import Action, EditConflict, MeasureValue, ProgressUpdate
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


class AppliesFromRule:
    """An update entered late may apply from an earlier day, but not from the future, nor from before the
    action joined its plan (Action.added_on)."""

    @staticmethod
    def check(*, applies_from, today, added_on):
        if applies_from is None:
            return
        if applies_from > today:
            raise ValidationError({"applies_from": "The day it applies from must be today or in the past"},
                                  code="applies_from_future")
        if added_on and applies_from < added_on:
            raise ValidationError(
                {"applies_from": f"The action joined its plan on {added_on:%-d %B %Y}: the update cannot apply "
                                 "from before then"}, code="applies_from_before_added")


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
    applies_from: datetime.date | None = None,
) -> ProgressUpdate:
    """Append a progress update (and move the due date, if asked) unless the form was based on a stale version.

    `applies_from` records an update entered late: its rating applies from the start of that London day
    (created_at) while recorded_at says when it was saved.

    Raises ValidationError for a rule broken, Conflict if the action changed since `based_on_version`.
    """
    rag = RAG(rag)
    when = when or timezone.now()
    today = timezone.localdate(when)
    AppliesFromRule.check(applies_from=applies_from, today=today, added_on=action.added_on)
    applies = (timezone.make_aware(datetime.datetime.combine(applies_from, datetime.time.min))
               if applies_from and applies_from < today else when)
    if not narrative.strip():
        raise ValidationError({"narrative": "Describe the progress made"}, code="narrative_required")
    moving = bool(new_due_date) and new_due_date != action.due_date
    MovedDueDateRule.check(old=action.due_date, new=new_due_date, reason=due_date_reason)
    HonestRatingRule.check(rag=rag, due_date=new_due_date if moving else action.due_date,
                           today=timezone.localdate(applies))
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
                action=action, author=author, created_at=applies, recorded_at=when, rag=rag, narrative=narrative.strip(),
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


class MilestoneOutcomeRule:
    """A milestone is recorded as achieved or missed on a day that has come; a missed one says why, so the board
    reads the reason beside it."""

    @staticmethod
    def check(*, outcome, on, note, today):
        from .models import Milestone

        if outcome not in Milestone.Outcome.values:
            raise ValidationError({"outcome": ValidationError("Choose achieved or missed", code="invalid_outcome")})
        if on is None:
            raise ValidationError({"on": ValidationError("Enter the date it was achieved or missed", code="date_required")})
        if on > today:
            raise ValidationError({"on": ValidationError("The date cannot be in the future", code="date_in_future")})
        if outcome == Milestone.Outcome.MISSED and not note.strip():
            raise ValidationError({"note": ValidationError("Say why the milestone was missed and what happens now",
                                                           code="note_required")})


def record_milestone_outcome(*, milestone, user, outcome: str, on: datetime.date, note: str = "",
                             when: datetime.datetime | None = None):
    """Record a milestone as achieved or missed on a day, with a note. `achieved` is the day when achieved, else
    None. Raises PermissionDenied for anyone but its action's or theme's leads and admins."""
    from django.core.exceptions import PermissionDenied

    from .models import Milestone
    from .permissions import can_record_milestone_outcome

    if not can_record_milestone_outcome(user, milestone):
        raise PermissionDenied("Only the action's or theme's leads and admins can record a milestone's outcome.")
    when = when or timezone.now()
    MilestoneOutcomeRule.check(outcome=outcome, on=on, note=note, today=timezone.localdate(when))
    with transaction.atomic():
        milestone.outcome = outcome
        milestone.outcome_date = on
        milestone.achieved = on if outcome == Milestone.Outcome.ACHIEVED else None
        milestone.outcome_note = note.strip()
        milestone.outcome_recorded_by = user
        milestone.outcome_recorded_at = when
        milestone.save(update_fields=["outcome", "outcome_date", "achieved", "outcome_note",
                                      "outcome_recorded_by", "outcome_recorded_at"])
        return milestone


def record_impact_assessment(*, theme, author, level: str, assessed_on: datetime.date, rationale: str,
                             measures=(), practice_findings: str = "", voices: str = "", is_demo: bool = False,
                             when: datetime.datetime | None = None):
    """Append a theme impact assessment with the evidence it cites (plans.impact has the rules).

    Raises ValidationError keyed by field: level, assessed_on, rationale, measures. Nothing is written then.
    `when` is when it was recorded (created_at); the demo passes a past time so as-at views show it.
    """
    from .impact import CitedMeasuresRule, EvidenceCitedRule, SustainedImpactRule
    from .models import ImpactAssessment

    when = when or timezone.now()
    if level not in ImpactAssessment.Level.values:
        raise ValidationError({"level": "Choose how far the impact is evidenced"}, code="level_required")
    if assessed_on is None:
        raise ValidationError({"assessed_on": "Enter the date of the assessment"}, code="date_required")
    if assessed_on > timezone.localdate(when):
        raise ValidationError({"assessed_on": "The assessment date cannot be in the future"}, code="date_in_future")
    if not rationale.strip():
        raise ValidationError({"rationale": "Say why: what the evidence shows about children's lives"},
                              code="rationale_required")
    measures = list(measures)
    CitedMeasuresRule.check(theme=theme, measures=measures)
    EvidenceCitedRule.check(level=level, measures=measures, practice_findings=practice_findings, voices=voices)
    SustainedImpactRule.check(level=level, measures=measures, as_at=assessed_on)
    with transaction.atomic():
        assessment = ImpactAssessment.objects.create(
            theme=theme, author=author, level=level, assessed_on=assessed_on, rationale=rationale.strip(),
            practice_findings=practice_findings.strip(), voices=voices.strip(), is_demo=is_demo, created_at=when,
        )
        assessment.measures.set(measures)
    return assessment


# Measure values ----------------------------------------------------------------------------------------

_FIGURE_LIMIT = Decimal("10000000000")  # MeasureValue figures hold 14 digits, 4 after the point


class MeasureValueRule:
    """A quantitative measure's value is a number (a percentage from 0 to 100; days and rates not negative),
    with no status; a qualitative measure's value is a status (Met, Partly met or Not met), with no number and
    no comparators. A value is for a period that has ended, one value per period: entering a period again
    corrects it, and the history keeps what it replaced."""

    @staticmethod
    def check(*, measure, period_end, value, status, comparators, today):
        errors = {}
        if period_end is None:
            errors["period_end"] = "Enter the last day of the period the value is for"
        elif period_end > today:
            errors["period_end"] = "The period must have ended: enter a date that is not in the future"
        if measure.kind == measure.Kind.QUALITATIVE:
            if status not in MeasureValue.Status.values:
                errors["status"] = "Choose Met, Partly met or Not met"
            if value is not None:
                errors["value"] = "This measure is qualitative: give its status (Met, Partly met or Not met), not a number"
            for name, figure in comparators.items():
                if figure is not None:
                    errors[name] = "A qualitative measure has no comparator figures"
        else:
            if status:
                errors["status"] = "This measure is quantitative: give a number, not a status"
            if value is None:
                errors["value"] = "Enter the value, as a number"
            for name, figure in {"value": value, **comparators}.items():
                if figure is None or name in errors:
                    continue
                if problem := MeasureValueRule.figure_problem(measure, figure):
                    errors[name] = problem
        if errors:
            raise ValidationError(errors, code="invalid_measure_value")

    @staticmethod
    def figure_problem(measure, figure: Decimal) -> str:
        """What is wrong with a figure in this measure's unit, or "" when nothing is."""
        if not figure.is_finite() or abs(figure) >= _FIGURE_LIMIT:
            return "Enter a number smaller than 10,000,000,000"
        if figure.as_tuple().exponent < -4 and figure != figure.quantize(Decimal("0.0001")):
            return "Enter a number with no more than 4 decimal places"
        if measure.unit == measure.Unit.PERCENT and not 0 <= figure <= 100:
            return "A percentage must be between 0 and 100"
        if measure.unit in (measure.Unit.DAYS, measure.Unit.RATE_10K) and figure < 0:
            return "Enter a number that is not negative"
        return ""


def record_measure_value(*, measure, period_end: datetime.date, value: Decimal | None = None, status: str = "",
                         england: Decimal | None = None, neighbours: Decimal | None = None,
                         region: Decimal | None = None, note: str = "", entered_by=None,
                         entered_at: datetime.datetime | None = None, is_demo: bool = False):
    """Record a measure's value for a period, or correct the value already held for that period.

    Returns (MeasureValue, outcome) with outcome "created", "updated" or "unchanged" (the same figures again
    write nothing). A correction replaces the value in place; django-simple-history keeps the one it replaced.
    Raises ValidationError keyed by field (period_end, value, status, england, neighbours, region).
    """
    when = entered_at or timezone.now()
    status = status or ""
    comparators = {"england": england, "neighbours": neighbours, "region": region}
    MeasureValueRule.check(measure=measure, period_end=period_end, value=value, status=status,
                           comparators=comparators, today=timezone.localdate(when))
    fields = {"value": value, "status": status, **comparators, "note": (note or "").strip(), "is_demo": is_demo}
    with transaction.atomic():
        # No ordering: the default one joins the measure's theme, which PostgreSQL cannot lock FOR UPDATE.
        held = MeasureValue.objects.select_for_update().filter(measure=measure, period_end=period_end).order_by().first()
        if held is None:
            recorded = MeasureValue(measure=measure, period_end=period_end, entered_by=entered_by, entered_at=when,
                                    **fields)
            recorded._history_user = entered_by
            recorded._history_date = when
            recorded.save()
            return recorded, "created"
        changed = [name for name, new in fields.items() if _differs(getattr(held, name), new)]
        if not changed:
            return held, "unchanged"
        for name in changed:
            setattr(held, name, fields[name])
        # The period's figure became known when first entered: a correction replaces it from then on (as-at
        # views recompute with it, and an issued pack's diff reports it as a correction). Who corrected it and
        # when is the history record's user and date.
        held._history_user = entered_by
        held._history_date = when
        held._change_reason = "Corrected"
        held.save(update_fields=changed)
        return held, "updated"


def _differs(old, new) -> bool:
    """Stored decimals come back with 4 places (or floats' noise on SQLite): compare as numbers."""
    if isinstance(old, bool) or isinstance(new, bool):
        return old != new
    if isinstance(old, Decimal | int | float) or isinstance(new, Decimal | int | float):
        if old is None or new is None:
            return old is not new
        return Decimal(str(old)).quantize(Decimal("0.0001")) != Decimal(str(new)).quantize(Decimal("0.0001"))
    return old != new


# Approving a plan ------------------------------------------------------------------------------------


class PlanApprovalRule:
    """Only a draft plan with at least one action can be approved; approving a plan that supersedes another
    marks that one superseded (a closed plan stays closed: it had ended before it was replaced).

    The Bradford fixtures read so: the 2021 plan supersedes the 2019 draft and the 2022-24 plan the 2021
    plan; the 2022-24 plan is the approved one, the two before it superseded. A plan replaces one of its own
    organisation only.
    """

    @staticmethod
    def check(*, plan, has_actions: bool):
        from .models import Plan

        if plan.status != Plan.Status.DRAFT:
            raise ValidationError(f"Only a draft plan can be approved: this plan is {plan.get_status_display().lower()}.",
                                  code="not_draft")
        if not has_actions:
            raise ValidationError("A plan with no actions cannot be approved: import or add its actions first.",
                                  code="no_actions")
        replaced = plan.supersedes
        if replaced is not None and replaced.organisation_id != plan.organisation_id:
            raise ValidationError("The plan this one replaces belongs to another organisation: correct what it "
                                  "replaces first.", code="replaces_other_organisation")


def approve_plan(*, plan, by, when: datetime.datetime | None = None):
    """Approve a draft plan (PlanApprovalRule) and mark the plan it supersedes superseded, in one transaction.

    Who approved it and when is written into the plan's note, which the admin shows. Raises PermissionDenied
    for anyone but an admin of the plan's organisation, ValidationError for a plan the rule refuses.
    """
    from django.core.exceptions import PermissionDenied

    from .models import Plan
    from .permissions import is_admin

    if not is_admin(by, plan.organisation_id):
        raise PermissionDenied("Only an admin of the plan's organisation can approve it.")
    when = when or timezone.now()
    with transaction.atomic():
        # Locked and read again: two admins approving at once cannot both pass the rule on a stale status.
        # No join: PostgreSQL cannot lock the nullable side of the outer join to `supersedes`.
        plan = Plan.objects.select_for_update().get(pk=plan.pk)
        PlanApprovalRule.check(plan=plan, has_actions=Action.objects.for_plan(plan).exists())
        plan.status = Plan.Status.APPROVED
        who = by.get_full_name() or by.get_username()
        record = f"Approved on {timezone.localtime(when):%-d %B %Y at %H:%M} by {who}."
        plan.note = f"{plan.note.rstrip()}\n\n{record}" if plan.note.strip() else record
        plan.save(update_fields=["status", "note"])
        replaced = plan.supersedes
        if replaced is not None and replaced.status in (Plan.Status.DRAFT, Plan.Status.APPROVED):
            replaced.status = Plan.Status.SUPERSEDED
            replaced.save(update_fields=["status"])
    return plan
