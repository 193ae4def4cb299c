"""Every write of the peer programme: records, bookings, decisions, teams, timelines, reports.

Notices are written in the same transaction as the change they announce; their emails are sent
after it commits (`transaction.on_commit`), so a rolled-back change is never announced and each
person hears of a change once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import OrganisationKind
from accounts.selectors import verified_organisation
from benchmarking.selectors import nearest_neighbours
from peers import matching, selectors
from peers.models import (
    ACTIVE_STATUSES,
    DEFAULT_STEP_OFFSETS,
    HOLDING_STATUSES,
    MAX_DAYS_ON_SITE,
    MEMBER_SUPPORT_FREE_DAYS,
    AvailabilityWindow,
    Challenge,
    ChallengeKind,
    ChallengeStatus,
    MembershipStatus,
    Notice,
    PeerRecord,
    ProgrammeWeek,
    StepKind,
    TeamMembership,
    TeamRole,
    TimelineStep,
    programme_end,
    programme_start,
)
from peers.roles import PEER_PROGRAMME_GROUP, is_peer_organiser


class PeersError(Exception):
    """A request the programme refuses, with the reason the person is shown."""


# --- Notices ----------------------------------------------------------------------------------


def organisers():
    return get_user_model().objects.filter(groups__name=PEER_PROGRAMME_GROUP, is_active=True).distinct()


def notify(*, challenge: Challenge, text: str, recipients: Iterable, emails: Iterable[str] = ()) -> None:
    """A notice for each recipient (once each, however often they are named) and one email to
    each distinct address, sent after the transaction commits."""
    people = {person.pk: person for person in recipients if person is not None}
    Notice.objects.bulk_create(
        [Notice(recipient=person, challenge=challenge, text=text[:300]) for person in people.values()]
    )
    addresses = {person.email.lower() for person in people.values() if person.email}
    addresses |= {address.lower() for address in emails if address}
    url = settings.SITE_URL.rstrip("/") + reverse("peers:challenge", args=[challenge.pk])
    subject = f"Peer challenge: {challenge.council}"
    body = render_to_string("peers/email/notice.txt", {"text": text, "url": url, "challenge": challenge})

    def send():
        for address in sorted(addresses):
            send_mail(subject, body, None, [address])

    transaction.on_commit(send)


def _parties(challenge: Challenge) -> list:
    return [challenge.requested_by]


def _require_organiser(user) -> None:
    if not is_peer_organiser(user):
        raise PermissionDenied("Only the peer programme's organisers can do this")


# --- The peer record ----------------------------------------------------------------------------


@transaction.atomic
def peer_record_save(*, user, kind: str, roles: list[str], party: str, days_offered: int, public: bool) -> PeerRecord:
    record, _ = PeerRecord.objects.get_or_create(user=user, defaults={"kind": kind})
    record.kind = kind
    record.roles = [role for role in TeamRole.values if role in roles]
    # Only councillors have a party on the team.
    record.party = party if set(record.roles) & {TeamRole.LEAD_MEMBER, TeamRole.MEMBER} else ""
    record.days_offered = days_offered
    record.public = public
    record.save()
    return record


@transaction.atomic
def availability_window_add(*, record: PeerRecord, starts_on: date, ends_on: date) -> AvailabilityWindow:
    if ends_on < starts_on:
        raise PeersError("The end of the window must be on or after its start")
    if starts_on < programme_start() or ends_on > programme_end():
        raise PeersError(
            f"Windows must fall within the programme, {programme_start():%-d %B %Y} to {programme_end():%-d %B %Y}"
        )
    return AvailabilityWindow.objects.create(record=record, starts_on=starts_on, ends_on=ends_on)


@transaction.atomic
def availability_window_remove(*, record: PeerRecord, window_id: int) -> None:
    AvailabilityWindow.objects.filter(record=record, pk=window_id).delete()


# --- Booking ----------------------------------------------------------------------------------


def _locked_week(starts_on: date) -> ProgrammeWeek:
    ProgrammeWeek.objects.get_or_create(starts_on=starts_on)
    return ProgrammeWeek.objects.select_for_update().get(starts_on=starts_on)


def _check_place(week: ProgrammeWeek, *, moving: Challenge | None = None) -> None:
    held = Challenge.objects.filter(week=week, status__in=ACTIVE_STATUSES)
    if moving is not None:
        held = held.exclude(pk=moving.pk)
    if held.count() >= week.capacity:
        raise PeersError(
            f"The week of {week.starts_on:%-d %B %Y} is full: it already holds {week.capacity} "
            f"challenge{'s' if week.capacity != 1 else ''}, all it can take. Choose another week."
        )


def _check_week(starts_on: date) -> None:
    if starts_on.weekday() != 0:
        raise PeersError("A challenge week starts on a Monday")
    if not programme_start() <= starts_on <= programme_end():
        raise PeersError(
            f"Choose a week within the programme, {programme_start():%-d %B %Y} to {programme_end():%-d %B %Y}"
        )


@transaction.atomic
def challenge_request(
    *,
    user,
    kind: str,
    week_starts_on: date,
    focus_areas: list[str],
    contact_name: str,
    contact_email: str,
    days_on_site: int = MAX_DAYS_ON_SITE,
) -> Challenge:
    """A council books a week. Refused, with the reason, when the person cannot book for a
    council, the week is outside the programme or full, or member support asks for more than its
    free days."""
    council = verified_organisation(user)
    if council is None or council.kind != OrganisationKind.COUNCIL:
        raise PeersError("Only people verified as working for a council can book a peer challenge for it")
    _check_week(week_starts_on)
    if kind == ChallengeKind.MEMBER_SUPPORT:
        if days_on_site > MEMBER_SUPPORT_FREE_DAYS:
            raise PeersError(
                f"Member peer support after a change of control is up to {MEMBER_SUPPORT_FREE_DAYS} free days; "
                f"you asked for {days_on_site}"
            )
        free_days = MEMBER_SUPPORT_FREE_DAYS
    else:
        if days_on_site > MAX_DAYS_ON_SITE:
            raise PeersError(f"A challenge is up to {MAX_DAYS_ON_SITE} days on site")
        free_days = 0
    if days_on_site < 1:
        raise PeersError("A challenge needs at least one day")
    week = _locked_week(week_starts_on)
    _check_place(week)
    challenge = Challenge.objects.create(
        council=council,
        kind=kind,
        week=week,
        days_on_site=days_on_site,
        focus_areas=list(focus_areas),
        contact_name=contact_name,
        contact_email=contact_email,
        requested_by=user,
        free_days=free_days,
    )
    notify(
        challenge=challenge,
        text=f"{council} requested a {challenge.get_kind_display().lower()} for the week of {week.starts_on:%-d %B %Y}",
        recipients=[*organisers(), user],
        emails=[contact_email],
    )
    return challenge


def _steps_ensure(challenge: Challenge) -> None:
    """The timeline with the LGA's default intervals from the first day on site; steps already
    done keep their dates, the others move with the challenge."""
    existing = {step.kind: step for step in challenge.steps.all()}
    for kind, offset in DEFAULT_STEP_OFFSETS.items():
        due = challenge.starts_on + timedelta(days=offset)
        step = existing.get(kind)
        if step is None:
            TimelineStep.objects.create(challenge=challenge, kind=kind, due_on=due)
        elif step.done_at is None and step.due_on != due:
            step.due_on = due
            step.save(update_fields=["due_on"])


def _locked(challenge: Challenge) -> Challenge:
    return (
        Challenge.objects.select_for_update(of=("self",))
        .select_related("week", "council", "requested_by")
        .get(pk=challenge.pk)
    )


@transaction.atomic
def challenge_confirm(*, organiser, challenge: Challenge) -> Challenge:
    _require_organiser(organiser)
    challenge = _locked(challenge)
    if challenge.status != ChallengeStatus.REQUESTED:
        raise PeersError(f"This challenge is {challenge.get_status_display().lower()}, not awaiting a decision")
    challenge.status = ChallengeStatus.CONFIRMED
    challenge.decision_reason = ""
    challenge.save(update_fields=["status", "decision_reason", "updated_at"])
    _steps_ensure(challenge)
    notify(
        challenge=challenge,
        text=f"Your {challenge.get_kind_display().lower()} in the week of {challenge.starts_on:%-d %B %Y} is confirmed",
        recipients=_parties(challenge),
        emails=[challenge.contact_email],
    )
    return challenge


@transaction.atomic
def challenge_move(*, organiser, challenge: Challenge, week_starts_on: date, reason: str) -> Challenge:
    _require_organiser(organiser)
    if not reason.strip():
        raise PeersError("Say why the challenge moves")
    challenge = _locked(challenge)
    if challenge.status not in (ChallengeStatus.REQUESTED, ChallengeStatus.CONFIRMED):
        raise PeersError(f"A {challenge.get_status_display().lower()} challenge cannot move")
    _check_week(week_starts_on)
    week = _locked_week(week_starts_on)
    _check_place(week, moving=challenge)
    challenge.week = week
    challenge.decision_reason = reason
    challenge.save(update_fields=["week", "decision_reason", "updated_at"])
    if challenge.status == ChallengeStatus.CONFIRMED:
        _steps_ensure(challenge)
    notify(
        challenge=challenge,
        text=f"Your peer challenge moved to the week of {week.starts_on:%-d %B %Y}: {reason}",
        recipients=[
            *_parties(challenge),
            *[m.peer.user for m in challenge.team.filter(status__in=HOLDING_STATUSES).select_related("peer__user")],
        ],
        emails=[challenge.contact_email],
    )
    return challenge


@transaction.atomic
def challenge_decline(*, organiser, challenge: Challenge, reason: str) -> Challenge:
    _require_organiser(organiser)
    if not reason.strip():
        raise PeersError("Say why the request is declined")
    challenge = _locked(challenge)
    if challenge.status != ChallengeStatus.REQUESTED:
        raise PeersError(f"This challenge is {challenge.get_status_display().lower()}, not awaiting a decision")
    challenge.status = ChallengeStatus.DECLINED
    challenge.decision_reason = reason
    challenge.save(update_fields=["status", "decision_reason", "updated_at"])
    notify(
        challenge=challenge,
        text=f"Your request for the week of {challenge.starts_on:%-d %B %Y} was declined: {reason}",
        recipients=_parties(challenge),
        emails=[challenge.contact_email],
    )
    return challenge


# --- Teams ------------------------------------------------------------------------------------


def _pick_of(membership: TeamMembership, candidates: dict[int, matching.Candidate]) -> matching.Pick | None:
    candidate = candidates.get(membership.peer_id)
    if candidate is None:
        return None
    return matching.Pick(role=membership.role, candidate=candidate, reasons=tuple(membership.reason.split("; ")))


def _exclusions_json(proposal: matching.Proposal) -> dict:
    return {
        rule: {
            "label": matching.RULE_LABELS.get(rule, rule),
            "peers": [[pk, name, reason] for pk, name, reason in entries],
        }
        for rule, entries in proposal.exclusions.items()
    }


def _fill(challenge: Challenge, *, neighbours: Callable) -> matching.Proposal:
    """Propose peers for every slot not held, keeping those who hold one and never returning to
    anyone who declined or was removed."""
    candidates = {c.id: c for c in selectors.candidates_for(challenge)}
    holding = list(challenge.team.filter(status__in=HOLDING_STATUSES))
    keep = [pick for pick in (_pick_of(m, candidates) for m in holding) if pick is not None]
    gone = challenge.team.exclude(status__in=HOLDING_STATUSES).values_list("peer_id", flat=True)
    proposal = matching.propose_team(
        selectors.host_for(challenge, neighbours=neighbours),
        list(candidates.values()),
        slots=selectors.slots_for(challenge),
        keep=keep,
        exclude=gone,
        role_labels={role: label.lower() for role, label in TeamRole.choices},
    )
    kept = {pick.candidate.id for pick in keep}
    TeamMembership.objects.bulk_create(
        [
            TeamMembership(
                challenge=challenge, peer_id=pick.candidate.id, role=pick.role, reason="; ".join(pick.reasons)
            )
            for pick in proposal.picks
            if pick.candidate.id not in kept
        ]
    )
    challenge.match_exclusions = _exclusions_json(proposal)
    challenge.save(update_fields=["match_exclusions", "updated_at"])
    return proposal


@transaction.atomic
def team_propose(*, organiser, challenge: Challenge, neighbours: Callable = nearest_neighbours) -> matching.Proposal:
    """Propose a team afresh: proposals not yet sent are replaced; invited and accepted peers stay."""
    _require_organiser(organiser)
    challenge = _locked(challenge)
    if challenge.status not in (ChallengeStatus.CONFIRMED, ChallengeStatus.IN_PROGRESS):
        raise PeersError("A team is matched once the challenge is confirmed")
    challenge.team.filter(status=MembershipStatus.PROPOSED).delete()
    return _fill(challenge, neighbours=neighbours)


@transaction.atomic
def team_swap(
    *, organiser, membership: TeamMembership, peer: PeerRecord, neighbours: Callable = nearest_neighbours
) -> TeamMembership:
    """The organiser puts `peer` in `membership`'s place. The hard rules still hold: a swap that
    breaks one is refused with the rule."""
    _require_organiser(organiser)
    challenge = _locked(membership.challenge)
    candidates = {c.id: c for c in selectors.candidates_for(challenge)}
    candidate = candidates.get(peer.pk)
    if candidate is None:
        raise PeersError("That person is not an accredited peer")
    if membership.role not in candidate.roles:
        raise PeersError(f"{candidate.name} cannot take the role of {membership.get_role_display().lower()}")
    if challenge.team.filter(peer=peer, status__in=HOLDING_STATUSES).exists():
        raise PeersError(f"{candidate.name} is already on this team")
    others = challenge.team.filter(status__in=HOLDING_STATUSES, role__in=matching.MEMBER_ROLES).exclude(
        pk=membership.pk
    )
    parties = [candidates[m.peer_id].party for m in others if m.peer_id in candidates]
    host = selectors.host_for(challenge, neighbours=neighbours)
    failures = matching.hard_rule_failures(candidate, host, parties_on_team=parties, role=membership.role)
    if failures:
        raise PeersError(f"{candidate.name} cannot be on this team: " + "; ".join(reason for _rule, reason in failures))
    previous = TeamMembership.objects.select_for_update().get(pk=membership.pk)
    invited = previous.status != MembershipStatus.PROPOSED
    previous.status = MembershipStatus.REMOVED
    previous.save(update_fields=["status"])
    pick = matching.Pick(
        role=membership.role,
        candidate=candidate,
        reasons=(
            "chosen by the organiser",
            *matching.why_chosen(candidate, host, membership.get_role_display().lower())[1:],
        ),
    )
    swapped = TeamMembership.objects.create(
        challenge=challenge,
        peer=peer,
        role=membership.role,
        reason="; ".join(pick.reasons),
        status=MembershipStatus.INVITED if invited else MembershipStatus.PROPOSED,
    )
    if invited:
        notify(
            challenge=challenge,
            text=f"You are invited to join the peer team for {challenge.council} as {swapped.get_role_display().lower()}",
            recipients=[peer.user],
        )
        notify(
            challenge=challenge,
            text=f"You are no longer on the peer team for {challenge.council}",
            recipients=[previous.peer.user],
        )
    return swapped


@transaction.atomic
def team_invite(*, organiser, challenge: Challenge) -> int:
    """Send the proposed peers their invitations."""
    _require_organiser(organiser)
    challenge = _locked(challenge)
    proposed = list(challenge.team.filter(status=MembershipStatus.PROPOSED).select_related("peer__user"))
    for membership in proposed:
        membership.status = MembershipStatus.INVITED
        membership.save(update_fields=["status"])
        notify(
            challenge=challenge,
            text=(
                f"You are invited to join the peer team for {challenge.council} as {membership.get_role_display().lower()}, "
                f"week of {challenge.starts_on:%-d %B %Y}"
            ),
            recipients=[membership.peer.user],
        )
    return len(proposed)


@transaction.atomic
def invitation_respond(
    *, user, membership: TeamMembership, accept: bool, neighbours: Callable = nearest_neighbours
) -> TeamMembership | None:
    """The peer accepts or declines. A decline proposes and invites the next best peer for the
    same role at once, and the organisers hear of both. Returns the replacement, if any."""
    membership = (
        TeamMembership.objects.select_for_update(of=("self",))
        .select_related("peer__user", "challenge")
        .get(pk=membership.pk)
    )
    if membership.peer.user_id != user.pk:
        raise PermissionDenied("This invitation is someone else's")
    if membership.status != MembershipStatus.INVITED:
        raise PeersError("You have already answered this invitation")
    challenge = _locked(membership.challenge)
    membership.status = MembershipStatus.ACCEPTED if accept else MembershipStatus.DECLINED
    membership.responded_at = timezone.now()
    membership.save(update_fields=["status", "responded_at"])
    name = user.get_full_name() or "A peer"
    replacement = None
    if not accept:
        _fill(challenge, neighbours=neighbours)
        replacement = (
            challenge.team.filter(status=MembershipStatus.PROPOSED, role=membership.role)
            .select_related("peer__user")
            .first()
        )
        if replacement is not None:
            replacement.status = MembershipStatus.INVITED
            replacement.save(update_fields=["status"])
            notify(
                challenge=challenge,
                text=f"You are invited to join the peer team for {challenge.council} as {replacement.get_role_display().lower()}, week of {challenge.starts_on:%-d %B %Y}",
                recipients=[replacement.peer.user],
            )
    verb = "accepted" if accept else "declined"
    follow = ""
    if not accept:
        follow = (
            f"; {replacement.peer.user.get_full_name()} is invited in their place"
            if replacement
            else "; no other peer meets the rules"
        )
    notify(
        challenge=challenge,
        text=f"{name} {verb} the invitation to {challenge.council}'s team{follow}",
        recipients=organisers(),
    )
    return replacement


def _days(days: Decimal) -> str:
    """2.5 as "2.5" and 2.0 as "2"."""
    return f"{days.normalize():f}"


@transaction.atomic
def days_record(*, user, membership: TeamMembership, days: Decimal) -> TeamMembership:
    """A peer records the days they gave. Member peer support cannot use more than its free days."""
    membership = TeamMembership.objects.select_for_update(of=("self",)).select_related("peer").get(pk=membership.pk)
    if membership.peer.user_id != user.pk and not is_peer_organiser(user):
        raise PermissionDenied("Only the peer or an organiser records these days")
    if membership.status != MembershipStatus.ACCEPTED:
        raise PeersError("Days are recorded for a place on the team that was accepted")
    if days < 0:
        raise PeersError("Days given cannot be negative")
    challenge = _locked(membership.challenge)
    if challenge.kind == ChallengeKind.MEMBER_SUPPORT:
        others = sum((m.days_given for m in challenge.team.exclude(pk=membership.pk)), Decimal(0))
        if others + days > challenge.free_days:
            left = challenge.free_days - others
            raise PeersError(
                f"That would make {_days(others + days)} days of member peer support; the free allowance is "
                f"{challenge.free_days} days, with {_days(left)} left"
            )
    membership.days_given = days
    membership.save(update_fields=["days_given"])
    return membership


@transaction.atomic
def feedback_give(*, organiser, membership: TeamMembership, feedback: str) -> TeamMembership:
    """Feedback on a peer's contribution, which today they never get."""
    _require_organiser(organiser)
    membership.feedback = feedback
    membership.save(update_fields=["feedback"])
    notify(
        challenge=membership.challenge,
        text=f"Feedback on your contribution to {membership.challenge.council}'s challenge",
        recipients=[membership.peer.user],
    )
    return membership


