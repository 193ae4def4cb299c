"""Reads of communities, always filtered by what the viewer may see.

For the site search (owned by search/): private communities never enter the search index
(`CommunityPage.get_indexed_objects`), and a search over pages should also exclude
`community_hidden_page_ids(user=request.user)`, which lists the community pages this viewer
may not see. Threads and replies are not in the page index at all.
"""

import datetime
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Count, Max, OuterRef, Q, Subquery
from django.utils import timezone

from communities.models import (
    PRESENCE_EXPIRY_SECONDS,
    Access,
    AuditEntry,
    CommunityEvent,
    CommunityLogHead,
    CommunityPage,
    Frequency,
    LibraryAccess,
    LibraryFile,
    Membership,
    Notification,
    NotificationKind,
    PostState,
    Presence,
    Reply,
    Report,
    ReportState,
    Role,
    State,
    Thread,
    Topic,
    member_filter,
)
from communities.permissions import CommunityAccess, site_moderator_cached

# Listed among a community's members on its members page (for moderators to manage), whether
# or not they count as members now: `member_filter` says who reads, posts and is notified.
LISTED_MEMBER_STATES = (State.ACTIVE, State.SUSPENDED)
THREADS_PER_PAGE = 20
REPLIES_PER_PAGE = 25


def _member_community_ids(user) -> set[int]:
    """Communities `user` belongs to, queried once per user object (forget_cached_access clears it)."""
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_community_member_ids", None)
    if cached is None:
        cached = user._community_member_ids = set(
            Membership.objects.filter(member_filter(), user=user).values_list("community_id", flat=True)
        )
    return cached


def community_visible_queryset(*, user):
    """Live communities whose page the viewer may see (private ones only to members)."""
    communities = CommunityPage.objects.live()
    if user.is_authenticated and site_moderator_cached(user):
        return communities
    return communities.filter(~Q(access=Access.PRIVATE) | Q(pk__in=_member_community_ids(user)))


def community_visible_ids(*, user) -> set[int]:
    """Page ids of the communities the viewer may see."""
    return set(community_visible_queryset(user=user).values_list("pk", flat=True))


def community_hidden_page_ids(*, user) -> set[int]:
    """Page ids a site search must leave out for this viewer."""
    return set(CommunityPage.objects.values_list("pk", flat=True)) - community_visible_ids(user=user)


def community_readable_ids(*, user) -> set[int]:
    """Communities whose discussion, files and feed the viewer may read."""
    return _readable_and_visible_ids(user)[0]


def library_readable_ids(*, user) -> set[int]:
    """Communities whose library the viewer may list, download and find in site search.

    The discussion's readers, less the communities whose facilitators keep the library to
    members (`LibraryAccess.MEMBERS`) where the viewer is not one: the rule of
    `CommunityAccess.can_read_library`, for every community in one query.
    """
    readable = community_readable_ids(user=user)
    if not readable or (user.is_authenticated and site_moderator_cached(user)):
        return readable
    members_only = set(
        CommunityPage.objects.filter(pk__in=readable, library_access=LibraryAccess.MEMBERS).values_list("pk", flat=True)
    )
    moderated_or_member = _member_community_ids(user)
    return readable - (members_only - moderated_or_member)


def _readable_and_visible_ids(user) -> tuple[set[int], set[int]]:
    """(readable, visible) community ids in one query: every readable community is visible."""
    visible = dict(community_visible_queryset(user=user).values_list("pk", "access"))
    if user.is_authenticated and site_moderator_cached(user):
        return set(visible), set(visible)
    members = _member_community_ids(user)
    readable = {pk for pk, access in visible.items() if access == Access.OPEN or pk in members}
    return readable, set(visible)


def person_communities(*, person, viewer) -> list[CommunityPage]:
    """The communities `person` belongs to that `viewer` may see, by title: a profile's row.

    Only current members count (`member_filter`); a private community is listed only to those
    who may see it (its members, site moderators), as everywhere else.
    """
    belongs = Membership.objects.filter(member_filter(), user=person).values("community_id")
    return list(community_visible_queryset(user=viewer).filter(pk__in=belongs).order_by("title"))


def community_directory(
    *,
    user,
    query: str = "",
    topic: str = "",
    colleagues: bool = False,
    page_number=1,
    per_page: int = 20,
):
    """The directory: visible communities, searched and filtered, with member counts."""
    communities = community_visible_queryset(user=user)
    if query:
        communities = communities.filter(
            Q(title__icontains=query) | Q(summary__icontains=query) | Q(description__icontains=query)
        )
    if topic:
        communities = communities.filter(topic=topic)
    if colleagues and user.is_authenticated and user.organisation_id:
        communities = communities.filter(
            member_filter("memberships__"), memberships__user__organisation_id=user.organisation_id
        ).exclude(pk__in=_member_community_ids(user))
    communities = (
        communities.annotate(
            member_count=Count(
                "memberships",
                filter=member_filter("memberships__"),
                distinct=True,
            )
        )
        .order_by("title")
        .distinct()
    )
    mine = _member_community_ids(user)
    page = Paginator(communities, per_page).get_page(page_number)
    for community in page.object_list:
        community.is_mine = community.pk in mine
    return page


