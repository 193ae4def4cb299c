"""Peer programme at scale: a bank of 5,000 peers and 300 challenges over three years.

    python -m bench peers                  # seeds once into the bench database, then measures

Times proposing a team for a confirmed challenge (the full `team_propose` service: the bank read,
the hard rules and the ranking, the proposal written, each in a transaction rolled back so every
run proposes afresh) and the organisers' programme calendar page, with their query counts, against
the bare Django view in the same run. The calendar's query count is measured again with 500 more
peers and 50 more challenges (rolled back): it must not change. Goals: proposal p95 <= 200 ms,
calendar p95 <= 100 ms with a constant query count.
"""

import random
import time
from datetime import timedelta

from bench.common import Timing, bare, bare_view_timing, client_get, print_ratio, setup_django, time_requests

PEERS = 5_000
CHALLENGES = 300
DOMAIN = "bench-peers.example"


def _add_bank(count: int, start_index: int, councils: list, rng) -> None:
    from django.contrib.auth.hashers import make_password

    from accounts.models import PeerArea, Profile, User
    from peers.demo import KIND_WEIGHTS, ROLES_FOR_KIND
    from peers.models import AvailabilityWindow, Party, PeerRecord, programme_end, programme_start

    password = make_password("bench")
    users = User.objects.bulk_create(
        [
            User(
                email=f"peer{start_index + n}@{DOMAIN}",
                first_name="Peer",
                last_name=str(start_index + n),
                organisation=rng.choice(councils),
                password=password,
            )
            for n in range(count)
        ]
    )
    Profile.objects.bulk_create(
        [
            Profile(user=u, peer_accredited=True, peer_status="officer", peer_areas=rng.sample(PeerArea.values, 2))
            for u in users
        ]
    )
    kinds = [rng.choices(list(KIND_WEIGHTS), weights=list(KIND_WEIGHTS.values()))[0] for _ in users]
    records = PeerRecord.objects.bulk_create(
        [
            PeerRecord(
                user=u,
                kind=k,
                roles=list(ROLES_FOR_KIND[k]),
                party=rng.choice(Party.values[:5]) if k == "member" else "",
                days_offered=rng.choice([5, 10, 15, 20]),
            )
            for u, k in zip(users, kinds, strict=True)
        ]
    )
    start, end = programme_start(), programme_end()
    span = (end - start).days
    windows = []
    for record in records:
        for _ in range(2):
            first = start + timedelta(days=rng.randint(0, span - 100))
            windows.append(
                AvailabilityWindow(
                    record=record, starts_on=first, ends_on=min(end, first + timedelta(days=rng.randint(60, 500)))
                )
            )
    AvailabilityWindow.objects.bulk_create(windows)


def _add_challenges(count: int, offset: int, councils: list, rng) -> None:
    from accounts.models import PeerArea
    from peers.models import Challenge, ChallengeStatus, ProgrammeWeek, programme_end, programme_start
    from peers.services import _steps_ensure

    first = programme_start() + timedelta(days=(7 - programme_start().weekday()) % 7)
    weeks = (programme_end() - first).days // 7
    for n in range(count):
        week, _ = ProgrammeWeek.objects.get_or_create(starts_on=first + timedelta(weeks=(offset + n) % weeks))
        challenge = Challenge.objects.create(
            council=councils[(offset + n) % len(councils)],
            status=ChallengeStatus.CONFIRMED,
            week=week,
            focus_areas=rng.sample(PeerArea.values, 2),
            contact_name="Bench",
            contact_email=f"bench{offset + n}@{DOMAIN}",
        )
        _steps_ensure(challenge)


def seed() -> None:
    from accounts.models import Organisation, OrganisationKind, User
    from peers.models import Challenge

    if User.objects.filter(email__endswith=f"@{DOMAIN}").exists():
        return
    from django.db import transaction

    rng = random.Random(5)
    councils = list(Organisation.objects.filter(kind=OrganisationKind.COUNCIL))
    if len(councils) < 50:
        from django.core.management import call_command

        call_command("load_councils", verbosity=0)
        councils = list(Organisation.objects.filter(kind=OrganisationKind.COUNCIL))
    started = time.perf_counter()
    with transaction.atomic():
        _add_bank(PEERS, 0, councils, rng)
        _add_challenges(CHALLENGES, 0, councils, rng)
    print(f"seeded {PEERS} peers and {Challenge.objects.count()} challenges in {time.perf_counter() - started:.1f} s")


def _organiser():
    from accounts.models import User
    from peers.roles import peer_programme_group

    user, _ = User.objects.get_or_create(email=f"organiser@{DOMAIN}")
    user.groups.add(peer_programme_group())
    return user


def _propose(organiser, challenges, client) -> Timing:
    """The proposal service on a different challenge each time, rolled back."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from peers import services

    class Rollback(Exception):
        pass

    turn = iter(range(10**9))

    def run():
        challenge = challenges[next(turn) % len(challenges)]
        try:
            with transaction.atomic():
                services.team_propose(organiser=organiser, challenge=challenge)
                raise Rollback
        except Rollback:
            pass

    timing = time_requests("propose a team (5,000 peers)", run, repeat=100, baseline=bare(client))
    with CaptureQueriesContext(connection) as captured:
        run()
    timing.queries = len(captured.captured_queries)
    return timing


def _calendar_queries_with_more(client, councils) -> int:
    """The calendar's query count with 500 more peers and 50 more challenges (rolled back)."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    class Rollback(Exception):
        pass

    count = 0
    try:
        with transaction.atomic():
            rng = random.Random(9)
            _add_bank(500, PEERS + 1, councils, rng)
            _add_challenges(50, CHALLENGES, councils, rng)
            with CaptureQueriesContext(connection) as captured:
                client.get("/peers/programme/")
            count = len(captured.captured_queries)
            raise Rollback
    except Rollback:
        pass
    return count


def main(argv: list[str]) -> None:
    setup_django()
    seed()
    from django.test import Client

    from accounts.models import Organisation, OrganisationKind
    from peers.models import Challenge, PeerRecord

    print(f"data: {PeerRecord.objects.count()} peers, {Challenge.objects.count()} challenges")
    organiser = _organiser()
    client = Client()
    client.force_login(organiser)
    baseline = bare_view_timing(client, repeat=200)
    challenges = list(
        Challenge.objects.filter(contact_email__endswith=f"@{DOMAIN}").select_related("council", "week")[:50]
    )
    proposal = _propose(organiser, challenges, client)
    calendar = time_requests(
        "programme calendar page", client_get(client, "/peers/programme/"), repeat=200, baseline=bare(client)
    )
    more = _calendar_queries_with_more(client, list(Organisation.objects.filter(kind=OrganisationKind.COUNCIL)[:100]))
    from django.db import connection

    print(f"database: {connection.vendor}")
    print(baseline.line())
    print(proposal.line())
    print(calendar.line())
    print_ratio("propose a team", proposal, baseline)
    print_ratio("programme calendar", calendar, baseline)
    print(
        f"  goal: proposal p95 <= 200 ms -> {proposal.pct(95):.1f} ms ({'holds' if proposal.pct(95) <= 200 else 'NOT met'}); "
        f"calendar p95 <= 100 ms -> {calendar.pct(95):.1f} ms ({'holds' if calendar.pct(95) <= 100 else 'NOT met'}); "
        f"calendar queries {calendar.queries}, with 500 more peers and 50 more challenges {more} "
        f"({'constant' if more == calendar.queries else 'NOT constant'})"
    )
