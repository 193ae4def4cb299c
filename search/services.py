"""Writes to the people index. Other apps call `people_index_update` after commit when facts change."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import transaction

from accounts.models import Profile
from search.backends import people_backend
from search.indexing import person_documents

logger = logging.getLogger(__name__)


def people_index_update(*, user_ids: list[int]) -> int:
    """Reindex these people now (call it inside `transaction.on_commit`); returns how many."""
    profiles = list(Profile.objects.filter(user_id__in=user_ids))
    backend = people_backend()
    docs = list(person_documents(profiles))
    backend.index(docs)
    gone = set(user_ids) - {profile.user_id for profile in profiles}
    if gone:
        from search.models import PersonEntry

        backend.delete(profile_ids=list(PersonEntry.objects.filter(user_id__in=gone).values_list("pk", flat=True)))
    return len(docs)


def people_index_update_on_commit(*, user_ids: list[int]) -> None:
    """Schedule a reindex for when the surrounding transaction commits (never if it rolls back)."""
    ids = list(user_ids)
    transaction.on_commit(lambda: people_index_update(user_ids=ids))


def people_index_rebuild(*, progress: Callable[[int, int], None] | None = None, batch_size: int = 2000) -> int:
    """Reindex everyone, batch by batch; the index keeps answering queries meanwhile."""
    total = Profile.objects.count()
    backend = people_backend()
    return backend.rebuild(person_documents(batch_size=batch_size), total=total, progress=progress)


SITE_INDEX_BATCH = 500


def site_index_update(*, progress: Callable[[str, int], None] | None = None) -> dict[str, int]:
    """Index everything the site search providers find through Wagtail's search index.

    Each save already updates the index (Wagtail's signal handlers); this catches up what no
    signal announced: bulk writes such as the demo data's `bulk_create`, and a deployment's
    rows from before the models were indexed. A provider takes part by having
    `indexed_queryset()`, every row it could ever show (who may see one is decided at query
    time). Returns how many rows each provider's model has in the index.
    """
    from wagtail.search.backends import get_search_backends

    from search.registry import providers

    counts: dict[str, int] = {}
    for provider in providers():
        indexed_queryset = getattr(provider, "indexed_queryset", None)
        if indexed_queryset is None:
            continue
        queryset = indexed_queryset().order_by("pk")
        model, total = queryset.model, queryset.count()
        for backend in get_search_backends(with_auto_update=True):
            index = backend.get_index_for_model(model)
            if hasattr(index, "exists") and not index.exists():
                # Elasticsearch: an index written to before its mapping exists guesses one.
                index.put()
                index.add_model(model)
            for start in range(0, total, SITE_INDEX_BATCH):
                index.add_items(model, list(queryset[start : start + SITE_INDEX_BATCH]))
            index.refresh()
        counts[provider.key] = total
        if progress:
            progress(provider.label, total)
    _index_statistics_refresh()
    return counts


def _index_statistics_refresh() -> None:
    """Give SQLite's planner statistics on the search index after a bulk build.

    Without them (`sqlite_stat1` is empty until ANALYZE runs) SQLite joins Wagtail's index
    entries to the FTS table the wrong way round: it scans every entry of a content type and
    runs the full-text MATCH once per entry, about 100 ms for 300 services against 0.6 ms with
    the MATCH first. PostgreSQL's autovacuum keeps its own statistics.
    """
    from django.db import connection

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE wagtailsearch_indexentry")
