"""Demo data for the peer programme (`seed_demo`): a bank of peers with records and availability,
challenges in every state across real councils, one change-of-control support request, and the
demo organiser. All figures are illustrative, generated from a fixed seed; a second run finds
everything present and adds nothing.
"""

import random
from datetime import timedelta

from allauth.account.models import EmailAddress

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation, OrganisationKind, PeerArea, Profile, User
from peers.models import (
    AvailabilityWindow,
    Challenge,
    ChallengeKind,
    ChallengeStatus,
    MembershipStatus,
    Party,
    PeerKind,
    PeerRecord,
    ProgrammeWeek,
    StepKind,
    TeamMembership,
    TeamRole,
    programme_end,
    programme_start,
)
from peers.roles import peer_programme_group

DEMO_PASSWORD = "knowledge-hub-demo"  # noqa: S105 - documented in the README for local use only
ORGANISER_EMAIL = "organiser@knowledgehub.example"
PEER_DOMAIN = "peers.knowledgehub.example"
OFFICER_COUNCIL = "E08000035"  # Leeds: the demo officer's council books its own challenge

# kind -> the roles such a peer can take
ROLES_FOR_KIND = {
    PeerKind.MEMBER: [TeamRole.LEAD_MEMBER, TeamRole.MEMBER],
    PeerKind.CHIEF_EXECUTIVE: [TeamRole.LEAD_OFFICER],
    PeerKind.SENIOR_OFFICER: [TeamRole.SENIOR_OFFICER],
    PeerKind.BUSINESS: [TeamRole.EXPERT, TeamRole.SENIOR_OFFICER],
    PeerKind.VOLUNTARY: [TeamRole.EXPERT, TeamRole.SENIOR_OFFICER],
    PeerKind.CIVIL_SERVICE: [TeamRole.EXPERT, TeamRole.SENIOR_OFFICER],
    PeerKind.CHALLENGE_MANAGER: [TeamRole.CHALLENGE_MANAGER],
}
# Roughly the real bank's mix: many member and senior officer peers, fewer chief executives.
KIND_WEIGHTS = {
    PeerKind.MEMBER: 30,
    PeerKind.CHIEF_EXECUTIVE: 12,
    PeerKind.SENIOR_OFFICER: 35,
    PeerKind.BUSINESS: 5,
    PeerKind.VOLUNTARY: 5,
    PeerKind.CIVIL_SERVICE: 5,
    PeerKind.CHALLENGE_MANAGER: 8,
}
FIRST = ["Amara", "Ben", "Chloe", "Dev", "Eleri", "Femi", "Grace", "Hamid", "Isla", "Jonah", "Kiran", "Lowri"]
LAST = ["Adeyemi", "Brennan", "Clarke", "Dhillon", "Evans", "Fraser", "Gill", "Hughes", "Iqbal", "Jones", "Khan"]


def add_arguments(parser) -> None:
    parser.add_argument("--peers", type=int, default=300, help="demo peers in the peer bank (default 300)")
    parser.add_argument("--challenges", type=int, default=40, help="demo peer challenges (default 40)")


def _organiser(log) -> None:
    user = User.objects.filter(email=ORGANISER_EMAIL).first()
    if user is None:
        user = User.objects.create_user(
            email=ORGANISER_EMAIL, password=DEMO_PASSWORD, first_name="Olu", last_name="Organiser"
        )
        Profile.objects.get_or_create(user=user, defaults={"job_title": "Peer programme organiser"})
        EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    user.groups.add(peer_programme_group())
    log(f"  peer programme organiser: {ORGANISER_EMAIL}")


def _bank(count: int, councils: list, log) -> list[PeerRecord]:
    rng = random.Random(12)
    planned = []
    for n in range(count):
        kind = rng.choices(list(KIND_WEIGHTS), weights=list(KIND_WEIGHTS.values()))[0]
        planned.append(
            {
                "email": f"peer{n:04d}@{PEER_DOMAIN}",
                "first_name": rng.choice(FIRST),
                "last_name": rng.choice(LAST),
                "kind": kind,
                "organisation": rng.choice(councils),
                "party": rng.choice(Party.values[:5]) if kind == PeerKind.MEMBER else "",
                "areas": rng.sample(PeerArea.values, rng.randint(1, 3)),
                "days": rng.choice([5, 8, 10, 12, 15, 20]),
                "windows": rng.randint(1, 3),
            }
        )
    existing = set(User.objects.filter(email__endswith=f"@{PEER_DOMAIN}").values_list("email", flat=True))
    missing = [p for p in planned if p["email"] not in existing]
    if missing:
        password = make_password(DEMO_PASSWORD)
        users = User.objects.bulk_create(
            [
                User(
                    email=p["email"],
                    first_name=p["first_name"],
                    last_name=p["last_name"],
                    organisation=p["organisation"],
                    password=password,
                )
                for p in missing
            ]
        )
        EmailAddress.objects.bulk_create(
            [EmailAddress(user=u, email=u.email, primary=True, verified=True) for u in users]
        )
        Profile.objects.bulk_create(
            [
                Profile(
                    user=u,
                    job_title=dict(PeerKind.choices)[p["kind"]],
                    peer_status="councillor" if p["kind"] == PeerKind.MEMBER else "officer",
                    peer_accredited=True,
                    peer_areas=p["areas"],
                    availability="available",
                )
                for u, p in zip(users, missing, strict=True)
            ]
        )
        records = PeerRecord.objects.bulk_create(
            [
                PeerRecord(
                    user=u,
                    kind=p["kind"],
                    roles=list(ROLES_FOR_KIND[p["kind"]]),
                    party=p["party"],
                    days_offered=p["days"],
                )
                for u, p in zip(users, missing, strict=True)
            ]
        )
        start, end = programme_start(), programme_end()
        span = (end - start).days
        windows = []
        for record, p in zip(records, missing, strict=True):
            wrng = random.Random(p["email"])
            for _ in range(p["windows"]):
                first = start + timedelta(days=wrng.randint(0, span - 120))
                windows.append(
                    AvailabilityWindow(
                        record=record, starts_on=first, ends_on=min(end, first + timedelta(days=wrng.randint(90, 400)))
                    )
                )
        AvailabilityWindow.objects.bulk_create(windows)
    log(f"  {count} demo peers in the bank (illustrative)")
    return list(
        PeerRecord.objects.filter(user__email__endswith=f"@{PEER_DOMAIN}")
        .select_related("user")
        .order_by("user__email")
    )


