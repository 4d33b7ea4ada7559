"""WSGI entry point for application servers such as gunicorn; production settings."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_config.settings.prod")

application = get_wsgi_application()
