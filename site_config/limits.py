"""Rates for django-ratelimit, read from settings.RATE_LIMITS by group name.

Views name their group and this function as the rate, e.g.
`@ratelimit(group="search", key="ip", rate="site_config.limits.rate", block=True)`,
so an operator tunes every limit from the environment.
"""

from django.conf import settings


def rate(group, request):
    return settings.RATE_LIMITS.get(group)
