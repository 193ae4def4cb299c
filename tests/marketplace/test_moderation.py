"""Listings wait for moderation; the approved version stays public while a change waits."""

from decimal import Decimal

import pytest

from django.core import mail
from django.core.exceptions import PermissionDenied

from marketplace.factories import ServiceFactory
from marketplace.models import CONTENT_FIELDS, RevisionStatus, Service
from marketplace.selectors import ServiceFilters, revision_changes, service_search
from marketplace.services import revision_approve, revision_reject, service_submit

LISTING = {
    "name": "Budget resilience clinic",
    "summary": "Two days with your finance team.",
    "description": "We look at your **medium-term plan** together.",
    "category": "financial_resilience",
    "delivery_mode": "on_site",
    "typical_duration": "2 days",
    "price_min": "650",
    "price_max": "£1,200.50",
    "price_unit": "per_day",
    "price_interval": "",
    "vat": "exclusive",
    "council_offer": "",
    "council_offer_details": "",
    "regions_covered": ["london", "wales"],
    "kinds": ["district", "unitary"],
}


def listed_names() -> list[str]:
    return [service.name for service in service_search(filters=ServiceFilters()).services]


def test_a_new_listing_is_not_public_until_a_moderator_approves_it(
    client, home_page, provider, provider_staff, moderator, django_capture_on_commit_callbacks
):
    client.force_login(provider_staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/marketplace/provider/{provider.pk}/services/new/", LISTING)
    assert response.status_code == 302
    service = Service.objects.get()
    assert not service.is_published
    assert "Budget resilience clinic" not in listed_names()
    assert client.get(service.get_absolute_url()).status_code == 404
    assert "Budget resilience clinic" not in client.get("/marketplace/").content.decode()
    assert mail.outbox and moderator.email in mail.outbox[0].to

    with django_capture_on_commit_callbacks(execute=True):
        revision_approve(revision=service.revisions.get(), moderator=moderator)
    service.refresh_from_db()
    assert service.is_published
    assert service.price_max == Decimal("1200.50")
    assert service.region_labels == ["London", "Wales"]
    assert "Budget resilience clinic" in listed_names()
    assert client.get(service.get_absolute_url()).status_code == 200


def test_a_change_waits_while_the_approved_version_stays_public(
    client, provider, provider_staff, moderator, django_capture_on_commit_callbacks
):
    service = ServiceFactory(provider=provider, name="Original name", summary="Original summary")
    client.force_login(provider_staff)
    edit = client.get(f"/marketplace/provider/services/{service.slug}/edit/")
    assert 'value="Original name"' in edit.content.decode()
    response = client.post(
        f"/marketplace/provider/services/{service.slug}/edit/",
        {**LISTING, "name": "Changed name", "summary": "Changed summary"},
    )
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.name == "Original name"
    public = client.get(service.get_absolute_url()).content.decode()
    assert "Original summary" in public and "Changed summary" not in public
    assert listed_names() == ["Original name"]

    revision = service.revisions.get(status=RevisionStatus.PENDING)
    changed = {change.label for change in revision_changes(revision=revision) if change.changed}
    assert {"Service name", "Summary"} <= changed
    with django_capture_on_commit_callbacks(execute=True):
        revision_approve(revision=revision, moderator=moderator)
    service.refresh_from_db()
    assert service.name == "Changed name"
    assert listed_names() == ["Changed name"]
    assert any("Your listing is live" in message.subject for message in mail.outbox)


def test_a_returned_change_leaves_the_public_version_alone(
    provider, provider_staff, moderator, django_capture_on_commit_callbacks
):
    service = ServiceFactory(provider=provider, name="Original name")
    content = {name: getattr(service, name) for name in CONTENT_FIELDS}
    revision = service_submit(
        provider=provider, user=provider_staff, content={**content, "name": "Sneaky rename"}, service=service
    )
    with django_capture_on_commit_callbacks(execute=True):
        revision_reject(revision=revision, moderator=moderator, note="Name must describe the service.")
    service.refresh_from_db()
    revision.refresh_from_db()
    assert service.name == "Original name"
    assert revision.status == RevisionStatus.REJECTED
    assert "Name must describe the service." in mail.outbox[-1].body


def test_a_new_change_replaces_one_still_waiting(provider, provider_staff):
    service = ServiceFactory(provider=provider)
    content = {name: getattr(service, name) for name in CONTENT_FIELDS}
    service_submit(provider=provider, user=provider_staff, content={**content, "name": "First try"}, service=service)
    service_submit(provider=provider, user=provider_staff, content={**content, "name": "Second try"}, service=service)
    assert list(service.revisions.filter(status=RevisionStatus.PENDING).values_list("name", flat=True)) == [
        "Second try"
    ]


def test_only_the_providers_staff_can_submit_and_only_moderators_can_approve(provider, provider_staff, consultant):
    service = ServiceFactory(provider=provider)
    content = {name: getattr(service, name) for name in CONTENT_FIELDS}
    with pytest.raises(PermissionDenied):
        service_submit(provider=provider, user=consultant, content=content, service=service)
    revision = service_submit(provider=provider, user=provider_staff, content=content, service=service)
    with pytest.raises(PermissionDenied):
        revision_approve(revision=revision, moderator=provider_staff)


def test_staff_of_another_provider_cannot_edit_a_listing(client, provider_staff):
    other = ServiceFactory()
    client.force_login(provider_staff)
    assert client.get(f"/marketplace/provider/services/{other.slug}/edit/").status_code == 403
    assert client.post(f"/marketplace/provider/{other.provider_id}/services/new/", LISTING).status_code == 403


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"price_min": "900", "price_max": "600"}, "The minimum price must not be more than the maximum price"),
        ({"price_min": "12.345"}, "Enter the minimum price with no more than 2 decimal places"),
        ({"price_max": "six hundred"}, "Enter the maximum price in pounds and pence, like 650 or 650.50"),
        ({"price_min": "-5"}, "Enter the minimum price as £0 or more"),
        ({"price_unit": ""}, "Select what the price is for"),
        ({"council_offer": "free"}, "Say who the offer is for and who funds it"),
        ({"regions_covered": []}, "Select at least one region or nation"),
    ],
)
def test_listing_form_validates_money_units_and_offers(client, provider, provider_staff, changes, message):
    client.force_login(provider_staff)
    response = client.post(f"/marketplace/provider/{provider.pk}/services/new/", {**LISTING, **changes})
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert "There is a problem" in html
    assert 'value="Budget resilience clinic"' in html
    assert not Service.objects.exists()


