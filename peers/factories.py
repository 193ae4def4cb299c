"""Factories for the peer programme: used by tests, the demo data and the benchmark."""

from datetime import timedelta

import factory
from factory.django import DjangoModelFactory

from accounts.factories import UserFactory
from peers.models import (
    AvailabilityWindow,
    Challenge,
    PeerKind,
    PeerRecord,
    ProgrammeWeek,
    programme_end,
    programme_start,
)


class PeerRecordFactory(DjangoModelFactory):
    """An accredited peer, free for the whole programme unless `windows=[...]` says otherwise."""

    class Meta:
        model = PeerRecord
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory, profile__peer_accredited=True, profile__peer_status="officer")
    kind = PeerKind.SENIOR_OFFICER
    roles = factory.LazyFunction(lambda: ["senior_officer"])
    days_offered = 20

    @factory.post_generation
    def windows(self, create, extracted, **kwargs):
        if not create:
            return
        spans = extracted if extracted is not None else [(programme_start(), programme_end())]
        AvailabilityWindow.objects.bulk_create(
            [AvailabilityWindow(record=self, starts_on=start, ends_on=end) for start, end in spans]
        )


def programme_monday(weeks_in: int = 40):
    """The Monday `weeks_in` weeks after the programme's first Monday."""
    start = programme_start()
    return start + timedelta(days=(7 - start.weekday()) % 7 + 7 * weeks_in)


class ProgrammeWeekFactory(DjangoModelFactory):
    class Meta:
        model = ProgrammeWeek
        django_get_or_create = ["starts_on"]

    starts_on = factory.LazyFunction(
        lambda: programme_start() + timedelta(days=(7 - programme_start().weekday()) % 7 + 7 * 60)
    )


class ChallengeFactory(DjangoModelFactory):
    class Meta:
        model = Challenge

    council = factory.SubFactory("accounts.factories.CouncilFactory")
    week = factory.SubFactory(ProgrammeWeekFactory)
    contact_name = "Chief executive's office"
    contact_email = factory.Sequence(lambda n: f"ceo{n}@council.example")
