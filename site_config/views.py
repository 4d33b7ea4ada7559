import re
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.views.decorators.csrf import requires_csrf_token
from django.views.defaults import page_not_found, server_error


@requires_csrf_token
def error_404(request, exception):
    """Django's 404 page, which no cache may reuse without asking: the page may exist a moment later
    (an article published, a scheduled one come due)."""
    response = page_not_found(request, exception)
    patch_cache_control(response, no_cache=True)
    return response


@requires_csrf_token
def error_500(request):
    """A lost database gives readers a plain 503 "try again" page; any other failure a 500."""
    if isinstance(sys.exc_info()[1], (OperationalError, InterfaceError)):
        response = render(request, "503.html", status=503)
        response["Retry-After"] = "30"
        return response
    return server_error(request)


# By the name of the route that was limited: its group in settings.RATE_LIMITS, and what the 429 page says.
LIMITED_ACTIONS = {
    "search": ("search", "You have searched many times in a short while."),
    "login": ("login", "There have been many sign-in attempts from your address."),
    "markdownx_markdownify": ("preview", "The editor has asked for many previews in a short while."),
    **{
        f"articles_article_{name}": ("preview", "The editor has asked for many previews in a short while.")
        for name in ("live_preview", "live_preview_add", "preview", "preview_add")
    },
    "markdownx_upload": ("upload", "You have uploaded many images in a short while."),
    "articles_article_references_from_file": (
        "reference_file",
        "You have added references from files many times in a short while.",
    ),
}
RATE_RE = re.compile(r"\d+/(\d*)([smhd])")
UNIT_SECONDS = {"s": 1, "m": 60, "h": 60 * 60, "d": 24 * 60 * 60}


def rate_period(rate):
    """The seconds a rate such as '60/m' or '10/5m' counts over (60 if it cannot be read)."""
    match = RATE_RE.fullmatch(rate or "")
    if not match:
        return 60
    return int(match.group(1) or 1) * UNIT_SECONDS[match.group(2)]


def rate_limited(request, exception=None):
    """429 Too Many Requests, for django-ratelimit (RATELIMIT_VIEW), with when to come back:
    at the latest, when the limit's window (its period) has passed."""
    route = getattr(request.resolver_match, "url_name", "")
    group, message = LIMITED_ACTIONS.get(route, ("", "You have sent many requests in a short while."))
    retry_after = rate_period(settings.RATE_LIMITS.get(group))
    wait = f"{retry_after} seconds"
    if retry_after >= 2 * 60 * 60:
        wait = f"{retry_after // 3600} hours"
    elif retry_after >= 2 * 60:
        wait = f"{retry_after // 60} minutes"
    response = render(request, "429.html", {"message": message, "wait": wait}, status=429)
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "private, no-store"
    return response
