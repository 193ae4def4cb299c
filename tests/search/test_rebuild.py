"""The rebuild command reindexes everyone, shows progress and drops people who are gone."""

from io import StringIO

import pytest

from django.core.management import call_command

from search.models import PersonEntry

pytestmark = pytest.mark.django_db


def test_rebuild_shows_progress_and_leaves_exactly_the_current_people(cast):
    gone = cast["planner"]
    gone.user.delete()
    PersonEntry.objects.filter(pk=cast["peer"].pk).delete()  # as if an index write were lost
    out = StringIO()
    call_command("search_rebuild", stdout=out)
    output = out.getvalue()
    assert "people (" in output and "Indexed" in output
    ids = set(PersonEntry.objects.values_list("pk", flat=True))
    assert cast["peer"].pk in ids
    assert gone.pk not in ids
