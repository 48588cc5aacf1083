import datetime
from functools import cached_property

import django_filters
from django import forms
from django.db.models import Q
from django.utils.choices import BaseChoiceIterator
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from ui.forms import GovukFilterForm

from .models import Action, Plan
from .querysets import end_of_day
from .rag import RAG
from .register import RegisterScope

FLAG_CHOICES = [("overdue", "Overdue"), ("due_soon", "Due soon"), ("needs_update", "Needs an update")]
HISTORY_STATUSES = [Plan.Status.SUPERSEDED, Plan.Status.CLOSED]


class PastPlansFilter(django_filters.ChoiceFilter):
    """Actions of superseded and closed plans are history (nothing in them is overdue or waits for an update),
    so they are hidden unless asked for ("show"), or unless their plan is the one picked in the plan filter."""

    def filter(self, qs, value):
        picked = self.parent.picked_plan()
        if value == "show" or (picked is not None and picked.is_history):
            return qs
        return qs.exclude(theme__plan__status__in=HISTORY_STATUSES)


class MyPlans:
    """The plans of one request's RegisterScope as the my-actions plan choices, by id: plain values checked in
    memory, where a ModelChoiceField built a model instance per option and queried again for the one picked."""

    def __init__(self, scope):
        self.scope = scope

    @cached_property
    def choices(self) -> list[tuple[int, str]]:
        return [(plan.pk, str(plan)) for plan in self.scope.plans]

    @cached_property
    def by_id(self) -> dict[str, Plan]:
        return {str(plan.pk): plan for plan in self.scope.plans}


# ScopeChoices, ScopedChoiceFilter and InlineSelect are defined with the register's filters below.


# The action register -------------------------------------------------------------------------------

OVERDUE_CHOICES = [("yes", "Overdue"), ("no", "Not overdue")]
DATE_HINT = "For example, 31/3/2024"


class ScopeChoices(BaseChoiceIterator):
    """One of a RegisterScope's choice lists, read when first listed: a download that never shows the form
    never runs the query of a list its filters do not use."""

    def __init__(self, scope, name):
        self.scope, self.name = scope, name

    def __iter__(self):
        return iter(getattr(self.scope, self.name))

    def __len__(self):
        return len(getattr(self.scope, self.name))

    def __deepcopy__(self, memo):
        # Django deep-copies a form's fields, choices included, for every form: the copy shares the request's
        # scope (copying it would copy every plan it holds and forget what it has read).
        return ScopeChoices(self.scope, self.name)


