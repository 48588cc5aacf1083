"""Demonstration progress: a plausible, deterministic history across the real plans, clearly marked.

Every row made here has ProgressUpdate.is_demo = True (pages show a "Demo data" tag), and every change to an
action (the demo officer's assignment to live actions, their assumed due dates) has a history reason
starting with DEMO_REASON, so clear_demo() removes exactly what seed_demo made and restores what it changed.

The demo world keeps to each plan's live window (Plan.window_start to Plan.window_end): a superseded plan's
progress stops the day before its successor starts; the live plan's runs up to today, past its printed end.
"""

import datetime
import zlib
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import Action, Plan, ProgressUpdate
from .querysets import end_of_day
from .rag import RAG
from .services import ensure_history_baseline, record_progress

DEMO_REASON = "Demo data:"
# History reasons hold 100 characters.
ASSIGNMENT_REASON = f"{DEMO_REASON} demo assignment of the demo officer (the plan prints no leads); due date assumed."

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
MITIGATIONS = [
    "Demo data: the head of service is reviewing capacity weekly and will report to the next board.",
    "Demo data: agency cover agreed for three months while the post is recruited to.",
    "Demo data: the work has been re-sequenced so the dependent part can start first.",
]
MITIGATION = MITIGATIONS[0]
REPORT_AFTER_MEETING = datetime.timedelta(days=7)
EVIDENCE = "Demo data: audit report and management team minutes (not real documents)."

# Patterns of ratings, picked by a stable hash of the action; each rating is held for a few updates, Blue
# ends the story, and a story not ending in Blue carries its last rating on to the end of the window.
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


def _demo_now(today: datetime.date) -> datetime.datetime:
    """09:00 today: anchoring to the day, not the clock, makes two runs on one day give the same rows."""
    return timezone.make_aware(datetime.datetime.combine(today, datetime.time(9, 0)))


def demo_window(plan, today: datetime.date):
    """(first, last) instants demo progress may have: the plan's live window, up to now for a live plan.
    None for a draft or a plan with no known start."""
    start = plan.window_start
    if start is None or not (plan.is_live or plan.is_history):
        return None
    first = timezone.make_aware(datetime.datetime.combine(start, datetime.time.min))
    last = _demo_now(today)
    if plan.window_end is not None:
        last = min(last, end_of_day(plan.window_end))
    return (first, last) if first <= last else None