def community_active_list(*, user, limit: int = 3) -> list:
    """The most recently active communities the viewer may see (for the home page)."""
    return list(
        community_visible_queryset(user=user)
        .annotate(last_post=Max("threads__last_activity_at"))
        .order_by("-last_post", "title")[:limit]
    )


def topic_choices() -> list[tuple[str, str]]:
    return [("", "All topics"), *Topic.choices]


def latest_event_id(*, community_id: int) -> int:
    """The sequence number of the community's last committed event (0 before the first)."""
    return CommunityLogHead.objects.filter(community_id=community_id).values_list("last_seq", flat=True).first() or 0


def community_page_context(*, community: CommunityPage, access: CommunityAccess, user, page_number=1) -> dict:
    """Everything the community page shows this viewer."""
    facilitators = list(
        Membership.objects.filter(community=community, role=Role.FACILITATOR, state=State.ACTIVE).select_related(
            "user", "user__organisation", "user__profile"
        )
    )
    context = {
        "access": access,
        "facilitators": facilitators,
        "member_count": Membership.objects.filter(member_filter(), community=community).count(),
        "threads": None,
        "frequency_choices": Frequency.choices,
    }
    if access.can_read:
        # Read before the thread list (evaluated when the page renders): an event committed in
        # between is shown and replayed, never neither.
        context["last_event_id"] = latest_event_id(community_id=community.pk)
        threads = (
            Thread.objects.filter(community=community)
            .exclude(state__in=[PostState.REMOVED, PostState.DELETED])
            .select_related("author", "author__profile")
            .order_by("-is_pinned", "-last_activity_at")
        )
        if not access.can_moderate:
            threads = threads.filter(state=PostState.VISIBLE)
        context["threads"] = Paginator(threads, THREADS_PER_PAGE).get_page(page_number)
        context["presence_count"] = presence_count(community_id=community.pk)
        if access.can_read_library:
            context["library"] = LibraryFile.objects.filter(community=community).count()
    if access.can_moderate:
        context["open_reports"] = Report.objects.filter(community=community, state=ReportState.OPEN).count()
    return context


def presence_count(*, community_id: int, expiry_seconds: int = PRESENCE_EXPIRY_SECONDS) -> int:
    """How many people have this community open right now (each visitor counted once).

    Only connections held by a worker that has said it is alive within `expiry_seconds` count:
    a crashed worker's leftovers do not.
    """
    since = timezone.now() - datetime.timedelta(seconds=expiry_seconds)
    here = Presence.objects.filter(community_id=community_id, worker__last_seen__gte=since)
    people = here.filter(user__isnull=False).values("user_id").distinct().count()
    return people + here.filter(user__isnull=True).count()


def thread_get(*, community: CommunityPage, thread_id: int, for_page: bool = False) -> Thread | None:
    """The thread, or None. `for_page` also reads, in the same query, what the thread page needs
    besides: `reply_total` (for its paginator) and `log_seq`, the community's last event, read
    before the replies so that anything committed in between is both shown and replayed."""
    threads = Thread.objects.filter(community=community, pk=thread_id)
    if for_page:
        threads = threads.annotate(
            reply_total=Subquery(
                Reply.objects.filter(thread=OuterRef("pk"))
                .order_by()
                .values("thread")
                .annotate(total=Count("pk"))
                .values("total")[:1]
            ),
            log_seq=Subquery(
                CommunityLogHead.objects.filter(community_id=OuterRef("community_id")).values("last_seq")[:1]
            ),
        )
    thread = threads.select_related("author", "author__profile").prefetch_related("tags").first()
    if thread is not None:
        thread.community = community  # already loaded: no second join through the page tables
    return thread


def thread_replies(*, thread: Thread, page_number=1):
    """One page of replies, each with its author and quoted reply fetched up front.

    The number of queries does not depend on the number of replies. A thread read with
    `thread_get(for_page=True)` has its reply total already, so the paginator does not count.
    """
    replies = (
        Reply.objects.filter(thread=thread)
        .select_related(
            "author", "author__organisation", "author__profile", "quote", "quote__author", "quote__author__profile"
        )
        .order_by("created_at", "pk")
    )
    paginator = Paginator(replies, REPLIES_PER_PAGE)
    if hasattr(thread, "reply_total"):
        paginator.count = thread.reply_total or 0  # a cached_property: once set, it is not queried
    if page_number == "last":
        page_number = paginator.num_pages
    return paginator.get_page(page_number)


