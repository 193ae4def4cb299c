import pytest

from accounts.factories import UserFactory
from communities.factories import MembershipFactory, community_create
from communities.models import Notification, NotificationKind

SECTION_URLS = ["/", "/good-practice/", "/communities/", "/people/", "/marketplace/"]
FOOTER_URLS = ["/accessibility/", "/cookies/", "/privacy/", "/credits/"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        *SECTION_URLS,
        *FOOTER_URLS,
        "/search/?q=housing",
        "/accounts/login/",
        "/accounts/signup/",
    ],
)
def test_every_public_page_answers_with_one_h1_landmarks_and_a_skip_link(client, home_page, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert '<main class="govuk-main-wrapper" id="main-content"' in html
    assert 'href="#main-content" class="govuk-skip-link"' in html
    assert "<header" in html and "<footer" in html


@pytest.mark.django_db
def test_navigation_marks_the_current_section(client, home_page):
    html = client.get("/communities/").content.decode()
    assert 'href="/communities/" aria-current="true"' in html
    assert 'href="/marketplace/" aria-current' not in html


@pytest.mark.django_db
def test_site_structure_can_be_ensured_twice_without_duplicates(home_page):
    from wagtail.models import Page

    from home.services import site_structure_ensure

    before = Page.objects.count()
    site_structure_ensure()
    assert Page.objects.count() == before


@pytest.mark.django_db
def test_credits_page_attributes_the_ons_data_under_the_open_government_licence(client, home_page):
    html = client.get("/credits/").content.decode()
    assert "Office for National Statistics" in html
    assert "Open Government Licence v3.0" in html


@pytest.mark.django_db
def test_unknown_page_is_a_friendly_404(client, home_page):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_admin_login_page_answers(client, db, home_page):
    assert client.get("/admin/login/").status_code == 200


@pytest.mark.django_db
def test_the_header_shows_unread_notifications_only_to_their_recipient(client, home_page):
    member, other = UserFactory(), UserFactory()
    community = community_create(title="Digital inclusion")
    MembershipFactory(community=community, user=member)
    for text in ["Asha mentioned you", "Tom replied to your thread"]:
        Notification.objects.create(
            recipient=member, kind=NotificationKind.MENTION, community=community, text=text, url=community.url
        )

    shown = '<span class="kh-count" data-live-badge-count><span data-live-badge-number>{}</span>'
    # At nought the count is there (for live updates to fill in) but hidden.
    hidden = '<span class="kh-count" data-live-badge-count hidden><span data-live-badge-number>0</span>'
    client.force_login(member)
    html = client.get("/good-practice/").content.decode()
    assert shown.format(2) + '<span class="govuk-visually-hidden"> unread</span>' in html
    assert 'data-live-badge="/ws/notifications/"' in html
    client.post("/notifications/")  # mark all as read
    assert hidden in client.get("/good-practice/").content.decode()

    client.force_login(other)
    assert hidden in client.get("/good-practice/").content.decode()
    client.logout()
    html = client.get("/good-practice/").content.decode()
    assert "data-live-badge" not in html and " unread</span>" not in html


@pytest.mark.django_db
def test_the_wagtail_user_bar_is_offered_to_editors_and_administrators_only(client, home_page):
    from accounts.roles import Role
    from accounts.services import user_set_role

    member, editor, admin = UserFactory(), UserFactory(), UserFactory()
    user_set_role(user=editor, role=Role.SITE_EDITOR)
    user_set_role(user=admin, role=Role.ADMINISTRATOR)
    for user, shown in ((member, False), (editor, True), (admin, True)):
        client.force_login(user)
        assert ("wagtail-userbar" in client.get("/").content.decode()) is shown
