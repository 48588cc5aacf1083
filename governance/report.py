"""The highlight report for a meeting: one function builds the one context that the page, the PDF and the
Word file all render, so the three cannot disagree, and the figures an issued pack stores and diffs.

The position is as at the meeting's position date, compared with the board's previous meeting (or 28 days
earlier when there is none), for the plans the meeting considers: those its board owns whose window
includes the position date, plus those named in its agenda items.

Read for a user (the live page, PDF and Word file), the report holds only the plans, measures, agenda items
and earlier meetings' log items that user may see (governance.visibility), and everything else it reads
hangs off those plans or off the meeting's board, which the user sees with the meeting. Read with no user
(issuing a pack, reminders), it is the board's papers, by PackContentRule.
"""

import datetime
from collections import Counter, defaultdict

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q
from django.utils import timezone

from plans.measures import DirectionOfTravelRule, MeasureRagRule, MeasureRating
from plans.models import Action, ImpactAssessment, Measure, MeasureValue, Milestone, Plan
from plans.positions import QUESTION_LIST_LIMIT, plans_updates
from plans.querysets import end_of_day
from plans.questions import questions_for_board
from plans.rag import BY_VALUE, RAG, SEVERITY
from plans.standing import stand, updates_by_action
from plans.templatetags.dashboard import rag_segments
from ui.charts import format_number, stacked_bar

from .models import AgendaItem, LogItem, Meeting
from .querysets import DEFAULT_COMPARE_DAYS
from .report_actions import report_actions
from .restricted import split_agenda
from .visibility import visible_flag

# With no next meeting on the calendar, "due before the next meeting" looks this far ahead.
DEFAULT_LOOKAHEAD_DAYS = 28

# A long list (and the questions) stops here, saying how many more there are: the board reads exceptions, not
# the whole plan, and at a council's scale hundreds of rows made the PDF take minutes. The figures, counts and
# summary still cover every row.
LIST_LIMIT = 20
# A question names this many of its actions by reference, as the dashboard's questions do.
QUESTION_REFERENCES = QUESTION_LIST_LIMIT
LISTED = ["red", "overdue", "revised", "completed", "milestones_due", "milestones_done", "measures_moved"]

# Order of the report's sections: the contents list, the PDF bookmarks and the Word headings follow it.
SECTIONS = [
    ("summary", "Summary"),
    ("exceptions", "Exceptions"),
    ("completed", "Completed since the last meeting"),
    ("milestones", "Milestones"),
    ("measures", "Vital Signs that moved"),
    ("impact", "Theme impact assessments"),
    ("questions", "Questions for the board"),
    ("matters", "Matters arising from the action log"),
]


def _day(value: datetime.date | None) -> str:
    return f"{value:%-d %B %Y}" if value else ""


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else (plural or word + 's')}"


class PackContentRule:
    """An issued pack is read by everyone who may read it: an open pack by all who see the meeting, so it holds
    nothing restricted (a restricted agenda item is listed by number and paragraph only); a restricted pack by
    the board's members and its organisation's admins, so it also holds what is restricted to them: the
    meeting's restricted agenda items, the restricted plans and measures the board owns, and log items of the
    board's restricted meetings. A restricted plan of another board stays out of every pack."""

    @staticmethod
    def allows(meeting: Meeting, restricted: bool, *, board: str, organisation: str, prefix: str = "") -> Q:
        """Q over objects whose owning board is at `board` and organisation at `organisation`; `prefix` leads to
        the object that may be restricted (e.g. "meeting__" from a log item)."""
        rule = Q(**{f"{prefix}restricted": False})
        if restricted:
            rule |= Q(**{board: meeting.board_id, organisation: meeting.board.organisation_id})
        return rule


def _within(queryset, meeting, user, restricted, *, board: str, organisation: str):
    """`queryset` as the reader may see it: by the rule (visible_to) for a user, by PackContentRule for a pack;
    `board` and `organisation` lead to the restricted object's owning board and organisation."""
    if user is not None:
        return queryset.visible_to(user)
    return queryset.filter(PackContentRule.allows(meeting, restricted, board=board, organisation=organisation))


