"""Acceptance 4: digests once per period, matching frequency and membership; unsubscribe."""

import datetime
import io
import re

import pytest

from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from communities import services
from communities.factories import ReplyFactory, ThreadFactory
from communities.models import Frequency, Membership, State
from tests.communities.conftest import make_viewer

pytestmark = pytest.mark.django_db(transaction=True)


def run_digest(frequency: str, now: datetime.datetime) -> None:
    call_command("send_community_digests", frequency=frequency, now=now.isoformat(), stdout=io.StringIO())


def set_frequency(user, frequency):
    Membership.objects.filter(user=user).update(email_frequency=frequency)


def test_two_runs_for_the_same_period_send_one_email(discussion):
    community, _thread, _ = discussion("restricted", title="Waste managers")
    reader = make_viewer("member", community)
    set_frequency(reader, Frequency.DAILY)
    Membership.objects.filter(user=reader).update(created_at=timezone.now() - datetime.timedelta(days=5))
    ThreadFactory(community=community, title="Food waste collections")
    now = timezone.now() + datetime.timedelta(minutes=1)
    run_digest("daily", now)
    run_digest("daily", now + datetime.timedelta(hours=2))
    to_reader = [m for m in mail.outbox if m.to == [reader.email]]
    assert len(to_reader) == 1
    assert "Food waste collections" in to_reader[0].body


def test_digest_content_follows_each_members_frequency_and_membership(discussion):
    community, thread, _ = discussion("private", title="Finance officers")
    other, _other_thread, _ = discussion("open", title="Digital inclusion")
    past = timezone.now() - datetime.timedelta(days=5)
    daily, weekly, never, immediate = (make_viewer("member", community) for _ in range(4))
    for user, frequency in ((daily, "daily"), (weekly, "weekly"), (never, "none"), (immediate, "immediate")):
        set_frequency(user, frequency)
    removed = make_viewer("member", community)
    set_frequency(removed, "daily")
    Membership.objects.filter(user=removed).update(state=State.REMOVED)
    outsider = make_viewer("member", other)
    set_frequency(outsider, "daily")
    Membership.objects.update(created_at=past)
    ThreadFactory(community=community, title="Section 114 risk register")
    ReplyFactory(thread=thread, body="Our reserves policy")
    ThreadFactory(community=other, title="Device lending libraries")
    author = make_viewer("member", community)
    set_frequency(author, "daily")
    Membership.objects.filter(user=author).update(created_at=past)
    ThreadFactory(community=community, author=author, title="My own thread")

    run_digest("daily", timezone.now() + datetime.timedelta(minutes=1))
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert set(by_recipient) == {daily.email, outsider.email, author.email}
    assert "Section 114 risk register" in by_recipient[daily.email].body
    assert "Device lending libraries" not in by_recipient[daily.email].body
    assert "Device lending libraries" in by_recipient[outsider.email].body
    assert "Section 114 risk register" not in by_recipient[outsider.email].body
    assert "My own thread" not in by_recipient[author.email].body

    mail.outbox.clear()
    run_digest("weekly", timezone.now() + datetime.timedelta(minutes=1))
    assert [m.to for m in mail.outbox] == [[weekly.email]]


def test_unsubscribe_link_works_without_signing_in_and_only_for_that_recipient(discussion):
    community, thread, _ = discussion("open")
    first = make_viewer("member", community)
    second = make_viewer("member", community)
    for user in (first, second):
        set_frequency(user, Frequency.IMMEDIATE)
    author = make_viewer("member", community)
    services.reply_create(thread=thread, author=author, body="Hello all")
    message = next(m for m in mail.outbox if m.to == [first.email])
    link = re.search(r"(http\S+/communities/unsubscribe/\S+/)", message.body).group(1)
    assert message.extra_headers["List-Unsubscribe"] == f"<{link}>"
    path = link.split("testserver", 1)[1]
    anonymous = Client()
    assert "Stop email about" in anonymous.get(path).text
    response = anonymous.post(path)  # what a mail client's one-click POST does
    assert response.status_code == 200 and "You are unsubscribed" in response.text
    assert Membership.objects.get(user=first).email_frequency == Frequency.NONE
    assert Membership.objects.get(user=second).email_frequency == Frequency.IMMEDIATE
    # A tampered token does nothing.
    assert anonymous.post(path[:-3] + "xx/").status_code == 404
