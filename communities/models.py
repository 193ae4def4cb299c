"""Communities of practice: pages, memberships, discussion, moderation and notifications.

Who may see what is decided in one place, `communities.permissions.community_access`; every
route into community content (pages, threads, files, feeds, notifications, emails and
WebSockets) asks it. Writes go through `communities.services`.
"""

import uuid

from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format

from wagtail.admin.panels import FieldPanel
from wagtail.models import Page
from wagtail.search import index

from accounts.selectors import person_shown
from home.mixins import SectionIndexPage


class CommunityIndexPage(SectionIndexPage):
    """The directory of communities at /communities/."""

    template = "communities/community_index_page.html"
    subpage_types = ["communities.CommunityPage"]

    def get_context(self, request, *args, **kwargs):
        from communities.forms import DirectoryFilterForm
        from communities.selectors import community_directory

        context = super().get_context(request, *args, **kwargs)
        form = DirectoryFilterForm(request.GET or None)
        filters = form.cleaned_data if form.is_valid() else {}
        context["filter_form"] = form
        context["communities"] = community_directory(
            user=request.user,
            query=filters.get("q", ""),
            topic=filters.get("topic", ""),
            colleagues=bool(filters.get("colleagues")),
            page_number=request.GET.get("page", 1),
        )
        return context


class Access(models.TextChoices):
    OPEN = "open", "Open"
    RESTRICTED = "restricted", "Restricted"
    PRIVATE = "private", "Private"


ACCESS_HINTS = {
    Access.OPEN: "Anyone signed in can join.",
    Access.RESTRICTED: "A facilitator approves requests to join.",
    Access.PRIVATE: "By invitation only.",
}


class LibraryAccess(models.TextChoices):
    """Who may open a community's library (list, download, find its files in site search)."""

    READERS = "readers", "Everyone who can read the discussions"
    MEMBERS = "members", "Members only"


class Topic(models.TextChoices):
    HOUSING = "housing", "Housing and homelessness"
    SOCIAL_CARE = "social_care", "Adult social care"
    CHILDREN = "children", "Children and young people"
    FINANCE = "finance", "Finance and revenues"
    DIGITAL = "digital", "Digital and data"
    CLIMATE = "climate", "Climate and environment"
    PLANNING = "planning", "Planning and regeneration"
    HEALTH = "health", "Public health"
    SAFETY = "safety", "Community safety"
    WORKFORCE = "workforce", "Workforce and leadership"
    GOVERNANCE = "governance", "Governance and democracy"


