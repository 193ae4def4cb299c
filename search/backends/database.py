# ruff: noqa: S608 - SQL here is assembled from this module's constant fragments and
# placeholder lists only; every value a person typed is passed as a query parameter.
"""People search on the database: SQLite FTS5 locally, PostgreSQL full-text search in production.

A search asks the full-text index who matches (one statement) and turns that into a bitmap.
The total and every facet's counts then come from the process's facet bitmaps
(search.backends.facet_index): each facet is counted over the match with every *other*
facet's filter applied (a value's count is what selecting it would give), using the bitmap
for the viewer's level, so members-only values never match, show or count for visitors.
Nothing is cached: the bitmaps are an index kept current by the change log every write adds.

Hits: without words, the filtered people in order of standing, from the in-memory browse
order. With words, relevance times standing. Both databases score the best standing tier first
and stop when a bound shows nobody else can reach the page: SQLite computes bm25 for that tier;
PostgreSQL finds the matches and scores that tier's with ts_rank in the same statement.

PostgreSQL matches against one narrow vector table per audience (search.models.PersonVector),
so the rows a common word's matches point at are packed densely, and expands prefixes into
the index's own words first (`expand_prefixes`): GIN's partial match is several times slower.
"""

from __future__ import annotations

import heapq
import json
import math
import re
from collections import defaultdict

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
from search.backends.facet_index import (
    bitmap_of,
    database_key,
    facet_index,
    index_changed,
    members,
)
from search.backends.facet_index import forget as forget_facet_index
from search.indexing import FACET_LABELS, MONTH, PersonDoc, now_epoch
from search.models import LEVEL_MEMBERS, LEVEL_PUBLIC, IndexLexeme, NameToken, PersonEntry, PersonTerm

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
# What a result shows: the text columns stay behind.
HIT_FIELDS = [
    "profile_id",
    "handle",
    "name",
    "job_title",
    "job_title_vis",
    "organisation_name",
    "organisation_kind",
    "organisation_vis",
    "sector",
    "sector_vis",
    "peer_accredited",
    "peer_status",
    "peer_areas",
    "availability",
    "contributions",
    "contribution_summary",
    "last_active",
]
FTS_COLUMNS = "name, headline_pub, skills_pub, body_pub, headline_mem, skills_mem, body_mem"
PUBLIC_COLUMNS = "{name headline_pub skills_pub body_pub}"
# bm25 weights, in FTS column order: name, headline, skills, body (public, then members).
BM25_MEMBERS = "10.0, 3.0, 5.0, 1.0, 3.0, 5.0, 1.0"
BM25_PUBLIC = "10.0, 3.0, 5.0, 1.0, 0.0, 0.0, 0.0"
# When the whole query names a vocabulary skill, matches in the skills columns count for more:
# SQLite's way of ranking exact skill matches first without a per-row look-up.
BM25_MEMBERS_SKILL = "10.0, 3.0, 15.0, 1.0, 3.0, 15.0, 1.0"
BM25_PUBLIC_SKILL = "10.0, 3.0, 15.0, 1.0, 0.0, 0.0, 0.0"
SKILL_MATCH_BOOST = 1.5
SKILL_FACET_SIZE = 15
# Ranking scores the best standing tier first when more people than this match.
PRUNE_FROM = 2000
# PostgreSQL: each audience's narrow table of vectors (search.models.PersonVector), members: True.
VECTOR_TABLES = {False: "search_personpublicvector", True: "search_personmembervector"}
# PostgreSQL: how an entry's text becomes each audience's vector (weights A-D: name, skills,
# headline, the rest), computed from the entry row as it is written.
PUBLIC_VECTOR = (
    "setweight(to_tsvector('english', coalesce(name, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce(skills_pub, '')), 'B') || "
    "setweight(to_tsvector('english', coalesce(headline_pub, '')), 'C') || "
    "setweight(to_tsvector('english', coalesce(body_pub, '')), 'D')"
)
MEMBER_VECTOR = (
    f"{PUBLIC_VECTOR} || "
    "setweight(to_tsvector('english', coalesce(skills_mem, '')), 'B') || "
    "setweight(to_tsvector('english', coalesce(headline_mem, '')), 'C') || "
    "setweight(to_tsvector('english', coalesce(body_mem, '')), 'D')"
)
# PostgreSQL: a prefix standing for more words than this is left to GIN's partial match.
MAX_PREFIX_WORDS = 200
# A prefix item in a parsed tsquery ('budget':*), weights not allowed after it.
PREFIX_ITEM = re.compile(r"'((?:[^'\\]|''|\\.)*)':\*(?![A-D*])")
# Slack on the relevance bound, in case FTS5 counts its rows slightly differently.
BOUND_MARGIN = 1.05


