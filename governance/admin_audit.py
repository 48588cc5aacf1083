"""The audit trail in the admin: read only, for everyone.

A superuser reads every event; an organisation admin reads their own organisation's (governance.visibility.
administered); nobody else reads any. Nobody adds, changes or deletes an event here, superusers included: the
trail is the record of what happened. Filter by kind, person, kind of object and date; search by user name,
object or object id; an event's "All events for this object" link lists that object's whole history.
"""

from urllib.parse import urlencode

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from .admin_scoping import OrganisationScopedAdmin
from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(OrganisationScopedAdmin, admin.ModelAdmin):
    list_display = ["at", "kind", "username", "object_repr", "content_type", "summary", "ip_address"]
    list_filter = ["kind", "user", "content_type"]
    list_select_related = ["content_type"]
    date_hierarchy = "at"
    search_fields = ["object_repr", "username", "object_id", "detail"]
    fields = ["at", "kind", "user", "username", "organisation", "content_type", "object_id", "object_repr",
              "object_history", "what_changed", "detail", "ip_address"]
    readonly_fields = fields
    show_full_result_count = False  # the trail grows without end: no second COUNT of the whole table

    def get_list_filter(self, request):
        filters = list(super().get_list_filter(request))
        if request.user.is_superuser:  # an organisation admin's events are all of one organisation
            filters.append(("organisation", admin.RelatedOnlyFieldListFilter))
        return filters

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="What changed")
    def summary(self, event):
        fields = list(event.changes or {})
        if not fields:
            return event.detail
        return ", ".join(fields[:5]) + (f" and {len(fields) - 5} more" if len(fields) > 5 else "")

    @admin.display(description="Changes")
    def what_changed(self, event):
        if not event.changes:
            return "-"
        rows = ((name, self._shown(pair, 0), self._shown(pair, 1)) for name, pair in event.changes.items())
        return format_html(
            '<table><thead><tr><th scope="col">Field</th><th scope="col">Before</th><th scope="col">After</th>'
            "</tr></thead><tbody>{}</tbody></table>",
            format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td></tr>", rows))

    @staticmethod
    def _shown(pair, index):
        value = pair[index] if isinstance(pair, list | tuple) and len(pair) > index else pair
        return "(empty)" if value in (None, "", []) else value

    @admin.display(description="History of the object")
    def object_history(self, event):
        if not event.content_type_id or not event.object_id:
            return "-"
        query = urlencode({"content_type__id__exact": event.content_type_id, "object_id": event.object_id})
        return format_html('<a href="{}?{}">All events for this object</a>',
                           reverse("admin:governance_auditevent_changelist"), query)
