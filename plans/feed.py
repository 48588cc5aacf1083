"""The position feed: a plan's actions and RAG counts as at the end of a London day, for data teams.

The layout is a contract with Power BI and Excel users (README, "Position feed for data teams"): keys in
this order, fields only ever added, never renamed or removed.
"""

from __future__ import annotations

import datetime
import re

from django.utils import timezone

from .exports import formula_safe
from .models import Action, Plan, Theme
from .rag import RAG

ACTION_FIELDS = ["theme", "reference", "rag", "rated_at", "due_date", "lead", "lead_name"]
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


class BadDate(ValueError):
    """An as_at the feed cannot answer for; the message is shown to the caller."""


def parse_as_at(value: str | None, today: datetime.date) -> datetime.date:
    """YYYY-MM-DD, not after today; no value means today."""
    if value is None or value == "":
        return today
    if not _ISO_DAY.fullmatch(value):
        raise BadDate(f"as_at must be a date written YYYY-MM-DD, for example {today.isoformat()}; got {value!r}")
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        raise BadDate(f"as_at {value} is not a real date") from None
    if day > today:
        raise BadDate(f"as_at {value} is in the future: the position is known up to today, {today.isoformat()}")
    return day


def _counts(ratings) -> dict:
    counts = {rag.label: 0 for rag in RAG}
    for rating in ratings:
        counts[RAG(rating).label] += 1
    return counts


def _action(action: Action) -> dict:
    rated_at = timezone.localtime(action.last_updated).isoformat() if action.last_updated else None
    return {
        "theme": action.theme.number,
        "reference": action.reference,
        "rag": RAG(action.current_rag).label,
        "rated_at": rated_at,
        "due_date": action.due_in_force.isoformat() if action.due_in_force else None,
        # As the JSON export writes them: the lead as printed in the plan, and the linked person's name.
        "lead": action.lead_as_printed or None,
        "lead_name": action.lead.name if action.lead else None,
    }


def position(plan: Plan, day: datetime.date, user) -> dict:
    """The plan as it stood at the end of `day`, limited to what `user` may see. Two queries: the plan's
    themes, and its actions as at the day (rating, rating time and due date in force, with theme and lead)."""
    themes = list(Theme.objects.filter(plan=plan).order_by("order", "pk"))
    actions = list(
        Action.objects.visible_to(user).for_plan(plan).as_at(day)
        .select_related("theme", "lead").order_by("theme__order", "theme_id", "order", "pk")
    )
    by_theme = {theme.pk: [] for theme in themes}
    for action in actions:
        by_theme[action.theme_id].append(action.current_rag)
    return {
        "plan": plan.slug,
        "as_at": day.isoformat(),
        "counts": _counts(action.current_rag for action in actions),
        "themes": [{"number": theme.number, "title": theme.title, "counts": _counts(by_theme[theme.pk])}
                   for theme in themes],
        "actions": [_action(action) for action in actions],
        # Added last, as the contract allows: a restricted plan is not for publication, and whoever reads the
        # feed must not republish it (only its insiders get it: governance.visibility).
        "restricted": plan.restricted,
        "exemption_paragraph": plan.exemption_paragraph if plan.restricted else None,
    }


def csv_rows(document: dict):
    """The feed's actions as CSV rows, header first; text that a spreadsheet would run is neutralised."""
    yield ACTION_FIELDS
    for action in document["actions"]:
        yield ["" if action[key] is None else formula_safe(str(action[key])) for key in ACTION_FIELDS]
