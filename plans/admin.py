from django.contrib import admin
from django.urls import path
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Action,
    EditConflict,
    Milestone,
    Objective,
    Person,
    Plan,
    ProgressUpdate,
    Theme,
    ThemeRecommendation,
)
from .rag import RAG
from .services import ensure_history_baseline


class CurrentRAGFilter(admin.SimpleListFilter):
    """Filter on the annotated current rating (the latest progress update's)."""

    title = "current RAG"
    parameter_name = "rag"

    def lookups(self, request, model_admin):
        return RAG.choices

    def queryset(self, request, queryset):
        return queryset.filter(current_rag=self.value()) if self.value() else queryset


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "initials", "job_title", "organisation", "email", "user"]
    list_filter = ["organisation"]
    list_select_related = ["organisation", "user"]
    search_fields = ["name", "initials", "job_title", "email"]
    autocomplete_fields = ["user"]


class ThemeInline(admin.TabularInline):
    model = Theme
    extra = 0
    fields = ["number", "title", "group", "order"]
    show_change_link = True


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["title", "version", "status", "start", "end", "organisation", "board"]
    list_filter = ["status", "organisation"]
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


class ThemeRecommendationInline(admin.TabularInline):
    model = ThemeRecommendation
    extra = 0
    autocomplete_fields = ["recommendation"]
    fields = ["recommendation", "code_as_printed", "text_as_printed", "order", "note"]


class ObjectiveInline(admin.TabularInline):
    model = Objective
    extra = 0
    fields = ["number", "group_heading", "text", "codes_as_printed", "order"]
    show_change_link = True


class ActionInline(admin.TabularInline):
    model = Action
    extra = 0
    fields = ["reference", "objective", "activity", "timeline", "due_date", "lead", "lead_as_printed", "order"]
    autocomplete_fields = ["objective", "lead"]
    show_change_link = True


class ThemeMilestoneInline(admin.TabularInline):
    model = Milestone
    fk_name = "theme"
    extra = 0
    fields = ["text", "due_as_printed", "due_date", "lead", "lead_as_printed", "achieved", "order"]
    autocomplete_fields = ["lead"]


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "plan", "group", "order"]
    list_filter = ["plan"]
    list_select_related = ["plan"]
    search_fields = ["number", "title", "plan__title"]
    autocomplete_fields = ["leads"]
    inlines = [ThemeRecommendationInline, ObjectiveInline, ActionInline, ThemeMilestoneInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("plan")


@admin.register(Objective)
class ObjectiveAdmin(admin.ModelAdmin):
    list_display = ["number", "short_text", "theme", "codes_as_printed"]
    list_filter = ["theme__plan"]
    list_select_related = ["theme__plan"]
    search_fields = ["number", "text", "codes_as_printed"]
    autocomplete_fields = ["theme", "recommendations"]

    @admin.display(description="Text")
    def short_text(self, obj):
        return obj.text[:100]


class ActionMilestoneInline(admin.TabularInline):
    model = Milestone
    fk_name = "action"
    extra = 0
    fields = ["text", "due_as_printed", "due_date", "lead", "lead_as_printed", "achieved", "order"]
    autocomplete_fields = ["lead"]


class ProgressUpdateInline(admin.TabularInline):
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
class ActionAdmin(SimpleHistoryAdmin):
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
class MilestoneAdmin(admin.ModelAdmin):
    list_display = ["short_text", "due_as_printed", "due_date", "lead_as_printed", "achieved", "action", "theme"]
    list_filter = ["theme__plan", "action__theme__plan"]
    list_select_related = ["action", "theme__plan", "lead"]
    search_fields = ["text", "lead_as_printed", "due_as_printed"]
    autocomplete_fields = ["action", "theme", "lead"]

    @admin.display(description="Text")
    def short_text(self, obj):
        return obj.text[:100]


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(admin.ModelAdmin):
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
class ThemeRecommendationAdmin(admin.ModelAdmin):
    list_display = ["code_as_printed", "recommendation", "theme"]
    list_filter = ["theme__plan"]
    list_select_related = ["recommendation", "theme__plan"]
    search_fields = ["code_as_printed", "text_as_printed", "recommendation__code"]
    autocomplete_fields = ["theme", "recommendation"]


@admin.register(EditConflict)
class EditConflictAdmin(admin.ModelAdmin):
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
