"""The moderation diff marks only what a provider really changed, in the public page's words."""

import re
from decimal import Decimal

from marketplace.factories import ServiceFactory
from marketplace.models import CONTENT_FIELDS, REGIONS, RevisionStatus
from marketplace.pricing import PriceUnit, VatHandling
from marketplace.selectors import LISTING_FIELD_LABELS, revision_changes
from marketplace.services import service_submit

CHANGED_ROW = re.compile(r'<th scope="row" class="govuk-table__header">([^<]+) <strong class="govuk-tag')


def edit_form(service, **changes) -> dict:
    """The provider's edit form as a browser posts it back: CRLF line ends, money as typed."""
    return {
        "name": service.name,
        "summary": service.summary,
        "description": service.description.replace("\n", "\r\n"),
        "category": service.category,
        "delivery_mode": service.delivery_mode,
        "typical_duration": service.typical_duration,
        "price_min": "55,300",
        "price_max": "£60000.00",
        "price_unit": service.price_unit,
        "price_interval": service.price_interval,
        "vat": service.vat,
        "council_offer": service.council_offer,
        "council_offer_details": service.council_offer_details,
        # Ticked in another order than the form lists them.
        "regions_covered": [code for code, _label in reversed(REGIONS)],
        "kinds": ["fire_and_rescue", "county", "district", "unitary", "welsh", "combined_authority"],
        **changes,
    }


def test_every_listing_field_has_a_row_in_the_diff():
    assert set(LISTING_FIELD_LABELS) == set(CONTENT_FIELDS)


def test_a_change_saved_through_the_form_marks_only_the_field_that_changed(client, provider, provider_staff, moderator):
    service = ServiceFactory(
        provider=provider,
        description="We meet your team.\n\nThen we report.",
        price_min=Decimal("55300.00"),
        price_max=Decimal(60000),
        price_unit=PriceUnit.FIXED,
        vat=VatHandling.EXCLUSIVE,
    )
    client.force_login(provider_staff)
    response = client.post(
        f"/marketplace/provider/services/{service.slug}/edit/",
        edit_form(service, summary="Now with a follow-up visit.", typical_duration="  6   weeks "),
    )
    assert response.status_code == 302
    revision = service.revisions.get(status=RevisionStatus.PENDING)
    assert [change.label for change in revision_changes(revision=revision) if change.changed] == ["Summary"]

    client.force_login(moderator)
    html = client.get(f"/marketplace/moderation/{revision.pk}/").content.decode()
    assert CHANGED_ROW.findall(html) == ["Summary"]
    # Labels and money as the public service page words them, never field names or raw numbers.
    for label in ("Minimum price", "Maximum price", "VAT", "What the price is for", "Covers"):
        assert f">{label}<" in html or f">{label} <" in html
    assert "Vat" not in html and "Price min" not in html
    assert "£55,300" in html and "£60,000" in html
    assert "55300" not in html and "60000.00" not in html
    assert "fixed price" in html and "plus VAT" in html and "All of the UK" in html
    # The description rendered from Markdown, as the public page shows it.
    assert '<p class="govuk-body">We meet your team.</p>' in html


def test_a_price_change_is_marked_and_shown_in_pounds(provider, provider_staff):
    service = ServiceFactory(provider=provider, price_min=Decimal("500.00"), price_max=Decimal("800.00"))
    content = {name: getattr(service, name) for name in CONTENT_FIELDS}
    revision = service_submit(
        provider=provider, user=provider_staff, content={**content, "price_max": Decimal("850.50")}, service=service
    )
    changes = {change.label: change for change in revision_changes(revision=revision)}
    assert [label for label, change in changes.items() if change.changed] == ["Maximum price"]
    assert (changes["Maximum price"].current, changes["Maximum price"].proposed) == ("£800", "£850.50")


def test_a_new_listing_shows_every_field_as_new(provider, provider_staff):
    service = ServiceFactory(provider=provider, is_published=False)
    content = {name: getattr(service, name) for name in CONTENT_FIELDS}
    revision = service_submit(provider=provider, user=provider_staff, content=content, service=service)
    changes = revision_changes(revision=revision)
    assert all(change.changed and change.current == "" for change in changes)
