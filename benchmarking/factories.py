"""Factories for the sector data: used by tests, the demo seeding and the benchmark."""

import datetime

import factory
from factory.django import DjangoModelFactory

from accounts.factories import CouncilFactory
from benchmarking.models import Area, Metric, Period, PeriodType, Polarity, Theme, Value, ValueType


class MetricFactory(DjangoModelFactory):
    class Meta:
        model = Metric
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"metric-{n}")
    title = factory.Sequence(lambda n: f"Metric {n}")
    description = "What the number tells you."
    theme = Theme.OUTCOME
    value_type = ValueType.PERCENTAGE
    polarity = Polarity.HIGHER
    period_type = PeriodType.FINANCIAL_YEAR
    source = "Illustrative demo figures"
    is_illustrative = True


class AreaFactory(DjangoModelFactory):
    """An area for a (new) council, tier and code taken from it."""

    class Meta:
        model = Area
        django_get_or_create = ["code"]

    organisation = factory.SubFactory(CouncilFactory)
    code = factory.LazyAttribute(lambda area: area.organisation.ons_code)
    name = factory.LazyAttribute(lambda area: area.organisation.name)
    tier = factory.LazyAttribute(lambda area: area.organisation.tier)


class PeriodFactory(DjangoModelFactory):
    """Financial years: 2015-16, 2016-17, ..."""

    class Meta:
        model = Period
        django_get_or_create = ["code"]

    period_type = PeriodType.FINANCIAL_YEAR
    code = factory.Sequence(lambda n: f"{2015 + n}-{(16 + n) % 100:02d}")
    starts_on = factory.LazyAttribute(lambda period: datetime.date(int(period.code[:4]), 4, 1))


class ValueFactory(DjangoModelFactory):
    class Meta:
        model = Value

    metric = factory.SubFactory(MetricFactory)
    area = factory.SubFactory(AreaFactory)
    period = factory.SubFactory(PeriodFactory)
    value = 50
