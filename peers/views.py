"""Peer programme pages: thin views over peers.selectors and peers.services.

A challenge, its team and its unpublished report are private to the organisers and the
parties: anyone else gets 404, as if it did not exist, so its existence is not disclosed.
"""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.models import PeerArea
from accounts.selectors import verified_organisation
from peers import calendars, selectors, services
from peers.forms import BookingForm, DaysForm, DecisionForm, PeerRecordForm, ReportForm, SwapForm, WindowForm
from peers.models import (
    CORE_COMPONENTS,
    ChallengeKind,
    ChallengeStatus,
    MembershipStatus,
    PeerRecord,
    TeamMembership,
    TimelineStep,
)
from peers.roles import is_peer_organiser
from peers.services import PeersError

BOOKING_SESSION_KEY = "peers_booking"


def _week_choices() -> list[tuple[str, str]]:
    return [(week.starts_on.isoformat(), week.label) for week in selectors.bookable_weeks()]


def _require_organiser(request) -> None:
    if not is_peer_organiser(request.user):
        raise PermissionDenied


def _visible_challenge(request, pk: int):
    challenge = selectors.challenge_get(pk)
    if challenge is None or not selectors.can_see_challenge(request.user, challenge):
        raise Http404
    return challenge


def overview(request):
    """What the programme is, and for someone signed in, their part in it."""
    user = request.user
    if not user.is_authenticated:
        return render(request, "peers/overview.html", {})
    council = verified_organisation(user)
    context = {
        "council": council,
        "can_book": council is not None and council.is_council,
        "record": selectors.record_for(user),
        "challenges": selectors.challenges_for_user(user),
        "invitations": selectors.invitations_for(user),
        "notices": selectors.notices_for(user),
        "organiser": is_peer_organiser(user),
    }
    services.notices_mark_read(user=user)
    return render(request, "peers/overview.html", context)


@login_required
def record_edit(request):
    record = selectors.record_for(request.user)
    if request.method == "POST":
        form = PeerRecordForm(request.POST)
        if form.is_valid():
            services.peer_record_save(user=request.user, **form.cleaned_data)
            messages.success(request, "Your peer record is saved")
            return redirect("peers:record")
    else:
        initial = {}
        if record is not None:
            initial = {
                "kind": record.kind,
                "roles": record.roles,
                "party": record.party,
                "days_offered": record.days_offered,
                "public": record.public,
            }
        form = PeerRecordForm(initial=initial)
    return render(request, "peers/record.html", {"form": form, "record": record, "window_form": WindowForm()})


@login_required
@require_POST
def window_add(request):
    record = selectors.record_for(request.user)
    if record is None:
        raise Http404
    form = WindowForm(request.POST)
    if form.is_valid():
        try:
            services.availability_window_add(record=record, **form.cleaned_data)
        except PeersError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Your availability is saved")
            return redirect("peers:record")
    return render(
        request,
        "peers/record.html",
        {
            "form": PeerRecordForm(initial={"kind": record.kind, "roles": record.roles}),
            "record": record,
            "window_form": form,
        },
    )


@login_required
@require_POST
def window_remove(request, window_id: int):
    record = selectors.record_for(request.user)
    if record is None:
        raise Http404
    services.availability_window_remove(record=record, window_id=window_id)
    return redirect("peers:record")


@login_required
def book(request):
    council = verified_organisation(request.user)
    if council is None or not council.is_council:
        return render(request, "peers/book_not_allowed.html", status=403)
    weeks = _week_choices()
    if request.method == "POST":
        form = BookingForm(request.POST, weeks=weeks)
        if form.is_valid():
            data = dict(form.cleaned_data)
            data["week"] = data["week"].isoformat()
            request.session[BOOKING_SESSION_KEY] = data
            return redirect("peers:book_check")
    else:
        form = BookingForm(initial=request.session.get(BOOKING_SESSION_KEY), weeks=weeks)
    return render(request, "peers/book.html", {"form": form, "council": council, "core_components": CORE_COMPONENTS})


