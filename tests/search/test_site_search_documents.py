"""/search/ finds marketplace services and community library documents, as their own pages allow.

Services: only those the marketplace lists (`Service.objects.listed()`). Library documents: by
title, and by the words of a PDF or Word file read once when it was added; only for people who
may read that community's library (the communities app's own rule, `READERS`). The contract
part runs on the database backend always and on Elasticsearch when ELASTICSEARCH_URL is set.
"""

import os

import pytest

from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.template.defaultfilters import filesizeformat

from accounts.factories import UserFactory
from communities.factories import MembershipFactory, community_create
from communities.models import Access, LibraryFile
from communities.search import LibrarySearchProvider, document_text, text_snippet
from marketplace.factories import ProviderFactory, ServiceFactory
from marketplace.models import Service
from marketplace.search import ServiceSearchProvider
from search.selectors import site_search
from search.services import site_index_update
from tests.communities.conftest import READERS, VIEWERS, make_viewer
from tests.search.conftest import BACKENDS, ELASTICSEARCH_URL
from tests.search.files import docx_bytes, pdf_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.COMMUNITIES_PRIVATE_ROOT = tmp_path


@pytest.fixture(params=BACKENDS)
def content_backend(request, settings):
    """The Wagtail search backend services and files are indexed in; yields `ready()`.

    Call `ready()` after writing and before searching: Elasticsearch shows new documents only
    once its index is refreshed (the database backend needs nothing).
    """
    if request.param == "database":
        yield lambda: None
        return
    from wagtail.search.backends import get_search_backend

    settings.WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": "wagtail.search.backends.elasticsearch8",
            "URLS": [ELASTICSEARCH_URL],
            "INDEX_PREFIX": f"test_{os.getpid()}_",
        }
    }
    backend = get_search_backend()
    indexes = []
    for model in (Service, LibraryFile):
        index = backend.get_index_for_model(model)
        index.delete()
        index.put()
        index.add_model(model)
        indexes.append(index)

    def ready():
        for index in indexes:
            index.refresh()

    yield ready
    for index in indexes:
        index.delete()


def upload(community, user, *, title, name, content, capture):
    """Add a file through the library's own service, running what it schedules after commit."""
    from communities.services import library_file_add

    with capture(execute=True):
        document = library_file_add(
            community=community,
            actor=user,
            title=title,
            upload=SimpleUploadedFile(name, content),
        )
    document.refresh_from_db()
    return document


def titles(result):
    return [hit.title for hit in result.hits]


# --- Reading documents -------------------------------------------------------------------


def test_the_words_of_a_pdf_and_a_word_file_are_read_and_other_formats_are_not():
    import io

    assert "rough sleeping count" in document_text(
        io.BytesIO(pdf_bytes("Quarterly rough sleeping count")), extension="pdf"
    )
    word = document_text(
        io.BytesIO(docx_bytes("Temporary accommodation spend", table=[["Ward", "Households"]])), extension="DOCX"
    )
    assert word == "Temporary accommodation spend Ward Households"
    assert document_text(io.BytesIO(b"ward,households\n"), extension="csv") == ""


def test_a_damaged_document_is_found_by_title_only_and_does_not_break_the_upload(home_page, caplog):
    import io

    assert document_text(io.BytesIO(b"%PDF-1.4 not really"), extension="pdf") == ""
    assert document_text(io.BytesIO(b"PK\x03\x04 not a zip"), extension="docx") == ""
    assert "Could not read" in caplog.text


def test_a_snippet_starts_near_the_words_searched_for():
    text = "Introduction. " + "Background words here. " * 30 + "The homelessness reduction figures follow."
    snippet = text_snippet(text, "homelessness figures")
    assert "homelessness reduction figures" in snippet
    assert snippet.startswith("…") and len(snippet) <= 250
    assert text_snippet("Short text", "absent") == "Short text"


# --- Contract: both backends --------------------------------------------------------------


def test_a_listed_service_is_found_by_its_exact_title_and_an_unlisted_one_never(content_backend):
    provider = ProviderFactory(organisation__name="Centre for Governance Practice")
    ServiceFactory(provider=provider, name="Audit committee effectiveness review", summary="Review your committee.")
    ServiceFactory(provider=provider, name="Audit committee effectiveness (awaiting approval)", is_published=False)
    ServiceFactory(provider=provider, name="Audit committee effectiveness (withdrawn)", withdrawn=True)
    ServiceFactory(name="Waste round optimisation")
    content_backend()
    result = ServiceSearchProvider().search(query="audit committee effectiveness", user=AnonymousUser(), limit=5)
    assert result.total == 1
    assert titles(result) == ["Audit committee effectiveness review"]
    hit = result.hits[0]
    assert hit.url == Service.objects.get(name="Audit committee effectiveness review").get_absolute_url()
    assert hit.meta.startswith("From Centre for Governance Practice · £500 to £800")
    # By its provider's name too.
    assert ServiceSearchProvider().search(query="governance practice", user=None, limit=5).total == 1