def agenda_items_for(meeting: Meeting, user=None, restricted: bool = False):
    """The meeting's agenda items the reader may see (a user), or that the pack may hold (no user)."""
    items = AgendaItem.objects.filter(meeting=meeting)
    return _within(items, meeting, user, restricted, board="meeting__board_id",
                   organisation="meeting__board__organisation_id").order_by("order", "pk")


def plans_considered(meeting: Meeting, as_at: datetime.date, user=None, restricted: bool = False) -> list[Plan]:
    """The plans its board owns whose window includes `as_at`, plus those named in its agenda items; with a
    `user`, only those the user may see (through the agenda items they may see); with none, those a pack
    (`restricted` or not) may hold, by PackContentRule."""
    items = agenda_items_for(meeting, user, restricted).values("pk")
    candidates = Plan.objects.filter(Q(board=meeting.board) | Q(agenda_items__in=items))
    if user is not None:
        candidates = candidates.visible_to(user)
    else:
        candidates = candidates.filter(PackContentRule.allows(meeting, restricted, board="board_id",
                                                              organisation="organisation_id"))
    # Named by an agenda item: an annotation in the same query, not a second one.
    named = Exists(AgendaItem.plans.through.objects.filter(plan_id=OuterRef("pk"), agendaitem_id__in=items))
    candidates = (candidates.annotate(named_in_agenda=named).select_related("superseded_by", "board").distinct()
                  .order_by("start", "pk"))
    chosen = []
    for plan in candidates:
        start, end = plan.window_start, plan.window_end
        in_window = (start is None or start <= as_at) and (end is None or end >= as_at)
        if plan.named_in_agenda or in_window:
            chosen.append(plan)
    return chosen


def _plans_for_reader(meeting: Meeting, as_at: datetime.date, user, agenda) -> tuple[list[Plan], int]:
    """(plans_considered for `user`, how many more the board's restricted papers hold) in ONE query: the
    candidates of both, flagged by each rule (visible_to, PackContentRule) and by which agenda items name them.
    `agenda`: the meeting's agenda items the user may see, read already (split_agenda): their ids stand in for
    the rule's subquery, which the query would otherwise repeat (planning it took three times as long as running
    it, at benchmark scale)."""
    mine, papers = [item.pk for item in agenda], agenda_items_for(meeting, restricted=True).values("pk")
    through = AgendaItem.plans.through.objects
    # Named by an agenda item as a subquery, not a join: a join to the items gives a plan once per item naming it,
    # and the DISTINCT that undid that took longer to plan than the query took to run.
    named = through.filter(Q(agendaitem_id__in=mine) | Q(agendaitem_id__in=papers)).values("plan_id")
    candidates = (
        Plan.objects.filter(Q(board=meeting.board) | Q(pk__in=named))
        .annotate(seen=visible_flag(Plan, user, "pk"),
                  in_papers=ExpressionWrapper(PackContentRule.allows(meeting, True, board="board_id",
                                                                     organisation="organisation_id"),
                                              output_field=BooleanField()),
                  named_mine=Exists(through.filter(plan_id=OuterRef("pk"), agendaitem_id__in=mine)),
                  named_papers=Exists(through.filter(plan_id=OuterRef("pk"), agendaitem_id__in=papers)))
        .select_related("superseded_by", "board").order_by("start", "pk")
    )
    chosen, in_papers = [], 0
    for plan in candidates:
        start, end = plan.window_start, plan.window_end
        in_window = (start is None or start <= as_at) and (end is None or end >= as_at)
        owned = plan.board_id == meeting.board_id
        if plan.seen and (owned or plan.named_mine) and (plan.named_mine or in_window):
            plan.named_in_agenda = plan.named_mine
            chosen.append(plan)
        if plan.in_papers and (owned or plan.named_papers) and (plan.named_papers or in_window):
            in_papers += 1
    return chosen, max(0, in_papers - len(chosen))


def _rag_bar(counts: dict, *, title: str) -> str:
    """The dashboards' stacked RAG bar (a pattern, a word and a count on every segment, never colour alone)."""
    desc = "; ".join(f"{rag.label}: {counts.get(rag.value, 0)}" for rag in SEVERITY) + "."
    return stacked_bar(rag_segments(counts), title=title, desc=desc, width=600)


