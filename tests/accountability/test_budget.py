"""The one balance calculation, and what a choice means."""

from decimal import Decimal

import pytest

from accountability.budget import band_bill, budget_balance, choice_problem, consequence_for, money_text
from accountability.factories import lines_of, simulation_create
from accountability.models import SimulationYear

from .conftest import GAP


def test_a_cut_saves_its_share_of_net_spend_and_balances_the_gap(simulation):
    libraries, tax = lines_of(simulation)
    balance = budget_balance(
        lines=[libraries, tax], years=list(simulation.years.all()), choices={libraries.pk: Decimal(-10)}
    )
    assert balance.years[0].saved == GAP
    assert balance.balanced


def test_a_budget_short_of_the_gap_says_by_how_much(simulation):
    libraries, tax = lines_of(simulation)
    balance = budget_balance(
        lines=[libraries, tax],
        years=list(simulation.years.all()),
        choices={libraries.pk: Decimal(-5), tax.pk: Decimal(0)},
    )
    assert not balance.balanced
    assert balance.worst.remaining == Decimal(500_000)
    assert money_text(balance.worst.remaining) == "£500,000"


def test_a_council_tax_rise_compounds_over_the_years_of_a_multi_year_simulation(council):
    simulation = simulation_create(
        organisation=council,
        years=[("2026/27", Decimal(1_000_000)), ("2027/28", Decimal(2_000_000))],
        lines=[
            {
                "name": "Council tax",
                "kind": "council_tax",
                "amount": Decimal(50_000_000),
                "min_percent": 0,
                "max_percent": Decimal("4.99"),
                "step_percent": 1,
            },
            {"name": "Parking charges", "kind": "income", "amount": Decimal(10_000_000)},
        ],
    )
    tax, parking = lines_of(simulation)
    years = list(SimulationYear.objects.filter(simulation=simulation))
    balance = budget_balance(lines=[tax, parking], years=years, choices={tax.pk: Decimal(2)})
    # 2 % of £50m in the first year; 50m × (1.02² − 1) = £2.02m by the second.
    assert [year.saved for year in balance.years] == [Decimal(1_000_000), Decimal(2_020_000)]
    assert balance.balanced
    # A one-off rise in charges holds but does not grow: enough for the first year only.
    balance = budget_balance(lines=[tax, parking], years=years, choices={parking.pk: Decimal(10)})
    assert [year.balanced for year in balance.years] == [True, False]
    assert balance.worst.label == "2027/28"


@pytest.mark.parametrize(
    ("percent", "problem"),
    [
        (Decimal(-20), "Libraries cannot go below -15%: The council must run a comprehensive library service"),
        (Decimal(15), "between -15% and 10%"),
        (Decimal(-7), "in steps of 5%"),
        (None, "as a number"),
        (Decimal(-15), ""),
    ],
)
def test_a_choice_below_the_statutory_floor_or_off_the_range_is_refused_with_the_reason(simulation, percent, problem):
    libraries = lines_of(simulation)[0]
    found = choice_problem(libraries, percent)
    assert (problem in found) if problem else found == ""


def test_a_choice_shows_the_consequence_of_the_furthest_level_it_reaches(simulation):
    libraries = lines_of(simulation)[0]
    assert consequence_for(libraries, Decimal(-10)) == "Two libraries open four days a week"
    assert consequence_for(libraries, Decimal(-15)) == "Four close"
    assert consequence_for(libraries, Decimal(-5)) == ""
    assert consequence_for(libraries, Decimal(5)) == ""


def test_council_tax_bands_are_in_their_statutory_ratios_to_band_d():
    assert band_bill(Decimal(1800), "D", Decimal(0)) == Decimal("1800.00")
    assert band_bill(Decimal(1800), "A", Decimal(0)) == Decimal("1200.00")
    assert band_bill(Decimal(1800), "H", Decimal(0)) == Decimal("3600.00")
    assert band_bill(Decimal(1800), "E", Decimal(2)) == Decimal("2244.00")  # 1800 × 11/9 × 1.02
    assert band_bill(None, "D", Decimal(0)) is None


def test_a_council_tax_line_cannot_rise_beyond_the_referendum_limit(council):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="referendum limit of 4.99%"):
        simulation_create(
            organisation=council,
            lines=[
                {
                    "name": "Council tax",
                    "kind": "council_tax",
                    "amount": Decimal(1),
                    "min_percent": 0,
                    "max_percent": Decimal(6),
                    "step_percent": 1,
                }
            ],
        )


def test_a_line_without_an_amount_starts_from_the_councils_lodged_figure(council, monkeypatch):
    from django.core.exceptions import ValidationError

    from accountability import services
    from accountability.factories import simulation_create

    simulation = simulation_create(organisation=council, publish=False)
    fields = {
        "name": "Parks",
        "kind": "spend",
        "amount": None,
        "min_percent": Decimal(-10),
        "max_percent": Decimal(0),
        "step_percent": Decimal(5),
        "metric_id": "parks-net-spend",
    }
    # Today the sector data has nothing lodged: the officer is asked for the figure.
    with pytest.raises(ValidationError, match="no lodged figure"):
        services.line_save(simulation=simulation, fields=dict(fields), consequences=[])
    # Where benchmarking has a value (its contract: benchmarking.selectors.latest_value), it is used.
    asked = []

    def latest_value(organisation, metric_id):
        asked.append((organisation, metric_id))
        return Decimal(7_250_000)

    monkeypatch.setattr("benchmarking.selectors.latest_value", latest_value)
    line = services.line_save(simulation=simulation, fields=dict(fields), consequences=[])
    assert line.amount == Decimal(7_250_000)
    assert asked == [(council, "parks-net-spend")]
