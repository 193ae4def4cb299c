"""/healthz reports the state of each part the site depends on.

The "down" cases run the site in a separate process pointed at addresses where nothing
listens, so the real database driver and Redis client meet a real refused connection.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import django, json
django.setup()
from django.test import Client
response = Client().get("/healthz")
print(json.dumps({"status_code": response.status_code, "body": response.json()}))
"""


def healthz_in_subprocess(**env_overrides) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "ELASTICSEARCH_URL"}}
    env.update(DJANGO_SETTINGS_MODULE="config.settings.test", **env_overrides)
    completed = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=True
    )
    return json.loads(completed.stdout.strip().splitlines()[-1])


@pytest.mark.django_db
def test_healthz_is_200_with_every_part_named_when_all_are_up(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["down"] == []
    assert set(body["checks"]) == {"database", "cache", "channel_layer", "search"}
    assert all(check["ok"] for check in body["checks"].values())
    assert response["Cache-Control"].startswith("max-age=0")


def test_healthz_is_503_naming_the_database_when_it_is_unreachable():
    result = healthz_in_subprocess(DATABASE_URL="postgres://postgres:postgres@127.0.0.1:1/knowledgehub")
    assert result["status_code"] == 503
    assert "database" in result["body"]["down"]
    assert "cache" not in result["body"]["down"]
    assert result["body"]["checks"]["database"]["backend"].startswith("postgresql")


def test_healthz_is_503_naming_redis_when_it_is_unreachable(tmp_path):
    result = healthz_in_subprocess(
        DATABASE_URL=f"sqlite:///{tmp_path / 'health.sqlite3'}", REDIS_URL="redis://127.0.0.1:1/0"
    )
    assert result["status_code"] == 503
    assert set(result["body"]["down"]) == {"cache", "channel_layer"}
    assert result["body"]["checks"]["channel_layer"]["backend"].startswith("redis")


def test_deploy_checks_pass_with_production_variables(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "ELASTICSEARCH_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY="x" * 20 + "production-like-secret-key-for-the-deploy-check-0123456789",
        ALLOWED_HOSTS="knowledgehub.example.org",
        DATABASE_URL=f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        EMAIL_URL="smtp+tls://mailer:secret@smtp.example.org:587",
    )
    completed = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "System check identified no issues" in completed.stdout
