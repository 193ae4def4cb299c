"""In a browser (issue 16 point 10): a provider changes one field through the edit form, and the
moderator's diff marks only that field, in the public page's labels and money, with axe clean."""

from decimal import Decimal

import pytest

from django.test import Client

from marketplace.factories import ServiceFactory
from marketplace.pricing import PriceUnit, VatHandling

pytestmark = [pytest.mark.browser]


def sign_in(page, base_url: str, user) -> None:
    """Give the tab a session for `user` (the sign-in form has its own browser tests)."""
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}])


def test_the_diff_marks_only_the_changed_field_in_the_public_pages_words(
    page, live_server, axe, provider, provider_staff, moderator
):
    service = ServiceFactory(
        provider=provider,
        name="Scrutiny review",
        description="We meet your members.\n\nThen we report.",
        price_min=Decimal("55300.00"),
        price_max=Decimal(60000),
        price_unit=PriceUnit.FIXED,
        vat=VatHandling.EXCLUSIVE,
    )
    sign_in(page, live_server.url, provider_staff)
    page.goto(f"/marketplace/provider/services/{service.slug}/edit/")
    # Everything else goes back exactly as the form shows it (money as the form formats it).
    page.get_by_label("Summary").fill("Now with a follow-up visit after six months.")
    page.get_by_role("button", name="Send for moderation").click()
    page.locator(".govuk-notification-banner").wait_for()

    sign_in(page, live_server.url, moderator)
    page.goto("/marketplace/moderation/")
    page.get_by_role("link", name="Scrutiny review").click()
    page.get_by_role("heading", name="Change to Scrutiny review").wait_for()
    rows = page.locator("table tbody tr")
    changed = [
        row.locator("th").inner_text().replace("Changed", "").strip()
        for row in rows.all()
        if row.locator("strong.govuk-tag", has_text="Changed").count()
    ]
    assert changed == ["Summary"]
    text = page.locator("main").inner_text()
    assert "£55,300" in text and "£60,000" in text and "plus VAT" in text
    for raw in ("55300", "Price min", "Vat "):
        assert raw not in text
    axe(page, "moderation diff")
