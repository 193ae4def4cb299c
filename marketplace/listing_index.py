"""The listing's in-memory index: which approved services each filter option selects, as bitmaps.

Every listed service gets one bit, numbered in the listing's default order (Bayesian score, then
the fixed pseudo-random tie-break). Each filter option is a Python int holding the bits of the
services it selects, so combining filters is an AND, an option's count is an AND and
`int.bit_count()`, and a page of results in the default order is the next few set bits. Price
filters and sorts multiply each service's listed prices by `pricing.multiplier` for its unit,
interval and VAT: the same exact Decimal arithmetic as the cost shown on the page, so results,
counts and displayed costs cannot disagree, and a price that cannot be costed for the officer's
need is never guessed.

One query builds the index. It is rebuilt when the listing version changes (see
`services.listing_changed`: an approval, a withdrawal, a review published or removed) and when it
is older than MAX_AGE_SECONDS, which bounds how long a write that bypassed the services (a bulk
import, the Django shell) can go unseen. The process that made the change builds it straight
after the commit and shares it through the cache (about 400 kB pickled for ten thousand
services); every process keeps its own copy in memory and loads the shared one when the version
moves on, which takes a few milliseconds where building takes tens.

Not kept here: the text search (`q`), which stays a database query so it matches exactly what
the database's case-insensitive LIKE matches, and the rows shown, which are read for each page.
"""

import heapq
import itertools
import threading
import time
from bisect import bisect_right
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.db import connection
from django.db.models import BigIntegerField, Case, F, IntegerField, Value, When
from django.db.models.functions import Cast, Round

from marketplace import pricing
from marketplace.models import KINDS_SERVED, REGIONS, Category, CouncilOffer, DeliveryMode, Service

LISTING_VERSION_KEY = "marketplace:listing-version"
MAX_AGE_SECONDS = 300

# The listing's fixed filter options: (facet, [(value, label)]). Regions and kinds are bit masks
# on the service (see models.REGIONS); the others are one value per service.
MIN_RATING_OPTIONS = [(4, "4 and above"), (3, "3 and above"), (2, "2 and above")]
FACET_OPTIONS: dict[str, list[tuple[str, str]]] = {
    "category": list(Category.choices),
    "region": list(REGIONS),
    "delivery": list(DeliveryMode.choices),
    "offer": [
        (CouncilOffer.FREE.value, CouncilOffer.FREE.label),
        (CouncilOffer.SUBSIDISED.value, CouncilOffer.SUBSIDISED.label),
    ],
    "kind": list(KINDS_SERVED),
    "rating": [(str(value), label) for value, label in MIN_RATING_OPTIONS],
}

# Prices are at most 12 digits with 2 decimal places: under 2**48 pence.
_PENCE_LIMIT = 2**48
# For each byte value, the positions of its set bits: reading a bitmap a byte at a time keeps
# the Python loop eight times shorter than one step per service.
_BYTE_BITS = [tuple(bit for bit in range(8) if value >> bit & 1) for value in range(256)]


def listing_version() -> int:
    """A number that changes whenever what the listing shows may have changed."""
    version = cache.get(LISTING_VERSION_KEY)
    if version is None:
        version = time.time_ns()
        cache.add(LISTING_VERSION_KEY, version, None)
        version = cache.get(LISTING_VERSION_KEY, version)
    return version


@dataclass
class PriceShape:
    """The services sharing a price unit, interval and VAT handling: one multiplier per need.

    Multiplying by a positive number keeps order, so each list, sorted once by listed price,
    is also sorted by the cost of any need.
    """

    unit: str
    interval: str
    vat: str
    bits: int = 0
    # Bits ordered by (minimum price, tie-break), with their minimum prices in pence.
    by_min: list[int] = field(default_factory=list)
    mins: list[int] = field(default_factory=list)
    # Bits ordered by (maximum price descending, tie-break), with those prices in pence, negated.
    by_max: list[int] = field(default_factory=list)
    negated_maxes: list[int] = field(default_factory=list)

    def multiplier(self, need: pricing.Need) -> Decimal | None:
        return pricing.multiplier(unit=self.unit, interval=self.interval, vat=self.vat, need=need)


