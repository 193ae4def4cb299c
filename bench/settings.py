"""Benchmark settings: production-like (DEBUG off, real middleware) on a separate database.

The embedded defaults apply unless DATABASE_URL / REDIS_URL / ELASTICSEARCH_URL are set, so
`make bench` measures the same stack `make run` serves; point it at PostgreSQL to measure that.
"""

from config.settings.base import *  # noqa: F403
from config.settings.base import BASE_DIR, SQLITE_INIT_COMMAND, STORAGES, env

SECRET_KEY = "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = "bench.urls"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'bench.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {"init_command": SQLITE_INIT_COMMAND}
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "ERROR"}}
# Keep connections open between requests, as production does (base.py sets this for PostgreSQL).
DATABASES["default"]["CONN_MAX_AGE"] = 60
WHITENOISE_USE_FINDERS = True
# Serve the source static files directly; benchmarks never run collectstatic.
STATIC_ROOT = BASE_DIR / "static"
