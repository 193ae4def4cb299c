"""Reads for the marketplace: the filtered listing with its counts, comparison, shortlists.

The listing filters, counts and orders with the in-memory bitmaps of `listing_index`, then
reads the one page of services it shows: one query whatever the page size or the filters, plus
one for a text search. Counts are worked out afresh for every request (a few integer ANDs), so
a new filter combination costs the same as a repeated one.
"""

import dataclasses
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.validators import slug_re
from django.db.models import Case, Count, IntegerField, Min, Prefetch, Q, QuerySet, Value, When
from django.template.defaultfilters import linebreaksbr
from django.utils.safestring import SafeString

from marketplace import listing_index, pricing
from marketplace.listing_index import FACET_OPTIONS
from marketplace.models import (
    SHORTLIST_LIMIT,
    Category,
    CouncilOffer,
    DeliveryMode,
    Provider,
    ReportStatus,
    Review,
    ReviewReport,
    ReviewStatus,
    RevisionStatus,
    Service,
    ServiceContent,
    ServiceRevision,
    Shortlist,
)
from marketplace.pricing import Need
from marketplace.text import render_markdown
from search.terms import search_terms

SORT_OPTIONS = [
    ("relevance", "Relevance"),
    ("price_low", "Price (low to high)"),
    ("price_high", "Price (high to low)"),
    ("rating", "Rating"),
    ("reviews", "Number of reviews"),
]


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


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True, slots=True)
class ListedService:
    """One result as the listing shows it, read as plain values rather than as a model: a page of
    100 then costs a third of the time to read."""

    pk: int
    slug: str
    name: str
    summary: str
    category: str
    delivery_mode: str
    typical_duration: str
    council_offer: str
    price_min: Decimal
    price_max: Decimal
    price_unit: str
    price_interval: str
    vat: str
    review_count: int
    rating_average: Decimal | None
    provider_name: str

    @property
    def category_label(self) -> str:
        return Category(self.category).label

    @property
    def delivery_label(self) -> str:
        return DeliveryMode(self.delivery_mode).label

    @property
    def offer_label(self) -> str:
        return CouncilOffer(self.council_offer).label if self.council_offer else ""

    # The same helpers as the model's (see models.ServiceContent).
    price_text = ServiceContent.price_text
    cost_for = ServiceContent.cost_for


LISTED_COLUMNS = [field.name for field in dataclasses.fields(ListedService)][:-1] + ["provider__organisation__name"]


class ListingResults:
    """The matching services in order, read from the database one slice (a page) at a time.

    Behaves like the queryset it replaces for the paginator and the tests: `count()`, `len()`,
    slicing and iteration.
    """

    def __init__(self, *, ordered_bits, total: int, ids: list[int]):
        self._ordered_bits = ordered_bits  # (start, stop) -> bits in order
        self._total = total
        self._ids = ids

    def count(self) -> int:
        return self._total

    def __len__(self) -> int:
        return self._total

    def __iter__(self):
        return iter(self[0 : self._total])

    def __getitem__(self, item):
        if not isinstance(item, slice):
            if not 0 <= item < self._total:
                raise IndexError(item)
            return self[item : item + 1][0]
        start, stop, step = item.indices(self._total)
        if step != 1:
            raise ValueError("Listing results can only be sliced in order.")
        if start >= stop:
            return []
        ids = [self._ids[bit] for bit in self._ordered_bits(start, stop)]
        rows = Service.objects.listed().filter(pk__in=ids).values_list(*LISTED_COLUMNS)
        by_id = {row[0]: ListedService(*row) for row in rows}
        # A service withdrawn since the index was built is dropped, never shown.
        return [by_id[pk] for pk in ids if pk in by_id]


@dataclass
class ServiceSearch:
    """The listing's results (lazy, read a page at a time) and everything shown beside them."""

    services: ListingResults
    facets: dict[str, list[FacetOption]]
    # Services left out of a price filter, or sorted last, because their unit cannot be costed.
    uncomparable_count: int
    uncomparable_units: list[str]
    # How many services match: the paginator is told, so it never counts again.
    total: int


def _search_condition(q: str) -> Q:
    condition = Q()
    for word in search_terms(q):
        condition &= (
            Q(name__icontains=word) | Q(summary__icontains=word) | Q(provider__organisation__name__icontains=word)
        )
    return condition


def _text_matches(q: str) -> dict[int, int]:
    """Listed services matching every word of `q`, with how many of the words are in the name."""
    words = search_terms(q)
    if not words:
        return {}  # only punctuation: nothing to look for, so nothing matches
    in_name = sum(
        (Case(When(name__icontains=word, then=Value(1)), default=Value(0)) for word in words),
        start=Value(0, output_field=IntegerField()),
    )
    rows = Service.objects.listed().filter(_search_condition(q)).annotate(in_name=in_name).values_list("pk", "in_name")
    return dict(rows)