def _bitmap_of_codes(codes: bytes, wanted: Iterable[int]) -> int:
    """The bitmap of the services whose one-byte code (service i at codes[i]) is wanted."""
    if not codes:
        return 0
    table = bytearray(b"0" * 256)
    for code in wanted:
        table[code] = ord("1")
    # int(..., 2) reads the most significant digit first, so the last service leads.
    return int(codes[::-1].translate(table), 2)


def _bitmaps_by_value(values: Sequence[Hashable]) -> dict:
    """For each distinct value in a column of few distinct values, the services having it."""
    distinct = list(dict.fromkeys(values))
    if len(distinct) > 256:  # pragma: no cover - every such column has a handful of values
        raise ValueError("Too many distinct values for one-byte codes.")
    code_of = {value: code for code, value in enumerate(distinct)}
    codes = bytes(map(code_of.__getitem__, values))
    return {value: _bitmap_of_codes(codes, [code]) for value, code in code_of.items()}


def _bitmaps_by_flag(masks: Sequence[int], options: list[tuple[str, str]]) -> dict[str, int]:
    """For each option of a bit mask column (regions, kinds), the services whose mask has it."""
    bitmaps = {}
    for low in range(0, len(options), 8):
        # One byte of the mask at a time, so each service still has a one-byte code.
        codes = bytes((mask >> low) & 0xFF for mask in masks)
        for index, (code, _label) in enumerate(options[low : low + 8]):
            bitmaps[code] = _bitmap_of_codes(codes, [byte for byte in range(256) if byte >> index & 1])
    return bitmaps


