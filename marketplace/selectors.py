"""Reads for the marketplace: the filtered listing with its counts, comparison, shortlists.

The listing costs a fixed number of queries whatever the page size: one for every filter
option's count (all facets in a single aggregate), one to count the results and one for the
page of services with their providers.
"""

import dataclasses
import hashlib
import time
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.db import connection
from django.db.models import (
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.lookups import GreaterThan

from marketplace import pricing
from marketplace.models import (
    KINDS_SERVED,
    REGIONS,
    SHORTLIST_LIMIT,
    Category,
    CouncilOffer,
    DeliveryMode,
    Provider,
    Review,
    ReviewStatus,
    RevisionStatus,
    Service,
    ServiceRevision,
    Shortlist,
    mask_from_codes,
)
from marketplace.pricing import Need, PriceInterval, PriceUnit, VatHandling

MIN_RATING_OPTIONS = [(4, "4 and above"), (3, "3 and above"), (2, "2 and above")]
SORT_OPTIONS = [
    ("relevance", "Relevance"),
    ("price_low", "Price (low to high)"),
    ("price_high", "Price (high to low)"),
    ("rating", "Rating"),
    ("reviews", "Number of reviews"),
]
COST_FIELD = DecimalField(max_digits=18, decimal_places=2)


@dataclass(frozen=True)
class ServiceFilters:
    """What the officer asked the listing for; every field comes from the URL's query string."""

    q: str = ""
    categories: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    delivery_modes: tuple[str, ...] = ()
    offers: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    min_rating: int | None = None
    price_from: Decimal | None = None
    price_to: Decimal | None = None
    need: Need = field(default_factory=Need)
    sort: str = "relevance"

    @property
    def price_filtered(self) -> bool:
        return self.price_from is not None or self.price_to is not None


def _factor_case(column: str, factors: dict[str, Decimal | int | None]) -> Case:
    whens = [
        When(**{column: value}, then=Value(Decimal(factor), output_field=COST_FIELD))
        for value, factor in factors.items()
        if factor is not None
    ]
    return Case(*whens, default=Value(None, output_field=COST_FIELD), output_field=COST_FIELD)


def normalised_cost_expression(*, need: Need, price_field: str):
    """SQL for `pricing.cost_for` on one of the price columns: NULL where it cannot be costed.

    The product of the same three factors `pricing.multiplier` multiplies (units for the need,
    billing periods, VAT), each a small CASE built by calling the pricing helpers, so the
    listing's filter and sort use exactly the figure the page shows. NULL in any factor (an
    unknown number of days, say) makes the whole cost NULL: "cannot compare".
    """
    units = _factor_case("price_unit", {unit: pricing.unit_quantity(unit=unit, need=need) for unit in PriceUnit.values})
    periods = _factor_case(
        "price_interval",
        {interval: pricing.interval_periods(interval=interval, need=need) for interval in PriceInterval.values},
    )
    vat = _factor_case("vat", {vat: pricing.vat_factor(vat) for vat in VatHandling.values})
    return ExpressionWrapper(F(price_field) * units * periods * vat, output_field=COST_FIELD)


def _bit_set(column: str, bit: int):
    return GreaterThan(F(column).bitand(bit), 0)


def _any_bits(column: str, codes, options) -> Q:
    bits = {code: 1 << index for index, (code, _label) in enumerate(options)}
    mask = sum(bits[code] for code in set(codes) if code in bits)
    return Q(_bit_set(column, mask))


def _facet_filters(filters: ServiceFilters) -> dict[str, Q]:
    """Each facet's condition on its own, so counts can leave one facet out at a time."""
    conditions = {}
    if filters.categories:
        conditions["category"] = Q(category__in=filters.categories)
    if filters.regions:
        conditions["region"] = _any_bits("regions", filters.regions, REGIONS)
    if filters.delivery_modes:
        conditions["delivery"] = Q(delivery_mode__in=filters.delivery_modes)
    if filters.offers:
        conditions["offer"] = Q(council_offer__in=filters.offers)
    if filters.kinds:
        conditions["kind"] = _any_bits("kinds_served", filters.kinds, KINDS_SERVED)
    if filters.min_rating:
        conditions["rating"] = Q(rating_average__gte=filters.min_rating)
    return conditions


# Facet counting runs as one hand-assembled SQL statement over the filtered rows: the same
# conditions as `_facet_filters`, written as plain column tests. Built through the ORM, forty
# conditional counts cost more to compile than the database takes to run them.
FACET_COLUMNS = ["category", "delivery_mode", "council_offer", "regions", "kinds_served", "rating_average"]


def _in(column: str, values) -> tuple[str, list]:
    values = list(values)
    return f"t.{column} IN ({', '.join(['%s'] * len(values))})", values


def _facet_sql_conditions(filters: ServiceFilters) -> dict[str, tuple[str, list]]:
    """SQL twins of `_facet_filters`, over the columns FACET_COLUMNS selects."""
    conditions = {}
    if filters.categories:
        conditions["category"] = _in("category", filters.categories)
    if filters.regions:
        conditions["region"] = ("(t.regions & %s) <> 0", [mask_from_codes(filters.regions, REGIONS)])
    if filters.delivery_modes:
        conditions["delivery"] = _in("delivery_mode", filters.delivery_modes)
    if filters.offers:
        conditions["offer"] = _in("council_offer", filters.offers)
    if filters.kinds:
        conditions["kind"] = ("(t.kinds_served & %s) <> 0", [mask_from_codes(filters.kinds, KINDS_SERVED)])
    if filters.min_rating:
        conditions["rating"] = ("t.rating_average >= %s", [int(filters.min_rating)])
    return conditions


def _facet_options() -> dict[str, list[tuple[str, str, str, list]]]:
    """Every option of every facet, with the SQL condition a service meets to count for it."""
    return {
        "category": [(value, label, "t.category = %s", [value]) for value, label in Category.choices],
        "region": [(code, label, "(t.regions & %s) <> 0", [1 << index]) for index, (code, label) in enumerate(REGIONS)],
        "delivery": [(value, label, "t.delivery_mode = %s", [value]) for value, label in DeliveryMode.choices],
        "offer": [
            (CouncilOffer.FREE.value, CouncilOffer.FREE.label, "t.council_offer = %s", [CouncilOffer.FREE.value]),
            (
                CouncilOffer.SUBSIDISED.value,
                CouncilOffer.SUBSIDISED.label,
                "t.council_offer = %s",
                [CouncilOffer.SUBSIDISED.value],
            ),
        ],
        "kind": [
            (code, label, "(t.kinds_served & %s) <> 0", [1 << index])
            for index, (code, label) in enumerate(KINDS_SERVED)
        ],
        "rating": [(str(value), label, "t.rating_average >= %s", [value]) for value, label in MIN_RATING_OPTIONS],
    }


def _count_facets(rows: QuerySet, filters: ServiceFilters, options) -> dict[str, int]:
    """Every option's count, and the total, in one statement over `rows` (already price-filtered)."""
    conditions = _facet_sql_conditions(filters)
    columns, params = [], []

    def counted(parts: list[tuple[str, list]], alias: str) -> None:
        if parts:
            columns.append(f"COALESCE(SUM(CASE WHEN {' AND '.join(sql for sql, _p in parts)} THEN 1 ELSE 0 END), 0)")
            for _sql, part_params in parts:
                params.extend(part_params)
        else:
            columns.append("COUNT(*)")
        names.append(alias)

    names: list[str] = []
    counted(list(conditions.values()), "__total")
    for facet, facet_options in options.items():
        others = [condition for name, condition in conditions.items() if name != facet]
        for index, (_value, _label, sql, option_params) in enumerate(facet_options):
            counted([*others, (sql, option_params)], f"{facet}__{index}")
    inner_sql, inner_params = rows.values_list(*FACET_COLUMNS).order_by().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(columns)} FROM ({inner_sql}) t",  # noqa: S608 - only our own SQL and placeholders
            # Placeholders in the SELECT list come before the subquery's.
            [*params, *inner_params],
        )
        values = cursor.fetchone()
    return {name: int(value or 0) for name, value in zip(names, values, strict=True)}


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class ServiceSearch:
    """The listing's results (a lazy queryset to paginate) and everything shown beside them."""

    services: QuerySet
    facets: dict[str, list[FacetOption]]
    # Services left out of a price filter, or sorted last, because their unit cannot be costed.
    uncomparable_count: int
    uncomparable_units: list[str]
    # How many services match: counted with the facets, so pagination need not count again.
    total: int