def _selected_masks(index: listing_index.ListingIndex, filters: ServiceFilters) -> dict[str, int]:
    """Each chosen facet's services on its own, so counts can leave one facet out at a time."""
    chosen = {
        "category": filters.categories,
        "region": filters.regions,
        "delivery": filters.delivery_modes,
        "offer": filters.offers,
        "kind": filters.kinds,
    }
    masks = {facet: index.any_of(facet, values) for facet, values in chosen.items() if values}
    if filters.min_rating:
        masks["rating"] = index.rating_at_least(int(filters.min_rating))
    return masks


def _and(masks, start: int) -> int:
    for mask in masks:
        start &= mask
    return start


def service_search(*, filters: ServiceFilters) -> ServiceSearch:
    """Published services matching the filters, sorted, with a count for every filter option.

    Within a facet options are alternatives (OR); facets combine with AND. An option's count
    is how many results there would be with that option added to the other facets' filters.
    Price filters apply to the cost of the officer's need (see `pricing`); services whose
    unit cannot be costed for that need are left out and reported, never guessed.
    """
    index = listing_index.current()
    need = filters.need
    base = index.everything
    name_matches: dict[int, int] = {}
    if filters.q:
        name_matches = _text_matches(filters.q)
        base = index.bits_of(name_matches)
    priced = base
    if filters.price_filtered:
        priced &= index.price_range(need=need, low=filters.price_from, high=filters.price_to)

    selected = _selected_masks(index, filters)
    matching = _and(selected.values(), priced)
    chosen_values = {
        "category": set(filters.categories),
        "region": set(filters.regions),
        "delivery": set(filters.delivery_modes),
        "offer": set(filters.offers),
        "kind": set(filters.kinds),
        "rating": {str(filters.min_rating)} if filters.min_rating else set(),
    }
    facets = {}
    for facet, options in FACET_OPTIONS.items():
        others = _and((mask for name, mask in selected.items() if name != facet), priced)
        facets[facet] = [
            FacetOption(value, label, (others & index.option(facet, value)).bit_count(), value in chosen_values[facet])
            for value, label in options
        ]

    uncomparable_count, uncomparable_units = 0, set()
    if filters.price_filtered or filters.sort.startswith("price"):
        all_facets = _and(selected.values(), base)
        for shape in index.uncomparable(need):
            count = (all_facets & shape.bits).bit_count()
            if count:
                uncomparable_count += count
                uncomparable_units.add(pricing.missing_for(unit=shape.unit, interval=shape.interval, need=need))

    return ServiceSearch(
        services=ListingResults(
            ordered_bits=_orderer(index, matching, filters, name_matches), total=matching.bit_count(), ids=index.ids
        ),
        facets=facets,
        uncomparable_count=uncomparable_count,
        uncomparable_units=sorted(uncomparable_units - {""}),
        total=matching.bit_count(),
    )


def _orderer(index: listing_index.ListingIndex, matching: int, filters: ServiceFilters, name_matches: dict[int, int]):
    """A function giving the bits of results `start` to `stop` in the requested order.

    Every order ends with the service's fixed pseudo-random tie-break, never its name.
    """

    def ordered(start: int, stop: int) -> list[int]:
        if filters.sort == "price_low":
            bits = index.by_cost(matching, filters.need, highest_first=False)
        elif filters.sort == "price_high":
            bits = index.by_cost(matching, filters.need, highest_first=True)
        elif filters.sort == "reviews":
            bits = index.in_order(matching, index.by_reviews)
        elif filters.sort == "relevance" and filters.q:
            # More of the words in the name first, then the default order (the bit order).
            in_name = {index.bit_of[pk]: count for pk, count in name_matches.items() if pk in index.bit_of}
            bits = iter(sorted(index.in_default_order(matching), key=lambda bit: (-in_name[bit], bit)))
        else:
            # Rating, and relevance without a search: the default order, skipping to `start`.
            return listing_index.page_bits(index.in_default_order(matching, skip=start), 0, stop - start)
        return listing_index.page_bits(bits, start, stop)

    return ordered


def service_public_get(*, slug: str) -> Service | None:
    return Service.objects.listed().select_related("provider__organisation").filter(slug=slug).first()


def service_reviews(*, service: Service) -> QuerySet:
    return (
        Review.objects.filter(service=service, status=ReviewStatus.PUBLISHED)
        .select_related("organisation", "reply")
        .order_by("-updated_at", "-id")
    )


