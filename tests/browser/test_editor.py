"""An editor in Chromium: the Markdown editor previews with the readers' renderer."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from articles.models import Article

pytestmark = pytest.mark.django_db(transaction=True)


CSP_WATCH = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation",
    (e) => window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI));
"""


@pytest.fixture
def admin_page(page, live_server, django_user_model):
    """A superuser signed in to the admin; the page records any CSP violation."""
    page.add_init_script(CSP_WATCH)
    django_user_model.objects.create_superuser("chief", "", "a-long-test-password")
    page.goto(live_server.url + "/admin/login/")
    page.get_by_label("Username").fill("chief")
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Articles and editors")).to_be_visible()
    return page


def test_body_preview_renders_markdown_and_leaves_scripts_inert(admin_page, live_server):
    page = admin_page
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(live_server.url + "/admin/articles/article/add/")
    page.locator("#id_body").fill(
        "## Evidence\n\nTrials are small.[^smith2020]\n\n<script>alert('body')</script>"
        "<img src=x onerror=\"alert('img')\">\n\n[[food-sources]]"
    )
    preview = page.locator("#id_body").locator("xpath=..").locator(".markdownx-preview")
    expect(preview.locator("h2#evidence")).to_have_text("Evidence")
    expect(preview.get_by_role("alert")).to_contain_text("[^smith2020] cites no reference of this article")
    expect(preview).not_to_contain_text("appears here")  # no food rows: readers see no table (test_preview)
    assert preview.locator("script").count() == 0
    assert preview.locator("img[onerror]").count() == 0
    assert dialogs == []
    assert page.evaluate("window.__cspViolations") == []


def test_a_new_faq_row_gets_a_live_preview_too(admin_page, live_server):
    page = admin_page
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


def add_rows(page):
    """A key point, an FAQ and a reference, typed into new inline rows as an editor would (each row is
    numbered by its place on the page)."""
    page.get_by_text("Add another Key point").click()
    expect(page.locator("input[name='key_points-0-order']")).to_have_value("1")  # numbered by its place
    page.locator("input[name='key_points-0-title']").fill("Start early")
    page.locator("textarea[name='key_points-0-text']").fill("Lozenges helped only when started within a day.")
    page.get_by_text("Add another FAQ").click()
    expect(page.locator("input[name='faqs-0-order']")).to_have_value("1")  # numbered by its place
    page.locator("input[name='faqs-0-question']").fill("Can zinc prevent colds?")
    page.locator("textarea[name='faqs-0-answer']").fill("Not clearly.[^hemila2017]")
    page.get_by_text("Add another Reference").click()
    expect(page.locator("input[name='references-0-order']")).to_have_value("1")  # numbered by its place
    page.locator("input[name='references-0-key']").fill("hemila2017")
    page.locator("input[name='references-0-title']").fill("Zinc lozenges and the common cold")
    page.locator("input[name='references-0-doi']").fill("10.1177/2054270417694291")


def write_the_article(page):
    """Fill in the add page as an editor does, naming Ana Ruiz, MD as the medical reviewer."""
    page.locator("#id_title").press_sequentially("Does zinc shorten colds?")
    expect(page.locator("#id_slug")).to_have_value("does-zinc-shorten-colds")
    page.locator("#id_lead").fill("Zinc lozenges are sold as a cold remedy. Do they work?")
    page.locator("#id_summary").fill("Some trials find colds end a day or two sooner.")

    body = page.locator("#id_body")
    body.click()
    page.keyboard.type(
        "## What the trials show\n\nLozenges taken early may help.[^hemila2017]\n\n"
        "<script>alert('body')</script>\n\n**Bottom line:** ask a pharmacist."
    )
    preview = body.locator("xpath=..").locator(".markdownx-preview")
    expect(preview.locator("h2")).to_have_text("What the trials show")
    expect(preview.locator("strong")).to_have_text("Bottom line:")
    # The reference is not in the form yet: the preview says so, as Save would.
    expect(preview.get_by_role("alert")).to_contain_text("[^hemila2017] cites no reference of this article")
    assert preview.locator("script").count() == 0

    page.locator("#id_author").select_option(label="Citewell Editorial Team")
    page.locator("#id_medical_reviewer").select_option(label="Ana Ruiz, MD")
    page.locator("#id_meta_description").fill("What clinical trials say about zinc lozenges and colds.")

    add_rows(page)
    # With the reference in the form, the preview cites it, numbered, and the error is gone.
    expect(preview.locator("sup.citation a")).to_have_attribute("href", "#ref-1")
    expect(preview.get_by_role("alert")).to_be_hidden()


