"""Values a visitor can type or tamper with are checked by a form before the database sees them.

A year or a service id beyond what a date or a database column holds used to reach Python's
date() or the ORM and fail there as a 500; each is now a GOV.UK error on the page (keeping what
was typed) or a redirect back with the reason.
"""

import datetime

import pytest

from marketplace.factories import ServiceFactory
from marketplace.models import Review, ShortlistItem
from marketplace.services import SESSION_KEY

from .test_reviews import REVIEW_POST

BAD_YEARS = ["99999", "99999999999999999999", "1999", str(datetime.date.today().year + 1)]
BAD_SERVICE_IDS = ["abc", "", "²", "-1", "0", "1.5", "99999999999999999999", str(2**63)]


@pytest.mark.parametrize("year", BAD_YEARS)
def test_a_review_year_out_of_range_is_a_form_error_keeping_what_was_typed(client, council_officer, year):
    service = ServiceFactory()
    client.force_login(council_officer)
    response = client.post(f"{service.get_absolute_url()}review/", {**REVIEW_POST, "used_year": year})
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert '<a href="#id_used_year">' in html
    assert f'value="{year}"' in html
    assert "Clear, practical and on time." in html
    assert not Review.objects.exists()


def test_this_years_review_is_accepted(client, council_officer):
    service = ServiceFactory()
    client.force_login(council_officer)
    today = datetime.date.today()
    post = {**REVIEW_POST, "used_month": str(today.month), "used_year": str(today.year)}
    client.post(f"{service.get_absolute_url()}review/", post)
    assert Review.objects.get().used_in == today.replace(day=1)


@pytest.mark.parametrize("value", BAD_SERVICE_IDS)
@pytest.mark.parametrize("signed_in", [False, True])
def test_shortlisting_a_malformed_service_goes_back_with_the_reason(client, council_officer, value, signed_in):
    ServiceFactory()
    if signed_in:
        client.force_login(council_officer)
    response = client.post("/marketplace/shortlist/add/", {"service": value, "next": "/marketplace/"})
    assert response.status_code == 302
    assert response["Location"] == "/marketplace/"
    shortlist = client.get("/marketplace/shortlist/").content.decode()
    assert "Choose a service to add to your shortlist" in shortlist
    assert not ShortlistItem.objects.exists()
    assert not client.session.get(SESSION_KEY)


@pytest.mark.parametrize("value", BAD_SERVICE_IDS)
@pytest.mark.parametrize("signed_in", [False, True])
def test_removing_a_malformed_service_goes_back_with_the_reason(client, council_officer, value, signed_in):
    service = ServiceFactory()
    if signed_in:
        client.force_login(council_officer)
    client.post("/marketplace/shortlist/add/", {"service": service.pk})
    response = client.post("/marketplace/shortlist/remove/", {"service": value, "next": "/marketplace/shortlist/"})
    assert response.status_code == 302
    html = client.get("/marketplace/shortlist/").content.decode()
    assert "Choose a service to remove from your shortlist" in html
    assert service.name in html


def test_a_service_that_is_not_listed_is_still_not_found(client, db):
    assert client.post("/marketplace/shortlist/add/", {"service": "123456"}).status_code == 404


PAGES = ["99999999999999999999", str(2**63), "0", "-1", "abc", "²", "١", "1e309", ""]
QUANTITIES = ["99999999999999999999", "99999", "0", "-1", "abc", "²", "1e309"]


@pytest.mark.parametrize("page", PAGES)
def test_listing_and_review_pages_show_the_first_or_last_page_for_any_page_value(client, home_page, moderator, page):
    service = ServiceFactory()
    assert client.get("/marketplace/", {"page": page}).status_code == 200
    assert client.get(service.get_absolute_url(), {"page": page}).status_code == 200
    client.force_login(moderator)
    assert client.get("/marketplace/moderation/", {"page": page}).status_code == 200


@pytest.mark.parametrize("value", QUANTITIES)
def test_a_need_out_of_range_is_reported_on_every_page_that_prices_it(client, home_page, value):
    service = ServiceFactory()
    need = {"days": value, "people": value, "months": value}
    detail = client.get(service.get_absolute_url(), need)
    assert detail.status_code == 200
    assert "There is a problem" in detail.content.decode()
    compared = {"s": service.slug, **need}
    assert "There is a problem" in client.get("/marketplace/compare/", compared).content.decode()
    assert client.get("/marketplace/compare/export.csv", compared).status_code == 200
    assert client.get("/marketplace/compare/print/", compared).status_code == 200


BAD_NEXT = ["abc", "0", "-1", "²", "'", "marketplace:shortlist", "https://evil.example/", "//evil.example/", ""]


@pytest.mark.parametrize("next_url", BAD_NEXT)
@pytest.mark.parametrize("action", ["add", "remove"])
def test_a_shortlist_button_with_a_next_that_is_not_a_site_path_goes_to_the_shortlist(client, db, action, next_url):
    # redirect() reads a bare word as a URL pattern name: "abc" was a NoReverseMatch 500.
    service = ServiceFactory()
    response = client.post(f"/marketplace/shortlist/{action}/", {"service": service.pk, "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == "/marketplace/shortlist/"


def test_a_shortlist_button_goes_back_to_the_page_it_was_on(client, db):
    service = ServiceFactory()
    response = client.post("/marketplace/shortlist/add/", {"service": service.pk, "next": "/marketplace/?q=audit"})
    assert response["Location"] == "/marketplace/?q=audit"


@pytest.mark.parametrize("slug", ["a\x00b", "\x00", "x" * 20000, "'; --", "²"])
def test_comparing_services_by_a_slug_no_service_can_have_skips_it(client, home_page, slug):
    # A NUL reached PostgreSQL ("text fields cannot contain NUL"): a 500 on compare, CSV and print.
    service = ServiceFactory()
    for url in ("/marketplace/compare/", "/marketplace/compare/export.csv", "/marketplace/compare/print/"):
        response = client.get(url, {"s": [slug, service.slug]})
        assert response.status_code == 200, url
        assert service.name in response.content.decode(), url
