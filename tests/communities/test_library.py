"""The community library: members upload into folders; type and size are checked."""

import pytest

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from communities.models import LibraryFile
from tests.communities.conftest import make_viewer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.COMMUNITIES_PRIVATE_ROOT = tmp_path


def test_members_upload_documents_into_folders(make_community):
    community = make_community("restricted")
    member = make_viewer("member", community)
    client = Client()
    client.force_login(member)
    response = client.post(
        f"/communities/{community.slug}/library/",
        {
            "title": "Rough sleeping count 2026",
            "folder": "Data",
            "file": SimpleUploadedFile("count.csv", b"ward,count\n"),
        },
    )
    assert response.status_code == 302
    document = LibraryFile.objects.get()
    assert document.folder.name == "Data"
    page = client.get(f"/communities/{community.slug}/library/").text
    assert "Rough sleeping count 2026" in page and ">Data<" in page


def test_files_of_the_wrong_type_are_refused_and_the_form_keeps_what_was_typed(make_community):
    community = make_community("open")
    member = make_viewer("member", community)
    client = Client()
    client.force_login(member)
    response = client.post(
        f"/communities/{community.slug}/library/",
        {"title": "Totally a spreadsheet", "folder": "", "file": SimpleUploadedFile("run.html", b"<script>")},
    )
    assert response.status_code == 200
    assert "must be a PDF" in response.text
    assert 'value="Totally a spreadsheet"' in response.text
    assert not LibraryFile.objects.exists()


def test_non_members_cannot_upload_even_to_open_communities(make_community):
    community = make_community("open")
    outsider = make_viewer("non_member", community)
    client = Client()
    client.force_login(outsider)
    response = client.post(
        f"/communities/{community.slug}/library/",
        {"title": "Spam", "file": SimpleUploadedFile("spam.pdf", b"%PDF")},
    )
    assert response.status_code == 404
    assert not LibraryFile.objects.exists()
