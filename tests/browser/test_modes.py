"""Dark mode, print, reduced motion, and what the article page costs a reader to download."""

import gzip

import pytest
from playwright.sync_api import expect

from ..helpers import colour

pytestmark = pytest.mark.django_db(transaction=True)

ARTICLE = "/articles/does-magnesium-help-osteoporosis/"
BUDGET = 60 * 1024  # compressed bytes, everything the page loads


def test_dark_mode_follows_the_system_setting(browser, site):
    seen = {}
    for scheme in ("light", "dark"):
        context = browser.new_context(color_scheme=scheme)
        page = context.new_page()
        page.goto(site + ARTICLE)
        seen[scheme] = {
            name: colour(page, selector, prop)
            for name, (selector, prop) in {
                "page": ("body", "background-color"),
                "text": ("body", "color"),
                "bar": (".chart__bar", "fill"),
                "chart text": (".chart__label", "fill"),
            }.items()
        }
        context.close()
    assert seen["light"]["page"] == "rgb(255, 255, 255)" and seen["light"]["text"] == "rgb(27, 31, 36)"
    assert seen["dark"]["page"] == "rgb(18, 21, 24)" and seen["dark"]["text"] == "rgb(231, 234, 238)"
    assert seen["dark"]["bar"] != seen["light"]["bar"]
    assert seen["dark"]["chart text"] == seen["dark"]["text"]  # the chart's words follow the page's


def test_print_shows_the_article_whole_on_white_paper(browser, site, screenshots):
    context = browser.new_context(color_scheme="dark")
    page = context.new_page()
    page.goto(site + ARTICLE)
    page.emulate_media(media="print")
    for chrome in (".site-header", ".site-footer", ".breadcrumbs", ".toc--fold", ".toc--side", ".related"):
        expect(page.locator(chrome)).to_be_hidden()
    answers = page.locator(".faq__answer")
    assert answers.count() == 7
    for index in range(answers.count()):
        expect(answers.nth(index)).to_be_visible()  # closed on screen, printed open
    assert colour(page, "body", "color") == "rgb(0, 0, 0)"
    assert colour(page, "body", "background-color") == "rgb(255, 255, 255)"
    printed = colour(page, ".references a[href^='https://doi.org']", "content", "::after")
    assert printed.startswith('" <https://doi.org/10.') and printed.endswith('>"')
    for kept_whole in ("#food-sources", "#supplement-forms", ".chart"):
        assert colour(page, kept_whole, "break-inside") == "avoid", kept_whole
    path = screenshots / "article-print.pdf"
    page.pdf(path=path, format="A4", print_background=True)
    assert path.stat().st_size > 20_000
    context.close()


@pytest.mark.parametrize("motion", ["reduce", "no-preference"])
def test_nothing_moves_on_its_own(browser, site, motion):
    context = browser.new_context(reduced_motion=motion)
    page = context.new_page()
    page.goto(site + ARTICLE)
    moving = page.evaluate("""() => [...document.querySelectorAll('*')].filter(e => {
        const s = getComputedStyle(e);
        return parseFloat(s.animationDuration) > 0 || parseFloat(s.transitionDuration) > 0;
    }).map(e => e.tagName)""")
    assert moving == []
    assert colour(page, "html", "scroll-behavior") == "auto"
    context.close()


def test_the_article_page_weighs_under_60_kb_compressed_and_needs_nothing_else(browser, site):
    context = browser.new_context()
    page = context.new_page()
    loaded = []
    page.on("requestfinished", lambda request: loaded.append(request))  # noqa: PLW0108 (Playwright needs a Python function)
    page.goto(site + ARTICLE)
    page.wait_for_load_state("networkidle")
    assert loaded and all(request.url.startswith(site) for request in loaded)  # no other origin
    total = 0
    kinds = set()
    for request in loaded:
        response = request.response()
        body = response.body()
        total += len(gzip.compress(body, 9))
        kinds.add(response.headers.get("content-type", "").split(";")[0])
    assert kinds <= {"text/html", "text/css", "image/svg+xml", "image/png", "image/x-icon"}, kinds
    assert "application/javascript" not in kinds and "text/javascript" not in kinds
    assert page.locator('script:not([type="application/ld+json"])').count() == 0
    assert total <= BUDGET, f"{total} bytes compressed"
    context.close()
