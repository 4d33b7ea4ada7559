"""WSGI entry point for application servers such as gunicorn; production settings."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_config.settings.prod")


def without_body_for_head(app):
    """HEAD gets the headers a GET would (Content-Length included) and no body (RFC 9110, 9.3.2).

    Django leaves dropping it to the server; gunicorn drops it too, but logs each time it
    was sent one. The response is still closed, so the request finishes as any other.
    """

    def application(environ, start_response):
        result = app(environ, start_response)
        if environ.get("REQUEST_METHOD") != "HEAD":
            return result
        close = getattr(result, "close", None)
        if close is not None:
            close()
        return []

    return application


application = without_body_for_head(get_wsgi_application())
