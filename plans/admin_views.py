"""Admin pages that are not a model's change form: the spreadsheet import."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from .forms_import import PlanImportForm
from .imports import PlanImportError, import_plan, read_spreadsheet
from .models import Plan
from .permissions import is_admin, person_of


def _importing_organisation(user):
    """The organisation a non-superuser imports for: their Person's, which they must administer. None for a
    superuser, who chooses (or leaves it to the inspection). 403 for anyone else."""
    if user.is_superuser:
        return None
    person = person_of(user)
    if person is None or not is_admin(user, person.organisation_id):
        raise PermissionDenied("Only an admin of an organisation can import its plans.")
    return person.organisation


def import_plan_view(request):
    """Upload a plan spreadsheet; show every error, or what was (or on a dry run, would be) created and updated.
    An organisation admin imports for their own organisation only: its plans are matched, its inspections
    offered, its people taken as leads."""
    if not request.user.has_perm("plans.add_plan"):
        raise PermissionDenied("Only those who may add plans can import them.")
    organisation = _importing_organisation(request.user)
    form = PlanImportForm(*((request.POST, request.FILES) if request.method == "POST" else ()), user=request.user)
    result = errors = None
    if form.is_bound and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            rows = read_spreadsheet(upload, upload.name)
            result = import_plan(
                rows=rows,
                inspection=form.cleaned_data["inspection"],
                organisation=organisation or form.cleaned_data["organisation"],
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
        "organisation": organisation,
        "errors": errors,
        "result": result,
    }
    return render(request, "admin/plans/plan/import.html", context)
