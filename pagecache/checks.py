from django.conf import settings
from django.core.checks import Error

OUTER = "pagecache.middleware.PageCacheMiddleware"
INNER = "pagecache.middleware.PageValidatorsMiddleware"
# What must run between the two: headers a stored page is replayed with, and
# the session, which decides whether a request may be served from the cache.
BETWEEN = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
AFTER_INNER = ["django.contrib.sessions.middleware.SessionMiddleware"]


def check_middleware_order(app_configs=None, **kwargs):
    """The page cache serves stored responses with the headers they were sent with: its two
    middlewares must wrap the security headers, and stay outside the session."""
    stack = list(settings.MIDDLEWARE)
    if OUTER not in stack or INNER not in stack:
        return [Error(f"MIDDLEWARE needs both {OUTER} and {INNER}.", id="pagecache.E001")]
    outer, inner = stack.index(OUTER), stack.index(INNER)
    problems = []
    if outer > inner:
        problems.append(Error(f"{OUTER} must come before {INNER} in MIDDLEWARE.", id="pagecache.E002"))
    for name in BETWEEN:
        if name in stack and not outer < stack.index(name) < inner:
            problems.append(
                Error(
                    f"{name} must sit between {OUTER} and {INNER}, or stored pages lose its headers.",
                    id="pagecache.E003",
                )
            )
    for name in AFTER_INNER:
        if name in stack and stack.index(name) < inner:
            problems.append(
                Error(
                    f"{name} must come after {INNER}: the page cache reads the session cookie itself.",
                    id="pagecache.E004",
                )
            )
    return problems
