"""Database ids in URLs: an id no row can have is a 404, never a 500.

A primary key is a signed 64-bit integer on every database the project runs on. Django's
`int` converter lets any run of digits through, so `/…/99999999999999999999/` reached the
ORM and failed there (OverflowError on SQLite, DataError on PostgreSQL). The `id` converter
refuses such values in the resolver, so no view ever sees them.
"""

import contextlib
import re

import pytest

from django.test import Client
from django.urls import NoReverseMatch, Resolver404, URLPattern, URLResolver, get_resolver, resolve, reverse

from accounts.factories import UserFactory
from communities.factories import community_create
from config.converters import DatabaseIdConverter

LARGEST_ID = 2**63 - 1
IMPOSSIBLE_IDS = ["99999999999999999999", str(2**63), "0" * 5 + str(2**63)]
PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def test_converter_accepts_every_id_a_row_can_have():
    converter = DatabaseIdConverter()
    assert converter.to_python("1") == 1
    assert converter.to_python(str(LARGEST_ID)) == LARGEST_ID
    assert converter.to_url(LARGEST_ID) == str(LARGEST_ID)


@pytest.mark.parametrize("value", [str(2**63), "9" * 19])
def test_converter_refuses_ids_beyond_a_signed_64_bit_integer(value):
    with pytest.raises(ValueError):
        DatabaseIdConverter().to_python(value)


@pytest.mark.parametrize("value", ["9" * 20, "", "-1", "abc", "²", "١٢٣", "1.0"])
def test_converter_pattern_matches_only_plain_digits_of_bounded_length(value):
    assert not re.fullmatch(DatabaseIdConverter.regex, value)


def test_reverse_refuses_an_id_no_row_can_have():
    with pytest.raises(NoReverseMatch):
        reverse("hub:comment_reply", kwargs={"comment_id": 2**63})


def _routes(resolvers, prefix=""):
    """Every route string the resolver holds, with its include prefixes."""
    for entry in resolvers:
        route = getattr(entry.pattern, "_route", None)
        if route is None:
            continue
        if isinstance(entry, URLResolver):
            yield from _routes(entry.url_patterns, prefix + route)
        elif isinstance(entry, URLPattern):
            yield prefix + route


def _project_routes():
    # The Wagtail and Django admins and allauth take ids their own way (the admins for
    # signed-in staff only); everything mounted at the root is the project's to answer for.
    return [
        route
        for route in _routes(get_resolver().url_patterns)
        if not route.startswith(("admin/", "django-admin/", "accounts/"))
    ]


def _id_routes():
    return [route for route in _project_routes() if re.search(r"<(?:int|id):", route)]


def test_no_project_route_takes_a_database_id_as_a_plain_int():
    plain = [route for route in _project_routes() if "<int:" in route]
    assert not plain, f"routes whose ids reach the database unchecked: {plain}"


def _fill(route: str, id_value: str, slug: str) -> str:
    def value(match):
        converter = match.group("converter") or "str"
        if converter in ("int", "id"):
            return id_value
        if converter == "slug":
            return slug
        if converter == "path":
            return "report.pdf"
        return "approve"

    return "/" + PARAMETER.sub(value, route)


@pytest.mark.django_db
@pytest.mark.parametrize("id_value", IMPOSSIBLE_IDS)
def test_every_route_with_an_id_answers_404_for_an_id_no_row_can_have(home_page, id_value):
    # A superuser passes every permission check, and a real community lets the
    # community routes get as far as looking the id up.
    community = community_create(title="Overflow", slug="overflow")
    admin = UserFactory(is_staff=True, is_superuser=True)
    client = Client(raise_request_exception=False)
    client.force_login(admin)
    routes = _id_routes()
    assert len(routes) >= 20, routes
    wrong = []
    for route in routes:
        url = _fill(route, id_value, community.slug)
        # The id route must not match; a catch-all further down (Wagtail's page tree) may.
        with contextlib.suppress(Resolver404):
            assert resolve(url).route != route
        for method in (client.get, client.post):
            status = method(url).status_code
            if status != 404:
                wrong.append(f"{method.__name__.upper()} {url} -> {status}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["²", "١٢٣", "99999999999999999999"])
def test_document_urls_with_digits_no_id_can_have_are_404(value):
    client = Client(raise_request_exception=False)
    assert client.get(f"/documents/{value}/report.pdf").status_code == 404


@pytest.mark.django_db
def test_a_real_document_is_still_served_at_its_url():
    from django.core.files.base import ContentFile

    from wagtail.documents import get_document_model

    document = get_document_model().objects.create(
        title="Report", file=ContentFile(b"%PDF-1.4 report", name="report.pdf")
    )
    assert document.url.startswith(f"/documents/{document.pk}/")
    response = Client().get(document.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
