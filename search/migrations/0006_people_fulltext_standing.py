"""SQLite: the FTS5 table also carries standing and activity (unindexed), so a text-only query
ranks from the full-text table alone instead of joining every match to the entries table."""

from django.db import migrations

FTS_COLUMNS = "name, headline_pub, skills_pub, body_pub, headline_mem, skills_mem, body_mem"

FORWARD = [
    "DROP TABLE IF EXISTS search_personfts",
    f"""CREATE VIRTUAL TABLE search_personfts USING fts5(
        {FTS_COLUMNS}, standing UNINDEXED, last_active UNINDEXED,
        tokenize='porter unicode61 remove_diacritics 2', prefix='2 3 4')""",
    f"""INSERT INTO search_personfts(rowid, {FTS_COLUMNS}, standing, last_active)
        SELECT profile_id, {FTS_COLUMNS}, standing, last_active FROM search_personentry""",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in FORWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("search", "0005_people_browse_index")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
