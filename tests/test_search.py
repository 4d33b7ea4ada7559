"""Search: relevant, published only, paginated, highlighted, and harmless whatever is typed."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article

from .factories import ArticleFactory, FAQFactory, KeyPointFactory
from .helpers import soup

pytestmark = pytest.mark.django_db


def results(client, query, **params):
    response = client.get("/search/", {"q": query, **params})
    assert response.status_code == 200
    page = soup(response)
    return page, [h.get_text(strip=True) for h in page.select(".card h2")]


def test_an_empty_query_shows_the_form_only(client, seed_article):
    for query in ("", "   ", "\t\n"):
        page, titles = results(client, query)
        assert page.select_one("form.search-form input[name=q]") is not None
        assert titles == [] and page.select_one(".empty") is None


def test_finds_words_in_the_body_and_highlights_them(client, seed_article):
    page, titles = results(client, "wrist fractures")
    assert titles == ["Does Magnesium Help Osteoporosis?"]
    marks = [m.get_text().lower() for m in page.select(".card__snippet mark")]
    assert "wrist" in marks and any(m.startswith("fracture") for m in marks)


def test_finds_words_in_key_points_and_faq_answers(client):
    point = KeyPointFactory(title="Timing", text="Take lozenges within a day of symptoms.")
    faq = FAQFactory(question="Is it safe in pregnancy?", answer="Ask your midwife first.")
    assert results(client, "lozenges")[1] == [point.article.title]
    assert results(client, "midwife")[1] == [faq.article.title]


def test_a_title_match_ranks_above_a_body_match(client):
    ArticleFactory(title="Sleep and screens", body="## Notes\n\nSome say selenium matters here.")
    ArticleFactory(
        title="Selenium basics", body="## Notes\n\nA trace mineral.", published_at=timezone.now() - timedelta(days=30)
    )
    assert results(client, "selenium")[1] == ["Selenium basics", "Sleep and screens"]


def test_drafts_and_scheduled_articles_never_appear(client):
    ArticleFactory(title="Vanadium published")
    ArticleFactory(title="Vanadium draft", draft=True)
    ArticleFactory(title="Vanadium scheduled", scheduled=True)
    assert results(client, "vanadium")[1] == ["Vanadium published"]


def test_results_are_paginated(client, settings):
    settings.ARTICLES_PER_PAGE = 2
    for n in range(5):
        ArticleFactory(title=f"Chromium note {n}", published_at=timezone.now() - timedelta(days=n + 1))
    page, first = results(client, "chromium")
    assert len(first) == 2
    assert page.select_one(".pagination a[rel=next]")["href"] == "?q=chromium&page=2"
    third_page, third = results(client, "chromium", page=3)
    assert len(third) == 1 and third_page.select_one(".pagination a[rel=next]") is None
    assert third_page.select_one(".pagination a[rel=prev]")["href"] == "?q=chromium&page=2"
    assert set(first) | set(results(client, "chromium", page=2)[1]) | set(third) == {
        f"Chromium note {n}" for n in range(5)
    }
    assert client.get("/search/", {"q": "chromium", "page": 4}).status_code == 404
    assert client.get("/search/", {"q": "chromium", "page": "x"}).status_code == 404


def test_a_very_long_query_is_cut_to_a_bound(client, seed_article):
    page, titles = results(client, "magnesium " * 600)
    assert len(page.select_one("form.search-form input[name=q]")["value"]) <= 200
    assert titles == ["Does Magnesium Help Osteoporosis?"]


@pytest.mark.parametrize(
    "query",
    [
        '"',
        "'",
        "'; DROP TABLE articles_article; --",
        "1 OR 1=1",
        "%",
        "_",
        "%_%",
        "\\",
        "*",
        "^",
        "()",
        "NEAR(magnesium bone)",
        "magnesium AND",
        "OR",
        "-",
        '"unterminated',
        "col:magnesium",
        "{}[]",
        "<script>alert(1)</script>",
        "\x00",
        "\x01\x02",
        "ü ñ 漢字",
        "🦴🦴",
        "-magnesium",
        "magnesium -bone",
    ],
)
def test_odd_characters_and_sql_are_plain_text(client, seed_article, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    page = soup(response)
    assert page.select("script:not([type])") == []
    assert Article.objects.count() == 1


def test_snippets_escape_what_the_text_contains(client):
    ArticleFactory(title="Comparisons", body="## Maths\n\nIf 2 < 3 & 5 > 4 then molybdenum is fine.")
    page, _ = results(client, "molybdenum")
    snippet = page.select_one(".card__snippet")
    assert "2 < 3 & 5 > 4" in snippet.get_text()
    assert [m.get_text() for m in snippet.select("mark")] == ["molybdenum"]
    assert [child.name for child in snippet.find_all(True)] == ["mark"]


def test_no_match_says_so(client, seed_article):
    page, titles = results(client, "unobtainium")
    assert titles == []
    assert "No published article matches “unobtainium”" in page.select_one(".empty").get_text()


@pytest.mark.parametrize(
    "url", ["/", "/articles/does-magnesium-help-osteoporosis/", "/topics/minerals/", "/search/", "/articles/missing/"]
)
def test_the_search_box_is_on_every_page(client, seed_article, url):
    page = soup(client.get(url))
    form = page.select_one("header form[role=search]")
    assert form["action"] == "/search/" and form["method"] == "get"
    assert form.select_one("input[name=q]")["id"] == "site-search-q"
    assert page.select_one("label[for=site-search-q]").get_text() == "Search articles"
