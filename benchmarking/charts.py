"""Geometry for the server-drawn SVG charts (templates/benchmarking/charts/*.svg draw it).

Charts are drawn by hand in templates rather than by a library: pygal is not installed here,
Vega-Lite and Observable Plot draw in the browser (no chart may exist only in JavaScript), and
a template gives full control of the accessible markup (role="img", <title>, <desc>, labels in
text so no meaning is carried by colour alone).
"""

from __future__ import annotations

from dataclasses import dataclass, field

WIDTH = 640
BAR_HEIGHT = 640
PLOT_LEFT = 8
PLOT_RIGHT = 8


@dataclass
class Bar:
    label: str
    value: float | None
    x: float
    y: float
    width: float
    height: float
    highlighted: bool = False


@dataclass
class BarChart:
    """Horizontal bars, one per council of the group, the council itself marked and labelled."""

    bars: list[Bar]
    width: int
    height: int
    median_x: float | None
    label_width: int = 220
    row_height: int = 22
    axis_max: float = 0


def bar_chart(rows: list[tuple[str, float | None, bool]], *, median: float | None) -> BarChart:
    """rows: (label, value, is the council) in the order drawn (largest value first)."""
    label_width, row_height = 220, 22
    plot = WIDTH - label_width - PLOT_RIGHT - 60
    top = max([value for _, value, _ in rows if value is not None] + [0]) or 1
    bars = []
    for index, (label, value, mine) in enumerate(rows):
        length = 0 if value is None else max(0, value) / top * plot
        bars.append(Bar(label, value, label_width, index * row_height + 4, length, row_height - 6, mine))
    median_x = None if median is None else label_width + max(0, median) / top * plot
    return BarChart(bars, WIDTH, len(rows) * row_height + 8, median_x, label_width, row_height, top)


@dataclass
class LineChart:
    width: int
    height: int
    council_points: str
    median_points: str
    dots: list[tuple[float, float, float]] = field(default_factory=list)  # x, y, value
    labels: list[tuple[float, str]] = field(default_factory=list)  # x, period
    ticks: list[tuple[float, str]] = field(default_factory=list)  # y, value label


def line_chart(
    periods: list[str], council: list[float | None], median: list[float | None], *, places: int = 1
) -> LineChart:
    """The council's value over time against the group median: two labelled lines."""
    width, height, left, right, top, bottom = WIDTH, 260, 64, 16, 12, 40
    numbers = [value for value in [*council, *median] if value is not None]
    low, high = (min(numbers), max(numbers)) if numbers else (0.0, 1.0)
    if high == low:
        high, low = high + 1, low - 1
    low = min(low, 0) if low >= 0 and low < (high - low) else low
    step = (width - left - right) / max(1, len(periods) - 1)

    def x(index: int) -> float:
        return round(left + index * step, 1)

    def y(value: float) -> float:
        return round(top + (high - value) / (high - low) * (height - top - bottom), 1)

    def points(series):
        return " ".join(f"{x(i)},{y(v)}" for i, v in enumerate(series) if v is not None)

    ticks = [(y(low + (high - low) * i / 4), f"{low + (high - low) * i / 4:,.{places}f}") for i in range(5)]
    return LineChart(
        width=width,
        height=height,
        council_points=points(council),
        median_points=points(median),
        dots=[(x(i), y(v), v) for i, v in enumerate(council) if v is not None],
        labels=[(x(i), period) for i, period in enumerate(periods)],
        ticks=ticks,
    )


@dataclass
class Spine:
    """One row of the spine chart: the group's range, its middle half and its median on a
    0-100 scale, and the council's value as a marker (a shape as well as a colour)."""

    low: float
    q1: float
    median: float
    q3: float
    high: float
    council: float | None

    # Drawn in a 104-unit box with 2 units of margin each side.
    @property
    def low_x(self) -> float:
        return self.low + 2

    @property
    def high_x(self) -> float:
        return self.high + 2

    @property
    def median_x(self) -> float:
        return self.median + 2

    @property
    def box_x(self) -> float:
        return self.q1 + 2

    @property
    def box_width(self) -> float:
        return max(0.5, round(self.q3 - self.q1, 1))

    @property
    def council_x(self) -> float | None:
        return None if self.council is None else self.council + 2


def spine(summary, value: float | None) -> Spine | None:
    if summary is None or summary.count == 0:
        return None
    low, high = summary.minimum, summary.maximum
    if value is not None:
        low, high = min(low, value), max(high, value)
    span = (high - low) or 1

    def scale(number: float) -> float:
        return round((number - low) / span * 100, 1)

    return Spine(
        low=scale(summary.minimum),
        q1=scale(summary.lower_quartile),
        median=scale(summary.median),
        q3=scale(summary.upper_quartile),
        high=scale(summary.maximum),
        council=None if value is None else scale(value),
    )
