"""Who may lodge and see what in the sector data.

data officer     lodges values for their own council only ("Data officers" group, and the
                 organisation `accounts.selectors.verified_organisation` vouches for)
data editor      lodges national returns for every area ("Data editors" group; superusers too)
sector overview  sees the restricted sector overview ("Sector overview" group)
"""

from __future__ import annotations

from accounts.selectors import verified_organisation

DATA_OFFICERS_GROUP = "Data officers"
DATA_EDITORS_GROUP = "Data editors"
SECTOR_OVERVIEW_GROUP = "Sector overview"
GROUPS = (DATA_OFFICERS_GROUP, DATA_EDITORS_GROUP, SECTOR_OVERVIEW_GROUP)


def _in_group(user, name: str) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return user.groups.filter(name=name).exists()


def is_data_editor(user) -> bool:
    return getattr(user, "is_superuser", False) or _in_group(user, DATA_EDITORS_GROUP)


def lodging_scope(user) -> tuple[bool, int | None]:
    """(may lodge at all, the one organisation id they are limited to or None for every area)."""
    if is_data_editor(user):
        return True, None
    if _in_group(user, DATA_OFFICERS_GROUP):
        organisation = verified_organisation(user)
        if organisation is not None:
            return True, organisation.pk
    return False, None


def can_see_sector_overview(user) -> bool:
    return getattr(user, "is_superuser", False) or _in_group(user, SECTOR_OVERVIEW_GROUP)
