"""Every write of the accountability tools: simulations and their lines, residents'
responses (rate-limited, checked against the one balance calculation), assessments."""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from accountability.budget import budget_balance, choice_problem, money_text, percent_text
from accountability.models import (
    Action,
    AgeBand,
    Assessment,
    AssessmentStatus,
    Consequence,
    Framework,
    Line,
    LineGroup,
    LineKind,
    Perspective,
    Rating,
    Respondent,
    Response,
    SegmentCount,
    Simulation,
    SimulationStatus,
    SimulationYear,
    Tally,
)

# (responses, seconds): per address and per browser, for one simulation. An address is shared
# by a household or an office, so it gets more than a browser does.
DEFAULT_SUBMIT_RATES = {"address": (20, 3600), "browser": (5, 3600)}


def submit_rates() -> dict[str, tuple[int, int]]:
    return {**DEFAULT_SUBMIT_RATES, **getattr(settings, "ACCOUNTABILITY_SUBMIT_RATES", {})}


class RateLimited(Exception):
    """Too many responses from one address or browser; `seconds` until the window ends."""

    def __init__(self, seconds: int):
        super().__init__(seconds)
        self.seconds = seconds


def keyed_hash(value: str) -> str:
    """An address or browser token as a keyed hash: enough to count and compare, useless to
    anyone reading the database without the secret key."""
    return hmac.new(settings.SECRET_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()


# --- Simulations -----------------------------------------------------------------------------


def _changed(simulation: Simulation) -> None:
    Simulation.objects.filter(pk=simulation.pk).update(results_version=F("results_version") + 1)


def years_parse(text: str) -> list[tuple[str, Decimal]]:
    """ "2026/27: 12400000" lines into (label, gap) pairs, refusing what cannot be read."""
    found = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        label, sep, amount = raw.rpartition(":")
        try:
            gap = Decimal(amount.strip().replace(",", "").replace("£", ""))
        except ArithmeticError:
            gap = None
        if not sep or not label.strip() or gap is None or not gap.is_finite() or gap < 0 or gap >= 10**14:
            raise ValidationError(f"Line {number}: write each year as its label, a colon and the gap in pounds")
        found.append((label.strip()[:20], gap.quantize(Decimal(1))))
    if not found:
        raise ValidationError("Enter at least one year and the gap to close in it")
    return found


def consequences_parse(text: str) -> list[tuple[Decimal, str]]:
    """ "-10: two libraries open four days a week" lines into (level, text) pairs."""
    from accountability.budget import parse_percent

    found: dict[Decimal, str] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        level, sep, words = raw.partition(":")
        percent = parse_percent(level)
        if not sep or percent is None or not words.strip():
            raise ValidationError(f"Line {number}: write each level as a change in %, a colon and what it means")
        found[percent] = words.strip()[:500]
    return sorted(found.items())


@transaction.atomic
def simulation_save(
    *, organisation, fields: dict, years: list[tuple[str, Decimal]], simulation: Simulation | None = None
) -> Simulation:
    simulation = simulation or Simulation(organisation=organisation)
    for name, value in fields.items():
        setattr(simulation, name, value)
    simulation.save()
    simulation.years.all().delete()
    SimulationYear.objects.bulk_create(
        SimulationYear(simulation=simulation, label=label, gap=gap, order=order)
        for order, (label, gap) in enumerate(years)
    )
    _changed(simulation)
    return simulation


def group_save(*, simulation: Simulation, name: str, group: LineGroup | None = None) -> LineGroup:
    group = group or LineGroup(simulation=simulation, order=simulation.groups.count())
    group.name = name
    group.save()
    return group


def _line_prefill(simulation: Simulation, metric_id: str) -> Decimal | None:
    """The council's lodged figure for a metric, where the sector data has one."""
    from benchmarking.selectors import latest_value

    return latest_value(simulation.organisation, metric_id) if metric_id else None


@transaction.atomic
def line_save(
    *, simulation: Simulation, fields: dict, consequences: list[tuple[Decimal, str]], line: Line | None = None
) -> Line:
    """Create or update a line and its consequences. Refused once residents have answered:
    their responses are read against the lines as they were."""
    if simulation.responses.exists():
        raise ValidationError("Residents have already answered this simulation, so its lines can no longer change")
    line = line or Line(simulation=simulation, order=simulation.lines.count())
    metric_id = fields.pop("metric_id", "")
    for name, value in fields.items():
        setattr(line, name, value)
    if line.amount is None:
        line.amount = _line_prefill(simulation, metric_id)
        if line.amount is None:
            raise ValidationError("Enter the current net spend or income: there is no lodged figure to start from")
    if line.kind == LineKind.COUNCIL_TAX and line.max_percent > simulation.referendum_limit:
        raise ValidationError(
            f"A council tax rise cannot go above the referendum limit of {percent_text(simulation.referendum_limit)}%"
        )
    if line.min_percent > 0 or line.max_percent < 0 or line.min_percent > line.max_percent:
        raise ValidationError("The range must run from a change of 0 or less to a change of 0 or more")
    line.save()
    line.consequences.all().delete()
    Consequence.objects.bulk_create(Consequence(line=line, percent=level, text=text) for level, text in consequences)
    _changed(simulation)
    return line


def _tally_rows(simulation: Simulation) -> list[Tally]:
    segments = ["", *(f"age:{band}" for band in AgeBand.values)]
    return [
        Tally(line=line, segment=segment, percent=level)
        for line in simulation.lines.all()
        for level in line.levels()
        for segment in segments
    ]


@transaction.atomic
def simulation_publish(*, simulation: Simulation) -> Simulation:
    """Put a draft live. Its tallies are made now, one per line, level and segment, so a
    response only ever increments counts that exist."""
    if not simulation.lines.exists():
        raise ValidationError("Add at least one line before you publish")
    if not simulation.years.exists():
        raise ValidationError("Enter the gap to close before you publish")
    Tally.objects.filter(line__simulation=simulation).delete()
    Tally.objects.bulk_create(_tally_rows(simulation))
    simulation.status = SimulationStatus.PUBLISHED
    simulation.save(update_fields=["status", "updated_at"])
    _changed(simulation)
    return simulation


def simulation_results_publish(*, simulation: Simulation, published: bool, statement: str) -> Simulation:
    simulation.results_published = published
    simulation.results_statement = statement
    simulation.save(update_fields=["results_published", "results_statement", "updated_at"])
    return simulation


# --- Responses -------------------------------------------------------------------------------


def _consume(key: str, limit: int, seconds: int) -> None:
    """A fixed window per key: the first use starts it, the (limit + 1)th inside it is refused."""
    cache.add(key, 0, timeout=seconds)
    try:
        used = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=seconds)
        used = 1
    if used > limit:
        raise RateLimited(seconds)


