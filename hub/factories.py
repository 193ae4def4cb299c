"""Factories for case studies, votes and comments: used by tests and by `seed_demo`."""

import factory
from django_comments_xtd.models import XtdComment
from factory.django import DjangoModelFactory

from django.contrib.sites.models import Site
from django.utils import timezone
from django.utils.text import slugify

from accounts.factories import CouncilFactory, UserFactory
from hub.models import GoodPracticeIndexPage, GoodPracticePage, ServiceArea, UsefulVote


class ServiceAreaFactory(DjangoModelFactory):
    class Meta:
        model = ServiceArea
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Service area {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


def case_study_create(
    *,
    index: GoodPracticeIndexPage | None = None,
    title: str = "Case study",
    summary: str = "What we did and what changed.",
    service_area: ServiceArea | None = None,
    organisations=None,
    tags: list[str] | None = None,
    owner=None,
    live: bool = True,
    **fields,
) -> GoodPracticePage:
    """A case study placed under the library, published unless `live=False`.

    Wagtail pages have to be added to the tree through their parent, so this is a function
    rather than a DjangoModelFactory.
    """
    index = index or GoodPracticeIndexPage.objects.get()
    service_area = service_area or ServiceAreaFactory()
    organisations = organisations if organisations is not None else [CouncilFactory()]
    fields.setdefault("challenge", "The problem we faced.")
    fields.setdefault("approach", "The steps we took.")
    fields.setdefault("outcomes", [("paragraph", "<p>Fewer households in crisis.</p>")])
    fields.setdefault("cost", "£10,000")
    fields.setdefault("timescale", "Six months")
    page = GoodPracticePage(
        title=title,
        slug=fields.pop("slug", None) or f"{slugify(title)[:50]}-{GoodPracticePage.objects.count() + 1}",
        summary=summary,
        service_area=service_area,
        owner=owner,
        contact=owner,
        live=live,
        **fields,
    )
    page.organisations = list(organisations)
    if tags:
        page.tags.set(tags)
    index.add_child(instance=page)
    revision = page.save_revision(user=owner)
    if live:
        revision.publish()
        page.refresh_from_db()
    return page


class UsefulVoteFactory(DjangoModelFactory):
    class Meta:
        model = UsefulVote

    user = factory.SubFactory(UserFactory)


class CommentFactory(DjangoModelFactory):
    """A top-level comment; pass parent_id for a reply (XtdComment works out the thread)."""

    class Meta:
        model = XtdComment

    user = factory.SubFactory(UserFactory)
    user_name = factory.LazyAttribute(lambda o: str(o.user)[:50])
    user_email = factory.LazyAttribute(lambda o: o.user.email)
    comment = factory.Faker("paragraph", locale="en_GB")
    site = factory.LazyFunction(Site.objects.get_current)
    submit_date = factory.LazyFunction(timezone.now)
    is_public = True
    is_removed = False
