from allauth.account.adapter import DefaultAccountAdapter

from accounts.services import profile_ensure


class AccountAdapter(DefaultAccountAdapter):
    """Fills in the Hub's own sign-up fields and gives every new account a profile."""

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        data = form.cleaned_data
        user.organisation = data.get("organisation")
        if commit:
            user.save()
            profile = profile_ensure(user=user)
            if data.get("job_title"):
                profile.job_title = data["job_title"]
                profile.save(update_fields=["job_title"])
        return user
