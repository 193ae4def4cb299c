"""Shared measuring tools for the benchmarks in bench/.

Every benchmark prints its own figures and the ratio it is judged by, measured against the
bare Django view (bench.urls.bare_view) in the same run, on the same machine and database.

Ratios are of medians, and the case and the bare view are timed interleaved (bare, case, bare,
case, ...): a baseline measured once before the cases let one slow patch of a shared machine
move every ratio after it, and a ratio of means let a few slow requests outweigh the rest.
"""

import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


def setup_django() -> None:
    """Configure Django with bench.settings and bring the benchmark database up to date."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    (Path(__file__).resolve().parent.parent / "var").mkdir(exist_ok=True)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    from home.services import site_structure_ensure

    site_structure_ensure()


BARE_URL = "/__bench__/bare/"


@dataclass
class Timing:
    label: str
    samples_ms: list[float]
    queries: int | None = None
    # The bare view timed between this case's requests (time_requests(..., baseline=)).
    baseline: "Timing | None" = None

    def pct(self, p: float) -> float:
        ordered = sorted(self.samples_ms)
        index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
        return ordered[index]

    @property
    def median(self) -> float:
        return statistics.median(self.samples_ms)

    @property
    def per_second(self) -> float:
        return 1000 / statistics.mean(self.samples_ms)

    def line(self) -> str:
        queries = f"  queries {self.queries}" if self.queries is not None else ""
        return (
            f"{self.label:<42} p50 {self.median:7.2f} ms  p95 {self.pct(95):7.2f} ms  p99 {self.pct(99):7.2f} ms"
            f"  {self.per_second:8.1f} req/s{queries}"
        )


def time_requests(
    label: str,
    make_request: Callable[[], object],
    *,
    repeat: int = 200,
    warmup: int = 10,
    before_each: Callable[[], object] | None = None,
    baseline: Callable[[], object] | None = None,
) -> Timing:
    """Time `make_request` `repeat` times after a warm-up; counts SQL queries of one request.

    `before_each`, if given, runs untimed before every request (to set up the state measured).
    `baseline`, if given (normally `bare(client)`), is timed before each of the case's requests,
    and its timings travel with the result as `Timing.baseline` for `print_ratio`.
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    prepare = before_each or (lambda: None)
    for _ in range(warmup):
        prepare()
        make_request()
    prepare()
    with CaptureQueriesContext(connection) as captured:
        make_request()
    # Read now: the next request's request_started signal clears the connection's query log.
    queries = len(captured.captured_queries)
    samples, baseline_samples = [], []
    for _ in range(repeat):
        if baseline is not None:
            started = time.perf_counter()
            baseline()
            baseline_samples.append((time.perf_counter() - started) * 1000)
        prepare()
        started = time.perf_counter()
        make_request()
        samples.append((time.perf_counter() - started) * 1000)
    paired = Timing("bare Django view (interleaved)", baseline_samples) if baseline is not None else None
    return Timing(label, samples, queries, baseline=paired)


def client_get(client, url: str) -> Callable[[], object]:
    """A request function that fails loudly if the page does not answer 200."""

    def run():
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        return response

    return run


def bare(client) -> Callable[[], object]:
    """The bare view's request function, to interleave with a case (`time_requests(baseline=)`)."""
    return client_get(client, BARE_URL)


def bare_view_timing(client, *, repeat: int = 200) -> Timing:
    return time_requests("bare Django view", bare(client), repeat=repeat)


def print_ratio(label: str, measured: Timing, baseline: Timing | None = None, goal: str = "") -> float:
    """The bare view's median over the case's: the fraction of the bare view's speed (per-request
    rate at the median) the case keeps. Uses the baseline interleaved with the case when there is
    one, else `baseline`."""
    base = measured.baseline or baseline
    if base is None:
        raise ValueError(f"{label}: no baseline to compare with")
    ratio = base.median / measured.median
    where = "interleaved" if measured.baseline else "measured apart"
    print(
        f"  ratio {label}: {ratio:.2f} of the bare view's speed (p50 {base.median:.2f} / {measured.median:.2f} ms,"
        f" {where}){f'  (goal: {goal})' if goal else ''}"
    )
    return ratio
