import pytest

from django.apps import apps
from django.core.management import call_command
from django.test import Client


def row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


@pytest.mark.django_db
def test_seed_demo_twice_creates_everything_once_and_demo_accounts_sign_in(capsys):
    call_command("seed_demo", people=40)
    first = row_counts()
    out = capsys.readouterr().out
    assert "Demo data is ready" in out
    assert first["accounts.Organisation"] >= 355
    assert first["accounts.User"] >= 40

    call_command("seed_demo", people=40)
    second = row_counts()
    grown = {label: (first[label], second[label]) for label in first if second[label] != first[label]}
    # Wagtail's reference index and logs, and the people index's change log (one row per
    # rebuild, pruned by the search app), may be rewritten; content must not be duplicated.
    for log in ["wagtailcore.ReferenceIndex", "wagtailcore.ModelLogEntry", "search.IndexChange"]:
        grown.pop(log, None)
    assert grown == {}

    client = Client()
    for email in ["admin@knowledgehub.example", "editor@knowledgehub.example", "moderator@knowledgehub.example"]:
        response = client.post("/accounts/login/", {"login": email, "password": "knowledge-hub-demo"})
        assert response.status_code == 302, email
        client.logout()
