import logging

from django.core.cache import caches
from django.db import connection
from django.http import JsonResponse
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger(__name__)


class HealthCheckMiddleware:
    """GET /healthz: 200 when the database answers, 503 when it does not.

    First in the chain, so load balancers are answered whatever Host they send
    and over plain HTTP. The cache is reported but not required: pages are
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
