"""A live reply is fetched as the thread page renders it for the viewer: one template, per viewer."""

import re

import pytest

from django.test import Client

from accounts.factories import UserFactory
from accounts.models import Organisation
from communities.factories import MembershipFactory, ReplyFactory, ThreadFactory
from tests.communities.conftest import make_viewer

pytestmark = pytest.mark.django_db


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _item(html: str, reply_id: int) -> str:
    match = re.search(rf'<li class="kh-reply" id="reply-{reply_id}".*?</li>', html, re.DOTALL)
    return re.sub(r"\s+", " ", match.group(0)) if match else ""


@pytest.fixture
def reply(make_community):
    community = make_community("private")
    organisation = Organisation.objects.first()
    author = UserFactory(first_name="Bob", last_name="Hale", organisation=organisation)
    MembershipFactory(community=community, user=author)
    thread = ThreadFactory(community=community)
    return ReplyFactory(thread=thread, author=author, body="Has anyone used the *Duty to Refer*?")


@pytest.mark.parametrize("kind", ["member", "moderator"])
def test_the_fragment_is_the_reply_exactly_as_the_reloaded_thread_page_shows_it(reply, kind):
    community, thread = reply.thread.community, reply.thread
    viewer = make_viewer(kind, community)
    page = _client(viewer).get(thread.get_absolute_url()).content.decode()
    fragment = _client(viewer).get(f"{thread.get_absolute_url()}replies/{reply.pk}/")
    assert fragment.status_code == 200
    expected = _item(page, reply.pk)
    assert expected and _item(fragment.content.decode(), reply.pk) == expected
    # The links a reloaded page shows: Quote and Report.
    assert "?quote=" in expected and "/report/" in expected


def test_outsiders_get_no_fragment_of_a_private_communitys_reply(reply):
    thread = reply.thread
    url = f"{thread.get_absolute_url()}replies/{reply.pk}/"
    assert _client().get(url).status_code == 404
    assert _client(make_viewer("non_member", thread.community)).get(url).status_code == 404


def test_a_removed_reply_is_fetched_as_its_placeholder_never_its_words(reply):
    reply.state = "removed"
    reply.save(update_fields=["state"])
    thread = reply.thread
    member = make_viewer("member", thread.community)
    html = _client(member).get(f"{thread.get_absolute_url()}replies/{reply.pk}/").content.decode()
    assert "Duty to Refer" not in html
    assert "Reply removed by a moderator." in html
