"""Public contributor pages, from the reader's side: who is listed, what a page shows, when it exists,
their structured data, the sitemap, the article byline's links, fixed query counts, pagination and freshness."""

import datetime
import json
from unittest import mock
from xml.etree import ElementTree

import pytest
from django.core.cache import cache
from django.utils import timezone

from articles.models import Article, Contributor

from .factories import ArticleFactory, ContributorFactory, ReviewerFactory
from .helpers import queries_for, soup

pytestmark = pytest.mark.django_db

SITE = "https://citewell.example"
NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def days_ago(n):
    return timezone.now() - datetime.timedelta(days=n)


def graph_of(response):
    return json.loads(soup(response).select_one("script[type='application/ld+json']").string)["@graph"]


@pytest.fixture
def staff():
    """A reviewer, a writer and a team with published work, and four people with none yet."""
    ana = ReviewerFactory(profile_url="https://hospital.example.org/staff/ana-ruiz")
    sam = ContributorFactory(name="Sam Lee", bio="Sam writes about nutrition.")
    team = ContributorFactory(name="Citewell Editorial Team", kind=Contributor.Kind.ORGANIZATION)
    ArticleFactory(title="Zinc and colds", author=sam, medical_reviewer=ana, published_at=days_ago(3))
    ArticleFactory(title="Iron and fatigue", author=team, medical_reviewer=ana, published_at=days_ago(1))
    ArticleFactory(title="Sam's draft", author=sam, medical_reviewer=ana, draft=True)
    ArticleFactory(
        title="Sam's article in review",
        author=sam,
        medical_reviewer=ana,
        status=Article.Status.IN_REVIEW,
        published_at=None,
    )
    ArticleFactory(title="Sam's scheduled article", author=sam, medical_reviewer=ana, scheduled=True)
    # Named only on unpublished articles: no public page yet.
    drafter = ContributorFactory(name="Dee Draft")
    ArticleFactory(author=drafter, medical_reviewer=ana, draft=True)
    checker = ReviewerFactory(name="Rae Review", credentials="RD", bio="")
    ArticleFactory(author=sam, medical_reviewer=checker, status=Article.Status.IN_REVIEW, published_at=None)
    idle = ReviewerFactory(name="Noor Idle", credentials="RD")
    ArticleFactory(title="Draft only", author=sam, medical_reviewer=idle, draft=True)
    waiting = ContributorFactory(name="Will Wait")
    ArticleFactory(title="Will's scheduled article", author=waiting, medical_reviewer=ana, scheduled=True)
    return {
        "ana": ana,
        "sam": sam,
        "team": team,
        "drafter": drafter,
        "checker": checker,
        "idle": idle,
        "waiting": waiting,
    }


# The list of contributors


def test_the_list_names_only_people_with_a_published_article_reviewers_first(client, staff):
    page = soup(client.get("/contributors/"))
    sections = [(s.h2.get_text(), [a.get_text() for a in s.select("li > a")]) for s in page.select("section")]
    assert sections == [("Medical reviewers", ["Ana Ruiz, MD"]), ("Writers", ["Citewell Editorial Team", "Sam Lee"])]
    links = [a["href"] for a in page.select("section li > a")]
    assert links == ["/contributors/ana-ruiz/", "/contributors/citewell-editorial-team/", "/contributors/sam-lee/"]
    assert "Sam writes about nutrition." in page.select("section")[1].get_text()


def test_with_nothing_published_the_list_says_so(client):
    ArticleFactory(draft=True)
    page = soup(client.get("/contributors/"))
    assert page.select("section") == []
    assert page.select_one(".empty").get_text() == "No articles are published yet."


# A contributor's page


def test_a_writers_page_shows_their_published_articles_only(client, staff):
    response = client.get("/contributors/sam-lee/")
    assert response.status_code == 200
    page = soup(response)
    assert page.h1.get_text() == "Sam Lee"
    assert page.select_one(".contributor__role").get_text() == "Writer"
    assert "Sam writes about nutrition." in page.select_one(".contributor").get_text()
    assert page.select_one(".contributor a[rel=noopener]") is None  # no profile elsewhere
    assert [a.get_text() for a in page.select(".card__title a")] == ["Zinc and colds"]


