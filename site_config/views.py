import sys

from django.db import InterfaceError, OperationalError
from django.shortcuts import render
from django.views.decorators.csrf import requires_csrf_token
from django.views.defaults import server_error


@requires_csrf_token
def error_500(request):
    """A lost database gives readers a plain 503 "try again" page; any other failure a 500."""
    if isinstance(sys.exc_info()[1], (OperationalError, InterfaceError)):
        response = render(request, "503.html", status=503)
        response["Retry-After"] = "30"
        return response
    return server_error(request)


# What the 429 page says, by the name of the route that was limited.
LIMITED_ACTIONS = {
    "search": "You have searched many times in a short while.",
    "login": "There have been many sign-in attempts from your address.",
    "markdownx_markdownify": "The editor has asked for many previews in a short while.",
    "markdownx_upload": "You have uploaded many images in a short while.",
}


def rate_limited(request, exception=None):
    """429 Too Many Requests, for django-ratelimit (RATELIMIT_VIEW), with when to come back."""
    route = getattr(request.resolver_match, "url_name", "")
    retry_after = 60
    message = LIMITED_ACTIONS.get(route, "You have sent many requests in a short while.")
    response = render(request, "429.html", {"message": message, "retry_after": retry_after}, status=429)
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "private, no-store"
    return response