def reply_get(*, thread: Thread, reply_id: int) -> Reply | None:
    """A reply of `thread` with what the thread page shows of it (author, quote), or None."""
    return (
        Reply.objects.filter(thread=thread, pk=reply_id)
        .select_related("author", "author__profile", "author__organisation", "quote", "quote__author__profile")
        .first()
    )


def community_threads_feed(*, community: CommunityPage, limit: int = 20) -> list:
    return list(
        Thread.objects.filter(community=community, state=PostState.VISIBLE)
        .select_related("author")
        .order_by("-created_at")[:limit]
    )


def community_members(*, community: CommunityPage) -> dict:
    memberships = Membership.objects.filter(community=community).select_related(
        "user", "user__organisation", "user__profile"
    )
    grouped = {"pending": [], "members": [], "former": []}
    for membership in memberships.order_by("user__first_name", "user__last_name"):
        if membership.state == State.PENDING:
            grouped["pending"].append(membership)
        elif membership.state in LISTED_MEMBER_STATES:
            grouped["members"].append(membership)
        else:
            grouped["former"].append(membership)
    return grouped


def my_memberships(*, user) -> list[Membership]:
    return list(
        Membership.objects.filter(member_filter(), user=user).select_related("community").order_by("community__title")
    )


def _notifications_shown(user):
    """The person's notifications they may still see, as one query.

    Left out: those about communities they can no longer read (decisions about their own
    membership excepted), and those whose thread or reply is no longer shown (hidden, removed,
    deleted). A removal is still explained to the author of what was removed.
    """
    # The communities as subqueries, so the count in the header is one query, not three.
    live = CommunityPage.objects.live()
    if site_moderator_cached(user):
        readable = visible = live.values("pk")
    else:
        belongs = Membership.objects.filter(member_filter(), user=user).values("community_id")
        visible = live.filter(~Q(access=Access.PRIVATE) | Q(pk__in=belongs)).values("pk")
        # Readable is visible and (open, or a member): open or a member, as open is not private.
        readable = live.filter(Q(access=Access.OPEN) | Q(pk__in=belongs)).values("pk")
    post_shown = Q(thread__isnull=True) | (
        Q(thread__state=PostState.VISIBLE) & (Q(reply__isnull=True) | Q(reply__state=PostState.VISIBLE))
    )
    own_removal = Q(kind=NotificationKind.MODERATION) & (Q(thread__state=PostState.VISIBLE) | Q(thread__author=user))
    return Notification.objects.filter(recipient=user).filter(
        (Q(community_id__in=readable) & (post_shown | own_removal))
        | Q(kind=NotificationKind.DECISION, community_id__in=visible)
    )


def notification_list(*, user, page_number=1, per_page: int = 20):
    """Someone's notifications (`_notifications_shown`), each with what it is worded from."""
    notifications = _notifications_shown(user).select_related(
        "community", "thread", "thread__author__profile", "reply__author__profile"
    )
    return Paginator(notifications, per_page).get_page(page_number)


def notification_unread_count(*, user) -> int:
    return _notifications_shown(user).filter(read_at__isnull=True).count()


def _moderated(queryset, *, user, community: CommunityPage | None, field: str = "community_id"):
    """`queryset` narrowed to the communities `user` moderates (all, for site moderators)."""
    if not site_moderator_cached(user):
        moderated = Membership.objects.filter(
            member_filter(), user=user, role__in=[Role.MODERATOR, Role.FACILITATOR]
        ).values("community_id")
        queryset = queryset.filter(**{f"{field}__in": moderated})
    if community is not None:
        queryset = queryset.filter(**{field: community.pk})
    return queryset


def moderation_queue(*, user, community: CommunityPage | None = None):
    """Open reports in the communities this person moderates (all, for site moderators)."""
    reports = Report.objects.filter(state=ReportState.OPEN).select_related(
        "community", "thread", "thread__author__profile", "reply", "reply__author__profile", "reporter"
    )
    return _moderated(reports, user=user, community=community).order_by("created_at")


def hidden_posts(*, user, community: CommunityPage | None = None) -> list[Thread | Reply]:
    """Threads and replies hidden while a moderator looks into them, oldest first.

    They wait here, beside the open reports, until a moderator restores or removes them
    (`services.hidden_post_decide`): hiding is a pause, never the end of a report.
    """
    threads = _moderated(
        Thread.objects.filter(state=PostState.HIDDEN).select_related("community", "author__profile"),
        user=user,
        community=community,
    )
    replies = _moderated(
        Reply.objects.filter(state=PostState.HIDDEN).select_related("thread", "thread__community", "author__profile"),
        user=user,
        community=community,
        field="thread__community_id",
    )
    return sorted([*threads, *replies], key=lambda post: (post.created_at, post.pk))