def test_a_reviewers_page_lists_what_they_reviewed_newest_first_with_credentials_and_profile(
    client, staff, django_assert_max_num_queries
):
    with django_assert_max_num_queries(4):
        response = client.get("/contributors/ana-ruiz/")
    assert response.status_code == 200
    page = soup(response)
    assert page.h1.get_text() == "Ana Ruiz, MD"
    assert page.select_one(".contributor__role").get_text() == "Medical reviewer"
    assert "endocrinologist" in page.select_one(".contributor").get_text()
    profile = page.select_one(".contributor a[rel=noopener]")
    assert profile["href"] == "https://hospital.example.org/staff/ana-ruiz"
    assert profile.get_text() == "Profile elsewhere"
    assert page.select_one(".contributor__host").get_text() == "(hospital.example.org)"
    # Published articles only, not the drafts, the one in review or the scheduled one.
    assert [a.get_text() for a in page.select(".card__title a")] == ["Iron and fatigue", "Zinc and colds"]
    assert page.select_one("link[rel=canonical]")["href"] == f"{SITE}/contributors/ana-ruiz/"


@pytest.mark.parametrize("slug", ["dee-draft", "rae-review", "noor-idle", "will-wait", "nobody-by-this-name"])
def test_no_page_without_a_published_article(client, staff, slug):
    assert client.get(f"/contributors/{slug}/").status_code == 404


def test_a_page_appears_when_a_scheduled_article_goes_live_and_goes_when_it_is_unpublished(client, staff):
    assert client.get("/contributors/will-wait/").status_code == 404
    scheduled = Article.objects.get(title="Will's scheduled article")
    with mock.patch("django.utils.timezone.now", return_value=scheduled.published_at + datetime.timedelta(minutes=1)):
        response = client.get("/contributors/will-wait/")
        assert response.status_code == 200
        assert [a.get_text() for a in soup(response).select(".card__title a")] == ["Will's scheduled article"]
        assert "Will Wait" in soup(client.get("/contributors/")).get_text()
    Article.objects.filter(title="Zinc and colds").update(status=Article.Status.DRAFT)
    assert client.get("/contributors/sam-lee/").status_code == 404


def test_a_changed_contributor_shows_at_once_on_every_page_naming_them(client, staff):
    article = Article.objects.get(title="Zinc and colds")
    assert "Sam writes about nutrition." in client.get("/contributors/sam-lee/").content.decode()
    assert "Ana Ruiz, MD" in client.get(article.get_absolute_url()).content.decode()
    assert "Ana Ruiz, MD" in client.get("/contributors/ana-ruiz/").content.decode()
    sam = Contributor.objects.get(slug="sam-lee")
    sam.bio = "Sam trained as a dietitian."
    sam.save()
    page = client.get("/contributors/sam-lee/").content.decode()
    assert "Sam trained as a dietitian." in page and "Sam writes about nutrition." not in page
    ana = staff["ana"]
    ana.credentials = "MD, PhD"
    ana.save()
    assert "Ana Ruiz, MD, PhD" in client.get(article.get_absolute_url()).content.decode()
    assert "Ana Ruiz, MD, PhD" in client.get("/contributors/ana-ruiz/").content.decode()


# Structured data


def test_a_persons_page_is_a_profile_page_about_them(client, staff):
    profile, person, *_ = graph_of(client.get("/contributors/ana-ruiz/"))
    url = f"{SITE}/contributors/ana-ruiz/"
    assert profile == {
        "@type": "ProfilePage",
        "@id": f"{url}#webpage",
        "url": url,
        "name": "Ana Ruiz",
        "isPartOf": profile["isPartOf"],
        "mainEntity": {"@id": f"{url}#contributor"},
    }
    assert person == {
        "@type": "Person",
        "@id": f"{url}#contributor",
        "name": "Ana Ruiz",
        "honorificSuffix": "MD",
        "url": url,
        "sameAs": "https://hospital.example.org/staff/ana-ruiz",
        "description": "Ana Ruiz is an endocrinologist who reviews articles on bone and metabolic health.",
        "jobTitle": "Medical reviewer",
    }


