"""Page numbers: one address per page of a list, 404 for every other spelling, one stored copy per page."""

import json
from urllib.parse import urlencode

import pytest

from articles.models import Topic
from pagecache.store import TolerantCache

from .factories import ArticleFactory
from .helpers import soup

pytestmark = pytest.mark.django_db

SITE = "https://citewell.example"
LISTS = ["/", "/topics/iron/", "/contributors/ana-ruiz/"]
SEARCH = "/search/?q=iron"
NOT_A_PAGE = [
    "01",
    "001",
    "02",
    "\u0661",  # ١, ARABIC-INDIC DIGIT ONE
    "\u0662",  # ٢
    "\uff12",  # ２, FULLWIDTH DIGIT TWO
    "\u00b2",  # ², SUPERSCRIPT TWO: str.isdigit() says yes, int() says no
    "99999999999999999999",
    "1000000",
    "0",
    "00",
    "-1",
    "-2",
    "+1",
    "+2",
    " 2",
    "2 ",
    "2\n",
    "1.0",
    "2.0",
    "0x2",
    "1e1",
    "",
    "two",
]


@pytest.fixture
def lists(settings):
    """Three pages of articles on the home page, a topic's page and a reviewer's page, and in search."""
    settings.ARTICLES_PER_PAGE = 2
    articles = ArticleFactory.create_batch(5, title="Iron and fatigue")
    topic = Topic.objects.create(name="Iron", slug="iron")
    topic.articles.set(articles)
    assert articles[0].medical_reviewer.slug == "ana-ruiz"
    return articles


def with_page(url, value):
    return f"{url}{'&' if '?' in url else '?'}{urlencode({'page': value})}"


@pytest.fixture
def stored(monkeypatch):
    """The keys pages are stored under, as the page cache stores them."""
    keys = []
    store = TolerantCache.set

    def recording(self, key, value):
        if key.startswith("page:"):
            keys.append(key)
        store(self, key, value)

    monkeypatch.setattr(TolerantCache, "set", recording)
    return keys


@pytest.mark.parametrize("url", [*LISTS, SEARCH])
@pytest.mark.parametrize("value", NOT_A_PAGE)
def test_a_page_number_written_any_other_way_is_404(client, lists, url, value):
    assert client.get(with_page(url, value)).status_code == 404


@pytest.mark.parametrize("url", [*LISTS, SEARCH])
@pytest.mark.parametrize("query", ["page=1&page=2", "page=2&page=2", "page=2&page=", "page=3&page=1"])
def test_a_repeated_page_number_is_404(client, lists, url, query):
    assert client.get(f"{url}{'&' if '?' in url else '?'}{query}").status_code == 404


@pytest.mark.parametrize("url", [*LISTS, SEARCH])
def test_pages_past_the_last_are_404_however_far(client, lists, url):
    assert client.get(with_page(url, 3)).status_code == 200
    for number in (4, 10, 999999):
        assert client.get(with_page(url, number)).status_code == 404


@pytest.mark.parametrize(
    "url, target",
    [
        ("/?page=1", "/"),
        ("/topics/iron/?page=1", "/topics/iron/"),
        ("/contributors/ana-ruiz/?page=1", "/contributors/ana-ruiz/"),
        ("/search/?q=iron&page=1", "/search/?q=iron"),
        ("/?utm_source=news&page=1", "/?utm_source=news"),
    ],
)
def test_page_one_is_the_address_without_a_number(client, lists, url, target):
    response = client.get(url)
    assert response.status_code == 301
    assert response["Location"] == target
    first = soup(client.get(target))
    assert first.select_one(".pagination a[rel=next]")["href"].endswith("page=2")
    assert client.get(with_page(target, 2)).status_code == 200


@pytest.mark.parametrize("url", LISTS)
def test_each_page_names_itself_as_canonical_and_links_the_first_without_a_number(client, lists, url):
    first, second = soup(client.get(url)), soup(client.get(with_page(url, 2)))
    assert first.select_one("link[rel=canonical]")["href"] == f"{SITE}{url}"
    assert second.select_one("link[rel=canonical]")["href"] == f"{SITE}{url}?page=2"
    assert second.select_one("meta[property='og:url']")["content"] == f"{SITE}{url}?page=2"
    for script in second.select("script[type='application/ld+json']"):
        for node in json.loads(script.string)["@graph"]:
            if node["@type"] in ("CollectionPage", "WebPage"):
                assert node["url"] == f"{SITE}{url}?page=2", node
    assert second.select_one(".pagination a[rel=prev]")["href"] == url
    assert soup(client.get(with_page(url, 3))).select_one(".pagination a[rel=prev]")["href"] == "?page=2"


def test_search_past_its_results_or_without_a_query_has_no_further_pages(client, lists):
    assert client.get("/search/", {"q": "zinc", "page": 2}).status_code == 404
    assert client.get("/search/", {"page": 2}).status_code == 404
    assert client.get("/search/", {"q": "zinc"}).status_code == 200


# The page cache: one copy per page, whatever the query string


def test_spellings_of_a_page_number_never_make_stored_copies(client, lists, stored):
    assert client.get("/?page=2")["X-Cache"] == "miss"
    assert client.get("/")["X-Cache"] == "miss"
    for value in [*NOT_A_PAGE, "1"]:
        response = client.get(with_page("/", value))
        assert response.status_code in (301, 404)
        assert "X-Cache" not in response
    assert len(stored) == 2
    assert client.get("/?page=2")["X-Cache"] == "hit"


def test_other_query_parameters_share_the_pages_copy(client, lists, stored):
    first = client.get("/?page=2")
    assert first["X-Cache"] == "miss"
    for query in ("page=2&utm_source=news", "a=1&page=2", "x=Zm9vYmFy&page=2&y=", "page=2&q=iron&PAGE=3"):
        response = client.get(f"/?{query}")
        assert response["X-Cache"] == "hit"
        assert response.content == first.content
    assert len(stored) == 1


def test_a_topic_and_a_contributor_are_stored_once_per_page(client, lists):
    for url in ("/topics/iron/", "/contributors/ana-ruiz/"):
        assert client.get(with_page(url, 2))["X-Cache"] == "miss"
        assert client.get(with_page(url, 2) + "&ref=feed")["X-Cache"] == "hit"
        assert client.get(with_page(url, "02")).status_code == 404


def test_search_is_not_stored(client, lists):
    for _ in range(2):
        response = client.get("/search/", {"q": "iron"})
        assert response.status_code == 200
        assert "X-Cache" not in response and "ETag" not in response


def test_a_page_of_the_sitemap_is_never_answered_from_another_page_s_copy(client, seed_article, site_pages):
    first = client.get("/sitemap.xml")
    assert first.status_code == 200
    # Every section holds fewer than 50,000 addresses (the home page's holds one), so there is no page 2.
    assert client.get("/sitemap.xml?p=2").status_code == 404
    assert client.get("/sitemap.xml?utm_source=x").content == first.content
