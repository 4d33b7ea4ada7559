"""Headings in Markdown never take an id the page gives its own elements, and no id appears twice."""

import re
from collections import Counter
from pathlib import Path

import pytest

from articles import rendering

from .factories import ArticleFactory, FAQFactory, ReferenceFactory
from .helpers import page_at, soup

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
LITERAL_ID_RE = re.compile(r'\bid="([^"{]+)"')
NUMBERED_ID_RE = re.compile(r'\bid="([a-z-]+-)\{\{')


def template_ids():
    """Every id the site's templates write: the literal ones, and the numbered ones as their prefix plus 1."""
    found = set()
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        found.update(LITERAL_ID_RE.findall(text))
        found.update(f"{prefix}1" for prefix in NUMBERED_ID_RE.findall(text))
    return found


def heading_for(element_id):
    """A heading whose words make `element_id` (food-chart-title: "Food chart title")."""
    return element_id.replace("-", " ").capitalize()


def test_the_templates_ids_are_found():
    ids = template_ids()
    assert {"food-chart-title", "related-title", "contents-side", "ref-1", "faq-1", "site-header"} <= ids
    assert len(ids) > 25


@pytest.mark.parametrize("element_id", sorted(template_ids() | {"cite-1", "cite-2-3"}))
def test_a_heading_never_takes_an_id_of_the_pages(element_id):
    assert rendering.is_reserved(element_id)
    for anchors in (True, False):  # article bodies; FAQ answers and site pages
        assert f'id="{element_id}"' not in rendering.render(f"## {heading_for(element_id)}", anchors=anchors).html


@pytest.mark.parametrize("heading", ["Food chart title", "Related", "Related title", "Contents side", "Cite 1"])
def test_headings_named_like_the_pages_parts_get_ids_of_their_own(heading):
    rendered = rendering.render(f"## {heading}\n\nText.")
    section_id = rendered.toc[0]["id"]
    assert section_id.endswith("-section")
    assert f'<h2 id="{section_id}">{heading}</h2>' in rendered.html


@pytest.mark.django_db
def test_the_article_page_has_no_id_twice_whatever_its_headings_say(client):
    headings = [heading_for(element_id) for element_id in sorted(template_ids())] + ["Risks", "Risks", "Cite 1"]
    body = "\n\n".join(f"## {heading}\n\nSee this.[^ref1]" for heading in headings)
    article = ArticleFactory(body=body)
    ReferenceFactory(article=article, order=1)
    FAQFactory(article=article, answer="Yes.[^ref1]")
    page = page_at(client, article.get_absolute_url())
    ids = Counter(element["id"] for element in page.select("[id]"))
    assert [element_id for element_id, count in ids.items() if count > 1] == []
    assert len(page.select("article h2[id$='-section']")) >= len(template_ids())


def test_the_seed_article_page_has_no_id_twice(client, seed_article):
    page = soup(client.get(seed_article.get_absolute_url()))
    ids = Counter(element["id"] for element in page.select("[id]"))
    assert [element_id for element_id, count in ids.items() if count > 1] == []
    from_markdown = set(re.findall(r'id="([^"]+)"', seed_article.body_html))
    assert {item["id"] for item in seed_article.toc} <= from_markdown <= set(ids)
    for element_id in ids:
        is_heading = element_id in from_markdown and not element_id.startswith("cite-")
        assert rendering.is_reserved(element_id) != is_heading, element_id


@pytest.mark.parametrize(
    "raw",
    [
        '<h2 id="risks">Raw</h2>',
        '<h3 id="references">Raw</h3>',
        '<a id="cite-1" href="#ref-1">1</a>',
        '<h2 id="food-chart-title">Raw</h2>',
        '<a id="anything">x</a>',
    ],
)
def test_ids_typed_in_raw_html_are_dropped(raw):
    html = rendering.render(f"## Risks\n\nClaim.[^smith2020]\n\n{raw}").html
    ids = re.findall(r'id="([^"]+)"', html)
    assert sorted(ids) == ["cite-1", "risks"]


def test_repeated_headings_are_numbered_in_order():
    toc = rendering.render("## Risks\n\n" * 400 + "## Risks_3\n\n## Risks").toc
    ids = [item["id"] for item in toc]
    assert ids[:4] == ["risks", "risks_1", "risks_2", "risks_3"]
    assert len(set(ids)) == len(ids) == 402
