"""Public pages: what readers and staff see, headers, status codes and query counts."""

from datetime import timedelta

import pytest
from django.urls import reverse

from articles.models import Article

from .factories import (
    ArticleFactory,
    FAQFactory,
    FoodSourceFactory,
    KeyPointFactory,
    ReferenceFactory,
    SupplementFormFactory,
)
from .helpers import queries_for, signed_in, soup

pytestmark = pytest.mark.django_db


def test_home_lists_published_articles_newest_first_as_cards(client):
    older = ArticleFactory(title="Older article")
    newer = ArticleFactory(title="Newer article", published_at=older.published_at + timedelta(hours=1))
    response = client.get(reverse("articles:list"))
    assert response.status_code == 200
    cards = soup(response).select(".card")
    assert [c.select_one("h2").get_text(strip=True) for c in cards] == ["Newer article", "Older article"]
    card = cards[0]
    assert card.select_one("a")["href"] == newer.get_absolute_url()
    assert newer.summary in card.get_text()
    assert f"{newer.reading_minutes} min read" in card.get_text()
    assert "Last reviewed" in card.get_text()


def test_home_never_lists_drafts_or_scheduled_articles(client):
    ArticleFactory(title="Visible")
    ArticleFactory(title="Draft one", draft=True)
    ArticleFactory(title="In review", status=Article.Status.IN_REVIEW)
    ArticleFactory(title="Scheduled one", scheduled=True)
    text = soup(client.get("/")).get_text()
    assert "Visible" in text
    assert "Draft one" not in text and "In review" not in text and "Scheduled one" not in text


def test_home_is_paginated(client, settings):
    settings.ARTICLES_PER_PAGE = 2
    ArticleFactory.create_batch(5)
    first = soup(client.get("/"))
    assert len(first.select(".card")) == 2
    assert first.select_one(".pagination a[rel=next]")["href"] == "?page=2"
    last = soup(client.get("/?page=3"))
    assert len(last.select(".card")) == 1
    assert last.select_one(".pagination a[rel=prev]")["href"] == "?page=2"
    assert last.select_one(".pagination a[rel=next]") is None
    assert soup(client.get("/?page=2")).select_one(".pagination a[rel=prev]")["href"] == "/"


# Not called "page": that is Playwright's fixture, and asking for it would run these with the browser tests.
@pytest.mark.parametrize("number", ["4", "0", "abc", "-1"])
def test_a_page_that_does_not_exist_is_404(client, settings, number):
    settings.ARTICLES_PER_PAGE = 2
    ArticleFactory.create_batch(5)
    assert client.get(f"/?page={number}").status_code == 404


def test_home_with_nothing_published_says_so(client):
    assert "No articles are published yet." in soup(client.get("/")).get_text()


def test_article_page_shows_every_section_and_the_default_disclaimer(client, settings):
    article = ArticleFactory(subtitle="A closer look", body="## Evidence\n\nSmall trials.[^ref1]\n\n## Safety\n\nFine.")
    KeyPointFactory(article=article, order=1, title="Food first", text="Eat well.")
    FAQFactory(article=article, order=1, question="Is it safe?", answer="Mostly.")
    ReferenceFactory(article=article, order=1, title="A trial of sleep")
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    page = soup(response)
    assert page.select_one("h1").get_text() == article.title
    assert page.select_one(".article-subtitle").get_text() == "A closer look"
    byline = page.select_one(".byline").get_text(" ", strip=True)
    assert "Written by Citewell Editorial Team" in byline and "Medically reviewed by" in byline
    assert "Published" in byline and "Updated" in byline
    assert (
        f"Medically reviewed by Ana Ruiz, MD on {article.last_reviewed_on:%B} {article.last_reviewed_on.day}" in byline
    )
    assert f"{article.reading_minutes} min read" in byline
    assert [a["href"] for a in page.select("#contents a")] == ["#evidence", "#safety", "#faq", "#references"]
    assert page.select_one("#evidence").get_text() == "Evidence"
    assert page.select_one("#faq summary").get_text() == "Is it safe?"
    assert page.select_one("#ref-1 .ref__title").get_text() == "A trial of sleep."
    assert page.select_one(".disclaimer p").get_text(strip=True) == settings.DEFAULT_DISCLAIMER
    assert page.title.get_text().startswith(article.title)
    assert page.select_one("meta[name=description]")["content"] == article.meta_description


def test_an_article_may_override_the_disclaimer(client):
    article = ArticleFactory(disclaimer="Not a substitute for seeing your pharmacist.")
    page = soup(client.get(article.get_absolute_url()))
    assert page.select_one(".disclaimer p").get_text(strip=True) == "Not a substitute for seeing your pharmacist."


