"""Results from the tallies, against answers worked out from the responses themselves."""

import csv
import io
import statistics
from decimal import Decimal

import pytest

from django.urls import reverse

from accountability import selectors, services
from accountability.factories import lines_of
from accountability.services import Submission

# (libraries %, council tax %, age band): each balances the £1m gap.
ANSWERS = [
    (-10, 0, "25-34"),
    (-15, 0, "25-34"),
    (0, 2, "65-plus"),
    (-5, 1, ""),
    (-10, 0, "65-plus"),
]


def submit(simulation, libraries, tax, age_band="", *, browser, address="192.0.2.1", reason=""):
    lib, council_tax = lines_of(simulation)
    return services.response_submit(
        simulation=simulation,
        lines=[lib, council_tax],
        submission=Submission(
            choices={lib.pk: Decimal(libraries), council_tax.pk: Decimal(tax)}, age_band=age_band, reason=reason
        ),
        address=address,
        browser=browser,
    )


@pytest.fixture
def answered(simulation):
    for number, (libraries, tax, age) in enumerate(ANSWERS):
        submit(simulation, libraries, tax, age, browser=f"browser-{number}", address=f"192.0.2.{number}")
    return simulation


def expected(values):
    data = [Decimal(v) for v in values]
    quartiles = statistics.quantiles(data, n=4, method="inclusive")
    return {
        "mean": (sum(data) / len(data)).quantize(Decimal("0.01")),
        "median": Decimal(statistics.median(data)).quantize(Decimal("0.01")),
        "lower_quartile": Decimal(quartiles[0]).quantize(Decimal("0.01")),
        "upper_quartile": Decimal(quartiles[2]).quantize(Decimal("0.01")),
        "spread": Decimal(statistics.pstdev(data)).quantize(Decimal("0.01")),
        "lowest": min(data),
        "highest": max(data),
    }


def figures(row):
    return {
        name: getattr(row, name)
        for name in ("mean", "median", "lower_quartile", "upper_quartile", "spread", "lowest", "highest")
    }


def test_every_line_has_the_mean_median_quartiles_and_spread_of_the_responses(answered):
    results = selectors.simulation_results(simulation=answered)
    libraries, tax = results.lines
    assert results.counted == 5
    assert figures(libraries) == expected([a[0] for a in ANSWERS])
    assert libraries.mean == Decimal("-8.00") and libraries.median == Decimal("-10.00")
    assert figures(tax) == expected([a[1] for a in ANSWERS])
    # By age: 25-34 chose -10 and -15 for libraries; 65 and over, 0 and -10.
    assert libraries.by_age["25-34"] == Decimal("-12.50")
    assert libraries.by_age["65-plus"] == Decimal("-5.00")
    assert libraries.by_age["18-24"] is None


def test_a_second_budget_from_the_same_browser_is_excluded_and_changes_nothing_until_counted(answered):
    before = figures(selectors.simulation_results(simulation=answered).lines[0])
    duplicate = submit(answered, -15, 0, browser="browser-0", address="198.51.100.9")
    assert duplicate.excluded and duplicate.duplicate_of is not None
    results = selectors.simulation_results(simulation=answered)
    assert (results.counted, results.excluded, results.duplicates) == (5, 1, 1)
    assert figures(results.lines[0]) == before

    services.duplicates_set_excluded(simulation=answered, excluded=False)
    results = selectors.simulation_results(simulation=answered)
    assert results.counted == 6
    assert figures(results.lines[0]) == expected([*(a[0] for a in ANSWERS), -15])

    services.response_set_excluded(response=duplicate, excluded=True)
    assert figures(selectors.simulation_results(simulation=answered).lines[0]) == before


def test_the_same_choices_from_the_same_address_are_a_suspected_duplicate(answered):
    again = submit(answered, -10, 0, browser="a-new-browser", address="192.0.2.0")
    assert again.excluded
    other = submit(answered, -15, 0, browser="another-browser", address="192.0.2.0")
    assert not other.excluded  # a household shares an address: different choices are counted


def test_the_csv_has_every_response_and_its_counted_rows_give_the_figures_on_the_page(answered, client, staff):
    submit(answered, -15, 0, browser="browser-0", reason='Keep "the" libraries, please', address="198.51.100.2")
    client.force_login(staff)
    page = client.get(reverse("accountability:results", kwargs={"pk": answered.pk}))
    export = client.get(reverse("accountability:results_csv", kwargs={"pk": answered.pk}))
    assert export.status_code == 200, export.content[:300]
    body = b"".join(export.streaming_content)
    rows = list(csv.DictReader(io.StringIO(body.decode())))
    assert len(rows) == 6
    assert [row["excluded"] for row in rows].count("yes") == 1
    assert rows[-1]["reason"] == 'Keep "the" libraries, please'
    counted = [row for row in rows if row["excluded"] == "no"]
    for name, column in (("Libraries", "mean"), ("Council tax", "mean")):
        mean = (sum(Decimal(row[name]) for row in counted) / len(counted)).quantize(Decimal("0.01"))
        shown = selectors.simulation_results(simulation=answered)
        line = next(row for row in shown.lines if row.line.name == name)
        assert getattr(line, column) == mean
        assert (
            f"{mean.normalize():f}%".encode() in page.content
            or f"{mean:f}".rstrip("0").rstrip(".").encode() in page.content
        )


def test_results_cost_the_same_queries_however_many_responses(simulation, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        selectors.simulation_results(simulation=simulation)
    for number in range(30):
        submit(simulation, -10, 0, browser=f"b{number}", address=f"203.0.113.{number}")
    with django_assert_max_num_queries(6):
        assert selectors.simulation_results(simulation=simulation).counted == 30
