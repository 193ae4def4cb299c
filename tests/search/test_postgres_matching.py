"""PostgreSQL matching: prefixes are expanded into the words they stand for before they reach
the GIN index, and each audience's narrow vector table stays in step with the entries."""

import pytest

from django.contrib.auth.models import AnonymousUser
from django.db import connection

from search.backends import database
from search.backends.database import VECTOR_TABLES, expand_prefixes
from search.models import IndexLexeme, PersonEntry, PersonMemberVector, PersonPublicVector
from search.selectors import expert_search
from search.services import people_index_update

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="PostgreSQL matching: runs when DATABASE_URL names PostgreSQL"
    ),
]


def matching(table: str, condition: str, tsquery: str) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT entry_id FROM {table} WHERE tsv @@ {condition} ORDER BY entry_id", [tsquery])  # noqa: S608
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.parametrize("source", ["budget:* & setting:*", "har:*", "(hart:* | hartly) & financ:*", "fin:*"])
def test_expanded_prefixes_match_exactly_the_people_the_prefixes_match(cast, source):
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_tsquery('english', %s)::text", [source])
        parsed = cursor.fetchone()[0]
        expanded = expand_prefixes(cursor, parsed)
    assert ":*" not in expanded  # every prefix became the index's own words
    for table in VECTOR_TABLES.values():
        found = matching(table, "%s::tsquery", expanded)
        assert found == matching(table, "to_tsquery('english', %s)", source)
    assert matching(VECTOR_TABLES[True], "%s::tsquery", expanded)


def test_words_with_quotes_and_backslashes_survive_the_expansion(db):
    IndexLexeme.objects.bulk_create([IndexLexeme(word="o'neill"), IndexLexeme(word="o\\brien"), IndexLexeme(word="x")])
    with connection.cursor() as cursor:
        expanded = expand_prefixes(cursor, "'o':* & 'zzz':*")
        cursor.execute("SELECT %s::tsquery::text", [expanded])
        assert cursor.fetchone()[0] == "( 'o''neill' | 'o\\\\brien' ) & 'zzz':*"


def test_a_prefix_standing_for_too_many_words_is_left_to_the_index(cast, monkeypatch):
    monkeypatch.setattr(database, "MAX_PREFIX_WORDS", 1)
    with connection.cursor() as cursor:
        assert expand_prefixes(cursor, "'har':*") == "'har':*"
    assert {hit.name for hit in expert_search(user=AnonymousUser(), text="Har").hits} >= {"Amelia Hartley"}


def test_each_entry_has_one_vector_per_audience_as_people_change_and_leave(cast):
    def vectors(model) -> set[int]:
        return set(model.objects.values_list("entry_id", flat=True))

    people = set(PersonEntry.objects.values_list("pk", flat=True))
    assert vectors(PersonPublicVector) == vectors(PersonMemberVector) == people
    changed = cast["rare"]
    changed.bio = "Leads the zeppelin procurement programme."
    changed.save()
    people_index_update(user_ids=[changed.user_id])
    assert [hit.name for hit in expert_search(user=AnonymousUser(), text="zeppelin").hits] == [
        f"{changed.user.first_name} {changed.user.last_name}"
    ]
    cast["peer"].user.delete()
    people.discard(cast["peer"].pk)
    assert vectors(PersonPublicVector) == vectors(PersonMemberVector) == people
