"""Factories for people and organisations: used by tests and by `seed_demo`."""

import factory
from factory.django import DjangoModelFactory

from accounts.models import Organisation, OrganisationKind, Profile, Sector, User


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ["slug"]

    name = factory.Faker("company")
    slug = factory.Sequence(lambda n: f"organisation-{n}")
    kind = OrganisationKind.BUSINESS


class CouncilFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"Test Borough {n}")
    slug = factory.Sequence(lambda n: f"test-borough-{n}")
    kind = OrganisationKind.COUNCIL
    ons_code = factory.Sequence(lambda n: f"E06{n:06d}")
    tier = "unitary"


class UserFactory(DjangoModelFactory):
    """A signed-up person with a verified email address, a verified membership of their
    organisation (`membership="pending"` or `"refused"` for another state, False for none) and a
    profile."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    organisation = factory.SubFactory(CouncilFactory)
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        if not create:
            return
        from allauth.account.models import EmailAddress

        self.save()
        EmailAddress.objects.get_or_create(
            user=self,
            email=self.email,
            defaults={"primary": True, "verified": extracted is not False},
        )

    @factory.post_generation
    def membership(self, create, extracted, **kwargs):
        if not create or self.organisation_id is None or extracted is False:
            return
        from accounts.models import MembershipStatus, OrganisationMembership

        OrganisationMembership.objects.get_or_create(
            user=self,
            organisation_id=self.organisation_id,
            defaults={"status": extracted or MembershipStatus.VERIFIED, **kwargs},
        )

    @factory.post_generation
    def profile(self, create, extracted, **kwargs):
        if create:
            ProfileFactory(user=self, **kwargs)


class ProfileFactory(DjangoModelFactory):
    class Meta:
        model = Profile
        django_get_or_create = ["user"]

    user = factory.SubFactory(UserFactory)
    job_title = factory.Faker("job", locale="en_GB")
    sector = Sector.LOCAL_GOVERNMENT
