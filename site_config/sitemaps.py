"""/sitemap.xml: put together here, from the content app's sitemaps and the site pages', so that
neither app needs to know of the other."""

from django.contrib.sitemaps.views import sitemap as sitemap_view

from articles.sitemaps import SITEMAPS as ARTICLE_SITEMAPS
from articles.views import page_param
from pagecache.pages import public_page
from sitepages.sitemaps import SITEMAPS as SITE_PAGE_SITEMAPS

SITEMAPS = {**ARTICLE_SITEMAPS, **SITE_PAGE_SITEMAPS}


# Past 50,000 addresses the sitemap has pages (?p=2...): each is stored under its own number.
@public_page(query={"p": page_param})
def sitemap(request):
    """The home page, topics, contributors and articles, then the site pages."""
    return sitemap_view(request, sitemaps=SITEMAPS)
