"""The similar-councils model: nearest neighbours by standardised, weighted Euclidean distance.

Published so anyone can check it (CIPFA's own variables and weights are not):

1. Like with like: a council is compared only with councils of the same kind: districts
   with districts, counties with counties, single-tier councils (unitary, metropolitan,
   London and Welsh) with single-tier councils.
2. Each contextual variable is standardised over that pool: z = (x - mean) / standard
   deviation (population). A council without a value for a variable in use is left out of the
   pool rather than guessed.
3. The distance between two councils is sqrt(sum of weight x (z difference)^2) over the
   variables in use.
4. Distances are rebased so that the farthest council in the pool is 1, as CIPFA does: 0.2
   means "a fifth of the way to the least similar council of its kind".
5. The explanation of each neighbour names the variable whose weighted difference is
   smallest (what brings them closest) and the one whose is largest (what differs most).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

SINGLE_TIER = "single tier"
TIER_GROUPS = {
    "district": "district",
    "county": "county",
    "unitary": SINGLE_TIER,
    "metropolitan_district": SINGLE_TIER,
    "london_borough": SINGLE_TIER,
    "welsh_unitary": SINGLE_TIER,
}


def tier_group(tier: str) -> str:
    """Which councils a council of this tier is compared with."""
    return TIER_GROUPS.get(tier, tier)


@dataclass(frozen=True)
class Match:
    """One neighbour: how far (rebased, 0 to 1), where it comes, and why."""

    area: object
    distance: float
    rank: int
    closest: str
    differs_most: str

    @property
    def explanation(self) -> str:
        return f"closest on {self.closest}; differs most on {self.differs_most}"


def standardise(pool: Mapping[object, Mapping[str, float]], variables: list[str]) -> dict[object, dict[str, float]]:
    """z-scores of each variable over the pool (a variable with no spread scores 0 everywhere)."""
    scores: dict[object, dict[str, float]] = {area: {} for area in pool}
    for variable in variables:
        column = [values[variable] for values in pool.values()]
        mean = sum(column) / len(column)
        spread = math.sqrt(sum((x - mean) ** 2 for x in column) / len(column))
        for area, values in pool.items():
            scores[area][variable] = 0.0 if spread == 0 else (values[variable] - mean) / spread
    return scores


def nearest(
    target: object,
    *,
    data: Mapping[object, Mapping[str, float]],
    tiers: Mapping[object, str],
    weights: Mapping[str, float],
    labels: Mapping[str, str] | None = None,
    count: int = 15,
) -> list[Match]:
    """The `count` councils most like `target`, nearest first (ties by the order of `data`)."""
    return nearest_for_all([target], data=data, tiers=tiers, weights=weights, labels=labels, count=count)[target]


def nearest_for_all(
    targets: list,
    *,
    data: Mapping[object, Mapping[str, float]],
    tiers: Mapping[object, str],
    weights: Mapping[str, float],
    labels: Mapping[str, str] | None = None,
    count: int = 15,
) -> dict[object, list[Match]]:
    """`nearest` for many councils at once: each tier group is standardised once."""
    labels = labels or {}
    variables = [variable for variable, weight in weights.items() if weight > 0]
    result: dict[object, list[Match]] = {}
    if not variables:
        return {target: [] for target in targets}
    complete = {area: values for area, values in data.items() if all(values.get(v) is not None for v in variables)}
    pools: dict[str, dict] = {}
    for area, values in complete.items():
        pools.setdefault(tier_group(tiers.get(area, "")), {})[area] = values
    scored: dict[str, dict] = {group: standardise(pool, variables) for group, pool in pools.items()}
    for target in targets:
        group = scored.get(tier_group(tiers.get(target, "")), {})
        if target not in group:
            result[target] = []
            continue
        mine = group[target]
        rows = []
        for area, theirs in group.items():
            if area == target:
                continue
            parts = {v: weights[v] * (mine[v] - theirs[v]) ** 2 for v in variables}
            rows.append((math.sqrt(sum(parts.values())), area, parts))
        farthest = max((row[0] for row in rows), default=0.0)
        rows.sort(key=lambda row: row[0])  # stable: equal distances keep the order of `data`
        result[target] = [
            Match(
                area=area,
                distance=distance / farthest if farthest else 0.0,
                rank=place,
                closest=labels.get(min(parts, key=parts.get), min(parts, key=parts.get)),
                differs_most=labels.get(max(parts, key=parts.get), max(parts, key=parts.get)),
            )
            for place, (distance, area, parts) in enumerate(rows[:count], start=1)
        ]
    return result
