"""Lodging values by CSV: strict, kind validation, nothing saved on error, summary then confirm,
idempotent re-import, revisions kept, and data officers limited to their own council."""

import pytest

from django.core.exceptions import PermissionDenied

from accounts.factories import CouncilFactory, UserFactory
from benchmarking import services
from benchmarking.factories import AreaFactory, MetricFactory
from benchmarking.models import Upload, Value, ValueRevision, ValueType
from benchmarking.roles import DATA_EDITORS_GROUP, DATA_OFFICERS_GROUP
from tests.benchmarking.conftest import in_group

pytestmark = pytest.mark.django_db

HEADER = "area_code,metric_id,period,value,numerator,denominator,ci_lower,ci_upper,quality,note\n"


@pytest.fixture
def world():
    leeds = AreaFactory(organisation=CouncilFactory(name="Leeds", ons_code="E08000035", tier="metropolitan_district"))
    york = AreaFactory(organisation=CouncilFactory(name="York", ons_code="E06000014", tier="unitary"))
    MetricFactory(code="recycling", value_type=ValueType.PERCENTAGE)
    MetricFactory(code="homeless", value_type=ValueType.COUNT)
    editor = in_group(UserFactory(organisation=None), DATA_EDITORS_GROUP)
    officer = in_group(UserFactory(organisation=leeds.organisation), DATA_OFFICERS_GROUP)  # verified by default
    return {"leeds": leeds, "york": york, "editor": editor, "officer": officer}


def test_every_kind_of_error_is_reported_row_by_row_and_nothing_is_saved(world):
    raw = (
        HEADER
        + "E99999999,recycling,2023-24,40,,,,,,\n"  # 2 unknown area
        + "E08000035,no-such,2023-24,40,,,,,,\n"  # 3 unknown metric
        + "E08000035,recycling,2023-24,forty,,,,,,\n"  # 4 text for a number
        + "E08000035,recycling,2022-23,140,,,,,,\n"  # 5 percentage above 100
        + "E08000035,homeless,2023-24,-3,,,,,,\n"  # 6 negative count
        + "E08000035,homeless,2023 Q1,3,,,,,,\n"  # 7 period of the wrong type
        + "E06000014,recycling,2021-22,40,,,,,,\n"  # 8 fine
        + "E06000014,recycling,2021-22,41,,,,,,\n"  # 9 duplicate of row 8
        + "E07000150,recycling,2021-22,41,,,,,,\n"  # 10 a former council's code
    ).encode()
    upload, checked = services.upload_check(user=world["editor"], filename="bad.csv", raw=raw)
    assert upload is None
    found = {(error.row, error.column) for error in checked.errors}
    assert found == {
        (2, "area_code"),
        (3, "metric_id"),
        (4, "value"),
        (5, "value"),
        (6, "value"),
        (7, "period"),
        (9, "period"),
        (10, "area_code"),
    }
    assert all(error.fix for error in checked.errors)
    assert "became part of North Northamptonshire in 2021" in next(e.problem for e in checked.errors if e.row == 10)
    assert not Value.objects.exists()
    assert not Upload.objects.exists()


def test_a_valid_file_with_a_bom_is_summarised_then_imported_and_a_second_import_changes_nothing(world):
    raw = (
        "\ufeff".encode()
        + (
            HEADER
            + "E08000035,recycling,2023-24,40.5,,,38.1,42.9,,\n"
            + "E06000014,recycling,2023-24,,,,,,suppressed,small numbers\n"
            + "E06000014,homeless,2023-24,12,,,,,provisional,\n"
        ).encode()
    )
    upload, checked = services.upload_check(user=world["editor"], filename="good.csv", raw=raw)
    assert checked.errors == []
    assert checked.summary == "3 new values, 0 revisions, 0 unchanged"
    assert not Value.objects.exists()  # nothing until confirmed
    services.upload_confirm(upload=upload, user=world["editor"])
    assert Value.objects.count() == 3
    assert Value.objects.get(area=world["york"], metric__code="recycling").quality == "suppressed"

    again, checked = services.upload_check(user=world["editor"], filename="good.csv", raw=raw)
    assert checked.summary == "0 new values, 0 revisions, 3 unchanged"
    before = list(Value.objects.values_list("pk", "updated_at"))
    services.upload_confirm(upload=again, user=world["editor"])
    assert list(Value.objects.values_list("pk", "updated_at")) == before
    assert not ValueRevision.objects.exists()


def test_a_correction_is_a_revision_that_keeps_the_old_value(world):
    first, _ = services.upload_check(
        user=world["editor"], filename="a.csv", raw=(HEADER + "E08000035,recycling,2023-24,40,,,,,,\n").encode()
    )
    services.upload_confirm(upload=first, user=world["editor"])
    second, checked = services.upload_check(
        user=world["editor"], filename="b.csv", raw=(HEADER + "E08000035,recycling,2023-24,44,,,,,revised,\n").encode()
    )
    assert checked.summary == "0 new values, 1 revisions, 0 unchanged"
    services.upload_confirm(upload=second, user=world["editor"])
    cell = Value.objects.get()
    assert cell.value == 44
    revision = cell.revisions.get()
    assert (revision.previous_value, revision.new_value, revision.changed_by) == (40, 44, world["editor"])


def test_a_data_officer_cannot_lodge_for_another_council(world):
    raw = (HEADER + "E08000035,recycling,2023-24,40,,,,,,\nE06000014,recycling,2023-24,40,,,,,,\n").encode()
    with pytest.raises(PermissionDenied):
        services.upload_check(user=world["officer"], filename="x.csv", raw=raw)
    assert not Value.objects.exists()
    _held, checked = services.upload_check(user=world["officer"], filename="x.csv", raw=raw.rsplit(b"E06", 1)[0])
    assert checked.summary == "1 new values, 0 revisions, 0 unchanged"


def test_someone_without_a_data_role_or_a_verified_membership_cannot_lodge(world):
    unverified = in_group(
        UserFactory(organisation=world["leeds"].organisation, membership="pending"), DATA_OFFICERS_GROUP
    )
    with pytest.raises(PermissionDenied):
        services.upload_check(user=unverified, filename="x.csv", raw=HEADER.encode())
    with pytest.raises(PermissionDenied):
        services.upload_check(user=UserFactory(organisation=None), filename="x.csv", raw=HEADER.encode())


def test_a_file_that_is_not_utf8_or_lacks_columns_is_explained(world):
    _, checked = services.upload_check(user=world["editor"], filename="x.csv", raw="área".encode("latin-1"))
    assert "not UTF-8" in checked.errors[0].problem
    _, checked = services.upload_check(user=world["editor"], filename="x.csv", raw=b"area_code,value\n")
    assert {error.column for error in checked.errors} == {"metric_id", "period"}


def test_the_documented_example_file_loads_without_code_changes(world):
    from pathlib import Path

    from benchmarking import demo

    demo.metrics_ensure()
    raw = (Path(services.__file__).parent / "fixtures" / "example_values.csv").read_bytes()
    _held, checked = services.upload_check(user=world["editor"], filename="example_values.csv", raw=raw)
    assert checked.errors == []
    assert checked.summary == "6 new values, 0 revisions, 0 unchanged"
