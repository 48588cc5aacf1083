from django.contrib import admin

from governance.admin_scoping import OrganisationScopedAdmin

from .models import Finding, Inspection, Judgement, Recommendation


class JudgementInline(OrganisationScopedAdmin, admin.TabularInline):
    model = Judgement
    extra = 0
    fields = ["area", "grade", "order"]


class RecommendationInline(OrganisationScopedAdmin, admin.TabularInline):
    model = Recommendation
    extra = 0
    fields = ["code", "code_as_printed", "kind", "text", "finding", "order"]
    autocomplete_fields = ["finding"]


@admin.register(Inspection)
class InspectionAdmin(OrganisationScopedAdmin, admin.ModelAdmin):
    list_display = ["title", "kind", "inspectorate", "start_date", "end_date", "published", "overall_grade"]
    list_filter = ["kind", "inspectorate", "overall_grade", "organisation"]
    search_fields = ["title", "authority", "lead_inspector"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [JudgementInline, RecommendationInline]


@admin.register(Judgement)
class JudgementAdmin(OrganisationScopedAdmin, admin.ModelAdmin):
    list_display = ["area", "grade", "inspection"]
    list_filter = ["grade", "inspection"]
    list_select_related = ["inspection"]
    search_fields = ["area"]


@admin.register(Finding)
class FindingAdmin(OrganisationScopedAdmin, admin.ModelAdmin):
    list_display = ["number", "section", "inspection", "short_text"]
    list_filter = ["inspection", "section"]
    list_select_related = ["inspection"]
    search_fields = ["text", "section", "=number"]

    @admin.display(description="Text")
    def short_text(self, obj):
        return obj.text[:120]


@admin.register(Recommendation)
class RecommendationAdmin(OrganisationScopedAdmin, admin.ModelAdmin):
    list_display = ["code", "code_as_printed", "kind", "inspection", "short_text", "finding"]
    list_filter = ["kind", "inspection"]
    list_select_related = ["inspection", "finding"]
    search_fields = ["code", "code_as_printed", "text"]
    autocomplete_fields = ["finding"]

    @admin.display(description="Text")
    def short_text(self, obj):
        return obj.text[:120]
