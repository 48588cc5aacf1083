"""Let the Admin role read the audit trail in the admin (view only: nobody adds, changes or deletes an event).
The model came in 0008, after 0007 gave the role its governance permissions; governance.admin_audit shows an
organisation admin only its own organisation's events."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTED = ["view_auditevent"]


def grant(apps, schema_editor):
    governance = apps.get_app_config("governance")
    governance.models_module = True  # on a fresh database the permission is otherwise made after migrating
    create_permissions(governance, apps=apps, verbosity=0)
    governance.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label="governance", codename__in=GRANTED)
    for group in Group.objects.filter(name="Admin"):
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label="governance", codename__in=GRANTED)
    for group in Group.objects.filter(name="Admin"):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [("governance", "0009_roles_axes")]
    operations = [migrations.RunPython(grant, revoke)]
