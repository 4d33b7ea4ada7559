"""A published article's old addresses answer 301 to its current one."""

import pytest

from articles.models import Article, SlugRedirect

from .factories import ArticleFactory

pytestmark = pytest.mark.django_db


def rename(article, slug):
    article.slug = slug
    article.save()


def test_a_renamed_published_article_redirects_permanently(client):
    article = ArticleFactory(slug="zinc-colds")
    rename(article, "does-zinc-shorten-colds")
    response = client.get("/articles/zinc-colds/")
    assert response.status_code == 301
    assert response["Location"] == "/articles/does-zinc-shorten-colds/"
    assert client.get("/articles/does-zinc-shorten-colds/").status_code == 200


def test_chains_collapse_to_one_hop(client):
    article = ArticleFactory(slug="first")
    rename(article, "second")
    rename(article, "third")
    for old in ("first", "second"):
        response = client.get(f"/articles/{old}/")
        assert (response.status_code, response["Location"]) == (301, "/articles/third/")
    assert set(SlugRedirect.objects.values_list("old_slug", flat=True)) == {"first", "second"}


def test_moving_back_to_an_old_address_drops_its_redirect(client):
    article = ArticleFactory(slug="first")
    rename(article, "second")
    rename(article, "first")
    assert client.get("/articles/first/").status_code == 200
    assert client.get("/articles/second/")["Location"] == "/articles/first/"
    assert list(SlugRedirect.objects.values_list("old_slug", flat=True)) == ["second"]


def test_drafts_leave_no_redirect(client):
    draft = ArticleFactory(slug="working-title", draft=True)
    rename(draft, "final-title")
    assert not SlugRedirect.objects.exists()
    assert client.get("/articles/working-title/").status_code == 404


def test_an_unpublished_article_s_old_address_is_404_for_readers(client, admin_client):
    article = ArticleFactory(slug="old")
    rename(article, "new")
    Article.objects.filter(pk=article.pk).update(status="draft")
    assert client.get("/articles/old/").status_code == 404
    assert admin_client.get("/articles/old/")["Location"] == "/articles/new/"


def test_a_new_article_can_take_an_old_address(client):
    moved = ArticleFactory(slug="magnesium")
    rename(moved, "magnesium-and-bones")
    newcomer = ArticleFactory(slug="magnesium", title="Magnesium, the basics")
    assert client.get("/articles/magnesium/").status_code == 200
    assert "Magnesium, the basics" in client.get(newcomer.get_absolute_url()).content.decode()


def test_the_admin_shows_an_article_s_old_addresses(admin_client):
    article = ArticleFactory(slug="old-name")
    rename(article, "new-name")
    page = admin_client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert "/articles/old-name/" in page
