import pytest

from accounts.factories import UserFactory


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
