"""Sign-in lockouts in the admin: django-axes' access attempts, seen and lifted (deleted) by admins.

A superuser sees every attempt, including those for user names nobody has. An organisation admin sees the
attempts for the user names of their own organisation's logins (governance.visibility.administered) and may
lift those; anyone else sees none. Attempts are records of what happened: nobody adds or edits them here.
"""

from axes.admin import AccessAttemptAdmin as AxesAccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin, messages

from .admin_scoping import OrganisationScopedAdmin
from .models import User
from .visibility import administered


def administered_attempts(queryset, user):
    """The attempts `user` administers: all for a superuser, else those naming a login they administer."""
    if user.is_active and user.is_superuser:
        return queryset
    return queryset.filter(username__in=administered(User.objects.all(), user).values("username"))


@admin.register(AccessAttempt)
class AccessAttemptAdmin(OrganisationScopedAdmin, AxesAccessAttemptAdmin):
    """Axes' admin (status "Locked Out" or attempts remaining, the locked-out filter), scoped by the user names
    the admin administers. Deleting an attempt lifts its lock: the user may sign in from that address again."""

    actions = ["lift_lockouts"]
    list_display_links = ["attempt_time", "username"]

    def get_queryset(self, request):
        return administered_attempts(super(OrganisationScopedAdmin, self).get_queryset(request), request.user)

    def administers(self, request, obj) -> bool:
        if obj is None or request.user.is_superuser:
            return True
        return administered_attempts(AccessAttempt.objects.filter(pk=obj.pk), request.user).exists()

    def has_change_permission(self, request, obj=None):
        return False  # the record of what happened; lifting a lock is deleting it

    @admin.action(description="Lift the lockout of the selected attempts", permissions=["delete"])
    def lift_lockouts(self, request, queryset):
        count, _ = queryset.delete()
        self.message_user(request, f"Lifted {count} lockout{'s' if count != 1 else ''}: those users can sign in "
                                   "again from those addresses.", messages.SUCCESS)