class CommunityPage(Page):
    """One community of practice: description, rules, facilitators and its discussion.

    Private communities are invisible to anyone who cannot read them: `serve` answers 404,
    they are never added to the search index, and every listing goes through the selectors.
    """

    summary = models.CharField(max_length=300, help_text="One or two sentences shown in the directory.")
    description = models.TextField(blank=True, help_text="What the community is for (markdown).")
    rules = models.TextField(blank=True, help_text="How members are expected to behave (markdown).")
    access = models.CharField(max_length=16, choices=Access.choices, default=Access.OPEN, db_index=True)
    topic = models.CharField(max_length=32, choices=Topic.choices, blank=True, db_index=True)
    # Today's behaviour by default: in an open community anyone, signed in or not, downloads
    # the library's files; facilitators may keep them to members (the settings page says which).
    library_access = models.CharField(
        max_length=16,
        choices=LibraryAccess.choices,
        default=LibraryAccess.READERS,
        help_text="In an open community, “everyone who can read” means anyone, without signing in.",
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("description"),
        FieldPanel("rules"),
        FieldPanel("access"),
        FieldPanel("topic"),
        FieldPanel("library_access"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("description"),
        index.FilterField("access"),
    ]
    parent_page_types = ["communities.CommunityIndexPage"]
    subpage_types: list[str] = []
    template = "communities/community_page.html"

    @classmethod
    def get_indexed_objects(cls):
        # Private communities never enter the search index, whoever searches.
        return super().get_indexed_objects().exclude(access=Access.PRIVATE)

    @property
    def access_hint(self) -> str:
        return ACCESS_HINTS[self.access]

    def serve(self, request, *args, **kwargs):
        from communities.permissions import community_access

        access = community_access(community=self, user=request.user)
        if not access.can_see_page:
            raise Http404
        request.community_access = access
        return super().serve(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        from communities.permissions import community_access
        from communities.selectors import community_page_context

        context = super().get_context(request, *args, **kwargs)
        access = getattr(request, "community_access", None) or community_access(community=self, user=request.user)
        context.update(
            community_page_context(
                community=self,
                access=access,
                user=request.user,
                page_number=request.GET.get("page", 1),
            )
        )
        return context


class Role(models.TextChoices):
    MEMBER = "member", "Member"
    MODERATOR = "moderator", "Moderator"
    FACILITATOR = "facilitator", "Facilitator"


class State(models.TextChoices):
    PENDING = "pending", "Request pending"
    ACTIVE = "active", "Active"
    SUSPENDED = "suspended", "Suspended"
    REFUSED = "refused", "Request refused"
    REMOVED = "removed", "Removed"
    LEFT = "left", "Left"


# Which states each membership change may start from (None: no membership yet). Anything else
# is refused, so no change can skip a step: a pending request is never suspended into
# membership, and a suspension or removal is never lifted by leaving, rejoining, asking again
# or accepting an invitation. A suspension whose end has passed counts as ACTIVE
# (`Membership.standing`).
MEMBERSHIP_TRANSITIONS: dict[str, frozenset] = {
    "join": frozenset({None, State.REFUSED, State.LEFT}),
    "request": frozenset({None, State.REFUSED, State.LEFT}),
    "decide": frozenset({State.PENDING}),
    # An invitation is a facilitator's decision: it answers a pending request or a refusal,
    # and is simply used up by someone already active.
    "accept_invitation": frozenset({None, State.PENDING, State.REFUSED, State.LEFT, State.ACTIVE}),
    "suspend": frozenset({State.ACTIVE}),
    "remove": frozenset({State.ACTIVE, State.SUSPENDED}),
    "set_role": frozenset({State.ACTIVE, State.SUSPENDED}),
    # A suspended member stays until the suspension ends: leaving and rejoining would lift it.
    "leave": frozenset({State.ACTIVE}),
}


def member_filter(prefix: str = "") -> models.Q:
    """Memberships that count as members now (read, post, get notified): `Membership.is_member`.

    `prefix` reaches memberships through a relation ("memberships__", "community_memberships__").
    """
    return models.Q(**{f"{prefix}state": State.ACTIVE}) | models.Q(
        **{f"{prefix}state": State.SUSPENDED, f"{prefix}suspended_until__lte": timezone.now()}
    )


class Frequency(models.TextChoices):
    IMMEDIATE = "immediate", "Immediately"
    DAILY = "daily", "Daily digest"
    WEEKLY = "weekly", "Weekly digest"
    NONE = "none", "No emails"


class Membership(models.Model):
    """A person's place in a community: role, state, and how often they want email.

    Only active members are members: a suspended member reads only what a non-member reads
    (in an open community, what anyone reads) and cannot post until `suspended_until` (no end:
    until lifted); pending, removed, refused and departed people have no access at all. Every
    change of state goes through `communities.services`, checked against
    MEMBERSHIP_TRANSITIONS.
    """

    community = models.ForeignKey(CommunityPage, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="community_memberships",
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MEMBER)
    state = models.CharField(max_length=16, choices=State.choices, default=State.ACTIVE, db_index=True)
    suspended_until = models.DateTimeField(null=True, blank=True)
    email_frequency = models.CharField(max_length=16, choices=Frequency.choices, default=Frequency.DAILY)
    request_message = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["community", "user"], name="one_membership_per_person")]
        indexes = [models.Index(fields=["user", "state"])]

    def __str__(self) -> str:
        return f"{self.user} in {self.community_id} ({self.role}, {self.state})"

    @property
    def standing(self) -> str:
        """The state in force now: a suspension whose end has passed is ACTIVE again."""
        if (
            self.state == State.SUSPENDED
            and self.suspended_until is not None
            and self.suspended_until <= timezone.now()
        ):
            return State.ACTIVE
        return self.state

    @property
    def is_suspended(self) -> bool:
        return self.standing == State.SUSPENDED

    @property
    def suspension_ends(self) -> str:
        """When the suspension ends, in words: "until 9 December 2026", or until it is lifted."""
        if self.suspended_until is None:
            return "until a facilitator lifts the suspension"
        return "until " + date_format(timezone.localtime(self.suspended_until), "j F Y")

    @property
    def is_member(self) -> bool:
        """Counts as a member (reads, posts, is notified): active, the same rule as `member_filter`."""
        return self.standing == State.ACTIVE


def membership_may(membership: Membership | None, change: str) -> bool:
    """Whether `change` (a MEMBERSHIP_TRANSITIONS key) may start from `membership` (None: none yet)."""
    return (membership.standing if membership is not None else None) in MEMBERSHIP_TRANSITIONS[change]


