"""Which requests are anonymous reads of a public page, and the key each is stored and validated under."""

import hashlib
from functools import lru_cache
from urllib.parse import urlencode

from django.conf import settings
from django.urls import Resolver404, resolve
from django.utils.http import parse_etags, parse_http_date_safe

from . import content_version


def public_page(view=None, *, query=None):
    """Mark a view whose anonymous response depends only on the watched content.

    `query` maps each query parameter the view reads to the function the view
    reads it with: given the parameter's values (a list, empty when it is absent),
    it returns the canonical text the page is stored under, or raises ValueError
    when the address is not one of the page's own (the view answers it with a 404
    or a redirect, which is neither stored nor validated). Stored copies are keyed
    on those texts only: other parameters, and other spellings of the same value,
    never make a copy of their own.
    """

    def mark(func):
        func.public_page = tuple(sorted((query or {}).items()))
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


class PageKey:
    """What identifies one public page at the current content version: its ETag and its storage key."""

    def __init__(self, page_id):
        self.version = content_version.current()
        digest = hashlib.sha1(f"{settings.RELEASE}:{self.version.value}:{page_id}".encode(), usedforsecurity=False)
        tag = digest.hexdigest()
        self.etag = f'"{tag[:32]}"'
        self.storage_key = f"page:{tag}"

    def etag_matches(self, request):
        """Whether the reader holds this very page. Only a page that exists was ever sent
        with its ETag, so a match also says the page exists."""
        return self.etag in parse_etags(request.META.get("HTTP_IF_NONE_MATCH", ""))

    def not_modified(self, request):
        """Whether the request's preconditions make it a 304, for a page known to exist.

        `If-None-Match: *` and If-Modified-Since say nothing of whether the page
        exists; a page that does not exist is answered 404 whatever they say
        (RFC 9110, 13.1.2 and 13.2.1).
        """
        if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
        if if_none_match is not None:
            tags = parse_etags(if_none_match)
            return self.etag in tags or "*" in tags
        since = parse_http_date_safe(request.META.get("HTTP_IF_MODIFIED_SINCE", ""))
        return since is not None and int(self.version.changed_at.timestamp()) <= since


def canonical_query(request, params):
    """The page's own parameters in canonical form, or None when the address is not one of its own."""
    try:
        return urlencode([(name, canonical(request.GET.getlist(name))) for name, canonical in params])
    except ValueError:
        return None


def page_key(request):
    """The PageKey of this request, or None when it is not an anonymous read of a public page
    at one of its own addresses.

    Worked out once per request; the views can read the content version from it.
    """
    if hasattr(request, "page_key"):
        return request.page_key
    key = None
    if request.method in ("GET", "HEAD") and settings.SESSION_COOKIE_NAME not in request.COOKIES:
        params = _public_params(getattr(request, "urlconf", None), request.path_info)
        if params is not None:
            request.get_host()  # an unknown host is refused before anything is served
            query = canonical_query(request, params)
            key = None if query is None else PageKey(f"{request.scheme}://{request.path}?{query}")
    request.page_key = key
    return key
