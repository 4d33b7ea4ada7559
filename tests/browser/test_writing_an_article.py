"""An editor writes a new article in Chromium the way the editor's desk is meant to be used, from the
first keystroke to the reader's page: rows put in order by dragging, a reference added from a pasted
BibTeX record and cited by its key, the preview following the text, the whole page previewed before the
first save, a hero image with its description, and publication through the medical reviewer's sign-off."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from articles.models import Article

from ..helpers import image_bytes
from .test_editor import CSP_WATCH, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

BIBTEX = """@article{Singh2019,
  author  = {Singh, Gurpreet and Miller, Avery B. and Okafor, Chidi},
  title   = {Zinc lozenges and the duration of the common cold: a randomised trial},
  journal = {J Infect Dis},
  year    = {2019},
  volume  = {220},
  number  = {4},
  pages   = {611--619},
  doi     = {10.1093/infdis/jiz101},
}"""
ALT = "Zinc lozenges in a blister pack on a kitchen table"


@pytest.fixture
def chief(page, live_server, django_user_model, reviewer, settings, tmp_path):
    """The editor in chief, signed in; uploads go to this test's own folder; the seed brings the contributors."""
    settings.MEDIA_ROOT = tmp_path
    call_command("loaddata", "initial_article", verbosity=0)
    reviewer.set_password("a-long-reviewer-password")
    reviewer.save()
    django_user_model.objects.create_superuser("chief", "", "a-long-test-password")
    page.add_init_script(CSP_WATCH)
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server, "chief", "a-long-test-password")
    expect(page.get_by_role("heading", name="Articles and editors")).to_be_visible()
    return page


def drag_above(page, moved, target):
    """Drag row `moved`'s handle above row `target`, with the mouse."""
    handle = page.locator(f"{moved} .row-handle").bounding_box()
    top = page.locator(target).bounding_box()["y"]
    page.mouse.move(handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2)
    page.mouse.down()
    page.mouse.move(handle["x"] + 5, top + 4, steps=8)
    page.mouse.up()


def write_the_opening(page):
    page.locator("#id_title").press_sequentially("Do zinc lozenges shorten colds?")
    expect(page.locator("#id_slug")).to_have_value("do-zinc-lozenges-shorten-colds")
    page.locator("#id_lead").fill("Zinc lozenges are sold to shorten colds. A trial measured it.")
    page.locator("#id_summary").fill("Colds ended about a day sooner with lozenges started early.")
    page.locator("#id_author").select_option(label="Citewell Editorial Team")
    page.locator("#id_medical_reviewer").select_option(label="Ana Ruiz, MD")
    page.locator("#id_meta_description").fill("What a trial found about zinc lozenges and how long colds last.")


def add_key_points_and_drag(page):
    """Two key points typed in, then the second dragged above the first: the numbers follow."""
    for index, (title, text) in enumerate([("Timing", "Start within a day."), ("Dose", "About 80 mg a day.")]):
        page.get_by_text("Add another Key point").click()
        page.locator(f"input[name='key_points-{index}-title']").fill(title)
        page.locator(f"textarea[name='key_points-{index}-text']").fill(text)
    page.locator("#key_points-group").evaluate("(e) => e.scrollIntoView()")
    drag_above(page, "#key_points-1", "#key_points-0")
    expect(page.locator("#key_points-group tbody tr.form-row").first).to_have_id("key_points-1")
    expect(page.locator("input[name='key_points-1-order']")).to_have_value("1")
    expect(page.locator("input[name='key_points-0-order']")).to_have_value("2")


def add_the_reference_from_bibtex(page):
    page.locator("#reference-file-text").fill(BIBTEX)
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.locator("#reference-file")).to_contain_text("cite it as [^singh2019]")
    expect(page.locator("[name='references-0-key']")).to_have_value("singh2019")
    expect(page.locator("[name='references-0-authors']")).to_have_value("Singh G, Miller AB, Okafor C")
    expect(page.locator("[name='references-0-pages']")).to_have_value("611-619")


def write_the_body_and_watch_the_preview(page):
    body = page.locator("#id_body")
    body.click()
    page.keyboard.type("## What the trial found\n\nColds ended a day sooner.[^singh2020]")
    preview = body.locator("xpath=..").locator(".markdownx-preview")
    errors = preview.get_by_role("alert")
    expect(errors).to_contain_text("[^singh2020] cites no reference of this article")  # a typo in the key
    for _ in range(len("20]")):
        page.keyboard.press("Backspace")
    page.keyboard.type("19]\n\n## Who should not take zinc\n\nPeople on some antibiotics.")
    expect(errors).to_be_hidden()
    expect(preview.locator("h2")).to_have_text(["What the trial found", "Who should not take zinc"])
    expect(preview.locator("sup.citation a")).to_have_attribute("href", "#ref-1")
    expect(page.locator(".article-live-preview")).not_to_have_attribute("aria-busy", "true")


