"""Topics: their pages, the breadcrumb, and related articles on the article page."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Topic

from .factories import ArticleFactory
from .helpers import page_at, queries_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def topics(db):
    return {
        name: Topic.objects.create(name=name, slug=name.lower().replace(" ", "-"))
        for name in ("Bone health", "Minerals", "Sleep", "Supplements")
    }


def published(title, topics, days_ago=1, **kwargs):
    article = ArticleFactory(title=title, published_at=timezone.now() - timedelta(days=days_ago), **kwargs)
    article.topics.set(topics)
    return article


def test_topic_page_lists_its_published_articles_newest_first(client, topics):
    published("Old calcium", [topics["Minerals"]], days_ago=9)
    published("New zinc", [topics["Minerals"]], days_ago=1)
    published("Sleep hygiene", [topics["Sleep"]])
    ArticleFactory(title="Draft iron", draft=True).topics.set([topics["Minerals"]])
    page = page_at(client, "/topics/minerals/")
    assert page.select_one("h1").get_text() == "Minerals"
    assert [h.get_text(strip=True) for h in page.select(".card h2")] == ["New zinc", "Old calcium"]


def test_an_unknown_topic_is_404(client):
    assert client.get("/topics/astrology/").status_code == 404


def test_topic_index_lists_topics_that_have_published_articles(client, topics):
    published("New zinc", [topics["Minerals"], topics["Supplements"]])
    ArticleFactory(draft=True).topics.set([topics["Sleep"]])
    page = page_at(client, "/topics/")
    assert [a.get_text() for a in page.select(".topic-list a")] == ["Minerals", "Supplements"]
    assert "1 article" in page.select_one(".topic-list li").get_text()


def test_related_articles_share_the_most_topics_first_then_newest(client, topics):
    bone, minerals, supplements, sleep = (topics[n] for n in ("Bone health", "Minerals", "Supplements", "Sleep"))
    main = published("Magnesium for bones", [bone, minerals, supplements])
    published("Shares one, newest", [minerals], days_ago=1)
    published("Shares two, older", [bone, supplements], days_ago=30)
    published("Shares three, oldest", [bone, minerals, supplements], days_ago=60)
    published("Shares nothing", [sleep], days_ago=1)
    ArticleFactory(title="Draft shares all", draft=True).topics.set([bone, minerals, supplements])
    published("Shares one, older", [bone], days_ago=10)
    published("Shares one, oldest", [bone], days_ago=90)
    page = page_at(client, main.get_absolute_url())
    titles = [a.get_text() for a in page.select(".related a")]
    assert titles == ["Shares three, oldest", "Shares two, older", "Shares one, newest", "Shares one, older"]


def test_an_article_without_topics_has_no_related_section_and_a_short_breadcrumb(client):
    article = ArticleFactory()
    page = page_at(client, article.get_absolute_url())
    assert page.select_one(".related") is None
    assert [li.get_text(strip=True) for li in page.select(".breadcrumbs li")] == ["Home", article.title]


def test_related_articles_keep_the_page_to_a_constant_number_of_queries(client, topics):
    main = published("Main", list(topics.values()))
    for n in range(2):
        published(f"Other {n}", [topics["Minerals"]])
    few = queries_for(client, main.get_absolute_url())
    for n in range(2, 12):
        published(f"Other {n}", list(topics.values())[: 1 + n % 4])
    assert queries_for(client, main.get_absolute_url()) == few <= 12


def test_the_initial_article_is_filed_under_its_topics(client, seed_article):
    assert [t.name for t in seed_article.topics.all()] == ["Bone health", "Minerals", "Supplements"]
    byline = page_at(client, seed_article.get_absolute_url()).select_one(".byline__topics")
    assert [a["href"] for a in byline.select("a")] == [
        "/topics/bone-health/",
        "/topics/minerals/",
        "/topics/supplements/",
    ]


@pytest.mark.parametrize("page_cache", [True, False])
def test_related_articles_follow_every_change_at_once(client, topics, settings, page_cache):
    settings.PAGE_CACHE = page_cache
    main = published("Main", [topics["Minerals"], topics["Sleep"]])
    published("Older neighbour", [topics["Minerals"]], days_ago=5)
    assert [a.get_text() for a in page_at(client, main.get_absolute_url()).select(".related a")] == ["Older neighbour"]
    newcomer = published("Close newcomer", [topics["Minerals"], topics["Sleep"]], days_ago=2)
    assert [a.get_text() for a in page_at(client, main.get_absolute_url()).select(".related a")] == [
        "Close newcomer",
        "Older neighbour",
    ]
    newcomer.title = "Close newcomer, retitled"
    newcomer.save()
    assert "Close newcomer, retitled" in client.get(main.get_absolute_url()).content.decode()
    newcomer.status = "draft"
    newcomer.save()
    assert [a.get_text() for a in page_at(client, main.get_absolute_url()).select(".related a")] == ["Older neighbour"]


def test_a_topic_with_only_unpublished_articles_has_no_public_page(client, topics):
    ArticleFactory(title="Draft iron", draft=True).topics.set([topics["Minerals"]])
    ArticleFactory(title="Scheduled zinc", scheduled=True).topics.set([topics["Minerals"]])
    assert client.get("/topics/minerals/").status_code == 404
    assert client.get("/topics/sleep/").status_code == 404  # no article at all
    published("New zinc", [topics["Minerals"]])
    assert client.get("/topics/minerals/").status_code == 200
