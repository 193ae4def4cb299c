"""Fixtures of the accountability tests: a council, its staff, an outsider and a simulation."""

from decimal import Decimal

import pytest

from django.core.cache import cache

from accountability.factories import simulation_create
from accounts.factories import CouncilFactory, UserFactory

GAP = Decimal(1_000_000)


@pytest.fixture(autouse=True)
def _fresh_limits():
    """Rate-limit windows live in the cache: every test starts with none used."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def council(db):
    return CouncilFactory(name="Exampleshire Council")


@pytest.fixture
def staff(council):
    return UserFactory(email="officer@exampleshire.example", organisation=council)


@pytest.fixture
def outsider(db):
    return UserFactory(email="someone@elsewhere.example", organisation=CouncilFactory(name="Elsewhere Council"))


def two_line_simulation(council, **fields):
    """Libraries (£10m, −20 % to +10 % in 5s, floor −15 %) and council tax (£50m, 0 to 4.99 % in
    1s): a £1m gap is closed by cutting libraries 10 %, or by a 2 % council tax rise."""
    return simulation_create(
        organisation=council,
        years=[("2026/27", GAP)],
        lines=[
            {
                "group": "Culture",
                "name": "Libraries",
                "amount": Decimal(10_000_000),
                "floor_percent": Decimal(-15),
                "floor_reason": "The council must run a comprehensive library service",
                "consequences": [(Decimal(-10), "Two libraries open four days a week"), (Decimal(-15), "Four close")],
            },
            {
                "name": "Council tax",
                "kind": "council_tax",
                "amount": Decimal(50_000_000),
                "min_percent": Decimal(0),
                "max_percent": Decimal("4.99"),
                "step_percent": Decimal(1),
            },
        ],
        **fields,
    )


@pytest.fixture
def simulation(council):
    return two_line_simulation(council)
