import ipaddress
import logging

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.http import HttpResponseForbidden, JsonResponse
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.security import SecurityMiddleware
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger(__name__)


class SecurityHeadersMiddleware:
    """Outermost: every response leaves with the full set of security headers, whatever answered it.

    The security middlewares further in set them on what passes through them;
    /healthz, the 400 for an unknown host, the 503 page of a lost database and
    stored pages are answered before them. This one adds what is missing, from
    the same settings and by the same code (those middlewares' own response
    step, which keeps a header already set), then Permissions-Policy and
    Cross-Origin-Resource-Policy. A test keeps it first in MIDDLEWARE.
    """

    # Each middleware whose response step is reused, and the headers it sets.
    FILLERS = {
        SecurityMiddleware: (
            "X-Content-Type-Options",
            "Referrer-Policy",
            "Cross-Origin-Opener-Policy",
            "Strict-Transport-Security",
        ),
        CSPMiddleware: ("Content-Security-Policy",),
        XFrameOptionsMiddleware: ("X-Frame-Options",),
    }

    def __init__(self, get_response):
        self.get_response = get_response
        self.fill = [(cls(get_response), names) for cls, names in self.FILLERS.items()]
        self.headers = {
            "Permissions-Policy": ", ".join(f"{feature}=()" for feature in settings.PERMISSIONS_POLICY_DENY),
            "Cross-Origin-Resource-Policy": settings.CROSS_ORIGIN_RESOURCE_POLICY,
        }

    def __call__(self, request):
        response = self.get_response(request)
        for middleware, names in self.fill:
            if any(name not in response for name in names):  # building a CSP costs some 20 µs: only when missing
                response = middleware.process_response(request, response)
        for name, value in self.headers.items():
            response.headers.setdefault(name, value)
        return response


class HealthCheckMiddleware:
    """GET /healthz: 200 when the database answers, 503 when it does not.

    Before everything but the security headers, so load balancers are answered
    whatever Host they send and over plain HTTP. The cache is reported but not required: pages are
    served from the database without it.
    """

    path = "/healthz"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path != self.path:
            return self.get_response(request)
        checks = {"database": self.check_database(), "cache": self.check_cache()}
        healthy = checks["database"] == "ok"
        response = JsonResponse(
            {"status": "ok" if healthy else "unavailable", **checks}, status=200 if healthy else 503
        )
        add_never_cache_headers(response)
        return response

    @staticmethod
    def check_database():
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()
        except Exception as error:
            logger.error("Health check: database unavailable: %s", error)
            return "unavailable"
        return "ok"

    @staticmethod
    def check_cache():
        try:
            caches["default"].get("healthz")
        except Exception as error:
            logger.warning("Health check: cache unavailable: %s", error)
            return "unavailable"
        return "ok"


class LoopbackDebugMiddleware:
    """With DEBUG on, answer this computer only: debug pages list the environment.

    First in the chain, before anything reads the Host header (an unknown Host is
    itself a debug page). A request relayed by a proxy counts as from elsewhere.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.DEBUG and not self.from_this_computer(request):
            return HttpResponseForbidden(
                "This site is running with DEBUG on, which only this computer may see. "
                "To serve other devices, run it with DEBUG=false (make run HOST=0.0.0.0 does).",
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)

    @staticmethod
    def from_this_computer(request):
        if "HTTP_X_FORWARDED_FOR" in request.META or "HTTP_FORWARDED" in request.META:
            return False
        try:
            return ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")).is_loopback
        except ValueError:
            return False
