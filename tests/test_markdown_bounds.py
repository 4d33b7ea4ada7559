"""The renderer's work grows in proportion to the text, whatever it holds; Markdown fields have a size limit.

Work is counted, never timed: the Python steps a rendering takes (calls and lines, as a tracer
sees them), and what the HTML parser's start-tag pattern reads. Linear work is about 4 times
as many steps for 4 times the text; work that grows with the square of the text, 16.
"""

import gc
import re
import sys

import markdown
import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from markdown import htmlparser

from articles import markdown_bounds, rendering
from articles.models import Article
from bench.markdown_render import CORPUS
from sitepages.models import SitePage

from .factories import ArticleFactory, FAQFactory
from .helpers import (
    ADD_URL,
    NEW_ROWS,
    article_fields,
    errors_of,
    existing_rows,
    field_errors,
    inline_data,
    save_change_page,
    save_site_page,
)

LIMIT = rendering.MAX_MARKDOWN_CHARS
TOO_LONG = "A sentence of prose.\n\n" * (LIMIT // 22 + 1)


def steps(text):
    """The Python calls and lines run while rendering `text`: a count that no machine changes."""
    count = 0

    def tracer(frame, event, arg):
        nonlocal count
        count += 1
        return tracer

    rendering.render("Warm up.")
    gc.disable()
    sys.settrace(tracer)
    try:
        rendering.render(text)
    finally:
        sys.settrace(None)
        gc.enable()
    return count


@pytest.mark.parametrize("name", list(CORPUS))
def test_rendering_takes_steps_in_proportion_to_the_text(name):
    make = CORPUS[name]
    assert steps(make(4000)) < 5 * steps(make(1000))


class ReadCounter:
    """A compiled pattern that adds up how far its matches read."""

    def __init__(self, pattern):
        self.pattern = pattern
        self.read = 0

    def match(self, text, pos=0, *args):
        found = self.pattern.match(text, pos, *args)
        if found:
            self.read += found.end() - pos
        return found


@pytest.mark.parametrize("unit", ["<a ", "<a href='", "<b x=1 "])
def test_the_html_parser_reads_a_tag_that_never_closes_once(monkeypatch, unit):
    counter = ReadCounter(htmlparser.htmlparser.locatestarttagend_tolerant)
    monkeypatch.setattr(htmlparser.htmlparser, "locatestarttagend_tolerant", counter)
    reads = []
    for size in (1000, 4000):
        counter.read = 0
        html = rendering.render(unit * (size // len(unit))).html
        reads.append(counter.read)
    assert reads[1] <= 4 * reads[0] + 100
    assert "&lt;a" in html or "&lt;b" in html  # shown as typed


def test_what_never_opens_a_tag_or_an_entity_is_shown_as_typed_in_text_code_and_links():
    rendered = rendering.render("## Fish & chips <3\n\nA & B <c `x & <y` [a](/p?q=1&r=2 'T & U') &amp; &#169; &x")
    assert rendered.toc == [{"id": "fish-chips-3", "title": "Fish & chips <3"}]
    assert "A &amp; B &lt;c <code>x &amp; &lt;y</code>" in rendered.html
    assert '<a href="/p?q=1&amp;r=2" title="T &amp; U">a</a> &amp; © &amp;x' in rendered.html


def test_raw_html_tags_past_the_limit_are_shown_as_text():
    extra = 7
    html = rendering.render("Quoted: " + "<blockquote>" * (markdown_bounds.MAX_HTML_TAGS + extra) + "deep").html
    assert html.count("<blockquote>") == markdown_bounds.MAX_HTML_TAGS
    assert html.count("&lt;blockquote&gt;") == extra


def depth(html):
    """How deep the elements of `html` nest."""
    deepest = 0
    for element in BeautifulSoup(html, "html.parser").find_all(True):
        deepest = max(deepest, len(list(element.parents)))
    return deepest


@pytest.mark.parametrize(
    "text",
    [
        "*deep " * 5000 + "deep*" * 5000,
        "***deep " * 3000 + "deep***" * 3000,
        "[" * 5000 + "deep" + "](b)" * 5000,
        ">" * 5000 + " deep",
        "".join("  " * level + "- deep\n" for level in range(300)),
        "".join("\t" * level + "1. deep\n" for level in range(300)),
    ],
    ids=["emphasis", "strong emphasis", "links", "quotes", "lists", "numbered lists"],
)
def test_deep_nesting_is_kept_as_text_past_a_bounded_depth(text):
    html = rendering.render(text).html
    assert "deep" in html
    assert depth(html) <= markdown_bounds.MAX_ELEMENT_DEPTH + 2


def converter(bounded):
    """Python-Markdown as the renderer configures it, with or without the bounds."""
    tables = {"use_align_attribute": True}
    extensions = ["tables", "toc", "sane_lists", "fenced_code"]
    if bounded:
        extensions.append(markdown_bounds.BoundsExtension(tables))
    return markdown.Markdown(extensions=extensions, extension_configs={"tables": tables})


@pytest.mark.parametrize(
    "text",
    [
        "[a](b) [[c]](d) [e [f](g)](h) [x](a(b)c) [y](a(b)",
        "[t](/x \"Title\") [u](/y 'T') [v](</z w>) [w](/q 'T\") x') [test](link\"notitle)",
        '![alt](/p.png) ![a [b]](/q.png "t") [no address] [a]( [](',
        "[ref] and [text][ref] and [Text] [ref] and [missing] and [missing][ref]\n\n[ref]: https://example.org",
        '`[a](b)` \\[a](b) <span title="[a](b)">x</span> <https://example.org/[a]>',
        "# Title\n## Part\n### Part\nText\n---\nText\n===\n***\n[r]: /u\n- [r]\n\n> quoted [r]\n>\n> - item",
        "Text\n\n    code\n# h\n    code\n\n[r]: /u\nText [r]\n[s]: /v\nText [s]",
        "| a | b |\n|:--|--:|\n| [x](y) | `|` |\n\n|one|\n|-|\n|two|\nthree",
        "- a\n    - b\n        - c\n\n1. x\n2. y\n\n        code\n# h\n    more",
        "A & B <c> &amp; &#169; &x <b>bold</b> <!-- note --> x > y",
        "x << y <<b>z</b> <a title='<<'>t</a> `<<` && &&amp;",
    ],
)
def test_the_bounded_processors_give_what_python_markdowns_own_give(text):
    ours, theirs = converter(bounded=True).convert(text), converter(bounded=False).convert(text)
    ids = set(re.findall(r'id="([^"]+)"', theirs))
    assert rendering.sanitize(ours, ids) == rendering.sanitize(theirs, ids)


# The size limit


def test_the_limit_is_several_times_the_longest_article(seed_article):
    assert len(seed_article.body) * 5 < LIMIT


def test_an_article_body_over_the_limit_is_refused_naming_the_limit(admin_client, seed_article):
    response = save_change_page(admin_client, seed_article, body=TOO_LONG)
    assert response.status_code == 200
    assert f"Markdown fields hold at most {LIMIT:,}" in " ".join(field_errors(response, "body"))
    assert Article.objects.get(pk=seed_article.pk).body == seed_article.body


def test_an_article_body_at_the_limit_is_saved(admin_client):
    body = ("## Section\n\nText.[^hemila2017]\n\n" + "Prose " * LIMIT)[: LIMIT - 1] + "."
    response = admin_client.post(ADD_URL, {**article_fields(body=body), **inline_data(NEW_ROWS)})
    assert response.status_code == 302, errors_of(response)
    assert len(Article.objects.get(slug="does-zinc-shorten-colds").body) == LIMIT


def test_an_faq_answer_over_the_limit_is_refused(admin_client, seed_article):
    rows = existing_rows(seed_article)
    rows["faqs"][0]["answer"] = TOO_LONG
    response = save_change_page(admin_client, seed_article, rows)
    assert response.status_code == 200
    assert any(f"Markdown fields hold at most {LIMIT:,}" in error for error in errors_of(response))
    assert seed_article.faqs.get(order=rows["faqs"][0]["order"]).answer != TOO_LONG.strip()


def test_a_site_page_body_over_the_limit_is_refused(admin_client, site_pages):
    about = site_pages["about"]
    response = save_site_page(admin_client, about, body=TOO_LONG)
    assert response.status_code == 200
    errors = field_errors(response, "body")
    assert len(errors) == 1 and f"at most {LIMIT:,}" in errors[0]
    assert SitePage.objects.get(slug="about").body == about.body


@pytest.mark.django_db
def test_saving_past_the_forms_still_checks_the_limit():
    article = ArticleFactory.build(body=TOO_LONG)
    with pytest.raises(ValidationError) as refused:
        article.full_clean(exclude=["author", "medical_reviewer"])
    assert "body" in refused.value.message_dict
    faq = FAQFactory.build(answer=TOO_LONG)
    with pytest.raises(ValidationError):
        faq.clean_fields(exclude=["article"])


def test_the_checks_and_the_preview_refuse_text_over_the_limit_without_rendering_it(monkeypatch):
    def no_rendering(*args, **kwargs):
        raise AssertionError("rendered")

    monkeypatch.setattr(rendering, "render", no_rendering)
    assert rendering.check(TOO_LONG, set()) == [rendering.length_problem(TOO_LONG)]
    assert f"Markdown fields hold at most {LIMIT:,}" in rendering.preview(TOO_LONG)
    assert rendering.length_problem("x" * LIMIT) == ""