class ListingIndex:
    """Bitmaps over the listed services at one listing version (see the module docstring).

    `rows`, in any order, are (pk, Bayesian score, shuffle key, category, regions mask, kinds
    mask, delivery mode, council offer, whole-star rating or None, review count, minimum and
    maximum price in pence, unit, interval, VAT). Prices are kept in whole pence, so they are
    exact ints whatever the database returns. Built with sorts, `bytes.translate` and
    `int(..., 2)`, which loop in C: ten thousand services take a few milliseconds.
    """

    def __init__(self, *, version: int, rows: list[tuple]):
        self.version = version
        self.built_at = time.time()  # wall clock: a shared index is compared in other processes
        # Every sort key below is one int (fields packed side by side), which sorts several
        # times faster than tuples. Scores have four decimal places; shuffle keys and ids fit
        # in 32 bits; prices stay under 2**48 pence (models: 12 digits with 2 decimal places).
        default_key = [(-round(row[1] * 10000) << 64) | (row[2] << 32) | row[0] for row in rows]
        # Bit order: best score first, then the tie-break (shuffle key, pk).
        rows = list(map(rows.__getitem__, sorted(range(len(rows)), key=default_key.__getitem__)))
        columns = [list(column) for column in zip(*rows, strict=True)] or [[]] * 15
        ids, _score, shuffle, categories, regions, kinds, deliveries, offers, stars, reviews = columns[:10]
        pence_min, pence_max, units, intervals, vats = columns[10:]
        size = self.size = len(ids)
        self.nbytes = (size + 7) // 8
        self.everything = (1 << size) - 1
        self.ids = ids
        self.bit_of = dict(zip(ids, range(size), strict=True))
        self.pence_min = pence_min
        self.pence_max = pence_max
        # The tie-break as one int per service: its rank by (shuffle key, pk).
        tie_key = [(key << 32) | pk for key, pk in zip(shuffle, ids, strict=True)]
        self.by_tie_break = sorted(range(size), key=tie_key.__getitem__)
        tie_rank = self.tie_rank = sorted(range(size), key=self.by_tie_break.__getitem__)
        reviews_key = [rank - count * size for count, rank in zip(reviews, tie_rank, strict=True)]
        self.by_reviews = sorted(range(size), key=reviews_key.__getitem__)

        self.options = {
            "category": _bitmaps_by_value(categories),
            "delivery": _bitmaps_by_value(deliveries),
            "offer": _bitmaps_by_value(offers),
            "region": _bitmaps_by_flag(regions, REGIONS),
            "kind": _bitmaps_by_flag(kinds, KINDS_SERVED),
        }
        self.by_stars = _bitmaps_by_value([value or 0 for value in stars])
        self.options["rating"] = {value: self.rating_at_least(int(value)) for value, _label in FACET_OPTIONS["rating"]}

        shape_of = list(zip(units, intervals, vats, strict=True))
        shape_bits = _bitmaps_by_value(shape_of)
        shape_code = {shape: code for code, shape in enumerate(shape_bits)}
        codes = [shape_code[shape] << 96 for shape in shape_of]
        min_key = [code | (pence << 32) | rank for code, pence, rank in zip(codes, pence_min, tie_rank, strict=True)]
        max_key = [
            code | ((_PENCE_LIMIT - pence) << 32) | rank
            for code, pence, rank in zip(codes, pence_max, tie_rank, strict=True)
        ]
        by_min = sorted(range(size), key=min_key.__getitem__)
        by_max = sorted(range(size), key=max_key.__getitem__)
        self.shapes = []
        for (shape, min_bits), (_shape, max_bits) in zip(
            itertools.groupby(by_min, key=shape_of.__getitem__),
            itertools.groupby(by_max, key=shape_of.__getitem__),
            strict=True,
        ):
            entry = PriceShape(*shape, bits=shape_bits[shape], by_min=list(min_bits), by_max=list(max_bits))
            entry.mins = [pence_min[bit] for bit in entry.by_min]
            entry.negated_maxes = [-pence_max[bit] for bit in entry.by_max]
            self.shapes.append(entry)

    # --- Bitmaps ----------------------------------------------------------------------------

    def bitmap(self, bits: Iterable[int]) -> int:
        """The int with exactly these bits set."""
        buffer = bytearray(self.nbytes)
        for bit in bits:
            buffer[bit >> 3] |= 1 << (bit & 7)
        return int.from_bytes(buffer, "little")

    @staticmethod
    def _or(masks: Iterable[int]) -> int:
        result = 0
        for mask in masks:
            result |= mask
        return result

    def bits_of(self, ids: Iterable[int]) -> int:
        """The bitmap of these service ids (ids not in the index are ignored)."""
        bit_of = self.bit_of
        return self.bitmap(bit_of[pk] for pk in ids if pk in bit_of)

    def option(self, facet: str, value: str) -> int:
        return self.options[facet].get(value, 0)

    def any_of(self, facet: str, values: Iterable[str]) -> int:
        """Services matching at least one of the values (options within a facet are alternatives)."""
        return self._or(self.option(facet, value) for value in values)

    def rating_at_least(self, minimum: int) -> int:
        """Services with reviews whose average rating is `minimum` (a whole number) or more."""
        return self._or(mask for stars, mask in self.by_stars.items() if stars >= minimum)

    # --- Prices -----------------------------------------------------------------------------

    def uncomparable(self, need: pricing.Need) -> list[PriceShape]:
        """The price shapes that cannot be costed for this need."""
        return [shape for shape in self.shapes if shape.multiplier(need) is None]

    def price_range(self, *, need: pricing.Need, low: Decimal | None, high: Decimal | None) -> int:
        """Services whose cost for the need overlaps [low, high]; uncostable ones never match."""
        # Everything in pence: a price in pence times the factor against a bound in pence.
        low = None if low is None else low * 100
        high = None if high is None else high * 100
        maxes = self.pence_max
        matched: list[int] = []
        for shape in self.shapes:
            factor = shape.multiplier(need)
            if factor is None:
                continue
            if high is not None:
                # Cheapest cost at or under `high`: a prefix of the list by minimum price.
                candidates = shape.by_min[: bisect_right(shape.mins, high, key=lambda pence: pence * factor)]
                if low is not None:
                    candidates = [bit for bit in candidates if maxes[bit] * factor >= low]
            elif low is not None:
                # Dearest cost at or over `low`: a prefix of the list by maximum price, descending.
                candidates = shape.by_max[: bisect_right(shape.negated_maxes, -low, key=lambda pence: pence * factor)]
            else:
                candidates = shape.by_min
            matched.extend(candidates)
        return self.bitmap(matched)

    # --- Orders -----------------------------------------------------------------------------

    def in_default_order(self, mask: int, skip: int = 0) -> Iterator[int]:
        """Set bits of `mask` from the `skip`-th, lowest first: the default order (Bayesian score,
        tie-break). Skipped bytes are counted whole, so deep pages cost little more than the first."""
        for byte_index, byte in enumerate(mask.to_bytes(self.nbytes, "little")):
            if not byte:
                continue
            bits = _BYTE_BITS[byte]
            if skip:
                if skip >= len(bits):
                    skip -= len(bits)
                    continue
                bits, skip = bits[skip:], 0
            base = byte_index << 3
            for bit in bits:
                yield base + bit

    def member_test(self, mask: int) -> Callable[[int], bool]:
        data = mask.to_bytes(self.nbytes, "little")
        return lambda bit: bool(data[bit >> 3] >> (bit & 7) & 1)

    def in_order(self, mask: int, order: list[int]) -> Iterator[int]:
        member = self.member_test(mask)
        return (bit for bit in order if member(bit))

    def by_cost(self, mask: int, need: pricing.Need, *, highest_first: bool) -> Iterator[int]:
        """Members by the cost of the need (low or high end), tie-break after; uncostable last."""
        member = self.member_test(mask)
        streams = [
            self._costed(shape, factor, member, highest_first=highest_first)
            for shape in self.shapes
            if (factor := shape.multiplier(need)) is not None
        ]
        for _cost, _tie, bit in heapq.merge(*streams):
            yield bit
        uncostable = 0
        for shape in self.uncomparable(need):
            uncostable |= shape.bits
        yield from self.in_order(mask & uncostable, self.by_tie_break)

    def _costed(self, shape: PriceShape, factor: Decimal, member, *, highest_first: bool):
        """One shape's members as (sort key, tie-break, bit), already in order."""
        tie_rank = self.tie_rank
        if highest_first:
            maxes = self.pence_max
            return ((-maxes[bit] * factor, tie_rank[bit], bit) for bit in shape.by_max if member(bit))
        mins = self.pence_min
        return ((mins[bit] * factor, tie_rank[bit], bit) for bit in shape.by_min if member(bit))


