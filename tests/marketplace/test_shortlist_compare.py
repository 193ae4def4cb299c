"""Shortlists of up to four, side-by-side comparison by URL, CSV export and the printable page."""

import csv
import io
from decimal import Decimal

from marketplace.factories import ServiceFactory
from marketplace.models import Shortlist
from marketplace.pricing import PriceUnit, VatHandling
from marketplace.services import SESSION_KEY


def add(client, service, follow=False):
    return client.post("/marketplace/shortlist/add/", {"service": service.pk, "next": "/marketplace/"}, follow=follow)


def test_anonymous_visitors_keep_up_to_four_in_their_session(client, home_page):
    services = ServiceFactory.create_batch(5)
    for service in services[:4]:
        add(client, service)
    response = add(client, services[4], follow=True)
    assert "already has 4 services" in response.content.decode()
    assert client.session[SESSION_KEY] == [service.pk for service in services[:4]]
    assert not Shortlist.objects.exists()


def test_adding_the_same_service_twice_keeps_one(client, db):
    service = ServiceFactory()
    add(client, service)
    add(client, service)
    assert client.session[SESSION_KEY] == [service.pk]


def test_unpublished_services_cannot_be_shortlisted(client, db):
    draft = ServiceFactory(is_published=False)
    assert add(client, draft).status_code == 404


def test_signed_in_shortlists_are_saved_and_survive_signing_out(client, council_officer):
    first, second = ServiceFactory.create_batch(2)
    client.force_login(council_officer)
    add(client, first)
    add(client, second)
    client.post(
        "/marketplace/shortlist/", {"title": "Finance review procurement", "days": "5", "people": "", "months": ""}
    )
    client.logout()
    client.force_login(council_officer)
    html = client.get("/marketplace/shortlist/").content.decode()
    assert "Finance review procurement" in html
    assert first.name in html and second.name in html
    shortlist = Shortlist.objects.get(owner=council_officer)
    assert shortlist.need_days == 5
    # The compare link carries the services and the need, so it can be shared.
    assert f"s={first.slug}&amp;s={second.slug}&amp;days=5" in html


def test_a_session_shortlist_moves_into_the_saved_one_on_sign_in(client, council_officer):
    service = ServiceFactory()
    add(client, service)
    client.force_login(council_officer)
    client.get("/marketplace/shortlist/")
    assert list(Shortlist.objects.get(owner=council_officer).items.values_list("service_id", flat=True)) == [service.pk]


def test_removing_from_the_shortlist(client, db):
    service = ServiceFactory()
    add(client, service)
    client.post("/marketplace/shortlist/remove/", {"service": service.pk})
    assert client.session[SESSION_KEY] == []


def test_add_to_shortlist_never_redirects_off_site(client, db):
    service = ServiceFactory()
    response = client.post("/marketplace/shortlist/add/", {"service": service.pk, "next": "https://evil.example/"})
    assert response["Location"] == "/marketplace/shortlist/"


def comparison_services():
    day = ServiceFactory(
        name="Day rate review",
        price_min=Decimal(500),
        price_max=Decimal(600),
        price_unit=PriceUnit.PER_DAY,
        vat=VatHandling.EXCLUSIVE,
        review_count=4,
        rating_average=Decimal("4.25"),
        experience_average=Decimal("4.50"),
        value_average=Decimal("4.00"),
        outcomes_average=Decimal("4.25"),
        recommend_count=3,
    )
    person = ServiceFactory(
        name="Per person course",
        price_min=Decimal(80),
        price_max=Decimal(80),
        price_unit=PriceUnit.PER_PERSON,
        vat=VatHandling.INCLUSIVE,
    )
    fixed = ServiceFactory(
        name="=HYPERLINK(fixed)",
        price_min=Decimal(2500),
        price_max=Decimal(2500),
        price_unit=PriceUnit.FIXED,
        vat=VatHandling.NOT_CHARGED,
    )
    return day, person, fixed


def test_compare_page_is_reproduced_by_its_url(client, db):
    day, person, fixed = comparison_services()
    url = f"/marketplace/compare/?s={day.slug}&s={person.slug}&s={fixed.slug}&days=3"
    html = client.get(url).content.decode()
    # Order follows the URL; the day rate is costed for 3 days, the course cannot be.
    assert html.index("Day rate review") < html.index("Per person course") < html.index("=HYPERLINK(fixed)")
    assert "£1,800 to £2,160" in html
    assert "Priced per person: give the number of people to compare it" in html
    assert "75% of 4" in html
    assert "4.5 out of 5" in html
    assert client.get(url).content.decode().count('<th scope="col"') == 3


def test_compare_shows_at_most_four_and_ignores_unknown_or_unpublished_services(client, db):
    services = ServiceFactory.create_batch(5)
    draft = ServiceFactory(is_published=False, name="Secret draft")
    query = "&".join(f"s={service.slug}" for service in [draft, *services])
    html = client.get(f"/marketplace/compare/?{query}&s=no-such-service").content.decode()
    assert "Secret draft" not in html
    assert html.count('<th scope="col"') == 4


def test_csv_export_contains_each_service_priced_for_the_need(client, db):
    day, person, fixed = comparison_services()
    response = client.get(f"/marketplace/compare/export.csv?s={day.slug}&s={person.slug}&s={fixed.slug}&days=3")
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row["Service"] for row in rows] == ["Day rate review", "Per person course", "'=HYPERLINK(fixed)"]
    assert rows[0]["Cost for need, low (GBP, incl. VAT where charged)"] == "1800.00"
    assert rows[0]["Cost for need, high (GBP, incl. VAT where charged)"] == "2160.00"
    assert rows[0]["Number of reviews"] == "4"
    assert rows[0]["Would recommend (%)"] == "75"
    assert rows[1]["Cost for need, low (GBP, incl. VAT where charged)"] == ""
    assert rows[1]["Cost note"] == "Priced per person: give the number of people to compare it"
    assert rows[2]["Cost for need, low (GBP, incl. VAT where charged)"] == "2500.00"
    assert rows[0]["Need priced"] == "3 days"


def test_printable_page_lists_each_service_with_its_source(client, db):
    day, person, _fixed = comparison_services()
    html = client.get(f"/marketplace/compare/print/?s={day.slug}&s={person.slug}&people=10").content.decode()
    assert "1. Day rate review" in html and "2. Per person course" in html
    assert "£800" in html  # 10 people at £80 including VAT
    assert f"/marketplace/compare/?s={day.slug}&amp;s={person.slug}&amp;people=10" in html


def test_compare_without_quantities_says_what_to_enter_instead_of_pricing_for_none(client, db):
    day, person, fixed = comparison_services()
    html = client.get(f"/marketplace/compare/?s={day.slug}&s={person.slug}&s={fixed.slug}").content.decode()
    assert "no quantities" not in html.lower()
    assert "3 services side by side</caption>" in html
    assert "Enter days, people or months to see what each service would cost." in html
    assert "Cost for" not in html
    printable = client.get(f"/marketplace/compare/print/?s={day.slug}").content.decode()
    assert "no quantities" not in printable.lower()
    assert "No days, people or months were given" in printable
    rows = list(
        csv.DictReader(
            io.StringIO(client.get(f"/marketplace/compare/export.csv?s={day.slug}").content.decode("utf-8-sig"))
        )
    )
    assert rows[0]["Need priced"] == "None given"

    with_need = client.get(f"/marketplace/compare/?s={day.slug}&days=2").content.decode()
    assert "side by side, priced for 2 days</caption>" in with_need
    assert "Cost for 2 days</th>" in with_need
    assert "Enter days, people or months" not in with_need
