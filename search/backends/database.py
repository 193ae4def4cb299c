# ruff: noqa: S608 - SQL here is assembled from this module's constant fragments and
# placeholder lists only; every value a person typed is passed as a query parameter.
"""People search on the database: SQLite FTS5 locally, PostgreSQL full-text search in production.

Every query is one statement for the hits and one for the total and all facet counts. The text
match is computed once in a materialised CTE; each facet is counted over the match with every
*other* facet's filter applied (a value's count is what selecting it would give), and every
stored field is compared with the viewer's level inside SQL, so members-only values never
match, show or count for anonymous visitors.
"""

from __future__ import annotations

import json

from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from search.backends.base import (
    FACETS,
    FacetValue,
    PeopleQuery,
    PeopleResults,
    PersonHit,
    close_words,
)
from search.indexing import FACET_LABELS, PersonDoc, now_epoch
from search.models import LEVEL_PUBLIC, NameToken, PersonEntry, PersonTerm

ENTRY_FIELDS = [
    "user_id",
    "handle",
    "name",
    "headline_pub",
    "skills_pub",
    "body_pub",
    "headline_mem",
    "skills_mem",
    "body_mem",
    "job_title",
    "job_title_vis",
    "organisation_name",
    "organisation_kind",
    "organisation_tier",
    "organisation_vis",
    "sector",
    "sector_vis",
    "peer_status",
    "peer_accredited",
    "peer_areas",
    "availability",
    "contributions",
    "contribution_summary",
    "standing",
    "last_active",
]
FTS_COLUMNS = "name, headline_pub, skills_pub, body_pub, headline_mem, skills_mem, body_mem"
NAME_TOKENS_CACHE_KEY = "search:name-tokens:v1"
PUBLIC_COLUMNS = "{name headline_pub skills_pub body_pub}"
# bm25 weights, in FTS column order: name, headline, skills, body (public, then members).
BM25_MEMBERS = "10.0, 3.0, 5.0, 1.0, 3.0, 5.0, 1.0"
BM25_PUBLIC = "10.0, 3.0, 5.0, 1.0, 0.0, 0.0, 0.0"
MONTH = 30 * 86400.0
SKILL_MATCH_BOOST = 1.5
SKILL_FACET_SIZE = 15


def name_vocabulary() -> list[str]:
    tokens = cache.get(NAME_TOKENS_CACHE_KEY)
    if tokens is None:
        tokens = list(NameToken.objects.values_list("token", flat=True))
        cache.set(NAME_TOKENS_CACHE_KEY, tokens, 300)
    return tokens


