"""Production settings: everything in settings.py, hardened; refuses an unsafe SECRET_KEY."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from .settings import *  # noqa: F403
from .settings import (
    DEV_SECRET_KEY,
    SECRET_KEY,
    SMTP_BACKEND,
    STORAGES,
    env_bool,
    env_int,
    mailers_from_env,
)

if (
    not SECRET_KEY
    or SECRET_KEY == DEV_SECRET_KEY
    or len(set(SECRET_KEY)) < 5
    or len(SECRET_KEY) < 50
):
    raise ImproperlyConfigured(
        "Set SECRET_KEY to a long random value (at least 50 characters) to run the production "
        "settings, e.g. python -c 'import secrets; print(secrets.token_urlsafe(64))'."
    )

DEBUG = False
MAILERS = mailers_from_env(SMTP_BACKEND)
WHITENOISE_USE_FINDERS = False
STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# __Host- cookies: only over HTTPS, only for this host, path "/".
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
