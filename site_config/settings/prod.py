"""Production: DEBUG off, secrets and hosts must come from the environment."""

import os

os.environ["DEBUG"] = "false"

from .base import *  # noqa: E402,F403

if not ALLOWED_HOSTS:  # noqa: F405
    raise ImproperlyConfigured(  # noqa: F405
        "ALLOWED_HOSTS is not set. List the site's host names, comma-separated."
    )

STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
}
