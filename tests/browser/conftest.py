"""Fixtures for the site-wide browser and header tests: one of each kind of page."""

from dataclasses import dataclass

import pytest

from django.core.cache import cache

from wagtail.embeds.embeds import get_embed_hash
from wagtail.embeds.models import Embed

from accounts.factories import UserFactory
from communities.factories import MembershipFactory, ThreadFactory, community_create
from hub.factories import case_study_create
from hub.services import service_areas_ensure
from marketplace.factories import ProviderFactory, ServiceFactory
from search.factories import person_create

# The live thread test needs real ASGI server processes: the communities' own fixtures.
from tests.communities.conftest import live_db, live_site  # noqa: F401


def embed_cached(url: str, html: str) -> str:
    """An oEmbed answer stored as Wagtail keeps them, so the page renders it offline."""
    Embed.objects.create(
        hash=get_embed_hash(url), url=url, type="video", html=html, title="Our approach", width=480, height=270
    )
    return url


@dataclass
class Tour:
    """The pages a visitor and a member reach, and who to sign in as."""

    public: list[str]
    visitor_only: list[str]
    member_only: list[str]
    admin: list[str]
    case_study_title: str
    member_email: str
    admin_email: str


@pytest.fixture
def tour(home_page) -> Tour:
    """A case study, a community with a thread, people, services and an administrator."""
    cache.clear()
    service_areas_ensure()
    video = embed_cached(
        "https://www.youtube.com/watch?v=kh-demo",
        '<iframe src="https://www.youtube-nocookie.com/embed/kh-demo" width="480" height="270" title="Our approach"></iframe>',
    )
    case_study = case_study_create(
        title="Tenancy sustainment for private renters",
        tags=["prevention"],
        outcomes=[("paragraph", "<p>Fewer households in crisis.</p>"), ("embed", video)],
    )
    community = community_create(title="Homelessness prevention", slug="homelessness-prevention")
    member = UserFactory(email="member@leeds.example", first_name="Alice", last_name="Jones")
    MembershipFactory(community=community, user=member)
    thread = ThreadFactory(community=community, author=member, title="Duty to Refer with probation")
    person_create(first_name="Amelia", last_name="Hartley", job_title="Finance officer", skills=["Finance"])
    provider = ProviderFactory()
    services = [ServiceFactory(provider=provider, name=name) for name in ("Data maturity assessment", "Peer review")]
    UserFactory(email="admin@hub.example", is_staff=True, is_superuser=True)
    compare = "/marketplace/compare/?" + "&".join(f"s={service.slug}" for service in services)
    return Tour(
        public=[
            "/",
            "/good-practice/",
            case_study.url,
            "/communities/",
            community.url,
            thread.get_absolute_url(),
            "/people/?q=finance",
            "/search/?q=tenancy",
            "/marketplace/",
            services[0].get_absolute_url(),
            compare,
        ],
        visitor_only=["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"],
        member_only=[
            "/account/",
            "/account/profile/",
            "/notifications/",
            "/good-practice/submit/",
            "/good-practice/my-submissions/",
            f"/communities/{community.slug}/threads/new/",
            f"{services[0].get_absolute_url()}review/",
            "/marketplace/shortlist/",
        ],
        admin=["/admin/", f"/admin/pages/{case_study.pk}/edit/", "/django-admin/"],
        case_study_title=case_study.title,
        member_email=member.email,
        admin_email="admin@hub.example",
    )
