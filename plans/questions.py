"""Questions for the board: patterns in the reporting that honest scrutiny should challenge.

Each pattern is a named rule class whose docstring says what it looks for and why it matters. They run in
Python over the rows of ONE query of the plan's updates up to the as-at date (and one of the actions'
history, for moved due dates), so the page's query count stays fixed however many actions there are.
"""

import datetime
import functools
import inspect
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import timezone

from governance.models import Meeting

from .models import Action
from .positions import plan_updates
from .querysets import end_of_day
from .rag import RAG
from .standing import due_in_force, updates_by_action


@functools.lru_cache(maxsize=4096)
def normalise(text: str) -> str:
    """Text as compared by the rules: case and runs of whitespace ignored. Remembered: a narrative copied
    forward (what the rules look for) comes back update after update."""
    return " ".join((text or "").split()).casefold()


@dataclass(slots=True)
class ActionRecord:
    """What the rules read about one action as at the date: its updates oldest first, its due-date history
    (when, due date) oldest first, and the board's last meeting."""

    action: Action
    as_at: datetime.date
    # The end of the as-at day (end_of_day), and below the day the board last met: the same for every action of a
    # plan, so questions_for_board works them out once (time zone arithmetic, per action, was a tenth of the report).
    cutoff: datetime.datetime
    updates: list = field(default_factory=list)
    due_dates: list = field(default_factory=list)
    board_last_met: Meeting | None = None
    board_last_met_on: datetime.date | None = None
    plan_is_history: bool = False

    def due_in_force_on(self, day: datetime.date):
        """The due date at the end of `day`, read as ActionQuerySet.as_at reads it: the latest history record
        by then, else the earliest record (the value as loaded), else the due date as it stands."""
        return due_in_force(self.due_dates, end_of_day(day), self.action.due_date)


# Ratings as stored, for the comparisons the rules make thousands of times (a plain string compares faster
# than the enum member, which equals it).
_GREEN, _RED, _AMBER, _BLUE = RAG.GREEN.value, RAG.RED.value, RAG.AMBER.value, RAG.BLUE.value
_RED_OR_AMBER = frozenset((_RED, _AMBER))


RUN = 3  # "three or more updates in a row"


def _has_run(keys, length: int = RUN) -> bool:
    """Whether `length` consecutive keys (one per update, in order) are the same (a key of None breaks every run).
    Counted as it goes, stopping at the first such run: the dashboard asks this of every action's updates."""
    last, count = None, 0
    for value in keys:
        if value is None:
            last, count = None, 0
            continue
        count = count + 1 if value == last else 1
        last = value
        if count >= length:
            return True
    return False


class QuestionRule:
    """A pattern in an action's record that the board should ask about."""

    code = ""
    title = ""

    @classmethod
    def why(cls) -> str:
        return inspect.cleandoc(cls.__doc__ or "")

    @classmethod
    def applies(cls, record: ActionRecord) -> bool:
        raise NotImplementedError


class SameGreenNarrativeRule(QuestionRule):
    """Green for three or more updates in a row with the same narrative (ignoring case and whitespace).

    A copied-forward update says nothing new: the rating may be habit rather than evidence. Ask what has
    actually happened since the last report."""

    code = "same_green_narrative"
    title = "Green three or more times in a row with the same words"

    @classmethod
    def applies(cls, record):
        if len(record.updates) < RUN:
            return False
        return _has_run(normalise(update.narrative) if update.rag == _GREEN else None for update in record.updates)


class GreenToRedRule(QuestionRule):
    """Green straight to Red, with no Amber in between.

    Risks should show as Amber before delivery fails; a jump from on track to off track suggests the earlier
    Greens were optimistic or the risk was not reported. Ask what was known before."""

    code = "green_to_red"
    title = "Went from Green straight to Red"

    @classmethod
    def applies(cls, record):
        previous = None
        for update in record.updates:
            if update.rag == _RED and previous == _GREEN:
                return True
            previous = update.rag
        return False


class SameMitigationRule(QuestionRule):
    """Red or Amber for three updates in a row with the same mitigation (ignoring case and whitespace).

    A mitigation that has not changed over three reports is not working, or is not being acted on. Ask what
    will be done differently."""

    code = "same_mitigation"
    title = "Red or Amber three times with the same mitigation"

    @classmethod
    def applies(cls, record):
        if len(record.updates) < RUN:
            return False
        return _has_run((normalise(update.mitigation) or None) if update.rag in _RED_OR_AMBER else None
                        for update in record.updates)