def build_report(meeting: Meeting, user=None, *, restricted: bool = False, board_meetings=None) -> dict:
    """Everything the highlight report shows, as plain values and model rows, plus `figures` (JSON-safe).

    With a `user`, only what they may see, and `plans_left_out` counts the plans the board's papers hold
    beyond them (an issued pack then differs from what this reader's live report can show). With none, what
    a pack holds (PackContentRule): `restricted` says whether the pack is not for publication.
    `board_meetings`: all the board's meetings with_position_date, when the caller has read them already."""
    as_at = meeting.position_date
    compare_meeting, next_meeting, last_met = _neighbours(meeting, as_at, board_meetings)
    compare_date = (compare_meeting.position_date if compare_meeting
                    else as_at - datetime.timedelta(days=DEFAULT_COMPARE_DAYS))
    # The same cut-off as the dashboard's "due before the next meeting": the day that meeting sits.
    horizon = (timezone.localdate(next_meeting.start) if next_meeting
               else as_at + datetime.timedelta(days=DEFAULT_LOOKAHEAD_DAYS))
    # A restricted item left out is still listed, by number and paragraph only (governance.restricted).
    agenda, withheld = split_agenda(meeting, user, restricted=restricted)
    if user is None:
        plans, plans_left_out = plans_considered(meeting, as_at, restricted=restricted), 0
    else:
        plans, plans_left_out = _plans_for_reader(meeting, as_at, user, agenda)
    plan_ids = [p.pk for p in plans]

    actions = report_actions(plans, as_at)
    # Every update by the position date, oldest first per action, in ONE query for all the plans, and the actions'
    # due-date history in one more: each action's rating at both dates and its due date then in force are folded
    # from them as ActionQuerySet.as_at would read them (plans.standing), the questions for the board fold over
    # them too, and each action's last update is the one that gives its rating.
    updates = plans_updates(plan_ids, as_at=as_at, extra=("revised_due_date",))
    by_action = updates_by_action(updates)
    history = _history(plan_ids)
    due_dates = _due_dates(history)
    stand(actions, as_at=as_at, compare=compare_date, by_action=by_action, due_dates=due_dates)
    rows = []
    for action in actions:
        update = by_action[action.pk][-1] if action.pk in by_action else None
        then = action.rag_then  # None: not in the plan at the comparison date
        rows.append({
            "action": action, "pk": action.pk, "reference": action.reference, "plan": action.theme.plan,
            "theme": action.theme, "lead": action.lead_name or action.lead_as_printed,
            "rag": action.current_rag, "rag_label": BY_VALUE[action.current_rag].label,
            "was_rag": then,
            "was_label": BY_VALUE[then].label if then else "Not in the plan",
            "due": action.due_in_force, "update": update, "evidence": action.evidence if update else "",
            "revised_due": update.revised_due_date if update else None,
            "overdue": action.due_in_force is not None and action.due_in_force < as_at and action.current_rag != RAG.BLUE,
        })

    moved_to_red = [r for r in rows if r["rag"] == RAG.RED and r["was_rag"] != RAG.RED]
    red = [r for r in rows if r["rag"] == RAG.RED]
    overdue = [r for r in rows if r["overdue"]]
    completed = [r for r in rows if r["rag"] == RAG.BLUE and r["was_rag"] != RAG.BLUE]
    revised = _revised_dates(rows, history, compare_date, as_at)

    # Each plan's ratings now and then, counted in one pass over each.
    tally_now = Counter((a.plan_id, a.current_rag) for a in actions)
    tally_then = Counter((a.plan_id, a.rag_then) for a in actions if a.rag_then is not None)
    plan_rows = []
    for plan in plans:
        now = {rag.value: tally_now[plan.pk, rag.value] for rag in SEVERITY}
        then = {rag.value: tally_then[plan.pk, rag.value] for rag in SEVERITY}
        plan_rows.append({
            "plan": plan, "counts": now, "was_counts": then, "total": sum(now.values()), "was_total": sum(then.values()),
            "count_rows": [{"rag": rag.value, "label": rag.label, "now": now[rag.value], "then": then[rag.value]}
                           for rag in SEVERITY],
            "chart": _rag_bar(now, title=f"{plan.title}: actions by rating as at {_day(as_at)}"),
        })

    milestones = _milestones(plan_ids, compare_date, as_at, horizon)
    measures = _measures(_within(Measure.objects.filter(plan__in=plan_ids), meeting, user, restricted,
                                 board="plan__board_id", organisation="plan__organisation_id"), compare_date, as_at)
    impact = _impact(plan_ids, compare_date, as_at)
    matters = _matters_arising(meeting, user, restricted)
    context = {
        "meeting": meeting, "board": meeting.board, "as_at": as_at, "compare_date": compare_date,
        "compare_meeting": compare_meeting, "next_meeting": next_meeting, "horizon": horizon, "plans": plan_rows,
        "sections": SECTIONS, "rows": rows, "red": red, "moved_to_red": moved_to_red, "overdue": overdue,
        "revised": revised, "completed": completed, "milestones_due": milestones["due"],
        "milestones_done": milestones["done"], "measures_moved": measures["moved"],
        "measures_count": measures["count"], "impact": impact, "matters": matters, "plans_left_out": plans_left_out,
        "agenda": agenda, "withheld_items": withheld,
        # What restricted content it holds, so the live report is labelled as the pack would be.
        "holds_restricted": any(p.restricted for p in plans) or any(i.restricted for i in agenda)
        or any(m["measure"].restricted for m in measures["moved"]),
        "compared_with": (f"the previous meeting on {_day(compare_meeting.position_date)}" if compare_meeting
                          else f"{_day(compare_date)} (28 days earlier: the board has no earlier meeting)"),
    }
    context["list_limit"] = LIST_LIMIT
    context["shown"] = {name: context[name][:LIST_LIMIT] for name in LISTED}
    context["more"] = {name: max(0, len(context[name]) - LIST_LIMIT) for name in LISTED}
    context["questions"] = _questions(context, actions, by_action, due_dates, last_met)
    context["shown"]["questions"] = context["questions"][:LIST_LIMIT]
    context["more"]["questions"] = max(0, len(context["questions"]) - LIST_LIMIT)
    context["summary"] = _summary(context)
    context["figures"] = figures_from(context)
    return context


