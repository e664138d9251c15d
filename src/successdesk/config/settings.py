"""SuccessDesk settings: every value that comes from the environment is read here, once.

Local runs need no environment at all: SQLite under ``var/``, mail to the console, the
database-backed task queue. ``successdesk.config.production`` hardens these defaults.
See docs/configuration.md for every setting.
"""

from __future__ import annotations

import logging
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parents[3]
PACKAGE_DIR = Path(__file__).resolve().parents[1]
VAR_DIR = Path(os.environ.get("SUCCESSDESK_VAR_DIR", BASE_DIR / "var"))


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


# --- core -------------------------------------------------------------------------------
DEBUG = env_bool("DEBUG", False)
# A development-only key; production.py refuses to start with it.
DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production-0123456789abcdef"  # noqa: S105
SECRET_KEY = env_str("SECRET_KEY", DEV_SECRET_KEY)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# Trusted reverse proxies in front of the web nodes: their count decides which
# X-Forwarded-For entry is the client's address (0 = no proxy: REMOTE_ADDR).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",  # the API docs page from its own static files, not a CDN (and within our CSP)
    "axes",
    "django_tasks_db",
    "successdesk.accounts",
    "successdesk.packages",
    "successdesk.notifications",
    "successdesk.contacts",
    "successdesk.cases",
    "successdesk.triage",
    "successdesk.intake",
    "successdesk.mail",
    "successdesk.service_requests",
    "successdesk.library",
    "successdesk.reports",
    "successdesk.api",
    "successdesk.portal",
    "successdesk.console",
    "successdesk.ops",
]

MIDDLEWARE = [
    "successdesk.api.middleware.ApiMiddleware",  # first: it shapes every error under /api/
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "successdesk.accounts.middleware.SessionTimeoutMiddleware",
    "successdesk.accounts.middleware.DeniedAccessAuditMiddleware",
    "successdesk.accounts.middleware.UserTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]
# The lean path of bearer-token requests under /api/ (api/middleware.py): what protects an
# API answer, nothing that only pages need (sessions, CSRF, messages, page CSP, htmx, axes).
API_MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",  # nosniff, referrer policy, HSTS, SSL
    "django.middleware.common.CommonMiddleware",  # the Host header is validated here
    "successdesk.accounts.middleware.DeniedAccessAuditMiddleware",
    "successdesk.accounts.middleware.UserTimeZoneMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "successdesk.config.urls"
WSGI_APPLICATION = "successdesk.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "successdesk.accounts.context_processors.vendor",
            ],
        },
    },
]