def response_rate_check(*, simulation: Simulation, address_hash: str, browser_hash: str) -> None:
    rates = submit_rates()
    _consume(f"accountability:submit:{simulation.pk}:a:{address_hash}", *rates["address"])
    _consume(f"accountability:submit:{simulation.pk}:b:{browser_hash}", *rates["browser"])


def csv_header(lines: list[Line]) -> list[str]:
    return ["response", "excluded", "submitted", "area", "age band", "reason", *(line.name for line in lines)]


def _csv_row(*, response: Response, lines: list[Line]) -> str:
    """The response's columns after its id and `excluded` (which can change later, so are
    added on export): written once, so an export never formats a date or a choice again."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(
        [
            timezone.localtime(response.created_at).strftime("%Y-%m-%d %H:%M"),
            response.area,
            response.get_age_band_display() if response.age_band else "",
            response.reason,
            *(percent_text(response_choice(response, line)) for line in lines),
        ]
    )
    return out.getvalue()


def response_choice(response: Response, line: Line) -> Decimal:
    return Decimal(response.choices.get(str(line.pk), "0"))


def _tally_filter(choices: dict[int, Decimal], age_band: str) -> Q:
    segments = ["", f"age:{age_band}"] if age_band else [""]
    levels = Q()
    for line_id, percent in choices.items():
        levels |= Q(line_id=line_id, percent=percent)
    return Q(segment__in=segments) & levels


def _counted_segments(response: Response) -> list[str]:
    segments = ["", f"age:{response.age_band}"]
    if response.area:
        segments.append(f"area:{response.area[:70]}")
    return segments


def _segments_add(simulation: Simulation, segments: list[str], by: int) -> None:
    """Two queries whatever the segments: make the missing rows, then move every count."""
    SegmentCount.objects.bulk_create(
        [SegmentCount(simulation=simulation, segment=segment) for segment in segments], ignore_conflicts=True
    )
    SegmentCount.objects.filter(simulation=simulation, segment__in=segments).update(count=F("count") + by)


def _tally_add(response: Response, lines: list[Line], by: int) -> None:
    """Count a response in (by=1) or out of (by=-1) its lines' tallies and its segments."""
    choices = {line.pk: response_choice(response, line) for line in lines}
    Tally.objects.filter(_tally_filter(choices, response.age_band)).update(count=F("count") + by)


