"""Which requests are anonymous reads of a public page, and the key each is stored and validated under."""

import hashlib
from datetime import UTC, datetime
from functools import lru_cache
from urllib.parse import urlencode

from django.conf import settings
from django.urls import Resolver404, resolve
from django.utils.http import parse_etags, parse_http_date_safe

from . import triggers
from .versions import versions

ENCODING_SUFFIXES = ("-gzip", "-br")


def public_page(view=None, *, query=None, depends=(triggers.LISTS,)):
    """Mark a view whose anonymous response depends only on the watched content.

    `query` maps each query parameter the view reads to the function the view
    reads it with: given the parameter's values (a list, empty when it is absent),
    it returns the canonical text the page is stored under, or raises ValueError
    when the address is not one of the page's own (the view answers it with a 404
    or a redirect, which is neither stored nor validated). Stored copies are keyed
    on those texts only: other parameters, and other spellings of the same value,
    never make a copy of their own.

    `depends` names the dependency keys (pagecache.triggers) the page shows, besides
    `all`: by default `list`, the pages that list public content. A view may add the
    keys of what it found with depends_on().
    """

    def mark(func):
        func.public_page = (tuple(sorted((query or {}).items())), frozenset(depends) | {triggers.EVERYTHING})
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


def base_etag(tag):
    """An ETag without the suffix naming its content coding."""
    tag = tag.strip('"')
    return tag.rsplit("-", 1)[0] if tag.endswith(ENCODING_SUFFIXES) else tag


class PageKey:
    """One public page: where its copies are stored, the versions it is served or made by, and
    the dependency keys it shows."""

    def __init__(self, page_id, depends):
        self.page_id = page_id
        self.snapshot = versions.current()
        self.depends = set(depends)
        digest = hashlib.sha1(f"{settings.RELEASE}:{page_id}".encode(), usedforsecurity=False)
        self.storage_key = f"page:{digest.hexdigest()}"

    def made(self):
        """What a page made now is valid for ({key: version}), its ETag and its Last-Modified."""
        made_at = self.snapshot.versions(self.depends)
        text = ",".join(f"{k}={v}" for k, v in sorted(made_at.items()))
        tag = hashlib.sha1(f"{settings.RELEASE}:{self.page_id}:{text}".encode(), usedforsecurity=False).hexdigest()
        changed = self.snapshot.last_changed(self.depends)
        return made_at, f'"{tag[:32]}"', last_modified_for(changed, datetime.now(UTC))

    @staticmethod
    def not_modified(request, etag, last_modified):
        """Whether the request's preconditions make it a 304, for a page known to exist.

        `If-None-Match: *` and If-Modified-Since say nothing of whether the page
        exists; a page that does not exist is answered 404 whatever they say
        (RFC 9110, 13.1.2 and 13.2.1). The ETag of any content coding of the page matches.
        """
        if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
        if if_none_match is not None:
            tags = parse_etags(if_none_match)
            return "*" in tags or base_etag(etag) in {base_etag(tag) for tag in tags}
        since = parse_http_date_safe(request.META.get("HTTP_IF_MODIFIED_SINCE", ""))
        return since is not None and last_modified <= since


def canonical_query(request, params):
    """The page's own parameters in canonical form, or None when the address is not one of its own."""
    try:
        return urlencode([(name, canonical(request.GET.getlist(name))) for name, canonical in params])
    except ValueError:
        return None


def page_key(request):
    """The PageKey of this request, or None when it is not an anonymous read of a public page
    at one of its own addresses.

    Worked out once per request; the views add what they show to it (depends_on()).
    """
    if hasattr(request, "page_key"):
        return request.page_key
    key = None
    if request.method in ("GET", "HEAD") and settings.SESSION_COOKIE_NAME not in request.COOKIES:
        marked = _public_params(getattr(request, "urlconf", None), request.path_info)
        if marked is not None:
            params, depends = marked
            request.get_host()  # an unknown host is refused before anything is served
            query = canonical_query(request, params)
            key = None if query is None else PageKey(f"{request.scheme}://{request.path}?{query}", depends)
    request.page_key = key
    return key


def depends_on(request, *keys):
    """The page being made for this request also shows what these dependency keys stand for."""
    key = page_key(request)
    if key is not None:
        key.depends.update(keys)
