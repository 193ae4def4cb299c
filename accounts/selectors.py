"""Reads about people that every feature shares."""

from django.utils.functional import cached_property

from accounts.models import Organisation, Profile


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
    membership trustworthy is decided in one place."""
    if not getattr(user, "is_authenticated", False) or user.organisation_id is None:
        return None
    return user.organisation
