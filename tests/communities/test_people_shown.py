"""People on community pages are shown as their privacy settings allow, never by email address.

A person without a name used to appear as their email address (str(user)) as a thread's
starter, a reply's author, a facilitator, in quotes, reports, notifications and emails; and their
organisation appeared beside their name whatever they had chosen for it.
"""

import pytest

from django.core import mail
from django.test import Client

from accounts.factories import OrganisationFactory, UserFactory
from accounts.models import Visibility
from communities.factories import MembershipFactory, ReplyFactory, ThreadFactory
from communities.models import Access, Frequency, Role
from communities.selectors import notification_list
from communities.services import reply_create

pytestmark = pytest.mark.django_db

EMAIL = "no-name-person@secret.example"
ORGANISATION = "Hidden Borough Council"


@pytest.fixture
def private_person():
    """Someone with no name, their email hidden and their organisation shown only to themselves."""
    person = UserFactory(email=EMAIL, first_name="", last_name="", organisation=OrganisationFactory(name=ORGANISATION))
    person.profile.email_visibility = Visibility.HIDDEN
    person.profile.organisation_visibility = Visibility.HIDDEN
    person.profile.save()
    return person


@pytest.fixture
def community_with_private_person(make_community, private_person):
    community = make_community(Access.OPEN)
    MembershipFactory(community=community, user=private_person, role=Role.FACILITATOR)
    thread = ThreadFactory(community=community, author=private_person, title="Bin rounds in winter")
    reply = ReplyFactory(thread=thread, author=private_person, body="We moved to four-day rounds.")
    return community, thread, reply


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _pages(community, thread, reply):
    slug = community.slug
    return [
        community.url,
        thread.get_absolute_url(),
        f"{thread.get_absolute_url()}?quote={reply.pk}",
        f"/communities/{slug}/members/",
    ]


@pytest.mark.parametrize("viewer_kind", ["anonymous", "member", "facilitator", "site_moderator"])
def test_a_person_without_a_name_is_never_shown_by_email_nor_with_a_hidden_organisation(
    community_with_private_person, viewer_for, viewer_kind
):
    community, thread, reply = community_with_private_person
    viewer = viewer_for(viewer_kind, community)
    client = _client(viewer)
    seen = 0
    for url in _pages(community, thread, reply):
        response = client.get(url)
        if response.status_code != 200:
            continue
        seen += 1
        html = response.content.decode()
        assert EMAIL not in html, url
        assert ORGANISATION not in html, url
    assert seen >= 2
    # The thread page names them as a member.
    assert "Started by A member" in client.get(thread.get_absolute_url()).content.decode()


def test_the_organisation_shows_where_the_person_allows_it(community_with_private_person, private_person, viewer_for):
    community, thread, _ = community_with_private_person
    private_person.profile.organisation_visibility = Visibility.MEMBERS
    private_person.profile.save()
    assert ORGANISATION not in _client().get(thread.get_absolute_url()).content.decode()
    member = viewer_for("member", community)
    assert ORGANISATION in _client(member).get(thread.get_absolute_url()).content.decode()


def test_notifications_and_emails_name_them_without_their_email(
    community_with_private_person, private_person, django_capture_on_commit_callbacks
):
    community, thread, _ = community_with_private_person
    # The thread's author hears of replies, and asked for every post by email.
    follower = UserFactory()
    MembershipFactory(community=community, user=follower, email_frequency=Frequency.IMMEDIATE)
    thread.author = follower
    thread.save()
    with django_capture_on_commit_callbacks(execute=True):
        reply_create(thread=thread, author=private_person, body="Another idea for the winter rounds")
    messages = [notification.message for notification in notification_list(user=follower)]
    assert messages and all(EMAIL not in message for message in messages)
    assert "A member replied to" in messages[0]
    assert mail.outbox, "the follower asked for immediate email"
    assert all(EMAIL not in message.body for message in mail.outbox)