class DatabaseBackend:
    name = "database"

    # --- building SQL -------------------------------------------------------------------

    @property
    def vendor(self) -> str:
        return connection.vendor

    def _alternatives(self, words: list[str]) -> list[list[str]]:
        vocabulary = name_vocabulary() if words else []
        return [[word, *close_words(word, vocabulary)] for word in words]

    def _match(self, query: PeopleQuery):
        """(FROM clause, WHERE clause, params, relevance expression, relevance params)."""
        words = query.words
        if not words:
            return "search_personentry e", "1=1", [], "1.0", []
        alternatives = self._alternatives(words)
        if self.vendor == "sqlite":
            expression = " AND ".join(
                "(" + " OR ".join([f'"{alts[0]}"*', *(f'"{alt}"' for alt in alts[1:])]) + ")" for alts in alternatives
            )
            if query.level == LEVEL_PUBLIC:
                expression = f"{PUBLIC_COLUMNS} : ({expression})"
            weights = BM25_PUBLIC if query.level == LEVEL_PUBLIC else BM25_MEMBERS
            return (
                "search_personfts f JOIN search_personentry e ON e.profile_id = f.rowid",
                "search_personfts MATCH %s",
                [expression],
                f"(-bm25(search_personfts, {weights}))",
                [],
            )
        tsquery = " & ".join("(" + " | ".join([f"{alts[0]}:*", *alts[1:]]) + ")" for alts in alternatives)
        column = "e.tsv_public" if query.level == LEVEL_PUBLIC else "e.tsv_member"
        return (
            "search_personentry e",
            f"{column} @@ to_tsquery('english', %s)",
            [tsquery],
            f"ts_rank('{{0.1, 0.3, 0.5, 1.0}}', {column}, to_tsquery('english', %s))",
            [tsquery],
        )

    def _filter(self, facet: str, values: tuple[str, ...], level: int):
        marks = ", ".join(["%s"] * len(values))
        if facet == "skill":
            clause = (
                "e.profile_id IN (SELECT t.entry_id FROM search_personterm t WHERE "
                f"t.kind = 'skill' AND t.vis <= %s AND t.value IN ({marks}))"
            )
            return clause, [level, *values]
        if facet in ("sector", "kind", "tier"):
            column, vis = {
                "sector": ("e.sector", "e.sector_vis"),
                "kind": ("e.organisation_kind", "e.organisation_vis"),
                "tier": ("e.organisation_tier", "e.organisation_vis"),
            }[facet]
            return f"({column} IN ({marks}) AND {vis} <= %s)", [*values, level]
        if facet == "peer":
            parts, params = [], []
            if "accredited" in values:
                parts.append("e.peer_accredited")
            statuses = [value for value in values if value != "accredited"]
            if statuses:
                parts.append(f"e.peer_status IN ({', '.join(['%s'] * len(statuses))})")
                params.extend(statuses)
            return "(" + " OR ".join(parts) + ")", params
        if facet == "availability":
            return f"e.availability IN ({marks})", list(values)
        raise ValueError(f"unknown facet {facet!r}")

    def _filters(self, query: PeopleQuery, *, skip: str = ""):
        clauses, params = [], []
        for facet, values in query.filters.items():
            if facet == skip or not values:
                continue
            clause, clause_params = self._filter(facet, values, query.level)
            clauses.append(clause)
            params.extend(clause_params)
        return (" AND ".join(clauses) or "1=1"), params

    def _score(self, query: PeopleQuery, relevance: str, matched_skill: str):
        """Relevance times standing (accreditation, contributions, recent activity)."""
        params: list = [now_epoch()]
        score = (
            f"{relevance} * (1.0 + e.standing + 0.5 / (1.0 + "
            f"(CASE WHEN %s - e.last_active > 0 THEN %s - e.last_active ELSE 0 END) / {MONTH}))"
        )
        params.append(params[0])
        if matched_skill:
            score += (
                f" * (CASE WHEN EXISTS (SELECT 1 FROM search_personterm s WHERE s.entry_id = e.profile_id "
                f"AND s.kind = 'skill' AND s.value = %s AND s.vis <= %s) THEN {SKILL_MATCH_BOOST} ELSE 1.0 END)"
            )
            params.extend([matched_skill, query.level])
        return score, params

    # --- queries ------------------------------------------------------------------------

    def search(self, query: PeopleQuery, *, matched_skill: str = "") -> PeopleResults:
        source, match, match_params, relevance, relevance_params = self._match(query)
        where, where_params = self._filters(query)
        score, score_params = self._score(query, relevance, matched_skill)
        offset = (query.page - 1) * query.per_page
        sql = (
            f"SELECT e.profile_id, {score} AS score FROM {source} "
            f"WHERE {match} AND {where} ORDER BY score DESC, e.name, e.profile_id "
            "LIMIT %s OFFSET %s"
        )
        params = [
            *relevance_params,
            *score_params,
            *match_params,
            *where_params,
            query.per_page,
            offset,
        ]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            ranked = cursor.fetchall()
        total, facets = self._counts(query, source, match, match_params)
        hits = self._hits(ranked, level=query.level)
        for hit in hits:
            if matched_skill and matched_skill in hit.skills:
                hit.matched_skill = matched_skill
        return PeopleResults(query=query, total=total, hits=hits, facets=facets)

    def _counts(self, query, source, match, match_params):
        """The total and every facet's counts, in one statement over a materialised match."""
        level = query.level
        parts, params = [], []
        cte = f"WITH m AS MATERIALIZED (SELECT e.profile_id AS id FROM {source} WHERE {match}) "
        params.extend(match_params)
        base = "search_personentry e JOIN m ON m.id = e.profile_id"

        where, where_params = self._filters(query)
        parts.append(f"SELECT '_total', '', COUNT(*) FROM {base} WHERE {where}")
        params.extend(where_params)
        for facet in FACETS:
            where, where_params = self._filters(query, skip=facet)
            if facet == "skill":
                parts.append(
                    "SELECT 'skill', t.value, COUNT(*) FROM search_personterm t "
                    "JOIN m ON m.id = t.entry_id JOIN search_personentry e ON e.profile_id = t.entry_id "
                    "WHERE t.kind = 'skill' AND t.vis <= %s "
                    f"AND {where} GROUP BY t.value"
                )
                params.extend([level, *where_params])
            elif facet == "peer":
                parts.append(
                    f"SELECT 'peer', 'accredited', SUM(CASE WHEN e.peer_accredited THEN 1 ELSE 0 END) "
                    f"FROM {base} WHERE {where}"
                )
                params.extend(where_params)
                parts.append(
                    f"SELECT 'peer', e.peer_status, COUNT(*) FROM {base} WHERE {where} "
                    "AND e.peer_status <> '' GROUP BY e.peer_status"
                )
                params.extend(where_params)
            elif facet == "availability":
                parts.append(
                    f"SELECT 'availability', e.availability, COUNT(*) FROM {base} WHERE {where} GROUP BY e.availability"
                )
                params.extend(where_params)
            else:
                column, vis = {
                    "sector": ("e.sector", "e.sector_vis"),
                    "kind": ("e.organisation_kind", "e.organisation_vis"),
                    "tier": ("e.organisation_tier", "e.organisation_vis"),
                }[facet]
                parts.append(
                    f"SELECT '{facet}', {column}, COUNT(*) FROM {base} WHERE {where} "
                    f"AND {vis} <= %s AND {column} <> '' GROUP BY {column}"
                )
                params.extend([*where_params, level])
        sql = cte + " UNION ALL ".join(parts)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        total = 0
        counts: dict[str, dict[str, int]] = {facet: {} for facet in FACETS}
        for facet, value, count in rows:
            if facet == "_total":
                total = count or 0
            elif count:
                counts[facet][value] = int(count)
        facets = {}
        for facet in FACETS:
            selected = set(query.filters.get(facet, ()))
            labels = FACET_LABELS.get(facet, {})
            values = [
                FacetValue(
                    value=value,
                    label=labels.get(value, value),
                    count=count,
                    selected=value in selected,
                )
                for value, count in counts[facet].items()
            ]
            # A selected value stays listed even when nothing matches it any more.
            values.extend(
                FacetValue(value=value, label=labels.get(value, value), count=0, selected=True)
                for value in selected - set(counts[facet])
            )
            values.sort(key=lambda v: (-v.count, v.label))
            if facet == "skill":
                values = [v for i, v in enumerate(values) if i < SKILL_FACET_SIZE or v.selected]
            facets[facet] = values
        return total, facets

    def _hits(self, ranked, *, level: int) -> list[PersonHit]:
        if not ranked:
            return []
        ids = [row[0] for row in ranked]
        entries = PersonEntry.objects.in_bulk(ids)
        skills: dict[int, list[str]] = {}
        for entry_id, value in (
            PersonTerm.objects.filter(entry_id__in=ids, kind="skill", vis__lte=level)
            .order_by("value")
            .values_list("entry_id", "value")
        ):
            skills.setdefault(entry_id, []).append(value)
        hits = []
        for profile_id, score in ranked:
            entry = entries.get(profile_id)
            if entry is None:
                continue
            hits.append(hit_from_entry(entry, level=level, skills=skills.get(profile_id, []), score=score))
        return hits

    def similar(self, *, profile_id: int, level: int, limit: int = 6) -> list[PersonHit]:
        """People sharing the most skills, interests and communities (and organisation kind)."""
        target = PersonEntry.objects.filter(pk=profile_id).first()
        if target is None:
            return []
        terms = list(PersonTerm.objects.filter(entry_id=profile_id, vis__lte=level).values_list("kind", "value"))
        if not terms:
            return []
        conditions = " OR ".join(["(t.kind = %s AND t.value = %s)"] * len(terms))
        kind = target.organisation_kind if target.organisation_vis <= level else ""
        sql = (
            "SELECT t.entry_id, SUM(CASE WHEN t.kind = 'skill' THEN 3 ELSE 2 END) + "
            "MAX(CASE WHEN e.organisation_kind = %s AND e.organisation_vis <= %s THEN 1 ELSE 0 END) "
            "AS shared FROM search_personterm t JOIN search_personentry e ON e.profile_id = t.entry_id "
            f"WHERE t.vis <= %s AND t.entry_id <> %s AND ({conditions}) "
            "GROUP BY t.entry_id ORDER BY shared DESC, MAX(e.standing) DESC, t.entry_id LIMIT %s"
        )
        params = [kind, level, level, profile_id]
        for term_kind, value in terms:
            params.extend([term_kind, value])
        params.append(limit)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            ranked = cursor.fetchall()
        return self._hits(ranked, level=level)

    def suggest(self, *, text: str, level: int, limit: int = 5) -> list[PersonHit]:
        """People whose names start with what has been typed (search-as-you-type)."""
        words = PeopleQuery(text=text).words
        if not words:
            return []
        if self.vendor == "sqlite":
            expression = "{name} : (" + " AND ".join(f'"{w}"*' for w in words) + ")"
            sql = (
                "SELECT e.profile_id, -bm25(search_personfts) AS score FROM search_personfts f "
                "JOIN search_personentry e ON e.profile_id = f.rowid WHERE search_personfts MATCH %s "
                "ORDER BY score DESC, e.standing DESC LIMIT %s"
            )
            params = [expression, limit]
        else:
            tsquery = " & ".join(f"{w}:*" for w in words)
            sql = (
                "SELECT e.profile_id, e.standing FROM search_personentry e "
                "WHERE to_tsvector('simple', e.name) @@ to_tsquery('simple', %s) "
                "ORDER BY e.standing DESC, e.name LIMIT %s"
            )
            params = [tsquery, limit]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            ranked = cursor.fetchall()
        return self._hits(ranked, level=level)

    # --- writing ------------------------------------------------------------------------

    @transaction.atomic
    def index(self, docs: list[PersonDoc]) -> None:
        """Replace these people's entries. Plain executemany: the ORM's bulk_create spends
        most of its time building SQL, and a rebuild of 100,000 people has to be quick."""
        if not docs:
            return
        ids = [doc.profile_id for doc in docs]
        with connection.cursor() as cursor:
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(f"DELETE FROM search_personterm WHERE entry_id IN ({marks})", chunk)
                cursor.execute(f"DELETE FROM search_personentry WHERE profile_id IN ({marks})", chunk)
            now = timezone.now()
            columns = ["profile_id", *ENTRY_FIELDS, "indexed_at"]
            cursor.executemany(
                f"INSERT INTO search_personentry ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})",
                [
                    (
                        doc.profile_id,
                        *(
                            json.dumps(getattr(doc, name)) if name == "contribution_summary" else getattr(doc, name)
                            for name in ENTRY_FIELDS
                        ),
                        now,
                    )
                    for doc in docs
                ],
            )
            if self.vendor == "sqlite":
                # The delete trigger has taken the old text out; stale rows of reused ids too.
                for start in range(0, len(ids), 500):
                    chunk = ids[start : start + 500]
                    marks = ", ".join(["%s"] * len(chunk))
                    cursor.execute(f"DELETE FROM search_personfts WHERE rowid IN ({marks})", chunk)
                    cursor.execute(
                        f"INSERT INTO search_personfts(rowid, {FTS_COLUMNS}) "
                        f"SELECT profile_id, {FTS_COLUMNS} FROM search_personentry "
                        f"WHERE profile_id IN ({marks})",
                        chunk,
                    )
            terms = [(doc.profile_id, kind, value[:200], vis) for doc in docs for kind, value, vis in doc.terms]
            if terms:
                cursor.executemany(
                    "INSERT INTO search_personterm (entry_id, kind, value, vis) VALUES (%s, %s, %s, %s)",
                    terms,
                )
        tokens = set().union(*(doc.name_tokens for doc in docs))
        known = set(name_vocabulary())
        new_tokens = [token[:100] for token in tokens if token[:100] not in known]
        if new_tokens:
            NameToken.objects.bulk_create([NameToken(token=token) for token in new_tokens], ignore_conflicts=True)
            cache.delete(NAME_TOKENS_CACHE_KEY)

    def delete(self, *, profile_ids: list[int]) -> None:
        PersonEntry.objects.filter(pk__in=profile_ids).delete()

    def clear(self) -> None:
        PersonEntry.objects.all().delete()
        NameToken.objects.all().delete()
        cache.delete(NAME_TOKENS_CACHE_KEY)

    def rebuild(self, docs, *, total: int, progress=None, batch_size: int = 2000) -> int:
        """Reindex everyone in batches, each its own transaction, so the site keeps serving."""
        seen: set[int] = set()
        batch: list[PersonDoc] = []
        done = 0
        for doc in docs:
            batch.append(doc)
            if len(batch) >= batch_size:
                self.index(batch)
                seen.update(d.profile_id for d in batch)
                done += len(batch)
                batch = []
                if progress:
                    progress(done, total)
        if batch:
            self.index(batch)
            seen.update(d.profile_id for d in batch)
            done += len(batch)
            if progress:
                progress(done, total)
        stale = set(PersonEntry.objects.values_list("pk", flat=True)) - seen
        if stale:
            self.delete(profile_ids=sorted(stale))
        return done


