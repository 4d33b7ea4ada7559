"""The address a request came from, for lockouts and rate limits.

Without a proxy it is REMOTE_ADDR. Behind proxies that append to X-Forwarded-For,
set TRUSTED_PROXIES to how many there are: the address is then the one the
outermost trusted proxy saw, counted from the right, so a client cannot choose
it by sending its own header.
"""

import ipaddress

from django.conf import settings


def client_ip(request):
    # No REMOTE_ADDR: a Unix socket, i.e. a local proxy.
    remote = request.META.get("REMOTE_ADDR", "") or "127.0.0.1"
    proxies = getattr(settings, "TRUSTED_PROXIES", 0)
    if not proxies:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if len(hops) < proxies:
        return address(hops[0], remote) if hops else remote
    return address(hops[-proxies], remote)


def address(text, fallback):
    """text, if it is an IP address; else (a proxy's "unknown", an address with a port, whatever a
    client wrote) fallback, rather than a value no limit can count."""
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return fallback
