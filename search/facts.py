"""People facts from the other apps: what counts towards someone's standing in the expert finder.

Registered from `SearchConfig.ready()` when those apps are installed. Only public things
count, because the people index shows them to everyone: published good practice that anyone
may read, replies in open communities, memberships of open communities.
"""

from __future__ import annotations

from search.registry import Contribution, PersonFacts


def good_practice_facts(*, user_ids: list[int]) -> dict[int, PersonFacts]:
    """Published, public good practice each person submitted."""
    from hub.models import GoodPracticePage

    facts: dict[int, PersonFacts] = {}
    pages = (
        GoodPracticePage.objects.live()
        .public()
        .filter(owner_id__in=user_ids)
        .values_list("owner_id", "title", "last_published_at")
    )
    for owner_id, title, published in pages:
        person = facts.setdefault(owner_id, PersonFacts())
        person.contributions.append(Contribution(kind="good practice contribution", title=title))
        if published and (person.last_active is None or published > person.last_active):
            person.last_active = published
    return facts


def community_facts(*, user_ids: list[int]) -> dict[int, PersonFacts]:
    """Replies in open communities and memberships of open communities."""
    from django.db.models import Count, Max

    from communities.models import Access, Membership, PostState, Reply, State

    facts: dict[int, PersonFacts] = {}
    replies = (
        Reply.objects.filter(
            author_id__in=user_ids,
            state=PostState.VISIBLE,
            thread__state=PostState.VISIBLE,
            thread__community__access=Access.OPEN,
            thread__community__live=True,
        )
        .values("author_id")
        .annotate(n=Count("id"), latest=Max("created_at"))
    )
    for row in replies:
        person = facts.setdefault(row["author_id"], PersonFacts())
        person.contributions.extend([Contribution(kind="discussion reply")] * row["n"])
        person.last_active = row["latest"]
    memberships = Membership.objects.filter(
        user_id__in=user_ids,
        state=State.ACTIVE,
        community__access=Access.OPEN,
        community__live=True,
    ).values_list("user_id", "community__slug", "community__title")
    for user_id, slug, title in memberships:
        facts.setdefault(user_id, PersonFacts()).communities.append((slug, title))
    return facts