def test_moderation_queue_is_for_moderators_only(client, provider, provider_staff, moderator):
    service = ServiceFactory(provider=provider)
    content = {name: getattr(service, name) for name in CONTENT_FIELDS}
    revision = service_submit(
        provider=provider, user=provider_staff, content={**content, "name": "Renamed"}, service=service
    )
    client.force_login(provider_staff)
    assert client.get("/marketplace/moderation/").status_code == 403
    client.force_login(moderator)
    assert "Renamed" in client.get("/marketplace/moderation/").content.decode()
    page = client.get(f"/marketplace/moderation/{revision.pk}/").content.decode()
    assert "Changed" in page
    client.post(f"/marketplace/moderation/{revision.pk}/", {"decision": "approve"})
    service.refresh_from_db()
    assert service.name == "Renamed"


def test_provider_dashboard_shows_what_is_waiting(client, provider, provider_staff):
    service = ServiceFactory(provider=provider, name="Live service")
    content = {name: getattr(service, name) for name in CONTENT_FIELDS}
    service_submit(provider=provider, user=provider_staff, content=content, service=service)
    client.force_login(provider_staff)
    html = client.get("/marketplace/provider/").content.decode()
    assert "Live service" in html and "Waiting for moderation" in html


def test_admins_can_manage_providers_in_wagtail(client, provider, django_user_model):
    admin = django_user_model.objects.create_superuser(email="admin@hub.example", password="x")
    client.force_login(admin)
    response = client.get("/admin/snippets/marketplace/provider/")
    assert response.status_code == 200
    assert provider.organisation.name in response.content.decode()
    assert client.get(f"/admin/snippets/marketplace/provider/edit/{provider.pk}/").status_code == 200