def preview_the_whole_page(page):
    """Preview before the first save: the page readers would get, in a new tab; nothing stored."""
    with page.context.expect_page() as opened:
        page.locator(".submit-row").last.get_by_role("button", name="Preview").click()
    tab = opened.value
    tab.wait_for_load_state()
    expect(tab.locator(".staff-banner")).to_contain_text("Preview — not published.")
    expect(tab.locator("#article-title")).to_have_text("Do zinc lozenges shorten colds?")
    expect(tab.locator(".key-points")).to_contain_text("Dose")
    expect(tab.locator("#references")).to_contain_text("Singh G, Miller AB, Okafor C.")
    expect(tab.locator(".disclaimer")).to_be_visible()
    tab.close()
    assert not Article.objects.filter(slug="do-zinc-lozenges-shorten-colds").exists()


def sign_off_and_publish(page, live_server):
    page.get_by_role("button", name="Request review").click()
    expect(page.locator(".messagelist")).to_contain_text("Asked Ana Ruiz, MD to review")
    page.get_by_role("button", name="Log out").click()
    sign_in(page, live_server, "ana", "a-long-reviewer-password")
    page.locator(".review-desk").get_by_role("link", name="Do zinc lozenges shorten colds?").click()
    page.get_by_role("button", name="Sign off this version").click()
    expect(page.locator(".messagelist")).to_contain_text("You signed off")
    page.get_by_role("button", name="Log out").click()
    sign_in(page, live_server, "chief", "a-long-test-password")
    page.goto(live_server.url + "/admin/articles/article/")
    page.get_by_role("link", name="Do zinc lozenges shorten colds?").click()
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("Published")


def test_an_editor_writes_an_article_at_the_desk_and_readers_see_it_signed_off(
    chief, live_server, browser, tmp_path, screenshots
):
    page = chief
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    page.goto(live_server.url + "/admin/articles/article/add/")
    write_the_opening(page)
    add_key_points_and_drag(page)
    add_the_reference_from_bibtex(page)
    write_the_body_and_watch_the_preview(page)
    preview_the_whole_page(page)

    photo = tmp_path / "lozenges.jpg"
    photo.write_bytes(image_bytes("JPEG", (2000, 1200)))
    page.locator("#id_hero_image").set_input_files(str(photo))
    page.locator("#id_hero_alt").fill(ALT)
    page.locator("input[name='_continue']").first.click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    page.screenshot(path=screenshots / "desk-saved.png", full_page=True)

    article = Article.objects.get(slug="do-zinc-lozenges-shorten-colds")
    assert list(article.key_points.order_by("order").values_list("title", flat=True)) == ["Dose", "Timing"]
    assert list(article.references.values_list("key", "publisher", "volume", "issue")) == [
        ("singh2019", "J Infect Dis", "220", "4")
    ]
    assert article.citations["singh2019"]["number"] == 1
    assert article.hero_alt == ALT and article.hero is not None

    sign_off_and_publish(page, live_server)
    reader = browser.new_context()
    article_page = reader.new_page()
    assert article_page.goto(live_server.url + "/articles/do-zinc-lozenges-shorten-colds/").status == 200
    expect(article_page.locator(".staff-banner")).to_have_count(0)
    expect(article_page.locator(".byline")).to_contain_text("Medically reviewed by Ana Ruiz, MD on")
    expect(article_page.locator("figure.hero img")).to_have_attribute("alt", ALT)
    expect(article_page.locator("figure.hero source[type='image/webp']")).to_have_count(1)
    expect(article_page.locator(".article-body sup.citation a")).to_have_attribute("href", "#ref-1")
    expect(article_page.locator("#references")).to_contain_text("J Infect Dis. 2019;220(4):611-619.")
    expect(article_page.locator(".key-points li").first).to_contain_text("Dose")
    assert article_page.locator("meta[property='og:image']").get_attribute("content").endswith(".jpg")
    assert article_page.locator("meta[name='twitter:card']").get_attribute("content") == "summary_large_image"
    article_page.screenshot(path=screenshots / "desk-published.png")
    reader.close()
    assert page.evaluate("window.__cspViolations") == []
    assert dialogs == []