class Invitation(models.Model):
    """An emailed invitation to join, possibly to someone not yet registered."""

    community = models.ForeignKey(CommunityPage, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Invitation for {self.email} to {self.community_id}"


class PostState(models.TextChoices):
    VISIBLE = "visible", "Visible"
    HIDDEN = "hidden", "Hidden by a moderator"
    REMOVED = "removed", "Removed by a moderator"
    DELETED = "deleted", "Deleted by its author"


class TaggedThread(TaggedItemBase):
    """Through model for thread tags."""

    content_object = models.ForeignKey("communities.Thread", on_delete=models.CASCADE, related_name="tagged_items")


class Thread(models.Model):
    """A discussion in a community: a title, an opening post and its replies."""

    community = models.ForeignKey(CommunityPage, on_delete=models.CASCADE, related_name="threads")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    title = models.CharField(max_length=200)
    body = models.TextField()
    body_html = models.TextField(editable=False)
    tags = TaggableManager(through=TaggedThread, blank=True)
    is_pinned = models.BooleanField(default=False)
    is_locked = models.BooleanField(default=False)
    state = models.CharField(max_length=16, choices=PostState.choices, default=PostState.VISIBLE)
    removal_reason = models.TextField(blank=True)
    reply_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    last_activity_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-is_pinned", "-last_activity_at"]
        indexes = [models.Index(fields=["community", "-is_pinned", "-last_activity_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse(
            "communities:thread",
            kwargs={"slug": self.community.slug, "thread_id": self.pk},
        )

    @property
    def is_visible(self) -> bool:
        return self.state == PostState.VISIBLE


class Reply(models.Model):
    """A reply in a thread; may quote an earlier reply. Removal leaves a placeholder."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    body = models.TextField()
    body_html = models.TextField(editable=False)
    quote = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    state = models.CharField(max_length=16, choices=PostState.choices, default=PostState.VISIBLE)
    removal_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name_plural = "replies"

    def __str__(self) -> str:
        return f"Reply {self.pk} in {self.thread_id}"

    @property
    def is_visible(self) -> bool:
        return self.state == PostState.VISIBLE

    @property
    def placeholder(self) -> str:
        # Not cached: a moderator's change of `state` must change what the same object says.
        return REMOVAL_PLACEHOLDERS.get(self.state, "")


REMOVAL_PLACEHOLDERS = {
    PostState.HIDDEN: "This reply is hidden while moderators review it.",
    PostState.REMOVED: "Reply removed by a moderator.",
    PostState.DELETED: "Reply deleted by its author.",
}


class CommunityEvent(models.Model):
    """The community's event log: which thread or reply changed, in order, for catch-up.

    `seq` numbers a community's events 1, 2, 3, ... in commit order: it is taken from the
    community's `CommunityLogHead` row, which the writing transaction holds locked until it
    commits, so an event with a higher number can never become visible before a lower one.
    A client that reconnects says the last number it saw and is sent every later event once
    (catch-up without gaps or duplicates). Database ids give no such promise on PostgreSQL,
    where concurrent transactions can commit out of id order.

    `payload` names the event's subject ({"thread_id": ..., "reply_id": ...}) and holds no
    content: catch-up renders each subject as it is now, so a removal, hide, deletion or
    edit is replayed as what the pages show, and nothing removed stays stored here. The log
    is a window for reconnecting, not history: `communities.events.log_prune` keeps the
    newest COMMUNITIES_EVENT_LOG_MAX_EVENTS events no older than COMMUNITIES_EVENT_LOG_MAX_AGE.
    """

    community = models.ForeignKey(CommunityPage, on_delete=models.CASCADE, related_name="events")
    seq = models.PositiveBigIntegerField()
    type = models.CharField(max_length=64)
    payload = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["community", "seq"], name="one_event_per_community_seq")]
        indexes = [models.Index(fields=["community", "created_at"], name="community_event_age")]

    def __str__(self) -> str:
        return f"{self.type} #{self.seq}"


class CommunityLogHead(models.Model):
    """The last sequence number given out in a community's event log.

    A row of its own rather than a field on the page: Wagtail revisions copy page fields, and
    publishing an old revision must never wind the counter back.
    """

    community = models.OneToOneField(CommunityPage, on_delete=models.CASCADE, primary_key=True, related_name="+")
    last_seq = models.PositiveBigIntegerField(default=0)
    # Events numbered up to this one have been pruned: a client that saw less must reload.
    pruned_through = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.community_id} at {self.last_seq}"


# A worker that has not said it is alive for this long has died: its connections no longer count.
PRESENCE_EXPIRY_SECONDS = 45


class LiveWorker(models.Model):
    """A server process holding live connections; it refreshes `last_seen` while it runs.

    Presence rows belong to a worker, so a worker that crashes without closing its connections
    stops counting once it is stale, and deleting it deletes its rows.
    """

    name = models.CharField(max_length=64, unique=True)
    last_seen = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return self.name


class Presence(models.Model):
    """A live connection to a community page, for "N members here now" across processes."""

    channel_name = models.CharField(max_length=255, unique=True)
    community = models.ForeignKey(CommunityPage, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, related_name="+")
    worker = models.ForeignKey(LiveWorker, on_delete=models.CASCADE, null=True, related_name="connections")
    connected_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.channel_name


class NotificationKind(models.TextChoices):
    MENTION = "mention", "Mention"
    REPLY = "reply", "Reply to your thread"
    JOIN_REQUEST = "join_request", "Join request"
    DECISION = "decision", "Decision on your request"
    MODERATION = "moderation", "Moderation"


class Notification(models.Model):
    """An entry in someone's notification centre.

    A notification about a post (a mention, a reply, a removal) refers to its thread and reply
    and is worded from them when shown (`message`), never from a copy: a retitled thread is
    named by its new title, and `communities.selectors.notification_list` leaves out those
    whose thread or reply is no longer shown. `text` holds only what no post can say: the words
    of a request or decision, or a moderator's reason for a removal.
    """

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=32, choices=NotificationKind.choices)
    community = models.ForeignKey(CommunityPage, on_delete=models.CASCADE, related_name="+")
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    reply = models.ForeignKey(Reply, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    text = models.CharField(max_length=300, blank=True)
    url = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.message

    @property
    def message(self) -> str:
        """What the notification says, worded from its thread and reply as they are now."""
        if self.thread_id is None:
            return self.text
        title = f"“{self.thread.title}”"
        if self.kind == NotificationKind.MODERATION:
            return f"A moderator removed your post in {title}: {self.text}"
        post = self.reply if self.reply_id else self.thread
        # By name only, never str(user): that is the email address of someone without a name.
        who = person_shown(person=post.author, viewer=None).name
        if self.kind == NotificationKind.REPLY:
            return f"{who} replied to {title}"
        return f"{who} mentioned you in {'a reply to ' if self.reply_id else ''}{title}"


class DigestSent(models.Model):
    """One digest email per membership per period: the unique key makes the command idempotent."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="digests")
    frequency = models.CharField(max_length=16, choices=Frequency.choices)
    period = models.CharField(max_length=16, help_text="2026-11-26 or 2026-W48")
    covered_until = models.DateTimeField()
    thread_count = models.PositiveIntegerField(default=0)
    reply_count = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "frequency", "period"],
                name="one_digest_per_period",
            )
        ]

    def __str__(self) -> str:
        return f"{self.frequency} digest {self.period} for {self.membership_id}"


