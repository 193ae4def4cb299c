"""Site search with marketplace services and library documents: what the two groups cost /search/.

    python -m bench site_search                              # 2,000 services, 2,000 documents
    python -m bench site_search --services 5000 --documents 5000

Seeds (once, idempotently, in the benchmark database) services and library documents with
text, indexes them with `search.services.site_index_update`, then times /search/ for a member
of the community, interleaved three ways: the bare Django view, /search/ with every provider,
and /search/ without the services and library providers (what the page cost before them).
Judged by: the ratio of medians with and without the two groups, and query counts that do
not change with the number of results. The documents' text is written directly: reading a
file's words happens once per upload, never in a search, so it is timed on its own.
"""

import argparse
import io
import statistics
import time

from bench.common import Timing, bare, client_get, print_ratio, setup_django, time_requests

PREFIX = "bench-site-search"
WORDS = [
    "audit",
    "committee",
    "effectiveness",
    "governance",
    "review",
    "housing",
    "budget",
    "scrutiny",
    "workforce",
    "data",
    "climate",
    "consultation",
    "procurement",
    "framework",
    "reserves",
    "strategy",
    "homelessness",
    "planning",
]


def _text(n: int, length: int) -> str:
    """Deterministic prose of `length` words, different for each n."""
    return " ".join(WORDS[(n * 7 + i * 3) % len(WORDS)] for i in range(length))


def seed(*, services: int, documents: int):
    """Services and documents under PREFIX; returns the community and a member of it."""
    from django.contrib.auth import get_user_model

    from accounts.models import Organisation, OrganisationKind
    from communities.factories import community_create
    from communities.models import Access, CommunityPage, LibraryFile, Membership
    from marketplace.models import Provider, ProviderType, Service

    organisation, _ = Organisation.objects.get_or_create(
        name="Bench site search provider", defaults={"kind": OrganisationKind.BUSINESS}
    )
    provider, _ = Provider.objects.get_or_create(
        organisation=organisation, defaults={"provider_type": ProviderType.BUSINESS}
    )
    have = Service.objects.filter(slug__startswith=PREFIX).count()
    Service.objects.bulk_create(
        [
            Service(
                provider=provider,
                name=f"{_text(n, 3).capitalize()} {n}",
                slug=f"{PREFIX}-{n}",
                summary=_text(n + 1, 12),
                description=_text(n + 2, 80),
                category="governance",
                delivery_mode="blended",
                price_min=500,
                price_max=800,
                price_unit="per_day",
                is_published=True,
            )
            for n in range(have, services)
        ],
        batch_size=500,
    )
    community = CommunityPage.objects.filter(slug=PREFIX).first() or community_create(
        title="Bench site search community", slug=PREFIX, access=Access.PRIVATE
    )
    member, _ = get_user_model().objects.get_or_create(email=f"{PREFIX}@bench.example")
    Membership.objects.get_or_create(community=community, user=member)
    have = LibraryFile.objects.filter(community=community).count()
    LibraryFile.objects.bulk_create(
        [
            LibraryFile(
                community=community,
                title=f"{_text(n + 3, 4).capitalize()} {n}",
                file=f"{community.pk}/{PREFIX}-{n}.pdf",
                original_name=f"{PREFIX}-{n}.pdf",
                size=100_000,
                text=_text(n + 4, 2000),
            )
            for n in range(have, documents)
        ],
        batch_size=200,
    )
    return community, member


def _extraction_timing(*, pages: int, repeat: int) -> Timing:
    """Reading the words of one Word file of about `pages` pages (paid once, after an upload)."""
    import docx

    from communities.search import document_text

    document = docx.Document()
    for n in range(pages * 30):
        document.add_paragraph(_text(n, 15))
    data = io.BytesIO()
    document.save(data)
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        document_text(io.BytesIO(data.getvalue()), extension="docx")
        samples.append((time.perf_counter() - started) * 1000)
    return Timing(f"read a {pages}-page .docx's words", samples, 0)


def _interleaved(client, url: str, *, repeat: int) -> tuple[Timing, Timing]:
    """/search/ with every provider and without the two new ones, request by request in turn."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from search import registry

    removed = {key: registry._providers[key] for key in ("services", "library")}

    def without():
        for key in removed:
            registry.unregister_provider(key)
        try:
            return client_get(client, url)()
        finally:
            for provider in removed.values():
                registry.register_provider(provider)

    counted = {}
    for kind, run in (("with", client_get(client, url)), ("without", without)):
        run()  # warm-up
        with CaptureQueriesContext(connection) as captured:
            run()
        counted[kind] = len(captured.captured_queries)
    samples = {"with": [], "without": []}
    for _ in range(repeat):
        for kind, run in (("with", client_get(client, url)), ("without", without)):
            started = time.perf_counter()
            run()
            samples[kind].append((time.perf_counter() - started) * 1000)
    without_timing = Timing("/search/ without services and documents", samples["without"], counted["without"])
    with_timing = Timing("/search/ with services and documents", samples["with"], counted["with"])
    return with_timing, without_timing


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench site_search")
    parser.add_argument("--services", type=int, default=2000)
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=100)
    args = parser.parse_args(argv)
    setup_django()
    from django.db import connection
    from django.test import Client

    from search.selectors import site_search
    from search.services import site_index_update

    started = time.monotonic()
    _community, member = seed(services=args.services, documents=args.documents)
    seeded = time.monotonic() - started
    started = time.monotonic()
    counts = site_index_update()
    print(
        f"database: {connection.vendor}; seeding {seeded:.1f}s; site_index_update {time.monotonic() - started:.1f}s "
        f"for {counts}"
    )
    client = Client()
    client.force_login(member)
    queries = ["audit committee effectiveness", "procurement framework", "homelessness"]
    bare_timing = time_requests("bare Django view", bare(client), repeat=args.repeat)
    print(bare_timing.line())
    ratios, query_counts = [], []
    for text in queries:
        url = f"/search/?q={text.replace(' ', '+')}"
        groups = {g.key: g.total for g in site_search(query=text, user=member).groups}
        with_timing, without_timing = _interleaved(client, url, repeat=args.repeat)
        typed = time_requests(
            "  one type (library, 20 a page)",
            client_get(client, url + "&type=library"),
            repeat=max(10, args.repeat // 4),
            baseline=bare(client),
        )
        print(f"q={text!r}: {groups}")
        for timing in (with_timing, without_timing, typed):
            print("  " + timing.line())
        ratio = without_timing.median / with_timing.median
        ratios.append(ratio)
        query_counts.append((with_timing.queries, typed.queries))
        print(
            f"  ratio without/with the two groups: {ratio:.2f} of the page's speed before them "
            f"(p50 {without_timing.median:.2f} / {with_timing.median:.2f} ms, interleaved); "
            f"queries {without_timing.queries} -> {with_timing.queries}"
        )
        print_ratio("/search/ (all groups)", with_timing, bare_timing)
    extraction = _extraction_timing(pages=20, repeat=10)
    print(extraction.line() + "  (not a request: once per upload, after commit)")
    print(
        f"  summary: /search/ keeps {statistics.median(ratios):.2f} (median over {len(queries)} queries) of its "
        f"speed without the two groups; queries per page (all groups, one type) {sorted(set(query_counts))} for "
        f"{counts} indexed: constant in the number of results"
    )
