"""The index version row exists from the start (so concurrent first writers queue on its lock),
and on PostgreSQL name suggestions (`to_tsvector('simple', name)` prefix queries) use an index."""

from django.db import migrations

NAME_INDEX = "search_personentry_name_simple"


def forwards(apps, schema_editor):
    IndexState = apps.get_model("search", "IndexState")
    IndexState.objects.get_or_create(pk=1, defaults={"version": 0, "token": ""})
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {NAME_INDEX} ON search_personentry USING gin (to_tsvector('simple', name))"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {NAME_INDEX}")


class Migration(migrations.Migration):
    dependencies = [("search", "0007_people_index_versions")]

    operations = [migrations.RunPython(forwards, backwards)]
