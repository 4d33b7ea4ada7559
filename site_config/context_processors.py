from django.conf import settings

from sitepages.pages import SITE_PAGES


def site(request):
    """What every page may name: the site's name and address, and the site pages the footer links to.

    SITE_PAGES is a constant (no query). It is handed to templates here rather than as a
    Jinja2 global because site_config.jinja2 is imported by the content app, which must not
    depend on the site pages.
    """
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_TAGLINE": settings.SITE_TAGLINE,
        "SITE_URL": settings.SITE_URL,
        "SITE_PAGES": SITE_PAGES,
    }
