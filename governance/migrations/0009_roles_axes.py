"""Let the Admin role see and lift sign-in lockouts (django-axes' access attempts) in the admin: view, and delete,
which lifts the lock. governance.admin_lockouts shows an organisation admin only its own organisation's users'
attempts; only superusers see the rest."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTED = ["view_accessattempt", "delete_accessattempt"]


def grant(apps, schema_editor):
    axes = apps.get_app_config("axes")
    axes.models_module = True
    create_permissions(axes, apps=apps, verbosity=0)
    axes.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label="axes", codename__in=GRANTED)
    for group in Group.objects.filter(name="Admin"):
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label="axes", codename__in=GRANTED)
    for group in Group.objects.filter(name="Admin"):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0008_restricted_audit_throttle"),
        ("axes", "0010_accessattemptexpiration"),
    ]
    operations = [migrations.RunPython(grant, revoke)]