def test_a_service_withdrawn_after_it_was_found_is_no_longer_found(content_backend):
    from marketplace.services import service_withdraw

    service = ServiceFactory(name="Scrutiny improvement review")
    staff = UserFactory()
    service.provider.staff.add(staff)
    content_backend()
    assert ServiceSearchProvider().search(query="scrutiny improvement", user=None, limit=5).total == 1
    service_withdraw(service=service, user=staff)
    content_backend()
    assert ServiceSearchProvider().search(query="scrutiny improvement", user=None, limit=5).total == 0


def test_library_documents_are_found_by_title_and_by_the_words_inside_pdfs_and_word_files(
    home_page, content_backend, django_capture_on_commit_callbacks
):
    community = community_create(title="Housing officers network", access=Access.OPEN)
    member = make_viewer("member", community)
    capture = django_capture_on_commit_callbacks
    pdf = upload(
        community,
        member,
        title="Q3 return",
        name="q3.pdf",
        content=pdf_bytes("Rough sleeping snapshot", "Counted on a single night in Northshire"),
        capture=capture,
    )
    upload(
        community,
        member,
        title="Panel notes",
        name="notes.docx",
        content=docx_bytes("Temporary accommodation procurement framework"),
        capture=capture,
    )
    upload(
        community,
        member,
        title="Northshire ward counts",
        name="counts.csv",
        content=b"ward,northshire\n",
        capture=capture,
    )
    content_backend()
    assert "Counted on a single night in Northshire" in pdf.text
    provider = LibrarySearchProvider()
    assert titles(provider.search(query="rough sleeping snapshot", user=None, limit=5)) == ["Q3 return"]
    assert titles(provider.search(query="procurement framework", user=None, limit=5)) == ["Panel notes"]
    # A CSV's contents are not read: found by its title, and not by what is inside it.
    northshire = provider.search(query="northshire", user=None, limit=5)
    assert sorted(titles(northshire)) == ["Northshire ward counts", "Q3 return"]
    assert provider.search(query="ward", user=None, limit=5).total == 1
    hit = next(hit for hit in northshire.hits if hit.title == "Q3 return")
    assert hit.url == f"/communities/{community.slug}/library/{pdf.pk}/download/"
    assert hit.kind == "PDF"
    assert "Northshire" in hit.snippet
    assert hit.meta == f"In the Housing officers network library · {filesizeformat(pdf.size)}"


@pytest.mark.parametrize("access", [Access.OPEN, Access.RESTRICTED, Access.PRIVATE])
def test_a_communitys_files_are_found_only_by_those_who_may_read_its_library(
    home_page, content_backend, django_capture_on_commit_callbacks, access
):
    community = community_create(title=f"Zeppelin {access} group", access=access)
    uploader = make_viewer("member", community)
    upload(
        community,
        uploader,
        title="Confidential budget options",
        name="options.docx",
        content=docx_bytes("Zeppelin hangar disposal"),
        capture=django_capture_on_commit_callbacks,
    )
    content_backend()
    for viewer_kind in VIEWERS:
        viewer = make_viewer(viewer_kind, community)
        result = LibrarySearchProvider().search(query="zeppelin hangar", user=viewer, limit=5)
        expected = 1 if viewer_kind in READERS[access] else 0
        assert (result.total, len(result.hits)) == (expected, expected), viewer_kind


def test_a_removed_file_is_never_found(home_page, content_backend, django_capture_on_commit_callbacks):
    from communities.services import library_file_remove

    community = community_create(title="Planning officers", access=Access.OPEN)
    member = make_viewer("member", community)
    document = upload(
        community,
        member,
        title="Local plan evidence base",
        name="evidence.pdf",
        content=pdf_bytes("Housing land supply"),
        capture=django_capture_on_commit_callbacks,
    )
    content_backend()
    assert LibrarySearchProvider().search(query="land supply", user=None, limit=5).total == 1
    with django_capture_on_commit_callbacks(execute=True):
        library_file_remove(file=document, actor=member)
    content_backend()
    for query in ("land supply", "local plan evidence"):
        assert LibrarySearchProvider().search(query=query, user=member, limit=5).total == 0


# --- The results page ----------------------------------------------------------------------


@pytest.fixture
def mixed(home_page, django_capture_on_commit_callbacks):
    """A listed service, a withdrawn one, and a file each in an open and a private community."""
    ServiceFactory(name="Audit committee effectiveness review", summary="Independent review of your audit committee.")
    ServiceFactory(name="Audit committee effectiveness refresher", withdrawn=True)
    open_community = community_create(title="Governance officers", access=Access.OPEN)
    private = community_create(title="Chief executives circle", access=Access.PRIVATE)
    member = UserFactory()
    MembershipFactory(community=open_community, user=member)
    MembershipFactory(community=private, user=member)
    upload(
        open_community,
        member,
        title="Committee terms of reference",
        name="terms.docx",
        content=docx_bytes("How the audit committee reviews its own effectiveness"),
        capture=django_capture_on_commit_callbacks,
    )
    upload(
        private,
        member,
        title="Audit committee chair appraisal",
        name="appraisal.pdf",
        content=pdf_bytes("Effectiveness of the chair"),
        capture=django_capture_on_commit_callbacks,
    )
    return {"member": member, "private": private}