def _neighbours(meeting, as_at, meetings=None) -> tuple:
    """(previous, next, last met) in ONE query of the board's meetings: the previous and next by position date,
    as Meeting.objects.comparison_date and next_meeting choose them, and the last to have started by the end of
    `as_at`, as the questions for the board read it."""
    if meetings is None:
        meetings = list(Meeting.objects.filter(board_id=meeting.board_id).with_position_date())
    earlier = [m for m in meetings if m.position_date_db < as_at]
    later = [m for m in meetings if m.position_date_db > as_at]
    started = [m for m in meetings if m.start <= end_of_day(as_at)]
    return (max(earlier, key=lambda m: (m.position_date_db, m.start), default=None),
            min(later, key=lambda m: (m.position_date_db, m.start), default=None),
            max(started, key=lambda m: m.start, default=None))


def _history(plan_ids) -> list[dict]:
    """The due-date history of the plans' actions, oldest first per action, in ONE query (the revised dates and
    the questions for the board both read it)."""
    return list(Action.history.filter(id__in=Action.objects.filter(theme__plan__in=plan_ids).values("pk"))
                .order_by("id", "history_date", "history_id")
                .values("id", "due_date", "history_date", "history_type", "history_change_reason"))


def _due_dates(history) -> dict:
    """{action pk: [(when, due date), ...]} as plans.questions.due_date_history gives it (a deleted earlier
    action with the same id starts the list again)."""
    found = defaultdict(list)
    for record in history:
        if record["history_type"] == "-":
            found[record["id"]] = []
            continue
        found[record["id"]].append((record["history_date"], record["due_date"]))
    return found


def _forecasts_slippage(row) -> bool:
    """The action's rating update forecasts a date other than the one in force, and it is not complete."""
    return bool(row["revised_due"]) and row["rag"] != RAG.BLUE and row["revised_due"] != row["due"]


