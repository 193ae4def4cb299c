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
