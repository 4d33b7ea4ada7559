"""Telling shared caches in front (Varnish, a CDN) what an edit changed.

Public pages carry their dependency keys in a header (SHARED_CACHE_KEYS_HEADER: `xkey`
for Varnish's xkey module, `Surrogate-Key` for Fastly, `Cache-Tag` for Cloudflare).
After a request that may have changed content (any method but GET, HEAD, OPTIONS and
TRACE) has committed, the keys whose versions moved during it are handed to the purger,
before the response leaves: the editor's next request, and anyone's, gets the new page.

The purger is SHARED_CACHE_PURGER, a dotted path to a callable taking the set of keys
(`all` stands for every page), or, when only SHARED_CACHE_PURGE_URLS is set, `varnish`
below, which sends `PURGE /` with an `xkey-purge` header to each of those URLs.
A change made outside a request (a shell, a script) or by the clock (a scheduled
article) reaches a shared cache when its copy expires: s-maxage, never past the moment
scheduled content goes public.
"""

import logging
import urllib.request
from contextlib import contextmanager
from functools import cache

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils.module_loading import import_string

from . import triggers

logger = logging.getLogger(__name__)

TIMEOUT = 2.0


@cache
def purger():
    if settings.SHARED_CACHE_PURGER:
        return import_string(settings.SHARED_CACHE_PURGER)
    if settings.SHARED_CACHE_PURGE_URLS:
        return varnish
    return None


def enabled():
    return purger() is not None


def header_value(keys):
    """The page's keys as its SHARED_CACHE_KEYS_HEADER carries them: space-separated (xkey, Fastly's
    Surrogate-Key), comma-separated for Cloudflare's Cache-Tag."""
    separator = "," if settings.SHARED_CACHE_KEYS_HEADER.lower() == "cache-tag" else " "
    return separator.join(sorted(keys))


def sequence(alias=DEFAULT_DB_ALIAS):
    with connections[alias].cursor() as cursor:
        cursor.execute(f"SELECT value FROM {triggers.TABLE} WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else None


def changed_since(number, alias=DEFAULT_DB_ALIAS):
    with connections[alias].cursor() as cursor:
        cursor.execute(f'SELECT "key" FROM {triggers.KEYS} WHERE version > %s', [number])
        return {key for (key,) in cursor.fetchall()}


@contextmanager
def changes(alias=DEFAULT_DB_ALIAS):
    """Purge what the block changed, once it has committed (nothing when no purger is set)."""
    if not enabled() or connections[alias].in_atomic_block:
        yield
        return
    before = sequence(alias)
    yield
    if before is None or connections[alias].in_atomic_block:
        return
    keys = changed_since(before, alias)
    if keys:
        purge(keys)


def purge(keys):
    """Hand these dependency keys to the purger; a failure is logged, never raised."""
    keys = {triggers.EVERYTHING} if triggers.EVERYTHING in keys else set(keys)
    try:
        purger()(keys)
    except Exception as error:  # the site keeps working; the shared copies expire on their own
        logger.warning("Shared cache purge of %s failed: %s", " ".join(sorted(keys)), error)


def varnish(keys):
    """PURGE with the keys in `xkey-purge`, to each of SHARED_CACHE_PURGE_URLS (see deploy/varnish)."""
    for url in settings.SHARED_CACHE_PURGE_URLS:
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"SHARED_CACHE_PURGE_URLS holds {url!r}, not an http(s) address.")
        request = urllib.request.Request(  # noqa: S310 (http and https only, checked above)
            url.rstrip("/") + "/", method="PURGE", headers={"xkey-purge": " ".join(sorted(keys))}
        )
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            response.read()
