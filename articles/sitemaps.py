from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Max, Q
from django.urls import reverse

from .models import Article, Contributor, Topic, published_q


class SiteSitemap(Sitemap):
    """URLs on SITE_URL, whatever host the sitemap was asked for on."""

    protocol = settings.SITE_URL.split("://", 1)[0]

    def get_domain(self, site=None):
        return settings.SITE_URL.split("://", 1)[1]


class HomeSitemap(SiteSitemap):
    changefreq = "daily"
    priority = 1.0

    def items(self):
        return ["articles:list"]

    def location(self, item):
        return reverse(item)

    def lastmod(self, item):
        return Article.objects.published().aggregate(latest=Max("updated_at"))["latest"]


class TopicSitemap(SiteSitemap):
    changefreq = "weekly"
    priority = 0.6

    def items(self):
        return (
            Topic.objects.annotate(latest=Max("articles__updated_at", filter=published_q("articles__")))
            .filter(latest__isnull=False)
            .order_by("name")
        )

    def lastmod(self, topic):
        return topic.latest


class ContributorSitemap(SiteSitemap):
    changefreq = "monthly"
    priority = 0.4

    def items(self):
        return (
            Contributor.objects.annotate(
                written=Max("articles_written__updated_at", filter=published_q("articles_written__")),
                reviewed=Max("articles_reviewed__updated_at", filter=published_q("articles_reviewed__")),
            )
            .filter(Q(written__isnull=False) | Q(reviewed__isnull=False))
            .order_by("name")
        )

    def lastmod(self, contributor):
        return max(date for date in (contributor.written, contributor.reviewed) if date is not None)


class ArticleSitemap(SiteSitemap):
    changefreq = "monthly"
    priority = 0.8

    def items(self):
        return Article.objects.published().only("slug", "updated_at").order_by("-published_at", "-pk")

    def lastmod(self, article):
        return article.updated_at


SITEMAPS = {"home": HomeSitemap, "topics": TopicSitemap, "contributors": ContributorSitemap, "articles": ArticleSitemap}
