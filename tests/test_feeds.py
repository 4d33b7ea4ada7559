"""Sitemaps, robots.txt and feeds, read the way crawlers and feed readers read them."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import feedparser
import pytest
from django.utils import timezone

from articles.models import Article

from .factories import ArticleFactory

pytestmark = pytest.mark.django_db

SITE = "https://citewell.example"
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def sitemap(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    root = ET.fromstring(response.content)
    return {u.find("s:loc", NS).text: u.find("s:lastmod", NS).text for u in root.findall("s:url", NS)}


def test_sitemap_lists_home_topics_and_published_articles_with_lastmod(client, seed_article):
    ArticleFactory(slug="a-draft", draft=True)
    ArticleFactory(slug="a-scheduled-one", scheduled=True)
    urls = sitemap(client)
    assert urls == {
        SITE + "/": "2026-10-06",
        SITE + "/topics/bone-health/": "2026-10-06",
        SITE + "/topics/minerals/": "2026-10-06",
        SITE + "/topics/supplements/": "2026-10-06",
        SITE + "/contributors/citewell-editorial-team/": "2026-10-06",
        SITE + "/articles/does-magnesium-help-osteoporosis/": "2026-10-06",
    }


def test_robots_keeps_crawlers_out_of_the_admin_and_points_to_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    assert f"Sitemap: {SITE}/sitemap.xml" in lines


def test_search_results_are_kept_out_of_the_index_by_noindex_which_crawlers_may_fetch(client, seed_article):
    """A page blocked in robots.txt is never fetched, so its noindex is never read: one or the other."""
    from urllib.robotparser import RobotFileParser

    robots = RobotFileParser()
    robots.parse(client.get("/robots.txt").content.decode().splitlines())
    assert robots.can_fetch("Googlebot", f"{SITE}/search/?q=magnesium")
    assert not robots.can_fetch("Googlebot", f"{SITE}/admin/")
    page = client.get("/search/?q=magnesium").content.decode()
    assert '<meta name="robots" content="noindex, follow">' in page


@pytest.mark.parametrize("url, version", [("/feed/", "rss20"), ("/feed/atom/", "atom10")])
def test_feeds_carry_the_latest_published_articles(client, seed_article, url, version):
    newer = ArticleFactory(
        title="Zinc and colds", summary="Lozenges may shorten colds.", published_at=timezone.now() - timedelta(hours=2)
    )
    ArticleFactory(title="Unfinished draft", draft=True)
    ArticleFactory(title="Not yet", scheduled=True)
    feed = feedparser.parse(client.get(url).content)
    assert feed.version == version
    assert not feed.bozo, feed.bozo_exception
    assert feed.feed.title == "Citewell: Evidence-based health articles"
    assert feed.feed.link == SITE + "/"
    assert [e.title for e in feed.entries] == ["Zinc and colds", "Does Magnesium Help Osteoporosis?"]
    first, second = feed.entries
    assert first.link == SITE + newer.get_absolute_url()
    assert first.summary == "Lozenges may shorten colds."
    assert second.link == SITE + "/articles/does-magnesium-help-osteoporosis/"
    assert second.summary == seed_article.summary
    assert second.published_parsed[:6] == (2025, 3, 18, 9, 0, 0)
    assert [t.term for t in second.tags] == ["Bone health", "Minerals", "Supplements"]


def test_atom_entries_have_their_updated_dates(client, seed_article):
    entry = feedparser.parse(client.get("/feed/atom/").content).entries[0]
    assert entry.updated_parsed[:6] == (2026, 10, 6, 14, 30, 0)


def test_pages_advertise_the_feeds(client, seed_article):
    html = client.get("/").content.decode()
    assert '<link rel="alternate" type="application/rss+xml" title="Citewell (RSS)" href="/feed/">' in html
    assert 'type="application/atom+xml"' in html


@pytest.mark.parametrize(("url", "shows_articles"), [("/sitemap.xml", True), ("/feed/", True), ("/robots.txt", False)])
def test_discovery_documents_are_cached_and_never_stale(client, seed_article, url, shows_articles):
    first = client.get(url)
    assert client.get(url)["X-Cache"] == "hit"
    seed_article.title = "Magnesium and Bones"
    seed_article.save()
    after = client.get(url)
    assert after["X-Cache"] == ("miss" if shows_articles else "hit")  # robots.txt names no article
    if url == "/feed/":
        assert "Magnesium and Bones" in after.content.decode() and first.content != after.content


@pytest.mark.parametrize("url", ["/feed/", "/feed/atom/"])
def test_a_pasted_control_character_is_dropped_on_save_and_never_breaks_a_feed(client, url, editor_client):
    article = ArticleFactory(title="Zinc\x0b and colds", summary="Lozenges\x00 help.\x1f")
    article.topics.create(name="Cold\x07s", slug="colds")
    article.refresh_from_db()
    assert article.title == "Zinc and colds" and article.summary == "Lozenges help."
    # Stored before the rule (by SQL, past save()): the feed still answers, valid.
    Article.objects.filter(pk=article.pk).update(title="Zinc\x0b and colds")
    response = client.get(url)
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.entries[0].title == "Zinc and colds" and [t.term for t in feed.entries[0].tags] == ["Colds"]


@pytest.mark.parametrize("url", ["/feed/", "/feed/atom/"])
def test_a_summary_is_text_in_feed_readers_never_markup(client, url):
    ArticleFactory(summary='Zinc <img src=x onerror=alert(1)> & "colds" <b>now</b>')
    entry = feedparser.parse(client.get(url).content).entries[0]
    # The feed reader's HTML, once parsed, is the summary as written: tags shown, not made.
    assert entry.summary == "Zinc &lt;img src=x onerror=alert(1)&gt; &amp; &quot;colds&quot; &lt;b&gt;now&lt;/b&gt;"