@dataclass(frozen=True)
class Submission:
    """What a resident sent, already read by the form."""

    choices: dict[int, Decimal]
    area: str = ""
    age_band: str = ""
    reason: str = ""


@transaction.atomic
def response_submit(
    *, simulation: Simulation, lines: list[Line], submission: Submission, address: str, browser: str
) -> Response:
    """Record a balanced budget. Refused when the simulation is closed, a choice is outside
    its line's range, or the budget does not balance (the same calculation the page shows).
    A response from a browser that has already answered, or from the same address with the
    same choices, is kept but excluded as a suspected duplicate."""
    if not simulation.is_open():
        raise ValidationError("This budget simulator is not taking responses")
    for line in lines:
        problem = choice_problem(line, submission.choices.get(line.pk, Decimal(0)))
        if problem:
            raise ValidationError(problem)
    balance = budget_balance(lines=lines, years=list(simulation.years.all()), choices=submission.choices)
    if not balance.balanced:
        raise ValidationError(f"Your budget is {money_text(balance.worst.remaining)} short of balancing")
    address_hash, browser_hash = keyed_hash(address), keyed_hash(browser)
    response_rate_check(simulation=simulation, address_hash=address_hash, browser_hash=browser_hash)
    choices = {str(line.pk): percent_text(submission.choices.get(line.pk, Decimal(0))) for line in lines}
    choices_hash = keyed_hash(repr(sorted(choices.items())))
    # Two lookups, each on its own index, rather than one OR the planner may scan for.
    counted = Response.objects.filter(simulation=simulation, excluded=False).order_by("pk")
    earlier = (
        counted.filter(browser_hash=browser_hash).first()
        or counted.filter(address_hash=address_hash, choices_hash=choices_hash).first()
    )
    response = Response(
        simulation=simulation,
        choices=choices,
        area=submission.area,
        age_band=submission.age_band,
        reason=submission.reason,
        address_hash=address_hash,
        browser_hash=browser_hash,
        choices_hash=choices_hash,
        duplicate_of=earlier,
        excluded=earlier is not None,
        created_at=timezone.now(),
    )
    response.csv_row = _csv_row(response=response, lines=lines)
    response.save()
    if response.excluded:
        _segments_add(simulation, ["excluded", "duplicates"], 1)
    else:
        _tally_add(response, lines, 1)
        _segments_add(simulation, _counted_segments(response), 1)
    _changed(simulation)
    return response