def _challenges(count: int, councils: list, bank: list[PeerRecord], log) -> None:
    from peers.services import _steps_ensure

    rng = random.Random(34)
    today = timezone.localdate()
    start = programme_start()
    first_monday = start + timedelta(days=(7 - start.weekday()) % 7)
    weeks_total = (programme_end() - first_monday).days // 7
    by_role = {role: [r for r in bank if role in r.roles] for role in TeamRole.values}
    made = 0
    for n in range(count):
        council = councils[n % len(councils)]
        week_index = (n * 151) % weeks_total  # spread over the three years
        starts_on = first_monday + timedelta(weeks=week_index)
        kind = ChallengeKind.SUBJECT if n % 7 == 3 else ChallengeKind.CORPORATE
        if n == 5:
            kind = ChallengeKind.MEMBER_SUPPORT
        if starts_on < today - timedelta(days=30):
            status = ChallengeStatus.COMPLETED
        elif starts_on < today + timedelta(days=150):
            status = ChallengeStatus.IN_PROGRESS
        else:
            status = ChallengeStatus.CONFIRMED if n % 3 else ChallengeStatus.REQUESTED
        if kind == ChallengeKind.MEMBER_SUPPORT:
            status = ChallengeStatus.REQUESTED
            starts_on = max(starts_on, today + timedelta(days=35) - timedelta(days=today.weekday()) + timedelta(days=7))
        week, _ = ProgrammeWeek.objects.get_or_create(starts_on=starts_on)
        if Challenge.objects.filter(council=council, week=week).exists():
            continue
        challenge = Challenge.objects.create(
            council=council,
            kind=kind,
            status=status,
            week=week,
            days_on_site=5 if kind == ChallengeKind.MEMBER_SUPPORT else rng.choice([3, 4, 4]),
            free_days=5 if kind == ChallengeKind.MEMBER_SUPPORT else 0,
            focus_areas=rng.sample(PeerArea.values, 2),
            contact_name="Chief executive's office",
            contact_email=f"ceo.office{n}@council.example",
            decision_reason="After the change of control in May" if kind == ChallengeKind.MEMBER_SUPPORT else "",
        )
        made += 1
        if status == ChallengeStatus.REQUESTED:
            continue
        _steps_ensure(challenge)
        if status in (ChallengeStatus.COMPLETED, ChallengeStatus.IN_PROGRESS):
            done = timezone.now()
            challenge.steps.filter(due_on__lt=today).exclude(kind=StepKind.ACTION_PLAN if n % 4 == 0 else "").update(
                done_at=done
            )
        if status == ChallengeStatus.COMPLETED:
            challenge.report = "Illustrative report: the council has a clear vision and sound finances; the peer team recommends strengthening scrutiny."
            challenge.report_published_at = timezone.now()
            challenge.save(update_fields=["report", "report_published_at"])
        if status == ChallengeStatus.CONFIRMED and n % 2:
            continue  # left for the organiser to match
        members = []
        used = set()
        for role in ("lead_officer", "lead_member", "senior_officer", "senior_officer", "challenge_manager"):
            pool = [r for r in by_role[role] if r.pk not in used and r.user.organisation_id != council.pk]
            if pool:
                record = rng.choice(pool)
                used.add(record.pk)
                members.append(
                    TeamMembership(
                        challenge=challenge,
                        peer=record,
                        role=role,
                        status=MembershipStatus.ACCEPTED,
                        reason="Demo team (illustrative)",
                        days_given=challenge.days_on_site if status == ChallengeStatus.COMPLETED else 0,
                    )
                )
        TeamMembership.objects.bulk_create(members)
    log(f"  {Challenge.objects.count()} peer challenges ({made} new, illustrative)")


def seed(*, options: dict, log) -> None:
    with transaction.atomic():
        _organiser(log)
        councils = list(
            Organisation.objects.filter(kind=OrganisationKind.COUNCIL)
            .exclude(ons_code=OFFICER_COUNCIL)
            .order_by("ons_code")
        )
        if not councils:
            log("  no councils: run load_councils first")
            return
        bank = _bank(options.get("peers", 300), councils, log)
        _challenges(options.get("challenges", 40), councils, bank, log)
