from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from .fields import without_controls
from .models import Article
from .structured_data import absolute

FEED_SIZE = 20


class LatestArticlesFeed(Feed):
    """RSS 2.0: the latest published articles, with summaries and topics."""

    def title(self):
        return f"{settings.SITE_NAME}: {settings.SITE_TAGLINE}"

    def description(self):
        return "The latest evidence-based health articles, with their sources cited and their medical review shown."

    def link(self):
        return absolute(reverse("articles:list"))

    def feed_url(self):
        return absolute(reverse("articles:feed"))

    def items(self):
        return Article.objects.published().for_list().select_related("author").prefetch_related("topics")[:FEED_SIZE]

    # Text stored before control characters were stripped on save would make the XML invalid: strip
    # them here too.
    def item_title(self, article):
        return without_controls(article.title)

    def item_description(self, article):
        # RSS descriptions and Atom summaries (type="html") are HTML to a feed reader: the plain-text
        # summary is escaped, so it shows as written and never becomes markup.
        return escape(without_controls(article.summary))

    def item_link(self, article):
        return absolute(article.get_absolute_url())

    def item_guid(self, article):
        return absolute(article.get_absolute_url())

    def item_pubdate(self, article):
        return article.published_at

    def item_updateddate(self, article):
        return article.updated_at

    def item_author_name(self, article):
        return without_controls(article.author.display_name)

    def item_categories(self, article):
        return [without_controls(topic.name) for topic in article.topics.all()]


class LatestArticlesAtomFeed(LatestArticlesFeed):
    """Atom 1.0: the same articles."""

    feed_type = Atom1Feed

    def subtitle(self):
        return self.description()

    def feed_url(self):
        return absolute(reverse("articles:atom_feed"))
