"""Local development: `make run`. DEBUG on, served on localhost only.

Django's debug pages list settings and the environment (database passwords
included), so they are for this computer alone: `make run` with a HOST other than
a loopback address (RUN_HOST, set by the Makefile) turns DEBUG off and accepts
any Host name, and whatever DEBUG says, `LoopbackDebugMiddleware` refuses every
client but this computer while it is on.
"""

import ipaddress
import os


def loopback(host):
    host = host.strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


RUN_HOST = os.environ.get("RUN_HOST", "127.0.0.1")
if loopback(RUN_HOST):
    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
else:
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("ALLOWED_HOSTS", "*")
os.environ.setdefault("SITE_URL", "http://127.0.0.1:8000")

from .base import *  # noqa: E402, F403

# Static files straight from the source folders, DEBUG or not (no collectstatic).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
