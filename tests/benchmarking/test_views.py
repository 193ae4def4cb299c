"""Lodging through the form, and the restricted sector overview, as people on every side see them."""

import pytest

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.factories import CouncilFactory, UserFactory
from accounts.roles import Role
from accounts.services import user_set_role
from benchmarking.factories import AreaFactory, MetricFactory, PeriodFactory, ValueFactory
from benchmarking.models import Upload, Value
from benchmarking.roles import DATA_OFFICERS_GROUP, SECTOR_OVERVIEW_GROUP
from tests.benchmarking.conftest import in_group

pytestmark = pytest.mark.django_db

HEADER = b"area_code,metric_id,period,value\n"


@pytest.fixture
def world():
    leeds = AreaFactory(organisation=CouncilFactory(name="Leeds", ons_code="E08000035", tier="metropolitan_district"))
    york = AreaFactory(organisation=CouncilFactory(name="York", ons_code="E06000014", tier="unitary"))
    MetricFactory(code="recycling")
    officer = in_group(UserFactory(organisation=leeds.organisation), DATA_OFFICERS_GROUP)
    return {"leeds": leeds, "york": york, "officer": officer}


def _upload(client, content: bytes):
    return client.post(
        reverse("benchmarking:lodge"), {"file": SimpleUploadedFile("values.csv", content, content_type="text/csv")}
    )


def test_the_form_shows_a_summary_then_imports_on_confirm(client, world):
    client.force_login(world["officer"])
    response = _upload(client, HEADER + b"E08000035,recycling,2023-24,40\n")
    upload = Upload.objects.get()
    assert response.url == reverse("benchmarking:lodge_summary", args=[upload.pk])
    summary = client.get(response.url)
    assert "1 new values, 0 revisions, 0 unchanged" in summary.content.decode()
    assert not Value.objects.exists()
    client.post(reverse("benchmarking:lodge_confirm", args=[upload.pk]))
    assert Value.objects.get().value == 40


def test_the_form_reports_errors_row_by_row_on_an_error_page(client, world):
    client.force_login(world["officer"])
    response = _upload(client, HEADER + b"E08000035,recycling,2023-24,lots\nE08000035,nope,2023-24,1\n")
    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert "“lots” is not a number." in page and "“nope” is not a metric id." in page
    assert not Value.objects.exists() and not Upload.objects.exists()


def test_a_data_officer_cannot_lodge_for_another_council_through_the_form(client, world):
    client.force_login(world["officer"])
    assert _upload(client, HEADER + b"E06000014,recycling,2023-24,40\n").status_code == 403
    assert not Value.objects.exists() and not Upload.objects.exists()


def test_someone_else_cannot_see_or_confirm_an_upload(client, world):
    client.force_login(world["officer"])
    _upload(client, HEADER + b"E08000035,recycling,2023-24,40\n")
    upload = Upload.objects.get()
    client.force_login(UserFactory(organisation=None))
    assert client.get(reverse("benchmarking:lodge_summary", args=[upload.pk])).status_code == 404
    assert client.post(reverse("benchmarking:lodge_confirm", args=[upload.pk])).status_code == 404
    assert not Value.objects.exists()


def test_a_member_without_a_data_role_may_not_lodge(client, world):
    client.force_login(UserFactory(organisation=None))
    assert client.get(reverse("benchmarking:lodge")).status_code == 403


@pytest.fixture
def overview_data(world):
    metric = MetricFactory(code="satisfaction", is_core=True)
    for year in (PeriodFactory(code="2022-23"), PeriodFactory(code="2023-24")):
        ValueFactory(metric=metric, area=world["leeds"], period=year, value=50)
    return world


def test_the_sector_overview_is_a_404_from_every_other_side(client, overview_data):
    url = reverse("benchmarking:sector_overview")
    assert client.get(url).status_code == 404  # anonymous
    member = UserFactory(organisation=None)
    moderator = UserFactory(organisation=None)
    user_set_role(user=moderator, role=Role.MODERATOR)
    editor = UserFactory(organisation=None)
    user_set_role(user=editor, role=Role.SITE_EDITOR)
    for person in (member, overview_data["officer"], moderator, editor):
        client.force_login(person)
        assert client.get(url).status_code == 404, person
    client.force_login(in_group(UserFactory(organisation=None), SECTOR_OVERVIEW_GROUP))
    allowed = client.get(url)
    assert allowed.status_code == 200
    assert allowed["X-Robots-Tag"] == "noindex, nofollow"


def test_nothing_of_the_sector_overview_appears_in_search(client, overview_data):
    client.force_login(overview_data["officer"])
    for query in ("sector overview", "worst quartile"):
        page = client.get(reverse("search:site_search"), {"q": query}).content.decode()
        assert reverse("benchmarking:sector_overview") not in page
    # Its link is on the account page of its role only.
    assert reverse("benchmarking:sector_overview") not in client.get(reverse("accounts:overview")).content.decode()
