"""An editor in Chromium: the Markdown editor previews with the readers' renderer."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


CSP_WATCH = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation",
    (e) => window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI));
"""


@pytest.fixture
def signed_in(page, live_server, django_user_model):
    """A superuser signed in to the admin; the page records any CSP violation."""
    page.add_init_script(CSP_WATCH)
    django_user_model.objects.create_superuser("chief", "", "a-long-test-password")
    page.goto(live_server.url + "/admin/login/")
    page.get_by_label("Username").fill("chief")
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Articles and editors")).to_be_visible()
    return page


def test_body_preview_renders_markdown_and_leaves_scripts_inert(signed_in, live_server):
    page = signed_in
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(live_server.url + "/admin/articles/article/add/")
    page.locator("#id_body").fill(
        "## Evidence\n\nTrials are small.[^1]\n\n<script>alert('body')</script>"
        "<img src=x onerror=\"alert('img')\">\n\n[[food-sources]]"
    )
    preview = page.locator("#id_body").locator("xpath=..").locator(".markdownx-preview")
    expect(preview.locator("h2#evidence")).to_have_text("Evidence")
    expect(preview.locator("sup.citation a")).to_have_attribute("href", "#ref-1")
    expect(preview).to_contain_text("[food sources table appears here]")
    assert preview.locator("script").count() == 0
    assert preview.locator("img[onerror]").count() == 0
    assert dialogs == []
    assert page.evaluate("window.__cspViolations") == []


def test_a_new_faq_row_gets_a_live_preview_too(signed_in, live_server):
    page = signed_in
    page.goto(live_server.url + "/admin/articles/article/add/")
    page.get_by_text("Add another FAQ").click()
    answer = page.locator("textarea[name='faqs-0-answer']")
    answer.fill("**Yes**, within limits.<script>alert(1)</script>")
    preview = answer.locator("xpath=..").locator(".markdownx-preview")
    expect(preview.locator("strong")).to_have_text("Yes")
    assert preview.locator("script").count() == 0
    page.locator("#id_title").press_sequentially("Zinc and colds")
    expect(page.locator("#id_slug")).to_have_value("zinc-and-colds")
    page.locator("#id_published_at_0 + .datetimeshortcuts a").first.click()  # "Today"
    expect(page.locator("#id_published_at_0")).not_to_have_value("")
    assert page.evaluate("window.__cspViolations") == []
