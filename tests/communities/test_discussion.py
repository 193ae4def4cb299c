"""Threads and replies: safe markdown, mentions, quoting, edits, removals, locks, pagination."""

import pytest

from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from communities import services
from communities.factories import ReplyFactory, ThreadFactory
from communities.models import CommunityEvent, Notification, PostState, Reply
from tests.communities.conftest import make_viewer

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_script_in_a_reply_never_reaches_the_page(discussion):
    community, thread, _ = discussion("open")
    member = make_viewer("member", community)
    services.reply_create(
        thread=thread,
        author=member,
        body="Hi <script>alert(1)</script> <img src=x onerror=alert(2)> [link](javascript:alert(3)) **bold**",
    )
    html = Client().get(thread.get_absolute_url()).text
    assert "<script>alert(1)" not in html
    assert "onerror" not in html
    assert "javascript:alert" not in html
    assert "<strong>bold</strong>" in html


def test_mentioning_a_member_notifies_them_and_shows_their_name(discussion):
    community, thread, _ = discussion("restricted")
    author = make_viewer("member", community)
    mentioned = make_viewer("member", community)
    outsider = make_viewer("non_member", community)
    handle = services.user_handle(mentioned)
    outsider_handle = services.user_handle(outsider)
    reply = services.reply_create(
        thread=thread, author=author, body=f"What do you think @{handle} and @{outsider_handle}?"
    )
    assert f"<strong>@{mentioned.get_full_name()}</strong>" in reply.body_html
    assert Notification.objects.filter(recipient=mentioned, kind="mention").count() == 1
    assert not Notification.objects.filter(recipient=outsider).exists()


def test_replying_notifies_the_thread_author(discussion):
    community, _, _ = discussion("open")
    starter = make_viewer("member", community)
    thread = services.thread_create(
        community=community, author=starter, title="Pay assumptions", body="What are yours?"
    )
    replier = make_viewer("member", community)
    services.reply_create(thread=thread, author=replier, body="We use 3%.")
    notification = Notification.objects.get(recipient=starter)
    assert "replied to “Pay assumptions”" in notification.message


def test_quoting_shows_the_quoted_reply_and_hides_it_once_removed(discussion):
    community, thread, first = discussion("open")
    member = make_viewer("member", community)
    moderator = make_viewer("moderator", community)
    services.reply_create(thread=thread, author=member, body="I agree with this", quote=first)
    page = Client().get(thread.get_absolute_url()).text
    assert "wrote:" in page and "<em>emphasis</em>" in page
    services.post_moderate(target=first, actor=moderator, state=PostState.REMOVED, reason="Off topic")
    page = Client().get(thread.get_absolute_url()).text
    assert "<em>emphasis</em>" not in page
    assert page.count("Reply removed by a moderator.") == 2  # the reply itself and the quote


def test_edited_replies_are_marked_as_edited(discussion):
    community, thread, _ = discussion("open")
    member = make_viewer("member", community)
    reply = services.reply_create(thread=thread, author=member, body="First version")
    services.reply_edit(reply=reply, editor=member, body="Second version")
    page = Client().get(thread.get_absolute_url()).text
    assert "Second version" in page and "First version" not in page
    assert "data-edited" in page


def test_someone_else_cannot_edit_a_reply(discussion):
    community, thread, _ = discussion("open")
    author = make_viewer("member", community)
    other = make_viewer("member", community)
    reply = services.reply_create(thread=thread, author=author, body="Mine")
    response = signed_in(other).post(f"/communities/{community.slug}/replies/{reply.pk}/edit/", {"body": "Hijacked"})
    assert response.status_code == 404
    reply.refresh_from_db()
    assert reply.body == "Mine"


def test_deleting_asks_for_confirmation_and_leaves_a_placeholder(discussion):
    community, thread, _ = discussion("open")
    member = make_viewer("member", community)
    reply = services.reply_create(thread=thread, author=member, body="Regrettable words")
    client = signed_in(member)
    url = f"/communities/{community.slug}/replies/{reply.pk}/delete/"
    assert "Are you sure" in client.get(url).text
    client.post(url)
    page = Client().get(thread.get_absolute_url()).text
    assert "Regrettable words" not in page
    assert "Reply deleted by its author." in page


