"""Production: DEBUG off, secrets and hosts from the environment, HTTPS only.

Passes `manage.py check --deploy` with no issues. Behind a proxy or load balancer
that terminates TLS, set BEHIND_PROXY=true so X-Forwarded-Proto is trusted.
"""

import os

os.environ["DEBUG"] = "false"

from .base import *  # noqa: F403
from .base import env

if not ALLOWED_HOSTS:  # noqa: F405
    raise ImproperlyConfigured(  # noqa: F405
        "ALLOWED_HOSTS is not set. List the site's host names, comma-separated."
    )

if not SITE_URL:  # noqa: F405
    host = ALLOWED_HOSTS[0]  # noqa: F405
    if host.startswith(".") or "*" in host:
        raise ImproperlyConfigured(  # noqa: F405
            "SITE_URL is not set and the first of ALLOWED_HOSTS is a pattern; set SITE_URL, e.g. https://example.org."
        )
    SITE_URL = f"https://{host}"

STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
}

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if env.bool("BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Every staff sign-in needs a second factor in production; staff without one enrol on first sign-in.
TWO_FACTOR_REQUIRED = True
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)  # noqa: F405
if SECURE_SSL_REDIRECT:
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["upgrade-insecure-requests"] = True  # noqa: F405
