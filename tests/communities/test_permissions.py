"""Acceptance 1: every kind of community against every kind of viewer, on every route in.

Private content reaches only members (and site moderators, who moderate everything); the
expected outcomes come from READERS / PAGE_VIEWERS / MEMBERS in conftest.py. Each test
builds one community of a kind with one viewer of every sort and checks them all, listing
every viewer that got the wrong answer.
"""

import pytest
from asgiref.sync import sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator

from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from wagtail.models import Page

from communities import services
from communities.models import Frequency, LibraryFile, Membership, NotificationKind
from communities.routing import websocket_urlpatterns
from communities.selectors import community_hidden_page_ids
from tests.communities.conftest import KINDS, MEMBERS, PAGE_VIEWERS, READERS, VIEWERS, make_viewer


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def world(discussion):
    """make(kind) -> (community, thread, {viewer kind: user or None})."""

    def make(kind, **kwargs):
        community, thread, _ = discussion(kind, **kwargs)
        return community, thread, {viewer: make_viewer(viewer, community) for viewer in VIEWERS}

    return make


def check_all(viewers: dict, check) -> None:
    """Run `check(viewer, user)` for every viewer; fail listing all the wrong answers."""
    wrong = []
    for viewer, user in viewers.items():
        try:
            check(viewer, user)
        except AssertionError as error:
            wrong.append(f"{viewer}: {error}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS)
def test_community_page_shows_discussion_only_to_readers(kind, world):
    community, thread, viewers = world(kind)

    def check(viewer, user):
        response = client_for(user).get(community.url)
        if viewer not in PAGE_VIEWERS[kind]:
            assert response.status_code == 404, response.status_code
            assert thread.title not in response.text
            return
        assert response.status_code == 200, response.status_code
        assert community.title in response.text
        assert (thread.title in response.text) == (viewer in READERS[kind]), "thread title shown?"

    check_all(viewers, check)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS)
def test_thread_page_reaches_only_readers(kind, world):
    _community, thread, viewers = world(kind)

    def check(viewer, user):
        response = client_for(user).get(thread.get_absolute_url())
        if viewer in READERS[kind]:
            assert response.status_code == 200, response.status_code
            assert "<em>emphasis</em>" in response.text
        else:
            assert response.status_code == 404, response.status_code
            assert thread.title not in response.text

    check_all(viewers, check)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS)
def test_library_files_are_served_only_to_readers(kind, world, settings, tmp_path):
    settings.COMMUNITIES_PRIVATE_ROOT = tmp_path
    community, _, viewers = world(kind)
    document = LibraryFile.objects.create(
        community=community,
        title="Minutes",
        file=SimpleUploadedFile("minutes.txt", b"confidential minutes"),
        original_name="minutes.txt",
        size=20,
    )
    url = f"/communities/{community.slug}/library/{document.pk}/download/"
    # Never under a public URL: the stored name is random and outside MEDIA_ROOT.
    assert not str(document.file.path).startswith(str(settings.MEDIA_ROOT))
    assert "minutes" not in document.file.name

    def check(viewer, user):
        response = client_for(user).get(url)
        if viewer in READERS[kind]:
            assert response.status_code == 200, response.status_code
            assert b"".join(response.streaming_content) == b"confidential minutes"
            assert response["Content-Disposition"].startswith("attachment")
            assert response["X-Content-Type-Options"] == "nosniff"
        else:
            assert response.status_code == 404, response.status_code

    check_all(viewers, check)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS)
def test_site_search_shows_communities_and_threads_only_to_those_who_may_see_them(kind, world):
    community, thread, viewers = world(kind, title=f"Zanzibar {kind} network")
    thread.title = f"Zanzibar budget worries in {kind}"
    thread.save()

    def check(viewer, user):
        response = client_for(user).get("/search/", {"q": "Zanzibar"})
        assert response.status_code == 200, response.status_code
        if viewer not in PAGE_VIEWERS[kind]:
            assert community.title not in response.text, "community shown"
        if viewer not in READERS[kind]:
            assert thread.title not in response.text, "thread shown"
        hidden = community_hidden_page_ids(user=user or AnonymousUser())
        assert (community.pk in hidden) == (viewer not in PAGE_VIEWERS[kind]), "hidden ids"

    check_all(viewers, check)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS)
def test_private_communities_never_enter_the_wagtail_search_index(kind, discussion):
    community, _, _ = discussion(kind, title=f"Quetzal {kind} circle")
    found = {page.pk for page in Page.objects.live().search("Quetzal")}
    assert (community.pk in found) == (kind != "private")


@pytest.mark.django_db
def test_a_community_made_private_leaves_the_search_index(discussion, django_capture_on_commit_callbacks):
    community, _, _ = discussion("open", title="Quokka circle")
    facilitator = make_viewer("facilitator", community)
    assert community.pk in {page.pk for page in Page.objects.live().search("Quokka")}
    with django_capture_on_commit_callbacks(execute=True):
        services.community_set_access(community=community, actor=facilitator, access="private")
    assert community.pk not in {page.pk for page in Page.objects.live().search("Quokka")}


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS)
def test_feed_reaches_only_readers(kind, world):
    community, thread, viewers = world(kind)

    def check(viewer, user):
        response = client_for(user).get(f"/communities/{community.slug}/feed/")
        if viewer in READERS[kind]:
            assert response.status_code == 200, response.status_code
            assert thread.title in response.text
        else:
            assert response.status_code == 404, response.status_code

    check_all(viewers, check)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS)
