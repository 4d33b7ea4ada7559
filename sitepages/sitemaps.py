from articles.sitemaps import SiteSitemap

from .models import SitePage


class SitePageSitemap(SiteSitemap):
    changefreq = "yearly"
    priority = 0.3

    def items(self):
        return SitePage.objects.only("slug", "updated_at").order_by("pk")

    def lastmod(self, page):
        return page.updated_at


SITEMAPS = {"pages": SitePageSitemap}
