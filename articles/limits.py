"""Rate limits on public views that cost the site real work, counted per address by django-ratelimit.

The rate of each group is read from settings.RATE_LIMITS (through the project's
rate function, named by its path); over it, the view raises Ratelimited and
the ratelimit middleware answers with the 429 page. The counts live in the
cache: while the cache cannot be reached (Redis down), requests are served
uncounted and a warning is logged, as pages are served without it, and the
cache is left alone for a few seconds before it is tried again.
"""

import logging
import time
from functools import wraps

from django.core.exceptions import ImproperlyConfigured
from django_ratelimit.core import is_ratelimited
from django_ratelimit.exceptions import Ratelimited

from pagecache.store import RETRY_AFTER_FAILURE

logger = logging.getLogger(__name__)

RATE = "site_config.limits.rate"


class RateLimit:
    """A decorator: at most RATE_LIMITS[group] requests to the view per client address
    (key="ip"), or per account where staff are signed in (key="user_or_ip")."""

    def __init__(self, group, key="ip"):
        self.group = group
        self.key = key
        self.paused_until = 0.0

    def __call__(self, view):
        @wraps(view)
        def limited(request, *args, **kwargs):
            if self.exceeded(request):
                raise Ratelimited()
            return view(request, *args, **kwargs)

        return limited

    def exceeded(self, request):
        if time.monotonic() < self.paused_until:
            return False
        try:
            return is_ratelimited(request, group=self.group, key=self.key, rate=RATE, increment=True)
        except ImproperlyConfigured:
            raise
        except Exception as error:  # any cache backend failure: serve, uncounted
            self.paused_until = time.monotonic() + RETRY_AFTER_FAILURE
            logger.warning(
                "Rate limit %r not counted for %.0f s: the cache is unavailable (%s: %s).",
                self.group,
                RETRY_AFTER_FAILURE,
                type(error).__name__,
                error,
            )
            return False
