"""Reads of the sector data that other features use (peers' matching and data packs, the budget
simulator's prefill). The signatures are the contract; the benchmarking app fills them in."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Neighbour:
    """One of an area's nearest neighbours, with how near it is and why."""

    organisation: object  # accounts.Organisation
    distance: float
    rank: int
    explanation: str = ""


def nearest_neighbours(organisation, *, count: int = 15) -> list[Neighbour]:
    """The `count` areas most like `organisation` (like with like: councils of the same tier),
    nearest first. Empty when there is no sector data to compare them on."""
    return []


def latest_value(organisation, metric_id: str) -> Decimal | None:
    """The latest published value of a metric for an area, or None where none is lodged."""
    return None
