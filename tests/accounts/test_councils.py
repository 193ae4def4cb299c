from datetime import date

import pytest

from django.core.management import call_command
from django.utils.text import slugify

from accounts.factories import UserFactory
from accounts.forms import ProfileForm, SignupForm
from accounts.models import CouncilTier, Organisation, OrganisationKind, tier_for_ons_code
from accounts.ons import RegisterMismatch, council_register, lookup_2021_records, today_council_codes
from accounts.selectors import organisation_lineage_ids
from accounts.services import councils_load_from_ons


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


def _load_2021_list() -> None:
    """What the old loader left in a database: every 2021 council, districts under counties."""
    rows = lookup_2021_records()
    names = {**{r["UTLA21CD"]: r["UTLA21NM"] for r in rows}, **{r["LTLA21CD"]: r["LTLA21NM"] for r in rows}}
    orgs = {
        code: Organisation.objects.create(
            name=name,
            slug=f"{slugify(name)}-{code.lower()}",
            kind=OrganisationKind.COUNCIL,
            ons_code=code,
            tier=tier_for_ons_code(code),
        )
        for code, name in sorted(names.items(), key=lambda item: not item[0].startswith("E10"))
    }
    for row in rows:
        if row["LTLA21CD"] != row["UTLA21CD"]:
            Organisation.objects.filter(pk=orgs[row["LTLA21CD"]].pk).update(parent=orgs[row["UTLA21CD"]])


@pytest.fixture(scope="module")
def register():
    return council_register()


@pytest.mark.django_db
def test_a_fresh_database_gets_todays_councils_and_their_2023_predecessors_abolished(register):
    result = councils_load_from_ons(register=register)

    current = Organisation.objects.current().filter(kind=OrganisationKind.COUNCIL)
    assert current.count() == len(register.current) == 339
    assert result.created == 339 + 18
    for code, name in [("E06000063", "Cumberland"), ("E06000064", "Westmorland and Furness")]:
        assert current.get(ons_code=code).name == name
    for name, code in [("North Yorkshire", "E06000065"), ("Somerset", "E06000066")]:
        council = Organisation.objects.get(name=name)
        assert (council.ons_code, council.tier, council.parent) == (code, CouncilTier.UNITARY, None)
        assert not council.children.filter(abolished_on=None).exists()
    assert not current.filter(name__in=["Allerdale", "Selby", "South Somerset", "Cumbria"]).exists()
    selby = Organisation.objects.get(name="Selby")
    assert selby.abolished_on == date(2023, 4, 1)
    assert selby.successor.name == "North Yorkshire"
    assert Organisation.objects.get(name="Allerdale").successor.name == "Cumberland"
    assert Organisation.objects.get(name="Cumbria").abolished_on == date(2023, 4, 1)
    assert len(result.retired) == 18
    assert Organisation.objects.get(ons_code="E08000038").name == "Barnsley"


@pytest.mark.django_db
def test_loading_again_changes_nothing(register):
    councils_load_from_ons(register=register)
    before = list(Organisation.objects.order_by("pk").values())
    result = councils_load_from_ons(register=register)
    assert (result.created, result.updated, result.renamed, result.retired) == (0, 0, [], [])
    assert result.unchanged == len(before)
    assert list(Organisation.objects.order_by("pk").values()) == before


@pytest.mark.django_db
def test_a_database_with_the_2021_list_migrates_without_losing_anyone(register):
    _load_2021_list()
    county = Organisation.objects.get(ons_code="E10000023")
    selby = Organisation.objects.get(ons_code="E07000169")
    barnsley = Organisation.objects.get(ons_code="E08000016")
    at_selby = UserFactory(organisation=selby)
    at_county = UserFactory(organisation=county)
    count_before = Organisation.objects.count()

    result = councils_load_from_ons(register=register)

    # Only the two councils 2023 created are new; everyone stays where they were.
    assert sorted(result.added) == ["Cumberland (E06000063)", "Westmorland and Furness (E06000064)"]
    assert Organisation.objects.count() == count_before + 2
    at_selby.refresh_from_db()
    at_county.refresh_from_db()
    assert at_selby.organisation_id == selby.pk
    assert at_county.organisation_id == county.pk
    county.refresh_from_db()
    assert (county.ons_code, county.tier, county.parent) == ("E06000065", CouncilTier.UNITARY, None)
    selby.refresh_from_db()
    assert (selby.abolished_on, selby.successor_id) == (date(2023, 4, 1), county.pk)
    barnsley.refresh_from_db()
    assert barnsley.ons_code == "E08000038"
    assert "North Yorkshire (E10000023) is now North Yorkshire (E06000065)" in result.renamed
    assert "Selby (E07000169), abolished 1 April 2023: now North Yorkshire" in result.retired
    assert len(result.retired) == 18
    again = councils_load_from_ons(register=register)
    assert (again.created, again.updated, again.renamed, again.retired) == (0, 0, [], [])


def test_a_council_the_sources_cannot_explain_stops_the_load():
    with pytest.raises(RegisterMismatch, match="E06000099"):
        council_register(today_codes=today_council_codes() | {"E06000099"})
    with pytest.raises(RegisterMismatch, match="E07000223"):
        council_register(today_codes=today_council_codes() - {"E07000223"})


@pytest.mark.django_db
def test_a_successor_finds_its_predecessors_and_pickers_offer_only_current_councils(register):
    councils_load_from_ons(register=register)
    north_yorkshire = Organisation.objects.get(ons_code="E06000065")
    lineage = Organisation.objects.filter(pk__in=organisation_lineage_ids(organisation=north_yorkshire))
    assert set(lineage.values_list("name", flat=True)) == {
        "North Yorkshire",
        "Craven",
        "Hambleton",
        "Harrogate",
        "Richmondshire",
        "Ryedale",
        "Scarborough",
        "Selby",
    }
    offered = {label for _, label in SignupForm().fields["organisation"].choices}
    assert "Cumberland" in offered
    assert "Selby" not in offered


@pytest.mark.django_db
def test_profile_form_keeps_the_abolished_organisation_a_person_already_has(register):
    councils_load_from_ons(register=register)
    selby = Organisation.objects.get(name="Selby")
    form = ProfileForm(initial={"organisation": selby.pk}, current=selby)
    assert "Selby (abolished 2023)" in {label for _, label in form.fields["organisation"].choices}


@pytest.mark.django_db
def test_load_councils_command_reports_what_it_added_renamed_and_retired(capsys):
    call_command("load_councils")
    out = capsys.readouterr().out
    assert "357 created" in out
    assert "18 retired" in out
    assert "Selby (E07000169), abolished 1 April 2023: now North Yorkshire" in out
    assert "Open Government Licence v3.0" in out
    call_command("load_councils")
    out = capsys.readouterr().out
    assert "0 created, 0 updated, 357 unchanged" in out
    assert "0 renamed, 0 retired" in out


@pytest.mark.django_db
def test_districts_point_at_their_county_and_unitaries_stand_alone(register):
    councils_load_from_ons(register=register)
    district = Organisation.objects.get(ons_code="E07000223")  # Adur, in West Sussex
    assert district.tier == CouncilTier.DISTRICT
    assert district.parent.name == "West Sussex"
    assert district.parent.tier == CouncilTier.COUNTY
    assert district.upper_tier == district.parent
    unitary = Organisation.objects.get(ons_code="E06000001")
    assert unitary.parent is None
    assert unitary.upper_tier == unitary
    assert Organisation.objects.get(ons_code="W06000015").nation == "Wales"
