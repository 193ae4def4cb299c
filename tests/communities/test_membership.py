"""Joining, requests, invitations (also to people not yet registered), roles, leaving."""

import pytest

from django.core import mail
from django.test import Client

from accounts.factories import UserFactory
from communities import services
from communities.models import Invitation, Membership, Notification, Role, State
from tests.communities.conftest import make_viewer

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_anyone_signed_in_joins_an_open_community_in_one_click(make_community):
    community = make_community("open")
    user = UserFactory()
    response = signed_in(user).post(f"/communities/{community.slug}/join/")
    assert response.status_code == 302
    assert Membership.objects.get(user=user).state == State.ACTIVE


def test_joining_a_restricted_community_needs_a_facilitators_approval(
    make_community, django_capture_on_commit_callbacks
):
    community = make_community("restricted")
    facilitator = make_viewer("facilitator", community)
    requester = UserFactory()
    signed_in(requester).post(f"/communities/{community.slug}/join/")
    assert not Membership.objects.filter(user=requester, state=State.ACTIVE).exists()
    signed_in(requester).post(f"/communities/{community.slug}/request/", {"message": "I lead on this"})
    membership = Membership.objects.get(user=requester)
    assert membership.state == State.PENDING
    assert Notification.objects.filter(recipient=facilitator, kind="join_request").exists()
    members_page = signed_in(facilitator).get(f"/communities/{community.slug}/members/").text
    assert "I lead on this" in members_page
    with django_capture_on_commit_callbacks(execute=True):
        signed_in(facilitator).post(f"/communities/{community.slug}/members/{membership.pk}/approve/")
    membership.refresh_from_db()
    assert membership.state == State.ACTIVE
    assert Notification.objects.filter(recipient=requester, kind="decision").exists()
    assert mail.outbox[-1].to == [requester.email]
    assert "approved" in mail.outbox[-1].subject


def test_a_refused_requester_is_told(make_community, django_capture_on_commit_callbacks):
    community = make_community("restricted")
    facilitator = make_viewer("facilitator", community)
    requester = UserFactory()
    membership = services.membership_request(community=community, user=requester)
    with django_capture_on_commit_callbacks(execute=True):
        services.membership_decide(membership=membership, actor=facilitator, approve=False)
    assert "refused" in mail.outbox[-1].subject
    page = signed_in(requester).get("/notifications/").text
    assert "was refused" in page


def test_members_cannot_decide_requests(make_community):
    community = make_community("restricted")
    member = make_viewer("member", community)
    membership = services.membership_request(community=community, user=UserFactory())
    response = signed_in(member).post(f"/communities/{community.slug}/members/{membership.pk}/approve/")
    assert response.status_code == 404
    membership.refresh_from_db()
    assert membership.state == State.PENDING


