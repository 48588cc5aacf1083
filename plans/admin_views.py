"""Admin pages that are not a model's change form: the spreadsheet import."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from .forms_import import PlanImportForm
from .imports import PlanImportError, import_plan, read_spreadsheet
from .models import Plan


def import_plan_view(request):
    """Upload a plan spreadsheet; show every error, or what was (or on a dry run, would be) created and updated."""
    if not request.user.has_perm("plans.add_plan"):
        raise PermissionDenied("Only those who may add plans can import them.")
    form = PlanImportForm(request.POST, request.FILES) if request.method == "POST" else PlanImportForm()
    result = errors = None
    if form.is_bound and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            rows = read_spreadsheet(upload, upload.name)
            result = import_plan(
                rows=rows,
                inspection=form.cleaned_data["inspection"],
                organisation=form.cleaned_data["organisation"],
                dry_run=form.cleaned_data["dry_run"],
                author=request.user,
            )
        except PlanImportError as error:
            errors = error.errors
    context = {
        **admin.site.each_context(request),
        "title": "Import a plan from a spreadsheet",
        "opts": Plan._meta,
        "form": form,
        "errors": errors,
        "result": result,
    }
    return render(request, "admin/plans/plan/import.html", context)
