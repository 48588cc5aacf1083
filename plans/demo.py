"""Demonstration progress: a plausible, deterministic history across the real plans, clearly marked.

Every row made here has ProgressUpdate.is_demo = True (pages show a "Demo data" tag) and every due-date
move has a history reason starting with DEMO_REASON, so clear_demo() removes exactly what seed_demo made.
"""

import datetime
import zlib

from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import Action, Plan, ProgressUpdate
from .rag import RAG
from .services import record_progress

DEMO_REASON = "Demo data:"

NARRATIVES = {
    RAG.GREEN: ["Work is under way as planned; the lead reports no blockers.",
                "Actions for this month are complete and the next steps are scheduled.",
                "Early audit findings show the change is starting to reach children and families."],
    RAG.AMBER: ["Some slippage: staff availability has delayed the work by a few weeks.",
                "Partly delivered; one part depends on another team's work that is running late."],
    RAG.RED: ["Off track: the post needed to deliver this is still vacant.",
              "Delivery is in serious doubt without a decision from the board."],
    RAG.BLUE: ["Complete: the change is in place and has been checked.",
               "Delivered and signed off at the management team."],
}
MITIGATION = "Demo data: the head of service is reviewing capacity weekly and will report to the next board."
EVIDENCE = "Demo data: audit report and management team minutes (not real documents)."

# Patterns of ratings over the plan's reporting months, picked by a stable hash of the action.
PATTERNS = [
    [],
    [RAG.GREEN, RAG.GREEN, RAG.BLUE],
    [RAG.AMBER, RAG.GREEN, RAG.BLUE],
    [RAG.GREEN, RAG.AMBER, RAG.RED],
    [RAG.RED, RAG.AMBER],
    [RAG.GREEN, RAG.BLUE],
    [RAG.AMBER, RAG.AMBER, RAG.GREEN],
    [RAG.GREEN],
]


def _stable(*parts) -> int:
    return zlib.crc32(":".join(str(p) for p in parts).encode())


def _reporting_dates(plan, actions):
    """First working-day-ish date of each month across the plan's life, ending before today."""
    dues = [a.due_date for a in actions if a.due_date]
    start = plan.start or (min(dues) - datetime.timedelta(days=90) if dues else None)
    end = plan.end or (max(dues) if dues else None)
    if start is None or end is None:
        return []
    end = min(end, timezone.localdate() - datetime.timedelta(days=120))
    dates, month = [], datetime.date(start.year, start.month, 1)
    while month <= end:
        dates.append(timezone.make_aware(datetime.datetime(month.year, month.month, 3, 10, 0)))
        month = datetime.date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return dates


def _honest(rag, when, due_date):
    """The demo obeys the product's own rule: no Green after the due date has passed."""
    if rag == RAG.GREEN and due_date and timezone.localdate(when) > due_date:
        return RAG.AMBER
    return rag


def _update(action, author, rag, when, variant):
    text = NARRATIVES[rag][variant % len(NARRATIVES[rag])]
    return ProgressUpdate(
        action=action, author=author, created_at=when, rag=rag, narrative=f"Demo data: {text}",
        mitigation=MITIGATION if rag in (RAG.RED, RAG.AMBER) else "",
        evidence=EVIDENCE if rag == RAG.BLUE else "", is_demo=True,
    )


def clear_demo():
    """Remove every demo update and demo due-date move, restoring the due dates they moved."""
    ProgressUpdate.objects.filter(is_demo=True).delete()
    moved = Action.history.filter(history_change_reason__startswith=DEMO_REASON)
    for action_id in set(moved.values_list("id", flat=True)):
        records = Action.history.filter(id=action_id).order_by("history_date", "history_id")
        first_demo = records.filter(history_change_reason__startswith=DEMO_REASON).first()
        before = records.filter(history_date__lt=first_demo.history_date).exclude(history_type="-").last()
        if before is not None:
            Action.objects.filter(pk=action_id).update(due_date=before.due_date)
        records.filter(history_change_reason__startswith=DEMO_REASON).delete()
        if before is not None and before.history_change_reason == "As loaded from the plan" \
                and not records.filter(history_date__gt=before.history_date).exists():
            before.delete()


def seed_history(author):
    """Demo updates over each plan's reporting months (bulk: the rules are applied as they are generated)."""
    made = []
    for plan in Plan.objects.order_by("pk"):
        actions = list(Action.objects.filter(theme__plan=plan).order_by("theme__order", "order", "pk"))
        dates = _reporting_dates(plan, actions)
        if not dates:
            continue
        for action in actions:
            if action.lead and action.lead.user_id:
                continue  # the demo officer's actions get a present-day story instead
            key = _stable(plan.slug, action.theme_id, action.reference)
            pattern = PATTERNS[key % len(PATTERNS)]
            offset = key // 7 % max(len(dates) - len(pattern), 1)
            for step, rag in enumerate(pattern):
                when = dates[min(offset + step * 2, len(dates) - 1)] + datetime.timedelta(minutes=step)
                made.append(_update(action, author, _honest(rag, when, action.due_date), when, key + step))
    ProgressUpdate.objects.bulk_create(made, batch_size=500)
    return made


def seed_officer(officer_user, person):
    """The demo officer's actions: one up to date and complete, one due soon, one stale, one never updated."""
    today = timezone.localdate()
    # Anchored to 09:00 today, so running seed_demo twice on a day gives the same rows.
    now = timezone.make_aware(datetime.datetime.combine(today, datetime.time(9, 0)))
    mine = list(Action.objects.filter(lead=person)
                .order_by(F("due_date").asc(nulls_last=True), "theme__order", "order", "pk"))
    stories = [
        ("complete", dict(rag=RAG.BLUE, evidence=EVIDENCE), 5),
        ("due soon", dict(rag=RAG.AMBER, mitigation=MITIGATION, new_due_date=today + datetime.timedelta(days=10),
                          due_date_reason=f"{DEMO_REASON} re-planned so the demonstration has an action due soon."), 3),
        ("stale", dict(rag=RAG.RED, mitigation=MITIGATION), 75),
        ("late but current", dict(rag=RAG.AMBER, mitigation=MITIGATION,
                                  revised_due_date=today + datetime.timedelta(days=60)), 12),
    ]
    told = []
    for action, (label, fields, days_ago) in zip(mine, stories, strict=False):
        action.refresh_from_db()
        record_progress(action=action, author=officer_user, based_on_version=action.version,
                        narrative=f"Demo data: {label}. " + NARRATIVES[fields["rag"]][0], is_demo=True,
                        when=now - datetime.timedelta(days=days_ago), **fields)
        told.append(action)
    return told


def sync_versions():
    """Keep the invariant the conflict check relies on: one version per progress update, plus one.

    Loading fixtures resets versions to 1 and bulk demo rows bypass the service, so this runs after both.
    """
    counts = (ProgressUpdate.objects.filter(action=OuterRef("pk")).order_by().values("action")
              .annotate(n=Count("pk")).values("n"))
    Action.objects.update(version=Coalesce(Subquery(counts), 0) + 1)
