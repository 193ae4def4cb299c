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

import hashlib
import json
import time

from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from search.backends.base import (
    FACETS,
    FacetValue,
    PeopleQuery,
    PeopleResults,
    PersonHit,
    WordBuckets,
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
INDEX_VERSION_CACHE_KEY = "search:people-index-version"
COUNTS_CACHE_SECONDS = 300
NAME_TOKENS_CACHE_KEY = "search:name-tokens:v1"
PUBLIC_COLUMNS = "{name headline_pub skills_pub body_pub}"
# bm25 weights, in FTS column order: name, headline, skills, body (public, then members).
BM25_MEMBERS = "10.0, 3.0, 5.0, 1.0, 3.0, 5.0, 1.0"
BM25_PUBLIC = "10.0, 3.0, 5.0, 1.0, 0.0, 0.0, 0.0"
# When the whole query names a vocabulary skill, matches in the skills columns count for more:
# SQLite's way of ranking exact skill matches first without a per-row look-up.
BM25_MEMBERS_SKILL = "10.0, 3.0, 15.0, 1.0, 3.0, 15.0, 1.0"
BM25_PUBLIC_SKILL = "10.0, 3.0, 15.0, 1.0, 0.0, 0.0, 0.0"
MONTH = 30 * 86400.0
SKILL_MATCH_BOOST = 1.5
SKILL_FACET_SIZE = 15


_buckets: dict[str, object] = {}


def name_vocabulary() -> list[str]:
    tokens = cache.get(NAME_TOKENS_CACHE_KEY)
    if tokens is None:
        tokens = list(NameToken.objects.values_list("token", flat=True))
        cache.set(NAME_TOKENS_CACHE_KEY, tokens, 300)
    return tokens


def name_buckets() -> WordBuckets:
    """The name vocabulary bucketed for typo look-ups, rebuilt when the vocabulary changes."""
    tokens = name_vocabulary()
    key = f"{len(tokens)}:{hash(tuple(tokens[:50]))}"
    if _buckets.get("key") != key:
        _buckets.update(key=key, buckets=WordBuckets(tokens))
    return _buckets["buckets"]


class DatabaseBackend:
    name = "database"

    # --- building SQL -------------------------------------------------------------------

    @property
    def vendor(self) -> str:
        return connection.vendor

    def _alternatives(self, words: list[str]) -> list[list[str]]:
        vocabulary = name_buckets() if words else []
        return [[word, *close_words(word, vocabulary)] for word in words]

    def _match(self, query: PeopleQuery, matched_skill: str = ""):
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
            if matched_skill:
                weights = BM25_PUBLIC_SKILL if query.level == LEVEL_PUBLIC else BM25_MEMBERS_SKILL
            else:
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
        if matched_skill and self.vendor != "sqlite":
            score += (
                # Uncorrelated IN: computed once, not once per matching row.
                f" * (CASE WHEN e.profile_id IN (SELECT s.entry_id FROM search_personterm s WHERE "
                f"s.kind = 'skill' AND s.value = %s AND s.vis <= %s) THEN {SKILL_MATCH_BOOST} ELSE 1.0 END)"
            )
            params.extend([matched_skill, query.level])
        return score, params

    # --- queries ------------------------------------------------------------------------

    def search(self, query: PeopleQuery, *, matched_skill: str = "") -> PeopleResults:
        source, match, match_params, relevance, relevance_params = self._match(query, matched_skill)
        where, where_params = self._filters(query)
        score, score_params = self._score(query, relevance, matched_skill)
        offset = (query.page - 1) * query.per_page
        select, hits_source = "e.profile_id", source
        if match_params:
            order = "score DESC, e.profile_id"
            if self.vendor == "sqlite" and not query.filters:
                # Text only: rank from the FTS table alone (it carries standing and activity).
                hits_source, select, order = "search_personfts f", "f.rowid", "score DESC, f.rowid"
                score = (
                    score.replace("e.standing", "f.standing")
                    .replace("e.last_active", "f.last_active")
                    .replace("e.profile_id", "f.rowid")
                )
        else:
            # No words: standing, then recent activity, straight from an index.
            score, score_params = "e.standing", []
            order = "e.standing DESC, e.last_active DESC, e.profile_id"
        sql = (
            f"SELECT {select}, {score} AS score FROM {hits_source} "
            f"WHERE {match} AND {where} ORDER BY {order} LIMIT %s OFFSET %s"
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
        total, facets = self._cached_counts(query, source, match, match_params)
        hits = self._hits(ranked, level=query.level)
        for hit in hits:
            if matched_skill and matched_skill in hit.skills:
                hit.matched_skill = matched_skill
        return PeopleResults(query=query, total=total, hits=hits, facets=facets)

    def _cached_counts(self, query, source, match, match_params):
        """Counts are the expensive part of a broad query: they are kept for a few minutes,
        keyed by the index version, so any write to the index makes them recount at once."""
        version = cache.get(INDEX_VERSION_CACHE_KEY)
        if version is None:
            version = str(time.time_ns())
            cache.set(INDEX_VERSION_CACHE_KEY, version, None)
        fingerprint = hashlib.sha256(
            repr((query.level, match_params, sorted(query.filters.items()))).encode()
        ).hexdigest()
        key = f"search:people-counts:{version}:{fingerprint}"
        cached = cache.get(key)
        if cached is None:
            cached = self._counts(query, source, match, match_params)
            cache.set(key, cached, COUNTS_CACHE_SECONDS)
        return cached

    def _counts(self, query, source, match, match_params):
        """The total and every facet's counts from two scans of the match.

        The single-valued facets come from one GROUP BY over all their columns at once (a few
        hundred groups at most); each facet's counts are then summed in Python over the groups
        that pass every *other* facet's filter. Skills, which are many per person, are counted
        over the terms table in a second statement.
        """
        level = query.level
        params: list = []
        if match_params:
            # Drive both statements from the (usually small) match; CROSS JOIN fixes SQLite's
            # join order and is plain SQL on PostgreSQL.
            cte = f"WITH m AS MATERIALIZED (SELECT e.profile_id AS id FROM {source} WHERE {match}) "
            base = "m CROSS JOIN search_personentry e WHERE e.profile_id = m.id"
            # `t.kind || ''` stops SQLite from choosing the (kind, ...) index over (entry, kind).
            term_base = (
                "m CROSS JOIN search_personterm t CROSS JOIN search_personentry e "
                "WHERE t.entry_id = m.id AND e.profile_id = m.id AND t.kind || '' = 'skill'"
            )
        else:
            cte = ""
            base = "search_personentry e WHERE 1=1"
            term_base = (
                "search_personterm t CROSS JOIN search_personentry e "
                "WHERE e.profile_id = t.entry_id AND t.kind = 'skill'"
            )
        skill_values = query.filters.get("skill", ())
        if skill_values:
            skill_clause, skill_params = self._filter("skill", skill_values, level)
            skill_flag = f"CASE WHEN {skill_clause} THEN 1 ELSE 0 END"
        else:
            skill_flag, skill_params = "1", []
        group_sql = (
            f"{cte}SELECT e.sector, e.sector_vis, e.organisation_kind, e.organisation_tier, "
            "e.organisation_vis, e.peer_status, CASE WHEN e.peer_accredited THEN 1 ELSE 0 END, "
            f"e.availability, {skill_flag}, COUNT(*) FROM {base} "
            "GROUP BY e.sector, e.sector_vis, e.organisation_kind, e.organisation_tier, "
            "e.organisation_vis, e.peer_status, e.peer_accredited, e.availability"
            + (f", {skill_flag}" if skill_values else "")
        )
        params = [*match_params, *skill_params, *(skill_params if skill_values else [])]
        where, where_params = self._filters(query, skip="skill")
        skill_sql = f"{cte}SELECT t.value, COUNT(*) FROM {term_base} AND t.vis <= %s AND {where} GROUP BY t.value"
        with connection.cursor() as cursor:
            cursor.execute(group_sql, params)
            groups = cursor.fetchall()
            cursor.execute(skill_sql, [*match_params, level, *where_params])
            skill_counts = dict(cursor.fetchall())

        selected = {facet: set(values) for facet, values in query.filters.items()}

        def passes(facet: str, row) -> bool:
            wanted = selected.get(facet)
            if not wanted:
                return True
            sector, sector_vis, kind, tier, org_vis, status, accredited, availability, skill_ok, _ = row
            if facet == "sector":
                return sector_vis <= level and sector in wanted
            if facet == "kind":
                return org_vis <= level and kind in wanted
            if facet == "tier":
                return org_vis <= level and tier in wanted
            if facet == "peer":
                return bool(accredited and "accredited" in wanted) or status in wanted
            if facet == "availability":
                return availability in wanted
            return bool(skill_ok)

        counts: dict[str, dict[str, int]] = {facet: {} for facet in FACETS}
        counts["skill"] = {value: int(n) for value, n in skill_counts.items() if n}
        total = 0
        for row in groups:
            sector, sector_vis, kind, tier, org_vis, status, accredited, availability, _, n = row
            passing = {facet: passes(facet, row) for facet in FACETS}
            if all(passing.values()):
                total += n

            def others(facet: str, passing=passing) -> bool:
                return all(ok for name, ok in passing.items() if name != facet)

            def add(facet: str, value: str, n=n) -> None:
                if value:
                    counts[facet][value] = counts[facet].get(value, 0) + n

            if others("sector") and sector_vis <= level:
                add("sector", sector)
            if others("kind") and org_vis <= level:
                add("kind", kind)
            if others("tier") and org_vis <= level:
                add("tier", tier)
            if others("peer"):
                add("peer", status)
                if accredited:
                    add("peer", "accredited")
            if others("availability"):
                add("availability", availability)

        facets = {}
        for facet in FACETS:
            chosen = selected.get(facet, set())
            labels = FACET_LABELS.get(facet, {})
            values = [
                FacetValue(
                    value=value,
                    label=labels.get(value, value),
                    count=count,
                    selected=value in chosen,
                )
                for value, count in counts[facet].items()
            ]
            # A selected value stays listed even when nothing matches it any more.
            values.extend(
                FacetValue(value=value, label=labels.get(value, value), count=0, selected=True)
                for value in chosen - set(counts[facet])
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
        # No kind filter and no ORDER BY in SQL: either makes SQLite pick the (kind, value)
        # index and walk every skill of everyone; a person has only a handful of terms.
        for entry_id, kind, value in PersonTerm.objects.filter(entry_id__in=ids, vis__lte=level).values_list(
            "entry_id", "kind", "value"
        ):
            if kind == "skill":
                skills.setdefault(entry_id, []).append(value)
        for values in skills.values():
            values.sort()
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
                        f"INSERT INTO search_personfts(rowid, {FTS_COLUMNS}, standing, last_active) "
                        f"SELECT profile_id, {FTS_COLUMNS}, standing, last_active "
                        f"FROM search_personentry WHERE profile_id IN ({marks})",
                        chunk,
                    )
            terms = [(doc.profile_id, kind, value[:200], vis) for doc in docs for kind, value, vis in doc.terms]
            if terms:
                cursor.executemany(
                    "INSERT INTO search_personterm (entry_id, kind, value, vis) VALUES (%s, %s, %s, %s)",
                    terms,
                )
        cache.set(INDEX_VERSION_CACHE_KEY, str(time.time_ns()), None)
        tokens = set().union(*(doc.name_tokens for doc in docs))
        known = set(name_vocabulary())
        new_tokens = [token[:100] for token in tokens if token[:100] not in known]
        if new_tokens:
            NameToken.objects.bulk_create([NameToken(token=token) for token in new_tokens], ignore_conflicts=True)
            cache.delete(NAME_TOKENS_CACHE_KEY)

    def delete(self, *, profile_ids: list[int]) -> None:
        PersonEntry.objects.filter(pk__in=profile_ids).delete()
        cache.set(INDEX_VERSION_CACHE_KEY, str(time.time_ns()), None)

    def clear(self) -> None:
        PersonEntry.objects.all().delete()
        NameToken.objects.all().delete()
        cache.delete(NAME_TOKENS_CACHE_KEY)
        cache.set(INDEX_VERSION_CACHE_KEY, str(time.time_ns()), None)

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
    fields = {name: getattr(doc, name) for name in ENTRY_FIELDS}
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
