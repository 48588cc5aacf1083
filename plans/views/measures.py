"""Measure pages: a plan's Vital Signs report (and its downloads), a measure's page, entering a value."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from governance import audit
from ui.charts import series_chart

from .. import vital_signs as report
from ..forms_measures import AsAtForm, MeasureValueForm
from ..measures import MeasureRagRule, format_value
from ..models import Measure, MeasureValue, Plan
from ..permissions import can_enter_measure_value, get_measure_for_entry
from ..services import record_measure_value


def _plan_and_day(request, slug):
    """The plan (visible to the user; select_related its successor for the default day) and the as-at form."""
    plan = get_object_or_404(Plan.objects.visible_to(request.user).select_related("superseded_by"), slug=slug)
    form = AsAtForm(request.GET)
    day = None
    if form.is_valid():
        day = form.cleaned_data["as_at"] or plan.default_as_at(timezone.localdate())
    return plan, form, day


def vital_signs(request, slug):
    """A plan's measures by theme as at a day: 3 queries (plan, measures with ratings, recent values)."""
    plan, form, day = _plan_and_day(request, slug)
    if day is None:
        return render(request, "plans/vital_signs.html", {"plan": plan, "form": form, "report": None,
                                                          "page_title": f"Vital Signs: {plan}"}, status=400)
    built = report.vital_signs(plan, as_at=day, user=request.user)
    return render(request, "plans/vital_signs.html", {
        "plan": plan, "form": form, "report": built, "as_at": day, "is_today": day == timezone.localdate(),
        "spark_periods": report.SPARK_PERIODS,
        "page_title": f"Vital Signs: {plan}",
    })


def vital_signs_download(request, slug, fmt):
    """The same rows as the report, as CSV or XLSX."""
    if fmt not in report.DOWNLOAD_TYPES:
        raise Http404("Unknown download format")
    plan, form, day = _plan_and_day(request, slug)
    if day is None:
        errors = "; ".join(str(e) for errors in form.errors.values() for e in errors)
        return HttpResponse(f"as_at: {errors}", status=400, content_type="text/plain; charset=utf-8")
    built = report.vital_signs(plan, as_at=day, user=request.user)
    response = HttpResponse(report.download(built, fmt), content_type=report.DOWNLOAD_TYPES[fmt])
    audit.record("exported", obj=plan, detail=f"Vital Signs as {fmt.upper()} as at {day.isoformat()}", request=request)
    response["Content-Disposition"] = f'attachment; filename="{report.filename(built, fmt)}"'
    return response


def _value_history(measure):
    """Every recorded change of the measure's values, newest first, each with what it replaced (one query)."""
    records = list(MeasureValue.history.filter(measure_id=measure.pk).select_related("history_user")
                   .order_by("id", "history_date", "history_id"))
    rows, previous = [], {}
    for record in records:
        before = previous.get(record.id)
        rows.append({
            "when": record.history_date, "who": record.history_user, "period_end": record.period_end,
            "kind": {"+": "Entered", "~": "Corrected", "-": "Deleted"}[record.history_type],
            "shown": format_value(measure, record.value, record.status),
            "replaced": format_value(measure, before.value, before.status) if before else "",
            "reason": record.history_change_reason or "", "is_demo": record.is_demo,
        })
        previous[record.id] = record
    return sorted(rows, key=lambda row: row["when"], reverse=True)


def measure_detail(request, pk):
    """A measure's whole series as a chart and a table, with its notes, comparators and the values' history.

    Queries: the measure with its latest rating (select_related plan, theme, owner), its recommendations, its
    values, their history."""
    measure = get_object_or_404(
        Measure.objects.visible_to(request.user).with_latest().select_related("plan", "theme", "owner")
        .prefetch_related("recommendations"), pk=pk)
    values = list(measure.values.select_related("entered_by").order_by("period_end"))
    rows = [{"value": value, "shown": format_value(measure, value.value, value.status),
             "rating": MeasureRagRule.for_value(measure, value),
             "comparators": [(name, format_value(measure, figure)) for name, figure in (
                 ("England", value.england), ("Statistical neighbours", value.neighbours),
                 ("Region", value.region)) if figure is not None]} for value in values]
    chart = None
    if measure.kind == Measure.Kind.QUANTITATIVE and values:
        chart = series_chart(
            [(f"{v.period_end:%b %Y}", v.value) for v in values],
            title=f"{measure.name}: every value"[:300],
            desc=(f"{len(values)} values from {values[0].period_end:%-d %B %Y} to {values[-1].period_end:%-d %B %Y}"
                  + (f", against a target of {format_value(measure, measure.target)}" if measure.target is not None
                     else "") + ". The figures are in the table that follows."),
            target=measure.target,
        )
    return render(request, "plans/measure_detail.html", {
        "measure": measure, "rows": list(reversed(rows)), "chart": chart, "history": _value_history(measure),
        "has_demo": bool(measure.demo_fields) or any(v.is_demo for v in values),
        "can_enter": can_enter_measure_value(request.user, measure), "page_title": str(measure),
    })


def enter_value(request, pk):
    """Enter (or correct) a measure's value. 403 before reading the form for anyone who may not."""
    measure = get_measure_for_entry(request, pk)
    if request.method == "POST":
        form = MeasureValueForm(request.POST, measure=measure)
        if form.is_valid():
            try:
                _value, outcome = record_measure_value(measure=measure, entered_by=request.user,
                                                       **form.service_arguments())
            except ValidationError as error:
                for name, problems in error.message_dict.items():
                    form.add_error(name if name in form.fields else None, problems)
            else:
                said = {"created": "saved", "updated": "corrected", "unchanged": "unchanged: it was already held"}
                messages.success(request, f"Value for {form.cleaned_data['period_end']:%-d %B %Y} {said[outcome]}.")
                return redirect(measure)
    else:
        form = MeasureValueForm(measure=measure)
    return render(request, "plans/measure_value_form.html", {
        "measure": measure, "form": form, "page_title": f"Enter a value: {measure}",
    })