def test_an_invitation_to_someone_not_yet_registered_works_once_they_sign_up(
    make_community, django_capture_on_commit_callbacks
):
    community = make_community("private")
    facilitator = make_viewer("facilitator", community)
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(facilitator).post(
            f"/communities/{community.slug}/invite/", {"email": "New.Person@Council.example"}
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert mail.outbox[-1].to == ["new.person@council.example"]
    assert str(invitation.token) in mail.outbox[-1].body
    assert "Create a Knowledge Hub account" in mail.outbox[-1].body
    # Someone else holding the link cannot use it.
    stranger = UserFactory()
    signed_in(stranger).post(f"/communities/invitations/{invitation.token}/")
    assert not Membership.objects.filter(user=stranger).exists()
    newcomer = UserFactory(email="new.person@council.example")
    signed_in(newcomer).post(f"/communities/invitations/{invitation.token}/")
    assert Membership.objects.get(user=newcomer).state == State.ACTIVE
    assert signed_in(newcomer).get(community.url).status_code == 200


def test_an_invitation_waits_for_someone_who_signs_up_and_confirms_their_address(
    make_community, django_capture_on_commit_callbacks
):
    import re

    community = make_community("private")
    other = make_community("private")
    facilitator = make_viewer("facilitator", community)
    with django_capture_on_commit_callbacks(execute=True):
        services.membership_invite(community=community, actor=facilitator, email="Sam.Okafor@Council.example")
        services.membership_invite(
            community=other, actor=make_viewer("facilitator", other), email="someone@else.example"
        )
    mail.outbox.clear()
    visitor = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = visitor.post(
            "/accounts/signup/",
            {
                "first_name": "Sam",
                "last_name": "Okafor",
                "email": "sam.okafor@council.example",
                "password1": "a-long-and-unusual-passphrase",
                "password2": "a-long-and-unusual-passphrase",
            },
        )
    assert response.status_code == 302
    newcomer = UserFactory._meta.model.objects.get(email="sam.okafor@council.example")
    # Not yet: the address is unconfirmed, and anyone could have typed it.
    assert not Membership.objects.filter(user=newcomer).exists()
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", mail.outbox[-1].body).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = visitor.post(link, follow=True)
    assert confirmed.status_code == 200
    membership = Membership.objects.get(user=newcomer)
    assert (membership.community_id, membership.state) == (community.pk, State.ACTIVE)
    assert Invitation.objects.get(community=community).accepted_at is not None
    assert Invitation.objects.get(community=other).accepted_at is None
    assert "you are now a member of" in confirmed.content.decode()
    notification = Notification.objects.get(recipient=newcomer)
    assert community.title in notification.text
    # Signed in by the confirmation, they read the private community straight away.
    assert visitor.get(community.url).status_code == 200
    assert visitor.get(other.url).status_code == 404


def test_facilitators_appoint_moderators(make_community):
    community = make_community("open")
    facilitator = make_viewer("facilitator", community)
    member = make_viewer("member", community)
    membership = Membership.objects.get(user=member)
    signed_in(facilitator).post(f"/communities/{community.slug}/members/{membership.pk}/role/", {"role": "moderator"})
    membership.refresh_from_db()
    assert membership.role == Role.MODERATOR
    assert signed_in(member).get(f"/communities/{community.slug}/moderation/").status_code == 200


@pytest.mark.parametrize("kind", ["open", "restricted", "private"])
def test_suspended_members_read_only_what_a_non_member_reads_and_cannot_post(discussion, kind):
    community, thread, _ = discussion(kind)
    facilitator = make_viewer("facilitator", community)
    member = make_viewer("member", community)
    client = signed_in(member)
    assert client.get(thread.get_absolute_url()).status_code == 200
    services.membership_suspend(
        membership=Membership.objects.get(user=member), actor=facilitator, days=7, reason="Flooding"
    )
    page = client.get(thread.get_absolute_url())
    outsider = signed_in(UserFactory()).get(thread.get_absolute_url())
    assert page.status_code == outsider.status_code == (200 if kind == "open" else 404)
    if kind == "open":
        assert "You are suspended until" in page.text
    for path in ("library/", "feed/"):
        url = f"/communities/{community.slug}/{path}"
        assert client.get(url).status_code == signed_in(UserFactory()).get(url).status_code
    assert client.post(thread.get_absolute_url(), {"body": "sneaky"}).status_code == 404


def test_members_can_leave_after_confirming(make_community):
    community = make_community("private")
    make_viewer("facilitator", community)
    member = make_viewer("member", community)
    client = signed_in(member)
    assert "Are you sure" in client.get(f"/communities/{community.slug}/leave/").text
    client.post(f"/communities/{community.slug}/leave/")
    assert client.get(community.url).status_code == 404


def test_the_last_facilitator_cannot_leave(make_community):
    community = make_community("open")
    facilitator = make_viewer("facilitator", community)
    signed_in(facilitator).post(f"/communities/{community.slug}/leave/")
    assert Membership.objects.get(user=facilitator).state == State.ACTIVE


def test_directory_filters_by_words_topic_and_colleagues(make_community):
    housing = make_community("open", title="Homelessness prevention", topic="housing")
    make_community("open", title="Digital inclusion", topic="digital")
    hidden = make_community("private", title="Housing directors", topic="housing")
    me = UserFactory()
    colleague = UserFactory(organisation=me.organisation)
    Membership.objects.create(community=housing, user=colleague)
    Membership.objects.create(community=hidden, user=colleague)
    client = signed_in(me)
    page = client.get("/communities/", {"q": "homeless"}).text
    assert "Homelessness prevention" in page and "Digital inclusion" not in page
    page = client.get("/communities/", {"topic": "housing"}).text
    assert "Homelessness prevention" in page and "Housing directors" not in page
    page = client.get("/communities/", {"colleagues": "on"}).text
    assert "Homelessness prevention" in page and "Digital inclusion" not in page
    assert "Housing directors" not in page


def test_home_page_lists_only_communities_the_viewer_may_see(make_community):
    from django.contrib.auth.models import AnonymousUser

    from communities.selectors import community_active_list

    make_community("open", title="Open one")
    secret = make_community("private", title="Secret one")
    titles = [c.title for c in community_active_list(user=AnonymousUser(), limit=10)]
    assert "Open one" in titles and "Secret one" not in titles
    member = make_viewer("member", secret)
    titles = [c.title for c in community_active_list(user=member, limit=10)]
    assert "Secret one" in titles
    assert all(
        hasattr(c, attr) for c in community_active_list(user=member, limit=1) for attr in ("title", "url", "summary")
    )


@pytest.mark.parametrize("kind", ["open", "restricted", "private"])
def test_a_suspended_member_starting_a_discussion_is_told_until_when_not_sent_a_404(discussion, kind):
    from django.utils import timezone

    from communities.models import Thread

    community, _, _ = discussion(kind)
    suspended = make_viewer("suspended", community)
    until = Membership.objects.get(user=suspended).suspended_until
    client = signed_in(suspended)
    url = f"/communities/{community.slug}/threads/new/"
    for response in (client.get(url), client.post(url, {"title": "Sneaky", "body": "Posted anyway"})):
        assert response.status_code == 403
        assert f"You are suspended until {timezone.localtime(until):%-d %B %Y}" in response.text
        assert 'role="banner"' in response.text  # the site's layout, not a bare error page
        assert "Post discussion" not in response.text and 'name="body"' not in response.text
    assert not Thread.objects.filter(title="Sneaky").exists()
    # Someone who is not a member at all still finds nothing there.
    assert signed_in(UserFactory()).get(url).status_code == 404