def test_a_blank_override_still_shows_the_default_disclaimer(client, settings):
    article = ArticleFactory(disclaimer="   \n ")
    page = soup(client.get(article.get_absolute_url()))
    assert page.select_one(".disclaimer p").get_text(strip=True) == settings.DEFAULT_DISCLAIMER


def test_blocks_render_in_place_or_after_the_body(client):
    placed = ArticleFactory(body="## Food\n\nEat this:\n\n[[food-sources]]\n\n## Pills\n\nOr this.")
    FoodSourceFactory(article=placed, order=1)
    SupplementFormFactory(article=placed, order=1)
    body = soup(client.get(placed.get_absolute_url())).select_one(".article-body")
    ids = [el["id"] for el in body.find_all(id=True)]
    assert ids == [
        "food",
        "food-sources",
        "food-sources-title",
        "food-chart-title",
        "food-chart-desc",
        "pills",
        "supplement-forms",
        "supplement-forms-title",
    ]


@pytest.mark.parametrize("status, when", [("draft", None), ("in_review", None), ("published", "future")])
def test_unpublished_articles_are_404_for_the_public(client, reader, status, when):
    article = ArticleFactory(status=status, scheduled=when == "future")
    if when is None:
        Article.objects.filter(pk=article.pk).update(published_at=None)
    assert client.get(article.get_absolute_url()).status_code == 404
    client.force_login(reader)
    assert client.get(article.get_absolute_url()).status_code == 404


def test_staff_see_drafts_with_a_banner_and_never_cache_headers(admin_client):
    article = ArticleFactory(draft=True)
    response = admin_client.get(article.get_absolute_url())
    assert response.status_code == 200
    banner = soup(response).select_one(".staff-banner")
    assert "Not published." in banner.get_text()
    assert "Draft" in banner.get_text()
    assert banner.select_one("a")["href"] == reverse("admin:articles_article_change", args=[article.pk])
    assert "no-cache" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_staff_see_scheduled_articles_with_their_time(admin_client):
    article = ArticleFactory(scheduled=True)
    banner = soup(admin_client.get(article.get_absolute_url())).select_one(".staff-banner")
    assert "Scheduled for" in banner.get_text()


def test_readers_get_no_banner(client):
    article = ArticleFactory()
    response = client.get(article.get_absolute_url())
    assert soup(response).select_one(".staff-banner") is None
    assert "no-store" not in response.get("Cache-Control", "")


def test_missing_article_is_a_styled_404(client):
    response = client.get("/articles/no-such-article/")
    assert response.status_code == 404
    page = soup(response)
    assert "We can’t find that page" in page.select_one("h1").get_text()
    assert page.select_one("link[rel=stylesheet]")


def make_article_with(faqs):
    article = ArticleFactory()
    for n in range(1, 4):
        KeyPointFactory(article=article, order=n)
        ReferenceFactory(article=article, order=n)
        FoodSourceFactory(article=article, order=n)
        SupplementFormFactory(article=article, order=n)
    for n in range(1, faqs + 1):
        FAQFactory(article=article, order=n)
    return article


def test_article_page_queries_do_not_grow_with_its_rows(client):
    few = queries_for(client, make_article_with(faqs=3).get_absolute_url())
    many = queries_for(client, make_article_with(faqs=30).get_absolute_url())
    assert few == many
    assert many <= 10


def test_home_page_queries_do_not_grow_with_articles(client):
    ArticleFactory.create_batch(2)
    few = queries_for(client, "/")
    ArticleFactory.create_batch(8)
    assert queries_for(client, "/") == few <= 3


@pytest.mark.urls("tests.urls_error")
def test_server_errors_show_the_styled_500_page(client):
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


def test_staff_without_permission_to_view_articles_see_only_published_ones(django_user_model, editor):
    draft = ArticleFactory(draft=True)
    helpdesk = django_user_model.objects.create_user("helpdesk", is_staff=True)
    assert signed_in(helpdesk).get(draft.get_absolute_url()).status_code == 404
    assert signed_in(editor).get(draft.get_absolute_url()).status_code == 200  # Editors may view articles


def test_times_on_the_page_are_to_the_second_as_html_allows(client, seed_article):
    """An admin save stores microseconds; <time datetime> takes at most three digits of a fraction."""
    import re

    from django.utils import timezone

    from articles.models import Article

    Article.objects.filter(pk=seed_article.pk).update(updated_at=timezone.now().replace(microsecond=309841))
    html = client.get(seed_article.get_absolute_url()).content.decode()
    stamps = re.findall(r'<time datetime="([^"]+)"', html)
    assert stamps
    for stamp in stamps:
        assert re.fullmatch(r"\d{4}-\d\d-\d\d(T\d\d:\d\d:\d\d[+-]\d\d:\d\d)?", stamp), stamp
