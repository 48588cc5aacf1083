from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from .models import AgendaItem, Board, Meeting, Membership, Organisation, User
from .tokens import revoke_all_for_user


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "email", "first_name", "last_name", "is_staff", "is_active", "group_names"]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description="Roles")
    def group_names(self, obj):
        return ", ".join(g.name for g in obj.groups.all())

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # A deactivated login's API tokens stop working now, not only while it stays inactive.
        if change and "is_active" in form.changed_data and not obj.is_active:
            revoked = revoke_all_for_user(user=obj)
            if revoked:
                self.message_user(request, f"{revoked} API token{'s' if revoked != 1 else ''} of {obj} revoked.")


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "slug"]
    list_filter = ["kind"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["person"]
    fields = ["person", "role", "position", "represents", "party", "start", "end", "order"]


class MeetingInline(admin.TabularInline):
    model = Meeting
    extra = 0
    fields = ["start", "venue", "papers_deadline"]
    show_change_link = True


@admin.register(Board)
class BoardAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "organisation", "meeting_frequency"]
    list_filter = ["kind", "organisation"]
    list_select_related = ["organisation"]
    search_fields = ["name", "purpose"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline, MeetingInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["person", "board", "role", "position", "represents", "party", "start", "end"]
    list_filter = ["board", "role", "party"]
    list_select_related = ["person", "board"]
    search_fields = ["person__name", "position", "represents", "party"]
    autocomplete_fields = ["person"]


class AgendaItemInline(admin.StackedInline):
    model = AgendaItem
    extra = 0
    autocomplete_fields = ["plans", "themes"]
    fields = ["number", "title", "document", "report_author", "description", "plans", "themes",
              "themes_as_printed", "order", "note"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["start", "board", "venue", "papers_deadline"]
    list_filter = ["board"]
    list_select_related = ["board"]
    date_hierarchy = "start"
    search_fields = ["board__name", "venue", "agenda_items__title"]
    inlines = [AgendaItemInline]


@admin.register(AgendaItem)
class AgendaItemAdmin(admin.ModelAdmin):
    list_display = ["title", "meeting", "number", "document", "report_author"]
    list_filter = ["meeting__board"]
    list_select_related = ["meeting__board"]
    search_fields = ["title", "description", "report_author", "themes_as_printed"]
    autocomplete_fields = ["plans", "themes"]
