"""The four roles on the Hub and the Django groups that carry them.

member         everyone who signs in (no group)
moderator      moderates discussion and comments across the site ("Moderators" group)
site editor    edits and publishes pages in the Wagtail admin ("Site editors" group)
administrator  a superuser
"""

from django.db import models


class Role(models.TextChoices):
    MEMBER = "member", "Member"
    MODERATOR = "moderator", "Moderator"
    SITE_EDITOR = "site_editor", "Site editor"
    ADMINISTRATOR = "administrator", "Administrator"


MODERATORS_GROUP = "Moderators"
SITE_EDITORS_GROUP = "Site editors"
GROUP_FOR_ROLE = {
    Role.MODERATOR: MODERATORS_GROUP,
    Role.SITE_EDITOR: SITE_EDITORS_GROUP,
}


def role_for_user(user) -> str:
    """The highest role a user holds."""
    if not user.is_authenticated:
        return ""
    if user.is_superuser:
        return Role.ADMINISTRATOR
    names = set(user.groups.values_list("name", flat=True))
    if SITE_EDITORS_GROUP in names:
        return Role.SITE_EDITOR
    if MODERATORS_GROUP in names:
        return Role.MODERATOR
    return Role.MEMBER


def group_names(user) -> frozenset[str]:
    """The names of the user's groups, asked of the database once per user object (a request's)."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_group_names", None)
    if cached is None:
        cached = user._group_names = frozenset(user.groups.values_list("name", flat=True))
    return cached


def may_use_admin(user) -> bool:
    """Whether to offer the Wagtail user bar: administrators, and anyone in a group (roles that
    reach the admin are groups). Everyone else, most people, costs no permission queries."""
    return user.is_authenticated and (user.is_superuser or user.is_staff or bool(group_names(user)))


def is_site_moderator(user) -> bool:
    """Site moderators and administrators may moderate any discussion on the site."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or user.groups.filter(name=MODERATORS_GROUP).exists()
