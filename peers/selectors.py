"""Reads for the peer programme: who may see what, the matching's inputs, the calendars."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Max, Q, Sum
from django.utils import timezone

from accounts.models import Organisation, PeerArea, TaggedSkill
from accounts.selectors import verified_organisation
from benchmarking.selectors import nearest_neighbours
from peers import matching
from peers.models import (
    ACTIVE_STATUSES,
    HOLDING_STATUSES,
    AvailabilityWindow,
    Challenge,
    ChallengeKind,
    ChallengeStatus,
    MembershipStatus,
    Notice,
    PeerRecord,
    ProgrammeWeek,
    TeamMembership,
    TeamRole,
    TimelineStep,
    programme_end,
    programme_start,
)
from peers.roles import is_peer_organiser

# Weeks a council can book from: no sooner than this, so scoping can happen.
BOOKING_LEAD_DAYS = 28


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def programme_year_of(day: date) -> tuple[date, date]:
    """The April-to-March year containing `day`."""
    year = day.year if day.month >= 4 else day.year - 1
    return date(year, 4, 1), date(year + 1, 3, 31)


# --- Who may see what ------------------------------------------------------------------------


def is_party_to(user, challenge: Challenge) -> bool:
    """The council that booked it, whoever requested it and the peers on its team."""
    if not getattr(user, "is_authenticated", False):
        return False
    if challenge.requested_by_id == user.pk:
        return True
    council = verified_organisation(user)
    if council is not None and council.pk == challenge.council_id:
        return True
    return challenge.team.filter(peer__user=user, status__in=HOLDING_STATUSES).exists()


def can_see_challenge(user, challenge: Challenge) -> bool:
    return is_peer_organiser(user) or is_party_to(user, challenge)


def can_see_report(user, challenge: Challenge) -> bool:
    """A published report is public; until then only organisers and the parties see it."""
    return challenge.report_published_at is not None or can_see_challenge(user, challenge)


def can_see_record(viewer, record: PeerRecord) -> bool:
    """Peer records are for organisers, the peer themselves and the councils whose team they are
    on; anyone else sees one only where the peer made it public (and then not its availability)."""
    if getattr(viewer, "is_authenticated", False) and viewer.pk == record.user_id:
        return True
    if is_peer_organiser(viewer):
        return True
    council = verified_organisation(viewer)
    return bool(
        council is not None
        and record.memberships.filter(challenge__council=council, status__in=HOLDING_STATUSES).exists()
    )


def record_for(user) -> PeerRecord | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return PeerRecord.objects.filter(user=user).prefetch_related("windows").first()


def challenge_get(pk: int) -> Challenge | None:
    return Challenge.objects.select_related("council", "week", "requested_by").filter(pk=pk).first()


def challenge_team(challenge: Challenge):
    return challenge.team.select_related("peer__user__organisation").order_by("pk")


def challenges_for_user(user) -> list[Challenge]:
    """The challenges a person is party to: their council's, and those they are on the team of."""
    council = verified_organisation(user)
    condition = Q(requested_by=user) | Q(team__peer__user=user, team__status__in=HOLDING_STATUSES)
    if council is not None:
        condition |= Q(council=council)
    return list(
        Challenge.objects.filter(condition).select_related("council", "week").distinct().order_by("week__starts_on")
    )


def invitations_for(user):
    return (
        TeamMembership.objects.filter(peer__user=user, status=MembershipStatus.INVITED)
        .select_related("challenge__council", "challenge__week")
        .order_by("challenge__week__starts_on")
    )


def notices_for(user, *, limit: int = 10) -> list[Notice]:
    return list(Notice.objects.filter(recipient=user).select_related("challenge__council")[:limit])


# --- Booking ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class WeekChoice:
    starts_on: date
    places_left: int

    @property
    def label(self) -> str:
        places = "1 place" if self.places_left == 1 else f"{self.places_left} places"
        return f"Week of {self.starts_on:%-d %B %Y} ({places} left)"


