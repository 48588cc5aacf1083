"""Give the roles their permissions on the models added since the last roles migration (plan shares), and
make the Admin role an organisation admin: it administers its own organisation's users, people, plans,
boards, meetings, imports and measures (governance.visibility.administered), may reword its own
organisation, but neither creates nor deletes organisations nor edits the role groups and their
permissions, which only superusers do."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

READ_APPS = ["plans", "inspections", "governance"]
SUPERUSER_ONLY = [("governance", "add_organisation"), ("governance", "delete_organisation")]


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name="Admin"):
        group.permissions.add(*Permission.objects.filter(content_type__app_label__in=READ_APPS))
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="auth"))
        for app_label, codename in SUPERUSER_ONLY:
            group.permissions.remove(*Permission.objects.filter(content_type__app_label=app_label,
                                                                codename=codename))
    for group in Group.objects.filter(name="Board member"):
        group.permissions.add(*Permission.objects.filter(content_type__app_label__in=READ_APPS,
                                                         codename__startswith="view_"))


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0006_organisation_words"),
        ("governance", "0005_roles_for_new_models"),
        ("plans", "0005_planshare"),
    ]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
