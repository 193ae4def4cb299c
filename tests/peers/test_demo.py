"""The peer programme's demo data: believable, idempotent, and ready for the demo people."""

import pytest

from django.apps import apps
from django.core.management import call_command

from accounts.models import User
from accounts.selectors import verified_organisation
from peers import selectors, services
from peers.models import Challenge, ChallengeKind, ChallengeStatus, PeerRecord


def peer_counts() -> dict[str, int]:
    return {m._meta.label: m.objects.count() for m in apps.get_app_config("peers").get_models()}


@pytest.mark.django_db
def test_seed_demo_twice_gives_one_programme_the_demo_people_can_use():
    options = {"only": ["accounts", "peers"], "people": 10, "peers": 80, "challenges": 30}
    call_command("seed_demo", **options)
    first = peer_counts()
    call_command("seed_demo", **options)
    assert peer_counts() == first

    assert PeerRecord.objects.count() == 80
    assert {c.status for c in Challenge.objects.all()} >= {
        ChallengeStatus.REQUESTED,
        ChallengeStatus.CONFIRMED,
        ChallengeStatus.IN_PROGRESS,
        ChallengeStatus.COMPLETED,
    }
    assert Challenge.objects.filter(kind=ChallengeKind.MEMBER_SUPPORT, free_days=5).count() == 1
    assert Challenge.objects.filter(council__ons_code__startswith="E0").exists()  # real councils

    officer = User.objects.get(email="officer@knowledgehub.example")
    assert verified_organisation(officer) is not None
    assert selectors.bookable_weeks()
    organiser = User.objects.get(email="organiser@knowledgehub.example")
    unmatched = Challenge.objects.filter(status=ChallengeStatus.CONFIRMED, team__isnull=True).first()
    proposal = services.team_propose(organiser=organiser, challenge=unmatched)
    assert proposal.picks
