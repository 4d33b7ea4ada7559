"""What search engines read: JSON-LD graphs and meta tags, never a draft."""

import json
from datetime import datetime

import pytest

from .factories import ArticleFactory, FAQFactory, ReferenceFactory
from .helpers import page_at, soup

pytestmark = pytest.mark.django_db

SITE = "https://citewell.example"
SEED = "/articles/does-magnesium-help-osteoporosis/"


def graph(page):
    scripts = page.select('script[type="application/ld+json"]')
    assert len(scripts) == 1
    data = json.loads(scripts[0].string)
    assert data["@context"] == "https://schema.org"
    return {node["@type"]: node for node in data["@graph"]}


def test_article_graph_has_the_medical_page_and_the_article(client, seed_article):
    nodes = graph(page_at(client, SEED))
    assert {"MedicalWebPage", "Article", "BreadcrumbList", "FAQPage", "Organization"} <= set(nodes)
    webpage, article = nodes["MedicalWebPage"], nodes["Article"]
    assert webpage["url"] == SITE + SEED
    assert "lastReviewed" not in webpage and "reviewedBy" not in webpage  # nobody has signed it off
    assert article["headline"] == "Does Magnesium Help Osteoporosis?"
    assert article["description"] == seed_article.meta_description
    for key in ("datePublished", "dateModified"):
        assert datetime.fromisoformat(article[key]).tzinfo is not None, key
    assert article["datePublished"] == "2025-03-18T09:00:00+00:00"
    assert article["author"]["name"] == "Citewell Editorial Team"
    assert article["publisher"] == {"@id": SITE + "/#organization"}
    assert nodes["Organization"]["name"] == "Citewell"
    assert nodes["Organization"]["logo"]["url"].startswith(SITE + "/static/")
    assert "lastReviewed" not in article


def test_citations_carry_the_doi_and_pubmed_addresses(client, seed_article):
    citations = graph(page_at(client, SEED))["Article"]["citation"]
    assert len(citations) == 5
    assert citations[0]["url"] == "https://ods.od.nih.gov/factsheets/Magnesium-HealthProfessional/"
    assert citations[1]["url"] == "https://doi.org/10.3390/nu5083022"
    assert citations[1]["sameAs"] == ["https://pubmed.ncbi.nlm.nih.gov/23912329/"]
    assert all(c["@type"] == "CreativeWork" and c["name"] for c in citations)


def test_breadcrumbs_go_home_then_topic_then_article(client, seed_article):
    page = page_at(client, SEED)
    items = graph(page)["BreadcrumbList"]["itemListElement"]
    assert [(i["position"], i["name"], i["item"]) for i in items] == [
        (1, "Home", SITE + "/"),
        (2, "Bone health", SITE + "/topics/bone-health/"),
        (3, "Does Magnesium Help Osteoporosis?", SITE + SEED),
    ]
    visible = [li.get_text(strip=True) for li in page.select("nav.breadcrumbs li")]
    assert visible == ["Home", "Bone health", "Does Magnesium Help Osteoporosis?"]


def test_faq_page_lists_every_question_with_its_answer_as_text(client, seed_article):
    questions = graph(page_at(client, SEED))["FAQPage"]["mainEntity"]
    assert len(questions) == 7
    assert questions[0]["name"] == "How does magnesium help your bones?"
    answer = questions[5]["acceptedAnswer"]["text"]
    assert answer.startswith("Magnesium works synergistically") and "[5]" not in answer and "<" not in answer


def test_home_page_describes_the_website_and_its_search(client, seed_article):
    website = graph(page_at(client, "/"))["WebSite"]
    action = website["potentialAction"]
    assert action["@type"] == "SearchAction"
    assert action["target"]["urlTemplate"] == SITE + "/search/?q={search_term_string}"
    assert "query-input" not in action  # not schema.org; Google retired the sitelinks search box


def test_markup_in_content_cannot_break_out_of_the_json(client):
    article = ArticleFactory(title="</script><script>alert(1)</script>", meta_description="a & b <c>")
    page = page_at(client, article.get_absolute_url())
    script = page.select_one('script[type="application/ld+json"]')
    assert "</script" not in script.string.lower()
    assert graph(page)["Article"]["headline"] == "</script><script>alert(1)</script>"
    assert len(page.select("script")) == 1


def test_no_draft_appears_in_any_structured_data(client, seed_article):
    draft = ArticleFactory(title="Secret draft title", draft=True)
    draft.topics.set(seed_article.topics.all())
    ReferenceFactory(article=draft, title="Secret draft reference")
    FAQFactory(article=draft, question="Secret draft question?")
    for url in ("/", SEED, "/topics/bone-health/", "/topics/", "/search/?q=secret+draft"):
        assert "Secret draft" not in client.get(url).content.decode(), url


@pytest.mark.parametrize(
    "url, og_type",
    [
        ("/", "website"),
        (SEED, "article"),
        ("/topics/", "website"),
        ("/topics/minerals/", "website"),
        ("/search/?q=magnesium", "website"),
    ],
)
def test_every_public_page_has_title_description_canonical_and_social_tags(client, seed_article, url, og_type):
    page = page_at(client, url)
    assert page.title.get_text().strip()
    assert page.select_one('meta[name="description"]')["content"].strip()
    assert page.select_one('meta[property="og:type"]')["content"] == og_type
    for name in ("og:title", "og:description", "og:site_name", "og:image"):
        assert page.select_one(f'meta[property="{name}"]')["content"].strip(), name
    for name in ("twitter:card", "twitter:title", "twitter:description"):
        assert page.select_one(f'meta[name="{name}"]')["content"].strip(), name
    if not url.startswith("/search/"):
        canonical = page.select_one('link[rel="canonical"]')["href"]
        assert canonical == SITE + url
        assert page.select_one('meta[property="og:url"]')["content"] == canonical


def test_article_pages_carry_their_publication_times(client, seed_article):
    page = page_at(client, SEED)
    assert page.select_one('meta[property="article:published_time"]')["content"] == "2025-03-18T09:00:00+00:00"
    assert page.select_one('meta[property="article:modified_time"]')["content"] == "2026-10-06T14:30:00+00:00"
    assert [m["content"] for m in page.select('meta[property="article:tag"]')] == [
        "Bone health",
        "Minerals",
        "Supplements",
    ]


def test_search_results_ask_not_to_be_indexed(client, seed_article):
    assert page_at(client, "/search/?q=magnesium").select_one('meta[name="robots"]')["content"] == "noindex, follow"


def nodes_in(value):
    """Every JSON object in a JSON-LD document, nested ones included."""
    if isinstance(value, dict):
        yield value
        for item in value.values():
            yield from nodes_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from nodes_in(item)


def test_every_id_a_page_refers_to_is_defined_in_its_own_graph(client, seed_article, site_pages):
    from articles.models import Topic

    seed_article.topics.add(Topic.objects.get_or_create(slug="bone-health", defaults={"name": "Bone health"})[0])
    topic = "/topics/bone-health/"
    contributor = seed_article.author.get_absolute_url()
    for url in ("/", seed_article.get_absolute_url(), topic, contributor, "/about/", "/editorial-policy/"):
        response = client.get(url)
        assert response.status_code == 200, url
        scripts = soup(response).select("script[type='application/ld+json']")
        assert scripts, url
        for script in scripts:
            nodes = list(nodes_in(json.loads(script.string)))
            defined = {node["@id"] for node in nodes if "@id" in node and len(node) > 1}
            referenced = {node["@id"] for node in nodes if list(node) == ["@id"]}
            assert referenced, url
            assert referenced <= defined, (url, referenced - defined)
