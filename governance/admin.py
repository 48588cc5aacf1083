from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from .models import (
    AgendaItem,
    ApiToken,
    Attendance,
    Board,
    BoardPack,
    LogItem,
    Meeting,
    MeetingReminder,
    Membership,
    Organisation,
    User,
)
from .tokens import revoke, revoke_all_for_user


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


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records the service writes through its own rules (issued packs, reminders sent, tokens): admins read
    them here; only superusers may delete, and nobody edits them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ["person", "meeting", "status", "substitute_for"]
    list_filter = ["status", "meeting__board"]
    list_select_related = ["person", "meeting__board"]
    search_fields = ["person__name", "declarations"]
    autocomplete_fields = ["person"]
    raw_id_fields = ["meeting"]


@admin.register(LogItem)
class LogItemAdmin(admin.ModelAdmin):
    list_display = ["text", "kind", "meeting", "owner", "due_date", "status"]
    list_filter = ["kind", "status", "meeting__board"]
    list_select_related = ["owner", "meeting__board"]
    search_fields = ["text", "owner__name", "owner_as_text", "response"]
    autocomplete_fields = ["owner"]
    raw_id_fields = ["meeting", "created_by"]


@admin.register(BoardPack)
class BoardPackAdmin(ReadOnlyAdmin):
    list_display = ["meeting", "version", "issued_at", "issued_by", "superseded_at", "restricted",
                    "exemption_paragraph"]
    list_filter = ["restricted", "meeting__board"]
    list_select_related = ["meeting__board", "issued_by"]
    exclude = ["pdf", "docx", "figures"]  # served unchanged from the meeting's page, never edited here


@admin.register(MeetingReminder)
class MeetingReminderAdmin(ReadOnlyAdmin):
    list_display = ["person", "meeting", "sent_at", "actions", "measures"]
    list_select_related = ["person", "meeting__board"]
    search_fields = ["person__name"]


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ["name", "user", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    list_select_related = ["user"]
    search_fields = ["name", "prefix", "user__username"]
    exclude = ["token_hash"]
    actions = ["revoke_selected"]

    @admin.action(description="Revoke the selected tokens")
    def revoke_selected(self, request, queryset):
        for token in queryset.filter(revoked_at__isnull=True):
            revoke(token=token)
        self.message_user(request, "The selected tokens are revoked.")

    def has_change_permission(self, request, obj=None):
        # The changelist action needs it; the change form still shows every field read-only.
        return request.user.has_perm("governance.change_apitoken")

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.name != "token_hash"]


@admin.register(AgendaItem)
class AgendaItemAdmin(admin.ModelAdmin):
    list_display = ["title", "meeting", "number", "document", "report_author"]
    list_filter = ["meeting__board"]
    list_select_related = ["meeting__board"]
    search_fields = ["title", "description", "report_author", "themes_as_printed"]
    autocomplete_fields = ["plans", "themes"]
