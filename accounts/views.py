from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from accounts.roles import Role
from accounts.services import profile_ensure


@login_required
def account_overview(request):
    """The signed-in person's own account: who they are, where they work, account actions."""
    profile = profile_ensure(user=request.user)
    return render(
        request,
        "accounts/account_overview.html",
        {"profile": profile, "role_label": Role(request.user.role).label},
    )
