"""Full-page cache and HTTP validators for public pages, never stale.

Views are marked with @public_page. An anonymous GET or HEAD of such a page is served
from a stored copy while every dependency key the page was made from keeps the version
it had (pagecache.versions, pagecache.triggers), so no stored copy or validator outlives
the content it shows. Requests with a session cookie (staff, editors) always bypass.

Two middlewares share the work (the system check pagecache.E00x keeps them in order):

- PageCacheMiddleware, outermost, serves a stored page with the very headers it
  was first sent with (security headers included), in the content coding the reader
  accepts, or a 304 for it, without running the rest of the stack; on a miss it stores
  what the stack returns. After any other method it purges shared caches in front of
  what the request changed (pagecache.purge).
- PageValidatorsMiddleware, inside the security middlewares, adds ETag, Last-Modified
  and Cache-Control to public pages and answers conditional requests with 304 once the
  view has shown that the page exists (a missing page stays a 404).

If the cache backend fails (Redis down), pages are rendered from the database
and a warning is logged; the backend is retried after a short pause.
"""

import time

from django.conf import settings
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date

from . import content_version, purge
from .pages import page_key
from .store import ETAG_SUFFIX, IDENTITY, Entry, compressed, page_store
from .versions import versions

# Set again each time a stored page is sent: they depend on the request or the moment.
UNSTORED_HEADERS = {
    "set-cookie", "date", "content-length", "x-cache", "etag", "cache-control", "content-encoding",
}  # fmt: skip
NOT_MODIFIED_DROPS = {"content-type", "content-length", "content-language", "content-encoding", "x-cache"}
SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")


def not_modified(headers):
    """A 304 for a page sent with these headers: the same, but for those that describe a body."""
    return HttpResponseNotModified(headers={k: v for k, v in headers if k.lower() not in NOT_MODIFIED_DROPS})


def cache_control(snapshot):
    """Readers' browsers may keep a page but must ask (cheaply, with its ETag) before reuse; shared
    caches (a CDN, Varnish) may keep it SHARED_CACHE_SECONDS, never past the moment scheduled
    content goes public, and serve it stale while they fetch it again."""
    seconds = settings.SHARED_CACHE_SECONDS
    if snapshot.next_change_at is not None:
        seconds = max(0, min(seconds, int(snapshot.next_change_at.timestamp() - time.time())))
    return f"public, max-age=0, s-maxage={seconds}, stale-while-revalidate={settings.SHARED_CACHE_STALE_SECONDS}"


def send(entry, request, key, status):
    """The stored page in the content coding the request prefers (no body for HEAD)."""
    coding = entry.coding_for(request)
    body = entry.bodies[coding]
    headers = dict(entry.headers)
    headers["ETag"] = entry.etag[:-1] + ETAG_SUFFIX[coding] + '"'
    headers["Cache-Control"] = cache_control(key.snapshot)
    headers["Content-Length"] = str(len(body))
    if coding != IDENTITY:
        headers["Content-Encoding"] = coding
    if entry.keys and settings.SHARED_CACHE_KEYS_HEADER:
        headers[settings.SHARED_CACHE_KEYS_HEADER] = entry.keys
    headers["X-Cache"] = status
    return HttpResponse(b"" if request.method == "HEAD" else body, headers=headers)


def stored(response, key):
    """The Entry to keep of a page just made."""
    return Entry(
        compressed(response.content),
        [(k, v) for k, v in response.items() if k.lower() not in UNSTORED_HEADERS],
        etag=response["ETag"],
        last_modified=response.last_modified,
        made_at=response.made_at,
        keys=purge.header_value(key.depends) if purge.enabled() else "",
    )


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in SAFE_METHODS:
            try:
                with purge.changes():
                    return self.get_response(request)
            finally:
                versions.mark_stale()
        return self.read(request)

    def read(self, request):
        if not settings.PAGE_CACHE or (settings.SECURE_SSL_REDIRECT and not request.is_secure()):
            return self.get_response(request)
        key = page_key(request)
        if key is None:
            return self.get_response(request)
        store = page_store()
        entry = store.get(key.storage_key, key.snapshot)
        if entry is not None:
            if key.not_modified(request, entry.etag, entry.last_modified):  # any precondition may be answered
                return not_modified(send(entry, request, key, "hit").items())
            return send(entry, request, key, "hit")
        response = self.get_response(request)
        if getattr(response, "storable_page", False):
            entry = stored(response, key)
            store.set(key.storage_key, entry)
            return send(entry, request, key, "miss")
        return response


class PageValidatorsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = page_key(request)
        if key is None:
            return self.get_response(request)
        with content_version.judged_at(key.snapshot.changed_at):
            response = self.get_response(request)
        if self.storable(response):
            made_at, etag, last_modified = key.made()
            response["ETag"] = etag
            response["Last-Modified"] = http_date(last_modified)
            response["Cache-Control"] = cache_control(key.snapshot)
            patch_vary_headers(response, ["Cookie", "Accept-Encoding"])
            if key.not_modified(request, etag, last_modified):  # answered once the page is known to exist
                return not_modified(response.items())
            response.storable_page = True
            response.made_at, response.last_modified = made_at, last_modified
        return response

    @staticmethod
    def storable(response):
        cache_control = response.get("Cache-Control", "")
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and "private" not in cache_control
            and "no-store" not in cache_control
        )
