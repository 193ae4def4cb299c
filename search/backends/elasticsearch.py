"""People search on Elasticsearch: the same PeopleQuery in, the same PeopleResults out.

Text relevance (multi_match over the viewer's fields, fuzzy names, prefixes) is combined with
standing by function_score: score = relevance x (1 + standing + 0.5 x activity decay) [x 1.5
for an exact skill match]. Facets are aggregations; each is wrapped in a filter of the *other*
facets' filters and the facet filters themselves go in post_filter, so counts equal what
selecting a value gives, as on the database backend. "People like this person" is
more_like_this over the viewer's visible skills, interests and communities. A rebuild writes a
new index and then moves the alias in one step, so queries never see a half-built index.
"""

from __future__ import annotations

import time

from django.conf import settings

from search.backends.base import (
    FACETS,
    FacetValue,
    PeopleQuery,
    PeopleResults,
    PersonHit,
)
from search.documents import document_body, person_document_class, skill_synonym_rules
from search.indexing import FACET_LABELS, PersonDoc
from search.models import LEVEL_PUBLIC

SKILL_FACET_SIZE = 15


class ElasticsearchBackend:
    name = "elasticsearch"

    def __init__(self, *, url: str):
        from elasticsearch import Elasticsearch

        self.client = Elasticsearch(url, request_timeout=10)
        prefix = getattr(settings, "SEARCH_INDEX_PREFIX", "knowledgehub")
        self.alias = f"{prefix}_people"

    # --- index management -------------------------------------------------------------

    def _create_index(self, name: str) -> None:
        document = person_document_class(skill_synonym_rules())
        from elasticsearch_dsl import Index

        index = Index(name, using=self.client)
        index.settings(number_of_shards=1, number_of_replicas=0)
        index.document(document)
        index.create()

    def _ensure_alias(self) -> None:
        if not self.client.indices.exists_alias(name=self.alias):
            name = f"{self.alias}_{time.time_ns()}"
            self._create_index(name)
            self.client.indices.put_alias(index=name, name=self.alias)

    def drop(self) -> None:
        """Delete every index behind the alias (tests and `clear`)."""
        if self.client.indices.exists_alias(name=self.alias):
            for name in self.client.indices.get_alias(name=self.alias):
                self.client.indices.delete(index=name)

    def clear(self) -> None:
        self.drop()
        self._ensure_alias()

    def _actions(self, docs, index: str):
        for doc in docs:
            yield {
                "_op_type": "index",
                "_index": index,
                "_id": doc.profile_id,
                "_source": document_body(doc),
            }

    def index(self, docs: list[PersonDoc]) -> None:
        from elasticsearch.helpers import bulk

        if not docs:
            return
        self._ensure_alias()
        bulk(self.client, self._actions(docs, self.alias), refresh="wait_for")

    def delete(self, *, profile_ids: list[int]) -> None:
        from elasticsearch.helpers import bulk

        self._ensure_alias()
        bulk(
            self.client,
            ({"_op_type": "delete", "_index": self.alias, "_id": pk} for pk in profile_ids),
            raise_on_error=False,
            refresh="wait_for",
        )

    def rebuild(self, docs, *, total: int, progress=None, batch_size: int = 2000) -> int:
        """Fill a new index, then swap the alias to it atomically and drop the old ones."""
        from elasticsearch.helpers import streaming_bulk

        name = f"{self.alias}_{time.time_ns()}"
        self._create_index(name)
        done = 0
        for ok, _ in streaming_bulk(self.client, self._actions(docs, name), chunk_size=batch_size):
            done += ok
            if progress and done % batch_size == 0:
                progress(done, total)
        if progress:
            progress(done, total)
        self.client.indices.refresh(index=name)
        old = (
            list(self.client.indices.get_alias(name=self.alias))
            if self.client.indices.exists_alias(name=self.alias)
            else []
        )
        actions = [{"add": {"index": name, "alias": self.alias}}]
        actions += [{"remove": {"index": o, "alias": self.alias}} for o in old]
        self.client.indices.update_aliases(actions=actions)
        for o in old:
            self.client.indices.delete(index=o)
        return done

    # --- queries --------------------------------------------------------------------

    @staticmethod
    def _suffix(level: int) -> str:
        return "public" if level == LEVEL_PUBLIC else "member"

    def _text_query(self, query: PeopleQuery) -> dict:
        if not query.words:
            return {"match_all": {}}
        s = self._suffix(query.level)
        fields = [
            "name^10",
            "name.prefix^3",
            f"headline_{s}^3",
            f"skills_text_{s}^5",
            f"body_{s}",
        ]
        return {
            "bool": {
                "must": [
                    {
                        "bool": {
                            "should": [
                                {"multi_match": {"query": word, "type": "bool_prefix", "fields": fields}},
                                {"match": {"name": {"query": word, "fuzziness": "AUTO", "prefix_length": 1}}},
                            ],
                            "minimum_should_match": 1,
                        }
                    }
                    for word in query.words
                ]
            }
        }

    def _facet_filter(self, facet: str, values, level: int) -> dict:
        s = self._suffix(level)
        values = list(values)
        if facet == "skill":
            return {"terms": {f"skills_{s}": values}}
        if facet in ("sector", "kind", "tier"):
            return {"terms": {f"{facet}_{s}": values}}
        if facet == "peer":
            should = []
            if "accredited" in values:
                should.append({"term": {"peer_accredited": True}})
            statuses = [v for v in values if v != "accredited"]
            if statuses:
                should.append({"terms": {"peer_status": statuses}})
            return {"bool": {"should": should, "minimum_should_match": 1}}
        return {"terms": {"availability": values}}

    def _filters(self, query: PeopleQuery, *, skip: str = "") -> list[dict]:
        return [
            self._facet_filter(facet, values, query.level)
            for facet, values in query.filters.items()
            if facet != skip and values
        ]

    def search(self, query: PeopleQuery, *, matched_skill: str = "") -> PeopleResults:
        s = self._suffix(query.level)
        functions = [
            {"weight": 1},
            {"field_value_factor": {"field": "standing", "missing": 0}},
            {
                "gauss": {"last_active_at": {"origin": "now", "scale": "30d", "decay": 0.5}},
                "weight": 0.5,
            },
        ]
        scored = {
            "function_score": {
                "query": self._text_query(query),
                "functions": functions,
                "score_mode": "sum",
                "boost_mode": "multiply" if query.words else "replace",
            }
        }
        if matched_skill:
            scored = {
                "function_score": {
                    "query": scored,
                    "functions": [{"filter": {"term": {f"skills_{s}": matched_skill}}, "weight": 1.5}],
                    "boost_mode": "multiply",
                }
            }
        aggs = {}
        for facet in FACETS:
            others = self._filters(query, skip=facet)
            if facet == "peer":
                inner = {
                    "accredited": {"filter": {"term": {"peer_accredited": True}}},
                    "status": {"terms": {"field": "peer_status", "size": 10}},
                }
            else:
                field = {
                    "skill": f"skills_{s}",
                    "sector": f"sector_{s}",
                    "kind": f"kind_{s}",
                    "tier": f"tier_{s}",
                    "availability": "availability",
                }[facet]
                inner = {"values": {"terms": {"field": field, "size": 100}}}
            aggs[facet] = {"filter": {"bool": {"filter": others}}, "aggs": inner}
        body = {
            "query": scored,
            "post_filter": {"bool": {"filter": self._filters(query)}},
            "aggs": aggs,
            "from": (query.page - 1) * query.per_page,
            "size": query.per_page,
            "track_total_hits": True,
            "sort": ["_score", {"name.raw": "asc"}, {"profile_id": "asc"}],
        }
        self._ensure_alias()
        response = self.client.search(index=self.alias, body=body)
        hits = [self._hit(hit["_source"], query.level, hit.get("_score") or 0) for hit in response["hits"]["hits"]]
        for hit in hits:
            if matched_skill and matched_skill in hit.skills:
                hit.matched_skill = matched_skill
        return PeopleResults(
            query=query,
            total=response["hits"]["total"]["value"],
            hits=hits,
            facets=self._facets(query, response["aggregations"]),
        )

    def _facets(self, query: PeopleQuery, aggregations: dict) -> dict:
        facets = {}
        for facet in FACETS:
            agg = aggregations[facet]
            if facet == "peer":
                counts = {b["key"]: b["doc_count"] for b in agg["status"]["buckets"]}
                if agg["accredited"]["doc_count"]:
                    counts["accredited"] = agg["accredited"]["doc_count"]
            else:
                counts = {b["key"]: b["doc_count"] for b in agg["values"]["buckets"]}
            chosen = set(query.filters.get(facet, ()))
            labels = FACET_LABELS.get(facet, {})
            values = [
                FacetValue(value=v, label=labels.get(v, v), count=n, selected=v in chosen)
                for v, n in counts.items()
                if n and v
            ]
            values.extend(
                FacetValue(value=v, label=labels.get(v, v), count=0, selected=True) for v in chosen - set(counts)
            )
            values.sort(key=lambda v: (-v.count, v.label))
            if facet == "skill":
                values = [v for i, v in enumerate(values) if i < SKILL_FACET_SIZE or v.selected]
            facets[facet] = values
        return facets

    def _hit(self, source: dict, level: int, score: float) -> PersonHit:
        s = self._suffix(level)
        return PersonHit(
            profile_id=source["profile_id"],
            handle=source["handle"],
            name=source["name"],
            job_title=source.get(f"job_title_{s}") or "",
            organisation_name=source.get(f"organisation_{s}") or "",
            organisation_kind=source.get(f"kind_{s}") or "",
            sector=source.get(f"sector_{s}") or "",
            skills=sorted(source.get(f"skills_{s}") or []),
            peer_accredited=bool(source.get("peer_accredited")),
            peer_status=source.get("peer_status") or "",
            peer_areas=source.get("peer_areas") or [],
            availability=source.get("availability") or "",
            contributions=source.get("contributions") or 0,
            contribution_summary=source.get("contribution_summary") or {},
            last_active=source.get("last_active") or 0,
            score=score,
        )

    def similar(self, *, profile_id: int, level: int, limit: int = 6) -> list[PersonHit]:
        s = self._suffix(level)
        self._ensure_alias()
        body = {
            "query": {
                "more_like_this": {
                    "fields": [f"skills_{s}", f"interests_{s}", "communities", f"kind_{s}"],
                    "like": [{"_index": self.alias, "_id": str(profile_id)}],
                    "min_term_freq": 1,
                    "min_doc_freq": 1,
                    "minimum_should_match": 1,
                }
            },
            "size": limit,
            "sort": ["_score", {"standing": "desc"}, {"profile_id": "asc"}],
        }
        response = self.client.search(index=self.alias, body=body)
        return [self._hit(hit["_source"], level, hit.get("_score") or 0) for hit in response["hits"]["hits"]]

    def suggest(self, *, text: str, level: int, limit: int = 5) -> list[PersonHit]:
        words = PeopleQuery(text=text).words
        if not words:
            return []
        self._ensure_alias()
        body = {
            "query": {"match": {"name.prefix": {"query": " ".join(words), "operator": "and"}}},
            "size": limit,
            "sort": ["_score", {"standing": "desc"}],
        }
        response = self.client.search(index=self.alias, body=body)
        return [self._hit(hit["_source"], level, hit.get("_score") or 0) for hit in response["hits"]["hits"]]