def _pence(column: str):
    # ROUND first: SQLite hands back decimals as floats, and 0.29 * 100 is 28.999...
    return Cast(Round(F(column) * 100), BigIntegerField())


def _build(version: int) -> ListingIndex:
    """One query for every listed service; see ListingIndex for the columns."""
    stars = Case(
        *(When(rating_average__gte=value, then=Value(value)) for value in range(5, 0, -1)),
        default=Value(None),
        output_field=IntegerField(),
    )
    rows = (
        Service.objects.listed()
        .annotate(stars=stars, pence_min=_pence("price_min"), pence_max=_pence("price_max"))
        .order_by()
        .values_list(
            "pk",
            "rating_score",
            "shuffle_key",
            "category",
            "regions",
            "kinds_served",
            "delivery_mode",
            "council_offer",
            "stars",
            "review_count",
            "pence_min",
            "pence_max",
            "price_unit",
            "price_interval",
            "vat",
        )
    )
    # Run as plain SQL, skipping Django's per-value converters (a third of the build time on
    # SQLite): every column is an int or a string except the score, only compared for order.
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return ListingIndex(version=version, rows=cursor.fetchall())


_current: ListingIndex | None = None
_lock = threading.Lock()


def _shared_key(version: int) -> str:
    return f"marketplace:listing-index:{version}"


def _fresh(index: ListingIndex | None, version: int) -> bool:
    return index is not None and index.version == version and time.time() - index.built_at < MAX_AGE_SECONDS


def build() -> ListingIndex:
    """Build the index at the current listing version and share it through the cache, so the
    other processes load it (a few milliseconds) instead of each building it again."""
    # The version is read before the rows, so a write committed meanwhile is either in these
    # rows or makes the next request rebuild: never lost.
    index = _build(listing_version())
    cache.set(_shared_key(index.version), index, MAX_AGE_SECONDS)
    return index


def install(index: ListingIndex) -> None:
    global _current
    _current = index


def current() -> ListingIndex:
    """This process's index for the current listing version: kept, loaded from the cache where
    another process shared it, or built (and shared) here."""
    version = listing_version()
    index = _current
    if _fresh(index, version):
        return index
    with _lock:
        index = _current
        if not _fresh(index, version):
            index = cache.get(_shared_key(version))
            if not _fresh(index, version):
                index = build()
            install(index)
    return index


def page_bits(bits: Iterator[int], start: int, stop: int) -> list[int]:
    return list(itertools.islice(bits, start, stop))
