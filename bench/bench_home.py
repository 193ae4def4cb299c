"""Home page and health check, as a ratio to the bare Django view in the same run."""

from bench.common import (
    bare,
    bare_view_timing,
    client_get,
    print_ratio,
    setup_django,
    time_requests,
)


def main(argv: list[str]) -> None:
    setup_django()
    from django.test import Client

    client = Client()
    baseline = bare_view_timing(client)
    home = time_requests("home page (anonymous)", client_get(client, "/"), baseline=bare(client))
    health = time_requests("/healthz", client_get(client, "/healthz"), baseline=bare(client))
    for timing in (baseline, home, health):
        print(timing.line())
    print_ratio("home page", home, baseline)
    print_ratio("/healthz", health, baseline)
