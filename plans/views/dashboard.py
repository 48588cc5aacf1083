"""A plan's dashboard: its honest position as at a day, and what moved since the board's previous meeting."""

from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from governance.models import Meeting

from ..forms_dashboard import DashboardDatesForm
from ..models import Plan
from ..positions import meeting_links, plan_position, position_dates


def _get_plan(request, slug):
    """The plan if the user may see it (404 otherwise), with its board and both neighbours for its window."""
    plans = (Plan.objects.visible_to(request.user).select_related("board", "supersedes", "superseded_by")
             .with_links_visible_to(request.user))
    return get_object_or_404(plans, slug=slug)


def dashboard(request, slug):
    """?as_at=YYYY-MM-DD&compare=YYYY-MM-DD (both optional). The date boxes redirect to that canonical URL;
    dates that cannot be used get an error summary and a 400, never a 500. ?all=<rule> names every action a
    question for the board found, not only the first few."""
    plan = _get_plan(request, slug)
    today = timezone.localdate()
    dates_kwargs = {"today": today, "default_as_at": plan.default_as_at(today)}
    if DashboardDatesForm.is_submission(request.GET):
        form = DashboardDatesForm(request.GET, **dates_kwargs)
        if form.is_valid():
            return redirect(reverse("plans:dashboard", args=[plan.slug]) + form.query_string())
    else:
        form = DashboardDatesForm.from_query(request.GET, **dates_kwargs)

    links = meeting_links(plan, today=today, meetings=Meeting.objects.visible_to(request.user))
    context = {"plan": plan, "links": links, "page_title": f"Dashboard: {plan.title}"}
    if not form.is_valid():
        return render(request, "plans/dashboard.html", context | {"form": form}, status=400)

    dates = position_dates(plan, today=today, as_at=form.cleaned_data["as_at"], compare=form.cleaned_data["compare"])
    position = plan_position(plan, as_at=dates.as_at, compare=dates.compare, user=request.user)
    compare_meeting = dates.compare_meeting or next((link.meeting for link in links if link.as_at == dates.compare),
                                                    None)
    if not plan.board_is_visible:
        # A partner sees the shared plan's figures (compared as for everyone), not its owner's meetings.
        compare_meeting = None
    shown_form = DashboardDatesForm(initial={"as_at": dates.as_at, "compare": dates.compare}, **dates_kwargs)
    return render(request, "plans/dashboard.html", context | {
        "form": shown_form, "dates": dates, "position": position, "compare_meeting": compare_meeting,
        "questions": position.questions_listed(expand=request.GET.get("all", "")),
    })