class ReportState(models.TextChoices):
    OPEN = "open", "Open"
    ACTIONED = "actioned", "Actioned"
    DISMISSED = "dismissed", "Dismissed"


class Report(models.Model):
    """A member's report of a thread or reply, waiting in the community's moderation queue."""

    community = models.ForeignKey(CommunityPage, on_delete=models.CASCADE, related_name="reports")
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="+")
    reply = models.ForeignKey(Reply, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    reason = models.TextField()
    state = models.CharField(max_length=16, choices=ReportState.choices, default=ReportState.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"Report {self.pk}"

    @property
    def target(self):
        return self.reply or self.thread


class AuditEntry(models.Model):
    """One moderation or membership action, readable by the community's facilitators."""

    community = models.ForeignKey(CommunityPage, on_delete=models.CASCADE, related_name="audit_entries")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    action = models.CharField(max_length=64)
    target = models.CharField(max_length=300)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.action}: {self.target}"


def _library_storage():
    # Outside MEDIA_ROOT: nothing here is ever served by a public URL, only by the
    # permission-checked download view.
    return FileSystemStorage(
        location=getattr(
            settings,
            "COMMUNITIES_PRIVATE_ROOT",
            settings.BASE_DIR / "var" / "community-library",
        )
    )


def _library_path(instance, filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    return f"{instance.community_id}/{uuid.uuid4().hex}.{extension}"


class LibraryFolder(models.Model):
    """A folder in a community's document library."""

    community = models.ForeignKey(CommunityPage, on_delete=models.CASCADE, related_name="folders")
    name = models.CharField(max_length=120)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class LibraryFile(index.Indexed, models.Model):
    """A document shared in a community's library; served only through a checked view.

    Site search finds it by title and by `text`, the words of a PDF or Word file read once
    when it is added (`services.library_file_text_extract`, after commit), never at query
    time. The community is a filter field so that search can keep a file to the people who
    may read its community's library, inside the query.
    """

    community = models.ForeignKey(CommunityPage, on_delete=models.CASCADE, related_name="files")
    folder = models.ForeignKey(
        LibraryFolder,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="files",
    )
    title = models.CharField(max_length=200)
    file = models.FileField(storage=_library_storage, upload_to=_library_path)
    original_name = models.CharField(max_length=255)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # Empty for formats no extractor reads (they are found by title) and until extraction ran.
    text = models.TextField(blank=True, default="", editable=False)

    search_fields = [
        index.SearchField("title", boost=3),
        index.AutocompleteField("title"),
        index.SearchField("text"),
        index.FilterField("community"),
    ]

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title