class DueDateMovedRule(QuestionRule):
    """The due date moved more than once (from the action's history, up to the as-at date).

    A date moved once can be planning; moved again and again, the action is slipping while its rating may
    still say on track. Ask whether the new date is realistic and what the delay costs children."""

    code = "due_date_moved"
    title = "Due date moved more than once"

    @classmethod
    def applies(cls, record):
        if len(record.due_dates) < 3:  # moving twice takes three records
            return False
        dates = [due for when, due in record.due_dates if when <= record.cutoff]
        return sum(1 for a, b in zip(dates, dates[1:], strict=False) if a != b) >= 2


class LateBlueAfterRedsRule(QuestionRule):
    """Blue within 7 days of the due date in force, straight after two or more Reds.

    Completion declared just as the deadline arrives, after a run of Reds, may be a closure to meet the
    date rather than an achieved outcome. Ask to see the evidence of impact."""

    code = "late_blue_after_reds"
    title = "Completed at the deadline straight after Reds"
    DAYS = 7

    @classmethod
    def applies(cls, record):
        reds = 0
        for update in record.updates:
            if update.rag == _BLUE and reds >= 2:
                day = timezone.localdate(update.created_at)
                due = record.due_in_force_on(day)
                if due is not None and abs((due - day).days) <= cls.DAYS:
                    return True
            reds = reds + 1 if update.rag == _RED else 0
        return False


class NoUpdateSinceBoardMetRule(QuestionRule):
    """No update since the owning board last met (for an action not complete, in a live plan, and in the plan
    by that meeting).

    The board is being asked to rely on a position older than its last look at the plan. Ask the lead for
    a current update before the next meeting."""

    code = "no_update_since_board_met"
    title = "No update since the board last met"

    @classmethod
    def applies(cls, record):
        meeting, action = record.board_last_met, record.action
        if meeting is None or record.plan_is_history or RAG(action.current_rag) == RAG.BLUE:
            return False
        if action.added_on > record.board_last_met_on:
            return False
        return not record.updates or record.updates[-1].created_at < meeting.start


RULES = [SameGreenNarrativeRule, GreenToRedRule, SameMitigationRule, DueDateMovedRule, LateBlueAfterRedsRule,
         NoUpdateSinceBoardMetRule]


@dataclass(frozen=True)
class QuestionResult:
    """One question for the board: the rule's code, its title, why it matters, and the actions it found."""

    rule: str
    title: str
    why: str
    actions: list


def due_date_history(actions) -> dict:
    """{action pk: [(when, due date), ...] oldest first} from the actions' history: one query. Records of an
    earlier action that had the same id and was deleted are left out."""
    pks = [action.pk for action in actions]
    found = defaultdict(list)
    records = (Action.history.model.objects.filter(id__in=pks).order_by("id", "history_date", "history_id")
               .values_list("id", "history_date", "history_type", "due_date"))
    for pk, when, kind, due in records:
        if kind == "-":
            found[pk] = []
            continue
        found[pk].append((when, due))
    return found


def board_last_met(plan, as_at: datetime.date) -> Meeting | None:
    """The owning board's last meeting to have started by the end of `as_at` (None with no board or no meeting)."""
    if not plan.board_id:
        return None
    return Meeting.objects.filter(board_id=plan.board_id, start__lte=end_of_day(as_at)).order_by("-start").first()


def questions_for_board(plan, *, as_at: datetime.date, actions=None, updates=None, history=None,
                        last_met=False, by_action=None) -> list[QuestionResult]:
    """Every rule run over every action in the plan at `as_at`, in RULES order, with the actions each finds
    (rules that find nothing are included, with no actions, so a page can say so). Queries: the action
    history and the board's last meeting, plus the actions and the updates unless passed in (`by_action`: the
    updates grouped already, as plans.standing.updates_by_action groups them)."""
    if actions is None:
        actions = list(Action.objects.for_plan(plan).as_at(as_at).select_related("theme")
                       .order_by("theme__order", "order", "pk"))
    if by_action is None:
        by_action = updates_by_action(plan_updates(plan, as_at=as_at) if updates is None else updates)
    # A caller covering several plans (the highlight report) passes the history and the board's last meeting
    # (last_met None: none), read once for all of them.
    if history is None:
        history = due_date_history(actions)
    if last_met is False:
        last_met = board_last_met(plan, as_at)
    cutoff, met_on = end_of_day(as_at), timezone.localdate(last_met.start) if last_met else None
    records = [ActionRecord(action=action, as_at=as_at, updates=by_action.get(action.pk, []),
                            due_dates=history.get(action.pk, []), board_last_met=last_met,
                            plan_is_history=plan.is_history, cutoff=cutoff, board_last_met_on=met_on)
               for action in actions]
    return [QuestionResult(rule=rule.code, title=rule.title, why=rule.why(),
                           actions=[record.action for record in records if rule.applies(record)])
            for rule in RULES]
