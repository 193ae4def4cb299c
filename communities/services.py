"""Every write in communities: membership, discussion, moderation, notifications and email.

Services are keyword-only and atomic. Live events, notifications pushed to browsers and
emails are all sent through `transaction.on_commit`, after the write is safely stored.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from accounts.selectors import person_shown
from communities import emails, events
from communities.models import (
    PRESENCE_EXPIRY_SECONDS,
    Access,
    AuditEntry,
    CommunityLogHead,
    CommunityPage,
    DigestSent,
    Frequency,
    Invitation,
    LibraryAccess,
    LibraryFile,
    LibraryFolder,
    LiveWorker,
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
    member_filter,
    membership_may,
)
from communities.permissions import can_remove_library_file, community_access, forget_cached_access
from communities.rendering import mention_handles, render_markdown
from communities.selectors import notification_unread_count

User = get_user_model()


class PostingTooFast(Exception):
    """Raised when someone posts faster than the rate limit allows."""

    def __init__(self, seconds: int):
        self.seconds = seconds
        super().__init__(
            f"You are posting too quickly. Wait {seconds} seconds and post again: what you wrote has been kept."
        )


def post_rate() -> tuple[int, int]:
    """(posts, seconds): COMMUNITIES_POST_RATE, default 6 posts a minute."""
    return getattr(settings, "COMMUNITIES_POST_RATE", (6, 60))


def user_handle(user) -> str:
    """The @handle people use to mention someone: their name, slugified."""
    return slugify(user.get_full_name() or user.email.split("@")[0])


# --- Communities and membership ----------------------------------------------------------


def _audit(*, community_id: int, actor, action: str, target: str, reason: str = ""):
    AuditEntry.objects.create(
        community_id=community_id,
        actor=actor,
        action=action,
        target=target[:300],
        reason=reason,
    )


@transaction.atomic
def community_create(
    *,
    parent,
    title: str,
    summary: str,
    access: str = Access.OPEN,
    topic: str = "",
    description: str = "",
    rules: str = "",
    facilitator=None,
    slug: str = "",
) -> CommunityPage:
    """Add a community under the directory, with its first facilitator."""
    community = parent.add_child(
        instance=CommunityPage(
            title=title,
            slug=slug or slugify(title),
            summary=summary,
            access=access,
            topic=topic,
            description=description,
            rules=rules,
        )
    )
    if facilitator is not None:
        Membership.objects.create(
            community=community,
            user=facilitator,
            role=Role.FACILITATOR,
            state=State.ACTIVE,
        )
    return community


@transaction.atomic
def community_set_access(*, community: CommunityPage, actor, access: str) -> None:
    """Change who may see a community; connected clients re-check their access at once."""
    from wagtail.search import index

    community.access = access
    community.save_revision(user=actor).publish()
    community.refresh_from_db()
    if access == Access.PRIVATE:
        transaction.on_commit(lambda: index.remove_object(community))
    else:
        transaction.on_commit(lambda: index.insert_or_update_object(community))
    _audit(
        community_id=community.pk,
        actor=actor,
        action="access changed",
        target=community.title,
        reason=access,
    )
    events.access_changed(community_id=community.pk)


@transaction.atomic
def community_set_library_access(*, community: CommunityPage, actor, library_access: str) -> None:
    """Let everyone who reads the community open its library, or keep it to members."""
    _require(community_access(community=community, user=actor).can_facilitate)
    if library_access not in LibraryAccess.values:
        raise ValidationError(f"Unknown library access {library_access!r}.")
    community.library_access = library_access
    # Through a revision, as every change to a page: publishing an older one would undo it.
    community.save_revision(user=actor).publish()
    community.refresh_from_db()
    _audit(
        community_id=community.pk,
        actor=actor,
        action="library access changed",
        target=community.title,
        reason=library_access,
    )


def _require(allowed: bool, message: str = "You cannot do that here.") -> None:
    if not allowed:
        raise PermissionDenied(message)


class MembershipStateError(ValidationError):
    """A membership change that cannot start from the membership's current state.

    Views show its message as an error; nothing has been changed.
    """


# Why a change about someone else (by a moderator or facilitator) cannot be made.
_NOT_FROM = {
    "suspend": "Only an active member can be suspended",
    "remove": "Only a member can be removed",
    "set_role": "Only a member can be given a role",
    "decide": "That request has already been decided",
}
_THEIR_STATE = {
    State.PENDING: "this person's request to join is still pending.",
    State.ACTIVE: "this person is an active member.",
    State.SUSPENDED: "this person is suspended.",
    State.REFUSED: "this person's request to join was refused.",
    State.REMOVED: "this person has been removed.",
    State.LEFT: "this person has left the community.",
}
# Why a change of one's own membership (join, ask, accept, leave) cannot be made.
_YOUR_STATE = {
    State.PENDING: "Your request to join is waiting for a facilitator.",
    State.ACTIVE: "You are already a member of this community.",
    State.REFUSED: "You are not a member of this community.",
    State.REMOVED: "A facilitator removed you from this community: ask them if you want to rejoin.",
    State.LEFT: "You are not a member of this community.",
}


def _check_transition(membership: Membership | None, change: str) -> None:
    """Refuse `change` unless MEMBERSHIP_TRANSITIONS allows it from the membership's state now."""
    if membership_may(membership, change):
        return
    state = membership.standing if membership is not None else None
    if change in _NOT_FROM:
        raise MembershipStateError(f"{_NOT_FROM[change]}: {_THEIR_STATE[state]}" if state else _NOT_FROM[change])
    if state == State.SUSPENDED:
        then = "You can leave once it ends." if change == "leave" else "You cannot rejoin until it ends."
        raise MembershipStateError(f"You are suspended {membership.suspension_ends}. {then}")
    raise MembershipStateError(_YOUR_STATE.get(state, "You are not a member of this community."))


