"""Test settings: fast hashing, no throttling surprises, email kept in memory.

DATABASE_URL and REDIS_URL still apply, so the same suite runs on SQLite with the in-memory
channel layer and on PostgreSQL with channels-redis.
"""

from .base import *  # noqa: F403
from .base import DATABASES, REDIS_URL, STORAGES

SECRET_KEY = "test-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
if not REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Tests that exercise allauth's limits turn them back on explicitly.
ACCOUNT_RATE_LIMITS = False
SITE_URL = WAGTAILADMIN_BASE_URL = "http://testserver"
LOGGING["root"]["level"] = "WARNING"  # noqa: F405

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Every test closes its connections: live servers and async consumers run in threads whose
    # persistent connections would otherwise outlive the test. A lock left behind by one of them
    # then fails the waiting test with an error after half a minute instead of hanging the run.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = False
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        "-c lock_timeout=30s -c idle_in_transaction_session_timeout=120s -c statement_timeout=120s"
    )
