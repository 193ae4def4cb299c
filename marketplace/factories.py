"""Factories for providers, services and reviews: used by tests, the demo data and the benchmark."""

import datetime
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from accounts.factories import OrganisationFactory, UserFactory
from accounts.models import OrganisationKind
from marketplace.models import (
    ALL_KINDS,
    ALL_REGIONS,
    Category,
    DeliveryMode,
    HowUsed,
    Provider,
    ProviderType,
    Review,
    Service,
)
from marketplace.pricing import PriceUnit, VatHandling


class ProviderFactory(DjangoModelFactory):
    """A business offering improvement services, with unverified contacts."""

    class Meta:
        model = Provider

    organisation = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.BUSINESS)
    provider_type = ProviderType.BUSINESS
    about = "We help councils improve."
    contact_name = factory.Faker("name", locale="en_GB")
    contact_email = factory.Sequence(lambda n: f"contact{n}@provider.example")


class ServiceFactory(DjangoModelFactory):
    """A published service (as if its first revision had been approved)."""

    class Meta:
        model = Service

    provider = factory.SubFactory(ProviderFactory)
    name = factory.Sequence(lambda n: f"Improvement service {n}")
    slug = factory.Sequence(lambda n: f"improvement-service-{n}")
    summary = "Practical support for councils."
    description = "A **clear** description of what happens."
    category = Category.SERVICE_REDESIGN
    kinds_served = ALL_KINDS
    regions = ALL_REGIONS
    delivery_mode = DeliveryMode.BLENDED
    typical_duration = "6 weeks"
    price_min = Decimal("500.00")
    price_max = Decimal("800.00")
    price_unit = PriceUnit.PER_DAY
    price_interval = ""
    vat = VatHandling.EXCLUSIVE
    is_published = True
    published_at = factory.LazyFunction(lambda: datetime.datetime.now(tz=datetime.UTC))


class ReviewFactory(DjangoModelFactory):
    """A published review by a council officer; call services.service_ratings_refresh after."""

    class Meta:
        model = Review

    service = factory.SubFactory(ServiceFactory)
    author = factory.SubFactory(UserFactory)
    organisation = factory.LazyAttribute(lambda review: review.author.organisation)
    used_in = datetime.date(2025, 3, 1)
    how_used = HowUsed.COMMISSIONED
    rating_experience = 4
    rating_value = 4
    rating_outcomes = 4
    would_recommend = True
    text = "It helped us redesign the service."
