"""An officer filters, shortlists three services, compares them and downloads the CSV."""

import csv
import io
from decimal import Decimal
from urllib.parse import urlsplit

import pytest

from django.conf import settings

from accounts.factories import UserFactory
from marketplace.factories import ProviderFactory, ServiceFactory
from marketplace.models import Category
from marketplace.pricing import PriceUnit, VatHandling

pytestmark = [pytest.mark.browser]

PASSWORD = "correct-horse-battery"


@pytest.fixture
def services(home_page):
    provider = ProviderFactory()
    data = [
        ServiceFactory(
            provider=provider,
            name="Data maturity assessment",
            category=Category.DATA,
            price_min=Decimal(600),
            price_max=Decimal(800),
            price_unit=PriceUnit.PER_DAY,
            vat=VatHandling.EXCLUSIVE,
        ),
        ServiceFactory(
            provider=provider,
            name="Insight training course",
            category=Category.DATA,
            price_min=Decimal(120),
            price_max=Decimal(120),
            price_unit=PriceUnit.PER_PERSON,
            vat=VatHandling.INCLUSIVE,
        ),
        ServiceFactory(
            provider=provider,
            name="Benchmarking report",
            category=Category.DATA,
            price_min=Decimal(4000),
            price_max=Decimal(4000),
            price_unit=PriceUnit.FIXED,
            vat=VatHandling.NOT_CHARGED,
        ),
    ]
    ServiceFactory(provider=provider, name="Leadership programme", category=Category.LEADERSHIP)
    return data


def test_filter_shortlist_three_compare_and_export_csv(page, axe, services, live_server):
    page.goto("/marketplace/")
    page.get_by_role("heading", name="4 services").wait_for()
    axe(page, "marketplace listing")

    page.get_by_label("Data and insight").check()
    page.get_by_label("Days").fill("5")
    page.get_by_role("button", name="Apply filters").click()
    page.get_by_role("heading", name="3 services").wait_for()
    assert "category=data" in page.url and "days=5" in page.url
    assert page.get_by_role("link", name="Leadership programme").count() == 0

    for service in services:
        result = page.locator("li.marketplace-result", has=page.get_by_role("link", name=service.name, exact=True))
        result.get_by_role("button", name="Add to shortlist").click()
        page.get_by_text(f"“{service.name}” added to your shortlist").wait_for()
    # The filters survive adding to the shortlist.
    assert "category=data" in page.url

    page.get_by_role("link", name="Your shortlist (3 of 4)").click()
    page.get_by_role("link", name="Compare these services").click()
    table = page.locator("table.marketplace-compare")
    table.wait_for()
    assert table.locator("thead th").count() == 3
    # Costed for the 5 days: 5 x £600-£800 plus VAT.
    assert "£3,600 to £4,800" in table.inner_text()
    assert "Priced per person: give the number of people to compare it" in table.inner_text()
    axe(page, "compare page")

    # The comparison is reproduced from its URL alone, in a fresh browser context.
    # The link is the public address (SITE_URL); the fresh context opens its path and query on
    # the live test server.
    shared = urlsplit(page.get_by_label("Link to this comparison").input_value())
    assert f"{shared.scheme}://{shared.netloc}" == settings.SITE_URL
    other = page.context.browser.new_context(base_url=live_server.url)
    try:
        fresh = other.new_page()
        fresh.goto(f"{shared.path}?{shared.query}")
        assert fresh.locator("table.marketplace-compare thead th").count() == 3
        assert "£3,600 to £4,800" in fresh.locator("table.marketplace-compare").inner_text()
    finally:
        other.close()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download as a spreadsheet (CSV)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    rows = list(csv.DictReader(io.StringIO(open(download.path(), encoding="utf-8-sig").read())))  # noqa: SIM115
    assert [row["Service"] for row in rows] == [service.name for service in services]
    assert rows[0]["Cost for need, low (GBP, incl. VAT where charged)"] == "3600.00"
    assert rows[0]["Need priced"] == "5 days"
    assert rows[1]["Cost note"] == "Priced per person: give the number of people to compare it"
    assert rows[2]["Cost for need, high (GBP, incl. VAT where charged)"] == "4000.00"


def test_service_page_and_review_form_with_errors_are_accessible(page, axe, services):
    UserFactory(email="officer@council.example")
    service = services[0]
    page.goto(service.get_absolute_url())
    page.get_by_role("heading", name=service.name, level=1).wait_for()
    axe(page, "service page")

    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("officer@council.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Your account").wait_for()

    page.goto(service.get_absolute_url())
    page.get_by_role("link", name="Review this service").click()
    page.get_by_label("Your review").fill("Useful, but the report came late.")
    page.get_by_role("button", name="Publish review").click()
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert "Select a rating for customer experience" in summary.inner_text()
    assert page.get_by_label("Your review").input_value() == "Useful, but the report came late."
    axe(page, "review form with errors")


def sign_in(page, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Your account").wait_for()


def test_staff_confirm_before_withdrawing_a_listing(page, axe, services):
    staff = UserFactory(email="staff@provider.example", organisation=services[0].provider.organisation)
    services[0].provider.staff.add(staff)
    sign_in(page, "staff@provider.example")
    page.goto("/marketplace/provider/")
    page.get_by_role("link", name="Withdraw Data maturity assessment").click()
    page.get_by_role("heading", name="Are you sure you want to withdraw “Data maturity assessment”?").wait_for()
    axe(page, "withdraw confirmation")
    page.get_by_role("button", name="Withdraw listing").click()
    page.get_by_text("“Data maturity assessment” is withdrawn from the marketplace").wait_for()
    assert page.get_by_role("link", name="Re-submit Data maturity assessment for moderation").count() == 1
    axe(page, "your listings with a withdrawn listing")


def test_reporting_a_review_with_errors_then_moderating_it(page, axe, services):
    from accounts.models import OrganisationKind
    from accounts.roles import Role
    from accounts.services import user_set_role
    from marketplace.factories import ReviewFactory
    from marketplace.services import service_ratings_refresh

    service = services[0]
    ReviewFactory(service=service, text="Late and over budget.", rating_value=1)
    service_ratings_refresh(service=service)
    UserFactory(
        email="consultant@business.example",
        organisation=ProviderFactory(organisation__kind=OrganisationKind.BUSINESS).organisation,
    )
    user_set_role(user=UserFactory(email="moderator@council.example"), role=Role.MODERATOR)

    sign_in(page, "consultant@business.example")
    page.goto(service.get_absolute_url())
    page.get_by_role("link", name="Report this review").click()
    page.get_by_role("heading", name="Report a review").wait_for()
    page.get_by_role("button", name="Send report").click()
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert "Select why the review breaks the rules" in summary.inner_text()
    axe(page, "report form with errors")
    page.get_by_label("Spam or advertising").check()
    page.get_by_role("button", name="Send report").click()
    page.get_by_text("a moderator will check the review").wait_for()
    assert page.get_by_text("Late and over budget.").count() == 1

    page.context.clear_cookies()
    sign_in(page, "moderator@council.example")
    page.goto("/marketplace/moderation/")
    page.get_by_role("heading", name="Reported reviews").wait_for()
    assert "Spam or advertising" in page.locator(".govuk-summary-card").inner_text()
    axe(page, "moderation queue with a reported review")
