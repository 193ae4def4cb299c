"""Factories for communities, used by tests and by the demo data."""

import factory
from factory.django import DjangoModelFactory

from accounts.factories import UserFactory
from communities.models import (
    Access,
    CommunityIndexPage,
    CommunityPage,
    Membership,
    Reply,
    Role,
    State,
    Thread,
)
from communities.rendering import render_markdown


def community_create(**kwargs) -> CommunityPage:
    """A live community under the directory (the page tree must exist)."""
    from django.utils.text import slugify

    index = CommunityIndexPage.objects.get()
    title = kwargs.pop("title", None) or factory.Faker("catch_phrase").evaluate(None, None, {"locale": "en_GB"})
    slug = kwargs.pop("slug", None) or slugify(title)
    defaults = {"summary": f"People working on {title.lower()}.", "access": Access.OPEN}
    defaults.update(kwargs)
    return index.add_child(instance=CommunityPage(title=title, slug=slug, **defaults))


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Role.MEMBER
    state = State.ACTIVE


class ThreadFactory(DjangoModelFactory):
    class Meta:
        model = Thread

    author = factory.SubFactory(UserFactory)
    title = factory.Faker("sentence", nb_words=6)
    body = factory.Faker("paragraph")
    body_html = factory.LazyAttribute(lambda thread: render_markdown(thread.body))


class ReplyFactory(DjangoModelFactory):
    class Meta:
        model = Reply

    thread = factory.SubFactory(ThreadFactory)
    author = factory.SubFactory(UserFactory)
    body = factory.Faker("paragraph")
    body_html = factory.LazyAttribute(lambda reply: render_markdown(reply.body))
