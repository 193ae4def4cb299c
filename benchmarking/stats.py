"""The statistics every comparison reads: pure functions of plain numbers, no database.

Conventions (stated on the metric pages too):

- Missing and suppressed values are `None` and are left out of every figure; the count of
  what was left out is reported beside the figure, never hidden.
- Quartiles are the "inclusive" linear interpolation (Excel's QUARTILE.INC, R's type 7): the
  minimum is the 0th and the maximum the 4th quartile.
- Ranks are competition ranks ("1224"): tied values share the best of their places, and rank 1
  is the best value when the metric has a polarity (the highest when it has none).
- Bands are numbered from the best (1) to the worst (n) when the metric has a polarity, and
  from the lowest to the highest when it has none; a value on a cut point goes to the band
  below it.
- Confidence intervals are 95%: Wilson score intervals for proportions, Byar's approximation
  to the Poisson interval for rates, as PHE Fingertips computes them.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

Z_95 = 1.959963984540054

HIGHER = "higher"
LOWER = "lower"
NONE = "none"


def present(values: Iterable[float | None]) -> list[float]:
    return [float(value) for value in values if value is not None]


@dataclass(frozen=True)
class GroupSummary:
    count: int
    missing: int
    minimum: float | None
    lower_quartile: float | None
    median: float | None
    upper_quartile: float | None
    maximum: float | None
    mean: float | None


def summarise(values: Sequence[float | None]) -> GroupSummary:
    """Median, mean and quartiles of a group, with how many of its members had no value."""
    numbers = sorted(present(values))
    missing = len(values) - len(numbers)
    if not numbers:
        return GroupSummary(0, missing, None, None, None, None, None, None)
    q1, q2, q3 = quantile_cuts(numbers, 4)
    return GroupSummary(
        count=len(numbers),
        missing=missing,
        minimum=numbers[0],
        lower_quartile=q1,
        median=q2,
        upper_quartile=q3,
        maximum=numbers[-1],
        mean=statistics.fmean(numbers),
    )


def quantile_cuts(values: Sequence[float | None], n: int) -> list[float]:
    """The n-1 cut points dividing the group into n bands (inclusive method)."""
    numbers = present(values)
    if len(numbers) == 1:
        return [numbers[0]] * (n - 1)
    return statistics.quantiles(numbers, n=n, method="inclusive")


def band(value: float | None, values: Sequence[float | None], *, n: int = 4, polarity: str = NONE) -> int | None:
    """Which of n bands of the group the value falls in: 1 is the best (or lowest, no polarity)."""
    if value is None or not present(values):
        return None
    from_lowest = 1 + sum(1 for cut in quantile_cuts(values, n) if value > cut)
    return n + 1 - from_lowest if polarity == HIGHER else from_lowest


def rank(value: float | None, values: Sequence[float | None], *, polarity: str = NONE) -> tuple[int, int] | None:
    """(rank, of how many) in the group: competition ranking, 1 the best (highest if no polarity)."""
    if value is None:
        return None
    numbers = present(values)
    better = sum(1 for other in numbers if (other < value if polarity == LOWER else other > value))
    return better + 1, len(numbers)


def standard_deviations(value: float | None, values: Sequence[float | None]) -> float | None:
    """How many (population) standard deviations the value is from the group's mean."""
    numbers = present(values)
    if value is None or len(numbers) < 2:
        return None
    spread = statistics.pstdev(numbers)
    return 0.0 if spread == 0 else (value - statistics.fmean(numbers)) / spread


def median_absolute_deviations(value: float | None, values: Sequence[float | None]) -> float | None:
    """How many median absolute deviations the value is from the group's median."""
    numbers = present(values)
    if value is None or len(numbers) < 2:
        return None
    middle = statistics.median(numbers)
    mad = statistics.median(abs(number - middle) for number in numbers)
    return 0.0 if mad == 0 else (value - middle) / mad


IMPROVING = "improving"
WORSE = "getting worse"
NO_CHANGE = "no change"
RISING = "increasing"
FALLING = "decreasing"


def direction_of_travel(series: Sequence[float | None], *, polarity: str) -> str | None:
    """The latest value against the one before it (skipping missing periods), read with the
    metric's polarity: "improving" or "getting worse"; "increasing"/"decreasing" where higher
    is neither better nor worse. None with fewer than two values."""
    numbers = present(series)
    if len(numbers) < 2:
        return None
    previous, latest = numbers[-2], numbers[-1]
    if latest == previous:
        return NO_CHANGE
    if polarity == NONE:
        return RISING if latest > previous else FALLING
    return IMPROVING if (latest > previous) == (polarity == HIGHER) else WORSE


def change(series: Sequence[float | None], *, back: int = 1) -> float | None:
    """The latest period's value less the value `back` periods before it (None if either is missing)."""
    if len(series) <= back or series[-1] is None or series[-1 - back] is None:
        return None
    return float(series[-1]) - float(series[-1 - back])


def wilson_interval(numerator: float, denominator: float, *, z: float = Z_95) -> tuple[float, float]:
    """95% Wilson score interval for a proportion numerator/denominator, as a fraction."""
    if denominator <= 0:
        raise ValueError("a proportion needs a positive denominator")
    p = numerator / denominator
    centre = p + z * z / (2 * denominator)
    spread = z * math.sqrt(p * (1 - p) / denominator + z * z / (4 * denominator * denominator))
    scale = 1 + z * z / denominator
    return (centre - spread) / scale, (centre + spread) / scale


def byar_interval(count: float, *, z: float = Z_95) -> tuple[float, float]:
    """95% interval for a Poisson count by Byar's approximation (divide by the denominator for a rate)."""
    if count < 0:
        raise ValueError("a count cannot be negative")
    lower = 0.0 if count == 0 else count * (1 - 1 / (9 * count) - z / (3 * math.sqrt(count))) ** 3
    upper = (count + 1) * (1 - 1 / (9 * (count + 1)) + z / (3 * math.sqrt(count + 1))) ** 3
    return lower, upper


BETTER = "significantly better"
SIMILAR = "similar"
WORSE_THAN = "significantly worse"
HIGHER_THAN = "significantly higher"
LOWER_THAN = "significantly lower"


def significance(lower: float | None, upper: float | None, comparator: float | None, *, polarity: str) -> str | None:
    """The value's interval against the group's figure: "significantly better/worse than" it
    when the whole interval is on one side, "similar" when it contains it (Fingertips' rule)."""
    if lower is None or upper is None or comparator is None:
        return None
    if lower <= comparator <= upper:
        return SIMILAR
    above = lower > comparator
    if polarity == NONE:
        return HIGHER_THAN if above else LOWER_THAN
    return BETTER if above == (polarity == HIGHER) else WORSE_THAN