def bookable_weeks(*, today: date | None = None) -> list[WeekChoice]:
    """Every programme week from four weeks ahead with a place left."""
    from peers.models import DEFAULT_WEEK_CAPACITY

    today = today or timezone.localdate()
    first = monday_of(max(programme_start(), today + timedelta(days=BOOKING_LEAD_DAYS)) + timedelta(days=6))
    last = programme_end()
    capacities = dict(ProgrammeWeek.objects.filter(starts_on__gte=first).values_list("starts_on", "capacity"))
    taken = dict(
        Challenge.objects.filter(status__in=ACTIVE_STATUSES, week__starts_on__gte=first)
        .values("week__starts_on")
        .annotate(n=Count("pk"))
        .values_list("week__starts_on", "n")
    )
    weeks = []
    day = first
    while day <= last:
        left = capacities.get(day, DEFAULT_WEEK_CAPACITY) - taken.get(day, 0)
        if left > 0:
            weeks.append(WeekChoice(day, left))
        day += timedelta(days=7)
    return weeks


def free_days_left(challenge: Challenge) -> float:
    used = challenge.team.aggregate(total=Sum("days_given"))["total"] or 0
    return float(challenge.free_days - used)


# --- Matching's inputs -----------------------------------------------------------------------


def host_for(challenge: Challenge, *, neighbours: Callable = nearest_neighbours) -> matching.Host:
    council = challenge.council
    neighbour_ids = frozenset(n.organisation.pk for n in neighbours(council, count=15))
    return matching.Host(
        council_id=council.pk,
        parent_id=council.parent_id,
        child_ids=frozenset(Organisation.objects.filter(parent=council).values_list("pk", flat=True)),
        neighbour_ids=neighbour_ids,
        starts_on=challenge.starts_on,
        days=challenge.days_on_site,
        focus_areas=frozenset(challenge.focus_areas),
        political_balance=challenge.kind != ChallengeKind.SUBJECT,
    )


def candidates_for(challenge: Challenge) -> list[matching.Candidate]:
    """Every peer in the bank as matching sees them, in a fixed number of queries."""
    year_start, year_end = programme_year_of(challenge.starts_on)
    committed = dict(
        TeamMembership.objects.filter(
            status__in=HOLDING_STATUSES, challenge__week__starts_on__range=(year_start, year_end)
        )
        .exclude(challenge=challenge)
        .values("peer_id")
        .annotate(days=Sum("challenge__days_on_site"))
        .values_list("peer_id", "days")
    )
    last_gave = dict(
        TeamMembership.objects.filter(
            status=MembershipStatus.ACCEPTED, challenge__week__starts_on__lt=challenge.starts_on
        )
        .values("peer_id")
        .annotate(last=Max("challenge__week__starts_on"))
        .values_list("peer_id", "last")
    )
    windows = defaultdict(list)
    for record_id, starts_on, ends_on in AvailabilityWindow.objects.filter(
        starts_on__lte=challenge.starts_on, ends_on__gte=challenge.starts_on
    ).values_list("record_id", "starts_on", "ends_on"):
        windows[record_id].append((starts_on, ends_on))
    rows = PeerRecord.objects.filter(user__is_active=True, user__profile__peer_accredited=True).values_list(
        "pk",
        "user__first_name",
        "user__last_name",
        "roles",
        "user__organisation_id",
        "user__organisation__parent_id",
        "party",
        "user__profile__peer_areas",
        "days_offered",
        "user__profile__pk",
    )
    rows = list(rows)
    skills = defaultdict(set)
    for profile_id, slug in TaggedSkill.objects.filter(content_object_id__in=[row[9] for row in rows]).values_list(
        "content_object_id", "tag__slug"
    ):
        skills[profile_id].add(slug.replace("-", "_"))
    return [
        matching.Candidate(
            id=pk,
            name=f"{first} {last}".strip(),
            roles=frozenset(roles or ()),
            organisation_id=org,
            organisation_parent_id=parent,
            party=party,
            areas=frozenset(areas or ()),
            skills=frozenset(skills.get(profile_id, ())),
            days_offered=days_offered,
            days_committed=float(committed.get(pk, 0)),
            windows=tuple(windows.get(pk, ())),
            last_gave=last_gave.get(pk),
        )
        for pk, first, last, roles, org, parent, party, areas, days_offered, profile_id in rows
    ]


