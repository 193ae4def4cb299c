"""Matching a challenge team: pure functions over plain data, so every rule can be tested with
a handful of peers whose right answer is known.

`propose_team` fills the slots the LGA staffs a corporate challenge with (a lead officer peer,
a lead member peer, member peers across parties, senior officer peers for the focus areas and a
peer challenge manager). A candidate is first tested against the hard rules (`hard_rule_failures`);
those that pass are ranked by fit (their peer areas and skills against the focus areas) and then
by fairness: whoever gave least recently, then whoever has the fewest days committed this year,
goes first, so the load spreads across the bank. Every pick carries why it was chosen and every
exclusion which rule excluded whom.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

SAME_COUNCIL = "same_council"
TIER = "tier"
NEIGHBOUR = "neighbour"
OFFERED_DAYS = "offered_days"
AVAILABILITY = "availability"
PARTY = "political_balance"
ROLE = "role"

RULE_LABELS = {
    SAME_COUNCIL: "From the host council",
    TIER: "From the host's upper or lower tier",
    NEIGHBOUR: "From one of the host's nearest neighbours",
    OFFERED_DAYS: "Would go over the days they offer this year",
    AVAILABILITY: "Not available in the challenge week",
    PARTY: "Their party is already on the team",
}


@dataclass(frozen=True)
class Candidate:
    """A peer as matching sees them."""

    id: int
    name: str
    roles: frozenset[str]
    organisation_id: int | None = None
    organisation_parent_id: int | None = None
    party: str = ""
    areas: frozenset[str] = frozenset()
    skills: frozenset[str] = frozenset()
    days_offered: int = 0
    days_committed: float = 0  # this programme year, on challenges they hold a place on
    windows: tuple[tuple[date, date], ...] = ()
    last_gave: date | None = None


@dataclass(frozen=True)
class Host:
    """The challenge as matching sees it."""

    council_id: int
    starts_on: date
    days: int
    parent_id: int | None = None  # its upper tier (county), for a district
    child_ids: frozenset[int] = frozenset()  # its lower tier (districts), for a county
    neighbour_ids: frozenset[int] = frozenset()
    focus_areas: frozenset[str] = frozenset()
    political_balance: bool = True

    @property
    def ends_on(self) -> date:
        return self.starts_on + timedelta(days=max(self.days, 1) - 1)


# The LGA's usual corporate team: 4-5 peers plus the challenge manager.
CORPORATE_SLOTS: tuple[str, ...] = (
    "lead_officer",
    "lead_member",
    "member",
    "senior_officer",
    "senior_officer",
    "challenge_manager",
)
MEMBER_SUPPORT_SLOTS: tuple[str, ...] = ("lead_member", "member")
SUBJECT_SLOTS: tuple[str, ...] = ("lead_officer", "senior_officer", "challenge_manager")
MEMBER_ROLES = frozenset({"lead_member", "member"})


@dataclass(frozen=True)
class Pick:
    role: str
    candidate: Candidate
    reasons: tuple[str, ...]


@dataclass
class Proposal:
    picks: list[Pick] = field(default_factory=list)
    unfilled: list[str] = field(default_factory=list)
    # rule -> [(candidate id, name, reason)] : each candidate under the first rule it failed
    exclusions: dict[str, list[tuple[int, str, str]]] = field(default_factory=dict)

    @property
    def ids(self) -> list[int]:
        return [pick.candidate.id for pick in self.picks]


def hard_rule_failures(
    candidate: Candidate, host: Host, *, parties_on_team: Iterable[str] = (), role: str = ""
) -> list[tuple[str, str]]:
    """The hard rules `candidate` breaks for `host`, each with the reason a person would read."""
    failures = []
    org = candidate.organisation_id
    if org is not None and org == host.council_id:
        failures.append((SAME_COUNCIL, "works for the host council"))
    elif org is not None and (
        org == host.parent_id or org in host.child_ids or candidate.organisation_parent_id == host.council_id
    ):
        failures.append((TIER, "works for the host's upper or lower tier council"))
    if org is not None and org in host.neighbour_ids:
        failures.append((NEIGHBOUR, "works for one of the host's nearest neighbours, which compete with it"))
    if candidate.days_committed + host.days > candidate.days_offered:
        failures.append(
            (
                OFFERED_DAYS,
                f"has {candidate.days_committed:g} of {candidate.days_offered} offered days committed; {host.days} more would go over",
            )
        )
    if not any(start <= host.starts_on and host.ends_on <= end for start, end in candidate.windows):
        failures.append((AVAILABILITY, f"is not available from {host.starts_on:%-d %B} to {host.ends_on:%-d %B %Y}"))
    if host.political_balance and role in MEMBER_ROLES and candidate.party and candidate.party in set(parties_on_team):
        failures.append((PARTY, f"their party ({candidate.party}) already has a member peer on the team"))
    return failures


def _fit(candidate: Candidate, host: Host) -> int:
    return len(candidate.areas & host.focus_areas) + len(candidate.skills & host.focus_areas)


def rank_key(candidate: Candidate, host: Host):
    """Best first: the best fit for the focus areas, then whoever gave least recently (never
    first), then the fewest days committed, then the id so that ties always break the same way."""
    return (-_fit(candidate, host), candidate.last_gave or date.min, candidate.days_committed, candidate.id)


def why_chosen(candidate: Candidate, host: Host, role_label: str) -> tuple[str, ...]:
    reasons = [f"can take the role of {role_label}"]
    areas = sorted(candidate.areas & host.focus_areas)
    if areas:
        reasons.append("peer areas match the focus: " + ", ".join(areas))
    skills = sorted(candidate.skills & host.focus_areas)
    if skills:
        reasons.append("skills match the focus: " + ", ".join(skills))
    reasons.append(f"available from {host.starts_on:%-d %B} to {host.ends_on:%-d %B %Y}")
    reasons.append(
        f"{candidate.days_offered - candidate.days_committed - host.days:g} offered days left this year after this challenge"
    )
    reasons.append(
        f"last gave on {candidate.last_gave:%-d %B %Y}" if candidate.last_gave else "has not yet been on a challenge"
    )
    if candidate.party:
        reasons.append(f"party: {candidate.party}")
    return tuple(reasons)


def best_for_role(
    role: str,
    host: Host,
    candidates: Sequence[Candidate],
    *,
    taken: Iterable[int] = (),
    parties_on_team: Iterable[str] = (),
    exclusions: dict | None = None,
    role_label: str = "",
) -> Pick | None:
    """The best candidate for one slot, or None. Candidates failing a hard rule are recorded in
    `exclusions` (under the first rule they break) when it is given."""
    taken = set(taken)
    parties = tuple(parties_on_team)
    eligible = []
    for candidate in candidates:
        if role not in candidate.roles or candidate.id in taken:
            continue
        failures = hard_rule_failures(candidate, host, parties_on_team=parties, role=role)
        if failures:
            if exclusions is not None:
                rule, reason = failures[0]
                entries = exclusions.setdefault(rule, [])
                if all(entry[0] != candidate.id for entry in entries):
                    entries.append((candidate.id, candidate.name, reason))
            continue
        eligible.append(candidate)
    if not eligible:
        return None
    chosen = min(eligible, key=lambda candidate: rank_key(candidate, host))
    return Pick(role=role, candidate=chosen, reasons=why_chosen(chosen, host, role_label or role.replace("_", " ")))


def propose_team(
    host: Host,
    candidates: Sequence[Candidate],
    *,
    slots: Sequence[str] = CORPORATE_SLOTS,
    keep: Sequence[Pick] = (),
    exclude: Iterable[int] = (),
    role_labels: dict[str, str] | None = None,
) -> Proposal:
    """A team for `host`: `keep` stays (an accepted peer, a swap the organiser made) and the
    other slots are filled best first; `exclude` never returns (a peer who declined)."""
    role_labels = role_labels or {}
    proposal = Proposal(picks=list(keep))
    remaining = list(slots)
    for pick in keep:
        if pick.role in remaining:
            remaining.remove(pick.role)
    taken = set(exclude) | {pick.candidate.id for pick in keep}
    for role in remaining:
        parties = [
            pick.candidate.party for pick in proposal.picks if pick.role in MEMBER_ROLES and pick.candidate.party
        ]
        pick = best_for_role(
            role,
            host,
            candidates,
            taken=taken,
            parties_on_team=parties,
            exclusions=proposal.exclusions,
            role_label=role_labels.get(role, ""),
        )
        if pick is None:
            proposal.unfilled.append(role)
            continue
        proposal.picks.append(pick)
        taken.add(pick.candidate.id)
    # A candidate excluded for a slot but picked for another is not "excluded".
    picked = set(proposal.ids)
    proposal.exclusions = {
        rule: [entry for entry in entries if entry[0] not in picked]
        for rule, entries in proposal.exclusions.items()
        if any(entry[0] not in picked for entry in entries)
    }
    return proposal
