"""Existing actions joined their plan when it started (else was published); existing updates were saved
when they applied from."""

from django.db import migrations
from django.db.models import F


def backfill(apps, schema_editor):
    Action = apps.get_model("plans", "Action")
    ProgressUpdate = apps.get_model("plans", "ProgressUpdate")
    ProgressUpdate.objects.update(recorded_at=F("created_at"))
    for action in Action.objects.select_related("theme__plan").iterator():
        plan = action.theme.plan
        day = plan.start or plan.published
        if day and action.added_on != day:
            Action.objects.filter(pk=action.pk).update(added_on=day)


class Migration(migrations.Migration):
    dependencies = [("plans", "0003_measures_added_on_recorded_at_milestone_outcome")]
    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