def test_notifications_about_a_community_reach_only_its_members(kind, world):
    community, thread, viewers = world(kind)

    def check(viewer, user):
        if user is None:
            assert Client().get("/notifications/").status_code == 302
            return
        services.notification_create(
            recipient=user,
            community=community,
            kind=NotificationKind.MENTION,
            text=f"Someone mentioned you in {thread.title}",
            url=thread.get_absolute_url(),
        )
        response = client_for(user).get("/notifications/")
        assert response.status_code == 200
        assert (thread.title in response.text) == (viewer in MEMBERS), "notification shown?"

    check_all(viewers, check)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS)
def test_notifications_disappear_when_a_member_loses_access(kind, discussion):
    community, thread, _ = discussion(kind)
    member = make_viewer("member", community)
    facilitator = make_viewer("facilitator", community)
    services.notification_create(
        recipient=member,
        community=community,
        kind=NotificationKind.MENTION,
        text=f"Mentioned in {thread.title}",
        url=thread.get_absolute_url(),
    )
    services.membership_remove(membership=Membership.objects.get(user=member), actor=facilitator)
    response = client_for(member).get("/notifications/")
    assert (thread.title in response.text) == (kind == "open")


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS)
def test_emails_about_new_posts_go_only_to_members(kind, world, django_capture_on_commit_callbacks):
    community, thread, viewers = world(kind)
    Membership.objects.filter(community=community).update(email_frequency=Frequency.IMMEDIATE)
    with django_capture_on_commit_callbacks(execute=True):
        services.reply_create(thread=thread, author=viewers["member"], body="News for everyone")
    recipients = {address for message in mail.outbox for address in message.to}
    assert recipients == {viewers[v].email for v in MEMBERS if v != "member"}


def _ws_app(user):
    router = URLRouter(websocket_urlpatterns)

    async def app(scope, receive, send):
        return await router({**scope, "user": user or AnonymousUser()}, receive, send)

    return app


async def _next_reply_event(communicator) -> dict:
    while True:
        event = await communicator.receive_json_from(timeout=3)
        if event["type"] == "discussion.reply_created":
            return event


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
@pytest.mark.usefixtures("close_db_threads")
@pytest.mark.parametrize("kind", KINDS)
async def test_websocket_connects_and_relays_events_only_for_readers(kind, world):
    community, thread, viewers = await sync_to_async(world)(kind)
    author = await sync_to_async(make_viewer)("member", community)
    open_sockets, wrong = {}, []
    for viewer, user in viewers.items():
        communicator = WebsocketCommunicator(_ws_app(user), f"/ws/communities/{community.slug}/")
        connected, code = await communicator.connect()
        if connected != (viewer in READERS[kind]):
            wrong.append(f"{viewer}: connected={connected}")
        elif not connected and code != 4403:
            wrong.append(f"{viewer}: refused with {code}")
        if connected:
            open_sockets[viewer] = communicator
    await sync_to_async(services.reply_create)(thread=thread, author=author, body="Live news")
    for viewer, communicator in open_sockets.items():
        event = await _next_reply_event(communicator)
        if "Live news" not in event["payload"]["body_html"]:
            wrong.append(f"{viewer}: missed the event")
        await communicator.disconnect()
    assert not wrong, "\n".join(wrong)


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
@pytest.mark.usefixtures("close_db_threads")
@pytest.mark.parametrize(("kind", "change"), [("private", "removed"), ("restricted", "suspended")])
async def test_removed_or_suspended_member_stops_receiving_events_at_once(discussion, kind, change):
    community, thread, _ = await sync_to_async(discussion)(kind)
    member = await sync_to_async(make_viewer)("member", community)
    facilitator = await sync_to_async(make_viewer)("facilitator", community)
    communicator = WebsocketCommunicator(_ws_app(member), f"/ws/communities/{community.slug}/")
    connected, _ = await communicator.connect()
    assert connected
    membership = await sync_to_async(Membership.objects.get)(user=member)
    if change == "removed":
        await sync_to_async(services.membership_remove)(membership=membership, actor=facilitator)
    else:
        await sync_to_async(services.membership_suspend)(
            membership=membership, actor=facilitator, days=3, reason="Spam"
        )
    await sync_to_async(services.reply_create)(thread=thread, author=facilitator, body="After the removal")
    seen = []
    try:
        while True:
            output = await communicator.receive_output(timeout=2)
            if output["type"] == "websocket.close":
                assert output["code"] == 4403
                break
            seen.append(output.get("text", ""))
    except TimeoutError:
        pytest.fail(f"the consumer did not close the {change} member's socket")
    assert not any("After the removal" in text for text in seen)
