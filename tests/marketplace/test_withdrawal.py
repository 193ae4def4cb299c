"""Providers' staff withdraw a listing after confirming, and re-submit it for moderation."""

import pytest

from django.core.exceptions import PermissionDenied

from marketplace.factories import ReviewFactory, ServiceFactory
from marketplace.models import CONTENT_FIELDS, RevisionStatus, Service
from marketplace.selectors import ServiceFilters, service_search
from marketplace.services import (
    revision_approve,
    service_ratings_refresh,
    service_submit,
    service_withdraw,
)
from tests.marketplace.conftest import review_of


def listed_names() -> list[str]:
    return [service.name for service in service_search(filters=ServiceFilters()).services]


@pytest.fixture
def live(provider, home_page):
    service = ServiceFactory(provider=provider, name="Budget clinic")
    ReviewFactory(service=service)
    service_ratings_refresh(service=service)
    return service


def withdraw_url(service) -> str:
    return f"/marketplace/provider/services/{service.slug}/withdraw/"


def test_withdrawing_asks_for_confirmation_first(client, live, provider_staff):
    client.force_login(provider_staff)
    page = client.get(withdraw_url(live)).content.decode()
    assert "Are you sure you want to withdraw “Budget clinic”?" in page
    assert "Withdraw listing" in page and "Cancel" in page
    live.refresh_from_db()
    assert live.is_listed, "looking at the confirmation page withdraws nothing"


def test_a_withdrawn_listing_leaves_the_listing_its_page_comparison_and_shortlists(
    client, live, provider_staff, django_capture_on_commit_callbacks
):
    other = ServiceFactory(name="Still listed")
    client.post("/marketplace/shortlist/add/", {"service": live.pk}, follow=True)
    assert sorted(listed_names()) == ["Budget clinic", "Still listed"]
    client.force_login(provider_staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(withdraw_url(live), follow=True)
    assert response.redirect_chain == [("/marketplace/provider/", 302)]
    dashboard = response.content.decode()
    assert "“Budget clinic” is withdrawn from the marketplace" in dashboard
    assert "Withdrawn" in dashboard and "Re-submit" in dashboard
    live.refresh_from_db()
    assert live.withdrawn and live.withdrawn_at is not None and not live.is_listed
    assert listed_names() == ["Still listed"]
    assert "Budget clinic" not in client.get("/marketplace/").content.decode()
    assert client.get(live.get_absolute_url()).status_code == 404
    compare = client.get(f"/marketplace/compare/?s={live.slug}&s={other.slug}").content.decode()
    assert "Still listed" in compare and "Budget clinic" not in compare
    assert "Budget clinic" not in client.get("/marketplace/shortlist/").content.decode()
    assert client.post("/marketplace/shortlist/add/", {"service": live.pk}).status_code == 404


def test_nobody_reviews_a_withdrawn_service(live, provider_staff, council_officer):
    service_withdraw(service=live, user=provider_staff)
    with pytest.raises(PermissionDenied):
        review_of(Service.objects.get(pk=live.pk), council_officer)


def test_only_the_providers_staff_can_withdraw(client, live, consultant, moderator):
    for user in (consultant, moderator):
        client.force_login(user)
        assert client.get(withdraw_url(live)).status_code == 403
        assert client.post(withdraw_url(live)).status_code == 403
    live.refresh_from_db()
    assert live.is_listed


def test_withdrawing_cancels_a_change_waiting_for_moderation(client, live, provider, provider_staff):
    content = {name: getattr(live, name) for name in CONTENT_FIELDS}
    service_submit(provider=provider, user=provider_staff, content={**content, "name": "Renamed"}, service=live)
    client.force_login(provider_staff)
    assert "the change you sent for moderation will be cancelled" in client.get(withdraw_url(live)).content.decode()
    client.post(withdraw_url(live))
    assert not live.revisions.filter(status=RevisionStatus.PENDING).exists()


def test_a_resubmitted_listing_returns_with_its_reviews_once_approved(
    client, live, provider_staff, moderator, django_capture_on_commit_callbacks
):
    client.force_login(provider_staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(withdraw_url(live))
    edit = client.get(f"/marketplace/provider/services/{live.slug}/edit/").content.decode()
    assert "Re-submit Budget clinic" in edit
    form = {name: getattr(live, name) for name in CONTENT_FIELDS if name not in ("regions", "kinds_served")}
    form = {
        **{k: ("" if v is None else v) for k, v in form.items()},
        "regions_covered": ["london"],
        "kinds": ["district"],
    }
    response = client.post(f"/marketplace/provider/services/{live.slug}/edit/", form, follow=True)
    assert "re-submitted for moderation" in response.content.decode()
    revision = live.revisions.get(status=RevisionStatus.PENDING)
    assert listed_names() == [], "not listed again until a moderator approves"
    with django_capture_on_commit_callbacks(execute=True):
        revision_approve(revision=revision, moderator=moderator)
    live.refresh_from_db()
    assert live.is_listed and live.withdrawn_at is None
    assert live.review_count == 1
    assert listed_names() == ["Budget clinic"]
    assert client.get(live.get_absolute_url()).status_code == 200
