"""Checks of the parts the site depends on, for /healthz.

Each check returns (ok, detail). They are kept short and time-limited so a load balancer gets
its answer quickly even when a dependency hangs.
"""

from django.conf import settings
from django.core.cache import cache
from django.db import connection

CHECK_TIMEOUT_SECONDS = 3


def check_database() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # noqa: BLE001 - any driver error means "down"
        return False, f"{connection.vendor}: {type(error).__name__}"
    return True, connection.vendor


def check_cache() -> tuple[bool, str]:
    backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 2)[-2]
    try:
        cache.set("healthz", "ok", timeout=10)
        ok = cache.get("healthz") == "ok"
    except Exception as error:  # noqa: BLE001 - any failure means "down"
        return False, f"{backend}: {type(error).__name__}"
    return ok, backend


def check_channel_layer() -> tuple[bool, str]:
    layer_backend = settings.CHANNEL_LAYERS["default"]["BACKEND"]
    if "redis" not in layer_backend.lower():
        return True, "in-memory"
    import redis

    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL,
            socket_connect_timeout=CHECK_TIMEOUT_SECONDS,
            socket_timeout=CHECK_TIMEOUT_SECONDS,
        )
        client.ping()
        client.close()
    except Exception as error:  # noqa: BLE001 - any failure means "down"
        return False, f"redis: {type(error).__name__}"
    return True, "redis"


def check_search() -> tuple[bool, str]:
    if not settings.ELASTICSEARCH_URL:
        # The database backend is up exactly when the database is.
        return check_database()[0], "database"
    from elasticsearch import Elasticsearch

    try:
        client = Elasticsearch(settings.ELASTICSEARCH_URL, request_timeout=CHECK_TIMEOUT_SECONDS)
        ok = bool(client.ping())
    except Exception as error:  # noqa: BLE001 - any failure means "down"
        return False, f"elasticsearch: {type(error).__name__}"
    return ok, "elasticsearch"


CHECKS = {
    "database": check_database,
    "cache": check_cache,
    "channel_layer": check_channel_layer,
    "search": check_search,
}


def run_checks() -> dict:
    results = {}
    for name, check in CHECKS.items():
        ok, detail = check()
        results[name] = {"ok": ok, "backend": detail}
    down = [name for name, result in results.items() if not result["ok"]]
    return {
        "status": "ok" if not down else "unavailable",
        "down": down,
        "checks": results,
    }
