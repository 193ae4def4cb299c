"""Settings for the Knowledge Hub.

One code path for every environment. What changes between a laptop and production is read
from environment variables; with none of them set the site runs on its embedded defaults:
SQLite, the in-memory channel layer, a local-memory cache, Wagtail's database search backend
and email printed to the console.

    DATABASE_URL       postgres://user:pass@host:5432/name      (default: SQLite file)
    REDIS_URL          redis://host:6379/0   channel layer + cache (default: in-memory)
    ELASTICSEARCH_URL  http://host:9200      search backend        (default: database)
    EMAIL_URL          smtp+tls://user:pass@host:587, consolemail://, filemail:///path
    SECRET_KEY, ALLOWED_HOSTS, CSRF_TRUSTED_ORIGINS, DEBUG, DEFAULT_FROM_EMAIL
"""

import datetime
from pathlib import Path

import environ
from csp.constants import NONE, SELF

from config.csp import policy_extended

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
# No default here: dev.py and test.py provide throwaway keys, production must set one.
SECRET_KEY = env.str("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

WAGTAIL_SITE_NAME = "Knowledge Hub"
# The one public address of the site: every absolute link in emails and feeds (home/links.py),
# Wagtail's admin links, and the Sites framework row and default Wagtail site that
# setup_site and migrate keep in step with it (home/services.site_records_sync).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
WAGTAILADMIN_BASE_URL = SITE_URL

INSTALLED_APPS = [
    # Project apps first so their templates override third-party ones.
    "home",
    "accounts",
    "hub",
    "communities",
    "search",
    "marketplace",
    "benchmarking",
    "peers",
    "accountability",
    "channels",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "allauth",
    "allauth.account",
    "crispy_forms",
    "crispy_forms_gds",
    "django_comments_xtd",
    "django_comments",
    "rest_framework",
    "csp",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sites",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise (static files need no policy), before everything that renders a page.
    "config.csp.SiteCSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "home.context_processors.navigation",
            ],
        },
    },
]

SQLITE_INIT_COMMAND = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA mmap_size=1073741824;"

# --- Database ---------------------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Memory-mapped reads: pages come straight from the operating system's cache instead of
    # being copied into each connection's small page cache (the search indexes are read hard).
    # WAL lets readers carry on while a writer commits: the ASGI server and the
    # seeding command can share the file without "database is locked". IMMEDIATE takes the
    # write lock when a transaction begins, so a transaction that reads and then writes
    # waits its turn (up to the timeout) instead of failing when another commits first.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": SQLITE_INIT_COMMAND,
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: channel layer and cache ------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # redis-py 8 defaults socket_timeout to 5 s, which drops every idle consumer
            # (channels_redis issue 422): keep sockets open until Redis closes them.
            "CONFIG": {"hosts": [{"address": REDIS_URL, "socket_timeout": None}]},
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "kh",
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Search -----------------------------------------------------------------------------
ELASTICSEARCH_URL = env.str("ELASTICSEARCH_URL", default="")
SEARCH_INDEX_PREFIX = env.str("SEARCH_INDEX_PREFIX", default="knowledgehub")
if ELASTICSEARCH_URL:
    WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": "wagtail.search.backends.elasticsearch8",
            "URLS": [ELASTICSEARCH_URL],
            "INDEX_PREFIX": f"{SEARCH_INDEX_PREFIX}_",
            "TIMEOUT": 10,
        }
    }
else:
    WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}

# --- Email ------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Knowledge Hub <noreply@knowledgehub.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Accounts ---------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
# Confirming the email in the browser that signed up signs the person straight in.
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = "Knowledge Hub: "
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_FORMS = {
    "login": "accounts.forms.LoginForm",
    "signup": "accounts.forms.SignupForm",
    "add_email": "accounts.forms.AddEmailForm",
    "change_password": "accounts.forms.ChangePasswordForm",
    "set_password": "accounts.forms.SetPasswordForm",
    "reset_password": "accounts.forms.ResetPasswordForm",
    "reset_password_from_key": "accounts.forms.ResetPasswordKeyForm",
}
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_DEFAULT_HTTP_PROTOCOL = env.str("ACCOUNT_DEFAULT_HTTP_PROTOCOL", default="http")
# --- Sign-in rate limits (allauth) -------------------------------------------------------
# Spelled out so they are easy to review; every limit that is hit answers 429 with
# templates/429.html (a failed sign-in too: accounts.adapters.AccountAdapter). Windows are a
# minute or an hour, which is what the 429 page tells people.
#   login          every sign-in attempt: 30 a minute from one address.
#   login_failed   wrong passwords: 10 a minute and 20 an hour from one address, and 5 a minute
#                  for one account from anywhere. allauth keys the account limit by email
#                  alone, so someone elsewhere can trip it; it lasts a minute, and their
#                  address runs out of its 20 an hour after 4 such minutes.
# Behind a reverse proxy set ALLAUTH_TRUSTED_PROXY_COUNT (1 for one proxy) or every visitor
# shares the proxy's address, and its limits.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,20/h/ip,5/m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "reauthenticate": "10/m/user",
    "confirm_email": "1/3m/key",
}
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("ALLAUTH_TRUSTED_PROXY_COUNT", default=0)

