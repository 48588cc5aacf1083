"""The three roles, as groups: Admin (everything), Officer (records progress on their actions; the
object-level rule is in plans.permissions), Board member (reads everything, changes nothing)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

OFFICER = ["plans.add_progressupdate", "plans.view_progressupdate", "plans.view_action", "plans.change_action",
           "plans.view_plan", "plans.view_theme", "plans.view_objective", "plans.view_milestone"]
READ_APPS = ["plans", "inspections", "governance"]


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations run; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    admin, _ = Group.objects.get_or_create(name="Admin")
    admin.permissions.set(Permission.objects.filter(content_type__app_label__in=READ_APPS + ["auth"]))
    officer, _ = Group.objects.get_or_create(name="Officer")
    codenames = [p.split(".")[1] for p in OFFICER]
    officer.permissions.set(Permission.objects.filter(content_type__app_label="plans", codename__in=codenames))
    board, _ = Group.objects.get_or_create(name="Board member")
    board.permissions.set(
        Permission.objects.filter(content_type__app_label__in=READ_APPS, codename__startswith="view_")
    )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Admin", "Officer", "Board member"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0002_initial"),
        ("plans", "0001_initial"),
        ("inspections", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(create_roles, remove_roles)]