def slots_for(challenge: Challenge) -> tuple[str, ...]:
    return {
        ChallengeKind.CORPORATE: matching.CORPORATE_SLOTS,
        ChallengeKind.SUBJECT: matching.SUBJECT_SLOTS,
        ChallengeKind.MEMBER_SUPPORT: matching.MEMBER_SUPPORT_SLOTS,
    }[challenge.kind]


# --- Timelines and the programme ----------------------------------------------------------------


def overdue_steps(*, today: date | None = None):
    today = today or timezone.localdate()
    return (
        TimelineStep.objects.filter(done_at__isnull=True, due_on__lt=today)
        .exclude(challenge__status=ChallengeStatus.DECLINED)
        .select_related("challenge__council", "challenge__week")
        .order_by("due_on")
    )


@dataclass
class Quarter:
    starts_on: date
    ends_on: date
    challenges: list = field(default_factory=list)
    demand: dict = field(default_factory=dict)  # role -> peer days needed
    supply: dict = field(default_factory=dict)  # role -> peer days offered

    @property
    def label(self) -> str:
        return f"{self.starts_on:%b %Y} to {self.ends_on:%b %Y}"

    @property
    def rows(self) -> list[tuple[str, float, float, bool]]:
        labels = dict(TeamRole.choices)
        return [
            (
                labels[role],
                self.demand.get(role, 0),
                round(self.supply.get(role, 0)),
                self.demand.get(role, 0) > self.supply.get(role, 0),
            )
            for role in TeamRole.values
            if self.demand.get(role) or self.supply.get(role)
        ]

    @property
    def warnings(self) -> list[str]:
        return [f"{label}: {need:g} days needed, {have:g} offered" for label, need, have, short in self.rows if short]


@dataclass
class Programme:
    quarters: list[Quarter]
    completed: int
    councils_not_challenged: int
    peers_never_asked: int
    area_warnings: list[str]