def _membership_locked(*, community, user) -> Membership | None:
    """The person's membership as committed now, locked until the transaction ends.

    Transitions are checked against this row, not against a copy read earlier in the request,
    so two changes racing each other cannot both start from the same state.
    """
    return Membership.objects.select_for_update().filter(community_id=community.pk, user_id=user.pk).first()


def _lock(membership: Membership) -> Membership:
    membership.refresh_from_db(from_queryset=Membership.objects.select_for_update())
    return membership


@transaction.atomic
def membership_join(*, community: CommunityPage, user) -> Membership:
    """Join an open community straight away."""
    _check_transition(_membership_locked(community=community, user=user), "join")
    forget_cached_access(user)
    access = community_access(community=community, user=user)
    _require(access.can_join, "This community is not open to join.")
    membership, _ = Membership.objects.update_or_create(
        community=community,
        user=user,
        defaults={"state": State.ACTIVE, "role": Role.MEMBER},
    )
    forget_cached_access(user)
    return membership


@transaction.atomic
def membership_request(*, community: CommunityPage, user, message: str = "") -> Membership:
    """Ask to join a restricted community; its facilitators are notified."""
    _check_transition(_membership_locked(community=community, user=user), "request")
    forget_cached_access(user)
    access = community_access(community=community, user=user)
    _require(access.can_request, "You cannot ask to join this community.")
    membership, _ = Membership.objects.update_or_create(
        community=community,
        user=user,
        defaults={
            "state": State.PENDING,
            "role": Role.MEMBER,
            "request_message": message,
        },
    )
    forget_cached_access(user)
    facilitators = User.objects.filter(
        community_memberships__community=community,
        community_memberships__role=Role.FACILITATOR,
        community_memberships__state=State.ACTIVE,
    )
    for facilitator in facilitators:
        notification_create(
            recipient=facilitator,
            community=community,
            kind=NotificationKind.JOIN_REQUEST,
            text=f"{user} asked to join {community.title}",
            url=f"/communities/{community.slug}/members/",
        )
    return membership


@transaction.atomic
def membership_decide(*, membership: Membership, actor, approve: bool) -> Membership:
    """Approve or refuse a join request; the requester is told either way."""
    community = membership.community
    _require(community_access(community=community, user=actor).can_facilitate)
    _check_transition(_lock(membership), "decide")
    membership.state = State.ACTIVE if approve else State.REFUSED
    membership.save(update_fields=["state", "updated_at"])
    decision = "approved" if approve else "refused"
    _audit(
        community_id=community.pk,
        actor=actor,
        action=f"request {decision}",
        target=str(membership.user),
    )
    notification_create(
        recipient=membership.user,
        community=community,
        kind=NotificationKind.DECISION,
        text=f"Your request to join {community.title} was {decision}",
        url=community.url if approve or community.access != Access.PRIVATE else "/",
        force=True,
    )
    message = emails.plain_email(
        to=membership.user.email,
        subject=f"Your request to join {community.title} was {decision}",
        template="communities/email/decision.txt",
        context={
            "community": community,
            "approved": approve,
            "community_url": emails.absolute(community.url or ""),
        },
    )
    transaction.on_commit(message.send)
    return membership


