"""Reading and checking a batch of values (a CSV upload or an API batch) before anything is saved.

`check_rows` reports every problem row by row (row number, column, what is wrong, how to fix
it) and, only when there is none, a plan: which cells are new, which are revisions of a lodged
value and which are unchanged. `benchmarking.services` applies a plan; nothing here writes.

CSV format (UTF-8, with or without Excel's byte-order mark), one value a row:

    area_code,metric_id,period,value,numerator,denominator,ci_lower,ci_upper,quality,note

The first four are required; quality is one of provisional, revised, estimated, suppressed,
missing (suppressed and missing rows leave value empty and say why in note).
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from benchmarking.models import NO_NUMBER, Area, Metric, Period, PeriodType, Quality, Value, ValueType

COLUMNS = (
    "area_code",
    "metric_id",
    "period",
    "value",
    "numerator",
    "denominator",
    "ci_lower",
    "ci_upper",
    "quality",
    "note",
)
REQUIRED = COLUMNS[:4]
NUMBER_COLUMNS = ("value", "numerator", "denominator", "ci_lower", "ci_upper")
MAX_ROWS = 200_000

# Codes of councils since merged or abolished: recognised and explained, not just rejected.
FORMER_CODES = {
    "E07000004": ("Aylesbury Vale", "Buckinghamshire", "E06000060", 2020),
    "E07000005": ("Chiltern", "Buckinghamshire", "E06000060", 2020),
    "E07000006": ("South Bucks", "Buckinghamshire", "E06000060", 2020),
    "E07000007": ("Wycombe", "Buckinghamshire", "E06000060", 2020),
    "E07000150": ("Corby", "North Northamptonshire", "E06000061", 2021),
    "E07000152": ("East Northamptonshire", "North Northamptonshire", "E06000061", 2021),
    "E07000153": ("Kettering", "North Northamptonshire", "E06000061", 2021),
    "E07000156": ("Wellingborough", "North Northamptonshire", "E06000061", 2021),
    "E07000151": ("Daventry", "West Northamptonshire", "E06000062", 2021),
    "E07000154": ("Northampton", "West Northamptonshire", "E06000062", 2021),
    "E07000155": ("South Northamptonshire", "West Northamptonshire", "E06000062", 2021),
    "E10000021": ("Northamptonshire County Council", "North and West Northamptonshire", "E06000061", 2021),
    "E07000026": ("Allerdale", "Cumberland", "E06000063", 2023),
    "E07000028": ("Carlisle", "Cumberland", "E06000063", 2023),
    "E07000029": ("Copeland", "Cumberland", "E06000063", 2023),
    "E07000027": ("Barrow-in-Furness", "Westmorland and Furness", "E06000064", 2023),
    "E07000030": ("Eden", "Westmorland and Furness", "E06000064", 2023),
    "E07000031": ("South Lakeland", "Westmorland and Furness", "E06000064", 2023),
    "E10000006": ("Cumbria County Council", "Cumberland and Westmorland and Furness", "E06000063", 2023),
    "E10000023": ("North Yorkshire County Council", "North Yorkshire", "E06000065", 2023),
    "E10000027": ("Somerset County Council", "Somerset", "E06000066", 2023),
}

PERIOD_FORMATS = {
    PeriodType.FINANCIAL_YEAR: (re.compile(r"^(\d{4})-(\d{2})$"), "a financial year such as 2023-24"),
    PeriodType.ACADEMIC_YEAR: (re.compile(r"^(\d{4})/(\d{2})$"), "an academic year such as 2023/24"),
    PeriodType.CALENDAR_YEAR: (re.compile(r"^(\d{4})$"), "a calendar year such as 2023"),
    PeriodType.QUARTER: (re.compile(r"^(\d{4}) Q([1-4])$"), "a quarter such as 2023 Q1"),
    PeriodType.MONTH: (re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$"), "a month such as 2023-03"),
}


def period_start(code: str, period_type: str) -> datetime.date | None:
    """When a period of this type named `code` starts, or None if the code is not of the type."""
    pattern, _ = PERIOD_FORMATS[period_type]
    match = pattern.match(code)
    if match is None:
        return None
    year = int(match.group(1))
    if not 1900 <= year <= 2100:
        return None
    if period_type in (PeriodType.FINANCIAL_YEAR, PeriodType.ACADEMIC_YEAR):
        if int(match.group(2)) != (year + 1) % 100:
            return None
        return datetime.date(year, 4 if period_type == PeriodType.FINANCIAL_YEAR else 9, 1)
    if period_type == PeriodType.CALENDAR_YEAR:
        return datetime.date(year, 1, 1)
    if period_type == PeriodType.QUARTER:
        return datetime.date(year, 3 * int(match.group(2)) - 2, 1)
    return datetime.date(year, int(match.group(2)), 1)


@dataclass(frozen=True)
class RowError:
    row: int  # as a spreadsheet numbers it: the header is row 1
    column: str
    problem: str
    fix: str


@dataclass
class Plan:
    """What a valid batch would do: cells to create, to revise and left unchanged."""

    new: list[Value] = field(default_factory=list)
    revised: list[tuple[Value, dict]] = field(default_factory=list)
    unchanged: int = 0
    periods: dict[str, tuple[str, datetime.date]] = field(default_factory=dict)
    area_ids: set[int] = field(default_factory=set)


@dataclass
class Checked:
    errors: list[RowError]
    plan: Plan | None
    rows: int

    @property
    def summary(self) -> str:
        if self.plan is None:
            return ""
        return f"{len(self.plan.new)} new values, {len(self.plan.revised)} revisions, {self.plan.unchanged} unchanged"


def read_csv(raw: bytes) -> tuple[list[dict], list[RowError]]:
    """The rows of an uploaded CSV as dicts, or the reason it cannot be read at all."""
    try:
        text = raw.decode("utf-8-sig")  # takes Excel's "CSV UTF-8" byte-order mark too
    except UnicodeDecodeError:
        return [], [RowError(0, "", "The file is not UTF-8 text.", "Save it as “CSV UTF-8 (Comma delimited)”.")]
    if "\x00" in text:
        return [], [RowError(0, "", "The file contains NUL bytes.", "Save it as a CSV file, not a spreadsheet.")]
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip().lower() for name in (reader.fieldnames or [])]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        return [], [
            RowError(
                1,
                name,
                f"The header has no “{name}” column.",
                f"The first row must name the columns {', '.join(REQUIRED)}.",
            )
            for name in missing
        ]
    reader.fieldnames = header
    rows = []
    try:
        for row in reader:
            rows.append(row)
            if len(rows) > MAX_ROWS:
                return [], [
                    RowError(0, "", f"The file has more than {MAX_ROWS:,} rows.", "Split it into smaller files.")
                ]
    except csv.Error as error:
        return [], [RowError(reader.line_num, "", f"The file is not valid CSV ({error}).", "Save it again as CSV.")]
    return rows, []


def _number(text: str) -> Decimal | None | str:
    text = (text or "").strip().replace(",", "")
    if text == "":
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        return "text"
    if not number.is_finite() or abs(number) >= Decimal("1e13"):
        return "text"
    return number


def check_rows(rows: list[dict], *, area_scope: int | None = None, first_row: int = 2) -> Checked:
    """Every problem in the batch, row by row; the plan only when there are none.

    `area_scope`, an organisation id, marks rows for any other area as errors too (callers
    turn those into a 403 before showing anything else)."""
    metrics = {metric.code: metric for metric in Metric.objects.all()}
    areas = {area.code: area for area in Area.objects.all()}
    errors: list[RowError] = []
    cells: dict[tuple, tuple[int, dict]] = {}
    plan = Plan()
    for offset, row in enumerate(rows):
        number = first_row + offset
        row = {key: (value or "").strip() if isinstance(value, str) else value for key, value in row.items() if key}
        code = str(row.get("area_code") or "").upper()
        area = areas.get(code)
        if area is None:
            if code in FORMER_CODES:
                name, successor, successor_code, year = FORMER_CODES[code]
                errors.append(
                    RowError(
                        number,
                        "area_code",
                        f"{code} was {name}, which became part of {successor} in {year}.",
                        f"Lodge values from {year} under {successor_code}.",
                    )
                )
            else:
                errors.append(
                    RowError(
                        number,
                        "area_code",
                        f"“{code}” is not the ONS code of an area we know.",
                        "Use the 9-character ONS code, such as E07000223.",
                    )
                )
        elif area_scope is not None and area.organisation_id != area_scope:
            errors.append(
                RowError(
                    number,
                    "area_code",
                    f"You may not lodge values for {area.name}.",
                    "Data officers lodge values for their own council only.",
                )
            )
        metric = metrics.get(str(row.get("metric_id") or ""))
        if metric is None:
            errors.append(
                RowError(
                    number,
                    "metric_id",
                    f"“{row.get('metric_id') or ''}” is not a metric id.",
                    "Copy the id from the metric catalogue at /data/.",
                )
            )
        period_code = str(row.get("period") or "")
        starts = None
        if metric is not None:
            starts = period_start(period_code, metric.period_type)
            if starts is None:
                errors.append(
                    RowError(
                        number,
                        "period",
                        f"“{period_code}” is not {PERIOD_FORMATS[metric.period_type][1]}.",
                        f"{metric.title} is reported by {metric.get_period_type_display().lower()}: write {PERIOD_FORMATS[metric.period_type][1]}.",
                    )
                )
        quality = str(row.get("quality") or "").lower()
        if quality not in Quality.values:
            errors.append(
                RowError(
                    number,
                    "quality",
                    f"“{quality}” is not a quality flag.",
                    "Leave it empty, or write provisional, revised, estimated, suppressed or missing.",
                )
            )
        numbers = {}
        for column in NUMBER_COLUMNS:
            parsed = _number(str(row.get(column) or ""))
            if parsed == "text":
                errors.append(
                    RowError(
                        number,
                        column,
                        f"“{row.get(column)}” is not a number.",
                        "Write digits only, such as 1234.5, with no units.",
                    )
                )
                parsed = None
            numbers[column] = parsed
        value = numbers["value"]
        if (
            value is None
            and quality not in NO_NUMBER
            and not any(e.row == number and e.column == "value" for e in errors)
        ):
            errors.append(
                RowError(
                    number,
                    "value",
                    "The value is empty.",
                    "Give the value, or set quality to suppressed or missing and say why in note.",
                )
            )
        if value is not None and metric is not None:
            if metric.value_type == ValueType.PERCENTAGE and not 0 <= value <= 100:
                errors.append(
                    RowError(
                        number,
                        "value",
                        f"{value} is not a percentage between 0 and 100.",
                        "Write the percentage as a number from 0 to 100, such as 45.2.",
                    )
                )
            if metric.value_type in (ValueType.COUNT, ValueType.RATE_1000, ValueType.RATE_100000) and value < 0:
                errors.append(
                    RowError(
                        number,
                        "value",
                        f"{value} is negative, and {metric.get_value_type_display().lower()}s cannot be.",
                        "Check the sign of the value.",
                    )
                )
        if None not in (numbers["ci_lower"], numbers["ci_upper"]) and numbers["ci_lower"] > numbers["ci_upper"]:
            errors.append(
                RowError(
                    number,
                    "ci_lower",
                    "The lower confidence limit is above the upper one.",
                    "Swap ci_lower and ci_upper.",
                )
            )
        if area is None or metric is None or starts is None:
            continue
        key = (metric.code, area.code, period_code)
        if key in cells:
            errors.append(
                RowError(
                    number,
                    "period",
                    f"Row {cells[key][0]} already gives {metric.code} for {area.code} in {period_code}.",
                    "Keep one row for each area, metric and period.",
                )
            )
            continue
        fields = {name: numbers[name] for name in NUMBER_COLUMNS}
        fields.update(quality=quality, note=str(row.get("note") or "")[:255])
        cells[key] = (number, fields)
        plan.periods[period_code] = (metric.period_type, starts)
        plan.area_ids.add(area.pk)
    if errors:
        return Checked(errors=errors, plan=None, rows=len(rows))
    _plan_cells(plan, cells, metrics, areas)
    return Checked(errors=[], plan=plan, rows=len(rows))


def _same(cell: Value, fields: dict) -> bool:
    return all(getattr(cell, name) == fields[name] for name in (*NUMBER_COLUMNS, "quality", "note"))


def _plan_cells(plan: Plan, cells: dict, metrics: dict, areas: dict) -> None:
    periods = {period.code: period for period in Period.objects.filter(code__in=plan.periods)}
    existing = {}
    if periods:
        found = Value.objects.filter(
            metric__code__in={key[0] for key in cells}, area_id__in=plan.area_ids, period__in=periods.values()
        ).select_related("metric", "area", "period")
        existing = {(cell.metric.code, cell.area.code, cell.period.code): cell for cell in found}
    for key, (_row, fields) in cells.items():
        cell = existing.get(key)
        if cell is None:
            plan.new.append(Value(metric=metrics[key[0]], area=areas[key[1]], **fields, period_id=None))
            plan.new[-1]._period_code = key[2]
        elif _same(cell, {**fields, **{n: fields[n] for n in NUMBER_COLUMNS}}):
            plan.unchanged += 1
        else:
            plan.revised.append((cell, fields))
