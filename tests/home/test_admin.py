import pytest

from accounts.factories import UserFactory
from accounts.roles import Role
from accounts.services import councils_load_from_ons, user_set_role


@pytest.fixture
def editor(home_page):
    user = UserFactory()
    user_set_role(user=user, role=Role.SITE_EDITOR)
    return user


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/admin/", "/admin/pages/", "/admin/users/", "/admin/snippets/accounts/organisation/"])
def test_administrators_can_use_the_wagtail_admin_with_email_logins(client, home_page, url):
    admin = UserFactory()
    user_set_role(user=admin, role=Role.ADMINISTRATOR)
    councils_load_from_ons()
    client.force_login(admin)
    response = client.get(url)
    assert response.status_code == 200


@pytest.mark.django_db
def test_the_organisation_list_in_the_admin_filters_councils_by_tier(client, home_page):
    admin = UserFactory()
    user_set_role(user=admin, role=Role.ADMINISTRATOR)
    councils_load_from_ons()
    client.force_login(admin)
    html = client.get("/admin/snippets/accounts/organisation/?tier=county&q=Kent").content.decode()
    assert "Kent" in html
    assert "Adur" not in html


@pytest.mark.django_db
def test_site_editors_reach_the_admin_and_members_are_sent_to_sign_in(client, home_page, editor):
    client.force_login(editor)
    assert client.get("/admin/").status_code == 200
    client.force_login(UserFactory())
    response = client.get("/admin/")
    assert response.status_code == 302