@transaction.atomic
def membership_invite(*, community: CommunityPage, actor, email: str) -> Invitation:
    """Invite someone by email, registered or not; they accept by following the link."""
    _require(community_access(community=community, user=actor).can_facilitate)
    email = email.strip().lower()
    invitation = Invitation.objects.create(community=community, email=email, invited_by=actor)
    from django.urls import reverse

    link = emails.absolute(reverse("communities:invitation", kwargs={"token": invitation.token}))
    message = emails.plain_email(
        to=email,
        subject=f"You are invited to join {community.title} on the Knowledge Hub",
        template="communities/email/invitation.txt",
        context={
            "community": community,
            "inviter": actor,
            "link": link,
            "registered": User.objects.filter(email__iexact=email).exists(),
        },
    )
    _audit(community_id=community.pk, actor=actor, action="invited", target=email)
    transaction.on_commit(message.send)
    return invitation


def _invitation_apply(invitation: Invitation, user) -> Membership:
    """Make the invited person an active member; a suspension or a removal is not lifted."""
    membership = _membership_locked(community=invitation.community, user=user)
    _check_transition(membership, "accept_invitation")
    if membership is None:
        membership = Membership.objects.create(community=invitation.community, user=user, state=State.ACTIVE)
    elif membership.state != State.ACTIVE:
        membership.state = State.ACTIVE
        membership.save(update_fields=["state", "updated_at"])
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    forget_cached_access(user)
    return membership


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user) -> Membership:
    """Accept an invitation: only the person it was sent to (by email address) can."""
    if invitation.accepted_at is not None:
        raise ValidationError("This invitation has already been used.")
    if user.email.lower() != invitation.email.lower():
        raise PermissionDenied("This invitation was sent to a different address.")
    return _invitation_apply(invitation, user)


@transaction.atomic
def invitations_accept_for_email(*, user, email: str) -> list[CommunityPage]:
    """Someone has just proved they own `email` (signed up and confirmed it): accept what awaits it.

    A facilitator may invite an address before anyone has registered it; the person should not
    have to find the invitation link again. Each community joined is also in their
    notification centre. Returns the communities joined.
    """
    pending = (
        Invitation.objects.filter(email__iexact=email.strip(), accepted_at__isnull=True)
        .select_related("community", "invited_by")
        .select_for_update(of=("self",))
        .order_by("pk")
    )
    joined = []
    for invitation in pending:
        community = invitation.community
        if community.pk in {c.pk for c in joined}:
            invitation.accepted_at = timezone.now()
            invitation.save(update_fields=["accepted_at"])
            continue
        try:
            _invitation_apply(invitation, user)
        except MembershipStateError:
            # Suspended or removed there: the invitation stays unused, for a facilitator to see.
            continue
        inviter = invitation.invited_by or "A facilitator"
        notification_create(
            recipient=user,
            community=community,
            kind=NotificationKind.DECISION,
            text=f"You joined {community.title}: {inviter} invited you"[:300],
            url=community.url or "/",
            force=True,
        )
        joined.append(community)
    return joined


def _revoke_live(membership: Membership) -> None:
    events.membership_changed(community_id=membership.community_id, user_id=membership.user_id)


@transaction.atomic
def membership_set_role(*, membership: Membership, actor, role: str) -> Membership:
    """Appoint a moderator or facilitator, or make someone a plain member again."""
    _require(community_access(community=membership.community, user=actor).can_facilitate)
    _check_transition(_lock(membership), "set_role")
    membership.role = role
    membership.save(update_fields=["role", "updated_at"])
    _audit(
        community_id=membership.community_id,
        actor=actor,
        action=f"role set to {role}",
        target=str(membership.user),
    )
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, actor, reason: str = "") -> Membership:
    """Remove a member; their live connections stop receiving events at once."""
    _require(community_access(community=membership.community, user=actor).can_facilitate)
    _check_transition(_lock(membership), "remove")
    membership.state = State.REMOVED
    membership.save(update_fields=["state", "updated_at"])
    _audit(
        community_id=membership.community_id,
        actor=actor,
        action="member removed",
        target=str(membership.user),
        reason=reason,
    )
    _revoke_live(membership)
    forget_cached_access(membership.user)
    return membership


@transaction.atomic
def membership_suspend(*, membership: Membership, actor, days: int, reason: str) -> Membership:
    """Suspend an active member for `days` days: until then they read only what a non-member
    reads, and their live connections re-check their access at once."""
    _require(community_access(community=membership.community, user=actor).can_moderate)
    _check_transition(_lock(membership), "suspend")
    membership.state = State.SUSPENDED
    membership.suspended_until = timezone.now() + datetime.timedelta(days=days)
    membership.save(update_fields=["state", "suspended_until", "updated_at"])
    _audit(
        community_id=membership.community_id,
        actor=actor,
        action=f"suspended for {days} days",
        target=str(membership.user),
        reason=reason,
    )
    _revoke_live(membership)
    forget_cached_access(membership.user)
    return membership


