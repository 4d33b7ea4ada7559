"""Every public page at a phone's, a tablet's and a desktop's width, saved to screenshots/.

Anyone can look through the folder to see the site without running it: file
names are <page>-<width>.png (article pages are saved by test_reader.py, the
printed article as article-print.pdf by test_modes.py).
"""

import pytest
from PIL import Image
from playwright.sync_api import expect

from ..helpers import colour

pytestmark = pytest.mark.django_db(transaction=True)

ARTICLE = "/articles/does-magnesium-help-osteoporosis/"
WIDTHS = [375, 768, 1280]
DARK_PAGE, DARK_TEXT = "rgb(18, 21, 24)", "rgb(231, 234, 238)"  # the dark scheme, as test_modes.py checks
PAGES = {
    "home": ("/", "Does Magnesium Help Osteoporosis?"),
    "topics": ("/topics/", "Topics"),
    "topic": ("/topics/bone-health/", "Bone health"),
    "search": ("/search/?q=calcium+absorption", "Results for “calcium absorption”"),
    "contributors": ("/contributors/", "Writers and medical reviewers"),
    "contributor": ("/contributors/citewell-editorial-team/", "Citewell Editorial Team"),
    "not-found": ("/articles/no-such-article/", "We can’t find that page"),
    "about": ("/about/", "About Citewell"),
    "contact": ("/contact/", "Where to write"),
}


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", list(PAGES))
def test_public_page_screenshot(page, site, screenshots, name, width):
    path, text = PAGES[name]
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(site + path)
    expect(page.locator("main")).to_contain_text(text)
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") == 0
    saved = screenshots / f"{name}-{width}.png"
    page.screenshot(path=saved, full_page=True)
    assert saved.stat().st_size > 5_000


@pytest.mark.parametrize("width", WIDTHS)
def test_article_in_dark_mode_screenshot(browser, site, screenshots, width):
    context = browser.new_context(color_scheme="dark", viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        page.goto(site + ARTICLE)
        expect(page.get_by_role("heading", level=1)).to_have_text("Does Magnesium Help Osteoporosis?")
        assert colour(page, "body", "background-color") == DARK_PAGE
        assert colour(page, "body", "color") == DARK_TEXT
        assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") == 0
        saved = screenshots / f"article-dark-{width}.png"
        page.screenshot(path=saved, full_page=True)
    finally:
        context.close()
    assert saved.stat().st_size > 5_000
    with Image.open(saved) as shot:
        assert (shot.format, shot.width) == ("PNG", width)
        # What the reader sees is the dark page: its colour covers more of the picture than any other.
        _, commonest = max(shot.convert("RGB").getcolors(maxcolors=shot.width * shot.height))
    assert f"rgb{commonest}" == DARK_PAGE
