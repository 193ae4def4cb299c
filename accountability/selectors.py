"""Reads of the accountability tools: what residents may see, results from the tallies,
the CSV export, and an assessment's shared picture."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch, Sum
from django.http import Http404

from accountability.models import (
    AgeBand,
    Assessment,
    Line,
    Perspective,
    Rating,
    Respondent,
    Response,
    Simulation,
    Statement,
    Tally,
    Theme,
    staff_of,
)
from accountability.services import csv_header

REASONS_SHOWN = 50


def simulation_lines(simulation: Simulation) -> list[Line]:
    """Lines in order, with their group and consequences, in two queries."""
    return list(simulation.lines.select_related("group").prefetch_related("consequences").order_by("order", "pk"))


def simulation_for_resident(*, pk: int, user) -> Simulation:
    """A published simulation, or a draft for the council's own staff to preview; 404 else."""
    simulation = Simulation.objects.select_related("organisation").filter(pk=pk).first()
    if simulation is None or not (simulation.is_published or staff_of(user, simulation.organisation)):
        raise Http404("No such budget simulator")
    return simulation


def simulation_for_staff(*, pk: int, user) -> Simulation:
    """The council's own simulation, for its editor and results; 404 for everyone else, so
    nobody outside learns that a draft exists."""
    simulation = Simulation.objects.select_related("organisation").filter(pk=pk).first()
    if simulation is None or not staff_of(user, simulation.organisation):
        raise Http404("No such budget simulator")
    return simulation


def simulation_results_visible(*, pk: int, user) -> tuple[Simulation, bool]:
    """The simulation whose results `user` may read, and whether they are its council's staff.
    Results are the council's until it publishes them: 404 for everyone else until then."""
    simulation = Simulation.objects.select_related("organisation").filter(pk=pk).first()
    if simulation is None:
        raise Http404("No such budget simulator")
    is_staff = staff_of(user, simulation.organisation)
    if not is_staff and not (simulation.is_published and simulation.results_published):
        raise Http404("No such budget simulator")
    return simulation, is_staff


def open_simulations() -> list[Simulation]:
    return [s for s in Simulation.objects.filter(status="published").select_related("organisation") if s.is_open()]


def published_results() -> list[Simulation]:
    return list(Simulation.objects.filter(status="published", results_published=True).select_related("organisation"))


def published_assessments() -> list[Assessment]:
    return list(Assessment.objects.filter(status="published").select_related("organisation"))


def organisation_tools(organisation) -> tuple[list[Simulation], list[Assessment]]:
    return (
        list(Simulation.objects.filter(organisation=organisation)),
        list(Assessment.objects.filter(organisation=organisation).select_related("framework")),
    )


# --- Results ---------------------------------------------------------------------------------


def _nth(levels: list[tuple[Decimal, int]], index: int) -> Decimal:
    """The `index`-th smallest choice (from 0), read from a histogram of levels."""
    seen = 0
    for level, count in levels:
        seen += count
        if index < seen:
            return level
    return levels[-1][0]


def _quantile(levels: list[tuple[Decimal, int]], total: int, fraction: Decimal) -> Decimal:
    """The quantile as `statistics.quantiles(method="inclusive")` computes it from the
    responses themselves (the median the mean of the middle two when the count is even), but
    from the histogram: the same answer without reading a response."""
    position = (total - 1) * fraction
    below = int(position)
    low, high = _nth(levels, below), _nth(levels, min(below + 1, total - 1))
    return (low + (high - low) * (position - below)).quantize(Decimal("0.01"))


@dataclass
class LineResult:
    line: Line
    count: int
    mean: Decimal | None = None
    median: Decimal | None = None
    lower_quartile: Decimal | None = None
    upper_quartile: Decimal | None = None
    lowest: Decimal | None = None
    highest: Decimal | None = None
    spread: Decimal | None = None  # standard deviation
    histogram: list[tuple[Decimal, int]] = field(default_factory=list)
    by_age: dict[str, Decimal | None] = field(default_factory=dict)


def _summary(line: Line, histogram: list[tuple[Decimal, int]]) -> LineResult:
    chosen = [(level, count) for level, count in histogram if count]
    total = sum(count for _, count in chosen)
    result = LineResult(line=line, count=total, histogram=histogram)
    if not total:
        return result
    mean = sum(level * count for level, count in chosen) / total
    variance = sum(count * (level - mean) ** 2 for level, count in chosen) / total
    result.mean = mean.quantize(Decimal("0.01"))
    result.spread = variance.sqrt().quantize(Decimal("0.01"))
    result.median = _quantile(chosen, total, Decimal("0.5"))
    result.lower_quartile = _quantile(chosen, total, Decimal("0.25"))
    result.upper_quartile = _quantile(chosen, total, Decimal("0.75"))
    result.lowest, result.highest = chosen[0][0], chosen[-1][0]
    return result


def _mean(histogram: list[tuple[Decimal, int]]) -> Decimal | None:
    total = sum(count for _, count in histogram)
    if not total:
        return None
    return (sum(level * count for level, count in histogram) / total).quantize(Decimal("0.01"))


@dataclass
class Results:
    simulation: Simulation
    counted: int
    excluded: int
    duplicates: int
    lines: list[LineResult]
    areas: list[tuple[str, int]]
    ages: list[tuple[str, str, int]]  # band, label, responses
    reasons: list[Response]


