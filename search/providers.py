"""The site search providers this app owns: Wagtail pages and people.

Other apps add theirs (search.registry explains the protocol). Page types that an app
searches through its own, permission-aware provider (e.g. pages of a private community) are
left out of the generic page provider with `exclude_page_models`.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import QuerySet
from django.utils.text import Truncator

from wagtail.models import Page
from wagtail.search.backends import get_search_backend

from search.registry import ProviderResult, SearchHit
from search.terms import search_terms, search_text

_excluded_page_models: set[str] = set()


def exclude_page_models(*labels: str) -> None:
    """Leave these page models ("communities.CommunityPage") out of the generic page results."""
    _excluded_page_models.update(label.lower() for label in labels)


def page_queryset(user=None):
    from django.contrib.contenttypes.models import ContentType

    pages = Page.objects.live().public().exclude(depth__lte=1)
    if _excluded_page_models:
        excluded = [
            ContentType.objects.get_by_natural_key(*label.split(".", 1)).pk
            for label in _excluded_page_models
            if "." in label
        ]
        pages = pages.exclude(content_type_id__in=excluded)
    # Private communities' pages: left out inside the query, before counting.
    hidden = _hidden_community_pages(user)
    if hidden:
        pages = pages.exclude(pk__in=hidden)
    return pages


def indexed_search(
    queryset: QuerySet, *, query: str, limit: int, offset: int, hit: Callable[[object], SearchHit]
) -> ProviderResult:
    """`query` over a Wagtail-indexed queryset (database or Elasticsearch backend), counted and paged.

    For providers whose models have `search_fields`: the queryset carries the permission
    filter (on `FilterField`s), so the backend applies it inside the query, before counting.
    `hit` turns one result into a `SearchHit`; give the queryset the `select_related` it needs
    so that a page of results costs the same queries however many there are.
    """
    # Plain words only: Wagtail's backends put the text into FTS5/tsquery syntax unescaped.
    text = search_text(query)
    if not text:
        return ProviderResult(total=0, hits=[])
    results = get_search_backend().search(text, queryset)
    total = results.count()
    hits = [hit(item) for item in results[offset : offset + limit]] if limit else []
    return ProviderResult(total=total, hits=hits)


class PageSearchProvider:
    """Published pages anyone may see: good practice, guidance and the section pages."""

    key = "pages"
    label = "Good practice and pages"
    order = 10

    def search(self, *, query: str, user, limit: int, offset: int = 0) -> ProviderResult:
        return indexed_search(page_queryset(user), query=query, limit=limit, offset=offset, hit=self.hit)

    @staticmethod
    def hit(page) -> SearchHit:
        specific = page.specific
        snippet = page.search_description or getattr(specific, "introduction", "")
        if not snippet and hasattr(specific, "summary"):
            snippet = specific.summary
        return SearchHit(
            title=page.title,
            url=page.url,
            kind=specific._meta.verbose_name.capitalize(),
            snippet=Truncator(str(snippet or "")).chars(240),
        )


class PeopleSearchProvider:
    """People, through the expert finder's index: hidden fields are never matched or shown."""

    key = "people"
    label = "People"
    order = 50

    def search(self, *, query: str, user, limit: int, offset: int = 0) -> ProviderResult:
        from search.selectors import expert_search

        per_page = max(limit, 1)
        results = expert_search(user=user, text=query, page=offset // per_page + 1, per_page=per_page)
        hits = [
            SearchHit(
                title=hit.name,
                url=hit.url,
                kind="Person",
                snippet=" · ".join(filter(None, [hit.summary, ", ".join(hit.skills[:5])])),
                meta=hit.explanation,
            )
            for hit in (results.hits if limit else [])
        ]
        return ProviderResult(total=results.total, hits=hits)


def _hidden_community_pages(user) -> set[int]:
    """Community pages this viewer may not see (private ones they are not a member of)."""
    from django.apps import apps

    if not apps.is_installed("communities"):
        return set()
    from django.contrib.auth.models import AnonymousUser

    from communities.selectors import community_hidden_page_ids

    user = user if user is not None else AnonymousUser()
    return community_hidden_page_ids(user=user)


class ThreadSearchProvider:
    """Discussion threads, only from communities the viewer may read, filtered in the query.

    A stop-gap until the communities app registers a provider of its own (same `key`
    replaces this one): a word-by-word match on title and opening post, newest activity first.
    """

    key = "threads"
    label = "Discussion threads"
    order = 30

    def search(self, *, query: str, user, limit: int, offset: int = 0) -> ProviderResult:
        from django.db.models import Q

        from communities.models import PostState, Thread
        from communities.selectors import community_readable_ids

        words = search_terms(query, min_length=2)
        if not words:
            return ProviderResult(total=0, hits=[])
        threads = Thread.objects.filter(
            state=PostState.VISIBLE,
            community_id__in=community_readable_ids(user=user),
            community__live=True,
        )
        for word in words:
            threads = threads.filter(Q(title__icontains=word) | Q(body__icontains=word))
        total = threads.count()
        hits = []
        if limit:
            for thread in threads.select_related("community").order_by("-last_activity_at", "-pk")[
                offset : offset + limit
            ]:
                hits.append(
                    SearchHit(
                        title=thread.title,
                        url=thread.get_absolute_url(),
                        kind="Discussion thread",
                        snippet=Truncator(thread.body).chars(240),
                        meta=f"In {thread.community.title}",
                    )
                )
        return ProviderResult(total=total, hits=hits)