def hidden_post_get(*, community: CommunityPage, thread_id: int | None = None, reply_id: int | None = None):
    """The hidden thread (or, given `reply_id`, reply) in `community` waiting for a decision, or None."""
    if reply_id is not None:
        replies = Reply.objects.select_related("thread", "thread__community", "author__profile")
        return replies.filter(pk=reply_id, thread__community=community, state=PostState.HIDDEN).first()
    threads = Thread.objects.select_related("community", "author__profile")
    return threads.filter(pk=thread_id, community=community, state=PostState.HIDDEN).first()


def audit_list(*, community: CommunityPage, page_number=1):
    entries = AuditEntry.objects.filter(community=community).select_related("actor")
    return Paginator(entries, 50).get_page(page_number)


def library_list(*, community: CommunityPage) -> list[LibraryFile]:
    return list(
        LibraryFile.objects.filter(community=community)
        .select_related("folder", "uploaded_by")
        .order_by("folder__name", "title")
    )


@dataclass
class CatchUp:
    """What a reconnecting client is sent: events after its point, as their subjects are now."""

    events: list[dict]
    through: int  # the last sequence number covered: the client's new point
    more: bool  # the limit was reached: ask again after `through`
    expired: bool  # the point is outside the log's window: reload instead


def catch_up(*, community_id: int, after: int, limit: int = 500) -> CatchUp:
    """Logged events numbered after `after`, in order, each rendered from its thread or reply now.

    Removed, hidden and author-deleted posts come out as their placeholders, edited ones as
    edited, replies in a hidden thread and the creation of a hidden thread not at all: the
    same as the pages. Skipped events still move `through` on, so no number is asked twice.
    `after` older than the log's window, or newer than its head, is `expired`.
    """
    from communities import events as live

    rows = list(
        CommunityEvent.objects.filter(community_id=community_id, seq__gt=after)
        .order_by("seq")
        .values_list("seq", "type", "payload")[:limit]
    )
    # Read after the events: pruning only moves forward, so a point not pruned now was not
    # pruned when the events were read either.
    last_seq, pruned_through = CommunityLogHead.objects.filter(community_id=community_id).values_list(
        "last_seq", "pruned_through"
    ).first() or (0, 0)
    if after < pruned_through or after > last_seq:
        return CatchUp(events=[], through=last_seq, more=False, expired=True)
    reply_ids = {payload["reply_id"] for _, _, payload in rows if "reply_id" in payload}
    thread_ids = {payload["thread_id"] for _, _, payload in rows if "reply_id" not in payload}
    replies = Reply.objects.filter(pk__in=reply_ids, thread__community_id=community_id).select_related(
        "author", "thread__community"
    )
    threads = Thread.objects.filter(pk__in=thread_ids, community_id=community_id).select_related("author", "community")
    subjects = {("reply", reply.pk): reply for reply in replies} | {("thread", thread.pk): thread for thread in threads}
    rendered = []
    for seq, kind, payload in rows:
        subject = subjects.get(
            ("reply", payload["reply_id"]) if "reply_id" in payload else ("thread", payload["thread_id"])
        )
        thread = getattr(subject, "thread", subject)
        if subject is None or (not thread.is_visible and (kind == live.THREAD_CREATED or subject is not thread)):
            continue  # gone, or never shown: nothing to replay
        rendered.append({"type": kind, "id": seq, "payload": live.subject_payload(subject)})
    through = rows[-1][0] if rows else after
    return CatchUp(events=rendered, through=through, more=len(rows) == limit, expired=False)


def events_after(*, community_id: int, after: int, limit: int = 500) -> list[dict]:
    """Logged events numbered after `after`, as their subjects are now (see `catch_up`).

    "id" in each event is its sequence number in the community, as in the live messages.
    """
    return catch_up(community_id=community_id, after=after, limit=limit).events


def digest_content(*, membership: Membership, since, until) -> tuple[list, list]:
    """New visible threads and replies in the member's community, not written by them."""
    threads = list(
        Thread.objects.filter(
            community_id=membership.community_id,
            state=PostState.VISIBLE,
            created_at__gt=since,
            created_at__lte=until,
        )
        .exclude(author_id=membership.user_id)
        .select_related("author", "community")
        .order_by("created_at")
    )
    replies = list(
        Reply.objects.filter(
            thread__community_id=membership.community_id,
            thread__state=PostState.VISIBLE,
            state=PostState.VISIBLE,
            created_at__gt=since,
            created_at__lte=until,
        )
        .exclude(author_id=membership.user_id)
        .select_related("author", "thread", "thread__community")
        .order_by("created_at")
    )
    return threads, replies
