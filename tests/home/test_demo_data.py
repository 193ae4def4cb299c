"""What an evaluator sees first: demo comments read in order and in the past, themes cased alike."""

import pytest
from django_comments_xtd.models import XtdComment
from taggit.models import Tag

from django.core.management import call_command
from django.utils import timezone

from home.tags import tag_name


@pytest.mark.django_db
def test_seeded_comments_are_in_the_past_and_in_order_and_themes_are_sentence_case(capsys):
    call_command("seed_demo", people=30, only=["accounts", "hub"])
    now = timezone.now()
    comments = list(XtdComment.objects.order_by("object_pk", "thread_id", "order"))
    assert comments
    assert [c.pk for c in comments if c.submit_date > now] == []
    by_pk = {c.pk: c for c in comments}
    assert [c.pk for c in comments if c.parent_id != c.pk and c.submit_date <= by_pk[c.parent_id].submit_date] == []
    # Threads are shown oldest first: each page's conversations start in date order.
    starts: dict[str, list] = {}
    for comment in comments:
        if comment.parent_id == comment.pk:
            starts.setdefault(comment.object_pk, []).append(comment.submit_date)
    assert [page for page, dates in starts.items() if dates != sorted(dates)] == []

    names = list(Tag.objects.values_list("name", flat=True))
    assert names
    assert [name for name in names if name != tag_name(name)] == []


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("net zero", "Net zero"), ("  Net   zero ", "Net zero"), ("SEND", "SEND"), ("", "")],
)
def test_tag_names_are_sentence_case_with_acronyms_kept(typed, stored):
    assert tag_name(typed) == stored
