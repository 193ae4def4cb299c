import pytest

from django.contrib.auth.models import Group

from accounts.factories import UserFactory
from accounts.roles import MODERATORS_GROUP
from communities.factories import MembershipFactory, community_create
from marketplace.factories import ProviderFactory


@pytest.mark.django_db
def test_your_account_links_to_your_profile_submissions_and_notifications(client, home_page):
    user = UserFactory(first_name="Rhys", last_name="Morgan")
    client.force_login(user)
    html = client.get("/account/").content.decode()
    user.profile.refresh_from_db()
    assert user.profile.handle == "rhys-morgan"
    for href in ["/people/rhys-morgan/", "/account/profile/", "/good-practice/my-submissions/", "/notifications/"]:
        assert f'href="{href}"' in html
    assert client.get("/people/rhys-morgan/").status_code == 200


def test_your_account_asks_visitors_to_sign_in(client, db):
    response = client.get("/account/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_your_account_lists_your_communities_and_their_email_frequency(client, home_page):
    user = UserFactory()
    joined = community_create(title="Digital inclusion")
    MembershipFactory(community=joined, user=user, email_frequency="weekly")
    community_create(title="Council tax and benefits")
    client.force_login(user)
    html = client.get("/account/").content.decode()
    assert "Digital inclusion" in html
    assert "Weekly digest" in html
    assert f'href="/communities/{joined.slug}/email/"' in html
    assert "Council tax and benefits" not in html
    assert "Reports in communities" not in html


@pytest.mark.django_db
def test_moderators_find_every_moderation_queue_from_their_account(client, home_page):
    moderator = UserFactory()
    moderator.groups.add(Group.objects.get_or_create(name=MODERATORS_GROUP)[0])
    client.force_login(moderator)
    html = client.get("/account/").content.decode()
    for href in ["/communities/moderation/", "/good-practice/comments/moderation/", "/marketplace/moderation/"]:
        assert f'href="{href}"' in html


@pytest.mark.django_db
def test_provider_staff_find_their_listings_from_their_account(client, home_page):
    staff, officer = UserFactory(), UserFactory()
    provider = ProviderFactory()
    provider.staff.add(staff)
    client.force_login(staff)
    assert 'href="/marketplace/provider/"' in client.get("/account/").content.decode()
    client.force_login(officer)
    assert 'href="/marketplace/provider/"' not in client.get("/account/").content.decode()