@login_required
def book_check(request):
    """GOV.UK "check your answers" before the request is sent."""
    data = request.session.get(BOOKING_SESSION_KEY)
    council = verified_organisation(request.user)
    if not data or council is None:
        return redirect("peers:book")
    if request.method == "POST":
        try:
            challenge = services.challenge_request(
                user=request.user,
                kind=data["kind"],
                week_starts_on=date.fromisoformat(data["week"]),
                focus_areas=data["focus_areas"],
                contact_name=data["contact_name"],
                contact_email=data["contact_email"],
                days_on_site=data["days_on_site"],
            )
        except PeersError as error:
            messages.error(request, str(error))
            return redirect("peers:book")
        del request.session[BOOKING_SESSION_KEY]
        messages.success(request, "Your request is sent: the peer programme will confirm it")
        return redirect("peers:challenge", pk=challenge.pk)
    areas = dict(PeerArea.choices)
    return render(
        request,
        "peers/book_check.html",
        {
            "data": data,
            "council": council,
            "kind_label": dict(ChallengeKind.choices).get(data["kind"], ""),
            "week": date.fromisoformat(data["week"]),
            "focus_labels": [areas.get(key, key) for key in data["focus_areas"]],
        },
    )


def _detail_context(request, challenge, **forms):
    user = request.user
    organiser = is_peer_organiser(user)
    team = list(selectors.challenge_team(challenge))
    council = verified_organisation(user)
    areas = dict(PeerArea.choices)
    weeks = _week_choices() if organiser else []
    return {
        "challenge": challenge,
        "organiser": organiser,
        "is_council": council is not None and council.pk == challenge.council_id,
        "team": [
            m
            for m in team
            if m.status in (MembershipStatus.PROPOSED, MembershipStatus.INVITED, MembershipStatus.ACCEPTED)
        ],
        "former": [m for m in team if m.status in (MembershipStatus.DECLINED, MembershipStatus.REMOVED)],
        "mine": [m for m in team if m.peer.user_id == user.pk],
        "steps": list(challenge.steps.all()),
        "focus_labels": [areas.get(key, key) for key in challenge.focus_areas],
        "core_components": CORE_COMPONENTS,
        "decision_form": forms.get("decision_form") or DecisionForm(weeks=weeks),
        "report_form": forms.get("report_form") or ReportForm(initial={"report": challenge.report}),
        "days_form": DaysForm(),
        "free_days_left": selectors.free_days_left(challenge)
        if challenge.kind == ChallengeKind.MEMBER_SUPPORT
        else None,
        "can_match": organiser and challenge.status in (ChallengeStatus.CONFIRMED, ChallengeStatus.IN_PROGRESS),
        "has_proposed": any(m.status == MembershipStatus.PROPOSED for m in team),
        "today": date.today(),
    }


@login_required
def challenge_detail(request, pk: int):
    challenge = _visible_challenge(request, pk)
    return render(request, "peers/challenge.html", _detail_context(request, challenge))


@login_required
@require_POST
def challenge_decide(request, pk: int):
    _require_organiser(request)
    challenge = _visible_challenge(request, pk)
    form = DecisionForm(request.POST, weeks=_week_choices())
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["decision"] == "confirm":
                services.challenge_confirm(organiser=request.user, challenge=challenge)
            elif data["decision"] == "move":
                services.challenge_move(
                    organiser=request.user,
                    challenge=challenge,
                    week_starts_on=date.fromisoformat(data["week"]),
                    reason=data["reason"],
                )
            else:
                services.challenge_decline(organiser=request.user, challenge=challenge, reason=data["reason"])
        except PeersError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Your decision is recorded and the council is told")
            return redirect("peers:challenge", pk=challenge.pk)
    context = _detail_context(request, challenge, decision_form=form)
    return render(request, "peers/challenge.html", context, status=400)


def _run(request, challenge, action, success: str):
    try:
        action()
    except PeersError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, success)
    return redirect("peers:challenge", pk=challenge.pk)


@login_required
@require_POST
def team_propose(request, pk: int):
    _require_organiser(request)
    challenge = _visible_challenge(request, pk)
    return _run(
        request,
        challenge,
        lambda: services.team_propose(organiser=request.user, challenge=challenge),
        "A team is proposed: check it, swap anyone, then send the invitations",
    )


@login_required
@require_POST
def team_invite(request, pk: int):
    _require_organiser(request)
    challenge = _visible_challenge(request, pk)
    return _run(
        request,
        challenge,
        lambda: services.team_invite(organiser=request.user, challenge=challenge),
        "The invitations are sent",
    )


