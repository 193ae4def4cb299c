"""Shared helpers for the sector data tests.

Real ONS codes such as York's E06000014 are also what CouncilFactory's sequence makes (E06 and
the sequence number), so people who need no council are made with organisation=None.
"""

from django.contrib.auth.models import Group


def in_group(user, name: str):
    user.groups.add(Group.objects.get_or_create(name=name)[0])
    return user