# --- database ---------------------------------------------------------------------------
DEFAULT_SQLITE_PATH = VAR_DIR / "successdesk.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{DEFAULT_SQLITE_PATH}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one writer writes; IMMEDIATE takes the write lock at
    # BEGIN so that counters (case numbers, quotas) never race between read and write.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;"
        ),
    }
    # A file (not :memory:) so that threads and worker processes share it in tests; one per
    # test run, so that runs side by side do not collide.
    TEST_DB = VAR_DIR / f"test-successdesk-{os.getpid()}.sqlite3"
    DATABASES["default"]["TEST"] = {"NAME": str(TEST_DB)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- auth -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's model backend + "a deactivated customer signs nobody in" (sessions included).
    "successdesk.accounts.backends.ActiveCustomerBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60  # one hour at most

# Sessions end after inactivity (idle) and after an absolute lifetime.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = False  # renewed once a minute (accounts.middleware)
SESSION_RENEW_SECONDS = 60
SESSION_ABSOLUTE_SECONDS = env_int("SESSION_ABSOLUTE_SECONDS", 12 * 60 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# A requested change of a user's sign-in e-mail waits this long for the new address to confirm.
EMAIL_CHANGE_TIMEOUT = env_int("EMAIL_CHANGE_HOURS", 24) * 60 * 60
# "Forgot Password?": requests per address asked for, and per client address (429 beyond).
PASSWORD_RESET_EMAIL_RATE = env_str("PASSWORD_RESET_EMAIL_RATE", "3/h")
PASSWORD_RESET_IP_RATE = env_str("PASSWORD_RESET_IP_RATE", "20/h")

# django-axes: lock an *account* after repeated failures, for a cool-off period. Failures
# count per account (its e-mail lower-cased, whatever casing was typed) and per account +
# client address; never per address alone, so one person's typos lock out nobody else.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", ["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "successdesk.accounts.lockout.axes_username"
# Failed sign-ins per client address (all accounts together), far above the per-account limit:
# slows a password spray from one address without locking out an office (django-ratelimit).
SIGN_IN_IP_RATE = env_str("SIGN_IN_IP_RATE", "50/15m")
RATELIMIT_USE_CACHE = "default"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "successdesk.accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "successdesk.accounts.network.client_ip"
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False

# --- security headers (production.py turns on the HTTPS-only parts) ---------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}

# --- cache (rate limits); Redis when scaled out --------------------------------------------
CACHE_URL = env_str("CACHE_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
        if CACHE_URL.startswith(("redis://", "rediss://"))
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# --- static and uploaded files ----------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # production.py switches to hashed, compressed files made by `collectstatic`.
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Local runs serve static files straight from the package (no collectstatic needed).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# --- i18n -------------------------------------------------------------------------------
LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True


# --- e-mail (Django 6.1 mailers) --------------------------------------------------------
def mailers_from_env(default_backend: str) -> dict[str, dict[str, object]]:
    """MAILERS from EMAIL_BACKEND / EMAIL_HOST / EMAIL_PORT / ... environment variables."""
    backend = env_str("EMAIL_BACKEND", default_backend)
    options: dict[str, object] = {}
    if backend.endswith("smtp.EmailBackend"):
        options = {
            "host": env_str("EMAIL_HOST", "localhost"),
            "port": env_int("EMAIL_PORT", 25),
            "username": env_str("EMAIL_HOST_USER"),
            "password": env_str("EMAIL_HOST_PASSWORD"),
            "use_tls": env_bool("EMAIL_USE_TLS", False),
            "use_ssl": env_bool("EMAIL_USE_SSL", False),
            "timeout": env_int("EMAIL_TIMEOUT", 10),
        }
    elif backend.endswith("filebased.EmailBackend"):
        options = {"file_path": env_str("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))}
    return {"default": {"BACKEND": backend, "OPTIONS": options}}


SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
# Local runs write each e-mail to a file under var/mail/ unless EMAIL_BACKEND says otherwise.
MAILERS = mailers_from_env("django.core.mail.backends.filebased.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "SuccessDesk <support@vendor.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# A worker that dies while sending leaves its claim; another may retry after this long.
NOTIFICATION_CLAIM_SECONDS = env_int("NOTIFICATION_CLAIM_SECONDS", 120)
# Where vendor-side notices go (designated-contact transfers, fee records).
VENDOR_NOTIFY_EMAIL = env_str("VENDOR_NOTIFY_EMAIL", "success-ops@vendor.example")
# The ISO 4217 currency of the catalog's prices and fees (shown with every amount).
VENDOR_CURRENCY = env_str("VENDOR_CURRENCY", "USD").upper()

# --- background tasks (Django's tasks API) ----------------------------------------------
# "database": django-tasks-db, the queue is a table and `successdesk db_worker` runs it (one
# machine, no other service). "redis": django-tasks-rq, workers are `successdesk rqworker`
# processes on Redis (scale-out). "immediate": run inline (tests, scripts).
TASKS_BACKEND = env_str("TASKS_BACKEND", "database")
TASK_QUEUES = ["default", "notifications", "sweeps"]
REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")
TASKS = {
    "default": {
        "BACKEND": {
            "database": "django_tasks_db.DatabaseBackend",
            "redis": "django_tasks_rq.RQBackend",
            "immediate": "django.tasks.backends.immediate.ImmediateBackend",
        }.get(TASKS_BACKEND, TASKS_BACKEND),
        "QUEUES": TASK_QUEUES,
    }
}
if TASKS_BACKEND == "redis":
    from urllib.parse import urlsplit

    import redis

    INSTALLED_APPS.append("django_rq")
    # One connection pool per process for every queue. Given a URL, django-rq builds a new
    # client, pool and connection (with its handshake) for each enqueued task; given a pool
    # it reuses its connections (docs/performance.md).
    RQ_CONNECTION_POOL = redis.ConnectionPool.from_url(REDIS_URL)
    _redis_url = urlsplit(REDIS_URL)
    RQ_QUEUES = {
        name: {
            # HOST/PORT/DB describe the pool (django-rq's admin shows them); the pool connects.
            "HOST": _redis_url.hostname or "127.0.0.1",
            "PORT": _redis_url.port or 6379,
            "DB": RQ_CONNECTION_POOL.connection_kwargs.get("db", 0),
            "REDIS_CLIENT_KWARGS": {"connection_pool": RQ_CONNECTION_POOL},
            "DEFAULT_TIMEOUT": env_int("TASK_TIMEOUT_SECONDS", 300),
        }
        for name in TASK_QUEUES
    }

# --- the vendor (the company running SuccessDesk) ---------------------------------------
VENDOR_NAME = env_str("VENDOR_NAME", "Influitive")
VENDOR_SUPPORT_PHONE = env_str("VENDOR_SUPPORT_PHONE", "1-888-689-0758 x115")
VENDOR_PHONE_TIME_ZONE = env_str("VENDOR_PHONE_TIME_ZONE", "America/Toronto")
# Weekly phone hours, "days HH:MM-HH:MM" groups separated by ";" (0 = Monday).
VENDOR_PHONE_HOURS = env_str("VENDOR_PHONE_HOURS", "0-4 08:00-20:00")
VENDOR_HOLIDAY_COUNTRY = env_str("VENDOR_HOLIDAY_COUNTRY", "CA")
VENDOR_HOLIDAY_SUBDIVISION = env_str("VENDOR_HOLIDAY_SUBDIVISION", "ON")
VENDOR_LANGUAGES = env_list("VENDOR_LANGUAGES", ["English"])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

# --- inbound e-mail (docs/email.md) ------------------------------------------------------
# A larger message is refused (a bounce that says the limit), never stored.
INBOUND_MAX_BYTES = env_int("INBOUND_MAX_BYTES", 25 * 1024 * 1024)

# --- cases ------------------------------------------------------------------------------
CASE_NUMBER_PREFIX = env_str("CASE_NUMBER_PREFIX", "CS-")
CASE_REOPEN_DAYS = env_int("CASE_REOPEN_DAYS", 14)
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
ATTACHMENT_TYPES = env_list(
    "ATTACHMENT_TYPES",
    [".txt", ".log", ".csv", ".json", ".pdf", ".png", ".jpg", ".jpeg", ".gif", ".zip", ".har"],
)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
SLA_AT_RISK_SHARE = float(env_str("SLA_AT_RISK_SHARE", "0.75"))
CONTACT_FORM_RATE = env_str("CONTACT_FORM_RATE", "5/10m")
# How long the link that confirms a "Send a Message" sender's address stays valid.
SENDER_CONFIRMATION_HOURS = env_int("SENDER_CONFIRMATION_HOURS", 72)

# --- API --------------------------------------------------------------------------------
NINJA_PAGINATION_PER_PAGE = 50
API_TOKEN_PREFIX = "sd_"  # noqa: S105 - a public prefix, not a secret

# --- logging ----------------------------------------------------------------------------
LOG_LEVEL = env_str("LOG_LEVEL", "INFO").upper()
# The per-task lines (Django's tasks, django-tasks-db, RQ's "Job OK" for every job): WARNING
# unless set, and never more talkative than LOG_LEVEL.
TASKS_LOG_LEVEL = env_str("TASKS_LOG_LEVEL", "").upper() or max(
    "WARNING", LOG_LEVEL, key=lambda name: logging.getLevelNamesMapping().get(name, 0)
)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Django's own default sends django.* to a console of its own when DEBUG is on: with
        # the root's, every line would print twice.
        "django": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "axes": {"level": "WARNING"},
        "django.tasks": {"level": TASKS_LOG_LEVEL},
        "django_tasks": {"level": TASKS_LOG_LEVEL},
        "django_tasks_db": {"level": TASKS_LOG_LEVEL},
        # RQ (TASKS_BACKEND=redis), by name: rq.worker sets itself to INFO on import unless
        # given a level. `successdesk worker` leaves their levels to this (django-rq's
        # rqworker would set INFO: a "Job OK" line and more for every job).
        "rq": {"level": TASKS_LOG_LEVEL},
        "rq.worker": {"level": TASKS_LOG_LEVEL},
        "rq.job": {"level": TASKS_LOG_LEVEL},
        "rq.scheduler": {"level": TASKS_LOG_LEVEL},
    },
}
