"""Content-Security-Policy: the site's strict policy, and the admins' looser one.

The policy itself lives in `config/settings/base.py` (`CONTENT_SECURITY_POLICY`). This module
holds what the settings need to build it and the middleware that sends it.

The site's pages carry no inline script, inline style or nonces: the library's anonymous
page cache (`hub/cache.py`) stores whole pages, so a nonce in a cached page would not match
the header of the response that later serves it. Everything the pages run or style with
comes from files under /static/.
"""

import copy

from csp.constants import NONE, SELF, UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts
from csp.utils import DEFAULT_DIRECTIVES

from django.core.exceptions import DisallowedHost, ImproperlyConfigured
from django.http import HttpRequest, HttpResponseBase
from django.urls import NoReverseMatch, reverse

# URL names whose paths start the two admin interfaces.
ADMIN_URL_NAMES = ("wagtailadmin_home", "admin:index")

# Wagtail's admin and Django's admin are third-party interfaces whose templates and
# JavaScript use inline <script> blocks, style attributes and event-handler attributes: they
# cannot run under the site's policy, and only signed-in staff use them. Everything else
# stays as strict as the site's (same origin only, no plugins, no <base> tricks), except
# that Wagtail shows page previews in a same-origin frame, so its pages may be framed by
# the site itself.
ADMIN_POLICY_REPLACE = {
    "script-src": [SELF, UNSAFE_INLINE],
    "style-src": [SELF, UNSAFE_INLINE],
    # Wagtail's image uploader previews files from blob: URLs before they are sent.
    "img-src": [SELF, "data:", "blob:"],
    "frame-ancestors": [SELF],
    "object-src": [NONE],
}
# Added to the site's sources: the preview frame is the admin's own page, beside the video
# hosts the site's frame-src allows for embeds.
ADMIN_POLICY_UPDATE = {"frame-src": [SELF]}


def policy_extended(directives: dict, extra: str) -> dict:
    """`directives` with the sources in `extra` added, written as in a CSP header.

    `extra` comes from the CONTENT_SECURITY_POLICY_EXTRA environment variable, so a
    deployment can allow, say, a video host without a code change:
    "frame-src https://www.youtube-nocookie.com; img-src https://cdn.example". Sources are
    added to the directive's own; a directive the site does not set starts from nothing (it
    no longer falls back to default-src). A misspelt directive is refused rather than
    silently ignored by browsers.
    """
    extended = copy.deepcopy(directives)
    for part in extra.split(";"):
        if not part.strip():
            continue
        name, *sources = part.split()
        if name not in DEFAULT_DIRECTIVES:
            raise ImproperlyConfigured(f"CONTENT_SECURITY_POLICY_EXTRA: unknown directive {name!r}")
        extended[name] = [*(extended.get(name) or []), *sources]
    return extended


def admin_path_prefixes() -> tuple[str, ...]:
    """Where the two admins are mounted, read from the URLconf rather than repeated here."""
    prefixes = []
    for name in ADMIN_URL_NAMES:
        try:
            prefixes.append(reverse(name))
        except NoReverseMatch:
            continue
    return tuple(prefixes)


def _own_socket_source(request: HttpRequest) -> str:
    """ws:// or wss:// of the host the page came from, for the live-update socket.

    CSP 3 browsers already match it to connect-src 'self'; older ones (Safari before 15.4)
    need it named. Nothing for a host outside ALLOWED_HOSTS: that request is answered 400.
    """
    try:
        host = request.get_host()
    except DisallowedHost:
        return ""
    return f"{'wss' if request.is_secure() else 'ws'}://{host}"


class SiteCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, with the admins' policy for every URL under an admin.

    A path-based override rather than `csp_replace` on each view: the admins are URL includes
    of third-party views (and Django's admin its own site object), and a decorator would have
    to be re-applied to every view they add in an upgrade.
    """

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        # Wagtail renders previews (and moderation views) by running a dummy request for the
        # page's public URL through the middleware. Its response never reaches a browser on
        # its own: the admin view that asked for it sends it, so the admin's policy applies.
        # Given the site's policy here, frame-ancestors 'none' would block the preview frame.
        if getattr(request, "is_dummy", False):
            return response
        return super().process_response(request, response)

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        parts.update = {**(parts.update or {})}
        socket = _own_socket_source(request)
        if socket:
            parts.update["connect-src"] = [*parts.update.get("connect-src", []), socket]
        if not report_only and request.path.startswith(admin_path_prefixes()):
            parts.replace = {**ADMIN_POLICY_REPLACE, **(parts.replace or {})}
            for name, sources in ADMIN_POLICY_UPDATE.items():
                parts.update[name] = [*parts.update.get(name, []), *sources]
        return parts
