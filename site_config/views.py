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
