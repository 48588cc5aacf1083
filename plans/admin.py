from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.urls import path
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from governance.admin_scoping import OrganisationScopedAdmin, ScopedHistoryAdmin

from .models import (
    Action,
    EditConflict,
    ImpactAssessment,
    Measure,
    MeasureValue,
    Milestone,
    Objective,
    Person,
    Plan,
    ProgressUpdate,
    Theme,
    ThemeRecommendation,
)
from .rag import RAG
from .services import MeasureValueRule, ensure_history_baseline


class CurrentRAGFilter(admin.SimpleListFilter):
    """Filter on the annotated current rating (the latest progress update's)."""

    title = "current RAG"
    parameter_name = "rag"

    def lookups(self, request, model_admin):
        return RAG.choices

    def queryset(self, request, queryset):
        return queryset.filter(current_rag=self.value()) if self.value() else queryset


@admin.register(Person)
class PersonAdmin(OrganisationScopedAdmin, admin.ModelAdmin):
    list_display = ["name", "initials", "job_title", "organisation", "email", "user"]
    list_filter = ["organisation"]
    list_select_related = ["organisation", "user"]
    search_fields = ["name", "initials", "job_title", "email"]
    autocomplete_fields = ["user"]


class ThemeInline(OrganisationScopedAdmin, admin.TabularInline):
    model = Theme
    extra = 0
    fields = ["number", "title", "group", "order"]
    show_change_link = True


@admin.register(Plan)
class PlanAdmin(OrganisationScopedAdmin, admin.ModelAdmin):
    list_display = ["title", "version", "status", "start", "end", "organisation", "board", "restricted"]
    list_filter = ["status", "organisation", "restricted"]
    list_select_related = ["organisation", "board"]
    search_fields = ["title", "version"]
    prepopulated_fields = {"slug": ["title", "version"]}
    autocomplete_fields = ["supersedes", "board", "inspections"]
    inlines = [ThemeInline]
    change_list_template = "admin/plans/plan/change_list.html"

    def get_urls(self):
        from .admin_views import import_plan_view

        return [
            path("import/", self.admin_site.admin_view(import_plan_view), name="plans_plan_import"),
        ] + super().get_urls()


class ThemeRecommendationInline(OrganisationScopedAdmin, admin.TabularInline):
    model = ThemeRecommendation
    extra = 0
    autocomplete_fields = ["recommendation"]
    fields = ["recommendation", "code_as_printed", "text_as_printed", "order", "note"]


class ObjectiveInline(OrganisationScopedAdmin, admin.TabularInline):
    model = Objective
    extra = 0
    fields = ["number", "group_heading", "text", "codes_as_printed", "order"]
    show_change_link = True


class ActionInline(OrganisationScopedAdmin, admin.TabularInline):
    model = Action
    extra = 0
    fields = ["reference", "objective", "activity", "timeline", "due_date", "lead", "lead_as_printed", "order"]
    autocomplete_fields = ["objective", "lead"]
    show_change_link = True


class ThemeMilestoneInline(OrganisationScopedAdmin, admin.TabularInline):
    model = Milestone
    fk_name = "theme"
    extra = 0
    fields = ["text", "due_as_printed", "due_date", "lead", "lead_as_printed", "achieved", "order"]
    autocomplete_fields = ["lead"]