def simulation_results(*, simulation: Simulation) -> Results:
    """Counts, and for every line the mean, median, quartiles and spread of the change chosen,
    read from the tallies and segment counts (four queries, however many responses there are)."""
    lines = list(simulation.lines.select_related("group").order_by("order", "pk"))
    histograms: dict[tuple[int, str], list[tuple[Decimal, int]]] = defaultdict(list)
    for line_id, segment, percent, count in (
        Tally.objects.filter(line__simulation=simulation)
        .order_by("line_id", "segment", "percent")
        .values_list("line_id", "segment", "percent", "count")
    ):
        histograms[(line_id, segment)].append((percent, count))
    segments = dict(simulation.segment_counts.values_list("segment", "count"))
    areas = sorted(
        ((segment[5:], count) for segment, count in segments.items() if segment.startswith("area:") and count > 0),
        key=lambda item: (-item[1], item[0]),
    )[:30]
    reasons = list(
        simulation.responses.filter(excluded=False)
        .exclude(reason="")
        .only("pk", "reason")
        .order_by("-pk")[:REASONS_SHOWN]
    )
    results = []
    for line in lines:
        result = _summary(line, histograms.get((line.pk, ""), []))
        result.by_age = {band: _mean(histograms.get((line.pk, f"age:{band}"), [])) for band in AgeBand.values}
        results.append(result)
    ages = [(band, label, segments.get(f"age:{band}", 0)) for band, label in AgeBand.choices]
    ages.append(("", "Not given", segments.get("age:", 0)))
    return Results(
        simulation=simulation,
        counted=segments.get("", 0),
        excluded=segments.get("excluded", 0),
        duplicates=segments.get("duplicates", 0),
        lines=results,
        areas=areas,
        ages=ages,
        reasons=reasons,
    )


def responses_csv(*, simulation: Simulation):
    """The CSV of every anonymised response, line by line: its stored row with whether it is
    excluded now. Yields text, so a streaming response sends it as it is read."""
    import csv
    import io

    head = io.StringIO()
    csv.writer(head, lineterminator="\n").writerow(csv_header(list(simulation.lines.order_by("order", "pk"))))
    yield head.getvalue()
    rows = simulation.responses.order_by("pk").values_list("pk", "excluded", "csv_row")
    chunk = []
    for pk, excluded, row in rows.iterator(chunk_size=2000):
        chunk.append(f"{pk},{'yes' if excluded else 'no'},{row}")
        if len(chunk) >= 2000:
            yield "".join(chunk)
            chunk = []
    if chunk:
        yield "".join(chunk)


def response_for_staff(*, simulation: Simulation, pk: int) -> Response:
    response = simulation.responses.filter(pk=pk).first()
    if response is None:
        raise Http404("No such response")
    return response


# --- Self-assessment -------------------------------------------------------------------------


def assessment_for_staff(*, pk: int, user) -> Assessment:
    assessment = Assessment.objects.select_related("organisation", "framework").filter(pk=pk).first()
    if assessment is None or not staff_of(user, assessment.organisation):
        raise Http404("No such assessment")
    return assessment


def assessment_visible(*, pk: int, user) -> tuple[Assessment, bool]:
    """A published assessment, or any for the council's own staff; 404 else."""
    assessment = Assessment.objects.select_related("organisation", "framework").filter(pk=pk).first()
    if assessment is None:
        raise Http404("No such assessment")
    is_staff = staff_of(user, assessment.organisation)
    if not (is_staff or assessment.is_published):
        raise Http404("No such assessment")
    return assessment, is_staff


def respondent_by_token(token) -> Respondent:
    respondent = Respondent.objects.select_related("assessment__framework").filter(token=token).first()
    if respondent is None:
        raise Http404("No such invitation")
    return respondent


def framework_themes(framework) -> list[Theme]:
    return list(
        framework.themes.prefetch_related(Prefetch("statements", queryset=Statement.objects.order_by("sort_order")))
    )


def own_ratings(respondent: Respondent) -> dict[int, Rating]:
    return {rating.statement_id: rating for rating in respondent.ratings.all()}


@dataclass
class StatementPicture:
    statement: Statement
    means: dict[str, Decimal | None]  # perspective -> mean score
    counts: dict[str, int]

    @property
    def gap(self) -> Decimal | None:
        """The widest difference between perspectives' means: where they disagree."""
        found = [mean for mean in self.means.values() if mean is not None]
        return max(found) - min(found) if len(found) > 1 else None

    @property
    def differ(self) -> bool:
        return self.gap is not None and self.gap >= 1


def assessment_picture(*, assessment: Assessment) -> list[tuple[Theme, list[StatementPicture]]]:
    """For every statement, each perspective's mean score: where council, partners and
    residents agree and where they differ."""
    rows = (
        Rating.objects.filter(respondent__assessment=assessment)
        .values_list("statement_id", "respondent__perspective")
        .annotate(total=Count("pk"), score_sum=Sum("score"))
    )
    found: dict[tuple[int, str], tuple[int, int]] = {
        (statement_id, perspective): (total, score_sum) for statement_id, perspective, total, score_sum in rows
    }
    picture = []
    for theme in framework_themes(assessment.framework):
        statements = []
        for statement in theme.statements.all():
            means, counts = {}, {}
            for perspective in Perspective.values:
                total, score_sum = found.get((statement.pk, perspective), (0, 0))
                counts[perspective] = total
                means[perspective] = (Decimal(score_sum) / total).quantize(Decimal("0.1")) if total else None
            statements.append(StatementPicture(statement=statement, means=means, counts=counts))
        picture.append((theme, statements))
    return picture
