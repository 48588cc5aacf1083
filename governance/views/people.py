"""A person's page: their seats on boards, and the actions, themes, measures and log items they answer for."""

from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from plans.models import Action, Measure, Person, Plan, Theme

from ..models import LogItem, Membership


def person_detail(request, pk):
    """Queries: the person; their seats with boards; actions they lead with current RAG; themes they lead;
    measures they own; open log items they own."""
    person = get_object_or_404(Person.objects.visible_to(request.user).select_related("organisation"), pk=pk)
    today = timezone.localdate()
    seats = (Membership.objects.visible_to(request.user).filter(person=person).with_is_current(today)
             .select_related("board").order_by("-is_current", "board__name", "start"))
    actions = (Action.objects.visible_to(request.user).filter(lead=person).with_current_rag()
               .select_related("theme__plan").order_by("theme__plan__title", "theme__order", "order", "pk"))
    themes = (Theme.objects.filter(plan__in=Plan.objects.visible_to(request.user), leads=person)
              .select_related("plan").order_by("plan__title", "order"))
    measures = (Measure.objects.visible_to(request.user).filter(owner=person)
                .select_related("plan", "theme").order_by("plan__title", "theme__order", "order", "pk"))
    log_items = (LogItem.objects.visible_to(request.user).filter(owner=person).open()
                 .select_related("meeting__board").order_by("due_date", "meeting__start", "order"))
    return render(request, "governance/person_detail.html", {
        "person": person, "seats": seats, "actions": actions, "themes": themes, "measures": measures,
        "log_items": log_items, "page_title": person.name,
    })