# Per database: (index version and token, what this process holds for that version).
_names: dict[str, tuple[tuple[int, str], WordBuckets]] = {}
_phrase_rows: dict[str, tuple[tuple[int, str], dict[str, int]]] = {}
MAX_PHRASES = 2000


def _as_of(store: dict, index, make):
    """What `store` holds for the facet index's version, made afresh once the index has changed."""
    key = database_key()
    stamp = (index.version, index.token)
    held = store.get(key)
    if held is None or held[0] != stamp:
        held = (stamp, make())
        store[key] = held
    return held[1]


def name_buckets(index) -> WordBuckets:
    """Every word of people's names, as of the facet index's version.

    Held per process like the facet bitmaps and read again only when the index has changed:
    name tokens are written in the same transaction as the entries that bump the version.
    """
    return _as_of(_names, index, lambda: WordBuckets(NameToken.objects.values_list("token", flat=True)))


def phrase_rows(index, expression: str) -> int:
    """SQLite: how many people an FTS5 phrase (with its column filter) is found in, as of the
    facet index's version: term statistics, like a search engine's document frequencies.

    Held per process and dropped whenever the index changes, like the name vocabulary. Only
    the relevance bound uses them, so a count can only decide how many people are scored,
    never who is found or in which order.
    """
    counts = _as_of(_phrase_rows, index, dict)
    if len(counts) > MAX_PHRASES:
        counts.clear()
    if expression not in counts:
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM search_personfts WHERE search_personfts MATCH %s", [expression])
            counts[expression] = cursor.fetchone()[0]
    return counts[expression]


def forget_process_state() -> None:
    """Drop all this process holds about the people index, as a new process starts
    (benchmarks and tests of a process's first search)."""
    forget_facet_index()
    _names.clear()
    _phrase_rows.clear()


