"""Settings shared by every mode, read from the environment.

The mode modules (dev, test, prod) set their defaults in the environment and
then import this one. Variables are listed in README.md and .env.example.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
ENV_FILE = env.str("ENV_FILE", default=str(BASE_DIR / ".env"))
if ENV_FILE:
    environ.Env.read_env(ENV_FILE)


def required(name):
    value = env.str(name, default="")
    if not value:
        raise ImproperlyConfigured(
            f"{name} is not set. Set it in the environment or in .env "
            "(see .env.example); `make run` writes one for local use."
        )
    return value


SECRET_KEY = required("SECRET_KEY")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "whitenoise.runserver_nostatic",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django.contrib.sitemaps",
    "csp",
    "django_ratelimit",
    "markdownx",
    "reversion",
    "pagecache",
    "articles",
    "sitepages",
    "editorial",
    # After editorial, whose templates override the admin's (admin/base_site.html).
    "editorial.admin_config.CitewellAdminConfig",
]

MIDDLEWARE = [
    "site_config.middleware.SecurityHeadersMiddleware",  # first: no response leaves without them
    "site_config.middleware.LoopbackDebugMiddleware",
    "site_config.middleware.HealthCheckMiddleware",
    "pagecache.middleware.PageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "pagecache.middleware.PageValidatorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "editorial.two_factor.StaffSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "site_config.urls"
WSGI_APPLICATION = "site_config.wsgi.application"

TEMPLATES = [
    {
        # Public pages: Jinja2, for speed (site_config/jinja2.py).
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "site_config.jinja2.environment",
            "context_processors": [
                "django.contrib.auth.context_processors.auth",
                "site_config.context_processors.site",
            ],
        },
    },
    {
        # The admin and form widgets: Django templates from the apps.
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "site_config.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A transaction takes SQLite's write lock when it begins: two admin saves at once
    # then run one after the other, and the second sees the first (no lost edit),
    # instead of one failing halfway with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(transaction_mode="IMMEDIATE", timeout=20)
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
# A health check costs a round trip on every request; without it, a connection
# the database dropped fails one request (a 503 page) and is then replaced.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=False)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    # Empty, like unset, means no shared cache: each process keeps its own.
    "default": env.cache_url_config(env.str("CACHE_URL", default="") or "locmemcache://citewell"),
}
if "redis" in CACHES["default"]["BACKEND"].lower():
    # A cache that is down or slow must not hold pages up: fail fast, serve from the database.
    CACHES["default"].setdefault("OPTIONS", {})
    CACHES["default"]["OPTIONS"].setdefault("socket_connect_timeout", 0.25)
    CACHES["default"]["OPTIONS"].setdefault("socket_timeout", 0.5)

# Full-page cache for anonymous readers (the pagecache app): each stored page knows the
# versions of what it shows, so it is never stale. PAGE_CACHE=false renders every page.
PAGE_CACHE = env.bool("PAGE_CACHE", default=True)
PAGE_CACHE_ALIAS = "default"
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=24 * 60 * 60)
# The hottest pages also stay in each worker's memory, up to this many megabytes.
PAGE_CACHE_MEMORY_MB = env.int("PAGE_CACHE_MEMORY_MB", default=64)
# A change to any table of these apps moves the versions on (database triggers).
PAGE_CACHE_WATCHED_APPS = ["articles", "sitepages"]
# Which tables belong to an article, and when an article is public: what each change touches.
PAGE_CACHE_DEPENDENCIES = "articles.dependencies.owned"
# When content goes public by the clock alone: after -> a queryset of those moments, earliest first.
PAGE_CACHE_SCHEDULE = "articles.models.publish_times"
# Workers learn of changes without a query per request (PostgreSQL LISTEN/NOTIFY, SQLite's data_version).
PAGE_CACHE_WATCH = env.bool("PAGE_CACHE_WATCH", default=True)

# Shared caches in front (Varnish, a CDN): how long they may keep a public page, and serve it
# stale while fetching it again. With a purger they are told what each edit changed at once.
SHARED_CACHE_SECONDS = env.int("SHARED_CACHE_SECONDS", default=60)
SHARED_CACHE_STALE_SECONDS = env.int("SHARED_CACHE_STALE_SECONDS", default=30)
SHARED_CACHE_PURGE_URLS = env.list("SHARED_CACHE_PURGE_URLS", default=[])
SHARED_CACHE_PURGER = env.str("SHARED_CACHE_PURGER", default="")
SHARED_CACHE_KEYS_HEADER = env.str("SHARED_CACHE_KEYS_HEADER", default="xkey")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Staff sign-in (editorial.two_factor). django-axes checks every sign-in first and
# locks out a username, or an address, after AXES_FAILURE_LIMIT failures for
# AXES_COOLOFF_TIME hours; attempts are logged in the admin ("Axes").
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "site_config.client.client_ip"
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_VERBOSE = False
# A second factor (an authenticator app, or a recovery code) for every staff
# sign-in: required under the production settings, optional under `make run`.
TWO_FACTOR_REQUIRED = env.bool("TWO_FACTOR_REQUIRED", default=False)
OTP_TOTP_ISSUER = env.str("SITE_NAME", default="Citewell")
# The admin never shows anyone's TOTP key, QR code or recovery codes: an
# administrator who saw them could sign in as that person.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# A staff session ends when the browser closes, and after 12 hours whatever happens.
STAFF_SESSION_SECONDS = 12 * 60 * 60
SESSION_COOKIE_AGE = STAFF_SESSION_SECONDS
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Uploads through the Markdown editor: raster images only, at most 5 MB.
DATA_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024

# django-markdownx: the preview renders with the site's own renderer, so the
# editor sees exactly what readers will; its endpoints live under /admin/ and
# are served by staff-only views (editorial.views).
MARKDOWNX_MARKDOWNIFY_FUNCTION = "articles.rendering.preview"
MARKDOWNX_URLS_PATH = "/admin/markdownx/markdownify/"
MARKDOWNX_UPLOAD_URLS_PATH = "/admin/markdownx/upload/"
MARKDOWNX_MEDIA_PATH = "uploads/"
MARKDOWNX_UPLOAD_MAX_SIZE = 5 * 1024 * 1024
MARKDOWNX_UPLOAD_CONTENT_TYPES = ("image/jpeg", "image/png", "image/gif", "image/webp")
MARKDOWNX_SKIP_RESIZE = ()
MARKDOWNX_IMAGE_MAX_SIZE = {"size": (1600, 1600), "quality": 85}
MARKDOWNX_SERVER_CALL_LATENCY = 400

# The published-date index carries the article id on PostgreSQL (INCLUDE); SQLite
# has no such indexes and builds it without, which is all this warning says.
# django-ratelimit counts in Django's cache; the local-memory cache counts per
# process, so without Redis each worker allows the full rate (CACHE_URL shares the counts).
SILENCED_SYSTEM_CHECKS = ["models.W040", "django_ratelimit.E003", "django_ratelimit.W001"]

# Security headers on every response; production adds HTTPS-only settings.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'none'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "manifest-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    },
}

# No other site's pages may load our files (images, scripts, styles) into theirs; feed readers
# and link previews fetch from their own servers, which this does not concern.
CROSS_ORIGIN_RESOURCE_POLICY = "same-origin"
# Powerful browser features no page uses, denied to every page and anything it might embed
# (names Chromium knows: it warns in the console about any other).
PERMISSIONS_POLICY_DENY = [
    "accelerometer",
    "autoplay",
    "browsing-topics",
    "camera",
    "clipboard-read",
    "display-capture",
    "encrypted-media",
    "geolocation",
    "gyroscope",
    "hid",
    "identity-credentials-get",
    "idle-detection",
    "interest-cohort",
    "local-fonts",
    "magnetometer",
    "microphone",
    "midi",
    "otp-credentials",
    "payment",
    "screen-wake-lock",
    "serial",
    "usb",
    "window-management",
    "xr-spatial-tracking",
]

# Rate limits, counted in the cache (shared by every worker and server when CACHE_URL
# names Redis), per address for readers and per account for staff. A request over
# its limit gets a 429 page (site_config.views.rate_limited) with Retry-After.
TRUSTED_PROXIES = env.int("TRUSTED_PROXIES", default=0)
RATELIMIT_USE_CACHE = "default"
RATELIMIT_IP_META_KEY = "site_config.client.client_ip"
RATELIMIT_VIEW = "site_config.views.rate_limited"
RATELIMIT_ENABLE = env.bool("RATELIMIT_ENABLE", default=True)
RATE_LIMITS = {
    "search": env.str("RATE_LIMIT_SEARCH", default="60/m"),
    "preview": env.str("RATE_LIMIT_PREVIEW", default="120/m"),
    "upload": env.str("RATE_LIMIT_UPLOAD", default="30/m"),
    "reference_file": env.str("RATE_LIMIT_REFERENCE_FILE", default="30/m"),
    # Password posts per address; django-axes locks out after a few failures.
    "login": env.str("RATE_LIMIT_LOGIN", default="30/m"),
}

SITE_NAME = env.str("SITE_NAME", default="Citewell")
# The address readers use: canonical links, feeds, sitemaps and structured data
# name this origin, whatever host a request came in on.
SITE_URL = env.str("SITE_URL", default="").rstrip("/")
SITE_TAGLINE = env.str("SITE_TAGLINE", default="Evidence-based health articles")
# Where readers write with corrections and questions: shown on the Contact page as a mailto
# link. Empty: the page says to report them to the site's operator.
CONTACT_EMAIL = env.str("CONTACT_EMAIL", default="")
DEFAULT_DISCLAIMER = (
    "This content is for informational purposes only and should not replace "
    "professional medical advice. Always consult a qualified healthcare provider "
    "regarding personal health decisions."
)
ARTICLES_PER_PAGE = 10
# Email: review requests and their answers. The console in development; EMAIL_URL in production,
# e.g. smtp+tls://user:password@smtp.example.org:587 (django-environ's email URL).
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="webmaster@localhost")

# An article is due for medical re-review this many months after its last sign-off.
REVIEW_INTERVAL_MONTHS = env.int("REVIEW_INTERVAL_MONTHS", default=12)
WORDS_PER_MINUTE = 238

from site_config.release import digest  # noqa: E402

RELEASE = env.str("RELEASE", default="") or digest(BASE_DIR, STATIC_ROOT)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "{levelname} {name}: {message}", "style": "{"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.utils.autoreload": {"level": "WARNING"},
        # A warning per BibTeX block it cannot read: an editor's paste could log thousands. The
        # editor is told the first (editorial.reference_files).
        "bibtexparser": {"level": "ERROR"},
    },
}