def service_compare_list(*, slugs: list[str]) -> list[Service]:
    """Up to four listed services in the order given (the order of a shared URL)."""
    # Unknown or withdrawn slugs in a shared URL are skipped, not counted towards the four.
    # A value no slug can have (a NUL byte, which PostgreSQL refuses in text, or any other
    # character outside a slug) names no service: it never reaches the query.
    slugs = [slug for slug in dict.fromkeys(slugs) if slug_re.fullmatch(slug)][:20]
    by_slug = {
        service.slug: service
        for service in Service.objects.listed().filter(slug__in=slugs).select_related("provider__organisation")
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
    found = Service.objects.listed().filter(pk__in=ids).select_related("provider__organisation")
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


def reviews_reported() -> QuerySet:
    """Published reviews with reports waiting for a moderator, longest waiting first."""
    open_reports = Q(reports__status=ReportStatus.OPEN)
    return (
        Review.objects.filter(open_reports, status=ReviewStatus.PUBLISHED)
        .annotate(open_reports=Count("reports", filter=open_reports), first_reported=Min("reports__created_at"))
        .select_related("service", "organisation")
        .prefetch_related(
            Prefetch(
                "reports",
                queryset=ReviewReport.objects.filter(status=ReportStatus.OPEN).order_by("created_at", "id"),
                to_attr="open_report_list",
            )
        )
        .order_by("first_reported", "id")
    )


def revisions_pending() -> QuerySet:
    return (
        ServiceRevision.objects.filter(status=RevisionStatus.PENDING)
        .select_related("service__provider__organisation", "submitted_by")
        .order_by("submitted_at", "id")
    )


# --- The moderation diff --------------------------------------------------------------------

# Each content field as the moderator reads it, in the order of the provider's form: the label
# the public page or the form gives it, and its value shown the way the public service page
# shows it (money through pricing.money, codes as their labels, Markdown rendered).
LISTING_FIELD_LABELS = {
    "name": "Service name",
    "summary": "Summary",
    "description": "Full description",
    "category": "Category",
    "delivery_mode": "Delivery",
    "typical_duration": "Typical duration",
    "price_min": "Minimum price",
    "price_max": "Maximum price",
    "price_unit": "What the price is for",
    "price_interval": "How often it is charged",
    "vat": "VAT",
    "council_offer": "Free or subsidised for councils",
    "council_offer_details": "Who the offer is for and who funds it",
    "regions": "Covers",
    "kinds_served": "Organisations served",
}
MONEY_FIELDS = {"price_min", "price_max"}
# Fields written in one line of a form: a run of spaces there means nothing to a reader.
ONE_LINE_FIELDS = {"name", "summary", "typical_duration", "council_offer_details"}


@dataclass(frozen=True)
class FieldChange:
    """One row of the moderation diff: what the public sees now and what is proposed."""

    label: str
    current: SafeString
    proposed: SafeString
    changed: bool


def _shown(listing: ServiceContent, name: str) -> SafeString:
    if name == "description":
        return render_markdown(listing.description)
    if name in MONEY_FIELDS:
        text = pricing.money(getattr(listing, name))
    elif name == "regions":
        text = listing.coverage_text
    elif name == "kinds_served":
        text = "; ".join(listing.kinds_served_labels)
    elif ServiceContent._meta.get_field(name).choices:
        text = str(getattr(listing, f"get_{name}_display")())
    else:
        text = getattr(listing, name) or "Not stated"
    return linebreaksbr(text)


def _comparable(name: str, value):
    """The value as it means to a reader: 55300 is Decimal("55300.00"), a Windows line end is
    a line end, and trailing or doubled spaces are nothing."""
    if name in MONEY_FIELDS:
        return Decimal(str(value))
    if isinstance(value, str):
        if name in ONE_LINE_FIELDS:
            return " ".join(value.split())
        lines = value.replace("\r\n", "\n").replace("\r", "\n").strip().split("\n")
        return "\n".join(line.rstrip() for line in lines)
    if isinstance(value, (list, tuple, set)):
        # Codes chosen from a set of options (a form's checkboxes): their order is not meaning.
        return frozenset(value)
    return value


def revision_changes(*, revision: ServiceRevision) -> list[FieldChange]:
    """The proposed listing beside the public one, field by field, marking what really differs.

    For a listing never published every field is new, and there is nothing to show beside it.
    """
    service = revision.service
    published = service.is_published
    return [
        FieldChange(
            label=label,
            current=_shown(service, name) if published else SafeString(""),
            proposed=_shown(revision, name),
            changed=not published
            or _comparable(name, getattr(service, name)) != _comparable(name, getattr(revision, name)),
        )
        for name, label in LISTING_FIELD_LABELS.items()
    ]