# --- Wagtail ----------------------------------------------------------------------------
WAGTAILADMIN_LOGIN_URL = "/accounts/login/"
WAGTAIL_USER_EDIT_FORM = "accounts.forms.WagtailUserEditForm"
WAGTAIL_USER_CREATION_FORM = "accounts.forms.WagtailUserCreationForm"
WAGTAIL_USER_CUSTOM_FIELDS = ["organisation"]
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "ods", "pdf", "pptx", "txt", "xlsx"]
# Off: Wagtail's responsive embed wrapper sizes itself with an inline style attribute, which
# the Content-Security-Policy refuses; embeds keep the provider's own width and height.
WAGTAILEMBEDS_RESPONSIVE_HTML = False
TAGGIT_CASE_INSENSITIVE = True
# No Gravatar: each avatar request would tell a third party (by a hash of the email) who is
# editing, without their consent, and offline it leaves broken images. Wagtail then shows
# an uploaded avatar or its built-in default, both served from this site.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# No upgrade check either: the dashboard would fetch releases.wagtail.org from every editor's
# browser (the admin's connect-src is 'self' only), and upgrades come through pyproject.toml.
WAGTAIL_ENABLE_UPDATE_CHECK = False

# --- Comments (good practice discussion) ------------------------------------------------
SITE_ID = 1
COMMENTS_APP = "django_comments_xtd"
COMMENTS_XTD_MAX_THREAD_LEVEL = 3
COMMENTS_XTD_CONFIRM_EMAIL = False

# --- Communities ------------------------------------------------------------------------
# Library files of communities are stored outside MEDIA_ROOT and served only through a
# permission-checked view, so no web server can hand them out by a guessable URL.
COMMUNITIES_PRIVATE_ROOT = env.path("COMMUNITIES_PRIVATE_ROOT", default=BASE_DIR / "var" / "community-library")
COMMUNITIES_POST_RATE = (6, 60)  # posts per seconds, per person
# The live catch-up log is for reconnects, not history: each community keeps its newest events,
# none older than this; a client asking for an older point is told to reload the page.
COMMUNITIES_EVENT_LOG_MAX_EVENTS = env.int("COMMUNITIES_EVENT_LOG_MAX_EVENTS", default=1000)
COMMUNITIES_EVENT_LOG_MAX_AGE = datetime.timedelta(hours=env.int("COMMUNITIES_EVENT_LOG_MAX_AGE_HOURS", default=24))

# --- Forms ------------------------------------------------------------------------------
# Every form's errors say what to enter, in GOV.UK words (home/forms.py).
FORM_RENDERER = "home.forms.GovukFormRenderer"
CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

# --- Internationalisation ---------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Static and media -------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- Security defaults that hold everywhere ---------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# --- Content-Security-Policy ------------------------------------------------------------
# Sent on every response by config.csp.SiteCSPMiddleware; /admin/ and /django-admin/ get a
# looser policy of their own (config/csp.py says why). The site's pages have no inline
# script, inline style, event-handler attribute or nonce: the library's page cache stores
# whole pages, so a nonce would go stale. connect-src 'self' covers the live-update
# WebSocket in CSP 3 browsers; the middleware adds ws:// or wss:// of the request's own host
# for older ones. A deployment adds sources, in header syntax, with
#   CONTENT_SECURITY_POLICY_EXTRA="frame-src https://speakerdeck.com; img-src https://cdn.example"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": policy_extended(
        {
            "default-src": [SELF],
            "script-src": [SELF],
            "style-src": [SELF],
            "img-src": [SELF, "data:"],
            "connect-src": [SELF],
            "frame-ancestors": [NONE],
            "form-action": [SELF],
            "base-uri": [SELF],
            "object-src": [NONE],
            # The video hosts the embed block offers editors (home.blocks, hub.models).
            "frame-src": ["https://www.youtube-nocookie.com", "https://www.youtube.com", "https://player.vimeo.com"],
        },
        env.str("CONTENT_SECURITY_POLICY_EXTRA", default=""),
    ),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "elastic_transport": {"level": "WARNING"},
        # Wagtail runs its background tasks inline by default and logs every one at INFO.
        "django_tasks": {"level": "WARNING"},
        "django.tasks": {"level": "WARNING"},
        # Page creation and publishing are logged at INFO; seeding would print hundreds of lines.
        "wagtail": {"level": "WARNING"},
    },
}