@transaction.atomic
def tallies_rebuild(*, simulation: Simulation) -> None:
    """Count the tallies again from the counted responses: after responses are loaded in bulk
    (an import, the benchmark), or to repair counts by hand."""
    from collections import Counter

    lines = list(simulation.lines.all())
    found: Counter = Counter()
    for age_band, choices in simulation.responses.filter(excluded=False).values_list("age_band", "choices"):
        for line in lines:
            percent = Decimal(choices.get(str(line.pk), "0")).quantize(Decimal("0.01"))
            found[(line.pk, "", percent)] += 1
            if age_band:
                found[(line.pk, f"age:{age_band}", percent)] += 1
    rows = _tally_rows(simulation)
    for row in rows:
        row.count = found[(row.line_id, row.segment, row.percent)]
    Tally.objects.filter(line__simulation=simulation).delete()
    Tally.objects.bulk_create(rows, batch_size=2000)
    segments: Counter = Counter()
    for response in simulation.responses.only("age_band", "area", "excluded", "duplicate_of"):
        if response.excluded:
            segments["excluded"] += 1
        else:
            segments.update(_counted_segments(response))
        if response.duplicate_of_id:
            segments["duplicates"] += 1
    simulation.segment_counts.all().delete()
    SegmentCount.objects.bulk_create(
        SegmentCount(simulation=simulation, segment=segment, count=count) for segment, count in segments.items()
    )
    _changed(simulation)


@transaction.atomic
def response_set_excluded(*, response: Response, excluded: bool) -> Response:
    """Leave a response out of the results, or count it again; the tallies follow."""
    response = Response.objects.select_for_update().get(pk=response.pk)
    if response.excluded == excluded:
        return response
    response.excluded = excluded
    response.save(update_fields=["excluded"])
    lines = list(response.simulation.lines.all())
    by = -1 if excluded else 1
    _tally_add(response, lines, by)
    _segments_add(response.simulation, _counted_segments(response), by)
    _segments_add(response.simulation, ["excluded"], -by)
    _changed(response.simulation)
    return response


@transaction.atomic
def duplicates_set_excluded(*, simulation: Simulation, excluded: bool) -> int:
    """Exclude, or count again, every suspected duplicate of a simulation."""
    found = 0
    for response in simulation.responses.filter(duplicate_of__isnull=False, excluded=not excluded):
        response_set_excluded(response=response, excluded=excluded)
        found += 1
    return found


# --- Self-assessment -------------------------------------------------------------------------


def assessment_start(*, organisation, framework: Framework, title: str) -> Assessment:
    return Assessment.objects.create(organisation=organisation, framework=framework, title=title)


def respondent_invite(*, assessment: Assessment, perspective: str, label: str = "", organisation=None) -> Respondent:
    if perspective not in Perspective.values:
        raise ValidationError("Choose who this person is")
    return Respondent.objects.create(
        assessment=assessment, perspective=perspective, label=label[:200], organisation=organisation
    )


def resident_join(*, assessment: Assessment) -> Respondent:
    """A resident who followed the assessment's shared link gets a response of their own."""
    if assessment.is_published:
        raise ValidationError("This assessment is no longer taking answers")
    return Respondent.objects.create(assessment=assessment, perspective=Perspective.RESIDENT, label="Resident")


@transaction.atomic
def ratings_save(*, respondent: Respondent, answers: dict[int, tuple[int | None, str]]) -> None:
    """A respondent's answers, statement id -> (score or None to clear, evidence)."""
    if respondent.assessment.is_published:
        raise ValidationError("This assessment is no longer taking answers")
    for statement_id, (score, evidence) in answers.items():
        if score is None:
            Rating.objects.filter(respondent=respondent, statement_id=statement_id).delete()
            continue
        Rating.objects.update_or_create(
            respondent=respondent, statement_id=statement_id, defaults={"score": score, "evidence": evidence}
        )


def action_add(*, assessment: Assessment, title: str, owner: str, due, help_url: str = "") -> Action:
    return Action.objects.create(assessment=assessment, title=title, owner=owner, due=due, help_url=help_url)


def assessment_publish(*, assessment: Assessment, summary: str) -> Assessment:
    assessment.status = AssessmentStatus.PUBLISHED
    assessment.summary = summary
    assessment.save(update_fields=["status", "summary"])
    return assessment