def _search_condition(q: str) -> Q:
    condition = Q()
    for word in q.split()[:8]:
        condition &= (
            Q(name__icontains=word) | Q(summary__icontains=word) | Q(provider__organisation__name__icontains=word)
        )
    return condition


LISTING_VERSION_KEY = "marketplace:listing-version"
COUNTS_CACHE_SECONDS = 300


def listing_version() -> int:
    """A number that changes whenever what the listing shows may have changed."""
    version = cache.get(LISTING_VERSION_KEY)
    if version is None:
        version = time.time_ns()
        cache.add(LISTING_VERSION_KEY, version, None)
    return version


def _counts_key(filters: ServiceFilters, price_matters: bool) -> str:
    shape = repr(dataclasses.replace(filters, sort="price" if price_matters else ""))
    digest = hashlib.sha256(shape.encode()).hexdigest()[:32]
    return f"marketplace:counts:{listing_version()}:{digest}"


def service_search(*, filters: ServiceFilters) -> ServiceSearch:
    """Published services matching the filters, sorted, with a count for every filter option.

    Within a facet options are alternatives (OR); facets combine with AND. An option's count
    is how many results there would be with that option added to the other facets' filters.
    Price filters apply to the cost of the officer's need (see `pricing`); services whose
    unit cannot be costed for that need are left out and reported, never guessed.
    """
    base = Service.objects.filter(is_published=True, withdrawn=False)
    if filters.q:
        base = base.filter(_search_condition(filters.q))
    base = base.alias(
        cost_low=normalised_cost_expression(need=filters.need, price_field="price_min"),
        cost_high=normalised_cost_expression(need=filters.need, price_field="price_max"),
    )
    uncomparable = Q(cost_low__isnull=True)
    if filters.price_filtered:
        price = Q(cost_low__isnull=False)
        if filters.price_to is not None:
            price &= Q(cost_low__lte=filters.price_to)
        if filters.price_from is not None:
            price &= Q(cost_high__gte=filters.price_from)
    else:
        price = Q()

    conditions = _facet_filters(filters)
    options = _facet_options()
    all_facets = Q(*conditions.values()) if conditions else Q()
    price_matters = filters.price_filtered or filters.sort.startswith("price")

    def count_everything() -> dict:
        # The price condition is the same for every count, so it filters the rows once.
        counts = _count_facets(base.filter(price), filters, options)
        counts["__uncomparable"] = (
            list(
                base.filter(all_facets, uncomparable)
                .values_list("price_unit", "price_interval")
                .annotate(n=Count("pk"))
                .order_by()
            )
            if price_matters
            else []
        )
        return counts

    # Counts only change when a listing is approved or a review changes, and those bump the
    # listing version (services.listing_changed), so they are cached per filter combination.
    counts = cache.get_or_set(_counts_key(filters, price_matters), count_everything, COUNTS_CACHE_SECONDS)
    uncomparable_groups = counts["__uncomparable"]
    uncomparable_count = sum(n for _unit, _interval, n in uncomparable_groups)

    selected = {
        "category": set(filters.categories),
        "region": set(filters.regions),
        "delivery": set(filters.delivery_modes),
        "offer": set(filters.offers),
        "kind": set(filters.kinds),
        "rating": {str(filters.min_rating)} if filters.min_rating else set(),
    }
    facets = {
        facet: [
            FacetOption(value, label, counts[f"{facet}__{index}"], value in selected[facet])
            for index, (value, label, _sql, _params) in enumerate(facet_options)
        ]
        for facet, facet_options in options.items()
    }

    services = base.filter(all_facets, price).select_related("provider__organisation")
    services = services.order_by(*_ordering(filters), "shuffle_key", "pk")

    uncomparable_units = sorted(
        {
            pricing.missing_for(unit=unit, interval=interval, need=filters.need)
            for unit, interval, _n in uncomparable_groups
        }
        - {""}
    )
    return ServiceSearch(
        services=services,
        facets=facets,
        uncomparable_count=uncomparable_count,
        total=counts["__total"],
        uncomparable_units=uncomparable_units,
    )


