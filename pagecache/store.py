import logging
import time

from django.conf import settings
from django.core.cache import caches

logger = logging.getLogger(__name__)

RETRY_AFTER_FAILURE = 5.0


class TolerantCache:
    """The cache, when it works: a failing backend reads as empty, writes nothing,
    logs a warning, and is left alone for a few seconds before it is tried again."""

    def __init__(self):
        self.paused_until = 0.0

    def get(self, key):
        if time.monotonic() < self.paused_until:
            return None
        try:
            return caches[settings.PAGE_CACHE_ALIAS].get(key)
        except Exception as error:  # any backend failure: serve from the database
            self.failed(error)
            return None

    def set(self, key, value):
        if time.monotonic() < self.paused_until:
            return
        try:
            caches[settings.PAGE_CACHE_ALIAS].set(key, value, settings.PAGE_CACHE_SECONDS)
        except Exception as error:
            self.failed(error)

    def failed(self, error):
        self.paused_until = time.monotonic() + RETRY_AFTER_FAILURE
        logger.warning(
            "Page cache unavailable (%s: %s); serving pages from the database for %.0f s.",
            type(error).__name__,
            error,
            RETRY_AFTER_FAILURE,
        )
