"""Who may do what in a community: the one rule every route into community content asks.

                 see page   read threads/files   post   moderate   facilitate
    open         everyone   everyone             members (not suspended)
    restricted   everyone   members              members (not suspended)
    private      members    members              members (not suspended)

"Members" are active memberships (`Membership.is_member`). A suspended member is not one: they
read only what a non-member reads (in an open community, what anyone reads) and post nothing
until the suspension ends.
The library follows the discussion unless its facilitators keep it to members
(`CommunityPage.library_access`): then it is read by members and moderators only.
Community moderators and facilitators moderate; facilitators also manage membership.
Site moderators (accounts.roles.is_site_moderator) may read and moderate every community,
but receive no notifications or email from communities they have not joined.
"""

from dataclasses import dataclass

from accounts.roles import MODERATORS_GROUP, group_names
from communities.models import Access, LibraryAccess, Membership, Role, State, membership_may


@dataclass(frozen=True)
class CommunityAccess:
    """What one viewer may do in one community."""

    membership: Membership | None
    can_see_page: bool
    can_read: bool
    can_read_library: bool
    can_post: bool
    can_moderate: bool
    can_facilitate: bool
    can_join: bool
    can_request: bool

    @property
    def is_member(self) -> bool:
        return self.membership is not None and self.membership.is_member

    @property
    def is_pending(self) -> bool:
        return self.membership is not None and self.membership.state == State.PENDING

    @property
    def is_suspended(self) -> bool:
        return self.membership is not None and self.membership.is_suspended


def _membership_for(community, user) -> Membership | None:
    if not user.is_authenticated:
        return None
    cache = getattr(user, "_community_memberships", None)
    if cache is None:
        cache = user._community_memberships = {}
    if community.pk not in cache:
        cache[community.pk] = Membership.objects.filter(community_id=community.pk, user_id=user.pk).first()
    return cache[community.pk]


def access_for(
    *,
    access_kind: str,
    membership: Membership | None,
    user,
    site_moderator: bool,
    library_access: str = LibraryAccess.READERS,
) -> CommunityAccess:
    """The rule itself, without any database access (used in bulk by selectors)."""
    member = membership is not None and membership.is_member
    role = membership.role if member else None
    moderates = site_moderator or role in (Role.MODERATOR, Role.FACILITATOR)
    facilitates = site_moderator or role == Role.FACILITATOR
    reads = member or site_moderator or access_kind == Access.OPEN
    sees_page = reads or access_kind != Access.PRIVATE
    signed_in = user.is_authenticated
    return CommunityAccess(
        membership=membership,
        can_see_page=sees_page,
        can_read=reads,
        can_read_library=reads and (library_access != LibraryAccess.MEMBERS or member or moderates),
        can_post=member,
        can_moderate=moderates,
        can_facilitate=facilitates,
        can_join=signed_in and access_kind == Access.OPEN and membership_may(membership, "join"),
        can_request=signed_in and access_kind == Access.RESTRICTED and membership_may(membership, "request"),
    )


def community_access(*, community, user) -> CommunityAccess:
    """What `user` (possibly anonymous) may do in `community`."""
    return access_for(
        access_kind=community.access,
        membership=_membership_for(community, user),
        user=user,
        site_moderator=site_moderator_cached(user),
        library_access=community.library_access,
    )


def can_read_library(*, community, user) -> bool:
    """Whether `user` (possibly anonymous) may list, download and find `community`'s files."""
    return community_access(community=community, user=user).can_read_library


def can_remove_library_file(*, access: CommunityAccess, document, user) -> bool:
    """Whether `user` may remove a library file: whoever uploaded it, or anyone who moderates here.

    A file whose uploader has left (`uploaded_by` is null) is removable by moderators only.
    """
    uploaded_it = user.is_authenticated and document.uploaded_by_id is not None and document.uploaded_by_id == user.pk
    return uploaded_it or access.can_moderate


def site_moderator_cached(user) -> bool:
    """Whether `user` is a site moderator, asked of the database once per user object (request)."""
    if not user.is_authenticated:
        return False
    cached = getattr(user, "_is_site_moderator", None)
    if cached is None:
        # The request's group names are read once and shared (accounts.roles.group_names).
        cached = user._is_site_moderator = user.is_superuser or MODERATORS_GROUP in group_names(user)
    return cached


def can_read_many(*, checks: list[tuple[int, object]]) -> list[bool]:
    """Whether each (community id, user) may read now, read fresh from the database.

    Three queries however many pairs: live connections re-check their cached access in bulk.
    A community that is gone or unpublished is readable by nobody.
    """
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    from communities.models import CommunityPage

    community_ids = {community_id for community_id, _ in checks}
    kinds = dict(CommunityPage.objects.live().filter(pk__in=community_ids).values_list("pk", "access"))
    user_ids = {user.pk for _, user in checks if user.is_authenticated}
    memberships, moderators = {}, set()
    if user_ids:
        memberships = {
            (membership.community_id, membership.user_id): membership
            for membership in Membership.objects.filter(community_id__in=kinds, user_id__in=user_ids)
        }
        # The same rule as accounts.roles.is_site_moderator, for many people at once.
        moderators = set(
            get_user_model()
            .objects.filter(Q(is_superuser=True) | Q(groups__name=MODERATORS_GROUP), pk__in=user_ids)
            .values_list("pk", flat=True)
        )
    return [
        community_id in kinds
        and access_for(
            access_kind=kinds[community_id],
            membership=memberships.get((community_id, user.pk)),
            user=user,
            site_moderator=user.pk in moderators,
        ).can_read
        for community_id, user in checks
    ]


def forget_cached_access(user) -> None:
    """Drop the per-request caches after a membership changes."""
    if hasattr(user, "_community_memberships"):
        del user._community_memberships
    if hasattr(user, "_community_member_ids"):
        del user._community_member_ids
