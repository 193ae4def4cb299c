"""The community library: members upload into folders; type and size are checked."""

import os

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


# --- Removal ----------------------------------------------------------------------------


def _upload(community, uploader, title="Budget workings 2026"):
    from communities.services import library_file_add

    return library_file_add(
        community=community,
        actor=uploader,
        title=title,
        upload=SimpleUploadedFile("budget.csv", b"line,amount\n"),
    )


def _remove_url(document) -> str:
    return f"/communities/{document.community.slug}/library/{document.pk}/remove/"


@pytest.mark.parametrize("remover", ["uploader", "moderator", "facilitator", "site_moderator"])
def test_the_uploader_and_moderators_remove_a_file_and_it_is_gone_everywhere(
    make_community, remover, django_capture_on_commit_callbacks
):
    from communities.models import AuditEntry

    community = make_community("restricted")
    uploader = make_viewer("member", community)
    document = _upload(community, uploader)
    stored = document.file.storage.path(document.file.name)
    download = f"/communities/{community.slug}/library/{document.pk}/download/"
    actor = uploader if remover == "uploader" else make_viewer(remover, community)
    client = Client()
    client.force_login(actor)
    library = client.get(f"/communities/{community.slug}/library/").text
    assert f'href="{_remove_url(document)}"' in library
    assert '<span class="govuk-visually-hidden"> Budget workings 2026</span>' in library
    assert client.get(download).status_code == 200

    confirm = client.get(_remove_url(document))
    assert confirm.status_code == 200
    assert "Are you sure you want to remove “Budget workings 2026”?" in confirm.text
    assert "govuk-button--warning" in confirm.text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_remove_url(document), follow=True)

    assert response.redirect_chain[-1][0] == f"/communities/{community.slug}/library/"
    assert "govuk-notification-banner--success" in response.text
    assert "The file has been removed from the library." in response.text
    assert "Budget workings 2026" not in response.text
    assert not LibraryFile.objects.exists()
    assert not document.file.storage.exists(document.file.name)
    assert not os.path.exists(stored)
    assert client.get(download).status_code == 404
    assert client.get(_remove_url(document)).status_code == 404
    assert "Budget workings 2026" not in client.get(community.url).text
    entry = AuditEntry.objects.get(community=community)
    assert (entry.actor, entry.action) == (actor, "removed")
    assert "Budget workings 2026" in entry.target


@pytest.mark.parametrize("kind", ["member", "non_member", "suspended"])
def test_other_people_are_refused_and_shown_no_remove_link(make_community, kind):
    community = make_community("open")
    document = _upload(community, make_viewer("member", community))
    client = Client()
    client.force_login(make_viewer(kind, community))
    assert _remove_url(document) not in client.get(f"/communities/{community.slug}/library/").text
    assert client.get(_remove_url(document)).status_code == 403
    assert client.post(_remove_url(document)).status_code == 403
    assert LibraryFile.objects.filter(pk=document.pk).exists()


def test_anonymous_visitors_are_sent_to_sign_in(make_community):
    community = make_community("open")
    document = _upload(community, make_viewer("member", community))
    response = Client().post(_remove_url(document))
    assert response.status_code == 302 and "login" in response["Location"]
    assert LibraryFile.objects.filter(pk=document.pk).exists()


def test_a_file_whose_uploader_has_gone_is_removable_by_moderators_only(make_community):
    from django.core.exceptions import PermissionDenied

    from communities.services import library_file_remove

    community = make_community("open")
    uploader = make_viewer("member", community)
    document = _upload(community, uploader)
    uploader.delete()
    document.refresh_from_db()
    with pytest.raises(PermissionDenied):
        library_file_remove(file=document, actor=make_viewer("member", community))
    library_file_remove(file=document, actor=make_viewer("moderator", community))
    assert not LibraryFile.objects.exists()


def test_a_removal_that_rolls_back_keeps_the_stored_file(make_community, django_capture_on_commit_callbacks):
    from django.db import transaction

    from communities.services import library_file_remove

    community = make_community("open")
    uploader = make_viewer("member", community)
    document = _upload(community, uploader)
    pk, name = document.pk, document.file.name
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                library_file_remove(file=document, actor=uploader)
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
    assert callbacks == []
    assert LibraryFile.objects.filter(pk=pk).exists()
    assert LibraryFile.objects.get(pk=pk).file.storage.exists(name)
