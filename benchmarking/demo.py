"""Illustrative sector data for `seed_demo`: about 60 metrics over 10 financial years for every
council the ONS lookup loaded, and the England and Wales totals.

No official statistics ship offline, so the figures are generated: plausible by tier and size,
with trends, noise and a few missing, suppressed and provisional values. Every metric is marked
`is_illustrative`, so every page, download and API answer built from them says plainly that
they are demo figures, not official statistics. A fixed random seed makes every run plan the
same figures; cells already there are left alone, so a second run adds nothing.
"""

from __future__ import annotations

import datetime
import math
import random

from django.contrib.auth.models import Group
from django.db import transaction

from accounts.models import User
from benchmarking.models import Area, Metric, Period, PeriodType, Polarity, Quality, Theme, Value, ValueType
from benchmarking.roles import DATA_EDITORS_GROUP, DATA_OFFICERS_GROUP, SECTOR_OVERVIEW_GROUP
from benchmarking.services import areas_ensure, roles_ensure_groups

SEED = 11_2026
FIRST_YEAR = 2015
SOURCE = "Knowledge Hub illustrative demo figures (generated, not official statistics)"
C, P, R, L, S = ValueType.COUNT, ValueType.PERCENTAGE, ValueType.RATE_1000, ValueType.POUNDS_PER_HEAD, ValueType.SCORE
H, LO, N = Polarity.HIGHER, Polarity.LOWER, Polarity.NONE

# Context variables of the similar-councils model, with their published weights:
# (id, title, value type, unit, typical value, spread across councils, weight)
CONTEXT = [
    ("population", "Resident population", C, "people", 150_000, 0.6, 1.0),
    ("population-density", "Population density", ValueType.SCORE, "people per hectare", 12, 1.2, 1.0),
    ("aged-65-plus", "Residents aged 65 and over", P, "% of residents", 19, 0.25, 0.75),
    ("deprivation", "Index of multiple deprivation (average score)", S, "score", 21, 0.4, 1.0),
    (
        "tax-base-per-head",
        "Council tax base per head",
        ValueType.RATE_1000,
        "band D equivalents per 1,000 residents",
        360,
        0.2,
        0.5,
    ),
    ("sparsity", "Residents in sparse rural areas", P, "% of residents", 8, 1.5, 0.5),
]
# Compared metrics: (id, title, theme, value type, unit, polarity, core, typical, spread, yearly trend)
COMPARED = [
    (
        "recycling-rate",
        "Household waste sent for reuse, recycling or composting",
        Theme.OUTCOME,
        P,
        "%",
        H,
        True,
        44,
        0.2,
        0.006,
    ),
    (
        "residual-waste",
        "Residual household waste per household",
        Theme.OUTCOME,
        ValueType.SCORE,
        "kg",
        LO,
        True,
        520,
        0.15,
        -0.01,
    ),
    (
        "planning-major-in-time",
        "Major planning applications decided in time",
        Theme.OUTCOME,
        P,
        "%",
        H,
        True,
        88,
        0.08,
        0.003,
    ),
    (
        "planning-minor-in-time",
        "Minor planning applications decided in time",
        Theme.OUTCOME,
        P,
        "%",
        H,
        True,
        84,
        0.1,
        0.002,
    ),
    (
        "homelessness-prevented",
        "Homelessness prevented or relieved",
        Theme.OUTCOME,
        P,
        "% of duties ended",
        H,
        True,
        55,
        0.2,
        0.004,
    ),
    (
        "temporary-accommodation",
        "Households in temporary accommodation",
        Theme.OUTCOME,
        R,
        "per 1,000 households",
        LO,
        True,
        3.5,
        0.7,
        0.05,
    ),
    ("council-tax-collected", "Council tax collected in year", Theme.COST, P, "%", H, True, 95.8, 0.015, -0.0005),
    ("business-rates-collected", "Business rates collected in year", Theme.COST, P, "%", H, True, 96.5, 0.015, -0.0005),
    ("spend-per-head", "Revenue spend per head", Theme.COST, L, "£ per resident", N, True, 620, 0.25, 0.03),
    (
        "staff-sickness",
        "Working days lost to sickness per employee",
        Theme.COST,
        ValueType.SCORE,
        "days",
        LO,
        True,
        9.2,
        0.2,
        0.01,
    ),
    ("invoices-paid-on-time", "Undisputed invoices paid within 30 days", Theme.COST, P, "%", H, True, 92, 0.05, 0.002),
    (
        "reserves-to-spend",
        "Usable reserves as a share of net revenue spend",
        Theme.COST,
        P,
        "%",
        N,
        True,
        38,
        0.4,
        0.02,
    ),
    (
        "satisfied-with-area",
        "Residents satisfied with their local area",
        Theme.SATISFACTION,
        P,
        "% of residents",
        H,
        True,
        78,
        0.08,
        -0.003,
    ),
    (
        "satisfied-with-council",
        "Residents satisfied with how the council runs things",
        Theme.SATISFACTION,
        P,
        "% of residents",
        H,
        True,
        60,
        0.12,
        -0.008,
    ),
    (
        "value-for-money",
        "Residents who agree the council gives value for money",
        Theme.SATISFACTION,
        P,
        "% of residents",
        H,
        True,
        44,
        0.15,
        -0.01,
    ),
    (
        "complaints-upheld",
        "Ombudsman complaints upheld",
        Theme.SATISFACTION,
        R,
        "per 100,000 residents",
        LO,
        True,
        4.5,
        0.5,
        0.02,
    ),
    ("fly-tipping", "Fly-tipping incidents", Theme.OUTCOME, R, "per 1,000 residents", LO, True, 12, 0.6, 0.02),
    (
        "affordable-homes",
        "Affordable homes delivered",
        Theme.OUTCOME,
        R,
        "per 1,000 households",
        H,
        True,
        3.1,
        0.5,
        0.01,
    ),
    (
        "benefit-processing",
        "Days to process new housing benefit claims",
        Theme.COST,
        ValueType.SCORE,
        "days",
        LO,
        True,
        19,
        0.3,
        -0.01,
    ),
    ("empty-homes", "Long-term empty homes", Theme.OUTCOME, P, "% of dwellings", LO, True, 1.1, 0.4, -0.01),
]
MORE_THEMES = [Theme.OUTCOME, Theme.COST, Theme.SATISFACTION]
MORE_SUBJECTS = [
    "Street cleanliness: litter",
    "Street cleanliness: detritus",
    "Missed bin collections",
    "Noise complaints resolved",
    "Food hygiene inspections done",
    "Licensing applications decided in time",
    "Parking appeals upheld",
    "Leisure centre visits",
    "Library visits",
    "Library loans",
    "Parks rated good",
    "Housing repairs done in time",
    "Rent collected",
    "Void dwellings",
    "Disabled facilities grants completed",
    "Freedom of information requests answered in time",
    "Calls answered within a minute",
    "Online transactions",
    "Apprentices employed",
    "Agency staff spend",
    "Energy use in council buildings",
    "Council fleet emissions",
    "Trees planted",
    "Electric vehicle charge points",
    "Volunteers in council services",
    "Community grants awarded",
    "Business start-ups supported",
    "Footfall in town centres",
    "Bus journeys",
    "Road defects repaired in time",
    "Street lights working",
    "Air quality monitoring sites within limits",
    "Domestic abuse referrals",
    "Anti-social behaviour cases closed",
]


