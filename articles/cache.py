"""Full-page cache and HTTP validators for public pages, never stale.

Public views are marked with @public_page. For an anonymous GET or HEAD of such a
page, PageCacheMiddleware reads the content version (articles.content_version),
answers If-None-Match / If-Modified-Since with 304 when the reader's copy is
current, serves a stored copy of the page when there is one for this version,
and otherwise renders the page and stores it. Any change to content changes the
version, so no stored copy or validator outlives the content it was made from.
Requests with a session cookie (staff, editors) always bypass the cache.

If the cache backend fails (Redis down), pages are rendered from the database
and a warning is logged; the backend is retried after a short pause.
"""

import hashlib
import logging
import time
from datetime import datetime, timezone as dt_timezone

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse, HttpResponseNotModified
from django.urls import Resolver404, resolve
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date, parse_etags, parse_http_date_safe

from . import content_version

logger = logging.getLogger(__name__)

STORED_HEADERS = ("Content-Type", "Content-Language", "Vary", "Cache-Control", "ETag", "Last-Modified")
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


def last_modified_for(changed_at, generated_at):
    """Whole seconds for Last-Modified that a later change can never share.

    A page made in the same second as the last change claims the second before,
    so a change later in that second still moves Last-Modified past it.
    """
    changed = int(changed_at.timestamp())
    return changed if int(generated_at.timestamp()) > changed else changed - 1


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.enabled = settings.PAGE_CACHE
        self.cache = caches[settings.PAGE_CACHE_ALIAS]
        self.timeout = settings.PAGE_CACHE_SECONDS
        self.paused_until = 0.0

    def __call__(self, request):
        page_id = self.page_id(request)
        if page_id is None:
            return self.get_response(request)
        request.get_host()  # host validation before anything is served
        version = content_version.current()
        tag = hashlib.sha1(f"{settings.RELEASE}:{version.value}:{page_id}".encode()).hexdigest()
        etag = f'"{tag[:32]}"'

        if self.not_modified(request, etag, version.changed_at):
            response = HttpResponseNotModified()
            response["ETag"] = etag
            response["Cache-Control"] = settings.PUBLIC_CACHE_CONTROL
            patch_vary_headers(response, ["Cookie"])
            return response

        key = f"page:{tag}"
        stored = self.cache_get(key) if self.enabled else None
        if stored is not None:
            response = HttpResponse(stored["content"])
            for name, value in stored["headers"].items():
                response[name] = value
            response["X-Cache"] = "hit"
            return response

        response = self.get_response(request)
        if not self.storable(response):
            return response
        response["ETag"] = etag
        response["Last-Modified"] = http_date(
            last_modified_for(version.changed_at, datetime.now(dt_timezone.utc))
        )
        response["Cache-Control"] = settings.PUBLIC_CACHE_CONTROL
        patch_vary_headers(response, ["Cookie"])
        if self.enabled:
            headers = {name: response[name] for name in STORED_HEADERS if response.has_header(name)}
            self.cache_set(key, {"content": response.content, "headers": headers})
            response["X-Cache"] = "miss"
        return response

    @staticmethod
    def page_id(request):
        """The path and the query parameters its view reads, or None if not a public page."""
        if request.method not in ("GET", "HEAD") or settings.SESSION_COOKIE_NAME in request.COOKIES:
            return None
        try:
            match = resolve(request.path_info, getattr(request, "urlconf", None))
        except Resolver404:
            return None
        params = getattr(match.func, "public_page", None)
        if params is None:
            return None
        query = "&".join(f"{name}={request.GET.get(name, '')}" for name in params if name in request.GET)
        return f"{request.path}?{query}"

    @staticmethod
    def not_modified(request, etag, changed_at):
        if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
        if if_none_match is not None:
            tags = parse_etags(if_none_match)
            return etag in tags or "*" in tags
        since = parse_http_date_safe(request.META.get("HTTP_IF_MODIFIED_SINCE", ""))
        return since is not None and int(changed_at.timestamp()) <= since

    @staticmethod
    def storable(response):
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and "private" not in response.get("Cache-Control", "")
            and "no-store" not in response.get("Cache-Control", "")
        )

    def cache_get(self, key):
        if time.monotonic() < self.paused_until:
            return None
        try:
            return self.cache.get(key)
        except Exception as error:  # any backend failure: serve from the database
            self.failed(error)
            return None

    def cache_set(self, key, value):
        if time.monotonic() < self.paused_until:
            return
        try:
            self.cache.set(key, value, self.timeout)
        except Exception as error:
            self.failed(error)

    def failed(self, error):
        self.paused_until = time.monotonic() + RETRY_AFTER_FAILURE
        logger.warning(
            "Page cache unavailable (%s: %s); serving pages from the database for %.0f s.",
            type(error).__name__, error, RETRY_AFTER_FAILURE,
        )
