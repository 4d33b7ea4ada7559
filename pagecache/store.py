"""Stored pages: each ready to send in every content coding, in two tiers.

A stored page (an Entry) holds its body as it is and compressed (gzip and Brotli), the
headers it was first sent with, its ETag and Last-Modified, and the versions of the
dependency keys it was made from: it is served only while the snapshot still has those
versions, so no stored copy outlives what it shows.

The first tier is this process's memory, a few megabytes of the hottest pages (no network,
no unpickling); the second is the shared cache (PAGE_CACHE_ALIAS: Redis on a site with
several app servers), tolerated when it fails.
"""

import gzip
import logging
import threading
import time
from collections import OrderedDict
from functools import lru_cache

import brotli
from django.conf import settings
from django.core.cache import caches

logger = logging.getLogger(__name__)

RETRY_AFTER_FAILURE = 5.0
IDENTITY, GZIP, BROTLI = "identity", "gzip", "br"
ETAG_SUFFIX = {IDENTITY: "", GZIP: "-gzip", BROTLI: "-br"}
GZIP_LEVEL = 6  # level 9 takes ten times as long for 0.2% less
BROTLI_QUALITY = 5  # 10% smaller than gzip in about 1.5 ms for the seed page; 11 takes 50 times as long
SMALLEST_WORTH_COMPRESSING = 200


def compressed(body):
    """The body in each content coding worth sending."""
    bodies = {IDENTITY: body}
    if len(body) >= SMALLEST_WORTH_COMPRESSING:
        bodies[GZIP] = gzip.compress(body, GZIP_LEVEL, mtime=0)
        bodies[BROTLI] = brotli.compress(body, quality=BROTLI_QUALITY)
    return bodies


@lru_cache(maxsize=256)
def preferred(accept_encoding, available):
    """The content coding to send, of those `available`, for an Accept-Encoding header (RFC 9110, 12.5.3):
    the client's highest q-value, Brotli before gzip on a tie (it is smaller), identity when none is wanted."""
    weights = {}
    for item in accept_encoding.lower().split(","):
        name, _, params = item.strip().partition(";")
        weight = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                weight = float(params[2:])
            except ValueError:
                weight = 0.0
        weights[name.strip()] = weight
    star = weights.get("*")
    best, best_weight = IDENTITY, 0.0
    for coding in (BROTLI, GZIP):
        weight = weights.get(coding, star if star is not None else 0.0)
        if coding in available and weight > best_weight:
            best, best_weight = coding, weight
    return best


class Entry:
    """One stored page."""

    __slots__ = ("bodies", "etag", "headers", "keys", "last_modified", "made_at", "size")

    def __init__(self, bodies, headers, *, etag, last_modified, made_at, keys):
        self.bodies, self.headers, self.etag = bodies, headers, etag
        self.last_modified, self.made_at, self.keys = last_modified, made_at, keys
        self.size = sum(len(body) for body in bodies.values())

    def __getstate__(self):
        return {name: getattr(self, name) for name in self.__slots__}

    def __setstate__(self, state):
        for name, value in state.items():
            setattr(self, name, value)

    def coding_for(self, request):
        return preferred(request.META.get("HTTP_ACCEPT_ENCODING", ""), tuple(self.bodies))


class MemoryTier:
    """The hottest pages in this process, least recently used first out, up to a number of bytes."""

    def __init__(self, capacity):
        self.capacity = capacity
        self.entries = OrderedDict()
        self.size = 0
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            entry = self.entries.get(key)
            if entry is not None:
                self.entries.move_to_end(key)
            return entry

    def set(self, key, entry):
        if entry.size > self.capacity:
            return
        with self.lock:
            old = self.entries.pop(key, None)
            if old is not None:
                self.size -= old.size
            self.entries[key] = entry
            self.size += entry.size
            while self.size > self.capacity:
                _, dropped = self.entries.popitem(last=False)
                self.size -= dropped.size

    def discard(self, key):
        with self.lock:
            old = self.entries.pop(key, None)
            if old is not None:
                self.size -= old.size

    def clear(self):
        with self.lock:
            self.entries.clear()
            self.size = 0


class SharedTier:
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


TolerantCache = SharedTier  # what other apps keep in the shared cache goes through the same tolerance


class PageStore:
    def __init__(self):
        self.memory = MemoryTier(settings.PAGE_CACHE_MEMORY_MB * 1024 * 1024)
        self.shared = SharedTier()

    def get(self, key, snapshot):
        """The stored page under `key` that is still current by `snapshot`, or None."""
        entry = self.memory.get(key)
        if entry is not None:
            if snapshot.valid(entry.made_at):
                return entry
            self.memory.discard(key)
        entry = self.shared.get(key)
        if isinstance(entry, Entry) and snapshot.valid(entry.made_at):
            self.memory.set(key, entry)
            return entry
        return None

    def set(self, key, entry):
        self.memory.set(key, entry)
        self.shared.set(key, entry)


_stores = {}


def page_store():
    """This process's store (made on first use, after the settings are read)."""
    store = _stores.get("pages")
    if store is None:
        store = _stores["pages"] = PageStore()
    return store


def forget():
    """Drop this process's stored pages (tests, which also empty the shared cache)."""
    _stores.clear()
