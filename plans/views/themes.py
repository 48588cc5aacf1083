"""A theme's page (what it means, delivery beside impact, the impact history) and the impact assessment form."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from ..forms_impact import ImpactAssessmentForm
from ..impact import SustainedImpactRule, level_choices_with_meanings
from ..measures import MeasureRagRule
from ..models import Action, Measure, Plan, Theme
from ..permissions import can_assess_theme, get_theme_for_assessment
from ..positions import theme_months
from ..services import record_impact_assessment


def theme_detail(request, pk):
    """Queries: theme (plan, RAG counts, latest impact), leads, assessments (authors), their measures, the
    theme's measures, their values, actions with ratings, the updates its monthly chart folds; then
    the permission check's few."""
    theme = get_object_or_404(
        Theme.objects.filter(plan__in=Plan.objects.visible_to(request.user)).select_related("plan__superseded_by")
        .with_rag_counts().with_latest_impact(), pk=pk)
    leads = list(theme.leads.all())
    # The measures cited through the visibility rule: a restricted measure is named only to those inside it.
    cited = Prefetch("measures", queryset=Measure.objects.visible_to(request.user))
    assessments = list(theme.impact_assessments.select_related("author__person").prefetch_related(cited)
                       .order_by("-assessed_on", "-created_at", "-pk"))
    measures = list(Measure.objects.visible_to(request.user).filter(theme=theme)
                    .prefetch_related("values").order_by("order", "pk"))
    for measure in measures:
        # Values come newest first (MeasureValue.Meta.ordering); rated in Python, no query per measure.
        measure.latest_value = next(iter(measure.values.all()), None)
        measure.latest_rating = MeasureRagRule.for_value(measure, measure.latest_value)
    actions = list(Action.objects.visible_to(request.user).filter(theme=theme).with_current_rag()
                   .select_related("lead").order_by("order", "pk"))
    months_to = theme.plan.default_as_at(timezone.localdate())
    return render(request, "plans/theme_detail.html", {
        "theme": theme, "plan": theme.plan, "leads": leads, "assessments": assessments,
        "latest": assessments[0] if assessments else None, "measures": measures, "actions": actions,
        "rag_rows": _rag_rows(theme), "can_assess": can_assess_theme(request.user, theme),
        "levels": level_choices_with_meanings(),
        "months": theme_months(theme, as_at=months_to, actions=actions), "months_to": months_to,
        "page_title": f"{theme.plan.get_part_word_display()} {theme.number}: {theme.title}",
    })


def _rag_rows(theme):
    """The theme's delivery counts as (rating, count) rows, worst first, from its annotations."""
    from ..rag import SEVERITY

    return [(rag, getattr(theme, f"{rag.value}_count")) for rag in SEVERITY]


def record_impact(request, pk):
    """Record an impact assessment. 403 before reading the form for anyone but the theme's leads and admins."""
    theme = get_theme_for_assessment(request, pk)
    measures = Measure.objects.visible_to(request.user).filter(theme=theme).order_by("order", "pk")
    if request.method == "POST":
        form = ImpactAssessmentForm(request.POST, measures=measures)
        if form.is_valid():
            try:
                record_impact_assessment(theme=theme, author=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, f"Impact assessment for {theme.plan.get_part_word_display().lower()} "
                                          f"{theme.number} saved.")
                return redirect("plans:theme", pk=theme.pk)
    else:
        form = ImpactAssessmentForm(measures=measures)
    # Each measure with its latest two ratings as known at the date entered (today until one is), so the
    # officer sees which can support Sustained before choosing it.
    as_at = (getattr(form, "cleaned_data", None) or {}).get("assessed_on") or timezone.localdate()
    chosen = {str(pk) for pk in (form["measures"].value() or [])}
    measure_rows = [(streak, str(streak.measure.pk) in chosen) for streak in SustainedImpactRule.streaks(measures, as_at)]
    return render(request, "plans/impact_form.html", {
        "theme": theme, "plan": theme.plan, "form": form, "levels": level_choices_with_meanings(),
        "measure_rows": measure_rows,
        "page_title": f"Assess the impact of {theme.plan.get_part_word_display().lower()} {theme.number}",
    })
