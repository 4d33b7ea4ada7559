"""/sitemap.xml: put together here, from the content app's sitemaps and the site pages', so that
neither app needs to know of the other."""

from django.contrib.sitemaps.views import sitemap as sitemap_view

from articles.sitemaps import SITEMAPS as ARTICLE_SITEMAPS
from pagecache.pages import public_page
from sitepages.sitemaps import SITEMAPS as SITE_PAGE_SITEMAPS

SITEMAPS = {**ARTICLE_SITEMAPS, **SITE_PAGE_SITEMAPS}


@public_page
def sitemap(request):
    """The home page, topics, contributors and articles, then the site pages."""
    return sitemap_view(request, sitemaps=SITEMAPS)
