"""The demo data: made once, and what the acceptance list promises is there."""

import pytest

from django.apps import apps
from django.core.management import call_command

from accountability.models import Assessment, Rating, Simulation


def counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_app_config("accountability").get_models()}


@pytest.mark.django_db
def test_seed_demo_makes_two_published_simulators_and_an_assessment_in_progress_once(client):
    call_command("seed_demo", only="accountability")
    first = counts()
    published = Simulation.objects.filter(status="published")
    assert published.count() >= 2
    assert all(simulation.responses.filter(excluded=False).exists() for simulation in published)
    assert published.filter(results_published=True).exists()
    assessment = Assessment.objects.get(status="open")
    assert Rating.objects.filter(respondent__assessment=assessment).exists()
    # Reachable from the home page's panel and the navigation.
    index = client.get("/accountability/")
    for simulation in published:
        assert f"/budget-simulator/{simulation.pk}/".encode() in index.content
    call_command("seed_demo", only="accountability")
    assert counts() == first
