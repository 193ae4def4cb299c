"""Site search in a real browser: services and library documents in their own groups; axe-core."""

import re

import pytest
from playwright.sync_api import expect

from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.factories import UserFactory
from communities.factories import MembershipFactory, community_create
from communities.models import Access
from communities.services import library_file_add
from marketplace.factories import ServiceFactory
from tests.marketplace.test_browser_marketplace import sign_in
from tests.search.files import docx_bytes, pdf_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def documents(home_page, settings, tmp_path):
    settings.COMMUNITIES_PRIVATE_ROOT = tmp_path
    ServiceFactory(name="Audit committee effectiveness review", summary="Independent review of your audit committee.")
    open_community = community_create(title="Governance officers", access=Access.OPEN)
    private = community_create(title="Chief executives circle", access=Access.PRIVATE)
    member = UserFactory(email="member@council.example")
    for community in (open_community, private):
        MembershipFactory(community=community, user=member)
    # transaction=True: the text is read after each upload commits, as on the site.
    library_file_add(
        community=open_community,
        actor=member,
        title="Committee terms of reference",
        upload=SimpleUploadedFile("terms.docx", docx_bytes("How the audit committee reviews its effectiveness")),
    )
    library_file_add(
        community=private,
        actor=member,
        title="Chair appraisal",
        upload=SimpleUploadedFile("appraisal.pdf", pdf_bytes("Audit committee effectiveness of the chair")),
    )
    return member


def test_services_and_library_documents_are_found_in_their_own_groups(page, axe, documents):
    page.goto("/search/?q=audit+committee+effectiveness")
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", name="Marketplace services (1)")).to_be_visible()
    expect(main.get_by_role("heading", name="Community library documents (1)")).to_be_visible()
    expect(main.get_by_role("link", name="Audit committee effectiveness review")).to_be_visible()
    expect(main.get_by_role("link", name="Committee terms of reference")).to_be_visible()
    expect(main.get_by_text("Chair appraisal")).to_have_count(0)
    axe(page, "site search results with services and documents")

    sign_in(page, "member@council.example")
    page.goto("/search/?q=audit+committee+effectiveness")
    main.get_by_role("link", name=re.compile(r"^Community library documents \(2\)")).click()
    page.wait_for_url(re.compile(r"type=library"))
    expect(main.get_by_role("heading", name=re.compile(r"^2 community library documents results"))).to_be_visible()
    expect(main.get_by_role("link", name="Chair appraisal")).to_be_visible()
    assert "Effectiveness of the chair" in main.inner_text() or "effectiveness of the chair" in main.inner_text()
    axe(page, "site search results, library documents only")