def programme_overview() -> Programme:
    """The three-year calendar by quarter: the challenges booked, the peer days they need by role
    against the days peers offer in that quarter, and the counts the programme is judged by.

    A peer's offer is spread evenly over the year (days offered / 4 a quarter), counted in a
    quarter when one of their windows overlaps it. A fixed number of queries, whatever the size
    of the bank.
    """
    start = programme_start()
    quarters = []
    for n in range(4 * 3):
        month = start.month - 1 + 3 * n
        q_start = date(start.year + month // 12, month % 12 + 1, 1)
        month += 3
        q_end = date(start.year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
        quarters.append(Quarter(q_start, q_end))

    def quarter_of(day: date) -> Quarter | None:
        for quarter in quarters:
            if quarter.starts_on <= day <= quarter.ends_on:
                return quarter
        return None

    area_need: dict[str, int] = defaultdict(int)
    challenges = Challenge.objects.exclude(status=ChallengeStatus.DECLINED).select_related("council", "week")
    for challenge in challenges:
        quarter = quarter_of(challenge.starts_on)
        if quarter is None:
            continue
        quarter.challenges.append(challenge)
        for role in slots_for(challenge):
            quarter.demand[role] = quarter.demand.get(role, 0) + challenge.days_on_site
        for area in challenge.focus_areas:
            area_need[area] += 1

    area_supply: dict[str, int] = defaultdict(int)
    records = PeerRecord.objects.values_list("pk", "roles", "days_offered", "user__profile__peer_areas")
    offer = {pk: (roles or (), days) for pk, roles, days, areas in records}
    for _pk, _roles, _days, areas in records:
        for area in areas or ():
            area_supply[area] += 1
    seen: set[tuple[int, int]] = set()
    for record_id, starts_on, ends_on in AvailabilityWindow.objects.values_list("record_id", "starts_on", "ends_on"):
        roles, days = offer.get(record_id, ((), 0))
        for index, quarter in enumerate(quarters):
            if starts_on <= quarter.ends_on and quarter.starts_on <= ends_on and (record_id, index) not in seen:
                seen.add((record_id, index))
                for role in roles:
                    quarter.supply[role] = quarter.supply.get(role, 0) + days / 4

    labels = dict(PeerArea.choices)
    # An area is short where challenges ask for it more often than peers offer it.
    area_warnings = [
        f"{labels.get(area, area)}: asked for by {need} challenges, offered by {area_supply.get(area, 0)} peers"
        for area, need in sorted(area_need.items())
        if need > area_supply.get(area, 0)
    ]
    challenged = Challenge.objects.exclude(status=ChallengeStatus.DECLINED).values("council_id").distinct()
    return Programme(
        quarters=quarters,
        completed=Challenge.objects.filter(status=ChallengeStatus.COMPLETED).count(),
        councils_not_challenged=Organisation.objects.filter(kind="council").exclude(pk__in=challenged).count(),
        peers_never_asked=PeerRecord.objects.exclude(memberships__status__in=HOLDING_STATUSES)
        .exclude(memberships__status=MembershipStatus.DECLINED)
        .count(),
        area_warnings=area_warnings,
    )


# --- Calendar feeds and swaps ------------------------------------------------------------------


def record_by_token(token: str) -> PeerRecord | None:
    """The record a calendar token belongs to; a token of any other shape names nothing."""
    if not token or len(token) > 64 or "\x00" in token:
        return None
    return PeerRecord.objects.select_related("user").filter(calendar_token=token).first()


def challenge_by_token(token: str) -> Challenge | None:
    if not token or len(token) > 64 or "\x00" in token:
        return None
    return Challenge.objects.select_related("council", "week").filter(calendar_token=token).first()


def feed_challenges_for(record: PeerRecord):
    """The challenges a peer's feed shows: those they are invited to or accepted for."""
    return (
        Challenge.objects.filter(
            team__peer=record, team__status__in=(MembershipStatus.INVITED, MembershipStatus.ACCEPTED)
        )
        .exclude(status=ChallengeStatus.DECLINED)
        .select_related("council", "week")
        .prefetch_related("steps")
        .distinct()
    )


@dataclass(frozen=True)
class Alternative:
    record_id: int
    name: str
    reasons: tuple[str, ...]


def swap_alternatives(challenge: Challenge, membership: TeamMembership, *, limit: int = 5) -> list[Alternative]:
    """The next best peers for a place on the team, with why: the effect of a swap, shown
    before the organiser makes it."""
    candidates = candidates_for(challenge)
    host = host_for(challenge)
    holding = list(challenge.team.filter(status__in=HOLDING_STATUSES).exclude(pk=membership.pk))
    taken = {m.peer_id for m in holding} | {membership.peer_id}
    by_id = {c.id: c for c in candidates}
    parties = [by_id[m.peer_id].party for m in holding if m.role in matching.MEMBER_ROLES and m.peer_id in by_id]
    found = []
    for _ in range(limit):
        pick = matching.best_for_role(
            membership.role,
            host,
            candidates,
            taken=taken,
            parties_on_team=parties,
            role_label=membership.get_role_display().lower(),
        )
        if pick is None:
            break
        found.append(Alternative(pick.candidate.id, pick.candidate.name, pick.reasons))
        taken.add(pick.candidate.id)
    return found
