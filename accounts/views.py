from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render

from accounts.forms import MembershipDecisionForm, ProfileForm
from accounts.roles import Role
from accounts.selectors import may_decide_memberships, membership_of, memberships_to_decide
from accounts.services import membership_decide, profile_ensure, profile_handle_ensure, profile_update
from home import extensions


@login_required
def account_overview(request):
    """The signed-in person's own account: who they are, where they work, account actions, and
    what each feature registers for them (home.extensions: links, panels, moderation queues)."""
    profile = profile_ensure(user=request.user)
    profile_handle_ensure(profile=profile)  # features link to the public profile
    role = Role(request.user.role)
    moderates_site = role in (Role.MODERATOR, Role.ADMINISTRATOR)
    return render(
        request,
        "accounts/account_overview.html",
        {
            "profile": profile,
            "membership": membership_of(request.user),
            "decides_memberships": may_decide_memberships(user=request.user),
            "role_label": role.label,
            "activity_links": extensions.account_links(request),
            "panels": extensions.account_panels(request),
            "moderation_links": extensions.moderation_links(request) if moderates_site else [],
        },
    )


@login_required
def profile_edit(request):
    """Edit your own profile and choose who sees each part of it."""
    profile = profile_ensure(user=request.user)
    profile_handle_ensure(profile=profile)
    if request.method == "POST":
        form = ProfileForm(request.POST, current=request.user.organisation)
        if form.is_valid():
            data = form.cleaned_data
            profile_update(
                user=request.user,
                first_name=data["first_name"],
                last_name=data["last_name"],
                organisation=data["organisation"],
                job_title=data["job_title"],
                sector=data["sector"],
                bio=data["bio"],
                skills=data["skills"],
                interests=data["interests"],
                peer_status=data["peer_status"],
                peer_areas=data["peer_areas"],
                availability=data["availability"],
                visibility={
                    key.removesuffix("_visibility"): value for key, value in data.items() if key.endswith("_visibility")
                },
            )
            messages.success(request, "Your profile has been updated")
            return redirect("search:person_detail", handle=profile.handle)
    else:
        form = ProfileForm(initial=ProfileForm.initial_for(profile), current=request.user.organisation)
    return render(request, "accounts/profile_form.html", {"form": form, "profile": profile})


@login_required
def membership_requests(request):
    """Requests to join the organisations the viewer administers (all, for a site administrator),
    each with approve and refuse buttons."""
    if not may_decide_memberships(user=request.user):
        raise PermissionDenied("Only an organisation's administrators can see requests to join it")
    pending = memberships_to_decide(user=request.user)
    if request.method == "POST":
        form = MembershipDecisionForm(request.POST)
        membership = pending.filter(pk=form.cleaned_data["membership"]).first() if form.is_valid() else None
        if membership is not None:
            approve = form.cleaned_data["decision"] == "approve"
            membership_decide(membership=membership, by=request.user, approve=approve)
            person = membership.user.get_full_name() or membership.user.email
            verb = "approved" if approve else "refused"
            messages.success(request, f"You {verb} {person}'s request to join {membership.organisation.name}")
            return redirect("accounts:membership_requests")
        messages.error(request, "That request has already been decided or is not yours to decide")
    return render(request, "accounts/membership_requests.html", {"pending": pending})
