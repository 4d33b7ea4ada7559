"""Readers with screen readers, keyboards and large text: axe-core and the keyboard, in Chromium."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)

ARTICLE = "/articles/does-magnesium-help-osteoporosis/"
PAGES = {
    "home": "/",
    "article": ARTICLE,
    "topic": "/topics/bone-health/",
    "search": "/search/?q=calcium",
    "not-found": "/articles/no-such-article/",
    "topics": "/topics/",
    "contributors": "/contributors/",
    "contributor": "/contributors/citewell-editorial-team/",
    "about": "/about/",
    "contact": "/contact/",
}


@pytest.fixture(scope="session")
def axe():
    return Axe()


def described(violations):
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} at {', '.join(str(n['target']) for n in v['nodes'][:5])}"
        for v in violations
    )


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", list(PAGES))
def test_axe_finds_no_violations(browser, site, axe, name, scheme):
    context = browser.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    response = page.goto(site + PAGES[name])
    assert response.status == (404 if name == "not-found" else 200)
    violations = axe.run(page).response["violations"]
    context.close()
    assert violations == [], described(violations)


def test_axe_finds_no_violations_on_a_phone_with_the_contents_open(browser, site, axe):
    context = browser.new_context(viewport={"width": 375, "height": 800}, color_scheme="dark")
    page = context.new_page()
    page.goto(site + ARTICLE)
    page.locator(".toc--fold summary").click()
    page.locator("#faq summary").first.click()
    violations = axe.run(page).response["violations"]
    context.close()
    assert violations == [], described(violations)


FOCUS_RING = """(element) => {
    const style = getComputedStyle(element);
    return style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
}"""


def test_every_stop_on_the_article_page_shows_where_the_focus_is(page, site):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(site + ARTICLE)
    seen = []
    for _ in range(400):
        page.keyboard.press("Tab")
        focused = page.evaluate_handle("document.activeElement")
        label = page.evaluate("(e) => e.outerHTML.slice(0, 120)", focused)
        if page.evaluate("(e) => e === document.body", focused) or (seen and label == seen[0]):
            break
        assert page.evaluate(FOCUS_RING, focused), f"no visible focus on {label}"
        seen.append(label)
    assert len(seen) > 40  # header, contents, citations, FAQ, references, footer
    assert "Skip to content" in seen[0]


def test_the_contents_fold_and_its_links_work_from_the_keyboard_on_a_phone(page, site):
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(site + ARTICLE)
    expect(page.locator("#contents-side")).to_be_hidden()
    fold = page.locator(".toc--fold summary")
    link = page.locator("#contents").get_by_role("link", name="Conclusion")
    expect(link).to_be_hidden()
    fold.focus()
    page.keyboard.press("Enter")
    expect(link).to_be_visible()
    page.keyboard.press("Tab")
    expect(page.locator("#contents a").first).to_be_focused()
    link.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#conclusion$"))
    expect(page.locator("#conclusion")).to_be_in_viewport()


def test_the_contents_stay_beside_the_text_while_reading_on_a_wide_screen(page, site):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(site + ARTICLE)
    side = page.locator("#contents-side")
    expect(side).to_be_visible()
    expect(page.locator(".toc--fold")).to_be_hidden()
    page.locator("#references").scroll_into_view_if_needed()
    expect(side).to_be_in_viewport()
    box = side.bounding_box()
    body = page.locator(".article-body").bounding_box()
    assert 0 <= box["y"] <= 40 and box["x"] > body["x"] + body["width"]


def test_faq_disclosures_open_and_close_from_the_keyboard(page, site):
    page.goto(site + ARTICLE)
    item = page.locator("#faq details").first
    item.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(item).to_have_attribute("open", "")
    page.keyboard.press("Space")
    expect(item).not_to_have_attribute("open", "")


@pytest.mark.parametrize("width", [640, 320])  # a 1280 and a 640 pixel window at 200% zoom
@pytest.mark.parametrize("name", ["home", "article", "topic", "search", "contributor"])
def test_text_reflows_at_200_percent_zoom_without_sideways_scrolling(page, site, name, width):
    page.set_viewport_size({"width": width, "height": 700})
    page.goto(site + PAGES[name])
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow == 0
    smallest = page.evaluate("""() => Math.min(...[...document.querySelectorAll('main p, main li, main td, main th')]
        .filter(e => e.offsetParent !== null).map(e => parseFloat(getComputedStyle(e).fontSize)))""")
    assert smallest >= 13


def test_the_supplement_forms_stack_on_a_phone_with_a_labelled_scale(page, site):
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(site + ARTICLE)
    table = page.locator("#supplement-forms table")
    assert page.evaluate("(t) => t.scrollWidth <= t.clientWidth", table.element_handle())
    first = page.locator("#supplement-forms tbody tr").first
    assert first.evaluate("(row) => getComputedStyle(row).display") == "block"
    cell = first.locator("td").first
    expect(cell).to_have_text(re.compile(r"^\s*(Low|Moderate|Good|High)\s*$"))
    assert cell.evaluate("(td) => getComputedStyle(td, '::before').content") == '"Bioavailability: "'
    scale = cell.locator(".scale")
    expect(scale).to_have_attribute("aria-hidden", "true")  # the word carries the meaning, not the colour
