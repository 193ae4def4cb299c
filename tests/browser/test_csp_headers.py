"""Every HTML page carries an enforced Content-Security-Policy; the admin gets its own."""

import pytest

from django.test import Client

from accounts.models import User
from config.csp import policy_extended

SITE_DIRECTIVES = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self' ws://testserver",
    "frame-ancestors 'none'",
    "form-action 'self'",
    "base-uri 'self'",
    "object-src 'none'",
    "frame-src https://www.youtube-nocookie.com https://www.youtube.com https://player.vimeo.com",
]


def directives(header: str) -> dict[str, str]:
    parts = (part.strip().split(None, 1) for part in header.split(";") if part.strip())
    return {part[0]: part[1] if len(part) > 1 else "" for part in parts}


def assert_site_policy(response, url: str) -> None:
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("text/html"), url
    assert "Content-Security-Policy-Report-Only" not in response, url
    header = response.get("Content-Security-Policy")
    assert header, f"{url} has no Content-Security-Policy"
    found = directives(header)
    for expected in SITE_DIRECTIVES:
        name, sources = expected.split(None, 1)
        assert found.get(name) == sources, f"{url}: {name} is {found.get(name)!r}, not {sources!r}"
    assert "'unsafe-inline'" not in header and "'unsafe-eval'" not in header, url
    assert "nonce-" not in header, f"{url}: a nonce would go stale in the page cache"


@pytest.mark.django_db
def test_every_public_page_has_the_sites_policy_for_visitors_and_members(tour):
    visitor, member = Client(), Client()
    member.force_login(User.objects.get(email=tour.member_email))
    for url in tour.public:
        assert_site_policy(visitor.get(url), url)
        assert_site_policy(member.get(url), url)
    for url in tour.visitor_only:
        assert_site_policy(visitor.get(url), url)
    for url in tour.member_only:
        assert_site_policy(member.get(url), url)


@pytest.mark.django_db
def test_a_cached_library_page_still_has_the_policy(tour):
    visitor = Client()
    first = visitor.get("/good-practice/")
    second = visitor.get("/good-practice/")
    assert second["X-Library-Cache"] == "hit", "the second request should be served from the page cache"
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]
    assert_site_policy(second, "/good-practice/ (cached)")


@pytest.mark.django_db
def test_error_pages_have_the_sites_policy(tour):
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    assert "script-src 'self';" in response["Content-Security-Policy"] + ";"


@pytest.mark.django_db
def test_the_admins_have_a_looser_policy_of_their_own(tour):
    admin = Client()
    admin.force_login(User.objects.get(email=tour.admin_email))
    for url in tour.admin:
        response = admin.get(url)
        assert response.status_code == 200, url
        found = directives(response["Content-Security-Policy"])
        # The admins' own templates and JavaScript use inline script and style.
        assert "'unsafe-inline'" in found["script-src"] and "'unsafe-inline'" in found["style-src"], url
        # Wagtail shows page previews in a same-origin frame.
        assert found["frame-ancestors"] == "'self'", url
        assert found["frame-src"].startswith("https://www.youtube-nocookie.com") and "'self'" in found["frame-src"], url
        assert found["object-src"] == "'none'" and found["base-uri"] == "'self'", url


def test_a_deployment_extends_the_policy_from_the_environment():
    base = {"default-src": ["'self'"], "img-src": ["'self'", "data:"], "frame-src": None}
    extended = policy_extended(base, "img-src https://cdn.example ; frame-src https://www.youtube-nocookie.com;")
    assert extended["img-src"] == ["'self'", "data:", "https://cdn.example"]
    assert extended["frame-src"] == ["https://www.youtube-nocookie.com"]
    assert base["img-src"] == ["'self'", "data:"], "the base policy is not changed in place"
    assert policy_extended(base, "") == base


def test_a_misspelt_directive_in_the_environment_is_refused():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="img-scr"):
        policy_extended({"default-src": ["'self'"]}, "img-scr https://cdn.example")
