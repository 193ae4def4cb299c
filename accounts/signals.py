"""What accounts tells the rest of the site, without knowing who listens.

`profiles_changed` is sent inside the writing transaction with the ids of the people whose
profile (or organisation) changed; a feature that keeps a copy of profiles (people search's
index) connects to it and does its own work after commit.
"""

from django.dispatch import Signal

profiles_changed = Signal()  # sender: the Profile model; keyword argument: user_ids (list[int])
