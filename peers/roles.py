"""The "Peer programme" role: the organisers who confirm bookings and match teams.

Like accounts.roles' moderators, it is a Django group; the group is created by this app's
migration, so a fresh database has it and `setup_site` needs to know nothing about peers.
"""

from django.contrib.auth.models import Group

PEER_PROGRAMME_GROUP = "Peer programme"


def peer_programme_group() -> Group:
    """The organisers' group, made again if it is missing (a flushed or hand-edited database)."""
    return Group.objects.get_or_create(name=PEER_PROGRAMME_GROUP)[0]


def is_peer_organiser(user) -> bool:
    """Organisers of the peer programme, and administrators."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, "_peer_organiser", None)
    if cached is None:
        cached = user.groups.filter(name=PEER_PROGRAMME_GROUP).exists()
        user._peer_organiser = cached
    return cached