def sign_in(page, live_server, username, password):
    page.goto(live_server.url + "/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_an_editor_writes_the_reviewer_signs_off_the_editor_publishes_and_a_reader_reads(
    admin_page, live_server, browser, reviewer
):
    reviewer.set_password("a-long-reviewer-password")
    reviewer.save()
    call_command("loaddata", "initial_article", verbosity=0)  # brings the contributors
    page = admin_page
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(live_server.url + "/admin/articles/article/add/")
    write_the_article(page)
    page.locator("input[name='_continue']").first.click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    expect(page.locator(".review-panel")).to_contain_text("Not signed off")
    page.get_by_role("button", name="Request review").click()
    expect(page.locator(".messagelist")).to_contain_text("Asked Ana Ruiz, MD to review")
    assert page.evaluate("window.__cspViolations") == []
    page.get_by_role("button", name="Log out").click()

    sign_in(page, live_server, "ana", "a-long-reviewer-password")
    page.locator(".review-desk").get_by_role("link", name="Does zinc shorten colds?").click()
    expect(page.locator(".review-page")).to_contain_text("read it whole")
    page.get_by_role("button", name="Sign off this version").click()
    expect(page.locator(".messagelist")).to_contain_text("You signed off")
    page.get_by_role("button", name="Log out").click()

    sign_in(page, live_server, "chief", "a-long-test-password")
    page.goto(live_server.url + "/admin/articles/article/")
    page.get_by_role("link", name="Does zinc shorten colds?").click()
    expect(page.locator(".review-panel")).to_contain_text("Signed off by Ana Ruiz, MD")
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("Published")
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_text("Logged out")).to_be_visible()

    reader = browser.new_context()
    article = reader.new_page()
    response = article.goto(live_server.url + "/articles/does-zinc-shorten-colds/")
    assert response.status == 200
    expect(article.locator("h1")).to_have_text("Does zinc shorten colds?")
    expect(article.locator(".staff-banner")).to_have_count(0)
    expect(article.locator(".byline")).to_contain_text("Medically reviewed by Ana Ruiz, MD on")
    expect(article.locator("#article-history")).to_contain_text("First published. Medically reviewed by Ana Ruiz, MD")
    expect(article.locator(".key-points")).to_contain_text("Start early")
    expect(article.locator("#faq")).to_contain_text("Can zinc prevent colds?")
    expect(article.locator("#references")).to_contain_text("Zinc lozenges and the common cold")
    expect(article.locator(".disclaimer")).to_be_visible()
    assert article.locator(".article-body script").count() == 0
    assert dialogs == []
    reader.close()


def test_the_body_preview_stays_in_view_while_the_editor_scrolls_through_the_text(admin_page, live_server):
    page = admin_page
    call_command("loaddata", "initial_article", verbosity=0)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + f"/admin/articles/article/{Article.objects.get().pk}/change/")
    body = page.locator("#id_body")
    preview = body.locator("xpath=..").locator(".markdownx-preview")
    body.click()
    page.keyboard.type(" ")  # the preview is drawn once the editor types
    expect(preview.locator("h2").first).to_be_visible()
    editor_top = body.evaluate("(e) => e.getBoundingClientRect().top + window.scrollY")
    page.evaluate(f"window.scrollTo(0, {editor_top} + 2000)")
    top = preview.evaluate("(e) => e.getBoundingClientRect().top")
    bottom = preview.evaluate("(e) => e.getBoundingClientRect().bottom")
    assert 0 <= top <= 20 and bottom > 400  # held at the top of the window, beside the text
    expect(preview).not_to_have_attribute("aria-busy", "true")  # its last preview answered (test_preview)


def test_leaving_a_changed_form_asks_first_and_view_on_site_opens_a_tab(admin_page, live_server):
    page = admin_page
    call_command("loaddata", "initial_article", verbosity=0)
    change = live_server.url + f"/admin/articles/article/{Article.objects.get().pk}/change/"
    page.goto(change)
    view = page.locator(".object-tools a.viewsitelink")
    assert view.get_attribute("target") == "_blank" and "noopener" in view.get_attribute("rel")

    page.goto(live_server.url + "/admin/")  # unchanged: leaves without asking
    assert page.url.endswith("/admin/")

    page.goto(change)
    page.locator("#id_subtitle").click()
    page.keyboard.type(" changed")
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))
    page.locator("#site-name a").click()
    page.wait_for_timeout(500)
    assert asked == ["beforeunload"] and page.url == change
    expect(page.locator(".article-live-preview")).not_to_have_attribute("aria-busy", "true")
