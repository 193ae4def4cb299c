"""Acceptance 1: every kind of community against every kind of viewer, on every route in.

Private content reaches only members (and site moderators, who moderate everything); the
expected outcomes come from READERS / PAGE_VIEWERS / MEMBERS in conftest.py.
"""

import pytest
from asgiref.sync import sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from communities import services
from communities.models import Frequency, LibraryFile, Membership, NotificationKind
from communities.routing import websocket_urlpatterns
from tests.communities.conftest import (
    KINDS,
    MEMBERS,
    PAGE_VIEWERS,
    READERS,
    VIEWERS,
    make_viewer,
)

MATRIX = [(kind, viewer) for kind in KINDS for viewer in VIEWERS]


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "viewer"), MATRIX)
def test_community_page_shows_discussion_only_to_readers(kind, viewer, discussion):
    community, thread, _ = discussion(kind)
    response = client_for(make_viewer(viewer, community)).get(community.url)
    if viewer not in PAGE_VIEWERS[kind]:
        assert response.status_code == 404
        return
    assert response.status_code == 200
    assert community.title in response.text
    assert (thread.title in response.text) == (viewer in READERS[kind])


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "viewer"), MATRIX)
def test_thread_page_reaches_only_readers(kind, viewer, discussion):
    community, thread, _reply = discussion(kind)
    response = client_for(make_viewer(viewer, community)).get(thread.get_absolute_url())
    if viewer in READERS[kind]:
        assert response.status_code == 200
        assert "<em>emphasis</em>" in response.text
    else:
        assert response.status_code == 404
        assert thread.title not in response.text


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "viewer"), MATRIX)
def test_library_files_are_served_only_to_readers(kind, viewer, discussion, settings, tmp_path):
    settings.COMMUNITIES_PRIVATE_ROOT = tmp_path
    community, _thread, _ = discussion(kind)
    document = LibraryFile.objects.create(
        community=community,
        title="Minutes",
        file=SimpleUploadedFile("minutes.txt", b"confidential minutes"),
        original_name="minutes.txt",
        size=20,
    )
    url = f"/communities/{community.slug}/library/{document.pk}/download/"
    response = client_for(make_viewer(viewer, community)).get(url)
    if viewer in READERS[kind]:
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == b"confidential minutes"
        assert response["Content-Disposition"].startswith("attachment")
        assert response["X-Content-Type-Options"] == "nosniff"
    else:
        assert response.status_code == 404
    # Never under a public URL: the stored name is random and outside MEDIA_ROOT.
    assert not str(document.file.path).startswith(str(settings.MEDIA_ROOT))


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "viewer"), MATRIX)
def test_site_search_never_shows_private_communities_or_any_thread(kind, viewer, discussion):
    community, thread, _ = discussion(kind, title=f"Zanzibar {kind} network")
    response = client_for(make_viewer(viewer, community)).get("/search/", {"q": "Zanzibar"})
    assert response.status_code == 200
    if kind == "private":
        assert community.title not in response.text
    assert thread.title not in response.text


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS)
def test_private_communities_never_enter_the_wagtail_search_index(kind, discussion):
    from wagtail.models import Page

    community, _, _ = discussion(kind, title=f"Quetzal {kind} circle")
    found = {page.pk for page in Page.objects.live().search("Quetzal")}
    assert (community.pk in found) == (kind != "private")


@pytest.mark.django_db
def test_a_community_made_private_leaves_the_search_index(discussion, django_capture_on_commit_callbacks):
    from wagtail.models import Page

    community, _, _ = discussion("open", title="Quokka circle")
    facilitator = make_viewer("facilitator", community)
    assert community.pk in {page.pk for page in Page.objects.live().search("Quokka")}
    with django_capture_on_commit_callbacks(execute=True):
        services.community_set_access(community=community, actor=facilitator, access="private")
    assert community.pk not in {page.pk for page in Page.objects.live().search("Quokka")}


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS)
def test_hidden_page_ids_give_a_search_view_the_private_communities_to_leave_out(kind, discussion):
    from communities.selectors import community_hidden_page_ids

    community, _, _ = discussion(kind)
    for viewer in VIEWERS:
        user = make_viewer(viewer, community)
        from django.contrib.auth.models import AnonymousUser

        hidden = community_hidden_page_ids(user=user or AnonymousUser())
        assert (community.pk in hidden) == (viewer not in PAGE_VIEWERS[kind])


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "viewer"), MATRIX)
def test_feed_reaches_only_readers(kind, viewer, discussion):
    community, thread, _ = discussion(kind)
    response = client_for(make_viewer(viewer, community)).get(f"/communities/{community.slug}/feed/")
    if viewer in READERS[kind]:
        assert response.status_code == 200
        assert thread.title in response.text
    else:
        assert response.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "viewer"), MATRIX)
def test_notifications_about_a_community_reach_only_its_members(kind, viewer, discussion):
    community, thread, _ = discussion(kind)
    user = make_viewer(viewer, community)
    if user is None:
        response = Client().get("/notifications/")
        assert response.status_code == 302
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
    assert (thread.title in response.text) == (viewer in MEMBERS)


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


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kind", KINDS)
def test_emails_about_new_posts_go_only_to_members(kind, discussion):
    community, thread, _ = discussion(kind)
    users = {viewer: make_viewer(viewer, community) for viewer in VIEWERS}
    Membership.objects.filter(community=community).update(email_frequency=Frequency.IMMEDIATE)
    author = users["member"]
    services.reply_create(thread=thread, author=author, body="News for everyone")
    recipients = {address for message in mail.outbox for address in message.to}
    expected = {users[v].email for v in MEMBERS if v != "member"}
    assert recipients == expected


def _ws_app(user):
    from django.contrib.auth.models import AnonymousUser

    router = URLRouter(websocket_urlpatterns)

    async def app(scope, receive, send):
        scope = {**scope, "user": user or AnonymousUser()}
        return await router(scope, receive, send)

    return app


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
@pytest.mark.parametrize(("kind", "viewer"), MATRIX)
async def test_websocket_connects_and_relays_events_only_for_readers(kind, viewer, discussion):
    community, thread, _ = await sync_to_async(discussion)(kind)
    user = await sync_to_async(make_viewer)(viewer, community)
    author = await sync_to_async(make_viewer)("member", community)
    communicator = WebsocketCommunicator(_ws_app(user), f"/ws/communities/{community.slug}/")
    connected, code = await communicator.connect()
    assert connected == (viewer in READERS[kind])
    if not connected:
        assert code == 4403
        return
    await sync_to_async(services.reply_create)(thread=thread, author=author, body="Live news")
    while True:
        event = await communicator.receive_json_from(timeout=3)
        if event["type"] == "discussion.reply_created":
            break
    assert "Live news" in event["payload"]["body_html"]
    await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_removed_member_of_private_community_stops_receiving_events_at_once(
    discussion,
):
    community, thread, _ = await sync_to_async(discussion)("private")
    member = await sync_to_async(make_viewer)("member", community)
    facilitator = await sync_to_async(make_viewer)("facilitator", community)
    communicator = WebsocketCommunicator(_ws_app(member), f"/ws/communities/{community.slug}/")
    connected, _ = await communicator.connect()
    assert connected
    membership = await sync_to_async(Membership.objects.get)(user=member)
    await sync_to_async(services.membership_remove)(membership=membership, actor=facilitator)
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
        pytest.fail("the consumer did not close the removed member's socket")
    assert not any("After the removal" in text for text in seen)
