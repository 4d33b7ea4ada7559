"""The test suite: fast hashing, a local cache, a fixed throwaway key."""

import os

os.environ.setdefault("SECRET_KEY", "insecure-key-for-the-test-suite-only")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("SITE_URL", "https://citewell.example")
os.environ["DEBUG"] = "false"

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# A listening connection would outlive the test database: tests read the versions with a query.
PAGE_CACHE_WATCH = False
MEDIA_ROOT = BASE_DIR / ".test-media"  # noqa: F405
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
