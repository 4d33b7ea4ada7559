"""Full-page cache and HTTP validators for public pages, never stale.

Public views are marked with @public_page. An anonymous GET or HEAD of such a
page is keyed on the content version (articles.content_version), which any
change to content moves on, so no stored copy or validator outlives the content
it was made from. Requests with a session cookie (staff, editors) always bypass.

Two middlewares share the work:

- PageCacheMiddleware, outermost, serves a stored page with the very headers it
  was first sent with (security headers included), or a 304 for it, without
  running the rest of the stack; on a miss it stores what the stack returns.
- PageValidatorsMiddleware, inside the security middlewares, adds ETag and
  Last-Modified to public pages and answers conditional requests with 304 when
  no stored copy exists (the page cache off, or the copy evicted).

If the cache backend fails (Redis down), pages are rendered from the database
and a warning is logged; the backend is retried after a short pause.
"""

import hashlib
import logging
import time
from datetime import datetime, timezone as dt_timezone
from functools import lru_cache

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse, HttpResponseNotModified
from django.urls import Resolver404, resolve
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date, parse_etags, parse_http_date_safe

from . import content_version

logger = logging.getLogger(__name__)

UNSTORED_HEADERS = {"set-cookie", "date", "content-length", "x-cache"}
NOT_MODIFIED_DROPS = {"content-type", "content-length", "content-language"}
RETRY_AFTER_FAILURE = 5.0


def public_page(view=None, *, query=()):
    """Mark a view whose anonymous response depends only on published content.

    `query` names the query parameters the view reads; others do not make a
    separate cached copy.
    """

    def mark(func):
        func.public_page = tuple(sorted(query))
        return func

    return mark(view) if view is not None else mark


@lru_cache(maxsize=4096)
def _public_params(urlconf, path):
    try:
        match = resolve(path, urlconf)
    except Resolver404:
        return None
    return getattr(match.func, "public_page", None)


def last_modified_for(changed_at, generated_at):
    """Whole seconds for Last-Modified that a later change can never share.

    A page made in the same second as the last change claims the second before,
    so a change later in that second still moves Last-Modified past it.
    """
    changed = int(changed_at.timestamp())
    return changed if int(generated_at.timestamp()) > changed else changed - 1


class Page:
    """A public page as one anonymous request asks for it, at the current content version."""

    def __init__(self, page_id):
        self.version = content_version.current()
        tag = hashlib.sha1(f"{settings.RELEASE}:{self.version.value}:{page_id}".encode()).hexdigest()
        self.etag = f'"{tag[:32]}"'
        self.key = f"page:{tag}"

    @classmethod
    def of(cls, request):
        """The Page for this request, or None when it is not an anonymous read of a public page."""
        if hasattr(request, "public_page"):
            return request.public_page
        page = None
        if request.method in ("GET", "HEAD") and settings.SESSION_COOKIE_NAME not in request.COOKIES:
            params = _public_params(getattr(request, "urlconf", None), request.path_info)
            if params is not None:
                request.get_host()  # an unknown host is refused before anything is served
                query = "&".join(f"{name}={request.GET[name]}" for name in params if name in request.GET)
                page = cls(f"{request.scheme}://{request.path}?{query}")
        request.public_page = page
        return page

    def not_modified(self, request):
        if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
        if if_none_match is not None:
            tags = parse_etags(if_none_match)
            return self.etag in tags or "*" in tags
        since = parse_http_date_safe(request.META.get("HTTP_IF_MODIFIED_SINCE", ""))
        return since is not None and int(self.version.changed_at.timestamp()) <= since


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


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.cache = TolerantCache()

    def __call__(self, request):
        if not settings.PAGE_CACHE or (settings.SECURE_SSL_REDIRECT and not request.is_secure()):
            return self.get_response(request)
        page = Page.of(request)
        if page is None:
            return self.get_response(request)
        stored = self.cache.get(page.key)
        if stored is not None:
            if page.not_modified(request):
                return HttpResponseNotModified(
                    headers={k: v for k, v in stored["headers"] if k.lower() not in NOT_MODIFIED_DROPS}
                )
            return HttpResponse(stored["content"], headers={**dict(stored["headers"]), "X-Cache": "hit"})
        response = self.get_response(request)
        if getattr(response, "storable_page", False):
            headers = [(k, v) for k, v in response.items() if k.lower() not in UNSTORED_HEADERS]
            self.cache.set(page.key, {"content": response.content, "headers": headers})
            response["X-Cache"] = "miss"
        return response


class PageValidatorsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        page = Page.of(request)
        if page is None:
            return self.get_response(request)
        if page.not_modified(request):
            response = HttpResponseNotModified()
            response["ETag"] = page.etag
            response["Cache-Control"] = settings.PUBLIC_CACHE_CONTROL
            patch_vary_headers(response, ["Cookie"])
            return response
        with content_version.judged_at(page.version.changed_at):
            response = self.get_response(request)
        if self.storable(response):
            response["ETag"] = page.etag
            response["Last-Modified"] = http_date(
                last_modified_for(page.version.changed_at, datetime.now(dt_timezone.utc))
            )
            response["Cache-Control"] = settings.PUBLIC_CACHE_CONTROL
            patch_vary_headers(response, ["Cookie"])
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
