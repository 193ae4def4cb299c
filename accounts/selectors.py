"""Reads about people that every feature shares."""

from django.db.models import Q
from django.utils.functional import cached_property

from accounts.models import MembershipStatus, Organisation, OrganisationMembership, Profile


class PersonShown:
    """A person named on a page, as much of them as the viewer may see.

    The organisation is read only when a template shows it, so a list that names people
    without their organisation costs no query per person.
    """

    def __init__(self, name: str, *, email: str = "", person=None):
        self.name = name
        self.email = email
        self._person = person  # set only when the viewer may see the person's organisation

    @cached_property
    def organisation(self) -> Organisation | None:
        return self._person.organisation if self._person is not None else None

    def __str__(self) -> str:
        return self.name


def person_shown(*, person, viewer, unnamed: str = "A member", gone: str = "A former member") -> PersonShown:
    """The person's name, with their organisation and email only where their profile allows.

    Their own privacy settings decide, as on their profile page: a members-only field is left
    out for anonymous visitors (and so out of the anonymous page cache) and shown to signed-in
    members. Someone without a profile has chosen nothing, so gets the defaults. Never
    str(person): a user without a name is shown by their email address; `unnamed` stands in,
    and `gone` for an account that no longer exists.
    """
    if person is None:
        return PersonShown(gone)
    profile = getattr(person, "profile", None) or Profile(user=person)
    return PersonShown(
        person.get_full_name() or unnamed,
        email=person.email if profile.can_see("email", viewer) else "",
        person=person if person.organisation_id and profile.can_see("organisation", viewer) else None,
    )


def verified_organisation(user) -> Organisation | None:
    """The organisation a person may act for: review its suppliers, lodge its data, book its
    peer challenge. Features ask here, never `user.organisation` directly, so that what makes a
    membership trustworthy is decided in one place: a membership verified by an email address
    on one of the organisation's domains, or approved by its administrators."""
    if not getattr(user, "is_authenticated", False) or user.organisation_id is None:
        return None
    membership = membership_of(user)
    if membership is None or membership.status != MembershipStatus.VERIFIED:
        return None
    return user.organisation


def membership_of(user) -> OrganisationMembership | None:
    """The person's membership of the organisation they name, if they have asked for one.

    Cached on the user for the request: a page may ask verified_organisation several times.
    """
    if not getattr(user, "is_authenticated", False) or user.organisation_id is None:
        return None
    cache = user.__dict__.setdefault("_membership_cache", {})
    if user.organisation_id not in cache:
        cache[user.organisation_id] = OrganisationMembership.objects.filter(
            user=user, organisation_id=user.organisation_id
        ).first()
    return cache[user.organisation_id]


def organisations_offered(*, keep: Organisation | None = None):
    """The organisations a picker offers: today's, plus `keep` (the one a person already has,
    even if abolished, so that saving their profile does not silently drop it)."""
    offered = Organisation.objects.current()
    if keep is not None and keep.abolished_on is not None:
        offered = Organisation.objects.filter(Q(abolished_on__isnull=True) | Q(pk=keep.pk))
    return offered.order_by("name")


def organisation_lineage_ids(*, organisation: Organisation) -> set[int]:
    """The organisation and every organisation it succeeded, however many steps back: what a
    successor's page or filter includes, so that Selby's good practice is found from North
    Yorkshire."""
    ids, frontier = {organisation.pk}, {organisation.pk}
    while frontier:
        frontier = set(Organisation.objects.filter(successor_id__in=frontier).values_list("pk", flat=True)) - ids
        ids |= frontier
    return ids


def memberships_to_decide(*, user):
    """Pending requests `user` may approve or refuse: any, for a site administrator; those for
    the organisations they administer, otherwise. Oldest first."""
    pending = OrganisationMembership.objects.filter(status=MembershipStatus.PENDING).select_related(
        "user", "organisation"
    )
    if not user.is_superuser:
        administered = OrganisationMembership.objects.filter(
            user=user, is_admin=True, status=MembershipStatus.VERIFIED
        ).values("organisation_id")
        pending = pending.filter(organisation_id__in=administered).exclude(user=user)
    return pending.order_by("created_at", "pk")


def may_decide_memberships(*, user) -> bool:
    """Whether the person administers any organisation (or the site)."""
    if not user.is_authenticated:
        return False
    return (
        user.is_superuser
        or OrganisationMembership.objects.filter(user=user, is_admin=True, status=MembershipStatus.VERIFIED).exists()
    )
