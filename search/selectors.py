"""Search queries. Views never build queries themselves.

People: `expert_search`, `people_similar`, `people_suggest` ask the configured backend
(search.backends) and add plain-words explanations. Site search: `site_search` asks every
registered provider (search.registry) and groups what they return.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from accounts.models import Skill
from search.backends import people_backend
from search.backends.base import (
    FACETS,
    PeopleQuery,
    PeopleResults,
    PersonHit,
    close_words,
)
from search.indexing import peer_phrase
from search.models import LEVEL_MEMBERS, LEVEL_PUBLIC
from search.registry import SearchHit, providers
from search.terms import search_text

WEEK = 7 * 86400


def viewer_level(user) -> int:
    return LEVEL_MEMBERS if user is not None and user.is_authenticated else LEVEL_PUBLIC


def plural_phrase(count: int, noun: str) -> str:
    if count == 1:
        return f"1 {noun}"
    if noun.endswith("y") and not noun.endswith(("ay", "ey", "oy")):
        return f"{count} {noun[:-1]}ies"
    return f"{count} {noun}s"


def explain(hit: PersonHit) -> list[str]:
    """Why this person is worth contacting, in plain words."""
    reasons = []
    phrase = peer_phrase(accredited=hit.peer_accredited, status=hit.peer_status, areas=hit.peer_areas)
    if phrase:
        reasons.append(phrase)
    for kind, count in sorted(hit.contribution_summary.items(), key=lambda item: (-item[1], item[0])):
        reasons.append(plural_phrase(count, kind))
    if hit.matched_skill:
        reasons.append(f"skilled in {hit.matched_skill.lower()}")
    if hit.last_active and time.time() - hit.last_active < WEEK:
        reasons.append("active this week")
    elif hit.last_active and time.time() - hit.last_active < 5 * WEEK:
        reasons.append("active this month")
    if hit.availability == "available":
        reasons.append("available to help")
    return reasons


def skill_for_text(text: str) -> str:
    """The vocabulary skill a whole query names, directly or by a synonym ("SEND")."""
    wanted = " ".join(text.lower().split())
    if not wanted:
        return ""
    for skill in Skill.objects.all():
        if wanted == skill.name.lower() or wanted in (synonym.lower() for synonym in skill.synonym_list):
            return skill.name
    return ""


def _suggestions(text: str) -> list[str]:
    """Other searches to try when nothing matched: skills spelt like the words typed."""
    vocabulary = {}
    for skill in Skill.objects.all():
        vocabulary[skill.name.lower()] = skill.name
        for word in skill.name.lower().split():
            vocabulary.setdefault(word, skill.name)
    suggestions = []
    for word in PeopleQuery(text=text).words:
        for match in close_words(word, list(vocabulary)):
            if vocabulary[match] not in suggestions:
                suggestions.append(vocabulary[match])
    return suggestions[:3]


def expert_search(
    *,
    user,
    text: str = "",
    filters: dict[str, list[str]] | None = None,
    page: int = 1,
    per_page: int = 20,
) -> PeopleResults:
    """The expert finder: people matching `text` and `filters`, as `user` may see them."""
    clean = {facet: tuple(sorted({v for v in (filters or {}).get(facet, []) if v})) for facet in FACETS}
    query = PeopleQuery(
        text=text.strip(),
        filters={facet: values for facet, values in clean.items() if values},
        level=viewer_level(user),
        page=max(1, page),
        per_page=per_page,
    )
    results = people_backend().search(query, matched_skill=skill_for_text(text))
    last_page = max(1, -(-results.total // per_page))
    if query.page > last_page and results.total:
        return expert_search(user=user, text=text, filters=filters, page=last_page, per_page=per_page)
    for hit in results.hits:
        hit.reasons = explain(hit)
    if not results.total and query.text:
        results.suggestions = _suggestions(query.text)
    return results


def people_similar(*, user, profile_id: int, limit: int = 6) -> list[PersonHit]:
    """People like this person: shared skills, interests, communities and organisation kind."""
    hits = people_backend().similar(profile_id=profile_id, level=viewer_level(user), limit=limit)
    for hit in hits:
        hit.reasons = explain(hit)
    return hits


def people_suggest(*, user, text: str, limit: int = 5) -> list[PersonHit]:
    return people_backend().suggest(text=text, level=viewer_level(user), limit=limit)


@dataclass
class SearchGroup:
    key: str
    label: str
    total: int
    hits: list[SearchHit] = field(default_factory=list)


@dataclass
class SiteSearchResults:
    query: str
    groups: list[SearchGroup]
    selected: str = ""
    page_total: int = 0

    @property
    def total(self) -> int:
        return sum(group.total for group in self.groups)


def site_search(
    *,
    query: str,
    user,
    kind: str = "",
    page_number: int = 1,
    per_page: int = 20,
    per_group: int = 5,
) -> SiteSearchResults:
    """One query across every provider, grouped by type with counts.

    With `kind` set, only that group's results are listed, `per_page` at a time; the counts of
    the other groups are still given so people can switch type.
    """
    groups = []
    query = query.strip()
    if not query:
        return SiteSearchResults(query="", groups=[])
    for provider in providers():
        if kind and provider.key == kind:
            result = provider.search(
                query=query,
                user=user,
                limit=per_page,
                offset=(max(1, page_number) - 1) * per_page,
            )
        else:
            result = provider.search(query=query, user=user, limit=0 if kind else per_group)
        groups.append(
            SearchGroup(
                key=provider.key,
                label=provider.label,
                total=result.total,
                hits=result.hits,
            )
        )
    last_page = max(1, -(-next((g.total for g in groups if g.key == kind), 0) // per_page))
    if kind and page_number > last_page:
        # Past the end, the last page is shown (Paginator.get_page does the same).
        return site_search(
            query=query, user=user, kind=kind, page_number=last_page, per_page=per_page, per_group=per_group
        )
    return SiteSearchResults(query=query, groups=groups, selected=kind)


def site_suggest(*, query: str, user, limit: int = 6) -> list[SearchHit]:
    """Search-as-you-type: a few people and pages whose names start with what was typed."""
    query = query.strip()
    text = search_text(query)
    if len(text) < 2:
        return []
    suggestions = [
        SearchHit(title=hit.name, url=hit.url, kind="Person", meta=hit.summary)
        for hit in people_suggest(user=user, text=query, limit=limit // 2)
    ]
    from search.providers import page_queryset

    pages = page_queryset(user).autocomplete(text)
    for page in pages[: limit - len(suggestions)]:
        suggestions.append(SearchHit(title=page.title, url=page.url, kind="Page"))
    return suggestions