def _group(results, key):
    return next(group for group in results.groups if group.key == key)


def _page(client, **params) -> str:
    """The results page's HTML, without the <mark>s that highlight the words searched for."""
    html = client.get("/search/", params).content.decode()
    return html.replace("<mark>", "").replace("</mark>", "")


def test_the_results_page_groups_and_counts_services_and_documents_as_the_viewer_may_see_them(client, mixed):
    html = _page(client, q="audit committee effectiveness")
    assert "Marketplace services (1)" in html
    assert "Community library documents (1)" in html
    assert "Audit committee effectiveness review" in html
    assert "Committee terms of reference" in html
    assert "refresher" not in html and "chair appraisal" not in html

    client.force_login(mixed["member"])
    html = _page(client, q="audit committee effectiveness")
    assert "Community library documents (2)" in html
    assert "Audit committee chair appraisal" in html
    only = _page(client, q="audit committee effectiveness", type="library")
    assert 'aria-current="true">Community library documents (2)' in only
    assert "Audit committee effectiveness review" not in only.split("</nav>", 1)[1]
    # Under the one type's h2, each result is an h3 (an h4 would skip a level).
    assert only.count('<h3 class="govuk-heading-s govuk-!-margin-bottom-1">') == 2 and "<h4" not in only


def test_the_total_counts_every_group(mixed):
    results = site_search(query="audit committee effectiveness", user=mixed["member"])
    assert _group(results, "services").total == 1
    assert _group(results, "library").total == 2
    assert results.total == sum(group.total for group in results.groups)


def test_the_results_page_makes_as_many_queries_for_many_results_as_for_few(
    client, mixed, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/search/", {"q": "audit committee effectiveness"}).status_code == 200
        return len(captured)

    client.force_login(mixed["member"])
    few = queries()
    for n in range(6):
        ServiceFactory(name=f"Audit committee effectiveness workshop {n}", provider=ProviderFactory())
        upload(
            mixed["private"],
            mixed["member"],
            title=f"Audit committee effectiveness self-assessment {n}",
            name=f"self-assessment-{n}.docx",
            content=docx_bytes("Questions for members"),
            capture=django_capture_on_commit_callbacks,
        )
    with django_assert_max_num_queries(few):
        html = client.get("/search/", {"q": "audit committee effectiveness"}).content.decode()
    assert "Marketplace services (7)" in html and "Community library documents (8)" in html


# --- Catching up what no save announced ------------------------------------------------------


def test_bulk_created_services_like_the_demos_are_found_once_the_demo_step_has_run(home_page):
    from search import demo

    provider = ProviderFactory()
    Service.objects.bulk_create(
        [
            Service(
                provider=provider,
                name="Audit committee effectiveness review",
                slug="audit-committee-effectiveness-review",
                summary="Independent review.",
                description="What happens.",
                category="governance",
                delivery_mode="blended",
                price_min=500,
                price_max=800,
                price_unit="per_day",
                is_published=True,
            )
        ]
    )
    assert ServiceSearchProvider().search(query="audit committee effectiveness", user=None, limit=5).total == 0
    lines = []
    demo.seed(options={}, log=lines.append)
    result = ServiceSearchProvider().search(query="audit committee effectiveness", user=None, limit=5)
    assert titles(result) == ["Audit committee effectiveness review"]
    assert "  site search index: 1 services" in lines


def test_search_rebuild_reads_documents_added_before_text_was_extracted(
    home_page, django_capture_on_commit_callbacks, capsys
):
    from django.core.management import call_command

    community = community_create(title="Finance officers", access=Access.OPEN)
    member = make_viewer("member", community)
    document = upload(
        community,
        member,
        title="Reserves strategy",
        name="reserves.pdf",
        content=pdf_bytes("General fund balances"),
        capture=django_capture_on_commit_callbacks,
    )
    # As a file added before this release is stored and indexed: by its title only.
    LibraryFile.objects.filter(pk=document.pk).update(text="")
    site_index_update()
    assert LibrarySearchProvider().search(query="general fund balances", user=None, limit=5).total == 0
    assert LibrarySearchProvider().search(query="reserves strategy", user=None, limit=5).total == 1
    call_command("search_rebuild")
    assert "Read the text of 1 library documents." in capsys.readouterr().out
    document.refresh_from_db()
    assert document.text == "General fund balances"
    assert LibrarySearchProvider().search(query="general fund balances", user=None, limit=5).total == 1


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's planner statistics")
def test_a_bulk_index_build_leaves_sqlite_statistics_for_the_search_index():
    """Without statistics SQLite runs the MATCH once per index entry (see site_index_update)."""
    ServiceFactory.create_batch(3, provider=ProviderFactory())
    site_index_update()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'wagtailsearch_indexentry'")
        assert cursor.fetchone()[0] > 0
