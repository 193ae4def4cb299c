"""The query interface every people-search backend answers, and the shared query parsing."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Protocol

from search.indexing import FACET_LABELS, PersonDoc
from search.terms import search_terms

FACETS = ["skill", "sector", "kind", "tier", "peer", "availability"]
FACET_TITLES = {
    "skill": "Skill",
    "sector": "Sector",
    "kind": "Organisation type",
    "tier": "Council tier",
    "peer": "Peer status",
    "availability": "Availability",
}
MAX_TERMS = 8


@dataclass(frozen=True)
class PeopleQuery:
    """A search of the people index as one viewer is allowed to make it.

    `level` is the viewer's audience: 0 for everyone, 1 for signed-in members. Nothing stored
    above that level may match, be shown or be counted.
    """

    text: str = ""
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    level: int = 0
    page: int = 1
    per_page: int = 20

    @property
    def words(self) -> list[str]:
        """The text's plain words (search.terms): each backend quotes them in its own syntax."""
        return search_terms(self.text, limit=MAX_TERMS, min_length=2)


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass
class PersonHit:
    """One person in a result list, with only what the viewer may see."""

    profile_id: int
    handle: str
    name: str
    job_title: str = ""
    organisation_name: str = ""
    organisation_kind: str = ""
    sector: str = ""
    skills: list[str] = field(default_factory=list)
    peer_accredited: bool = False
    peer_status: str = ""
    peer_areas: list[str] = field(default_factory=list)
    availability: str = ""
    contributions: int = 0
    contribution_summary: dict = field(default_factory=dict)
    last_active: int = 0
    score: float = 0.0
    matched_skill: str = ""
    reasons: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"/people/{self.handle}/"

    @property
    def title(self) -> str:
        return self.name

    @property
    def summary(self) -> str:
        return " · ".join(filter(None, [self.job_title, self.organisation_name]))

    @property
    def availability_label(self) -> str:
        return FACET_LABELS["availability"].get(self.availability, "")

    @property
    def explanation(self) -> str:
        return " · ".join(self.reasons)


@dataclass
class PeopleResults:
    query: PeopleQuery
    total: int
    hits: list[PersonHit]
    facets: dict[str, list[FacetValue]]
    suggestions: list[str] = field(default_factory=list)


class PeopleBackend(Protocol):
    name: str

    def search(self, query: PeopleQuery) -> PeopleResults: ...

    def similar(self, *, profile_id: int, level: int, limit: int = 6) -> list[PersonHit]: ...

    def suggest(self, *, text: str, level: int, limit: int = 5) -> list[PersonHit]: ...

    def index(self, docs: list[PersonDoc]) -> None: ...

    def delete(self, *, profile_ids: list[int]) -> None: ...

    def rebuild(self, docs, *, total: int, progress=None) -> int: ...

    def clear(self) -> None: ...


def close_words(word: str, vocabulary, *, limit: int = 3) -> list[str]:
    """Words of the vocabulary within a typo or two of `word` (not `word` or its extensions).

    `vocabulary` is a list, or a `WordBuckets` for large vocabularies: candidates then share
    the first letter and nearly the length, which keeps a query to a millisecond or two.
    """
    if len(word) < 4:
        return []
    if isinstance(vocabulary, WordBuckets):
        if word in vocabulary.words:
            return []
        candidates = vocabulary.near(word)
    else:
        candidates = vocabulary
    cutoff = 0.8 if len(word) < 7 else 0.75
    return [
        match
        for match in difflib.get_close_matches(word, candidates, n=limit, cutoff=cutoff)
        if match != word and not match.startswith(word)
    ]


class WordBuckets:
    """A vocabulary grouped by first letter and length, for quick typo look-ups."""

    def __init__(self, words):
        self.words = set(words)
        self.buckets: dict[tuple[str, int], list[str]] = {}
        for word in self.words:
            if word:
                self.buckets.setdefault((word[0], len(word)), []).append(word)

    def near(self, word: str) -> list[str]:
        found = []
        for length in range(len(word) - 2, len(word) + 3):
            found.extend(self.buckets.get((word[0], length), ()))
        return found
