"""The highlight report's actions: the columns it prints of each, read as plain values, not Action instances.

A council's plans hold thousands of actions; building a model object for each (and the theme of each) was a fifth
of the report's time, for a report that prints a reference, an activity and a lead of a few dozen of them.
"""

from django.db.models import F, Subquery

from plans.models import Action, Theme
from plans.querysets import latest_updates

# What the report prints of an action's theme (its number and title, under its plan, in order).
THEME_FIELDS = ("plan_id", "number", "title", "order")


class ReportAction:
    """One action in the report: its own columns (FIELDS), its lead's name, the evidence of the update that gives it its
    rating (as at the report's date), its theme, and the standing that
    plans.standing folds for it (current_rag, last_updated, due_in_force, rag_then). The questions for the board read
    it as they read an Action."""

    FIELDS = ("pk", "theme_id", "reference", "activity", "due_date", "added_on", "lead_as_printed", "lead_name",
              "evidence")
    __slots__ = (*FIELDS, "theme", "plan_id", "current_rag", "last_updated", "due_in_force", "rag_then")

    def __init__(self, pk, theme_id, reference, activity, due_date, added_on, lead_as_printed, lead_name, evidence):
        self.pk, self.theme_id, self.reference, self.activity = pk, theme_id, reference, activity
        self.due_date, self.added_on, self.lead_as_printed, self.lead_name = due_date, added_on, lead_as_printed, lead_name
        self.evidence = evidence

    def __str__(self) -> str:
        return self.reference


def report_actions(plans, as_at) -> list[ReportAction]:
    """The actions of `plans` in their plans by the end of `as_at`, in the report's order (plan, theme, action), each
    with one shared Theme per theme (holding THEME_FIELDS, its plan the one passed): ONE query."""
    by_plan = {plan.pk: plan for plan in plans}
    rows = (Action.objects.filter(theme__plan__in=list(by_plan)).in_plan_at(as_at)
            .annotate(lead_name=F("lead__name"), evidence=Subquery(latest_updates(as_at).values("evidence")[:1]),
                      **{f"theme_{name}": F(f"theme__{name}") for name in THEME_FIELDS})
            .order_by("theme__plan__start", "theme__plan_id", "theme__order", "order", "pk")
            .values_list(*ReportAction.FIELDS, *(f"theme_{name}" for name in THEME_FIELDS)))
    found, themes, width = [], {}, len(ReportAction.FIELDS)
    for row in rows:
        action = ReportAction(*row[:width])
        theme = themes.get(action.theme_id)
        if theme is None:
            theme = themes[action.theme_id] = Theme.from_db(rows.db, ["id", *THEME_FIELDS],
                                                            [action.theme_id, *row[width:]])
            theme.plan = by_plan[theme.plan_id]
        action.theme, action.plan_id = theme, theme.plan_id
        found.append(action)
    return found
