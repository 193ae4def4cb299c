"""Hidden while a moderator looks into it: it stays in the queue until someone restores or removes it."""

import pytest

from accounts.factories import UserFactory
from communities import services
from communities.factories import MembershipFactory, ReplyFactory, ThreadFactory
from communities.models import AuditEntry, Notification, PostState, Reply, Role, Thread


@pytest.fixture
def hidden_reply(make_community, client):
    """A reply reported and hidden by the community's moderator (signed in on `client`)."""
    community = make_community()
    moderator, author, reporter = UserFactory(), UserFactory(first_name="Bob"), UserFactory()
    MembershipFactory(community=community, user=moderator, role=Role.MODERATOR)
    for person in (author, reporter):
        MembershipFactory(community=community, user=person)
    thread = ThreadFactory(community=community, title="Rent arrears")
    reply = ReplyFactory(thread=thread, author=author, body="Mrs Smith at 4 Acacia Avenue")
    report = services.report_create(reporter=reporter, thread=thread, reply=reply, reason="Personal data")
    client.force_login(moderator)
    response = client.post(f"/communities/moderation/reports/{report.pk}/", {"action": "hide", "reason": ""})
    assert response.status_code == 302
    return community, reply, moderator


def _queue(client, community) -> str:
    return client.get(f"/communities/{community.slug}/moderation/").content.decode()


@pytest.mark.django_db
def test_a_hidden_reply_stays_in_the_queue_with_a_way_to_decide(client, hidden_reply):
    community, reply, _ = hidden_reply
    queue = _queue(client, community)
    assert "Hidden while you look into them" in queue
    assert "Mrs Smith at 4 Acacia Avenue" in queue
    assert f"/communities/{community.slug}/moderation/hidden/replies/{reply.pk}/" in queue
    # Also in the queue of every community the moderator moderates.
    assert f"/moderation/hidden/replies/{reply.pk}/" in client.get("/communities/moderation/").content.decode()


@pytest.mark.django_db
def test_restoring_a_hidden_reply_shows_it_again_and_is_audited(client, hidden_reply):
    community, reply, _moderator = hidden_reply
    url = f"/communities/{community.slug}/moderation/hidden/replies/{reply.pk}/"
    assert "Mrs Smith" in client.get(url).content.decode()
    response = client.post(url, {"action": "restore", "reason": "Fictional example"})
    assert response.status_code == 302
    reply.refresh_from_db()
    assert reply.state == PostState.VISIBLE
    assert "Hidden while you look into them" not in _queue(client, community)
    actions = list(AuditEntry.objects.filter(community=community).order_by("pk").values_list("action", "reason"))
    assert actions == [("hidden", ""), ("restored", "Fictional example")]


@pytest.mark.django_db
def test_removing_a_hidden_reply_needs_a_reason_and_tells_the_author(client, hidden_reply):
    community, reply, _ = hidden_reply
    url = f"/communities/{community.slug}/moderation/hidden/replies/{reply.pk}/"
    response = client.post(url, {"action": "remove", "reason": ""})
    assert response.status_code == 200
    assert "Enter a reason: the author will see it" in response.content.decode()
    client.post(url, {"action": "remove", "reason": "Shares a resident's address"})
    reply.refresh_from_db()
    assert reply.state == PostState.REMOVED
    assert [e.action for e in AuditEntry.objects.filter(community=community).order_by("pk")] == ["hidden", "removed"]
    assert Notification.objects.filter(recipient=reply.author, reply=reply).exists()
    # Decided: no longer waiting, and the page is gone.
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_a_hidden_thread_can_be_restored_from_the_queue(client, make_community):
    community = make_community()
    moderator = UserFactory()
    MembershipFactory(community=community, user=moderator, role=Role.FACILITATOR)
    thread = ThreadFactory(community=community, title="Looked into")
    services.post_moderate(target=thread, actor=moderator, state=PostState.HIDDEN)
    client.force_login(moderator)
    url = f"/communities/{community.slug}/moderation/hidden/threads/{thread.pk}/"
    assert url in _queue(client, community)
    client.post(url, {"action": "restore", "reason": ""})
    assert Thread.objects.get(pk=thread.pk).state == PostState.VISIBLE


@pytest.mark.django_db
def test_only_moderators_may_decide_about_a_hidden_post(client, hidden_reply):
    community, reply, _ = hidden_reply
    member = UserFactory()
    MembershipFactory(community=community, user=member)
    client.force_login(member)
    url = f"/communities/{community.slug}/moderation/hidden/replies/{reply.pk}/"
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "restore"}).status_code == 404
    assert Reply.objects.get(pk=reply.pk).state == PostState.HIDDEN