def _revised_dates(rows, history, compare_date, as_at) -> list[dict]:
    """Actions whose due date moved between the two dates (with the reason kept in the history), and actions
    whose latest update forecasts a later date than the one in force (slippage, with what is being done)."""
    by_pk = {r["pk"]: r for r in rows}
    cutoff = end_of_day(as_at)
    found, previous = {}, {}
    for record in history:
        if record["id"] not in by_pk or record["history_date"] > cutoff:
            continue
        earlier = previous.get(record["id"])
        if (earlier is not None and record["due_date"] != earlier["due_date"]
                and record["history_date"] > end_of_day(compare_date)):
            found[record["id"]] = {"row": by_pk[record["id"]], "from": earlier["due_date"], "to": record["due_date"],
                                   "reason": record["history_change_reason"] or "No reason recorded",
                                   "kind": "Due date moved"}
        previous[record["id"]] = record
    for row in rows:
        if row["pk"] not in found and _forecasts_slippage(row):
            found[row["pk"]] = {"row": row, "from": row["due"], "to": row["revised_due"], "kind": "Revised date forecast",
                                "reason": row["update"].mitigation or row["update"].narrative}
    return [found[r["pk"]] for r in rows if r["pk"] in found]


def _milestones(plan_ids, compare_date, as_at, horizon) -> dict:
    """Milestones still to come that fall due before the next meeting, and those achieved or missed since the
    last: ONE query for both, told apart by the same QuerySet methods' rules."""
    ours = Milestone.objects.for_plans(plan_ids)
    # Every join is to one row (a milestone has one action or theme, one lead), so no row comes twice and there is
    # nothing for DISTINCT to do: it made planning the query over its hundred columns take 5 ms, ten times the run.
    both = ((ours.due_between(as_at, horizon) | ours.outcome_between(compare_date, as_at))
            .select_related("action__theme__plan", "theme__plan", "lead"))
    due, done = [], []
    for m in both:
        if not m.outcome and m.due_date and as_at < m.due_date <= horizon:
            due.append(m)
        if m.outcome and m.outcome_date and compare_date < m.outcome_date <= as_at:
            done.append(m)
    due.sort(key=lambda m: (m.due_date, m.pk))
    done.sort(key=lambda m: (m.outcome_date, m.pk))
    return {"due": due, "done": [{"milestone": m, "outcome": m.get_outcome_display(), "date": m.outcome_date}
                                 for m in done]}


def _shown(measure, value, status) -> str:
    if status:
        return MeasureValue.Status(status).label
    if value is None:
        return "No value"
    suffix = "%" if measure.unit == Measure.Unit.PERCENT else ""
    return f"{format_number(value)}{suffix}"


def _measures(ours, compare_date, as_at) -> dict:
    """Each measure's latest figure known by the position date against its latest known at the comparison date
    (Measure.objects.with_latest): a measure moved when that figure changed (a new period, or a correction).
    Its rating and direction of travel are the dashboards' (latest against the previous stored value)."""
    # The figure at the comparison date rides in the same query (with_latest_known). Only the measures that moved
    # are rated, here by the rules themselves (with_latest's SQL of them was most of the query's length).
    # Neither the plan nor the theme comes with each measure: the report names the measure alone.
    # Only what the report prints and rates by: the measure's name and rule fields, and the three figures (three
    # subqueries fewer than every field of each, and no long texts).
    measures = list(ours.with_latest_values(as_at, latest=("value", "status", "period_end"),
                                            previous=("value", "status"))
                    .with_latest_known(compare_date, prefix="was_")
                    .only("name", "kind", "unit", "polarity", "target", "tolerance", "restricted",
                          "exemption_paragraph", "plan_id", "theme_id")
                    .order_by("plan__start", "plan_id", "theme__order", "order", "pk"))
    moved = []
    for measure in measures:
        now = (measure.latest_period_end, measure.latest_value, measure.latest_status)
        before = (measure.was_period_end, measure.was_value, measure.was_status)
        if measure.latest_period_end is None or now == before:
            continue
        rating = MeasureRagRule.rate(kind=measure.kind, polarity=measure.polarity, target=measure.target,
                                     tolerance=measure.tolerance, value=measure.latest_value,
                                     status=measure.latest_status or "")
        qualitative = measure.kind == Measure.Kind.QUALITATIVE
        direction = DirectionOfTravelRule.read(
            kind=measure.kind, polarity=measure.polarity,
            current=measure.latest_status if qualitative else measure.latest_value,
            previous=measure.previous_status if qualitative else measure.previous_value)
        moved.append({"measure": measure, "period": measure.latest_period_end,
                      "shown": _shown(measure, measure.latest_value, measure.latest_status),
                      "previous_shown": _shown(measure, before[1], before[2]) if before[0] else "No value",
                      "rating": rating, "rating_label": rating.label, "direction": direction})
    return {"moved": moved, "count": len(measures)}


