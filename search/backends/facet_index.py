# ruff: noqa: S608 - SQL here is assembled from constant fragments and placeholder lists only.
"""Facet bitmaps for the people index, kept in memory by each process.

Every facet value has two bitmaps over entry ids (a Python int with bit `profile_id` set for
each person who has the value): one for what everyone may see and one for what signed-in
members may see. A search turns its text match into a bitmap too; then a facet value's count
is `(match & other facets' filters & value).bit_count()`, which takes microseconds, so counts
are computed on every request instead of being cached.

Members-only values are only in the members' bitmaps and hidden values are never stored in the
index at all, so a visitor's counts cannot include what they may not see.

Every write to the index bumps `IndexState.version` and records which entries it changed
(`IndexChange`) inside its own transaction; a process that sees a newer version reloads just
those entries, or rebuilds when it fell too far behind or another history replaced its own (a
rolled-back test transaction, for instance).

Building the bitmaps reads every entry and skill (over a second for 100,000 people), so a
process that builds them also saves them (`FacetSnapshot`, a few megabytes of raw bitmaps and
arrays). A new process loads that snapshot in milliseconds and catches up from the change log
like any other process that fell behind; it builds only when the snapshot belongs to another
history or is too far behind. A full reindex saves a snapshot as it finishes.
"""

from __future__ import annotations

import itertools
import json
import logging
import math
import re
import struct
import threading
import uuid
from array import array
from bisect import bisect_left, insort
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.db import DatabaseError, connection, transaction
from django.db.models import F

from search.indexing import MONTH, now_epoch
from search.models import LEVEL_MEMBERS, LEVEL_PUBLIC

# The facets and, per value, [everyone's bitmap, members' bitmap].
FacetBits = dict[str, dict[str, list[int]]]
# Catching up with more changed entries than this rebuilds instead.
MAX_CATCH_UP = 20_000
# Change records kept for processes that are behind; older ones are pruned by writers.
KEEP_CHANGES = 500
ENTRY_COLUMNS = (
    "profile_id, sector, sector_vis, organisation_kind, organisation_tier, organisation_vis, "
    "peer_status, peer_accredited, availability, standing, last_active"
)
# The internal facet of standing tiers (never shown or counted).
STANDING = "_standing"
# Standing tiers: people are grouped by standing so that ranking can score the best first.
STANDING_TIERS = (3.0, 2.0, 1.5, 1.0, 0.6, 0.3, 0.1, 0.0)
# A catch-up from a snapshot across more versions than this saves a newer snapshot.
SNAPSHOT_REFRESH = 100
SNAPSHOT_FORMAT = 1
# Array type codes of a browse key's parts in a snapshot: -standing, -last_active, id.
ORDER_CODES = ("d", "q", "q")
ONE = re.compile("1")

logger = logging.getLogger(__name__)


def members(bitmap: int) -> list[int]:
    """The ids set in a bitmap, in increasing order.

    Read from the bitmap's binary digits, lowest first: finding the ones there runs in C,
    two to three times quicker than testing each byte in Python."""
    return [found.start() for found in ONE.finditer(bin(bitmap)[:1:-1])]


def bitmap_of(ids: Iterable[int]) -> int:
    """A bitmap with these ids set (written as binary digits, then read as one number)."""
    ids = list(ids)
    if not ids:
        return 0
    digits = bytearray(b"0") * (max(ids) + 1)
    for entry_id in ids:
        digits[entry_id] = 49  # "1"
    return int(digits[::-1], 2)


def standing_tier(standing: float) -> int:
    for tier, floor in enumerate(STANDING_TIERS):
        if standing >= floor:
            return tier
    return len(STANDING_TIERS) - 1


def _browse_key(standing: float, last_active: int, entry_id: int) -> tuple:
    """Browsing without words: standing, then recent activity, then id (as the SQL index)."""
    return (-standing, -last_active, entry_id)


