"""Give the roles their permissions on the models added since the roles migration: Admin everything,
Board member read-only, Officer what it takes to record measure values, impact and milestone outcomes
(the object-level rules are in plans.permissions)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

OFFICER_EXTRA = ["add_measurevalue", "change_measurevalue", "view_measurevalue", "view_measure",
                 "add_impactassessment", "view_impactassessment", "change_milestone"]
READ_APPS = ["plans", "inspections", "governance"]


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name="Admin"):
        group.permissions.add(*Permission.objects.filter(content_type__app_label__in=READ_APPS + ["auth"]))
    for group in Group.objects.filter(name="Board member"):
        group.permissions.add(*Permission.objects.filter(content_type__app_label__in=READ_APPS,
                                                         codename__startswith="view_"))
    for group in Group.objects.filter(name="Officer"):
        group.permissions.add(*Permission.objects.filter(content_type__app_label="plans",
                                                         codename__in=OFFICER_EXTRA))


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0004_clerk_attendance_log_packs_reminders_tokens"),
        ("governance", "0003_roles"),
        ("plans", "0004_backfill_added_on_recorded_at"),
    ]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
