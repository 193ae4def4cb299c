"""The similar-councils model on four districts and two counties, worked by hand.

Population 10, 20, 30, 40 has mean 25 and population standard deviation sqrt(125), so one
step of 10 is 0.894 standard deviations (0.8 squared); density 3, 1, 3, 1 has mean 2 and
standard deviation 1, so a difference is 2 (4 squared).
"""

import math

import pytest

from benchmarking.neighbours import nearest, nearest_for_all

DATA = {
    "A": {"population": 10, "density": 3},
    "B": {"population": 20, "density": 1},
    "C": {"population": 30, "density": 3},
    "D": {"population": 40, "density": 1},
    "X": {"population": 11, "density": 3},
    "Y": {"population": 90, "density": 9},
}
TIERS = {"A": "district", "B": "district", "C": "district", "D": "district", "X": "county", "Y": "county"}
LABELS = {"population": "population", "density": "population density"}


def test_equal_weights_order_rebase_and_explain_the_neighbours():
    group = nearest("A", data=DATA, tiers=TIERS, weights={"population": 1, "density": 1}, labels=LABELS)
    # Squared distances from A: C 3.2 + 0, B 0.8 + 4, D 7.2 + 4; D is the farthest, so 1.
    assert [match.area for match in group] == ["C", "B", "D"]
    assert [match.distance for match in group] == pytest.approx([math.sqrt(2 / 7), math.sqrt(3 / 7), 1])
    assert [match.rank for match in group] == [1, 2, 3]
    assert group[0].closest == "population density"
    assert group[0].differs_most == "population"
    assert group[0].explanation == "closest on population density; differs most on population"


def test_like_with_like_keeps_counties_out_of_a_districts_group():
    group = nearest("A", data=DATA, tiers=TIERS, weights={"population": 1, "density": 1})
    assert "X" not in [match.area for match in group]  # X is nearly A's twin, but a county
    assert [match.area for match in nearest("X", data=DATA, tiers=TIERS, weights={"population": 1})] == ["Y"]


def test_changing_the_weights_changes_the_group():
    by_population = nearest("A", data=DATA, tiers=TIERS, weights={"population": 1, "density": 0})
    assert [match.area for match in by_population] == ["B", "C", "D"]
    assert [match.distance for match in by_population] == pytest.approx([1 / 3, 2 / 3, 1])
    by_density = nearest("A", data=DATA, tiers=TIERS, weights={"population": 0.1, "density": 1})
    assert by_density[0].area == "C"


def test_count_limits_the_group_and_a_council_without_data_has_none():
    assert len(nearest("A", data=DATA, tiers=TIERS, weights={"population": 1}, count=2)) == 2
    data = {**DATA, "E": {"population": None, "density": 2}}
    tiers = {**TIERS, "E": "district"}
    everyone = nearest_for_all(["A", "E"], data=data, tiers=tiers, weights={"population": 1, "density": 1})
    assert everyone["E"] == []
    assert "E" not in [match.area for match in everyone["A"]]
    assert nearest("A", data=DATA, tiers=TIERS, weights={}) == []


def test_single_tier_councils_of_every_kind_are_compared_together():
    data = {"U": {"p": 1}, "M": {"p": 2}, "L": {"p": 3}, "W": {"p": 9}}
    tiers = {"U": "unitary", "M": "metropolitan_district", "L": "london_borough", "W": "welsh_unitary"}
    assert [match.area for match in nearest("U", data=data, tiers=tiers, weights={"p": 1})] == ["M", "L", "W"]
