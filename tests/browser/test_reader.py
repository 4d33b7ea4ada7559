"""A reader in Chromium: the article page, its contents links, and how it looks."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)

ARTICLE = "/articles/does-magnesium-help-osteoporosis/"
WIDTHS = [375, 768, 1280]


def test_following_a_contents_link_brings_its_section_into_view(page, site):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(site + ARTICLE)
    heading = page.locator("#important-considerations-and-risks")
    expect(heading).not_to_be_in_viewport()
    page.locator("#contents-side").get_by_role("link", name="Important Considerations and Risks").click()
    expect(page).to_have_url(re.compile(r"#important-considerations-and-risks$"))
    expect(heading).to_be_in_viewport()
    page.locator("#contents-side").get_by_role("link", name="References").click()
    expect(page.locator("#ref-3")).to_be_in_viewport()


def test_a_citation_leads_to_its_reference_and_back(page, site):
    page.goto(site + ARTICLE)
    page.locator("#cite-3").click()
    expect(page).to_have_url(re.compile(r"#ref-3$"))
    expect(page.locator("#ref-3")).to_be_in_viewport()
    page.locator("#ref-3 .ref__back").click()
    expect(page.locator("#cite-3")).to_be_in_viewport()


@pytest.mark.parametrize("width", WIDTHS)
def test_article_page_fits_the_screen_and_is_saved_as_a_screenshot(page, site, screenshots, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(site + ARTICLE)
    expect(page.locator("h1")).to_have_text("Does Magnesium Help Osteoporosis?")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow == 0
    per_line = page.evaluate(
        """() => {
            const p = [...document.querySelectorAll('.article-body p')]
                .sort((a, b) => b.textContent.length - a.textContent.length)[0];
            const lines = p.getBoundingClientRect().height / parseFloat(getComputedStyle(p).lineHeight);
            return p.textContent.length / Math.round(lines);
        }"""
    )
    assert per_line <= 80  # a readable measure: about 70 characters a line
    path = screenshots / f"article-{width}.png"
    page.screenshot(path=path, full_page=True)
    assert path.stat().st_size > 10_000


def test_the_page_reads_without_javascript_and_asks_nothing_of_other_sites(browser, site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(site + ARTICLE)
    expect(page.locator(".disclaimer")).to_contain_text("Medical Disclaimer")
    expect(page.locator("#food-sources tbody tr")).to_have_count(11)
    page.get_by_text("Can too much magnesium be bad for your bones?").click()
    expect(page.get_by_text("potentially interfering with mineralization")).to_be_visible()
    assert page.locator('script:not([type="application/ld+json"])').count() == 0  # data, never code
    assert requests and all(url.startswith(site) for url in requests)
    context.close()


def test_faq_answers_open_from_the_keyboard(page, site):
    page.goto(site + ARTICLE)
    answer = page.get_by_text("Magnesium works synergistically with calcium and vitamin D.")
    expect(answer).to_be_hidden()
    page.locator("#faq summary").nth(5).focus()
    page.keyboard.press("Enter")
    expect(answer).to_be_visible()


def test_the_skip_link_is_the_first_stop_and_leads_to_the_content(page, site):
    page.goto(site + ARTICLE)
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#content$"))