def _ordering(filters: ServiceFilters) -> list:
    if filters.sort == "price_low":
        return [F("cost_low").asc(nulls_last=True)]
    if filters.sort == "price_high":
        return [F("cost_high").desc(nulls_last=True)]
    if filters.sort == "rating":
        return ["-rating_score"]
    if filters.sort == "reviews":
        return ["-review_count"]
    if filters.q:
        words = filters.q.split()[:8]
        in_name = sum(
            (Case(When(name__icontains=word, then=Value(1)), default=Value(0)) for word in words),
            start=Value(0, output_field=IntegerField()),
        )
        return [in_name.desc(), "-rating_score"]
    return ["-rating_score"]


def service_public_get(*, slug: str) -> Service | None:
    return Service.objects.select_related("provider__organisation").filter(slug=slug, is_published=True).first()


def service_reviews(*, service: Service) -> QuerySet:
    return (
        Review.objects.filter(service=service, status=ReviewStatus.PUBLISHED)
        .select_related("organisation", "reply")
        .order_by("-updated_at", "-id")
    )


def service_compare_list(*, slugs: list[str]) -> list[Service]:
    """Up to four published services in the order given (the order of a shared URL)."""
    # Unknown or withdrawn slugs in a shared URL are skipped, not counted towards the four.
    slugs = list(dict.fromkeys(slugs))[:20]
    by_slug = {
        service.slug: service
        for service in Service.objects.filter(slug__in=slugs, is_published=True).select_related(
            "provider__organisation"
        )
    }
    return [by_slug[slug] for slug in slugs if slug in by_slug][:SHORTLIST_LIMIT]