def _reporting_dates(plan, today: datetime.date):
    """When leads report, within the plan's demo window: a week after each meeting of the owning board (in
    time for the next one's papers), or with too few meetings the 3rd of each month at 10:00."""
    from governance.models import Meeting

    window = demo_window(plan, today)
    if window is None:
        return []
    first, last = window
    after_meetings = [start + REPORT_AFTER_MEETING for start in Meeting.objects.filter(
        board=plan.board_id, start__gte=first, start__lte=last - REPORT_AFTER_MEETING,
    ).order_by("start").values_list("start", flat=True)] if plan.board_id else []
    if len(after_meetings) >= 3:
        return after_meetings
    dates, month = [], datetime.date(first.year, first.month, 1)
    while True:
        when = timezone.make_aware(datetime.datetime(month.year, month.month, 3, 10, 0))
        if when > last:
            return dates
        if when >= first:
            dates.append(when)
        month = datetime.date(month.year + month.month // 12, month.month % 12 + 1, 1)


def _honest(rag, when, due_date):
    """The demo obeys the product's own rule: no Green after the due date has passed."""
    if rag == RAG.GREEN and due_date and timezone.localdate(when) > due_date:
        return RAG.AMBER
    return rag


def _update(action, author, rag, when, variant):
    text = NARRATIVES[rag][variant % len(NARRATIVES[rag])]
    return ProgressUpdate(
        action=action, author=author, created_at=when, recorded_at=when, rag=rag, narrative=f"Demo data: {text}",
        mitigation=MITIGATIONS[variant % len(MITIGATIONS)] if rag in (RAG.RED, RAG.AMBER) else "",
        evidence=EVIDENCE if rag == RAG.BLUE else "", is_demo=True,
    )


def _story(key: int, months: int) -> list[tuple[int, RAG, int]]:
    """(month index, rating, narrative variant) of one action's updates over `months` reporting months."""
    pattern = PATTERNS[key % len(PATTERNS)]
    if not pattern or not months:
        return []
    gap = 1 + key // 7 % 3  # monthly, every two or every three months
    hold = 2 + key // 13 % 3  # updates at each rating before it moves on
    copied = key % 6 == 0  # some leads paste the same narrative each time: a question for the board
    story = []
    for step, month in enumerate(range(key // 31 % min(6, months), months, gap)):
        rag = pattern[min(step // hold, len(pattern) - 1)]
        story.append((month, rag, key if copied else key + step))
        if rag == RAG.BLUE:
            break
    return story


def clear_demo():
    """Remove every demo update and demo change to an action, restoring its lead and due date as they were
    before the first demo change (the plan as loaded)."""
    ProgressUpdate.objects.filter(is_demo=True).delete()
    moved = Action.history.filter(history_change_reason__startswith=DEMO_REASON)
    for action_id in set(moved.values_list("id", flat=True)):
        records = Action.history.filter(id=action_id).order_by("history_date", "history_id")
        first_demo = records.filter(history_change_reason__startswith=DEMO_REASON).first()
        before = records.filter(history_date__lt=first_demo.history_date).exclude(history_type="-").last()
        if before is not None:
            Action.objects.filter(pk=action_id).update(due_date=before.due_date, lead_id=before.lead_id)
        records.filter(history_change_reason__startswith=DEMO_REASON).delete()
        if before is not None and before.history_change_reason == "As loaded from the plan" \
                and not records.filter(history_date__gt=before.history_date).exists():
            before.delete()


@dataclass(frozen=True)
class OfficerStory:
    """One of the demo officer's live actions: its assumed due date and latest update, relative to today."""

    label: str
    due_in_days: int | None  # None: the plan's printed end
    rag: RAG
    days_ago: int
    revised_in_days: int | None = None
    after_last_meeting: bool = False  # up to date: updated since the board last met


OFFICER_STORIES = [
    OfficerStory("overdue, with a revised date", -21, RAG.AMBER, 12, revised_in_days=60),
    OfficerStory("due soon", 10, RAG.AMBER, 3),
    OfficerStory("stale", 120, RAG.RED, 75),
    OfficerStory("up to date", 200, RAG.GREEN, 6, after_last_meeting=True),
    OfficerStory("complete", 30, RAG.BLUE, 5),
    OfficerStory("overdue since the printed end", None, RAG.RED, 40),
]


def assign_officer(person, today: datetime.date | None = None) -> list[Action]:
    """Make the demo officer lead the first unled action of each of the first themes of the live plan, one per
    story, each with an assumed due date, recorded in its history from the plan's start with the demo reason."""
    today = today or timezone.localdate()
    assigned = []
    for plan in Plan.objects.live().exclude(organisation__is_demo=True).order_by("pk"):
        if plan.window_start is None:
            continue
        first_of_theme = {}
        for action in Action.objects.filter(theme__plan=plan, lead__isnull=True).order_by("theme__order", "order", "pk"):
            first_of_theme.setdefault(action.theme_id, action)
        when = timezone.make_aware(datetime.datetime.combine(plan.window_start, datetime.time(9, 0)))
        for action, story in zip(first_of_theme.values(), OFFICER_STORIES, strict=False):
            ensure_history_baseline(action, when)
            action.lead = person
            action.due_date = (today + datetime.timedelta(days=story.due_in_days) if story.due_in_days is not None
                               else plan.end or today - datetime.timedelta(days=90))
            action._history_date = when
            action._change_reason = ASSIGNMENT_REASON
            action.save(update_fields=["lead", "due_date"])
            assigned.append(action)
        break  # one live plan is enough for the stories
    return assigned


def seed_history(author, skip=(), today: datetime.date | None = None, plans=None):
    """Demo updates over each plan's reporting months within its window (bulk: the rules are applied as they
    are generated). Actions in `skip` (the demo officer's stories) are left for seed_officer. `plans` defaults
    to every plan of a real organisation: a demo council seeds its own, by its own author (plans.demo_council)."""
    today = today or timezone.localdate()
    skip = {a.pk for a in skip}
    made = []
    if plans is None:
        plans = Plan.objects.exclude(organisation__is_demo=True)
    for plan in plans.select_related("superseded_by").order_by("pk"):
        dates = _reporting_dates(plan, today)
        if not dates:
            continue
        for action in Action.objects.filter(theme__plan=plan).order_by("theme__order", "order", "pk"):
            if action.pk in skip:
                continue
            key = _stable(plan.slug, action.theme_id, action.reference)
            for step, (month, rag, variant) in enumerate(_story(key, len(dates))):
                when = dates[month] + datetime.timedelta(minutes=step % 50)
                made.append(_update(action, author, _honest(rag, when, action.due_date), when, variant))
    ProgressUpdate.objects.bulk_create(made, batch_size=500)
    return made


def seed_officer(officer_user, actions, today: datetime.date | None = None):
    """The demo officer's live actions, one story each (OFFICER_STORIES), through the ordinary service."""
    from governance.models import Meeting

    today = today or timezone.localdate()
    now = _demo_now(today)
    told = []
    for action, story in zip(actions, OFFICER_STORIES, strict=False):
        action.refresh_from_db()
        when = now - datetime.timedelta(days=story.days_ago)
        if story.after_last_meeting:
            last_met = (Meeting.objects.filter(board=action.theme.plan.board_id, start__lte=end_of_day(today))
                        .order_by("-start").values_list("start", flat=True).first())
            if last_met and last_met >= when:
                when = last_met + datetime.timedelta(hours=1)
        fields = {"rag": story.rag}
        if story.rag in (RAG.RED, RAG.AMBER):
            fields["mitigation"] = MITIGATION
        if story.rag == RAG.BLUE:
            fields["evidence"] = EVIDENCE
        if story.revised_in_days is not None:
            fields["revised_due_date"] = today + datetime.timedelta(days=story.revised_in_days)
        update = record_progress(action=action, author=officer_user, based_on_version=action.version,
                                 narrative=f"Demo data: {story.label}. " + NARRATIVES[story.rag][0], is_demo=True,
                                 when=when, **fields)
        # Entered on the day it applies from, not at the moment the demo ran: the same rows on a re-run.
        ProgressUpdate.objects.filter(pk=update.pk).update(recorded_at=when)
        told.append(action)
    return told


def sync_versions():
    """Keep the invariant the conflict check relies on: one version per progress update, plus one.

    Loading fixtures resets versions to 1 and bulk demo rows bypass the service, so this runs after both.
    """
    counts = (ProgressUpdate.objects.filter(action=OuterRef("pk")).order_by().values("action")
              .annotate(n=Count("pk")).values("n"))
    Action.objects.update(version=Coalesce(Subquery(counts), 0) + 1)
