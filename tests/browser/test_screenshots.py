"""Every public page at a phone's, a tablet's and a desktop's width, saved to screenshots/.

Anyone can look through the folder to see the site without running it: file
names are <page>-<width>.png (article pages are saved by test_reader.py, the
printed article as article-print.pdf by test_modes.py).
"""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = [375, 768, 1280]
PAGES = {
    "home": ("/", "Does Magnesium Help Osteoporosis?"),
    "topics": ("/topics/", "Topics"),
    "topic": ("/topics/bone-health/", "Bone health"),
    "search": ("/search/?q=calcium+absorption", "Results for “calcium absorption”"),
    "contributors": ("/contributors/", "Writers and medical reviewers"),
    "contributor": ("/contributors/citewell-editorial-team/", "Citewell Editorial Team"),
    "not-found": ("/articles/no-such-article/", "We can’t find that page"),
}


@pytest.fixture
def site(live_server):
    call_command("loaddata", "initial_article", verbosity=0)
    return live_server.url


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
    page = context.new_page()
    page.goto(site + "/articles/does-magnesium-help-osteoporosis/")
    page.screenshot(path=screenshots / f"article-dark-{width}.png", full_page=True)
    context.close()
