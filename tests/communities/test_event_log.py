"""The event log's sequence: catch-up after reconnecting never skips an event, even when
transactions commit in a different order from the one they started in (PostgreSQL)."""

import threading
import time

import pytest

from django.db import connection, connections, transaction

from communities import services
from communities.models import CommunityEvent
from communities.selectors import events_after, latest_event_id
from tests.communities.conftest import make_viewer

pytestmark = pytest.mark.django_db(transaction=True)
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL (SQLite takes one writer at a time)"
)


def test_events_are_numbered_one_by_one_in_each_community(discussion):
    community, thread, _ = discussion("open")
    other, other_thread, _ = discussion("open")
    member, outsider = make_viewer("member", community), make_viewer("member", other)
    for body in ("one", "two"):
        services.reply_create(thread=thread, author=member, body=body)
    services.reply_create(thread=other_thread, author=outsider, body="elsewhere")
    assert list(CommunityEvent.objects.filter(community=community).order_by("seq").values_list("seq", flat=True)) == [
        1,
        2,
    ]
    assert latest_event_id(community_id=community.pk) == 2
    assert latest_event_id(community_id=other.pk) == 1
    assert [e["id"] for e in events_after(community_id=community.pk, after=1)] == [2]


def _in_thread(target):
    def run():
        try:
            target()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@postgres_only
def test_a_later_writer_waits_so_catch_up_cannot_pass_an_uncommitted_event(discussion):
    community, thread, _ = discussion("open")
    slow_author, fast_author = make_viewer("member", community), make_viewer("member", community)
    before = latest_event_id(community_id=community.pk)
    slow_has_written, release_slow, fast_done = threading.Event(), threading.Event(), threading.Event()

    def slow():
        with transaction.atomic():
            services.reply_create(thread=thread, author=slow_author, body="slow")
            slow_has_written.set()
            assert release_slow.wait(10)

    def fast():
        assert slow_has_written.wait(10)
        services.reply_create(thread=thread, author=fast_author, body="fast")
        fast_done.set()

    workers = [_in_thread(slow), _in_thread(fast)]
    try:
        assert slow_has_written.wait(10)
        time.sleep(0.5)
        # The second transaction started after the first and would commit first if it could:
        # it waits for the first one's lock instead, so nothing is visible out of order.
        assert not fast_done.is_set()
        assert events_after(community_id=community.pk, after=before) == []
        assert latest_event_id(community_id=community.pk) == before
    finally:
        release_slow.set()
        for worker in workers:
            worker.join(10)
    caught_up = events_after(community_id=community.pk, after=before)
    assert [e["payload"]["body_html"] for e in caught_up] == ["<p>slow</p>", "<p>fast</p>"]
    assert [e["id"] for e in caught_up] == [before + 1, before + 2]


@postgres_only
def test_a_client_catching_up_while_many_people_post_misses_nothing_and_sees_nothing_twice(discussion):
    community, thread, _ = discussion("open")
    authors = [make_viewer("member", community) for _ in range(4)]
    before = latest_event_id(community_id=community.pk)
    per_author = 5

    def post(author):
        def run():
            for number in range(per_author):
                services.reply_create(thread=thread, author=author, body=f"{author.pk}-{number}")

        return run

    workers = [_in_thread(post(author)) for author in authors]
    seen, last = [], before
    deadline = time.monotonic() + 30
    while len(seen) < len(authors) * per_author and time.monotonic() < deadline:
        # What a reconnecting client does: everything after the last number it saw.
        for event in events_after(community_id=community.pk, after=last):
            seen.append(event)
            last = event["id"]
    for worker in workers:
        worker.join(10)
    bodies = [e["payload"]["body_html"] for e in seen]
    assert sorted(bodies) == sorted(f"<p>{a.pk}-{n}</p>" for a in authors for n in range(per_author))
    assert [e["id"] for e in seen] == list(range(before + 1, before + 1 + len(authors) * per_author))


def test_the_log_keeps_only_the_newest_events_and_says_when_a_point_is_older_than_that(discussion, settings):
    from communities.selectors import catch_up

    settings.COMMUNITIES_EVENT_LOG_MAX_EVENTS = 3
    community, thread, _ = discussion("open")
    member = make_viewer("member", community)
    for body in ("one", "two", "three", "four", "five"):
        services.reply_create(thread=thread, author=member, body=body)
    assert list(CommunityEvent.objects.filter(community=community).values_list("seq", flat=True)) == [3, 4, 5]
    assert catch_up(community_id=community.pk, after=1).expired
    caught = catch_up(community_id=community.pk, after=2)
    assert not caught.expired
    assert [e["payload"]["body_html"] for e in caught.events] == ["<p>three</p>", "<p>four</p>", "<p>five</p>"]


def test_events_older_than_the_window_are_pruned_by_the_command(discussion, settings):
    import datetime

    from django.core.management import call_command
    from django.utils import timezone

    from communities.selectors import catch_up

    settings.COMMUNITIES_EVENT_LOG_MAX_AGE = datetime.timedelta(hours=1)
    community, thread, _ = discussion("open")
    member = make_viewer("member", community)
    services.reply_create(thread=thread, author=member, body="yesterday")
    CommunityEvent.objects.filter(community=community).update(created_at=timezone.now() - datetime.timedelta(hours=2))
    call_command("prune_community_events")
    assert not CommunityEvent.objects.filter(community=community).exists()
    assert catch_up(community_id=community.pk, after=0).expired
    assert not catch_up(community_id=community.pk, after=latest_event_id(community_id=community.pk)).expired
