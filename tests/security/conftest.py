"""Fixtures of the robustness walk (prefixed `walk_`): one set of real objects for the module.

The data is made once, inside a transaction of its own that is rolled back when the module
ends, so the other modules still start from an empty database; each test then runs inside a
savepoint of it (pytest-django's `db`), and the walker wraps each request in one more.
"""

import pytest

from django.db import transaction


@pytest.fixture(scope="module")
def walk_world(django_db_setup, django_db_blocker):
    """Every object a detail page needs, and the people who walk them: {"samples", "users", "extra"}."""
    with django_db_blocker.unblock(), transaction.atomic():
        world = _build()
        try:
            yield world
        finally:
            transaction.set_rollback(True)
            from marketplace.services import listing_changed

            listing_changed()


def _build() -> dict:
    from allauth.account.forms import default_token_generator
    from allauth.account.models import EmailAddress, EmailConfirmationHMAC
    from allauth.account.utils import user_pk_to_url_str

    from accounts.factories import UserFactory
    from accounts.roles import Role as SiteRole
    from accounts.services import user_set_role
    from communities import services as community_services
    from communities.emails import unsubscribe_token
    from communities.factories import MembershipFactory, ReplyFactory, ThreadFactory, community_create
    from communities.models import Access, Role
    from home.models import StandardPage
    from home.services import site_structure_ensure
    from hub.factories import CommentFactory, case_study_create
    from hub.models import GoodPracticeIndexPage, ServiceArea
    from hub.services import review_workflow_ensure, service_areas_ensure
    from marketplace.factories import ProviderFactory, ReviewFactory, ServiceFactory
    from marketplace.models import CONTENT_FIELDS, MarketplaceIndexPage
    from marketplace.services import listing_changed, service_ratings_refresh, service_submit
    from search.factories import person_create
    from search.models import PeopleIndexPage

    home = site_structure_ensure()
    service_areas_ensure()
    library = GoodPracticeIndexPage.objects.get()
    review_workflow_ensure(index=library)

    member = UserFactory(email="walk-member@council.example")
    community_moderator = UserFactory(email="walk-community-moderator@council.example")
    site_moderator = UserFactory(email="walk-site-moderator@council.example")
    user_set_role(user=site_moderator, role=SiteRole.MODERATOR)
    admin = UserFactory(email="walk-admin@council.example")
    user_set_role(user=admin, role=SiteRole.ADMINISTRATOR)

    case_study = case_study_create(
        index=library,
        title="Walking the library",
        service_area=ServiceArea.objects.get(slug="housing"),
        tags=["walker-theme"],
        owner=member,
    )
    submission = case_study_create(index=library, title="A draft submission", owner=member, live=False)
    comment = CommentFactory(content_object=case_study, comment="A comment to reply to")

    community = community_create(title="Walking community", slug="walking-community", access=Access.OPEN)
    membership = MembershipFactory(community=community, user=member)
    MembershipFactory(community=community, user=community_moderator, role=Role.MODERATOR)
    facilitator = UserFactory()
    MembershipFactory(community=community, user=facilitator, role=Role.FACILITATOR)
    thread = ThreadFactory(community=community, author=member, title="A thread to walk")
    reply = ReplyFactory(thread=thread, author=member, body="A reply to quote")
    report = community_services.report_create(reporter=community_moderator, thread=thread, reply=reply, reason="Spam")
    invitation = community_services.membership_invite(
        community=community, actor=facilitator, email="walk-invitee@council.example"
    )

    provider = ProviderFactory()
    service = ServiceFactory(provider=provider, name="Walking service", slug="walking-service")
    review = ReviewFactory(service=service)
    service_ratings_refresh(service=service)
    staff = UserFactory(organisation=provider.organisation)
    provider.staff.add(staff)
    content = {name: getattr(service, name) for name in CONTENT_FIELDS}
    revision = service_submit(provider=provider, user=staff, content={**content, "name": "Renamed"}, service=service)
    listing_changed()

    person = person_create(first_name="Walker", last_name="Robust", job_title="Tester", skills=["Data"])

    address = EmailAddress.objects.get(user=member)
    confirmation = EmailConfirmationHMAC(address)

    standard = StandardPage.objects.live().first()
    samples = {
        "home.url": home.url,
        "standard.url": standard.url,
        "standard.path": standard.url.strip("/") + "/",
        "library.url": library.url,
        "library.tag.url": f"{library.url}tags/walker-theme/",
        "library.rss.url": f"{library.url}feeds/rss/",
        "library.atom.url": f"{library.url}feeds/atom/",
        "case_study.url": case_study.url,
        "case_study.path": case_study.url.strip("/") + "/",
        "case_study.id": str(case_study.pk),
        "submission.id": str(submission.pk),
        "submission.step": "about",
        "comment.id": str(comment.pk),
        "hub.moderation.url": "/good-practice/comments/moderation/",
        "communities.url": community.get_parent().url,
        "community.url": community.url,
        "community.slug": community.slug,
        "community.members.url": f"/communities/{community.slug}/members/",
        "membership.id": str(membership.pk),
        "membership.action": "remove",
        "thread.id": str(thread.pk),
        "thread.url": thread.get_absolute_url(),
        "reply.id": str(reply.pk),
        "report.id": str(report.pk),
        "invitation.token": str(invitation.token),
        "unsubscribe.token": unsubscribe_token(membership.pk),
        "library_file.id": "1",  # no file is stored (files live on disk outside the test database)
        "document.id": "1",
        "document.filename": "walk.pdf",
        "restriction.id": "1",
        "email.key": confirmation.key,
        "reset.uidb36": user_pk_to_url_str(member),
        "reset.key": default_token_generator.make_token(member),
        "person.handle": person.handle,
        "marketplace.url": MarketplaceIndexPage.objects.get().url,
        "marketplace.shortlist.url": "/marketplace/shortlist/",
        "marketplace.moderation.url": "/marketplace/moderation/",
        "service.slug": service.slug,
        "service.url": f"/marketplace/services/{service.slug}/",
        "service.id": str(service.pk),
        "review.id": str(review.pk),
        "provider.id": str(provider.pk),
        "revision.id": str(revision.pk),
        "people.url": PeopleIndexPage.objects.get().url,
    }
    users = {
        "anonymous": None,
        "member": member,
        "community_moderator": community_moderator,
        "site_moderator": site_moderator,
    }
    # People who walk only the views that are theirs alone (Route.roles, the admin subset).
    extra = {"administrator": admin, "provider_staff": staff}
    # Apps with their own part of the walk (tests/<app>/walk.py) make their objects here.
    from tests.security.walker import walk_plugins

    for plugin in walk_plugins():
        if hasattr(plugin, "world"):
            made = plugin.world(users={**users, "administrator": admin})
            samples.update(made.get("samples", {}))
            extra.update(made.get("extra", {}))
    return {"samples": samples, "users": users, "extra": extra}
