import django_filters
from django.db.models import Q

from ui.forms import GovukFilterForm

from .models import Action, Plan
from .rag import RAG

FLAG_CHOICES = [("overdue", "Overdue"), ("due_soon", "Due soon"), ("needs_update", "Needs an update")]


class MyActionsFilter(django_filters.FilterSet):
    """Filters for an officer's own actions. Needs a queryset annotated by with_attention()."""

    search = django_filters.CharFilter(method="filter_search", label="Search")
    plan = django_filters.ModelChoiceFilter(field_name="theme__plan", queryset=Plan.objects.all(), label="Plan",
                                            empty_label="All plans")
    rag = django_filters.ChoiceFilter(field_name="current_rag", choices=RAG.choices, label="Rating",
                                      empty_label="Any rating")
    flag = django_filters.ChoiceFilter(method="filter_flag", choices=FLAG_CHOICES, label="Needs attention",
                                       empty_label="Everything")

    class Meta:
        model = Action
        fields = ["search", "plan", "rag", "flag"]
        form = GovukFilterForm

    def filter_search(self, queryset, name, value):
        return queryset.filter(Q(reference__icontains=value) | Q(activity__icontains=value)
                               | Q(desired_outcome__icontains=value))

    def filter_flag(self, queryset, name, value):
        return queryset.filter(**{{"overdue": "is_overdue", "due_soon": "is_due_soon",
                                   "needs_update": "needs_update"}[value]: True})
