"""What a person sees of the marketplace at a desktop's and a phone's width."""

from decimal import Decimal

import pytest

from accounts.roles import Role
from accounts.services import user_set_role
from marketplace.factories import ProviderFactory, ServiceFactory
from marketplace.models import CONTENT_FIELDS, Category, CouncilOffer
from marketplace.pricing import PriceUnit, VatHandling
from marketplace.services import service_submit

pytestmark = [pytest.mark.browser]

PASSWORD = "correct-horse-battery"


@pytest.fixture
def four_services(home_page):
    provider = ProviderFactory(organisation__name="Northern Improvement and Transformation Partnership")
    offer = "Free for district councils in the North West, funded by the regional improvement programme"
    return [
        ServiceFactory(
            provider=provider,
            name=f"Organisational resilience and transformation diagnostic {n}",
            category=Category.FINANCIAL_RESILIENCE,
            price_min=Decimal(2085),
            price_max=Decimal("2502.20"),
            price_unit=PriceUnit.PER_DAY,
            vat=VatHandling.EXCLUSIVE,
            council_offer=CouncilOffer.SUBSIDISED,
            council_offer_details=offer,
            typical_duration="Between twelve and sixteen weeks, depending on scope",
        )
        for n in range(1, 5)
    ]


def slugs_query(services) -> str:
    return "&".join(f"s={service.slug}" for service in services)


def test_compare_table_fits_its_column_at_1280_px(page, axe, four_services, tmp_path):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"/marketplace/compare/?{slugs_query(four_services)}&days=5")
    region = page.get_by_role("region", name="4 services side by side, priced for 5 days")
    region.wait_for()
    page.screenshot(path=tmp_path / "compare-1280.png", full_page=True)
    column = page.locator("main").bounding_box()
    box = region.bounding_box()
    table = page.locator("table.marketplace-compare").bounding_box()
    # Every column shows: the table is no wider than its region, and the region no wider than
    # the page's column (it was 1,050 px in a 960 px column, the last service cut off).
    assert table["x"] + table["width"] <= box["x"] + box["width"] + 0.5
    assert box["x"] + box["width"] <= column["x"] + column["width"] + 0.5
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    # Pence on both ends of a range when either has them.
    assert "£12,510.00 to £15,013.20" in region.inner_text()
    axe(page, "compare page at 1280 px")
    page.get_by_role("link", name="Printable version for a procurement file").click()
    page.get_by_role("heading", name="Comparison of improvement services").wait_for()
    axe(page, "printable comparison")


def test_compare_table_scrolls_in_a_focusable_region_on_a_phone(page, axe, four_services):
    page.set_viewport_size({"width": 375, "height": 667})
    page.goto(f"/marketplace/compare/?{slugs_query(four_services)}")
    region = page.get_by_role("region", name="4 services side by side")
    region.wait_for()
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    assert region.evaluate("(el) => el.scrollWidth > el.clientWidth")
    region.focus()
    page.keyboard.press("ArrowRight")
    # Keyboard scrolling may be animated: poll the region (wait_for_function would evaluate a
    # string, which the page's Content-Security-Policy refuses).
    for _ in range(40):
        if region.evaluate("(el) => el.scrollLeft") > 0:
            break
        page.wait_for_timeout(50)
    assert region.evaluate("(el) => el.scrollLeft") > 0
    axe(page, "compare page on a phone")


@pytest.fixture
def listing(home_page):
    provider = ProviderFactory()
    return ServiceFactory.create_batch(12, provider=provider, category=Category.DATA)


def test_on_a_phone_results_come_first_and_the_filters_open_from_the_keyboard(page, axe, listing, tmp_path):
    page.set_viewport_size({"width": 375, "height": 667})
    page.goto("/marketplace/")
    first = page.locator("li.marketplace-result").first
    first.wait_for()
    page.screenshot(path=tmp_path / "listing-375.png", full_page=True)
    # Within the first two screens (it was about 3,500 px down, below every filter).
    assert first.bounding_box()["y"] < 2 * 667
    filters = page.locator("#marketplace-filters")
    toggle = page.get_by_role("button", name="Show filters")
    assert filters.is_hidden()
    assert toggle.get_attribute("aria-expanded") == "false"
    assert toggle.get_attribute("aria-controls") == "marketplace-filters"
    axe(page, "listing on a phone, filters folded")

    toggle.focus()
    page.keyboard.press("Enter")
    assert filters.is_visible()
    hide = page.get_by_role("button", name="Hide filters")
    assert hide.get_attribute("aria-expanded") == "true"
    assert hide.evaluate("(el) => el === document.activeElement")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_q"
    axe(page, "listing on a phone, filters open")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Space")
    assert filters.is_hidden()


def test_filters_stay_beside_the_results_on_a_desktop_and_open_without_javascript(browser, live_server, listing):
    desktop = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    phone = browser.new_context(
        base_url=live_server.url, viewport={"width": 375, "height": 667}, java_script_enabled=False
    )
    try:
        tab = desktop.new_page()
        tab.goto("/marketplace/")
        assert tab.locator("#marketplace-filters").is_visible()
        assert tab.locator(".marketplace-filters__toggle").is_hidden()
        # Without scripts there is no button that does nothing, and every filter is there.
        tab = phone.new_page()
        tab.goto("/marketplace/")
        assert tab.locator("#marketplace-filters").is_visible()
        assert tab.locator(".marketplace-filters__toggle").count() == 0
    finally:
        desktop.close()
        phone.close()


def test_moderation_diff_is_accessible(page, axe, four_services):
    from accounts.factories import UserFactory

    service = four_services[0]
    staff = UserFactory(organisation=service.provider.organisation)
    service.provider.staff.add(staff)
    content = {name: getattr(service, name) for name in CONTENT_FIELDS}
    revision = service_submit(
        provider=service.provider, user=staff, content={**content, "price_max": Decimal(2600)}, service=service
    )
    user_set_role(user=UserFactory(email="moderator@council.example"), role=Role.MODERATOR)
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("moderator@council.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Your account").wait_for()
    page.goto(f"/marketplace/moderation/{revision.pk}/")
    row = page.get_by_role("row", name="Maximum price Changed")
    assert "£2,502.20" in row.inner_text() and "£2,600.00" not in row.inner_text()
    axe(page, "moderation diff")
