"""A scrutiny deep dive: one theme as it stood at a meeting's position date, for committee members."""

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from plans.models import Action, ImpactAssessment, Measure, Milestone, Objective, Plan, ProgressUpdate, Theme
from plans.permissions import is_admin, person_of
from plans.querysets import end_of_day

from ..models import AgendaItem, Meeting


def _can_record_theme_milestones(user, theme) -> bool:
    """plans.permissions.can_record_milestone_outcome for a theme's milestones, asked once for them all."""
    if is_admin(user, theme.plan.organisation_id):
        return True
    person = person_of(user)
    return (person is not None and user.has_perm("plans.add_progressupdate")
            and theme.leads.filter(pk=person.pk).exists())


def deep_dive(request, pk, theme_pk):
    """Queries: the meeting; the theme (only one the meeting's agenda considered); the agenda items that
    considered it; objectives; actions as at the position date with their updates by then (2); measures with
    the values known then; impact assessments by then with their measures (2); the theme's code table; its
    milestones; then the permission check's few."""
    meeting = get_object_or_404(Meeting.objects.visible_to(request.user).select_related("board"), pk=pk)
    day = meeting.position_date
    # Only the agenda items the reader may see: a restricted item's theme is no deep dive for anyone outside it.
    seen_items = AgendaItem.objects.visible_to(request.user).filter(meeting=meeting)
    considered = AgendaItem.themes.through.objects.filter(agendaitem__in=seen_items).values("theme_id")
    theme = (Theme.objects.filter(plan__in=Plan.objects.visible_to(request.user), pk__in=considered)
             .select_related("plan").filter(pk=theme_pk).first())
    if theme is None:
        raise Http404("This meeting's agenda did not consider that theme.")
    items = seen_items.filter(themes=theme).order_by("order", "pk")
    objectives = Objective.objects.filter(theme=theme).order_by("order", "pk")
    updates = (ProgressUpdate.objects.filter(created_at__lte=end_of_day(day))
               .select_related("author__person").order_by("-created_at", "-pk"))
    actions = (Action.objects.visible_to(request.user).filter(theme=theme).as_at(day)
               .select_related("lead", "objective")
               .prefetch_related(Prefetch("progress_updates", queryset=updates, to_attr="updates_by_then"))
               .order_by("order", "pk"))
    measures = (Measure.objects.visible_to(request.user).filter(theme=theme).with_latest(day)
                .order_by("order", "pk"))
    assessments = (ImpactAssessment.objects.filter(theme=theme, assessed_on__lte=day,
                                                   created_at__lte=end_of_day(day))
                   .prefetch_related(Prefetch("measures", queryset=Measure.objects.visible_to(request.user)))
                   .order_by("-assessed_on", "-created_at", "-pk"))
    code_table = theme.code_table.select_related("recommendation__finding").order_by("order", "pk")
    milestones = Milestone.objects.visible_to(request.user).filter(theme=theme).order_by("due_date", "order", "pk")
    return render(request, "governance/deep_dive.html", {
        "meeting": meeting, "board": meeting.board, "theme": theme, "plan": theme.plan, "day": day,
        "items": items, "objectives": objectives, "actions": actions, "measures": measures,
        "assessments": assessments, "code_table": code_table, "milestones": milestones,
        "recorded_by_then": end_of_day(day),
        "can_record_milestones": _can_record_theme_milestones(request.user, theme),
        "page_title": f"Deep dive: {theme.plan.get_part_word_display()} {theme.number}, {meeting}",
    })