@transaction.atomic
def membership_leave(*, membership: Membership) -> None:
    """A member leaves; a community keeps at least one facilitator, and a suspension stands."""
    _check_transition(_lock(membership), "leave")
    if (
        membership.role == Role.FACILITATOR
        and not Membership.objects.filter(
            community_id=membership.community_id,
            role=Role.FACILITATOR,
            state=State.ACTIVE,
        )
        .exclude(pk=membership.pk)
        .exists()
    ):
        raise ValidationError("You are the only facilitator: appoint another before you leave.")
    membership.state = State.LEFT
    membership.role = Role.MEMBER
    membership.save(update_fields=["state", "role", "updated_at"])
    _revoke_live(membership)
    forget_cached_access(membership.user)


@transaction.atomic
def membership_set_frequency(*, membership: Membership, frequency: str) -> Membership:
    membership.email_frequency = frequency
    membership.save(update_fields=["email_frequency", "updated_at"])
    return membership


# --- Discussion ---------------------------------------------------------------------------


def _check_rate(user) -> None:
    limit, seconds = post_rate()
    since = timezone.now() - datetime.timedelta(seconds=seconds)
    recent = list(
        Thread.objects.filter(author=user, created_at__gte=since).values_list("created_at", flat=True)
    ) + list(Reply.objects.filter(author=user, created_at__gte=since).values_list("created_at", flat=True))
    if len(recent) >= limit:
        oldest = sorted(recent)[-limit]
        wait = int((oldest - since).total_seconds()) + 1
        raise PostingTooFast(max(wait, 1))


def _mentions(community: CommunityPage, text: str) -> dict[str, "User"]:
    handles = mention_handles(text)
    if not handles:
        return {}
    members = User.objects.filter(
        member_filter("community_memberships__"), community_memberships__community=community
    ).select_related("profile")
    found = {}
    for member in members:
        handle = user_handle(member)
        if handle in handles:
            found[handle] = member
    return found


def _mention_shown(user) -> tuple[str, str]:
    """A mentioned person's (name, profile URL): by name only, never str(user) (their email).

    The post's HTML is stored once for every reader, so it links only to what any reader may
    open: the profile page of an active person who has one (search's /people/<handle>/).
    """
    profile = getattr(user, "profile", None)
    url = ""
    if user.is_active and profile is not None and profile.handle:
        url = reverse("search:person_detail", kwargs={"handle": profile.handle})
    return person_shown(person=user, viewer=None).name, url


def _render(community, text: str) -> tuple[str, dict]:
    mentioned = _mentions(community, text)
    html = render_markdown(text, mentions={handle: _mention_shown(user) for handle, user in mentioned.items()})
    return html, mentioned


def _notify_mentions(*, mentioned: dict, author, thread: Thread, reply: Reply | None = None, url: str):
    for user in mentioned.values():
        if user.pk != author.pk:
            notification_create(
                recipient=user,
                community=thread.community,
                kind=NotificationKind.MENTION,
                thread=thread,
                reply=reply,
                url=url,
            )


def _email_immediate(*, community, exclude_user_id: int, subject: str, context: dict):
    """Email members who asked for immediate email, after commit."""
    memberships = list(
        Membership.objects.filter(member_filter(), community=community, email_frequency=Frequency.IMMEDIATE)
        .exclude(user_id=exclude_user_id)
        .select_related("user", "community")
    )
    messages = [
        emails.community_email(
            membership=membership,
            subject=subject,
            template="communities/email/new_post.txt",
            context=context,
        )
        for membership in memberships
    ]
    if messages:

        def send():
            from django.core.mail import get_connection

            get_connection().send_messages(messages)

        transaction.on_commit(send)


@transaction.atomic
def thread_create(*, community: CommunityPage, author, title: str, body: str, tags: list[str] = ()) -> Thread:
    """Start a thread; members see it live and those who want it immediately get email."""
    _require(
        community_access(community=community, user=author).can_post,
        "Only members who are not suspended can post here.",
    )
    _check_rate(author)
    html, mentioned = _render(community, body)
    thread = Thread.objects.create(community=community, author=author, title=title, body=body, body_html=html)
    if tags:
        thread.tags.set(list(tags))
    events.event_record(
        type=events.THREAD_CREATED,
        subject=thread,
    )
    _notify_mentions(mentioned=mentioned, author=author, thread=thread, url=thread.get_absolute_url())
    _email_immediate(
        community=community,
        exclude_user_id=author.pk,
        subject=f"New thread: {title}",
        context={
            "author": author,
            "title": title,
            "body": body,
            "url": emails.absolute(thread.get_absolute_url()),
        },
    )
    return thread


