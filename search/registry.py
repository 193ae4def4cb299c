"""How the other apps plug into search.

Two kinds of plug-in, both registered from an app's `AppConfig.ready()`:

**Site search providers** (`register_provider`). One per content type shown on /search/::

    class ThreadSearchProvider:
        key = "threads"                 # used in ?type=threads; unique
        label = "Discussion threads"    # heading of the group on /search/
        order = 30                      # groups are shown in ascending order

        def search(self, *, query: str, user, limit: int, offset: int = 0) -> ProviderResult:
            ...

`search` must do its permission filtering *inside the query* (e.g. `.filter(community__in=
communities_visible_to(user))` before counting and slicing), never afterwards in Python, so
that `total` (shown as the group's count) and every `SearchHit` only ever reflect what `user`
may open. `user` may be anonymous. Snippets are plain text; /search/ escapes them and marks
the query words itself, so a provider must never return HTML.

A provider that searches Wagtail-indexed models (`search.providers.indexed_search`) may add
`indexed_queryset()`: every row it could show, so that `search.services.site_index_update`
(run by `search_rebuild` and the demo data) can index rows that no save signal announced.

**People facts** (`register_people_facts`). Contributions, communities and activity that live
in other apps but count towards someone's standing in the expert finder::

    def facts(*, user_ids: list[int]) -> dict[int, PersonFacts]: ...

Only public things belong here (good practice that is published, replies in public
communities, memberships of public communities): the people index shows them to everyone.
When a fact changes, call `search.services.people_index_update(user_ids=[...])` after commit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol, runtime_checkable


@dataclass(frozen=True)
class SearchHit:
    """One result on /search/: a title that links somewhere, a kind label and a text snippet."""

    title: str
    url: str
    kind: str
    snippet: str = ""
    meta: str = ""


@dataclass(frozen=True)
class ProviderResult:
    total: int
    hits: list[SearchHit]


@runtime_checkable
class SearchProvider(Protocol):
    key: str
    label: str
    order: int

    def search(self, *, query: str, user, limit: int, offset: int = 0) -> ProviderResult: ...


@dataclass(frozen=True)
class Contribution:
    """Something a person did that others can see, counted by `kind` ("good practice")."""

    kind: str
    title: str = ""


@dataclass
class PersonFacts:
    contributions: list[Contribution] = field(default_factory=list)
    communities: list[tuple[str, str]] = field(default_factory=list)  # (slug, title)
    last_active: datetime | None = None


_providers: dict[str, SearchProvider] = {}
_people_facts: dict[str, Callable[..., dict[int, PersonFacts]]] = {}


def register_provider(provider: SearchProvider) -> SearchProvider:
    """Add (or replace, by `key`) a provider of /search/ results."""
    _providers[provider.key] = provider
    return provider


def unregister_provider(key: str) -> None:
    _providers.pop(key, None)


def providers() -> list[SearchProvider]:
    return sorted(_providers.values(), key=lambda provider: (provider.order, provider.key))


def register_people_facts(name: str, facts: Callable[..., dict[int, PersonFacts]]) -> None:
    """Add (or replace, by `name`) a source of contributions, communities and activity."""
    _people_facts[name] = facts


def unregister_people_facts(name: str) -> None:
    _people_facts.pop(name, None)


def people_facts(*, user_ids: list[int]) -> dict[int, PersonFacts]:
    """Every registered source's facts about these people, merged."""
    merged: dict[int, PersonFacts] = {}
    for source in _people_facts.values():
        for user_id, facts in source(user_ids=user_ids).items():
            into = merged.setdefault(user_id, PersonFacts())
            into.contributions.extend(facts.contributions)
            into.communities.extend(facts.communities)
            if facts.last_active and (into.last_active is None or facts.last_active > into.last_active):
                into.last_active = facts.last_active
    return merged
