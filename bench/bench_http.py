"""What a person gets: the pages that matter, served by the production server over loopback HTTP.

    python -m bench http [--server granian] [--repeat 400] [--rounds 2]

The site runs in its own server process (`bench.http.start_server`: granian as `make serve`
runs it, one worker) on bench.settings; a keep-alive client sends, for each page, the bare
view and the page in turn (bare, page, bare, page, ...), so a slow patch of a shared machine
slows both and the ratio of their medians holds. The same pages are also timed in-process
through Django's test client (interleaved the same way), and their SQL queries counted, so
the table shows what the server adds on top of Django's own cost.

Pages: home, the good practice library, a case study, a thread with 25 replies (signed-in
member), people search, site search, the marketplace listing and a comparison of four
services. Goals (issue 15): bare view p50 over HTTP <= 1.5 ms; a cached anonymous page within
0.3 ms of it.
"""

import argparse
import http.client
import os
import time

from bench.common import BARE_URL, Timing, bare, client_get, setup_django, time_requests
from bench.http import ROOT, start_server, stop_server


def _seed() -> dict:
    """Demo councils, people, case studies and services, plus a thread of 25 replies."""
    from django.core.management import call_command

    from accounts import demo as accounts_demo
    from accounts.models import User
    from communities.factories import ReplyFactory, ThreadFactory, community_create
    from communities.models import CommunityPage, Membership, Thread
    from hub import demo as hub_demo
    from hub.selectors import case_study_queryset
    from marketplace import demo as marketplace_demo
    from marketplace.models import Service

    quiet = lambda message: None  # noqa: E731
    call_command("load_councils", stdout=open(os.devnull, "w"))  # noqa: SIM115 - closed at exit
    accounts_demo.seed(options={"people": 60}, log=quiet)
    hub_demo.seed(options={}, log=quiet)
    marketplace_demo.seed(options={}, log=quiet)

    community = CommunityPage.objects.filter(slug="bench-http").first() or community_create(
        title="Bench HTTP", slug="bench-http", access="open"
    )
    people = list(User.objects.filter(email__endswith=".example").order_by("pk")[:5])
    for person in people:
        Membership.objects.get_or_create(community=community, user=person)
    thread = Thread.objects.filter(community=community, title="Thread page over HTTP").first()
    if thread is None:
        thread = ThreadFactory(community=community, title="Thread page over HTTP", author=people[0])
        for number in range(25):
            ReplyFactory(thread=thread, author=people[number % len(people)])
    slugs = list(Service.objects.filter(is_published=True).order_by("pk").values_list("slug", flat=True)[:4])
    return {
        "member": people[1],
        "pages": [
            ("home page", "/", False),
            ("good practice library", "/good-practice/", False),
            ("case study", case_study_queryset().order_by("-comment_count", "pk").first().url, False),
            ("thread, 25 replies (member)", thread.get_absolute_url(), True),
            ("people search", "/people/?q=data", False),
            ("site search", "/search/?q=housing", False),
            ("marketplace listing", "/marketplace/", False),
            ("compare, 4 services", "/marketplace/compare/?" + "&".join(f"s={slug}" for slug in slugs), False),
        ],
    }


def _time_pair(connection, path: str, headers: dict, *, repeat: int, warmup: int) -> tuple[Timing, Timing]:
    """The page and the bare view over one keep-alive connection, alternately."""

    def get(target: str) -> float:
        started = time.perf_counter()
        connection.request("GET", target, headers=headers)
        response = connection.getresponse()
        response.read()
        elapsed = (time.perf_counter() - started) * 1000
        if response.status != 200:
            raise SystemExit(f"{target} answered {response.status} over HTTP")
        return elapsed

    for _ in range(warmup):
        get(BARE_URL)
        get(path)
    bare_samples, page_samples = [], []
    for _ in range(repeat):
        bare_samples.append(get(BARE_URL))
        page_samples.append(get(path))
    return Timing(path, page_samples), Timing("bare Django view", bare_samples)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench http")
    parser.add_argument("--server", default="granian", help="granian (the site's), uvicorn or daphne")
    parser.add_argument("--repeat", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=2, help="interleaved rounds per page; the best is kept")
    args = parser.parse_args(argv)

    # Its own SQLite file unless DATABASE_URL says otherwise: the server process opens it too.
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench_http.sqlite3'}")
    setup_django()
    world = _seed()

    from django.conf import settings
    from django.test import Client

    member_client = Client()
    member_client.force_login(world["member"])
    session_cookie = f"{settings.SESSION_COOKIE_NAME}={member_client.cookies[settings.SESSION_COOKIE_NAME].value}"
    anonymous_client = Client()

    print(
        f"{args.server}, one worker, {os.cpu_count()} CPUs, {args.repeat} requests per page and round, "
        f"{args.rounds} rounds (best p50 kept). Ratios: bare view p50 / page p50, interleaved."
    )
    process, base = start_server(args.server, "config.asgi:application", log=ROOT / "var" / "bench_http.log")
    rows = []
    try:
        host, port = base.removeprefix("http://").split(":")
        for label, path, signed_in in world["pages"]:
            client = member_client if signed_in else anonymous_client
            headers = {"Cookie": session_cookie} if signed_in else {}
            in_process = time_requests(label, client_get(client, path), repeat=args.repeat, baseline=bare(client))
            best = None
            for _ in range(args.rounds):
                connection = http.client.HTTPConnection(host, int(port), timeout=30)
                try:
                    pair = _time_pair(connection, path, headers, repeat=args.repeat, warmup=50)
                finally:
                    connection.close()
                if best is None or pair[0].median < best[0].median:
                    best = pair
            rows.append((label, in_process, *best))
    finally:
        stop_server(process)

    print(
        f"{'page':<30} {'in-process p50':>14} {'HTTP p50':>9} {'p95':>8} {'p99':>8} {'queries':>7}"
        f" {'bare HTTP p50':>13} {'ratio':>6}"
    )
    for label, in_process, page, bare_http in rows:
        print(
            f"{label:<30} {in_process.median:11.2f} ms {page.median:6.2f} ms {page.pct(95):5.2f} ms"
            f" {page.pct(99):5.2f} ms {in_process.queries:7d} {bare_http.median:10.2f} ms"
            f" {bare_http.median / page.median:6.2f}"
        )
    bare_best = min(row[3].median for row in rows)
    verdict = "meets" if bare_best <= 1.5 else "MISSES"
    print(f"  bare view p50 over HTTP, best pairing: {bare_best:.2f} ms ({verdict} the goal: <= 1.5 ms)")
    for label, _in_process, page, bare_http in rows:
        if label == "good practice library":  # served from the anonymous page cache
            gap = page.median - bare_http.median
            verdict = "meets" if gap <= 0.3 else "MISSES"
            print(f"  cached anonymous page ({label}): bare + {gap:.2f} ms ({verdict} the goal: within 0.3 ms)")