def test_locked_threads_take_no_replies(discussion):
    community, thread, _ = discussion("open")
    moderator = make_viewer("moderator", community)
    member = make_viewer("member", community)
    services.thread_set_flags(thread=thread, actor=moderator, locked=True)
    with pytest.raises(ValidationError):
        services.reply_create(thread=thread, author=member, body="Too late")
    page = signed_in(member).get(thread.get_absolute_url()).text
    assert "This thread is locked" in page
    assert 'id="reply-form"' not in page


def test_pinned_threads_come_first(discussion):
    community, older, _ = discussion("open")
    newer = ThreadFactory(community=community, title="A newer thread")
    moderator = make_viewer("moderator", community)
    services.thread_set_flags(thread=older, actor=moderator, pinned=True)
    page = Client().get(community.url).text
    assert page.index(older.title) < page.index(newer.title)


def test_long_threads_are_paginated(discussion):
    _community, thread, _ = discussion("open")
    ReplyFactory.create_batch(30, thread=thread)
    first = Client().get(thread.get_absolute_url()).text
    assert "govuk-pagination" in first
    second = Client().get(thread.get_absolute_url() + "?page=2").text
    assert second.count('class="kh-reply"') == 31 - 25


def test_posting_too_fast_is_refused_with_a_clear_message_and_nothing_lost(discussion, settings):
    settings.COMMUNITIES_POST_RATE = (2, 60)
    community, thread, _ = discussion("open")
    member = make_viewer("member", community)
    client = signed_in(member)
    for number in range(2):
        response = client.post(thread.get_absolute_url(), {"body": f"Reply {number}"})
        assert response.status_code == 302
    response = client.post(thread.get_absolute_url(), {"body": "My carefully written third reply"})
    assert response.status_code == 200
    assert "You are posting too quickly" in response.text
    assert "My carefully written third reply" in response.text  # still in the textarea
    assert "govuk-error-summary" in response.text
    assert Reply.objects.filter(thread=thread, author=member).count() == 2


def test_a_reply_form_with_errors_keeps_the_page_usable(discussion):
    community, thread, _ = discussion("open")
    member = make_viewer("member", community)
    response = signed_in(member).post(thread.get_absolute_url(), {"body": ""})
    assert response.status_code == 200
    assert "govuk-error-message" in response.text


def test_starting_a_thread_through_the_form(discussion):
    community, _, _ = discussion("open")
    member = make_viewer("member", community)
    response = signed_in(member).post(
        f"/communities/{community.slug}/threads/new/",
        {"title": "Retrofit funding", "body": "Who has bid for the *warm homes* fund?", "tags": "retrofit, funding"},
    )
    assert response.status_code == 302
    page = Client().get(response["Location"]).text
    # Tags are stored in sentence case: "Funding" is the tag, the title says "funding".
    assert "Retrofit funding" in page and "<em>warm homes</em>" in page and "Funding" in page


def test_a_rolled_back_post_is_never_logged_or_announced(discussion, django_capture_on_commit_callbacks):
    from django.db import transaction

    community, thread, _ = discussion("open")
    member = make_viewer("member", community)
    before = CommunityEvent.objects.count()
    with django_capture_on_commit_callbacks() as callbacks:
        try:
            with transaction.atomic():
                services.reply_create(thread=thread, author=member, body="Never happened")
                raise RuntimeError("boom")
        except RuntimeError:
            pass
    assert callbacks == []
    assert CommunityEvent.objects.count() == before
    assert not Reply.objects.filter(body="Never happened").exists()


def test_thread_page_query_count_does_not_grow_with_replies(discussion):
    """Acceptance 6: the same number of queries for 10 replies as for 100 (every page full)."""
    from communities.selectors import REPLIES_PER_PAGE

    community, thread, first = discussion("open")
    member = make_viewer("member", community)
    client = signed_in(member)

    def queries_for_thread_with(total: int) -> int:
        missing = total - Reply.objects.filter(thread=thread).count()
        ReplyFactory.create_batch(missing, thread=thread, quote=first)
        client.get(thread.get_absolute_url())  # warm per-process caches
        with CaptureQueriesContext(connection) as captured:
            response = client.get(thread.get_absolute_url() + "?page=1")
        assert response.status_code == 200
        assert response.text.count('class="kh-reply"') == min(total, REPLIES_PER_PAGE)
        return len(captured)

    few, full, many = (queries_for_thread_with(total) for total in (10, 25, 100))
    assert few == full == many
    # Issue 15: at most ten for a member, with the header's unread count and everything else.
    assert full <= 10
