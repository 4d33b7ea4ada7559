"""Full-page cache and HTTP validators for public pages, never stale.

Views are marked with @public_page. An anonymous GET or HEAD of such a page is
keyed on the content version, which any change to watched content moves on,
so no stored copy or validator outlives the content it was made from. Requests
with a session cookie (staff, editors) always bypass.

Two middlewares share the work (the system check pagecache.E00x keeps them in order):

- PageCacheMiddleware, outermost, serves a stored page with the very headers it
  was first sent with (security headers included), or a 304 for it, without
  running the rest of the stack; on a miss it stores what the stack returns.
- PageValidatorsMiddleware, inside the security middlewares, adds ETag and
  Last-Modified to public pages and answers conditional requests with 304 when
  no stored copy exists (the page cache off, or the copy evicted): at once for
  the page's own ETag, and for `If-None-Match: *` or If-Modified-Since only
  after the view has shown that the page exists (a missing page stays a 404).

If the cache backend fails (Redis down), pages are rendered from the database
and a warning is logged; the backend is retried after a short pause.
"""

from datetime import UTC, datetime

from django.conf import settings
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date

from . import content_version
from .pages import last_modified_for, page_key
from .store import TolerantCache

UNSTORED_HEADERS = {"set-cookie", "date", "content-length", "x-cache"}
NOT_MODIFIED_DROPS = {"content-type", "content-length", "content-language"}


def not_modified(headers):
    """A 304 for a page sent with these headers: the same, but for those that describe a body."""
    return HttpResponseNotModified(headers={k: v for k, v in headers if k.lower() not in NOT_MODIFIED_DROPS})


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.cache = TolerantCache()

    def __call__(self, request):
        if not settings.PAGE_CACHE or (settings.SECURE_SSL_REDIRECT and not request.is_secure()):
            return self.get_response(request)
        key = page_key(request)
        if key is None:
            return self.get_response(request)
        stored = self.cache.get(key.storage_key)
        if stored is not None:
            if key.not_modified(request):  # a stored page exists: any precondition may be answered
                return not_modified(stored["headers"])
            return HttpResponse(stored["content"], headers={**dict(stored["headers"]), "X-Cache": "hit"})
        response = self.get_response(request)
        if getattr(response, "storable_page", False):
            headers = [(k, v) for k, v in response.items() if k.lower() not in UNSTORED_HEADERS]
            self.cache.set(key.storage_key, {"content": response.content, "headers": headers})
            response["X-Cache"] = "miss"
        return response


class PageValidatorsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = page_key(request)
        if key is None:
            return self.get_response(request)
        if key.etag_matches(request):
            response = HttpResponseNotModified()
            response["ETag"] = key.etag
            response["Cache-Control"] = settings.PUBLIC_CACHE_CONTROL
            patch_vary_headers(response, ["Cookie"])
            return response
        with content_version.judged_at(key.version.changed_at):
            response = self.get_response(request)
        if self.storable(response):
            response["ETag"] = key.etag
            response["Last-Modified"] = http_date(last_modified_for(key.version.changed_at, datetime.now(UTC)))
            response["Cache-Control"] = settings.PUBLIC_CACHE_CONTROL
            patch_vary_headers(response, ["Cookie"])
            if key.not_modified(request):  # `*` or a date: answered once the page is known to exist
                return not_modified(response.items())
            response.storable_page = True
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