class ScopedChoiceFilter(django_filters.ChoiceFilter):
    """A choice from one of the request's RegisterScope lists (RegisterFilter sets them), checked in memory
    against that list: a value not in it, such as another organisation's plan or a made-up id, is refused
    with ModelChoiceField's words, which never echo the value."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("error_messages", {
            "invalid_choice": "Select a valid choice. That choice is not one of the available choices."})
        super().__init__(*args, **kwargs)


class InlineSelect(forms.Select):
    """forms.Select printing exactly what Django's select.html, select_option.html and attrs.html print, built in
    Python: the register's choice lists run to hundreds of options, and one template include per option (and per
    option's attributes) was about a quarter of the page's time."""

    @staticmethod
    def _attrs(attrs) -> str:
        return "".join(f" {conditional_escape(name)}" if value is True
                       else f' {conditional_escape(name)}="{conditional_escape(str(value))}"'
                       for name, value in attrs.items() if value is not False)

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        html = [f'<select name="{conditional_escape(widget["name"])}"{self._attrs(widget["attrs"])}>']
        for group_name, group_choices, _index in widget["optgroups"]:
            if group_name:
                html.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            html.extend(f'\n  <option value="{conditional_escape(str(option["value"]))}"'
                        f'{self._attrs(option["attrs"])}>{conditional_escape(localize(option["label"]))}</option>\n'
                        for option in group_choices)
            if group_name:
                html.append("\n  </optgroup>")
        html.append("\n</select>")  # the renderer strips the template's final newline
        return mark_safe("".join(html))  # every value above is escaped


class RegisterFilter(django_filters.FilterSet):
    """Filters for the action register. Needs a queryset annotated by with_attention() and latest_narrative;
    every choice list starts from what the user may see."""

    search = django_filters.CharFilter(method="filter_search", label="Search",
                                       help_text="Reference, activity or latest progress update")
    plan = ScopedChoiceFilter(method="filter_plan", label="Plan", empty_label="All plans", widget=InlineSelect)
    theme = ScopedChoiceFilter(field_name="theme", label="Theme, outcome or strand", empty_label="All",
                               widget=InlineSelect)
    rag = django_filters.ChoiceFilter(field_name="current_rag", choices=RAG.choices, label="RAG",
                                      empty_label="Any rating", widget=InlineSelect)
    lead = ScopedChoiceFilter(field_name="lead", label="Lead", empty_label="Anyone", widget=InlineSelect)
    overdue = django_filters.ChoiceFilter(method="filter_overdue", choices=OVERDUE_CHOICES, label="Overdue",
                                          empty_label="Either", widget=InlineSelect)
    due_after = django_filters.DateFilter(field_name="due_date", lookup_expr="gte", label="Due on or after",
                                          help_text=DATE_HINT)
    due_before = django_filters.DateFilter(field_name="due_date", lookup_expr="lte", label="Due on or before",
                                           help_text=DATE_HINT)
    recommendation = ScopedChoiceFilter(method="filter_recommendation", label="Recommendation or area for improvement",
                                        empty_label="Any", widget=InlineSelect)
    updated_before = django_filters.DateFilter(method="filter_updated_before", label="Last updated before",
                                               help_text=f"Includes actions never updated. {DATE_HINT}")

    class Meta:
        model = Action
        fields = ["search", "plan", "theme", "rag", "lead", "overdue", "due_after", "due_before", "recommendation",
                  "updated_before"]
        form = GovukFilterForm

    # Each choice list is the scope's, read only when the form is shown or the filter is used.
    SCOPED_CHOICES = {"plan": "plan_choices", "theme": "theme_choices", "lead": "lead_choices",
                      "recommendation": "recommendation_choices"}

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, scope=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        self.scope = scope or RegisterScope(request.user if request is not None else None)
        for name, attribute in self.SCOPED_CHOICES.items():
            self.filters[name].extra["choices"] = ScopeChoices(self.scope, attribute)

    def filter_plan(self, queryset, name, value):
        return queryset.filter(theme__plan_id=self.scope.plan_id_by_slug[value])

    def filter_search(self, queryset, name, value):
        return queryset.filter(Q(reference__icontains=value) | Q(activity__icontains=value)
                               | Q(latest_narrative__icontains=value))

    def filter_overdue(self, queryset, name, value):
        return queryset.filter(is_overdue=(value == "yes"))

    def filter_recommendation(self, queryset, name, value):
        """Actions answering it: linked directly, through an objective citing it, or in a theme whose code
        table lists it (the 2023 areas for improvement link only to strands)."""
        # A subquery narrowing the register's queryset, which already starts from visible_to(user).
        answering = Action.objects.filter(Q(recommendations=value) | Q(objective__recommendations=value)
                                          | Q(theme__recommendations=value))
        return queryset.filter(pk__in=answering.values("pk"))

    def filter_updated_before(self, queryset, name, value):
        """Not updated since before the London day `value` began: last updated earlier, or never."""
        start = end_of_day(value - datetime.timedelta(days=1))
        return queryset.filter(Q(last_updated__lte=start) | Q(last_updated__isnull=True))


class MyActionsFilter(django_filters.FilterSet):
    """Filters for an officer's own actions. Needs a queryset annotated by with_attention().

    Always bound (an empty query string is the defaults), so past plans are hidden on a first visit too. The plan
    choices are the plans the user may see (another organisation's plan is never a choice, nor a valid value)."""

    search = django_filters.CharFilter(method="filter_search", label="Search")
    plan = ScopedChoiceFilter(method="filter_plan", label="Plan", empty_label="All plans", widget=InlineSelect)
    rag = django_filters.ChoiceFilter(field_name="current_rag", choices=RAG.choices, label="Rating",
                                      empty_label="Any rating", widget=InlineSelect)
    flag = django_filters.ChoiceFilter(method="filter_flag", choices=FLAG_CHOICES, label="Needs attention",
                                       empty_label="Everything", widget=InlineSelect)
    past = PastPlansFilter(choices=[("show", "Shown")], label="Superseded and closed plans", empty_label="Hidden",
                           widget=InlineSelect)

    class Meta:
        model = Action
        fields = ["search", "plan", "rag", "flag", "past"]
        form = GovukFilterForm

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, scope=None):
        super().__init__(data if data is not None else {}, queryset, request=request, prefix=prefix)
        self.plans = MyPlans(scope or RegisterScope(request.user if request is not None else None))
        self.filters["plan"].extra["choices"] = ScopeChoices(self.plans, "choices")

    def picked_plan(self) -> Plan | None:
        """The plan chosen in the plan filter (a valid choice), or None."""
        value = getattr(self.form, "cleaned_data", {}).get("plan")
        return self.plans.by_id.get(value) if value else None

    def filter_plan(self, queryset, name, value):
        return queryset.filter(theme__plan_id=self.plans.by_id[value].pk)

    def filter_search(self, queryset, name, value):
        return queryset.filter(Q(reference__icontains=value) | Q(activity__icontains=value)
                               | Q(desired_outcome__icontains=value))

    def filter_flag(self, queryset, name, value):
        return queryset.filter(**{{"overdue": "is_overdue", "due_soon": "is_due_soon",
                                   "needs_update": "needs_update"}[value]: True})
