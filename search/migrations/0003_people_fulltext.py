"""Full-text structures for the people index, per database.

SQLite: an external-content FTS5 table over search_personentry, kept in step by triggers.
PostgreSQL: two generated tsvector columns (everyone's view, signed-in view) with GIN indexes.
"""

from django.db import migrations

FTS_COLUMNS = "name, headline_pub, skills_pub, body_pub, headline_mem, skills_mem, body_mem"

SQLITE_FORWARD = [
    f"""CREATE VIRTUAL TABLE search_personfts USING fts5(
        {FTS_COLUMNS},
        content='search_personentry', content_rowid='profile_id',
        tokenize='porter unicode61 remove_diacritics 2', prefix='2 3 4')""",
    f"""CREATE TRIGGER search_personentry_ai AFTER INSERT ON search_personentry BEGIN
        INSERT INTO search_personfts(rowid, {FTS_COLUMNS}) VALUES (new.profile_id,
        new.name, new.headline_pub, new.skills_pub, new.body_pub, new.headline_mem,
        new.skills_mem, new.body_mem); END""",
    f"""CREATE TRIGGER search_personentry_ad AFTER DELETE ON search_personentry BEGIN
        INSERT INTO search_personfts(search_personfts, rowid, {FTS_COLUMNS}) VALUES ('delete',
        old.profile_id, old.name, old.headline_pub, old.skills_pub, old.body_pub,
        old.headline_mem, old.skills_mem, old.body_mem); END""",
    f"""CREATE TRIGGER search_personentry_au AFTER UPDATE ON search_personentry BEGIN
        INSERT INTO search_personfts(search_personfts, rowid, {FTS_COLUMNS}) VALUES ('delete',
        old.profile_id, old.name, old.headline_pub, old.skills_pub, old.body_pub,
        old.headline_mem, old.skills_mem, old.body_mem);
        INSERT INTO search_personfts(rowid, {FTS_COLUMNS}) VALUES (new.profile_id,
        new.name, new.headline_pub, new.skills_pub, new.body_pub, new.headline_mem,
        new.skills_mem, new.body_mem); END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_personentry_au",
    "DROP TRIGGER IF EXISTS search_personentry_ad",
    "DROP TRIGGER IF EXISTS search_personentry_ai",
    "DROP TABLE IF EXISTS search_personfts",
]

PUBLIC_VECTOR = """
    setweight(to_tsvector('english', coalesce(name, '')), 'A') ||
    setweight(to_tsvector('english', coalesce(skills_pub, '')), 'B') ||
    setweight(to_tsvector('english', coalesce(headline_pub, '')), 'C') ||
    setweight(to_tsvector('english', coalesce(body_pub, '')), 'D')"""
MEMBER_VECTOR = (
    PUBLIC_VECTOR
    + """ ||
    setweight(to_tsvector('english', coalesce(skills_mem, '')), 'B') ||
    setweight(to_tsvector('english', coalesce(headline_mem, '')), 'C') ||
    setweight(to_tsvector('english', coalesce(body_mem, '')), 'D')"""
)
POSTGRES_FORWARD = [
    f"ALTER TABLE search_personentry ADD COLUMN tsv_public tsvector GENERATED ALWAYS AS ({PUBLIC_VECTOR}) STORED",
    f"ALTER TABLE search_personentry ADD COLUMN tsv_member tsvector GENERATED ALWAYS AS ({MEMBER_VECTOR}) STORED",
    "CREATE INDEX search_personentry_tsv_public ON search_personentry USING gin (tsv_public)",
    "CREATE INDEX search_personentry_tsv_member ON search_personentry USING gin (tsv_member)",
]
POSTGRES_BACKWARD = [
    "ALTER TABLE search_personentry DROP COLUMN IF EXISTS tsv_member",
    "ALTER TABLE search_personentry DROP COLUMN IF EXISTS tsv_public",
]


def forwards(apps, schema_editor):
    statements = {"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}.get(
        schema_editor.connection.vendor, []
    )
    for statement in statements:
        schema_editor.execute(statement)


def backwards(apps, schema_editor):
    statements = {"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}.get(
        schema_editor.connection.vendor, []
    )
    for statement in statements:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("search", "0002_people_index")]

    operations = [migrations.RunPython(forwards, backwards)]