def _impact(plan_ids, compare_date, as_at) -> list[dict]:
    """Each theme's latest impact assessment by the position date; new ones since the last meeting marked."""
    found = {}
    # Counted as Theme.objects.with_latest_impact counts: assessed by the day and recorded by its end.
    for assessment in (ImpactAssessment.objects.filter(theme__plan__in=plan_ids, assessed_on__lte=as_at,
                                                       created_at__lte=end_of_day(as_at))
                       .select_related("theme__plan").order_by("theme__plan__start", "theme__order", "-assessed_on",
                                                               "-created_at", "-pk")):
        found.setdefault(assessment.theme_id, assessment)
    return [{"assessment": a, "theme": a.theme, "level": a.get_level_display(), "new": a.assessed_on > compare_date}
            for a in found.values()]


def _matters_arising(meeting, user=None, restricted: bool = False) -> list:
    """Open decisions, actions and recommendations carried forward from the board's earlier meetings (a
    restricted meeting's only where the reader may see that meeting)."""
    items = LogItem.objects.matters_arising(meeting).exclude(meeting=meeting)
    items = (items.visible_to(user) if user is not None else items.filter(PackContentRule.allows(
        meeting, restricted, board="meeting__board_id", organisation="meeting__board__organisation_id",
        prefix="meeting__")))
    return list(items.select_related("meeting", "owner"))


def _questions(context, actions, by_action, due_dates, last_met) -> list[dict]:
    """The questions for the board: the dashboards' rules (plans.questions) for each plan, then what the report's
    own sections raise (Red with no recovery date, measures off target and worsening, impact not yet evident).
    `by_action`: the actions' updates grouped (plans.standing.updates_by_action); `due_dates`: their due-date records
    (_due_dates)."""
    questions = []
    board_id = context["meeting"].board_id
    # Each plan's actions, sorted out in one pass (the updates come grouped by action already).
    plan_actions = defaultdict(list)
    for action in actions:
        plan_actions[action.plan_id].append(action)
    found = []  # (rule's place, plan's place, plan, result)
    for plan_place, p in enumerate(context["plans"]):
        plan = p["plan"]
        # The report's meetings are its own board's: a plan of another board reads that board's last meeting.
        met = last_met if plan.board_id == board_id else False
        results = questions_for_board(plan, as_at=context["as_at"], actions=plan_actions[plan.pk],
                                      history=due_dates, last_met=met, by_action=by_action)
        found += [(rule_place, plan_place, plan, result) for rule_place, result in enumerate(results) if result.actions]
    # Question by question, then plan by plan: why a question matters is said once, at its first plan
    # ("why_shown"), not again for every plan it is asked of.
    found.sort(key=lambda item: item[:2])
    for _rule, _place, plan, result in found:
        # The first few references, as the dashboard names them: a question over hundreds of actions listed
        # every one, and seven of a pack's twenty pages were references.
        named = result.actions[:QUESTION_REFERENCES]
        refs = ", ".join(a.reference for a in named)
        if len(result.actions) > len(named):
            refs += f" and {len(result.actions) - len(named)} more: the plan's dashboard lists them all"
        questions.append({"question": f"{result.title}: {_plural(len(result.actions), 'action')} in "
                                      f"{plan.title} ({refs}).", "why": result.why,
                          "why_shown": not questions or questions[-1]["why"] != result.why})
    for row in context["red"]:
        if not row["revised_due"]:
            questions.append({"question": f"Action {row['reference']} ({row['plan'].title}) is Red with no revised "
                                          "date: when will it be delivered, and what help is needed?",
                              "why": "", "why_shown": False})
    for item in context["measures_moved"]:
        if item["rating"] == MeasureRating.RED and item["direction"].code == "worsening":
            questions.append({"question": f"“{item['measure']}” is below target and worsening: what is being done?",
                              "why": "", "why_shown": False})
    for item in context["impact"]:
        if item["assessment"].level == ImpactAssessment.Level.NOT_YET_EVIDENT:
            questions.append({"question": f"{item['theme'].plan.get_part_word_display()} {item['theme'].number}: "
                                          "impact is not yet evident. Is anyone better off?",
                              "why": "", "why_shown": False})
    return questions


