from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.core.ratelimit import respond_429

from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.services import profile_ensure
from home.links import absolute_url, site_url


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

    def send_mail(self, template_prefix, email, context):
        """Every link in allauth's emails points to SITE_URL, never to the request's host.

        allauth builds its links (confirmation, password reset, sign-up) from the request, which
        behind a proxy or in a worker is not the public address; they are re-based here, the one
        place all its emails pass through. ``site_url`` and ``password_reset_url`` are for the
        templates in templates/account/email/.
        """
        context = {
            key: absolute_url(value) if isinstance(value, str) and value.startswith(("http://", "https://")) else value
            for key, value in context.items()
        }
        context.setdefault("password_reset_url", absolute_url(reverse("account_reset_password")))
        context["site_url"] = site_url()
        return super().send_mail(template_prefix, email, context)

    def pre_authenticate(self, request, **credentials):
        """Too many failed sign-ins answer 429 with the site's 429 page, not a form error.

        allauth reports the login_failed limit as an error on the form, answered 200, which
        clients, monitoring and the person guessing all read as "try another password".
        ImmediateHttpResponse is allauth's own way to answer from inside a flow.
        """
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError as error:
            if error.code == "too_many_login_attempts":
                raise ImmediateHttpResponse(respond_429(request)) from error
            raise
