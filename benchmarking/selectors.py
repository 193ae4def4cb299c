"""Reads of the sector data: the pages' comparisons, and what other features use (peers'
matching and data packs, the budget simulator's prefill: `nearest_neighbours`, `latest_value`,
whose signatures are a contract)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import FloatField, Max, Q
from django.db.models.functions import Cast

from accounts.selectors import verified_organisation
from benchmarking import stats
from benchmarking.models import Area, Metric, Period, Quality, Theme, Value
from benchmarking.neighbours import Match, nearest_for_all, tier_group

DEFAULT_COUNT = 15


@dataclass(frozen=True)
class Neighbour:
    """One of an area's nearest neighbours, with how near it is and why."""

    organisation: object  # accounts.Organisation
    distance: float
    rank: int
    explanation: str = ""


def visible_values(viewer=None):
    """Values a viewer may see: provisional ones only by the council that lodged them."""
    organisation = verified_organisation(viewer) if viewer is not None else None
    hidden = Q(quality=Quality.PROVISIONAL)
    if organisation is not None:
        hidden &= ~Q(area__organisation_id=organisation.pk)
    return Value.objects.exclude(hidden)


@dataclass
class ContextTable:
    """The contextual variables the similar-councils model reads, latest period of each."""

    variables: list[Metric]
    data: dict[int, dict[str, float]]
    tiers: dict[int, str]

    @property
    def default_weights(self) -> dict[str, float]:
        return {metric.code: metric.neighbour_weight for metric in self.variables}

    @property
    def labels(self) -> dict[str, str]:
        return {metric.code: metric.title.lower() for metric in self.variables}


def context_table() -> ContextTable:
    """Each council's latest published value of each variable, from the last three periods
    lodged (a council whose newest figure is provisional or suppressed keeps the one before)."""
    variables = list(Metric.objects.filter(theme=Theme.CONTEXT, neighbour_weight__gt=0).order_by("code"))
    latest = dict(
        Value.objects.filter(metric__in=variables).values_list("metric_id").annotate(latest=Max("period__starts_on"))
    )
    codes = {metric.pk: metric.code for metric in variables}
    condition = Q(pk__in=[])
    for metric_id, starts in latest.items():
        condition |= Q(metric_id=metric_id, period__starts_on__gte=starts.replace(year=starts.year - 2))
    rows = (
        Value.objects.filter(condition, value__isnull=False)
        .exclude(quality=Quality.PROVISIONAL)
        .order_by("period__starts_on")
        .annotate(number=Cast("value", FloatField()))
        .values_list("metric_id", "area_id", "number")
    )
    data: dict[int, dict[str, float]] = defaultdict(dict)
    for metric_id, area_id, value in rows:
        data[area_id][codes[metric_id]] = value  # later periods overwrite earlier ones
    tiers = dict(Area.objects.filter(kind=Area.Kind.ORGANISATION).values_list("pk", "tier"))
    return ContextTable(variables=variables, data=dict(data), tiers=tiers)


def neighbour_group(
    area: Area,
    *,
    table: ContextTable | None = None,
    weights: dict[str, float] | None = None,
    count: int = DEFAULT_COUNT,
) -> list[Match]:
    """An area's nearest neighbours (Match.area is the neighbouring Area), nearest first."""
    table = table or context_table()
    matches = nearest_for_all(
        [area.pk],
        data=table.data,
        tiers=table.tiers,
        weights=weights or table.default_weights,
        labels=table.labels,
        count=count,
    )[area.pk]
    areas = Area.objects.select_related("organisation").in_bulk([match.area for match in matches])
    return [Match(areas[m.area], m.distance, m.rank, m.closest, m.differs_most) for m in matches]


def neighbours_for_all(*, count: int = DEFAULT_COUNT) -> dict[int, list[Match]]:
    """Every council's nearest neighbours at once (area ids), for the benchmark and exports."""
    table = context_table()
    return nearest_for_all(
        list(table.tiers),
        data=table.data,
        tiers=table.tiers,
        weights=table.default_weights,
        labels=table.labels,
        count=count,
    )


def nearest_neighbours(organisation, *, count: int = DEFAULT_COUNT) -> list[Neighbour]:
    """The `count` areas most like `organisation` (like with like: councils of the same tier),
    nearest first. Empty when there is no sector data to compare them on."""
    area = Area.objects.filter(organisation=organisation).first()
    if area is None:
        return []
    return [
        Neighbour(
            organisation=match.area.organisation,
            distance=match.distance,
            rank=match.rank,
            explanation=match.explanation,
        )
        for match in neighbour_group(area, count=count)
    ]