@admin.register(Theme)
class ThemeAdmin(OrganisationScopedAdmin, admin.ModelAdmin):
    list_display = ["number", "title", "plan", "group", "order"]
    list_filter = ["plan"]
    list_select_related = ["plan"]
    search_fields = ["number", "title", "plan__title"]
    autocomplete_fields = ["leads"]
    inlines = [ThemeRecommendationInline, ObjectiveInline, ActionInline, ThemeMilestoneInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("plan")


@admin.register(Objective)
class ObjectiveAdmin(OrganisationScopedAdmin, admin.ModelAdmin):
    list_display = ["number", "short_text", "theme", "codes_as_printed"]
    list_filter = ["theme__plan"]
    list_select_related = ["theme__plan"]
    search_fields = ["number", "text", "codes_as_printed"]
    autocomplete_fields = ["theme", "recommendations"]

    @admin.display(description="Text")
    def short_text(self, obj):
        return obj.text[:100]


class ActionMilestoneInline(OrganisationScopedAdmin, admin.TabularInline):
    model = Milestone
    fk_name = "action"
    extra = 0
    fields = ["text", "due_as_printed", "due_date", "lead", "lead_as_printed", "achieved", "order"]
    autocomplete_fields = ["lead"]


class ProgressUpdateInline(OrganisationScopedAdmin, admin.TabularInline):
    """Shown read-only: the history is append-only and is added to through the progress form."""

    model = ProgressUpdate
    extra = 0
    can_delete = False
    fields = ["created_at", "author", "rag", "narrative", "mitigation", "revised_due_date", "evidence", "is_demo"]
    readonly_fields = fields
    ordering = ["-created_at", "-pk"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Action)
class ActionAdmin(ScopedHistoryAdmin, SimpleHistoryAdmin):
    list_display = ["reference", "short_activity", "theme", "lead", "timeline", "due_date", "rag"]
    list_filter = [CurrentRAGFilter, "theme__plan", "reference_printed"]
    list_select_related = ["theme__plan", "lead"]
    search_fields = ["reference", "activity", "desired_outcome", "lead__name", "lead_as_printed", "codes_as_printed"]
    autocomplete_fields = ["theme", "objective", "lead", "supporting_leads", "recommendations"]
    inlines = [ActionMilestoneInline, ProgressUpdateInline]

    def get_queryset(self, request):
        return super().get_queryset(request).with_current_rag().select_related("theme__plan", "lead")

    def save_model(self, request, obj, form, change):
        if change:
            ensure_history_baseline(obj)
        super().save_model(request, obj, form, change)

    @admin.display(description="Activity")
    def short_activity(self, obj):
        return obj.activity[:100]

    @admin.display(description="Current RAG", ordering="current_rag")
    def rag(self, obj):
        return RAG(obj.current_rag).label


@admin.register(Milestone)
class MilestoneAdmin(OrganisationScopedAdmin, admin.ModelAdmin):
    list_display = ["short_text", "due_as_printed", "due_date", "lead_as_printed", "achieved", "action", "theme"]
    list_filter = ["theme__plan", "action__theme__plan"]
    list_select_related = ["action", "theme__plan", "lead"]
    search_fields = ["text", "lead_as_printed", "due_as_printed"]
    autocomplete_fields = ["action", "theme", "lead"]

    @admin.display(description="Text")
    def short_text(self, obj):
        return obj.text[:100]


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(OrganisationScopedAdmin, admin.ModelAdmin):
    """Append-only: anyone with the permission may add; only superusers may change or delete."""

    list_display = ["action", "rag", "created_at", "author", "is_demo"]
    list_filter = ["rag", "is_demo", "action__theme__plan"]
    list_select_related = ["action", "author"]
    search_fields = ["action__reference", "narrative"]
    autocomplete_fields = ["action"]
    date_hierarchy = "created_at"

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(ThemeRecommendation)
class ThemeRecommendationAdmin(OrganisationScopedAdmin, admin.ModelAdmin):
    list_display = ["code_as_printed", "recommendation", "theme"]
    list_filter = ["theme__plan"]
    list_select_related = ["recommendation", "theme__plan"]
    search_fields = ["code_as_printed", "text_as_printed", "recommendation__code"]
    autocomplete_fields = ["theme", "recommendation"]


@admin.register(EditConflict)
class EditConflictAdmin(OrganisationScopedAdmin, admin.ModelAdmin):
    """Read-only: each row is an officer's stale save that was refused and handed back to them."""

    list_display = ["action", "user", "created_at", "based_on_version", "found_version"]
    list_filter = ["action__theme__plan"]
    list_select_related = ["action", "user"]
    search_fields = ["action__reference", "user__username"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ImpactAssessmentAdminForm(forms.ModelForm):
    """A superuser's correction still obeys the rules the service applies (plans.impact)."""

    class Meta:
        model = ImpactAssessment
        fields = ["theme", "assessed_on", "level", "rationale", "measures", "practice_findings", "voices", "author",
                  "created_at", "is_demo"]

    def clean(self):
        from .impact import CitedMeasuresRule, EvidenceCitedRule, SustainedImpactRule

        data = super().clean()
        theme, level, day = data.get("theme"), data.get("level"), data.get("assessed_on")
        if theme and level and day:
            measures = list(data.get("measures") or [])
            CitedMeasuresRule.check(theme=theme, measures=measures)
            EvidenceCitedRule.check(level=level, measures=measures, practice_findings=data.get("practice_findings", ""),
                                    voices=data.get("voices", ""))
            SustainedImpactRule.check(level=level, measures=measures, as_at=day)
        return data


@admin.register(ImpactAssessment)
class ImpactAssessmentAdmin(OrganisationScopedAdmin, admin.ModelAdmin):
    """Append-only, like progress updates: added through the theme's form; only superusers may change or delete."""

    form = ImpactAssessmentAdminForm
    list_display = ["theme", "level", "assessed_on", "author", "created_at", "is_demo"]
    list_filter = ["level", "is_demo", "theme__plan"]
    list_select_related = ["theme__plan", "author"]
    search_fields = ["theme__number", "theme__title", "rationale"]
    autocomplete_fields = ["theme"]
    raw_id_fields = ["measures"]
    date_hierarchy = "assessed_on"

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        field = super().formfield_for_choice_field(db_field, request, **kwargs)
        if db_field.name == "level":  # each level's meaning wherever a level is chosen
            from .impact import LEVEL_MEANINGS

            field.help_text = " ".join(f"{level.label}: {meaning}" for level, meaning in LEVEL_MEANINGS.items())
        return field

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


# Measures (Vital Signs) ----------------------------------------------------------------------------------


class MeasureValueInlineFormSet(BaseInlineFormSet):
    """Admin-entered values follow the same rules as the form and the import (MeasureValueRule), checked
    against the measure as it is being saved."""

    def clean(self):
        super().clean()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or not form.has_changed():
                continue
            try:
                MeasureValueRule.check(
                    measure=self.instance, period_end=data.get("period_end"), value=data.get("value"),
                    status=data.get("status") or "", today=timezone.localdate(),
                    comparators={name: data.get(name) for name in ("england", "neighbours", "region")})
            except ValidationError as error:
                for name, messages in error.message_dict.items():
                    form.add_error(name if name in form.fields else None, messages)


class MeasureValueInline(OrganisationScopedAdmin, admin.TabularInline):
    model = MeasureValue
    formset = MeasureValueInlineFormSet
    extra = 1
    fields = ["period_end", "value", "status", "england", "neighbours", "region", "note", "entered_at", "is_demo"]
    ordering = ["-period_end"]


@admin.register(Measure)
class MeasureAdmin(ScopedHistoryAdmin, SimpleHistoryAdmin):
    list_display = ["name", "plan", "theme", "kind", "unit", "polarity", "target", "owner", "restricted"]
    list_filter = ["plan", "kind", "unit", "polarity", "tier", "restricted"]
    list_select_related = ["plan", "theme", "owner"]
    search_fields = ["name", "text_as_printed", "theme__number", "theme__title"]
    autocomplete_fields = ["theme", "owner"]
    raw_id_fields = ["recommendations"]
    inlines = [MeasureValueInline]

    def save_formset(self, request, form, formset, change):
        """Who entered a value, and when a changed one became known, as the service records them."""
        if formset.model is not MeasureValue:
            return super().save_formset(request, form, formset, change)
        for value in formset.save(commit=False):
            if value.pk is None or value.entered_by_id is None:
                value.entered_by = request.user
            if value.pk is not None:
                value._change_reason = "Corrected in the admin"
            value.save()
        for value in formset.deleted_objects:
            value.delete()
        formset.save_m2m()


@admin.register(MeasureValue)
class MeasureValueAdmin(ScopedHistoryAdmin, SimpleHistoryAdmin):
    """Every value with its history; enter values on their measure."""

    list_display = ["measure", "period_end", "value", "status", "entered_by", "entered_at", "is_demo"]
    list_filter = ["is_demo", "measure__plan"]
    list_select_related = ["measure", "entered_by"]
    search_fields = ["measure__name"]
    date_hierarchy = "period_end"
    raw_id_fields = ["measure", "entered_by"]
