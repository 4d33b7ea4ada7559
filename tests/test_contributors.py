"""Public contributor pages: who writes and who reviews, with their published articles."""

import json

import pytest
from bs4 import BeautifulSoup

from .factories import ArticleFactory, ContributorFactory, ReviewerFactory

pytestmark = pytest.mark.django_db


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


@pytest.fixture
def people():
    writer = ContributorFactory(name="Sam Lee", bio="Sam writes about nutrition.")
    reviewer = ReviewerFactory(profile_url="https://www.example.org/staff/ana-ruiz")
    ArticleFactory(title="Zinc and colds", author=writer, medical_reviewer=reviewer)
    ArticleFactory(title="Iron and fatigue", author=writer, medical_reviewer=reviewer, draft=True)
    idle = ReviewerFactory(name="Noor Idle", credentials="RD")
    ArticleFactory(title="Draft only", author=writer, medical_reviewer=idle, draft=True)
    return writer, reviewer, idle


def test_the_list_shows_reviewers_then_writers_with_published_articles_only(client, people):
    page = soup(client.get("/contributors/"))
    sections = {s.h2.get_text(): [a.get_text() for a in s.select("li > a")] for s in page.select("section")}
    assert sections == {"Medical reviewers": ["Ana Ruiz, MD"], "Writers": ["Sam Lee"]}


def test_a_reviewers_page_shows_credentials_role_bio_profile_and_published_articles(
    client, people, django_assert_max_num_queries
):
    with django_assert_max_num_queries(4):
        response = client.get("/contributors/ana-ruiz/")
    assert response.status_code == 200
    page = soup(response)
    assert page.h1.get_text() == "Ana Ruiz, MD"
    assert page.select_one(".contributor__role").get_text() == "Medical reviewer"
    assert "endocrinologist" in page.select_one(".contributor").get_text()
    profile = page.select_one(".contributor a[href^='https://www.example.org']")
    assert (
        profile.get_text() == "Profile elsewhere" and "example.org" in page.select_one(".contributor__host").get_text()
    )
    assert [a.get_text() for a in page.select(".card__title a")] == ["Zinc and colds"]  # not the draft
    graph = json.loads(page.select_one("script[type='application/ld+json']").string)["@graph"]
    profile_page, person = graph
    assert profile_page["@type"] == "ProfilePage"
    assert person["@type"] == "Person" and person["honorificSuffix"] == "MD"
    assert person["sameAs"] == "https://www.example.org/staff/ana-ruiz"


def test_contributors_without_a_published_article_have_no_page(client, people):
    assert client.get("/contributors/noor-idle/").status_code == 404
    assert client.get("/contributors/nobody/").status_code == 404


def test_the_sitemap_lists_contributors_with_published_articles(client, people):
    sitemap = client.get("/sitemap.xml").content.decode()
    assert "/contributors/ana-ruiz/" in sitemap and "/contributors/sam-lee/" in sitemap
    assert "/contributors/noor-idle/" not in sitemap


def test_the_article_page_links_the_byline_to_the_contributors(client, people):
    article = ArticleFactory(author=people[0], medical_reviewer=people[1])
    page = soup(client.get(article.get_absolute_url()))
    assert [a["href"] for a in page.select(".byline__people a")] == [
        "/contributors/sam-lee/",
        "/contributors/ana-ruiz/",
    ]
    graph = json.loads(page.select_one("script[type='application/ld+json']").string)["@graph"]
    body = next(node for node in graph if node["@type"] == "Article")
    assert body["author"] == {
        "@type": "Person",
        "name": "Sam Lee",
        "url": "https://citewell.example/contributors/sam-lee/",
    }
    assert body["reviewedBy"]["honorificSuffix"] == "MD"


def test_renaming_a_contributor_refreshes_every_cached_page_naming_them(client, people):
    writer, reviewer, _ = people
    article = ArticleFactory(author=writer, medical_reviewer=reviewer)
    assert "Ana Ruiz, MD" in client.get(article.get_absolute_url()).content.decode()
    assert "Ana Ruiz, MD" in client.get("/contributors/ana-ruiz/").content.decode()
    reviewer.credentials = "MD, PhD"
    reviewer.save()
    assert "Ana Ruiz, MD, PhD" in client.get(article.get_absolute_url()).content.decode()
    assert "Ana Ruiz, MD, PhD" in client.get("/contributors/ana-ruiz/").content.decode()