def latest_value(organisation, metric_id: str) -> Decimal | None:
    """The latest published value of a metric for an area, or None where none is lodged."""
    cell = (
        Value.objects.filter(area__organisation=organisation, metric__code=metric_id, value__isnull=False)
        .exclude(quality=Quality.PROVISIONAL)
        .order_by("-period__starts_on")
        .values_list("value", flat=True)
        .first()
    )
    return cell


# --- Pages -----------------------------------------------------------------------------------


GROUPS = {
    "neighbours": "Nearest neighbours",
    "tier": "Councils of the same kind",
    "england": "All councils in England",
    "wales": "All councils in Wales",
}


@dataclass
class Comparison:
    """One metric for one council against its group: the figures a council page shows."""

    metric: Metric
    periods: list[Period]
    series: list[float | None]  # the council's values, oldest first
    cells: list[Value | None]
    group_values: dict[int, float | None]  # area id -> latest value
    group_medians: list[float | None]
    summary: stats.GroupSummary = None
    rank: tuple[int, int] | None = None
    band: int | None = None
    direction: str | None = None
    significance: str | None = None
    latest: float | None = None
    latest_cell: Value | None = None


def group_areas(area: Area, group: str, *, table=None, weights=None, count: int = DEFAULT_COUNT) -> list[Area]:
    """The areas of a named comparison group for `area` (never including the area itself)."""
    councils = Area.objects.filter(kind=Area.Kind.ORGANISATION).exclude(pk=area.pk).select_related("organisation")
    if group == "tier":
        return [other for other in councils if tier_group(other.tier) == tier_group(area.tier)]
    if group == "england":
        return list(councils.filter(code__startswith="E"))
    if group == "wales":
        return list(councils.filter(code__startswith="W"))
    return [match.area for match in neighbour_group(area, table=table, weights=weights, count=count)]


def _number(cell: Value | None) -> float | None:
    return None if cell is None or cell.value is None else float(cell.value)


def compare(area: Area, group: list[Area], metrics: list[Metric], *, viewer=None) -> list[Comparison]:
    """Each metric for the area and its group over every period lodged.

    Three queries whatever the group's size: the group's numbers as plain floats (no model
    instances: a council page reads about 3,000 of them), the council's own cells (their
    quality, intervals and history), and the periods."""
    ids = [area.pk, *(other.pk for other in group)]
    numbers = (
        visible_values(viewer)
        .filter(metric__in=metrics, area_id__in=ids)
        .annotate(number=Cast("value", FloatField()))
        .values_list("metric_id", "area_id", "period_id", "number")
    )
    grid: dict[int, dict[tuple[int, int], float | None]] = defaultdict(dict)
    period_ids: dict[int, set[int]] = defaultdict(set)
    for metric_id, area_id, period_id, number in numbers:
        grid[metric_id][(area_id, period_id)] = number
        period_ids[metric_id].add(period_id)
    own = {
        (cell.metric_id, cell.period_id): cell for cell in visible_values(viewer).filter(metric__in=metrics, area=area)
    }
    periods = Period.objects.in_bulk({pk for pks in period_ids.values() for pk in pks})
    result = []
    for metric in metrics:
        ordered = sorted((periods[pk] for pk in period_ids[metric.pk]), key=lambda period: period.starts_on)
        cells = grid[metric.pk]
        mine = [own.get((metric.pk, period.pk)) for period in ordered]
        comparison = Comparison(
            metric=metric,
            periods=ordered,
            series=[cells.get((area.pk, period.pk)) for period in ordered],
            cells=mine,
            group_values={},
            group_medians=[stats.summarise([cells.get((o.pk, period.pk)) for o in group]).median for period in ordered],
        )
        if ordered:
            last = ordered[-1]
            comparison.group_values = {o.pk: cells.get((o.pk, last.pk)) for o in group}
            comparison.latest_cell = mine[-1]
            comparison.latest = comparison.series[-1]
        members = list(comparison.group_values.values())
        comparison.summary = stats.summarise(members)
        everyone = [*members, comparison.latest]
        comparison.rank = stats.rank(comparison.latest, everyone, polarity=metric.polarity)
        comparison.band = stats.band(comparison.latest, everyone, polarity=metric.polarity)
        comparison.direction = stats.direction_of_travel(comparison.series, polarity=metric.polarity)
        cell = comparison.latest_cell
        if cell is not None and cell.ci_lower is not None and cell.ci_upper is not None:
            comparison.significance = stats.significance(
                float(cell.ci_lower), float(cell.ci_upper), comparison.summary.median, polarity=metric.polarity
            )
        result.append(comparison)
    return result