@transaction.atomic
def thread_edit(*, thread: Thread, editor, title: str, body: str) -> Thread:
    """The author edits their thread; it is marked as edited."""
    _require(thread.author_id == editor.pk and thread.is_visible)
    thread.title = title
    thread.body = body
    thread.body_html, _ = _render(thread.community, body)
    thread.edited_at = timezone.now()
    thread.save(update_fields=["title", "body", "body_html", "edited_at"])
    events.event_record(
        type=events.THREAD_UPDATED,
        subject=thread,
    )
    return thread


@transaction.atomic
def thread_set_flags(*, thread: Thread, actor, pinned: bool | None = None, locked: bool | None = None) -> Thread:
    """Pin or lock a thread (moderators and facilitators)."""
    _require(community_access(community=thread.community, user=actor).can_moderate)
    changes = []
    if pinned is not None and pinned != thread.is_pinned:
        thread.is_pinned = pinned
        changes.append("pinned" if pinned else "unpinned")
    if locked is not None and locked != thread.is_locked:
        thread.is_locked = locked
        changes.append("locked" if locked else "unlocked")
    if changes:
        thread.save(update_fields=["is_pinned", "is_locked"])
        for change in changes:
            _audit(
                community_id=thread.community_id,
                actor=actor,
                action=f"thread {change}",
                target=thread.title,
            )
        events.event_record(
            type=events.THREAD_UPDATED,
            subject=thread,
        )
    return thread


@transaction.atomic
def reply_create(*, thread: Thread, author, body: str, quote: Reply | None = None):
    """Reply in a thread; the thread's author and anyone mentioned are notified."""
    community = thread.community
    _require(
        community_access(community=community, user=author).can_post,
        "Only members who are not suspended can reply here.",
    )
    if thread.is_locked or not thread.is_visible:
        raise ValidationError("This thread is locked: no new replies can be added.")
    if quote is not None and quote.thread_id != thread.pk:
        quote = None
    _check_rate(author)
    html, mentioned = _render(community, body)
    now = timezone.now()
    reply = Reply.objects.create(
        thread=thread,
        author=author,
        body=body,
        body_html=html,
        quote=quote,
        created_at=now,
    )
    Thread.objects.filter(pk=thread.pk).update(reply_count=F("reply_count") + 1, last_activity_at=now)
    events.event_record(
        type=events.REPLY_CREATED,
        subject=reply,
    )
    url = f"{thread.get_absolute_url()}?page=last#reply-{reply.pk}"
    _notify_mentions(mentioned=mentioned, author=author, thread=thread, reply=reply, url=url)
    if thread.author_id and thread.author_id != author.pk and thread.author not in mentioned.values():
        notification_create(
            recipient=thread.author,
            community=community,
            kind=NotificationKind.REPLY,
            thread=thread,
            reply=reply,
            url=url,
        )
    _email_immediate(
        community=community,
        exclude_user_id=author.pk,
        subject=f"New reply to {thread.title}",
        context={
            "author": author,
            "title": thread.title,
            "body": body,
            "url": emails.absolute(url),
        },
    )
    return reply


@transaction.atomic
def reply_edit(*, reply: Reply, editor, body: str) -> Reply:
    """The author edits their reply; it is marked as edited for everyone."""
    _require(reply.author_id == editor.pk and reply.is_visible)
    _require(
        community_access(community=reply.thread.community, user=editor).can_post,
        "Suspended members cannot edit.",
    )
    reply.body = body
    reply.body_html, _ = _render(reply.thread.community, body)
    reply.edited_at = timezone.now()
    reply.save(update_fields=["body", "body_html", "edited_at"])
    events.event_record(
        type=events.REPLY_UPDATED,
        subject=reply,
    )
    return reply


@transaction.atomic
def reply_delete(*, reply: Reply, actor) -> Reply:
    """The author deletes their own reply; a placeholder keeps the thread readable."""
    _require(reply.author_id == actor.pk and reply.is_visible)
    reply.state = PostState.DELETED
    reply.save(update_fields=["state"])
    events.event_record(
        type=events.REPLY_UPDATED,
        subject=reply,
    )
    return reply


# --- Moderation ---------------------------------------------------------------------------


@transaction.atomic
def report_create(*, reporter, thread: Thread, reply: Reply | None, reason: str):
    """Any member reports a thread or reply; it lands in the community's queue."""
    _require(community_access(community=thread.community, user=reporter).is_member)
    return Report.objects.create(
        community_id=thread.community_id,
        thread=thread,
        reply=reply,
        reporter=reporter,
        reason=reason,
    )


MODERATION_ACTIONS = ("hide", "remove", "lock", "dismiss")