@dataclass
class FacetIndex:
    version: int = 0
    token: str = ""
    everyone: int = 0
    bits: FacetBits = field(default_factory=lambda: defaultdict(dict))
    # Browse order: (-standing, -last_active, id), sorted; and each entry's current key.
    order: list[tuple] = field(default_factory=list)
    keys: dict[int, tuple] = field(default_factory=dict)
    tier_multiplier: dict[str, float] = field(default_factory=dict)

    def value_bits(self, facet: str, value: str, level: int) -> int:
        pair = self.bits.get(facet, {}).get(value)
        if pair is None:
            return 0
        return pair[LEVEL_MEMBERS] if level >= LEVEL_MEMBERS else pair[LEVEL_PUBLIC]

    def filter_bits(self, facet: str, values: Iterable[str], level: int) -> int:
        """Who passes a facet filter: anyone with one of the values, as `level` may see them."""
        result = 0
        for value in values:
            result |= self.value_bits(facet, value, level)
        return result

    def browse(self, wanted: int, *, offset: int, limit: int) -> list[int]:
        """Ids in `wanted` in browse order, `limit` of them after `offset`."""
        if wanted == self.everyone:
            return [key[2] for key in self.order[offset : offset + limit]]
        if wanted.bit_count() <= 4 * (offset + limit) + 2000:
            # Few people: sort them directly rather than walking everyone.
            keys = sorted(self.keys[entry_id] for entry_id in members(wanted) if entry_id in self.keys)
            return [key[2] for key in keys[offset : offset + limit]]
        return list(itertools.islice(self.walk(wanted), offset, offset + limit))

    def walk(self, wanted: int) -> Iterator[int]:
        """Ids in `wanted`, in browse order (best standing first), lazily."""
        data = wanted.to_bytes((wanted.bit_length() + 7) // 8, "little")
        size = len(data)
        for key in self.order:
            entry_id = key[2]
            byte = entry_id >> 3
            if byte < size and data[byte] >> (entry_id & 7) & 1:
                yield entry_id

    # --- building -----------------------------------------------------------------------

    def _memberships(self, row, terms) -> list[tuple[str, str, int]]:
        (_, sector, sector_vis, kind, tier, org_vis, status, accredited, availability, _, _) = row
        found = []
        if sector:
            found.append(("sector", sector, sector_vis))
        if kind:
            found.append(("kind", kind, org_vis))
        if tier:
            found.append(("tier", tier, org_vis))
        if status:
            found.append(("peer", status, LEVEL_PUBLIC))
        if accredited:
            found.append(("peer", "accredited", LEVEL_PUBLIC))
        if availability:
            found.append(("availability", availability, LEVEL_PUBLIC))
        found.extend(("skill", value, vis) for value, vis in terms)
        found.append((STANDING, str(standing_tier(row[9])), LEVEL_PUBLIC))
        return found

    def _note_multiplier(self, row, now: int) -> None:
        """Keep each tier's largest standing multiplier (an upper bound: activity only ages)."""
        tier = str(standing_tier(row[9]))
        age = now - row[10]
        multiplier = 1.0 + row[9] + 0.5 / (1.0 + (max(0, age)) / MONTH)
        if multiplier > self.tier_multiplier.get(tier, 0.0):
            self.tier_multiplier[tier] = multiplier

    def tiers(self) -> list[tuple[int, float]]:
        """(bitmap, largest multiplier) of each standing tier, best first."""
        return [(bits, multiplier) for _, bits, multiplier in self.tier_floors()]

    def tier_floors(self) -> list[tuple[float, int, float]]:
        """(lowest standing, bitmap, largest multiplier) of each standing tier, best first."""
        found = []
        for tier, floor in enumerate(STANDING_TIERS):
            pair = self.bits.get(STANDING, {}).get(str(tier))
            if pair and pair[0]:
                found.append((floor, pair[0], self.tier_multiplier.get(str(tier), math.inf)))
        return found

    def load(self, rows, terms: dict[int, list[tuple[str, int]]]) -> None:
        """(Re)place these entries: `rows` from ENTRY_COLUMNS, `terms` their skills."""
        ids: dict[tuple[str, str, int], list[int]] = defaultdict(list)
        now = now_epoch()
        for row in rows:
            entry_id = row[0]
            self._note_multiplier(row, now)
            for facet, value, vis in self._memberships(row, terms.get(entry_id, ())):
                ids[(facet, value, vis)].append(entry_id)
            key = _browse_key(row[9], row[10], entry_id)
            old = self.keys.get(entry_id)
            if old != key:
                if old is not None:
                    del self.order[bisect_left(self.order, old)]
                insort(self.order, key)
                self.keys[entry_id] = key
        self.everyone |= bitmap_of(row[0] for row in rows)
        for (facet, value, vis), entry_ids in ids.items():
            pair = self.bits[facet].setdefault(value, [0, 0])
            added = bitmap_of(entry_ids)
            if vis <= LEVEL_PUBLIC:
                pair[LEVEL_PUBLIC] |= added
            if vis <= LEVEL_MEMBERS:
                pair[LEVEL_MEMBERS] |= added

    def forget(self, entry_ids: list[int]) -> None:
        """Take these entries out of every bitmap and the browse order."""
        gone = bitmap_of(entry_ids)
        keep = ~gone
        self.everyone &= keep
        for values in self.bits.values():
            for pair in values.values():
                pair[0] &= keep
                pair[1] &= keep
        for entry_id in entry_ids:
            key = self.keys.pop(entry_id, None)
            if key is not None:
                del self.order[bisect_left(self.order, key)]


def _fetch(entry_ids: list[int] | None):
    """Entry rows and skill terms for these entries (or everyone), in two queries."""
    where, params = "", []
    if entry_ids is not None:
        where = "WHERE profile_id IN (" + ", ".join(["%s"] * len(entry_ids)) + ")"
        params = list(entry_ids)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {ENTRY_COLUMNS} FROM search_personentry {where}", params)
        rows = cursor.fetchall()
        if entry_ids is None:
            cursor.execute("SELECT entry_id, value, vis, kind FROM search_personterm WHERE kind = 'skill'")
        else:
            # Kind is checked below: filtering on it here would make SQLite walk every skill of
            # everyone through the (kind, value) index instead of looking these entries up.
            cursor.execute(
                f"SELECT entry_id, value, vis, kind FROM search_personterm {where}".replace("profile_id", "entry_id"),
                params,
            )
        terms: dict[int, list[tuple[str, int]]] = defaultdict(list)
        for entry_id, value, vis, kind in cursor.fetchall():
            if kind == "skill":
                terms[entry_id].append((value, vis))
    return rows, terms


def current_version() -> tuple[int, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT version, token FROM search_indexstate WHERE id = 1")
        row = cursor.fetchone()
    return (row[0], row[1]) if row else (0, "")


def _build(version: int, token: str) -> FacetIndex:
    index = FacetIndex(version=version, token=token)
    rows, terms = _fetch(None)
    index.order = sorted(_browse_key(row[9], row[10], row[0]) for row in rows)
    index.keys = {key[2]: key for key in index.order}
    index.everyone = bitmap_of(index.keys)
    ids: dict[tuple[str, str, int], list[int]] = defaultdict(list)
    now = now_epoch()
    for row in rows:
        index._note_multiplier(row, now)
        for facet, value, vis in index._memberships(row, terms.get(row[0], ())):
            ids[(facet, value, vis)].append(row[0])
    public: dict[tuple[str, str], int] = {}
    for (facet, value, vis), entry_ids in ids.items():
        if vis <= LEVEL_PUBLIC:
            public[(facet, value)] = bitmap_of(entry_ids)
    for (facet, value, vis), entry_ids in ids.items():
        pair = index.bits[facet].setdefault(value, [public.get((facet, value), 0), public.get((facet, value), 0)])
        if vis == LEVEL_MEMBERS:
            pair[LEVEL_MEMBERS] |= bitmap_of(entry_ids)
    return index


def _catch_up(index: FacetIndex, version: int, token: str) -> FacetIndex | None:
    """The index moved on to `version` by the recorded changes, or None to rebuild."""
    from search.models import IndexChange

    changes = list(
        IndexChange.objects.filter(version__gte=index.version, version__lte=version)
        .order_by("version")
        .values_list("version", "token", "entry_ids", "everything")
    )
    # The first record must be the one this process last saw, and none may be missing.
    if not changes or changes[0][0] != index.version or changes[0][1] != index.token:
        return None
    if [change[0] for change in changes] != list(range(index.version, version + 1)) or changes[-1][1] != token:
        return None
    changed: set[int] = set()
    for _, _, entry_ids, everything in changes[1:]:
        if everything:
            return None
        changed.update(entry_ids)
        if len(changed) > MAX_CATCH_UP:
            return None
    updated = FacetIndex(
        version=version,
        token=token,
        everyone=index.everyone,
        bits=defaultdict(
            dict, {facet: {v: list(pair) for v, pair in values.items()} for facet, values in index.bits.items()}
        ),
        order=list(index.order),
        keys=dict(index.keys),
        tier_multiplier=dict(index.tier_multiplier),
    )
    ids = sorted(changed)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        updated.forget(chunk)
        rows, terms = _fetch(chunk)
        updated.load(rows, terms)
    return updated


# Per database: this process's bitmaps.
_shared: dict[str, FacetIndex] = {}
# Per database: the version of the snapshot this process last loaded or saved.
_snapshot_versions: dict[str, int] = {}
_lock = threading.Lock()


def database_key() -> str:
    """Which database this process's held state is for (tests and benchmarks switch)."""
    return connection.settings_dict.get("NAME", "") or ""


def forget() -> None:
    """Drop this process's bitmaps, as a new process starts."""
    _shared.clear()
    _snapshot_versions.clear()


# --- snapshots: a process's bitmaps, saved for the next process ---------------------------


def snapshot_bytes(index: FacetIndex) -> bytes:
    """The index as bytes: a JSON header, then each bitmap's bytes and the browse order as
    three arrays. No pickle: the data is only ever numbers."""
    blob = bytearray()

    def put(data: bytes) -> list[int]:
        blob.extend(data)
        return [len(blob) - len(data), len(data)]

    def put_bits(bits: int) -> list[int]:
        return put(bits.to_bytes((bits.bit_length() + 7) // 8, "little"))

    header = {
        "format": SNAPSHOT_FORMAT,
        "version": index.version,
        "token": index.token,
        "tier_multiplier": index.tier_multiplier,
        "everyone": put_bits(index.everyone),
        "bits": {
            facet: {value: [put_bits(pair[0]), put_bits(pair[1])] for value, pair in values.items()}
            for facet, values in index.bits.items()
        },
        # The browse keys' three parts, as stored: (-standing, -last_active, id).
        "order": [
            put(array(code, (key[part] for key in index.order)).tobytes()) for part, code in enumerate(ORDER_CODES)
        ],
    }
    head = json.dumps(header, separators=(",", ":")).encode()
    return struct.pack("<I", len(head)) + head + bytes(blob)


def index_from_snapshot(data: bytes) -> FacetIndex | None:
    """The index that `snapshot_bytes` wrote, or None if the bytes are not such a snapshot."""
    view = memoryview(data)
    try:
        (size,) = struct.unpack_from("<I", view)
        header = json.loads(bytes(view[4 : 4 + size]))
        if header.get("format") != SNAPSHOT_FORMAT:
            return None
        return _index_from_parts(header, view[4 + size :])
    except (struct.error, ValueError, KeyError, TypeError, AttributeError):
        return None


def _index_from_parts(header: dict, body: memoryview) -> FacetIndex:
    def part(where: list[int]) -> memoryview:
        return body[where[0] : where[0] + where[1]]

    def bits(where: list[int]) -> int:
        return int.from_bytes(part(where), "little")

    def numbers(code: str, where: list[int]) -> array:
        values = array(code)
        values.frombytes(part(where))
        return values

    parts = [numbers(code, where) for code, where in zip(ORDER_CODES, header["order"], strict=True)]
    order = list(zip(*parts, strict=True))
    return FacetIndex(
        version=header["version"],
        token=header["token"],
        everyone=bits(header["everyone"]),
        bits=defaultdict(
            dict,
            {
                facet: {value: [bits(pair[0]), bits(pair[1])] for value, pair in values.items()}
                for facet, values in header["bits"].items()
            },
        ),
        order=order,
        keys=dict(zip(parts[2], order, strict=True)),
        tier_multiplier=header["tier_multiplier"],
    )


def snapshot_save(index: FacetIndex) -> None:
    """Keep these bitmaps for the next process. A failure costs that process a build, no more."""
    from search.models import FacetSnapshot

    try:
        with transaction.atomic():
            FacetSnapshot.objects.update_or_create(
                pk=1, defaults={"version": index.version, "token": index.token, "data": snapshot_bytes(index)}
            )
    except DatabaseError:
        logger.warning("Could not save the people facet snapshot", exc_info=True)
    else:
        _snapshot_versions[database_key()] = index.version


def _from_snapshot(version: int, token: str) -> FacetIndex | None:
    """The saved bitmaps brought up to `version`, or None when they cannot be (none saved, from
    another history, or too far behind the change log)."""
    from search.models import FacetSnapshot

    row = FacetSnapshot.objects.filter(pk=1).values_list("version", "token", "data").first()
    if row is None or row[0] > version or (row[0] == version and row[1] != token):
        return None
    index = index_from_snapshot(bytes(row[2]))
    if index is None or (index.version, index.token) != (row[0], row[1]):
        return None
    _snapshot_versions[database_key()] = index.version
    if index.version == version:
        return index
    caught_up = _catch_up(index, version, token)
    if caught_up is not None and version - index.version > SNAPSHOT_REFRESH:
        snapshot_save(caught_up)
    return caught_up


def facet_index() -> FacetIndex:
    """This process's facet bitmaps, brought up to the index's committed version first."""
    key = database_key()
    version, token = current_version()
    index = _shared.get(key)
    if index is not None and index.version == version and index.token == token:
        return index
    with _lock:
        index = _shared.get(key)
        if index is not None and index.version == version and index.token == token:
            return index
        fresh = None
        if index is not None and index.version and index.version < version:
            fresh = _catch_up(index, version, token)
            if fresh is not None and fresh.version - _snapshot_versions.get(key, 0) > SNAPSHOT_REFRESH:
                snapshot_save(fresh)
        if fresh is None:
            fresh = _from_snapshot(version, token)
        if fresh is None:
            fresh = _build(version, token)
            snapshot_save(fresh)
        _shared[key] = fresh
        return fresh


def index_changed(entry_ids: Iterable[int] | None) -> None:
    """Record a write to the index in the writer's transaction (None: everything changed)."""
    from search.models import IndexChange, IndexState

    token = uuid.uuid4().hex
    # The UPDATE's row lock makes concurrent writers wait, so versions commit in order.
    if not IndexState.objects.filter(pk=1).update(version=F("version") + 1, token=token):
        IndexState.objects.create(pk=1, version=1, token=token)
    version = IndexState.objects.values_list("version", flat=True).get(pk=1)
    IndexChange.objects.create(
        version=version,
        token=token,
        entry_ids=sorted(set(entry_ids or ())),
        everything=entry_ids is None,
    )
    if version % 50 == 0:
        IndexChange.objects.filter(version__lt=version - KEEP_CHANGES).delete()
