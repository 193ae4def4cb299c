"""The site's own address: every absolute link the Hub sends out is built here.

Emails and feeds are read away from the site, so their links cannot be relative, and the
request that triggered them is the wrong source (a worker behind a proxy sees its own host,
a management command sees none). ``settings.SITE_URL`` is the one public address; the
Sites framework row, Wagtail's admin base URL and the default Wagtail site are kept in step
with it by ``site_records_sync``.
"""

from urllib.parse import urlsplit

from django.conf import settings


def site_url() -> str:
    """SITE_URL without a trailing slash, e.g. ``https://knowledgehub.example``."""
    return settings.SITE_URL.rstrip("/")


def site_domain() -> str:
    """The host and, when not the scheme's default, the port: what the Sites framework stores."""
    return urlsplit(site_url()).netloc


def site_name() -> str:
    return settings.WAGTAIL_SITE_NAME


def absolute_url(path_or_url: str) -> str:
    """The public address of a path on this site.

    A full URL is re-based onto SITE_URL (keeping its path, query and fragment), so a link
    that a library built from the request's host still points to the public site.
    """
    parts = urlsplit(path_or_url or "/")
    path = parts.path if parts.path.startswith("/") else f"/{parts.path}"
    query = f"?{parts.query}" if parts.query else ""
    fragment = f"#{parts.fragment}" if parts.fragment else ""
    return f"{site_url()}{path}{query}{fragment}"


def page_absolute_url(page) -> str:
    """A Wagtail page's public address, whatever hostname its Wagtail Site row carries."""
    url_parts = page.get_url_parts()
    return absolute_url(url_parts[2] if url_parts else page.url or "/")
