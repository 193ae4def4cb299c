"""The Wagtail admin makes no request to Gravatar: a third party must not learn who edits the
site (a hash of their email) without consent, and offline it leaves broken images."""

import pytest

from accounts.factories import UserFactory


@pytest.mark.django_db
def test_admin_pages_contain_no_gravatar_url(client, home_page):
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    for url in ("/admin/", f"/admin/pages/{home_page.pk}/edit/", "/admin/account/", "/admin/users/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "gravatar" not in response.content.decode().lower(), url
