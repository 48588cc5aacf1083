"""A covering index for "the latest progress update of an action" on PostgreSQL (issue 15).

Every rating roll-up (current RAG, as at a date, the register, dashboards, the tracker) reads the newest update of
each action, optionally up to a cut-off time. progress_latest_idx finds that row by (action, -created_at, -id);
this one also carries the rating, so PostgreSQL answers the rating subqueries from the index alone (an index-only
scan) instead of visiting the table for every action. SQLite has no INCLUDE: there the existing index serves,
and this migration does nothing (it is not in the model's Meta, which would warn on SQLite, models.W040)."""

from django.db import migrations

NAME = "progress_latest_rag_cover_idx"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {NAME} ON plans_progressupdate (action_id, created_at DESC, id DESC) "
            "INCLUDE (rag)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [("plans", "0006_restricted")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