def shortlist_service_ids(*, request) -> list[int]:
    from marketplace.services import SESSION_KEY

    if request.user.is_authenticated:
        return list(
            Shortlist.objects.filter(owner=request.user)
            .values_list("items__service_id", flat=True)
            .exclude(items__service_id=None)
            .order_by("items__added_at", "items__id")
        )
    return list(request.session.get(SESSION_KEY, []))


def shortlist_services(*, request) -> list[Service]:
    ids = shortlist_service_ids(request=request)
    found = Service.objects.filter(pk__in=ids, is_published=True).select_related("provider__organisation")
    by_id = {service.pk: service for service in found}
    return [by_id[pk] for pk in ids if pk in by_id]


def provider_for_user(*, user) -> list[Provider]:
    if not user.is_authenticated:
        return []
    return list(user.provider_roles.select_related("organisation"))


def provider_services(*, provider: Provider) -> list[Service]:
    services = list(provider.services.order_by("name"))
    pending = {
        revision.service_id: revision
        for revision in ServiceRevision.objects.filter(
            service__provider=provider,
        ).order_by("submitted_at", "id")
    }
    for service in services:
        service.latest_revision = pending.get(service.pk)
    return services


def revisions_pending() -> QuerySet:
    return (
        ServiceRevision.objects.filter(status=RevisionStatus.PENDING)
        .select_related("service__provider__organisation", "submitted_by")
        .order_by("submitted_at", "id")
    )