def entry_from_doc(doc: PersonDoc) -> PersonEntry:
    fields = {
        name: getattr(doc, name)
        for name in [
            "user_id",
            "handle",
            "name",
            "headline_pub",
            "skills_pub",
            "body_pub",
            "headline_mem",
            "skills_mem",
            "body_mem",
            "job_title",
            "job_title_vis",
            "organisation_name",
            "organisation_kind",
            "organisation_tier",
            "organisation_vis",
            "sector",
            "sector_vis",
            "peer_status",
            "peer_accredited",
            "peer_areas",
            "availability",
            "contributions",
            "contribution_summary",
            "standing",
            "last_active",
        ]
    }
    return PersonEntry(profile_id=doc.profile_id, **fields)


def hit_from_entry(entry: PersonEntry, *, level: int, skills: list[str], score: float = 0.0) -> PersonHit:
    """A result showing only the fields stored at or below the viewer's level."""
    return PersonHit(
        profile_id=entry.pk,
        handle=entry.handle,
        name=entry.name,
        job_title=entry.job_title if entry.job_title_vis <= level else "",
        organisation_name=entry.organisation_name if entry.organisation_vis <= level else "",
        organisation_kind=entry.organisation_kind if entry.organisation_vis <= level else "",
        sector=entry.sector if entry.sector_vis <= level else "",
        skills=skills,
        peer_accredited=entry.peer_accredited,
        peer_status=entry.peer_status,
        peer_areas=[area for area in entry.peer_areas.split(",") if area],
        availability=entry.availability,
        contributions=entry.contributions,
        contribution_summary=entry.contribution_summary or {},
        last_active=entry.last_active,
        score=float(score or 0),
    )
