"""A visitor finds their council, reads its core metrics against its neighbours, opens a chart
and its data table: every page passes axe (WCAG 2.2 AA and best practice)."""

import pytest

from accounts.factories import CouncilFactory
from benchmarking.factories import AreaFactory, MetricFactory, PeriodFactory, ValueFactory

pytestmark = [pytest.mark.browser]


@pytest.fixture
def councils(home_page):
    population = MetricFactory(
        code="population", title="Resident population", theme="context", value_type="count", neighbour_weight=1
    )
    recycling = MetricFactory(code="recycling", title="Household waste recycled", is_core=True)
    areas = [
        AreaFactory(organisation=CouncilFactory(name=f"District {n}", ons_code=f"E0700000{n}", tier="district"))
        for n in range(1, 6)
    ]
    for year in (PeriodFactory(code="2022-23"), PeriodFactory(code="2023-24")):
        for n, area in enumerate(areas):
            ValueFactory(metric=population, area=area, period=year, value=50_000 + n * 10_000)
            ValueFactory(metric=recycling, area=area, period=year, value=30 + n * 4 + (year.code == "2023-24"))
    return areas


def test_find_a_council_compare_with_neighbours_and_read_a_chart(page, axe, councils):
    page.goto("/data/")
    page.get_by_role("heading", name="Sector data", exact=True).wait_for()
    axe(page, "sector data catalogue")

    page.get_by_label("Find your council").select_option(label="District 1")
    page.get_by_role("button", name="Show your council").click()
    page.get_by_role("heading", name="District 1", exact=True).wait_for()
    assert page.get_by_role("table", name="4 nearest neighbours of District 1").is_visible()
    axe(page, "council page")

    page.get_by_role("link", name="Household waste recycled").first.click()
    page.get_by_role("img", name="Household waste recycled, 2023-24: District 1 and nearest neighbours").wait_for()
    page.get_by_text("The numbers in this chart").click()
    axe(page, "council metric page")

    page.goto("/data/metrics/recycling/")
    axe(page, "metric page")
    page.goto("/data/api/")
    axe(page, "API documentation")