def _more_metrics() -> list[tuple]:
    rng = random.Random(SEED)
    specs = []
    for index, subject in enumerate(MORE_SUBJECTS):
        kind = rng.choice([P, R, ValueType.SCORE])
        typical = {P: rng.uniform(30, 90), R: rng.uniform(2, 40), ValueType.SCORE: rng.uniform(5, 400)}[kind]
        unit = {P: "%", R: "per 1,000 residents", ValueType.SCORE: "score"}[kind]
        polarity = rng.choice([H, LO, N])
        specs.append(
            (f"m-{index + 1:02d}-{subject.lower().replace(':', '').replace(' ', '-')}"[:80], subject, MORE_THEMES[index % 3],
             kind, unit, polarity, False, typical, rng.uniform(0.1, 0.5), rng.uniform(-0.01, 0.01))
        )  # fmt: skip
    return specs


def metric_specs() -> list[tuple]:
    return COMPARED + _more_metrics()


def metrics_ensure() -> list[Metric]:
    """The demo metrics (created once; edits made in the admin are kept)."""
    existing = {metric.code: metric for metric in Metric.objects.all()}
    new = []
    for code, title, kind, unit, _typical, _spread, weight in CONTEXT:
        if code not in existing:
            new.append(Metric(code=code, title=title, description=f"{title}: context for comparing like with like.", theme=Theme.CONTEXT,
                              value_type=kind, unit=unit, decimal_places=1, polarity=N, period_type=PeriodType.FINANCIAL_YEAR,
                              source=SOURCE, is_illustrative=True, neighbour_weight=weight))  # fmt: skip
    for code, title, theme, kind, unit, polarity, core, *_ in metric_specs():
        if code not in existing:
            new.append(Metric(code=code, title=title, description=f"{title}.", theme=theme, value_type=kind, unit=unit,
                              decimal_places=1, polarity=polarity, period_type=PeriodType.FINANCIAL_YEAR, source=SOURCE,
                              is_core=core, is_illustrative=True))  # fmt: skip
    Metric.objects.bulk_create(new)
    return list(Metric.objects.filter(is_illustrative=True))


