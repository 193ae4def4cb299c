"""The people index's vocabulary of lexemes (used on PostgreSQL to expand prefix queries),
filled from the entries already indexed, with a prefix-searchable index on PostgreSQL."""

from django.db import migrations, models

PREFIX_INDEX = "search_indexlexeme_prefix"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {PREFIX_INDEX} ON search_indexlexeme (word text_pattern_ops)")
        schema_editor.execute(
            "INSERT INTO search_indexlexeme (word) SELECT DISTINCT unnest(tsvector_to_array(tsv_member)) "
            "FROM search_personentry ON CONFLICT DO NOTHING"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {PREFIX_INDEX}")


class Migration(migrations.Migration):
    dependencies = [("search", "0008_people_index_state_row_and_name_prefix_index")]

    operations = [
        migrations.CreateModel(
            name="IndexLexeme",
            fields=[("word", models.TextField(primary_key=True, serialize=False))],
        ),
        migrations.RunPython(forwards, backwards),
    ]