@dataclass
class MetricTable:
    metric: Metric
    period: Period | None
    periods: list[Period]
    rows: list[tuple[Area, Value | None]] = field(default_factory=list)
    summary: stats.GroupSummary | None = None


def metric_table(metric: Metric, *, period_code: str | None = None, viewer=None) -> MetricTable:
    """Every area's value of a metric in one period (the latest by default), areas by name."""
    periods = list(Period.objects.filter(values__metric=metric).distinct().order_by("starts_on"))
    chosen = next((p for p in periods if p.code == period_code), periods[-1] if periods else None)
    table = MetricTable(metric=metric, period=chosen, periods=periods)
    if chosen is None:
        return table
    cells = {cell.area_id: cell for cell in visible_values(viewer).filter(metric=metric, period=chosen)}
    areas = Area.objects.order_by("kind", "name")
    table.rows = [(area, cells.get(area.pk)) for area in areas]
    table.summary = stats.summarise([_number(cells.get(a.pk)) for a in areas if a.kind == Area.Kind.ORGANISATION])
    return table


def last_updated(**filters):
    return Value.objects.filter(**filters).aggregate(latest=Max("updated_at"))["latest"]


def catalogue() -> list[tuple[str, list[Metric]]]:
    """The metric catalogue by theme, core metrics first within each."""
    metrics = list(Metric.objects.order_by("-is_core", "title"))
    return [
        (label, [m for m in metrics if m.theme == value])
        for value, label in Theme.choices
        if any(m.theme == value for m in metrics)
    ]


def parse_weights_text(text: str | None, table: ContextTable) -> dict[str, float]:
    """Weights a person chose, written `population:2,density:1` in the URL (`weights=`); any
    variable not named keeps its published weight, anything unreadable is ignored."""
    weights = table.default_weights
    for part in (text or "").split(","):
        code, _, raw = part.partition(":")
        if code.strip() not in weights:
            continue
        try:
            weight = float(raw)
        except ValueError:
            continue
        if 0 <= weight <= 10:
            weights[code.strip()] = weight
    return weights


def core_metrics(limit: int = 20) -> list[Metric]:
    return list(Metric.objects.filter(is_core=True).order_by("theme", "title")[:limit])


@dataclass
class Flag:
    """A council the sector overview flags, with the metrics that make the case."""

    area: Area
    evidence: list[Comparison]


def sector_overview(*, at_least: int = 3) -> list[Flag]:
    """Councils in the worst quartile of their nearest neighbours *and* getting worse on at
    least `at_least` core metrics at once, with those metrics as the evidence."""
    metrics = core_metrics()
    groups = neighbours_for_all()
    areas = Area.objects.select_related("organisation").in_bulk(list(groups))
    cells = visible_values(None).filter(metric__in=metrics, area_id__in=list(groups)).select_related("period")
    series: dict[tuple[int, int], dict] = defaultdict(dict)
    for cell in cells:
        series[(cell.metric_id, cell.area_id)][cell.period.starts_on] = _number(cell)
    flags = []
    for area_id, matches in groups.items():
        if not matches:
            continue
        evidence = []
        for metric in metrics:
            mine = series.get((metric.pk, area_id), {})
            if not mine:
                continue
            ordered = [mine[key] for key in sorted(mine)]
            latest_key = max(mine)
            others = [series.get((metric.pk, m.area), {}).get(latest_key) for m in matches]
            latest = ordered[-1]
            worst = stats.band(latest, [*others, latest], polarity=metric.polarity) == 4
            direction = stats.direction_of_travel(ordered, polarity=metric.polarity)
            if metric.polarity != "none" and worst and direction == stats.WORSE:
                evidence.append(
                    Comparison(
                        metric=metric,
                        periods=[],
                        series=ordered,
                        cells=[],
                        group_values={},
                        group_medians=[],
                        summary=stats.summarise(others),
                        band=4,
                        direction=direction,
                        latest=latest,
                        rank=stats.rank(latest, [*others, latest], polarity=metric.polarity),
                    )
                )
        if len(evidence) >= at_least:
            flags.append(Flag(area=areas[area_id], evidence=evidence))
    return sorted(flags, key=lambda flag: (-len(flag.evidence), flag.area.name))