def periods_ensure(count: int = 10) -> list[Period]:
    for year in range(FIRST_YEAR, FIRST_YEAR + count):
        Period.objects.get_or_create(
            code=f"{year}-{(year + 1) % 100:02d}",
            defaults={"period_type": PeriodType.FINANCIAL_YEAR, "starts_on": datetime.date(year, 4, 1)},
        )
    return list(
        Period.objects.filter(period_type=PeriodType.FINANCIAL_YEAR, starts_on__year__gte=FIRST_YEAR).order_by(
            "starts_on"
        )[:count]
    )


def _tier_scale(tier: str) -> float:
    return {"county": 4.0, "district": 0.7, "london_borough": 1.9, "metropolitan_district": 2.2, "nation": 0}.get(
        tier, 1.4
    )


def cells_generate(areas: list[Area], metrics: list[Metric], periods: list[Period], *, seed: int = SEED):
    """Yield unsaved Values: each area has a fixed tendency per metric, plus a trend and noise."""
    specs = {code: (typical, spread, 0.002) for code, _t, _k, _u, typical, spread, _w in CONTEXT}
    specs.update(
        {code: (typical, spread, trend) for code, _t, _th, _k, _u, _p, _c, typical, spread, trend in metric_specs()}
    )
    for area in areas:
        if area.kind == Area.Kind.NATION:
            continue
        rng = random.Random(f"{seed}:{area.code}")
        size = _tier_scale(area.tier)
        urban = rng.gauss(0, 1) + (1.5 if area.tier in ("london_borough", "metropolitan_district") else 0)
        for metric in metrics:
            typical, spread, trend = specs.get(metric.code, (50, 0.3, 0))
            tendency = rng.gauss(0, 1)
            if metric.code == "population":
                tendency = math.log(size) / spread + rng.gauss(0, 0.6)
            elif metric.code in ("population-density",):
                tendency = urban
            elif metric.code == "sparsity":
                tendency = -urban
            for index, period in enumerate(periods):
                roll = rng.random()
                value = typical * math.exp(spread * tendency) * (1 + trend * index) * (1 + rng.gauss(0, 0.02))
                if metric.value_type == ValueType.PERCENTAGE:
                    value = min(99.9, max(0.1, value))
                cell = Value(
                    metric=metric,
                    area=area,
                    period=period,
                    value=round(value, 1) if metric.value_type != ValueType.COUNT else round(value),
                )
                if roll < 0.01 and metric.theme != Theme.CONTEXT:
                    cell.value, cell.quality, cell.note = None, Quality.MISSING, "Not returned (illustrative)"
                elif roll < 0.015 and metric.theme != Theme.CONTEXT:
                    cell.value, cell.quality, cell.note = None, Quality.SUPPRESSED, "Fewer than 5 cases (illustrative)"
                elif index == len(periods) - 1 and roll > 0.97:
                    cell.quality = Quality.PROVISIONAL
                yield cell


def seed(*, options: dict, log) -> None:
    with transaction.atomic():
        roles_ensure_groups()
        created = areas_ensure()
        metrics = metrics_ensure()
        periods = periods_ensure()
        areas = list(Area.objects.all())
        have = set(Value.objects.filter(metric__in=metrics).values_list("metric_id", "area_id", "period_id"))
        new = [
            cell
            for cell in cells_generate(areas, metrics, periods)
            if (cell.metric.pk, cell.area.pk, cell.period.pk) not in have
        ]
        Value.objects.bulk_create(new, batch_size=5000)
        for email, names in (
            ("officer@knowledgehub.example", [DATA_OFFICERS_GROUP]),
            ("editor@knowledgehub.example", [DATA_EDITORS_GROUP, SECTOR_OVERVIEW_GROUP]),
        ):
            person = User.objects.filter(email=email).first()
            if person is not None:
                person.groups.add(*Group.objects.filter(name__in=names))
    log(
        f"Sector data: {created} areas, {len(metrics)} illustrative metrics, {len(periods)} periods, {len(new)} new values."
    )
