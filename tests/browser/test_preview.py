"""An editor in Chromium previews an article before saving it: the body's preview draws the chart
from the rows as typed and gives the errors Save would; Preview opens the article page in a new tab."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from articles.models import Article

from .test_editor import CSP_WATCH, sign_in, write_the_article

pytestmark = pytest.mark.django_db(transaction=True)

UNKNOWN = "[^nosuch]"  # a citation of a key no reference in the form has


@pytest.fixture
def chief(page, live_server, django_user_model):
    """A superuser signed in to the admin; the page records any CSP violation."""
    page.add_init_script(CSP_WATCH)
    django_user_model.objects.create_superuser("chief", "", "a-long-test-password")
    sign_in(page, live_server, "chief", "a-long-test-password")
    expect(page.get_by_role("heading", name="Articles and editors")).to_be_visible()
    return page


def add_food(page):
    page.get_by_text("Add another Food source").click()
    expect(page.locator("input[name='food_sources-0-order']")).to_have_value("1")  # numbered by its place
    page.locator("input[name='food_sources-0-name']").fill("Oysters")
    page.locator("input[name='food_sources-0-category']").fill("Seafood")
    page.locator("input[name='food_sources-0-serving']").fill("3 oz")
    page.locator("input[name='food_sources-0-amount']").fill("32")
    page.locator("#id_nutrient_name").fill("Zinc")
    page.locator("#id_daily_value").fill("11")


def test_the_body_preview_draws_the_chart_where_its_marker_is_and_gives_errors_as_you_type(
    chief, live_server, screenshots
):
    page = chief
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/admin/articles/article/add/")
    add_food(page)
    body = page.locator("#id_body")
    body.click()
    sent = []
    page.on(
        "request", lambda request: sent.append(request.url.split("/admin/")[-1]) if request.method == "POST" else None
    )
    page.keyboard.type("## Where zinc is\n\nShellfish leads.\n\n[[food-sources]]\n\n## Safety\n\nDo not overdo it.")
    preview = body.locator("xpath=..").locator(".markdownx-preview")
    chart = preview.locator("figure#food-sources svg.chart")
    expect(chart).to_be_visible()
    expect(chart.locator("text.chart__value")).to_have_text("32 mg · 291% DV")
    # Where the marker is: after the first section's text, before the second section.
    order = preview.evaluate(
        "(p) => [...p.querySelectorAll('h2, figure')].map((e) => e.tagName === 'H2' ? e.textContent : e.id)"
    )
    assert order == ["Where zinc is", "food-sources", "Safety"]
    expect(preview).not_to_contain_text("appears here")
    errors = preview.get_by_role("alert")
    expect(errors).to_be_hidden()
    body.scroll_into_view_if_needed()
    page.screenshot(path=screenshots / "preview-body-chart.png")

    page.keyboard.type(f"\n\nA claim.{UNKNOWN}")  # the form has no reference yet
    expect(errors).to_be_visible()
    expect(errors.locator("li")).to_contain_text([f"Body: {UNKNOWN} cites no reference of this article"])
    page.screenshot(path=screenshots / "preview-body-error.png")
    for _ in range(len(UNKNOWN)):
        page.keyboard.press("Backspace")
    expect(errors).to_be_hidden()

    # The rows as typed, not as stored: a changed amount redraws the chart.
    page.locator("input[name='food_sources-0-amount']").fill("16")
    expect(chart.locator("text.chart__value")).to_have_text("16 mg · 145% DV")
    expect(preview).not_to_have_attribute("aria-busy", "true")
    assert not Article.objects.exists()
    assert page.evaluate("window.__cspViolations") == []
    # Only this preview is asked for as the editor types: not markdownx's own as well.
    assert sent and set(sent) == {"articles/article/live-preview/"}


def test_preview_opens_the_article_page_in_a_new_tab_before_the_first_save(chief, live_server, screenshots, reviewer):
    call_command("loaddata", "initial_article", verbosity=0)  # brings the contributors
    stored = list(Article.objects.values_list("pk", "title", "edit_count"))
    page = chief
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/admin/articles/article/add/")
    write_the_article(page)
    add_food(page)
    expect(page.locator(".article-live-preview")).not_to_have_attribute("aria-busy", "true")
    with page.context.expect_page() as opened:
        page.locator(".submit-row").last.get_by_role("button", name="Preview").click()
    tab = opened.value
    tab.wait_for_load_state()
    expect(tab.locator(".staff-banner")).to_contain_text("Preview — not published.")
    expect(tab.locator("#article-title")).to_have_text("Does zinc shorten colds?")
    expect(tab.locator("figure#food-sources svg.chart")).to_be_visible()
    expect(tab.locator("#references")).to_contain_text("Zinc lozenges and the common cold")
    expect(tab.locator("meta[name=robots]")).to_have_attribute("content", "noindex")
    tab.screenshot(path=screenshots / "preview-page.png", full_page=True)
    tab.reload()  # the preview's address shows it again
    expect(tab.locator("#article-title")).to_have_text("Does zinc shorten colds?")
    tab.close()
    # Nothing was saved, and the form still counts as changed: leaving it asks first.
    assert list(Article.objects.values_list("pk", "title", "edit_count")) == stored
    assert page.url.endswith("/admin/articles/article/add/")
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))
    page.locator("#site-name a").click()
    page.wait_for_timeout(500)
    assert asked == ["beforeunload"]
    expect(page.locator(".article-live-preview")).not_to_have_attribute("aria-busy", "true")
    assert page.evaluate("window.__cspViolations") == []
