"""Shared helpers for the sector data tests."""

from django.contrib.auth.models import Group


def in_group(user, name: str):
    user.groups.add(Group.objects.get_or_create(name=name)[0])
    return user