@transaction.atomic
def report_resolve(*, report: Report, actor, action: str, reason: str = "") -> Report:
    """Act on a report: hide or remove the post, lock the thread, or dismiss the report."""
    _require(community_access(community=report.thread.community, user=actor).can_moderate)
    if action not in MODERATION_ACTIONS:
        raise ValidationError(f"Unknown moderation action {action!r}.")
    if action == "remove" and not reason.strip():
        raise ValidationError("Give a reason: the author will see it.")
    if action == "lock":
        thread_set_flags(thread=report.thread, actor=actor, locked=True)
    elif action in ("hide", "remove"):
        post_moderate(
            target=report.reply or report.thread,
            actor=actor,
            state=PostState.HIDDEN if action == "hide" else PostState.REMOVED,
            reason=reason,
        )
    else:
        _audit(
            community_id=report.community_id,
            actor=actor,
            action="report dismissed",
            target=_describe(report.reply or report.thread),
            reason=reason,
        )
    Report.objects.filter(thread=report.thread, reply=report.reply, state=ReportState.OPEN).update(
        state=ReportState.DISMISSED if action == "dismiss" else ReportState.ACTIONED,
        resolved_at=timezone.now(),
        resolved_by=actor,
    )
    report.refresh_from_db()
    return report


def _describe(target) -> str:
    if isinstance(target, Reply):
        return f"reply by {target.author} in “{target.thread.title}”"
    return f"thread “{target.title}” by {target.author}"


# What the audit log calls each moderation step.
MODERATION_AUDIT = {PostState.HIDDEN: "hidden", PostState.REMOVED: "removed", PostState.VISIBLE: "restored"}
# What a moderator may decide about a post hidden while they looked into it.
HIDDEN_DECISIONS = {"restore": PostState.VISIBLE, "remove": PostState.REMOVED}


@transaction.atomic
def post_moderate(*, target, actor, state: str, reason: str = "") -> None:
    """Hide, remove or restore a thread or reply; the author of a removed post is told why."""
    thread = target.thread if isinstance(target, Reply) else target
    community = thread.community
    _require(community_access(community=community, user=actor).can_moderate)
    target.state = state
    # A restored post keeps no reason: the placeholder and reason are shown only while hidden.
    target.removal_reason = "" if state == PostState.VISIBLE else reason
    target.save(update_fields=["state", "removal_reason"])
    _audit(
        community_id=community.pk,
        actor=actor,
        action=MODERATION_AUDIT[state],
        target=_describe(target),
        reason=reason,
    )
    events.event_record(
        type=events.REPLY_UPDATED if isinstance(target, Reply) else events.THREAD_UPDATED, subject=target
    )
    if target.author_id and state == PostState.REMOVED:
        notification_create(
            recipient=target.author,
            community=community,
            kind=NotificationKind.MODERATION,
            thread=thread,
            reply=target if isinstance(target, Reply) else None,
            text=reason[:300],
            url=thread.get_absolute_url(),
        )


@transaction.atomic
def hidden_post_decide(*, target, actor, action: str, reason: str = "") -> None:
    """Decide about a post hidden while a moderator looked into it: restore it, or remove it.

    The post is locked first, so two moderators deciding at once cannot both act: the second
    finds it no longer hidden and is refused.
    """
    if action not in HIDDEN_DECISIONS:
        raise ValidationError(f"Unknown decision {action!r}.")
    if action == "remove" and not reason.strip():
        raise ValidationError("Give a reason: the author will see it.")
    locked = type(target).objects.select_for_update().filter(pk=target.pk).values_list("state", flat=True).first()
    if locked != PostState.HIDDEN:
        raise ValidationError("Someone has already decided about this post.")
    post_moderate(target=target, actor=actor, state=HIDDEN_DECISIONS[action], reason=reason)


# --- Live event log -------------------------------------------------------------------------


def event_log_prune() -> int:
    """Prune every community's event log to its window; returns how many logs were looked at.

    Each community's log head is locked in a transaction of its own, as a writer would lock it,
    so pruning never races a writer and never holds more than one community at a time.
    """
    community_ids = list(CommunityLogHead.objects.values_list("community_id", flat=True))
    for community_id in community_ids:
        with transaction.atomic():
            head = CommunityLogHead.objects.select_for_update().filter(community_id=community_id).first()
            if head is not None:
                events.log_prune(community_id=community_id, last_seq=head.last_seq)
    return len(community_ids)


# --- Presence -----------------------------------------------------------------------------


def presence_add(*, channel_name: str, community_id: int, user_id: int | None, worker: str) -> None:
    """Record a live connection to a community page, held by the worker process `worker`."""
    worker_id = LiveWorker.objects.update_or_create(name=worker, defaults={"last_seen": timezone.now()})[0].pk
    Presence.objects.update_or_create(
        channel_name=channel_name,
        defaults={"community_id": community_id, "user_id": user_id, "worker_id": worker_id},
    )