class DatabaseBackend:
    name = "database"

    # --- building SQL -------------------------------------------------------------------

    @property
    def vendor(self) -> str:
        return connection.vendor

    def _alternatives(self, words: list[str], index) -> list[list[str]]:
        vocabulary = name_buckets(index) if words else []
        return [[word, *close_words(word, vocabulary)] for word in words]

    def _match(self, query: PeopleQuery, matched_skill: str, alternatives: list[list[str]]):
        """(FROM clause, WHERE clause, params, relevance expression, relevance params) for words."""
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
        return (
            f"{VECTOR_TABLES[query.level >= LEVEL_MEMBERS]} e",
            # Parsed and its prefixes expanded by `_match_postgres` (see `expand_prefixes`).
            "e.tsv @@ %s::tsquery",
            [tsquery],
            "ts_rank('{0.1, 0.3, 0.5, 1.0}', e.tsv, to_tsquery('english', %s))",
            [tsquery],
        )

    @staticmethod
    def _score(relevance: str):
        """Relevance times standing (accreditation, contributions, recent activity). PostgreSQL:
        the boost for holding the skill the query names is applied afterwards (`_boosted`)."""
        params: list = [now_epoch()]
        score = (
            f"{relevance} * (1.0 + e.standing + 0.5 / (1.0 + "
            f"(CASE WHEN %s - e.last_active > 0 THEN %s - e.last_active ELSE 0 END) / {MONTH}))"
        )
        params.append(params[0])
        return score, params

    # --- queries ------------------------------------------------------------------------

    def search(self, query: PeopleQuery, *, matched_skill: str = "") -> PeopleResults:
        """Counts from the facet bitmaps, hits from one ranked statement.

        The text match becomes a bitmap (one index look-up); AND-ing it with each facet's
        bitmaps gives every count. Hits come from the full-text index ranked by relevance and
        standing, restricted to the filtered people when there are filters; without words,
        the filtered people are listed by standing from the in-memory browse order.
        """
        index = facet_index()
        level = query.level
        wanted_by_facet = {
            facet: index.filter_bits(facet, values, level) for facet, values in query.filters.items() if values
        }
        filtered = index.everyone
        for bits in wanted_by_facet.values():
            filtered &= bits
        offset = (query.page - 1) * query.per_page
        if not query.words:
            matched = index.everyone
        elif self.vendor == "sqlite":
            alternatives = self._alternatives(query.words, index)
            _, match, match_params, relevance, _ = self._match(query, matched_skill, alternatives)
            match_sql = (match, match_params, relevance)
            matched = bitmap_of(self._matching_ids(match, match_params))
        else:
            scoring, rank_bound, floor, ids, rows = self._match_postgres(query, matched_skill, index, filtered)
            matched = bitmap_of(ids)
        wanted = matched & filtered
        total = wanted.bit_count()
        facets = self._facet_values(query, self._facet_counts(index, level, matched, wanted_by_facet))
        if not total or offset >= total:
            ranked = []
        elif not query.words:
            ranked = [
                (entry_id, -index.keys[entry_id][0])
                for entry_id in index.browse(wanted, offset=offset, limit=query.per_page)
            ]
        elif self.vendor == "sqlite":
            ranked = self._rank_sqlite(
                index,
                match_sql,
                bound=lambda exact: self._relevance_bound(query, alternatives, matched.bit_count(), index, exact=exact),
                matched=matched,
                wanted=wanted,
                offset=offset,
                limit=query.per_page,
            )
        else:
            ranked = self._rank_postgres(
                query,
                matched_skill,
                index,
                rows,
                scoring=scoring,
                rank_bound=rank_bound,
                floor=floor,
                matched=matched,
                wanted=wanted,
                offset=offset,
            )
        hits = self._hits(ranked, level=level)
        for hit in hits:
            if matched_skill and matched_skill in hit.skills:
                hit.matched_skill = matched_skill
        return PeopleResults(query=query, total=total, hits=hits, facets=facets)

    def _relevance(self, match_sql, ids: list[int] | None) -> list[tuple[int, float]]:
        """SQLite: (id, bm25 relevance) of these matching people, from the FTS index alone.

        Standing and activity are applied in memory (`_rank_sqlite`): reading them from the
        FTS table's stored rows would decode each row's text and cost more than bm25 itself.
        """
        match, match_params, relevance = match_sql
        # `+f.rowid`: filter the full-text scan by the list. A plain rowid constraint would make
        # SQLite run the whole full-text query once per listed id.
        sql = f"SELECT f.rowid, {relevance} FROM search_personfts f WHERE {match}"
        params = list(match_params)
        if ids is not None:
            sql += " AND +f.rowid IN (SELECT value FROM json_each(%s))"
            params.append(json.dumps(ids))
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def _relevance_bound(self, query: PeopleQuery, alternatives, matched: int, index, *, exact: bool = False) -> float:
        """An upper bound of anyone's bm25 relevance for this query (SQLite).

        FTS5's bm25 adds, per phrase, idf * f * (k1 + 1) / (f + k1 * (1 - b + b * len / avglen)),
        which never exceeds idf * (k1 + 1) however often the phrase occurs (k1 = 1.2), with
        idf = log((rows - hits + 0.5) / (hits + 0.5)) from the rows the phrase is found in.
        Every matching row has each word, so a word without typo alternatives is found in at
        least `matched` rows: a bound at no cost (exact for one word). Typo alternatives may be
        found once. With `exact`, each phrase's rows are counted instead (same column filter),
        a tighter bound when the words are common on their own but rarely found together.
        """
        rows = index.everyone.bit_count() + 1

        def idf(hits: int) -> float:
            value = math.log((rows - hits + 0.5) / (hits + 0.5))
            return max(1e-06, value)

        if not exact:
            bound = sum(idf(matched) if len(alts) == 1 else idf(0) * len(alts) for alts in alternatives)
            return bound * 2.2 * BOUND_MARGIN
        phrases = [f'"{alts[0]}"*' for alts in alternatives] + [f'"{alt}"' for alts in alternatives for alt in alts[1:]]
        bound = 0.0
        for phrase in phrases:
            expression = f"{PUBLIC_COLUMNS} : ({phrase})" if query.level == LEVEL_PUBLIC else phrase
            bound += idf(phrase_rows(index, expression))
        return bound * 2.2 * BOUND_MARGIN

    @staticmethod
    def _best(index, rows, *, offset: int, limit: int) -> list[tuple[int, float]]:
        """One page of (id, score) from (id, relevance) rows, best first: relevance times
        standing with activity decaying (the formula of `_score`), standing from the facet index."""
        keys = index.keys
        now = now_epoch()
        scored = []
        for entry_id, relevance in rows:
            key = keys.get(entry_id)
            if key is None:
                scored.append((-relevance, entry_id))
                continue
            age = now + key[1]
            scored.append((-relevance * (1.0 - key[0] + 0.5 / (1.0 + max(0, age) / MONTH)), entry_id))
        return [(entry_id, -value) for value, entry_id in heapq.nsmallest(offset + limit, scored)[offset:]]

    def _rank_sqlite(self, index, match_sql, *, bound, matched: int, wanted: int, offset: int, limit: int):
        """One page of (id, score), computing bm25 for as few people as exactness allows.

        The people in the best standing tier are scored first. Nobody in a later tier can
        score more than the relevance bound times that tier's largest multiplier, so if the
        page's last score beats that (with the free bound, else the counted one), the page is
        final: the same page that scoring everyone would give. Otherwise everyone is scored.
        """
        need = offset + limit
        if wanted.bit_count() > PRUNE_FROM:
            tiers = [(bits & wanted, multiplier) for bits, multiplier in index.tiers() if bits & wanted]
            best = self._best(index, self._relevance(match_sql, members(tiers[0][0])), offset=0, limit=need)
            later = max((multiplier for _, multiplier in tiers[1:]), default=0.0)
            if not later or (len(best) >= need and best[-1][1] > bound(False) * later):
                return best[offset:]
            if len(best) >= need and best[-1][1] > bound(True) * later:
                return best[offset:]
        rows = self._relevance(match_sql, None if wanted == matched else members(wanted))
        return self._best(index, rows, offset=offset, limit=limit)

    @staticmethod
    def _matching_ids(match: str, params: list) -> list[int]:
        """SQLite: everyone the words match, from the full-text index alone.

        As one JSON array: a common word matches over ten thousand people, and handing
        Python a row each took longer than finding them."""
        sql = f"SELECT json_group_array(rowid) FROM search_personfts WHERE {match}"
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return json.loads(cursor.fetchone()[0])

    def _match_postgres(self, query: PeopleQuery, matched_skill: str, index, filtered: int):
        """PostgreSQL: (what scores, as (FROM clause, score SQL, params), bound of ts_rank or None,
        standing floor or None, ids, rows), in one pass over the matches.

        `ids` are everyone the words match; `rows` are (id, score) of those whose standing reaches
        `floor` (the best standing tier among the filtered people), the score the formula of
        `_score`. Scoring and fetching the score of every match of a common word costs more
        than finding the matches, so the best tier often settles the page alone. Without a bound (see `ts_rank_bound`)
        nobody could be left out safely: everyone is scored (floor None), or with filters nobody
        here (floor infinite) and the filtered matches afterwards.
        """
        alternatives = self._alternatives(query.words, index)
        source, match, match_params, relevance, relevance_params = self._match(query, matched_skill, alternatives)
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_tsquery('english', %s)::text", match_params)
            parsed = cursor.fetchone()[0]
            # The same people, found through the GIN index's fast path: prefixes given as words.
            match_params = [expand_prefixes(cursor, parsed)]
        floors = [floor for floor, bits, _ in index.tier_floors() if bits & filtered]
        rank_bound = ts_rank_bound(parsed) if len(floors) > 1 else None
        # Without a bound but with filters, only the filtered matches are scored, by id, later.
        floor = floors[0] if rank_bound is not None else None if filtered == index.everyone else math.inf
        score, score_params = self._score(relevance)
        scoring = (source, score, [*relevance_params, *score_params])
        if floor is None:
            scored, scored_params = "TRUE", []
        elif floor == math.inf:
            scored, scored_params = "FALSE", []
        else:
            scored, scored_params = "e.standing >= %s", [floor]
        # One row of arrays: far quicker to fetch than a row per match of a common word.
        sql = (
            f"SELECT array_agg(e.entry_id), array_agg(e.entry_id) FILTER (WHERE {scored}), "
            f"array_agg({score}) FILTER (WHERE {scored}) FROM {source} WHERE {match}"
        )
        params = [*scored_params, *relevance_params, *score_params, *scored_params, *match_params]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            ids, scored_ids, scores = cursor.fetchone()
        rows = self._boosted(list(zip(scored_ids or [], scores or [], strict=True)), index, query, matched_skill)
        return scoring, rank_bound, floor, ids or [], rows

    @staticmethod
    def _boosted(rows, index, query: PeopleQuery, matched_skill: str) -> list[tuple[int, float]]:
        """PostgreSQL: (id, score) rows with the scores of people holding the skill the query
        names (as the viewer may see it, from the facet bitmaps) multiplied by the skill boost.
        A subquery in the scoring SQL would be run again for every scored row."""
        if not matched_skill or not rows:
            return rows
        skilled = index.value_bits("skill", matched_skill, query.level) & bitmap_of(row[0] for row in rows)
        if not skilled:
            return rows
        holders = set(members(skilled))
        return [(entry_id, score * SKILL_MATCH_BOOST if entry_id in holders else score) for entry_id, score in rows]

    @staticmethod
    def _scores_postgres(scoring, ids: list[int]) -> list[tuple[int, float]]:
        """PostgreSQL: (id, score) of these people, who the words are known to match."""
        source, score, params = scoring
        sql = f"SELECT e.entry_id, {score} FROM {source} WHERE e.entry_id = ANY(%s)"
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, ids])
            return cursor.fetchall()

    def _rank_postgres(
        self, query, matched_skill, index, rows, *, scoring, rank_bound, floor, matched: int, wanted: int, offset: int
    ) -> list[tuple[int, float]]:
        """PostgreSQL: one page of (id, score), best first (score, then id), among `wanted`.

        `rows` carry the scores of the best standing tier (or of everyone). While the page's
        last score does not beat what anyone unscored could reach (ts_rank's bound times the
        largest standing multiplier among them, times the skill boost), the next tier is
        scored. The page is then the one that scoring everyone would give.
        """
        need = offset + query.per_page
        inside = None if wanted == matched else set(members(wanted))
        scores = {entry_id: score for entry_id, score in rows if inside is None or entry_id in inside}
        remaining = 0 if floor is None else wanted & ~bitmap_of(scores)
        boost = SKILL_MATCH_BOOST if matched_skill else 1.0
        tiers = index.tier_floors()
        while remaining:
            left = [(bits & remaining, multiplier) for _, bits, multiplier in tiers if bits & remaining]
            untiered = remaining
            for bits, _ in left:
                untiered &= ~bits
            if rank_bound is None or untiered or not left:
                # No bound, or people the facet index has not placed in a tier yet: score them all.
                batch = remaining
            else:
                best = heapq.nsmallest(need, ((-score, entry_id) for entry_id, score in scores.items()))
                later = max(multiplier for _, multiplier in left)
                if len(best) >= need and -best[-1][0] > rank_bound * later * boost * BOUND_MARGIN:
                    break
                batch = left[0][0]
            scores.update(self._boosted(self._scores_postgres(scoring, members(batch)), index, query, matched_skill))
            remaining &= ~batch
        best = heapq.nsmallest(need, ((-score, entry_id) for entry_id, score in scores.items()))
        return [(entry_id, -value) for value, entry_id in best[offset:]]

    @staticmethod
    def _facet_counts(index, level: int, matched: int, wanted_by_facet: dict[str, int]) -> dict[str, dict[str, int]]:
        """Each facet's counts over the match with every *other* facet's filter applied:
        a value's count is what selecting it would give."""
        side = 1 if level >= LEVEL_MEMBERS else 0
        counts: dict[str, dict[str, int]] = {}
        for facet in FACETS:
            base = matched
            for other, bits in wanted_by_facet.items():
                if other != facet:
                    base &= bits
            values: dict[str, int] = {}
            if base:
                for value, pair in index.bits.get(facet, {}).items():
                    count = (base & pair[side]).bit_count()
                    if count:
                        values[value] = count
            counts[facet] = values
        return counts

    @staticmethod
    def _facet_values(query: PeopleQuery, counts: dict[str, dict[str, int]]) -> dict[str, list[FacetValue]]:
        """Counts as listed: most first, selected values kept, the top skills only."""
        facets = {}
        for facet in FACETS:
            chosen = set(query.filters.get(facet, ()))
            labels = FACET_LABELS.get(facet, {})
            values = [
                FacetValue(value=value, label=labels.get(value, value), count=count, selected=value in chosen)
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
        return facets

    def _hits(self, ranked, *, level: int) -> list[PersonHit]:
        if not ranked:
            return []
        ids = [row[0] for row in ranked]
        marks = ", ".join(["%s"] * len(ids))
        skills: dict[int, list[str]] = {}
        # Plain SQL: a page of hits is asked for on every search, and building these two
        # statements through the ORM took longer than running them.
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {', '.join(HIT_FIELDS)} FROM search_personentry WHERE profile_id IN ({marks})", ids)
            entries = {row[0]: dict(zip(HIT_FIELDS, row, strict=True)) for row in cursor.fetchall()}
            # No kind filter and no ORDER BY in SQL: either makes SQLite pick the (kind, value)
            # index and walk every skill of everyone; a person has only a handful of terms.
            cursor.execute(
                f"SELECT entry_id, kind, value FROM search_personterm WHERE entry_id IN ({marks}) AND vis <= %s",
                [*ids, level],
            )
            for entry_id, kind, value in cursor.fetchall():
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
                if self.vendor == "postgresql":
                    for table in VECTOR_TABLES.values():
                        cursor.execute(f"DELETE FROM {table} WHERE entry_id IN ({marks})", chunk)
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
            if self.vendor == "postgresql":
                for table, vector in ((VECTOR_TABLES[False], PUBLIC_VECTOR), (VECTOR_TABLES[True], MEMBER_VECTOR)):
                    cursor.execute(
                        f"INSERT INTO {table} (entry_id, standing, last_active, tsv) "
                        f"SELECT profile_id, standing, last_active, {vector} FROM search_personentry "
                        "WHERE profile_id = ANY(%s)",
                        [ids],
                    )
                cursor.execute(
                    "INSERT INTO search_indexlexeme (word) SELECT DISTINCT unnest(tsvector_to_array(tsv)) "
                    f"FROM {VECTOR_TABLES[True]} WHERE entry_id = ANY(%s) ON CONFLICT DO NOTHING",
                    [ids],
                )
            index_changed(ids)
            tokens = {token[:100] for doc in docs for token in doc.name_tokens}
            NameToken.objects.bulk_create([NameToken(token=token) for token in sorted(tokens)], ignore_conflicts=True)

    @transaction.atomic
    def delete(self, *, profile_ids: list[int]) -> None:
        PersonEntry.objects.filter(pk__in=profile_ids).delete()
        index_changed(profile_ids)

    @transaction.atomic
    def clear(self) -> None:
        PersonEntry.objects.all().delete()
        NameToken.objects.all().delete()
        IndexLexeme.objects.all().delete()
        index_changed(None)

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
        if self.vendor == "sqlite":
            # Replacing everyone leaves the FTS5 index in many segments full of deleted entries,
            # which every query then reads through: merge it into one.
            with connection.cursor() as cursor:
                cursor.execute("INSERT INTO search_personfts(search_personfts) VALUES('optimize')")
        else:
            # Everyone's rows were replaced. VACUUM takes the old ones out of the GIN indexes (else
            # every match of a common word visits its dead row's page too) and ANALYZE describes
            # the new ones to the planner. VACUUM cannot run inside a transaction: then ANALYZE only.
            tables = ", ".join(["search_personentry", "search_personterm", *VECTOR_TABLES.values()])
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {tables}" if connection.in_atomic_block else f"VACUUM (ANALYZE) {tables}")
        # Build the facet bitmaps now (saving their snapshot), not in the next visitor's search.
        facet_index()
        return done


def expand_prefixes(cursor, parsed: str) -> str:
    """PostgreSQL: this parsed tsquery with each prefix item (`'budget':*`) replaced by the
    index's words that start with it (`('budget' | 'budgetari')`): the same matches, without
    GIN's slow partial-match scan. A prefix with no words, or very many, is left as it is.
    """
    prefixes = sorted({_tsquery_unquote(found) for found in PREFIX_ITEM.findall(parsed)})
    if not prefixes:
        return parsed
    sql = " UNION ALL ".join(
        ["(SELECT %s, word FROM search_indexlexeme WHERE word LIKE %s ORDER BY word LIMIT %s)"] * len(prefixes)
    )
    params = []
    for prefix in prefixes:
        pattern = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        params.extend([prefix, pattern, MAX_PREFIX_WORDS + 1])
    cursor.execute(sql, params)
    words: dict[str, list[str]] = defaultdict(list)
    for prefix, word in cursor.fetchall():
        words[prefix].append(word)

    def replace(found: re.Match) -> str:
        expansion = words.get(_tsquery_unquote(found.group(1)), [])
        if not expansion or len(expansion) > MAX_PREFIX_WORDS:
            return found.group(0)
        return "(" + " | ".join(_tsquery_quote(word) for word in expansion) + ")"

    return PREFIX_ITEM.sub(replace, parsed)


def _tsquery_unquote(text: str) -> str:
    return re.sub(r"''|\\(.)", lambda m: "'" if m.group(0) == "''" else m.group(1), text)


def _tsquery_quote(word: str) -> str:
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def ts_rank_bound(tsquery: str) -> float | None:
    """An upper bound of PostgreSQL's ts_rank (weights at most 1) for this parsed tsquery, if known.

    With AND (or a phrase) at the top of the query and two distinct lexemes, ts_rank combines
    every pair of positions of different lexemes as 1 - (1 - r)(1 - w), each w the square root
    of both weights times a distance factor below 1: the rank stays below 1. With one lexeme or
    OR at the top, it adds up per matching lexeme (a prefix may match several): no constant bound.
    """
    if "!" in tsquery:
        return None
    depth = 0
    quoted = False
    top: set[str] = set()
    lexemes: set[str] = set()
    word: list[str] = []
    position = 0
    while position < len(tsquery):
        char = tsquery[position]
        if quoted:
            if char == "'" and tsquery[position + 1 : position + 2] == "'":
                word.append(char)
                position += 1
            elif char == "'":
                quoted = False
                lexemes.add("".join(word))
            else:
                word.append(char)
        elif char == "'":
            quoted, word = True, []
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif depth == 0 and char in "&|<":
            top.add(char)
        position += 1
    if "|" in top or not top or len(lexemes) < 2:
        return None
    return 1.0


def _json(value) -> dict:
    """A JSON column as read by plain SQL: text on SQLite and (as Django reads it) PostgreSQL."""
    if isinstance(value, str):
        value = json.loads(value) if value else None
    return value or {}


def hit_from_entry(entry: dict, *, level: int, skills: list[str], score: float = 0.0) -> PersonHit:
    """A result showing only the fields stored at or below the viewer's level (`entry`: HIT_FIELDS)."""
    shows_organisation = entry["organisation_vis"] <= level
    return PersonHit(
        profile_id=entry["profile_id"],
        handle=entry["handle"],
        name=entry["name"],
        job_title=entry["job_title"] if entry["job_title_vis"] <= level else "",
        organisation_name=entry["organisation_name"] if shows_organisation else "",
        organisation_kind=entry["organisation_kind"] if shows_organisation else "",
        sector=entry["sector"] if entry["sector_vis"] <= level else "",
        skills=skills,
        peer_accredited=bool(entry["peer_accredited"]),
        peer_status=entry["peer_status"],
        peer_areas=[area for area in entry["peer_areas"].split(",") if area],
        availability=entry["availability"],
        contributions=entry["contributions"],
        contribution_summary=_json(entry["contribution_summary"]),
        last_active=entry["last_active"],
        score=float(score or 0),
    )