def _membership(challenge, membership_id: int) -> TeamMembership:
    return get_object_or_404(
        TeamMembership.objects.select_related("peer__user", "challenge"), pk=membership_id, challenge=challenge
    )


@login_required
def team_swap(request, pk: int, membership_id: int):
    _require_organiser(request)
    challenge = _visible_challenge(request, pk)
    membership = _membership(challenge, membership_id)
    form = SwapForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        peer = PeerRecord.objects.filter(pk=form.cleaned_data["peer"]).first()
        if peer is None:
            form.add_error("peer", "There is no peer record with that number")
        else:
            try:
                services.team_swap(organiser=request.user, membership=membership, peer=peer)
            except PeersError as error:
                form.add_error("peer", str(error))
            else:
                messages.success(request, "The team is changed")
                return redirect("peers:challenge", pk=challenge.pk)
    alternatives = selectors.swap_alternatives(challenge, membership)
    return render(
        request,
        "peers/swap.html",
        {"challenge": challenge, "membership": membership, "form": form, "alternatives": alternatives},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def invitation_respond(request, pk: int, membership_id: int):
    challenge = _visible_challenge(request, pk)
    membership = _membership(challenge, membership_id)
    if membership.peer.user_id != request.user.pk:
        raise Http404
    accept = request.POST.get("answer") == "accept"
    return _run(
        request,
        challenge,
        lambda: services.invitation_respond(user=request.user, membership=membership, accept=accept),
        "Thank you: you are on the team" if accept else "Thank you for letting us know",
    )


@login_required
@require_POST
def days_record(request, pk: int, membership_id: int):
    challenge = _visible_challenge(request, pk)
    membership = _membership(challenge, membership_id)
    form = DaysForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Enter the days you gave as a number, for example 2.5")
        return redirect("peers:challenge", pk=challenge.pk)
    return _run(
        request,
        challenge,
        lambda: services.days_record(user=request.user, membership=membership, days=form.cleaned_data["days"]),
        "Your days are recorded",
    )


@login_required
@require_POST
def step_done(request, pk: int, step_id: int):
    challenge = _visible_challenge(request, pk)
    step = get_object_or_404(TimelineStep, pk=step_id, challenge=challenge)

    def complete():
        services.step_complete(user=request.user, step=step)

    try:
        return _run(request, challenge, complete, f"{step.get_kind_display()} is marked done")
    except PermissionDenied:
        raise Http404 from None


def report(request, pk: int):
    """The published report is public; the organisers publish it from here."""
    challenge = selectors.challenge_get(pk)
    if challenge is None or not selectors.can_see_report(request.user, challenge):
        raise Http404
    if request.method == "POST":
        _require_organiser(request)
        form = ReportForm(request.POST)
        if form.is_valid():
            try:
                services.report_publish(organiser=request.user, challenge=challenge, report=form.cleaned_data["report"])
            except PeersError as error:
                form.add_error("report", str(error))
            else:
                messages.success(request, "The report is published")
                return redirect("peers:report", pk=challenge.pk)
        return render(
            request, "peers/challenge.html", _detail_context(request, challenge, report_form=form), status=400
        )
    return render(request, "peers/report.html", {"challenge": challenge})


@login_required
def programme(request):
    _require_organiser(request)
    return render(request, "peers/programme.html", {"programme": selectors.programme_overview()})


@login_required
def overdue(request):
    _require_organiser(request)
    return render(request, "peers/overdue.html", {"steps": selectors.overdue_steps()})


def _ics(body: bytes, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{name}.ics"'
    response["Cache-Control"] = "private, no-store"
    return response


def person_calendar(request, token: str):
    """A peer's challenges as an ICS feed, for Outlook: private by its token, which only the
    peer's own record page shows. No sign-in (calendar clients have none)."""
    record = selectors.record_by_token(token)
    if record is None:
        raise Http404
    return _ics(calendars.person_feed(record), "peer-challenges")


def challenge_calendar(request, token: str):
    challenge = selectors.challenge_by_token(token)
    if challenge is None:
        raise Http404
    return _ics(calendars.challenge_feed(challenge), "peer-challenge")