def presence_remove(*, channel_name: str) -> None:
    Presence.objects.filter(channel_name=channel_name).delete()


def presence_heartbeat(*, worker: str, expiry_seconds: int = PRESENCE_EXPIRY_SECONDS) -> set[int]:
    """The worker `worker` is alive; workers that have not said so within `expiry_seconds` are gone.

    A gone worker (one that crashed without closing its connections) is deleted with its
    presence rows. Returns the communities whose presence changed by that.
    """
    now = timezone.now()
    if not LiveWorker.objects.filter(name=worker).update(last_seen=now):
        LiveWorker.objects.get_or_create(name=worker, defaults={"last_seen": now})
    dead = LiveWorker.objects.filter(last_seen__lt=now - datetime.timedelta(seconds=expiry_seconds))
    community_ids = set(Presence.objects.filter(worker__in=dead).values_list("community_id", flat=True).distinct())
    dead.delete()
    return community_ids


# --- Notifications ------------------------------------------------------------------------


def notification_create(
    *,
    recipient,
    community,
    kind: str,
    url: str,
    text: str = "",
    thread: Thread | None = None,
    reply: Reply | None = None,
    force: bool = False,
) -> Notification | None:
    """Add to someone's notification centre and push it live, if they may read the community.

    A notification about a post names its `thread` (and `reply`): it is worded from them when
    shown (`Notification.message`), so it never keeps a title or text that has since changed.
    `text` is for what no post says (requests, decisions, a moderator's reason).
    `force` is for decisions about the recipient's own membership, which they are told about
    even though they cannot (yet, or any longer) read the community.
    """
    if not force and not community_access(community=community, user=recipient).is_member:
        return None
    notification = Notification.objects.create(
        recipient=recipient, community=community, kind=kind, text=text, url=url, thread=thread, reply=reply
    )
    _push_to_person(
        recipient_id=recipient.pk,
        type=events.NOTIFICATION_CREATED,
        payload={"id": notification.pk, "text": notification.message, "url": url},
    )
    return notification


def _push_to_person(*, recipient_id: int, type: str, payload: dict) -> None:
    """After commit, tell the person's open tabs, with their unread count as it is then.

    The count ("badge") is what the header's Notifications link shows
    (home.extensions.Link.badge_live); it is counted after commit, from a fresh copy of the
    person, so it is the number a reload would show.
    """

    def send() -> None:
        recipient = get_user_model().objects.filter(pk=recipient_id).first()
        if recipient is None:
            return
        message = {"type": type, "payload": payload, "badge": notification_unread_count(user=recipient)}
        events.broadcast(events.user_group(recipient_id), message)

    transaction.on_commit(send)


@transaction.atomic
def notifications_mark_read(*, user, ids: list[int] | None = None) -> int:
    queryset = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        queryset = queryset.filter(pk__in=ids)
    marked = queryset.update(read_at=timezone.now())
    if marked:
        _push_to_person(recipient_id=user.pk, type=events.NOTIFICATIONS_READ, payload={"read": marked})
    return marked


# --- Email preferences and digests ---------------------------------------------------------


@transaction.atomic
def membership_unsubscribe(*, token: str) -> Membership | None:
    """One-click unsubscribe: the signed token names exactly one membership."""
    membership_id = emails.membership_id_from_token(token)
    if membership_id is None:
        return None
    membership = Membership.objects.select_related("community", "user").filter(pk=membership_id).first()
    if membership is not None:
        membership.email_frequency = Frequency.NONE
        membership.save(update_fields=["email_frequency", "updated_at"])
    return membership


def digest_period(*, frequency: str, now: datetime.datetime) -> tuple[str, datetime.datetime]:
    """The period a digest run at `now` belongs to and when it starts (local time)."""
    local = timezone.localtime(now)
    day_start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    if frequency == Frequency.DAILY:
        return local.date().isoformat(), day_start - datetime.timedelta(days=1)
    year, week, _ = local.isocalendar()
    week_start = day_start - datetime.timedelta(days=local.weekday())
    return f"{year}-W{week:02d}", week_start - datetime.timedelta(days=7)


@dataclass
class DigestResult:
    sent: int = 0
    skipped_already_sent: int = 0
    skipped_nothing_new: int = 0


