import pytest

from django.core.management import call_command

from accounts.models import CouncilTier, Organisation, OrganisationKind, tier_for_ons_code
from accounts.services import councils_load_from_ons, ons_council_records


@pytest.mark.parametrize(
    ("code", "tier"),
    [
        ("E06000001", CouncilTier.UNITARY),
        ("E07000223", CouncilTier.DISTRICT),
        ("E08000035", CouncilTier.METROPOLITAN_DISTRICT),
        ("E09000033", CouncilTier.LONDON_BOROUGH),
        ("E10000016", CouncilTier.COUNTY),
        ("W06000015", CouncilTier.WELSH_UNITARY),
    ],
)
def test_tier_is_derived_from_the_ons_code(code, tier):
    assert tier_for_ons_code(code) == tier


def test_a_code_that_is_not_a_council_is_refused():
    with pytest.raises(ValueError, match="not an ONS code for a council"):
        tier_for_ons_code("E92000001")


@pytest.mark.django_db
def test_every_council_in_the_ons_lookup_becomes_an_organisation_with_code_and_tier():
    records = ons_council_records()
    result = councils_load_from_ons()

    lower = {row["LTLA21CD"] for row in records}
    upper = {row["UTLA21CD"] for row in records}
    assert len(lower) == 331
    assert result.created == len(lower | upper)
    councils = Organisation.objects.filter(kind=OrganisationKind.COUNCIL)
    assert set(councils.values_list("ons_code", flat=True)) == lower | upper
    assert not councils.filter(tier="").exists()
    assert councils.filter(tier=CouncilTier.COUNTY).count() == len({code for code in upper if code.startswith("E10")})


@pytest.mark.django_db
def test_districts_point_at_their_county_and_unitaries_stand_alone():
    councils_load_from_ons()
    district = Organisation.objects.get(ons_code="E07000223")  # Adur, in West Sussex
    assert district.tier == CouncilTier.DISTRICT
    assert district.parent.name == "West Sussex"
    assert district.parent.tier == CouncilTier.COUNTY
    assert district.upper_tier == district.parent
    unitary = Organisation.objects.get(ons_code="E06000001")
    assert unitary.parent is None
    assert unitary.upper_tier == unitary
    assert Organisation.objects.get(ons_code="W06000015").nation == "Wales"


@pytest.mark.django_db
def test_loading_again_changes_nothing():
    councils_load_from_ons()
    before = list(Organisation.objects.order_by("pk").values())
    result = councils_load_from_ons()
    assert (result.created, result.updated) == (0, 0)
    assert result.unchanged == len(before)
    assert list(Organisation.objects.order_by("pk").values()) == before


@pytest.mark.django_db
def test_a_renamed_council_in_a_new_lookup_is_updated_in_place():
    councils_load_from_ons()
    records = [dict(row) for row in ons_council_records()]
    for row in records:
        if row["LTLA21CD"] == "E06000001":
            row["LTLA21NM"] = row["UTLA21NM"] = "Hartlepool Borough"
    result = councils_load_from_ons(records=records)
    assert result.updated == 1
    assert Organisation.objects.get(ons_code="E06000001").name == "Hartlepool Borough"


@pytest.mark.django_db
def test_load_councils_command_reports_progress_and_attribution(capsys):
    call_command("load_councils")
    out = capsys.readouterr().out
    assert "355 created" in out
    assert "Open Government Licence v3.0" in out
    call_command("load_councils")
    assert "0 created, 0 updated, 355 unchanged" in capsys.readouterr().out
