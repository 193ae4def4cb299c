"""The demo's people are verified members of their organisations, through its domains."""

import pytest

from django.core.management import call_command

from accounts.models import MembershipStatus, Organisation, OrganisationDomain, OrganisationMembership, User
from accounts.selectors import verified_organisation
from accounts.services import organisation_for_email


@pytest.mark.django_db
def test_demo_people_are_verified_members_and_seeding_again_changes_nothing():
    call_command("seed_demo", people=20, only=["accounts"])
    leeds = Organisation.objects.get(ons_code="E08000035")
    assert {"leeds.gov.uk", "leeds.example"} <= set(leeds.domains.values_list("domain", flat=True))
    assert organisation_for_email(email="newuser@leeds.example") == leeds
    assert not OrganisationDomain.objects.filter(organisation__abolished_on__isnull=False).exists()
    people = list(User.objects.exclude(organisation=None))
    assert len(people) >= 20
    assert all(verified_organisation(person) == person.organisation for person in people)
    officer = User.objects.get(email="officer@knowledgehub.example")
    assert OrganisationMembership.objects.get(user=officer, organisation=leeds).is_admin
    before = (
        list(OrganisationDomain.objects.order_by("pk").values()),
        list(OrganisationMembership.objects.order_by("pk").values()),
    )

    call_command("seed_demo", people=20, only=["accounts"])

    assert before == (
        list(OrganisationDomain.objects.order_by("pk").values()),
        list(OrganisationMembership.objects.order_by("pk").values()),
    )
    assert not OrganisationMembership.objects.exclude(status=MembershipStatus.VERIFIED).exists()
