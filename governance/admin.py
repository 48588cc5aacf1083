from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.models import Group
from django.utils.html import format_html

from plans.rag import MEANINGS, RAG

from . import admin_audit, admin_lockouts  # noqa: F401  (register the audit trail and sign-in lockouts admins)
from .admin_scoping import OrganisationScopedAdmin
from .admin_users import UserAdmin
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
from .tokens import revoke

# The users admin (inviting people, organisation admins scoped to their own users) is its own module.
admin.site.register(User, UserAdmin)


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(DjangoGroupAdmin):
    """The roles and their permissions are the product's, the same for every organisation: only superusers
    see or change them, whatever permissions a role is given."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_delete_permission(self, request, obj=None):
        return self.has_module_permission(request)


@admin.register(Organisation)
class OrganisationAdmin(OrganisationScopedAdmin, admin.ModelAdmin):
    list_display = ["name", "kind", "slug"]
    list_filter = ["kind"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["name", "slug", "kind", "note", "is_demo"]}),
        ("Wording for staff", {
            "description": "What each rating means, in this organisation's words, wherever its staff are shown "
                           "it. The ratings themselves, and their colours, are the same for every organisation.",
            "fields": [f"rag_meaning_{rating.value}" for rating in RAG],
        }),
    ]
    readonly_fields = ["is_demo"]  # set by seed_demo: a real organisation is never marked fictional by hand

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name.startswith("rag_meaning_"):
            default = MEANINGS[RAG(db_field.name.removeprefix("rag_meaning_"))]
            # The admin prints help text unescaped: format_html escapes the default.
            field.help_text = format_html("Leave blank to keep the default: “{}”", default)
            field.widget.attrs["rows"] = 3
        return field

    # Superusers make and remove organisations; an organisation admin rewords only their own.
    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class MembershipInline(OrganisationScopedAdmin, admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["person"]
    fields = ["person", "role", "position", "represents", "party", "start", "end", "order"]


class MeetingInline(OrganisationScopedAdmin, admin.TabularInline):
    model = Meeting
    extra = 0
    fields = ["start", "venue", "papers_deadline"]
    show_change_link = True


@admin.register(Board)
class BoardAdmin(OrganisationScopedAdmin, admin.ModelAdmin):
    list_display = ["name", "kind", "organisation", "meeting_frequency"]
    list_filter = ["kind", "organisation"]
    list_select_related = ["organisation"]
    search_fields = ["name", "purpose"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline, MeetingInline]


@admin.register(Membership)
class MembershipAdmin(OrganisationScopedAdmin, admin.ModelAdmin):
    list_display = ["person", "board", "role", "position", "represents", "party", "start", "end"]
    list_filter = ["board", "role", "party"]
    list_select_related = ["person", "board"]
    search_fields = ["person__name", "position", "represents", "party"]
    autocomplete_fields = ["person"]


class AgendaItemInline(OrganisationScopedAdmin, admin.StackedInline):
    model = AgendaItem
    extra = 0
    autocomplete_fields = ["plans", "themes"]
    fields = ["number", "title", "document", "report_author", "description", "plans", "themes",
              "themes_as_printed", "order", "note", "restricted", "exemption_paragraph"]


@admin.register(Meeting)
class MeetingAdmin(OrganisationScopedAdmin, admin.ModelAdmin):
    list_display = ["start", "board", "venue", "papers_deadline", "restricted"]
    list_filter = ["board", "restricted"]
    list_select_related = ["board"]
    date_hierarchy = "start"
    search_fields = ["board__name", "venue", "agenda_items__title"]
    inlines = [AgendaItemInline]


class ReadOnlyAdmin(OrganisationScopedAdmin, admin.ModelAdmin):
    """Records the service writes through its own rules (issued packs, reminders sent, tokens): admins read
    them here; only superusers may delete, and nobody edits them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(Attendance)
class AttendanceAdmin(OrganisationScopedAdmin, admin.ModelAdmin):
    list_display = ["person", "meeting", "status", "substitute_for"]
    list_filter = ["status", "meeting__board"]
    list_select_related = ["person", "meeting__board"]
    search_fields = ["person__name", "declarations"]
    autocomplete_fields = ["person"]
    raw_id_fields = ["meeting"]


@admin.register(LogItem)
class LogItemAdmin(OrganisationScopedAdmin, admin.ModelAdmin):
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
        return request.user.has_perm("governance.change_apitoken") and self.administers(request, obj)

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.name != "token_hash"]


@admin.register(AgendaItem)
class AgendaItemAdmin(OrganisationScopedAdmin, admin.ModelAdmin):
    list_display = ["title", "meeting", "number", "document", "report_author", "restricted"]
    list_filter = ["meeting__board", "restricted"]
    list_select_related = ["meeting__board"]
    search_fields = ["title", "description", "report_author", "themes_as_printed"]
    autocomplete_fields = ["plans", "themes"]