def test_a_teams_page_is_a_profile_page_about_an_organization(client, staff):
    profile, team, *site = graph_of(client.get("/contributors/citewell-editorial-team/"))
    assert [node["@type"] for node in site] == ["WebSite", "Organization"]
    assert profile["@type"] == "ProfilePage"
    assert team["@type"] == "Organization" and team["name"] == "Citewell Editorial Team"
    assert "jobTitle" not in team and "honorificSuffix" not in team


def test_the_article_page_links_the_byline_to_the_contributors(client, staff):
    article = ArticleFactory(author=staff["sam"], medical_reviewer=staff["ana"])
    page = soup(client.get(article.get_absolute_url()))
    assert [a["href"] for a in page.select(".byline__people a")] == [
        "/contributors/sam-lee/",
        "/contributors/ana-ruiz/",
        "/editorial-policy/#how-we-review",
    ]
    graph = json.loads(page.select_one("script[type='application/ld+json']").string)["@graph"]
    body = next(node for node in graph if node["@type"] == "Article")
    assert body["author"] == {
        "@type": "Person",
        "name": "Sam Lee",
        "url": f"{SITE}/contributors/sam-lee/",
    }
    webpage = next(node for node in graph if node["@type"] == "MedicalWebPage")
    assert webpage["reviewedBy"]["honorificSuffix"] == "MD"
    assert "reviewedBy" not in body and "lastReviewed" not in body  # WebPage properties, not Article ones


# The sitemap


def test_the_sitemap_lists_public_contributors_dated_by_their_latest_published_article(client, staff):
    Article.objects.filter(title="Zinc and colds").update(
        updated_at=datetime.datetime(2025, 1, 2, 12, tzinfo=datetime.UTC)
    )
    Article.objects.filter(title="Sam's draft").update(updated_at=timezone.now())  # drafts do not count
    root = ElementTree.fromstring(client.get("/sitemap.xml").content)
    dates = {url.findtext(f"{NS}loc"): url.findtext(f"{NS}lastmod") for url in root.iter(f"{NS}url")}
    people = {loc: lastmod for loc, lastmod in dates.items() if "/contributors/" in loc}
    assert set(people) == {
        f"{SITE}/contributors/{slug}/" for slug in ("ana-ruiz", "citewell-editorial-team", "sam-lee")
    }
    assert f"{SITE}/contributors/noor-idle/" not in people
    assert people[f"{SITE}/contributors/sam-lee/"].startswith("2025-01-02")


# Cost and pagination


def test_a_contributors_page_costs_the_same_few_queries_however_many_articles(client, staff, django_assert_num_queries):
    few = queries_for(client, "/contributors/ana-ruiz/")
    assert few <= 3  # the content version, the contributor, one page of articles
    for n in range(8):
        ArticleFactory(title=f"More {n}", author=staff["sam"], medical_reviewer=staff["ana"], published_at=days_ago(5))
    cache.clear()
    with django_assert_num_queries(few):
        response = client.get("/contributors/ana-ruiz/")
    assert len(soup(response).select(".card")) == 10
    assert queries_for(client, "/contributors/") <= 2


def test_a_long_list_of_articles_is_paged(client, staff, settings):
    settings.ARTICLES_PER_PAGE = 1
    first = soup(client.get("/contributors/ana-ruiz/"))
    assert [a.get_text() for a in first.select(".card__title a")] == ["Iron and fatigue"]
    second = client.get("/contributors/ana-ruiz/", {"page": 2})
    assert second.status_code == 200
    page = soup(second)
    assert [a.get_text() for a in page.select(".card__title a")] == ["Zinc and colds"]
    assert page.title.get_text().startswith("Ana Ruiz, MD (page 2)")
    assert page.select_one("link[rel=canonical]")["href"] == f"{SITE}/contributors/ana-ruiz/?page=2"
    assert client.get("/contributors/ana-ruiz/", {"page": 3}).status_code == 404
