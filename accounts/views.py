from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from accounts.forms import ProfileForm
from accounts.roles import Role
from accounts.services import profile_ensure, profile_handle_ensure, profile_update
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
        form = ProfileForm(request.POST)
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
        form = ProfileForm(initial=ProfileForm.initial_for(profile))
    return render(request, "accounts/profile_form.html", {"form": form, "profile": profile})