# --- The challenge's life ---------------------------------------------------------------------


@transaction.atomic
def step_complete(*, user, step: TimelineStep) -> TimelineStep:
    """Organisers and the council mark a step done. Scoping starts the challenge's life; the
    days on site complete it."""
    challenge = _locked(step.challenge)
    council = verified_organisation(user)
    if not (is_peer_organiser(user) or (council is not None and council.pk == challenge.council_id)):
        raise PermissionDenied("Only the organisers and the council mark steps done")
    if challenge.status not in (ChallengeStatus.CONFIRMED, ChallengeStatus.IN_PROGRESS, ChallengeStatus.COMPLETED):
        raise PeersError("Steps are marked done once the challenge is confirmed")
    step = TimelineStep.objects.select_for_update().get(pk=step.pk)
    if step.done_at is None:
        step.done_at = timezone.now()
        step.save(update_fields=["done_at"])
    status = challenge.status
    if step.kind == StepKind.ON_SITE:
        status = ChallengeStatus.COMPLETED
    elif challenge.status == ChallengeStatus.CONFIRMED:
        status = ChallengeStatus.IN_PROGRESS
    if status != challenge.status:
        challenge.status = status
        challenge.save(update_fields=["status", "updated_at"])
    return step


@transaction.atomic
def report_publish(*, organiser, challenge: Challenge, report: str) -> Challenge:
    """Publish the challenge's report: from then on anyone can read it."""
    _require_organiser(organiser)
    if not report.strip():
        raise PeersError("Write the report before publishing it")
    challenge = _locked(challenge)
    challenge.report = report
    first = challenge.report_published_at is None
    challenge.report_published_at = challenge.report_published_at or timezone.now()
    challenge.save(update_fields=["report", "report_published_at", "updated_at"])
    step = challenge.steps.filter(kind=StepKind.REPORT, done_at__isnull=True).first()
    if step is not None:
        step.done_at = timezone.now()
        step.save(update_fields=["done_at"])
    if first:
        team = [
            m.peer.user for m in challenge.team.filter(status=MembershipStatus.ACCEPTED).select_related("peer__user")
        ]
        notify(
            challenge=challenge,
            text=f"The report of {challenge.council}'s peer challenge is published",
            recipients=[*_parties(challenge), *team],
            emails=[challenge.contact_email],
        )
    return challenge


@transaction.atomic
def notices_mark_read(*, user) -> int:
    return Notice.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())
