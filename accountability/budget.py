"""The one calculation of a budget's balance, used by the page (check my budget), by the
submission and, through the same data, by the page's script.

A spending line cut by p % saves its net spend × p / 100 every year from the first; an income
line raised by p % brings in its yield × p / 100 every year. A council tax rise is made every
year of a multi-year simulation, so by year n it brings in yield × ((1 + p/100)^n − 1). A year
is balanced when what the choices save by then meets that year's (cumulative) gap.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from accountability.models import COUNCIL_TAX_BANDS, Line, LineKind

HUNDRED = Decimal(100)
POUND = Decimal(1)


def percent_text(value: Decimal) -> str:
    """A change as people write it: "-10", "2.5", "4.99", never "1E+1"."""
    text = f"{value.quantize(Decimal('0.01')):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def parse_percent(raw) -> Decimal | None:
    """A typed change, or None when it is not a finite number (so the form can say so)."""
    try:
        value = Decimal(str(raw).strip().replace("−", "-").replace("%", ""))
    except (InvalidOperation, ValueError):
        return None
    if not value.is_finite() or abs(value) >= 10_000:
        return None
    return value.quantize(Decimal("0.01"))


def line_effect(line: Line, percent: Decimal, year: int) -> Decimal:
    """What a line's change saves or raises by year `year` (1 for the first), in pounds."""
    if line.kind == LineKind.COUNCIL_TAX:
        return line.amount * (((HUNDRED + percent) / HUNDRED) ** year - 1)
    change = line.amount * percent / HUNDRED
    return change if line.is_income else -change


@dataclass(frozen=True)
class YearBalance:
    label: str
    gap: Decimal
    saved: Decimal

    @property
    def remaining(self) -> Decimal:
        """Still to find (negative when the choices save more than the gap)."""
        return self.gap - self.saved

    @property
    def spare(self) -> Decimal:
        return -self.remaining

    @property
    def balanced(self) -> bool:
        return self.remaining <= 0


@dataclass(frozen=True)
class Balance:
    years: list[YearBalance]

    @property
    def balanced(self) -> bool:
        return all(year.balanced for year in self.years)

    @property
    def worst(self) -> YearBalance | None:
        """The year furthest from balancing, which is the one a resident must still close."""
        return max(self.years, key=lambda year: year.remaining) if self.years else None


def budget_balance(*, lines: list[Line], years: list, choices: dict[int, Decimal]) -> Balance:
    """How far `choices` (line id -> change in %) go towards each year's gap. Lines without a
    choice are unchanged."""
    found = []
    for number, year in enumerate(years, start=1):
        saved = sum((line_effect(line, choices.get(line.pk, Decimal(0)), number) for line in lines), Decimal(0))
        found.append(YearBalance(label=year.label, gap=year.gap, saved=saved.quantize(POUND, rounding=ROUND_HALF_UP)))
    return Balance(years=found)


def choice_problem(line: Line, percent: Decimal | None) -> str:
    """Why a change cannot be chosen for a line, or "" when it can."""
    if percent is None:
        return f"Enter the change to {line.name} as a number, for example -5 or 2.5"
    if line.floor_percent is not None and percent < line.floor_percent:
        reason = f": {line.floor_reason}" if line.floor_reason else ""
        return f"{line.name} cannot go below {percent_text(line.floor_percent)}%{reason}"
    if percent < line.min_percent or percent > line.max_percent:
        return (
            f"The change to {line.name} must be between {percent_text(line.lowest)}% "
            f"and {percent_text(line.max_percent)}%"
        )
    if percent not in line.levels():
        return f"The change to {line.name} must be in steps of {percent_text(line.step_percent)}%"
    return ""


def consequence_for(line: Line, percent: Decimal) -> str:
    """The plain-words meaning of a choice: the consequence of the furthest level it reaches
    in its direction (a cut of 12 % reads the text written for -10 %)."""
    best = None
    for consequence in line.consequences.all():
        level = consequence.percent
        reached = (0 <= level <= percent) if percent >= 0 else (percent <= level <= 0)
        if reached and (best is None or abs(level) > abs(best.percent)):
            best = consequence
    return best.text if best else ""


def band_bill(band_d: Decimal | None, band: str, percent: Decimal) -> Decimal | None:
    """A household's council tax in `band` after a rise of `percent` (first year)."""
    if band_d is None or band not in COUNCIL_TAX_BANDS:
        return None
    bill = band_d * COUNCIL_TAX_BANDS[band] * (HUNDRED + percent) / HUNDRED
    return bill.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def money_text(amount: Decimal) -> str:
    """£12.4m, £850,000, or -£1.2m: the way council budgets are talked about."""
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    if amount >= 1_000_000:
        text = f"{(amount / 1_000_000).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):f}".rstrip("0").rstrip(".")
        return f"{sign}£{text}m"
    return f"{sign}£{amount.quantize(POUND, rounding=ROUND_HALF_UP):,f}"
