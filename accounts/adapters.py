import math

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.forms import LoginForm
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.core.internal import ratelimit
from allauth.utils import get_form_class

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.shortcuts import render
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
                raise ImmediateHttpResponse(self._sign_in_locked(request, credentials)) from error
            raise

    def _sign_in_locked(self, request, credentials):
        """The 429 page saying how long to wait, with the sign-in form keeping the email typed."""
        seconds = login_wait_seconds(request, self._get_login_attempts_cache_key(request, **credentials))
        form_class = get_form_class(account_settings.FORMS, "login", LoginForm)
        form = form_class(request=request, initial={"login": credentials.get("email", "")})
        response = render(request, "429.html", {"wait": wait_text(seconds), "form": form}, status=429)
        response["Retry-After"] = str(seconds)
        return response


def login_wait_seconds(request, key: str) -> int:
    """Seconds until allauth's login_failed limits allow one more attempt from this request.

    Read from the limiter's own history (allauth.core.internal.ratelimit, the same cache
    keys and rates it consumed): for each exhausted rate, the attempt that has to age out is
    the amount-th newest. At least a second, so Retry-After never says "now".
    """
    now = ratelimit.time.time()  # the limiter's own clock
    wait = 1.0
    for rate in ratelimit.get_rates(app="allauth.account", action="login_failed"):
        cache_key = ratelimit.get_cache_key(request, app="allauth.account", action="login_failed", rate=rate, key=key)
        allowed, history = ratelimit.apply_rate(list(cache.get(cache_key, [])), now, rate, dry_run=True)
        if not allowed:
            wait = max(wait, history[rate.amount - 1] + rate.duration - now)
    return math.ceil(wait)


def wait_text(seconds: int) -> str:
    """'a minute', '3 minutes', 'an hour': rounded up, so waiting that long is always enough."""
    minutes = math.ceil(seconds / 60)
    if minutes <= 1:
        return "a minute"
    if minutes < 60:
        return f"{minutes} minutes"
    hours = math.ceil(minutes / 60)
    return "an hour" if hours == 1 else f"{hours} hours"
