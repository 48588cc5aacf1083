from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from governance import audit
from inspections.models import Inspection

from ..demo import DEMO_REASON
from ..exports import content_type_and_filename, export_plan
from ..filters import MyActionsFilter
from ..forms import ProgressForm
from ..models import Action, Plan, ProgressUpdate, Theme
from ..permissions import can_update_action, get_action_for_update, is_admin, person_of
from ..services import Conflict, approve_plan, record_progress
from ..tables import MyActionsTable, PlanTable


def home(request):
    """Every plan with its actions counted by current RAG: one query."""
    plans = (Plan.objects.visible_to(request.user).select_related("organisation").with_rag_counts()
             .order_by(F("start").desc(nulls_last=True), "-pk"))
    # The recommendation trackers: each inspection with how many of its recommendations no action answers.
    inspections = (Inspection.objects.visible_to(request.user).with_tracker_summary(request.user)
                   .order_by(Coalesce("start_date", "published").desc(nulls_last=True), "-pk"))
    return render(request, "plans/home.html", {"table": PlanTable(plans), "inspections": inspections,
                                               "page_title": "Improvement plans"})


def plan_detail(request, slug):
    """A plan's themes with RAG counts, then its actions grouped by theme (queries: plan, themes, actions)."""
    plan = get_object_or_404(Plan.objects.visible_to(request.user).select_related("supersedes", "board")
                             .with_links_visible_to(request.user), slug=slug)
    themes = Theme.objects.filter(plan=plan).with_rag_counts().with_latest_impact().order_by("order")
    actions = (
        Action.objects.visible_to(request.user).for_plan(plan)
        .with_current_rag()
        .select_related("theme", "lead", "objective")
        .order_by("theme__order", "order", "pk")
    )
    return render(request, "plans/plan_detail.html", {
        "plan": plan, "themes": themes, "actions": actions, "page_title": str(plan),
        "live_past_end": plan.is_live_past_end(timezone.localdate()),
        # Asked only of a draft: who administers the organisation costs two queries, cached on the user.
        "can_approve": plan.status == Plan.Status.DRAFT and is_admin(request.user, plan.organisation_id),
    })


@require_POST
def approve(request, slug):
    """Approve a draft plan (plans.services.PlanApprovalRule). 404 for a plan the user cannot see, 403 for
    anyone but an admin of its organisation; a plan the rule refuses comes back to its page saying why."""
    plan = get_object_or_404(Plan.objects.visible_to(request.user), slug=slug)
    if not is_admin(request.user, plan.organisation_id):
        raise PermissionDenied("Only an admin of the plan's organisation can approve it.")
    try:
        plan = approve_plan(plan=plan, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        replaced = plan.supersedes  # as approve_plan left it: a closed plan it replaces stays closed
        replaced = f" {replaced} is now marked superseded." if (
            replaced is not None and replaced.status == Plan.Status.SUPERSEDED) else ""
        messages.success(request, f"{plan} is approved: it is the plan being delivered.{replaced}")
    return redirect(plan)


class MyActionsView(SingleTableMixin, FilterView):
    """The signed-in officer's actions (lead, supporting, or in a theme they lead), attention first."""

    table_class = MyActionsTable
    filterset_class = MyActionsFilter
    template_name = "plans/my_actions.html"

    def get_queryset(self):
        person = person_of(self.request.user)
        if person is None:
            return Action.objects.none().with_attention()
        return (
            Action.objects.visible_to(self.request.user).for_person(person).with_attention()
            .select_related("theme__plan")
            .order_by("attention", "due_date", "theme__plan__title", "order")
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"person": person_of(self.request.user),
                                                     "page_title": "My actions"}


my_actions = MyActionsView.as_view()


def action_detail(request, pk):
    """Everything about an action, its progress history newest first, and its field changes."""
    action = get_object_or_404(
        Action.objects.visible_to(request.user).with_attention()
        .select_related("theme__plan", "objective", "lead")
        .prefetch_related("supporting_leads", "theme__leads", "recommendations__finding", "milestones"),
        pk=pk,
    )
    updates = action.progress_updates.select_related("author__person").order_by("-created_at", "-pk")
    changes = action.history.select_related("history_user").order_by("-history_date", "-history_id")
    changes = _field_changes(changes)
    # The lead was last set by seed_demo (the 2022-24 plan prints no leads): say so beside the name.
    lead_change = next((row for row in changes if row["field"] == "lead"), None)
    demo_lead = bool(lead_change and (lead_change["reason"] or "").startswith(DEMO_REASON))
    return render(request, "plans/action_detail.html", {
        "action": action, "updates": updates, "changes": changes, "demo_lead": demo_lead,
        "can_update": can_update_action(request.user, action), "page_title": f"Action {action.reference}",
    })


def _field_changes(history):
    """Consecutive history records turned into "field: old -> new" rows, newest first, with related rows
    (lead, objective, theme) shown by name: one query per related model, not per change."""
    records = list(history)
    rows = []
    for newer, older in zip(records, records[1:], strict=False):
        for change in newer.diff_against(older).changes:
            rows.append({"when": newer.history_date, "who": newer.history_user, "field": change.field,
                         "old": change.old, "new": change.new, "reason": newer.history_change_reason})
    by_model = {}
    for row in rows:
        field = Action._meta.get_field(row["field"])
        row["label"] = field.verbose_name
        if field.is_relation:
            by_model.setdefault(field.related_model, set()).update({row["old"], row["new"]} - {None})
    names = {model: model.objects.in_bulk(ids) for model, ids in by_model.items()}
    for row in rows:
        field = Action._meta.get_field(row["field"])
        if field.is_relation:
            found = names[field.related_model]
            row["old"], row["new"] = (found.get(row[k], row[k]) for k in ("old", "new"))
    return rows


def update_progress(request, pk):
    """Record a progress update. 403 before reading the form for anyone who may not update this action."""
    action = get_action_for_update(request, pk)
    conflict = None
    if request.method == "POST":
        form = ProgressForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                record_progress(action=action, author=request.user, based_on_version=data.pop("version"), **data)
            except ValidationError as error:
                form.add_error(None, error)
            except Conflict as found:
                conflict = found
                # Keep the officer's text; base the resubmission on what they have now seen.
                resubmission = request.POST.copy()
                resubmission["version"] = str(found.current_version)
                form = ProgressForm(resubmission)
            else:
                messages.success(request, f"Progress on action {action.reference} saved.")
                return redirect(action)
    else:
        form = ProgressForm(initial={"version": action.version})
    latest = ProgressUpdate.objects.filter(action=action).order_by("-created_at", "-pk").first()
    return render(request, "plans/progress_form.html", {
        "action": action, "form": form, "conflict": conflict, "latest": latest,
        "page_title": f"Update action {action.reference}",
    })


def export(request, slug, fmt):
    """Download a plan in the import layout (xlsx, csv) or the documented JSON layout."""
    plan = get_object_or_404(Plan.objects.visible_to(request.user), slug=slug)
    try:
        content_type, filename = content_type_and_filename(plan, fmt)
    except ValueError:
        raise Http404("Unknown export format") from None
    response = HttpResponse(export_plan(plan, fmt), content_type=content_type)
    audit.record("exported", obj=plan, detail=f"Plan as {fmt.upper()}", request=request)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