def digest_send(*, frequency: str, now: datetime.datetime | None = None) -> DigestResult:
    """Send this period's digests to members who chose `frequency`. Safe to run again.

    Each (membership, period) gets at most one email: the DigestSent row is created in the
    same transaction that queues the email, under a unique constraint.
    """
    from communities.selectors import digest_content

    now = now or timezone.now()
    period, default_since = digest_period(frequency=frequency, now=now)
    result = DigestResult()
    memberships = (
        Membership.objects.filter(member_filter(), email_frequency=frequency)
        .select_related("user", "community")
        .order_by("pk")
    )
    for membership in memberships:
        if DigestSent.objects.filter(membership=membership, frequency=frequency, period=period).exists():
            result.skipped_already_sent += 1
            continue
        last = (
            DigestSent.objects.filter(membership=membership)
            .order_by("-covered_until")
            .values_list("covered_until", flat=True)
            .first()
        )
        since = max(last or default_since, membership.created_at)
        threads, replies = digest_content(membership=membership, since=since, until=now)
        if not threads and not replies:
            result.skipped_nothing_new += 1
            continue
        for thread in threads:
            thread.link = emails.absolute(thread.get_absolute_url())
        for reply in replies:
            reply.link = emails.absolute(f"{reply.thread.get_absolute_url()}#reply-{reply.pk}")
        try:
            with transaction.atomic():
                DigestSent.objects.create(
                    membership=membership,
                    frequency=frequency,
                    period=period,
                    covered_until=now,
                    thread_count=len(threads),
                    reply_count=len(replies),
                )
                message = emails.community_email(
                    membership=membership,
                    subject=f"{Frequency(frequency).label} for {period}",
                    template="communities/email/digest.txt",
                    context={
                        "threads": threads,
                        "replies": replies,
                        "period": period,
                    },
                )
                transaction.on_commit(message.send)
        except IntegrityError:
            # Another run got there first: that one sends it.
            result.skipped_already_sent += 1
            continue
        result.sent += 1
    return result


# --- Library ------------------------------------------------------------------------------

LIBRARY_EXTENSIONS = {"pdf", "docx", "xlsx", "pptx", "odt", "ods", "csv", "txt"}
LIBRARY_MAX_BYTES = 10 * 1024 * 1024


@transaction.atomic
def library_file_add(*, community: CommunityPage, actor, title: str, upload, folder_name: str = "") -> LibraryFile:
    """Add a document to a community's library (members only; type and size checked)."""
    _require(community_access(community=community, user=actor).can_post)
    extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    if extension not in LIBRARY_EXTENSIONS:
        raise ValidationError("The file must be a " + ", ".join(sorted(e.upper() for e in LIBRARY_EXTENSIONS)))
    if upload.size > LIBRARY_MAX_BYTES:
        raise ValidationError("The file must be smaller than 10MB.")
    folder = None
    if folder_name.strip():
        folder, _ = LibraryFolder.objects.get_or_create(community=community, name=folder_name.strip())
    document = LibraryFile.objects.create(
        community=community,
        folder=folder,
        title=title,
        file=upload,
        original_name=upload.name[-255:],
        size=upload.size,
        uploaded_by=actor,
    )
    # Read once the file is stored for good: a rolled-back upload is never read or indexed.
    transaction.on_commit(lambda: library_file_text_extract(file_id=document.pk))
    return document


def library_file_text_extract(*, file_id: int) -> bool:
    """Store the words of a library file for site search (communities.search.document_text).

    Run after the file is committed, once per upload; the saved text reaches the search index
    through the model's index. Returns False if the file was removed meanwhile.
    """
    from communities.search import document_text

    document = LibraryFile.objects.filter(pk=file_id).first()
    if document is None:
        return False
    extension = document.original_name.rsplit(".", 1)[-1] if "." in document.original_name else ""
    try:
        with document.file.open("rb") as stream:
            document.text = document_text(stream, extension=extension)
    except FileNotFoundError:
        return False  # removed after we read its row: its bytes go with it
    document.save(update_fields=["text"])
    return True


@transaction.atomic
def library_file_remove(*, file: LibraryFile, actor, reason: str = "") -> None:
    """Take a document out of a community's library: its uploader, or a moderator, may.

    Removed means removed: the row is deleted (nothing lists or serves a file that is not
    there) and the stored bytes are deleted once the deletion is committed, so a rolled-back
    removal never loses a file that is still listed. The audit entry, which facilitators
    alone read, names what was removed.
    """
    community = file.community
    access = community_access(community=community, user=actor)
    _require(can_remove_library_file(access=access, document=file, user=actor))
    _audit(
        community_id=community.pk,
        actor=actor,
        action="removed",
        target=f"library file “{file.title}” by {file.uploaded_by or 'a former member'}",
        reason=reason,
    )
    storage, name = file.file.storage, file.file.name
    file.delete()
    transaction.on_commit(lambda: storage.delete(name))