def _next_meeting_words(meeting) -> str:
    return f"the next meeting on {_day(timezone.localdate(meeting.start))}"


def _summary(context) -> list[str]:
    """The first page in words as well as numbers."""
    since = _day(context["compare_date"])
    total = len(context["rows"])
    counts = Counter(r["rag"] for r in context["rows"])
    lines = [
        f"{_plural(total, 'action')} in {_plural(len(context['plans']), 'plan')}, as at {_day(context['as_at'])}, "
        f"compared with {context['compared_with']}.",
        "By rating: " + ", ".join(f"{counts.get(rag.value, 0)} {rag.label}" for rag in SEVERITY) + ".",
        f"{_plural(len(context['moved_to_red']), 'action')} moved to Red since {since}.",
        f"{_plural(len(context['overdue']), 'action')} overdue.",
        f"{_plural(len(context['revised']), 'action')} with a revised date.",
        f"{_plural(len(context['completed']), 'action')} completed since {since}.",
        f"{_plural(len(context['milestones_due']), 'milestone')} due before "
        + (_next_meeting_words(context["next_meeting"]) + "." if context["next_meeting"]
           else f"{_day(context['horizon'])} (no next meeting is set)."),
        f"{_plural(len(context['milestones_done']), 'milestone')} achieved or missed since {since}.",
        f"{_plural(len(context['measures_moved']), 'Vital Sign')} moved since {since}, of "
        f"{context['measures_count']}.",
        f"{_plural(len(context['matters']), 'matter')} arising from the action log.",
    ]
    left_out = context["plans_left_out"]
    if left_out:
        lines.append(f"{_plural(left_out, 'plan')} the meeting considers {'is' if left_out == 1 else 'are'} left out: "
                     "you may not see them here. The board's issued packs include every plan.")
    return lines


def figures_from(context) -> dict:
    """The figures the report shows, JSON-serialisable: what an issued pack stores and the live view diffs."""
    def iso(day):
        return day.isoformat() if day else None

    return {
        "as_at": iso(context["as_at"]),
        "compare_date": iso(context["compare_date"]),
        "plans": {str(p["plan"].pk): {"title": p["plan"].title, "counts": p["counts"]} for p in context["plans"]},
        "actions": {
            str(r["pk"]): {"reference": r["reference"], "plan": r["plan"].title, "theme": r["theme"].number,
                           "rag": r["rag"], "due": iso(r["due"]), "revised_due": iso(r["revised_due"]),
                           "update": r["update"].pk if r["update"] else None}
            for r in context["rows"]
        },
        "moved_to_red": [r["pk"] for r in context["moved_to_red"]],
        "overdue": [r["pk"] for r in context["overdue"]],
        "completed": [r["pk"] for r in context["completed"]],
        "milestones_due": [m.pk for m in context["milestones_due"]],
        "milestones_done": {str(m["milestone"].pk): m["outcome"] for m in context["milestones_done"]},
        "measures": {str(m["measure"].pk): {"name": str(m["measure"]), "period_end": iso(m["period"]),
                                            "value": m["shown"], "rating": m["rating"].value}
                     for m in context["measures_moved"]},
        "impact": {str(i["theme"].pk): {"level": i["assessment"].level, "assessed_on": iso(i["assessment"].assessed_on)}
                   for i in context["impact"]},
        "matters_arising": [item.pk for item in context["matters"]],
    }
