"""The editor's aids on the article change page, in Chromium: rows put in order by their handles, the Markdown
toolbar, uploaded images, the meta description's counter and previews, and the layout at tablet and laptop widths."""

import base64
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from articles.models import META_DESCRIPTION_LIMIT, Article
from editorial.images import NOT_AN_IMAGE
from tests.helpers import image_bytes

from .test_editor import admin_page  # noqa: F401 - the signed-in page

pytestmark = pytest.mark.django_db(transaction=True)

MOD = "Control"  # Chromium on Linux


@pytest.fixture
def article(live_server):
    """The seed article as a draft, so that a save changes its rows in place."""
    call_command("loaddata", "initial_article", verbosity=0)
    Article.objects.update(status=Article.Status.DRAFT)
    return Article.objects.get()


@pytest.fixture
def change_page(admin_page, live_server, article):  # noqa: F811
    admin_page.set_viewport_size({"width": 1280, "height": 900})
    admin_page.goto(live_server.url + f"/admin/articles/article/{article.pk}/change/")
    return admin_page


def orders(page, prefix):
    return page.locator(f"#{prefix}-group input[name$='-order']:not([name*='__prefix__'])").evaluate_all(
        "(inputs) => inputs.map((i) => i.value)"
    )


def save_and_continue(page):
    page.locator("input[name='_continue']").first.click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")


def test_rows_move_by_mouse_and_by_keyboard_and_the_save_keeps_the_order(change_page, article):
    page = change_page
    key_points = list(article.key_points.values_list("title", flat=True))
    faqs = list(article.faqs.values_list("question", flat=True))
    expect(page.locator("#key_points-group .row-handle")).to_have_count(len(key_points))
    assert page.locator("input[name='key_points-0-order']").evaluate("(i) => i.readOnly")

    # The mouse: the third key point's handle dragged above the first row.
    page.locator("#key_points-group").evaluate("(e) => e.scrollIntoView()")
    handle = page.locator("#key_points-2 .row-handle").bounding_box()
    top = page.locator("#key_points-0").bounding_box()["y"]
    page.mouse.move(handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2)
    page.mouse.down()
    page.mouse.move(handle["x"] + 5, top + 4, steps=8)
    page.mouse.up()
    expect(page.locator("#key_points-group tbody tr.form-row").first).to_have_id("key_points-2")
    assert page.locator("input[name='key_points-2-order']").input_value() == "1"
    assert orders(page, "key_points") == [str(n) for n in range(1, len(key_points) + 1)]

    # The keyboard: the first FAQ's handle focused, moved down one place, announced.
    page.locator("#faqs-0 .row-handle").focus()
    page.keyboard.press("ArrowDown")
    expect(page.locator("#row-order-status")).to_have_text(f"Moved to position 2 of {len(faqs)}")
    expect(page.locator("#faqs-0 .row-handle")).to_be_focused()
    assert page.locator("input[name='faqs-0-order']").input_value() == "2"
    assert page.locator("input[name='faqs-1-order']").input_value() == "1"
    expect(page.locator(".row-order-warning")).to_have_count(0)

    # References are cited by key: moving one changes no citation, and no warning is needed.
    page.locator("#references-1 .row-handle").focus()
    page.keyboard.press("Alt+ArrowUp")
    page.keyboard.press("ArrowDown")  # and back
    expect(page.locator(".row-order-warning")).to_have_count(0)

    # "Add another" numbers the new row next. Removing an added row keeps the forms' names in the server's
    # order (saved rows first) whatever the order shown; one added and left blank is left out of the save.
    add = page.get_by_text("Add another Key point")
    add.click()
    new = page.locator(f"#key_points-{len(key_points)}")
    expect(new.locator("input[name$='-order']")).to_have_value(str(len(key_points) + 1))
    new.locator("input[name$='-title']").fill("A new point")
    new.locator("textarea[name$='-text']").fill("Typed by the editor.")
    add.click()
    new.locator(".row-handle").focus()
    page.keyboard.press("Home")
    expect(page.locator("#row-order-status")).to_have_text(f"Moved to position 1 of {len(key_points) + 2}")
    page.locator(f"#key_points-{len(key_points) + 1} .inline-deletelink").click()
    expect(page.locator("#key_points-group tbody tr.form-row").first).to_have_id(f"key_points-{len(key_points)}")
    expect(new.locator("input[name$='-order']")).to_have_value("1")
    add.click()

    save_and_continue(page)
    expected = ["A new point", key_points[2], key_points[0], key_points[1], *key_points[3:]]
    assert list(article.key_points.order_by("order").values_list("title", flat=True)) == expected
    assert list(article.faqs.order_by("order").values_list("question", flat=True)) == [faqs[1], faqs[0], *faqs[2:]]


def test_the_toolbar_and_its_shortcuts_format_the_selection_and_undo_takes_it_back(change_page):
    page = change_page
    body = page.locator("#id_body")
    preview = body.locator("xpath=..").locator(".markdownx-preview")
    body.fill("Magnesium matters.")
    body.evaluate("(e) => e.setSelectionRange(0, 9)")
    page.locator(".field-body").get_by_role("button", name="Bold (Ctrl+B)").click()
    expect(body).to_have_value("**Magnesium** matters.")
    expect(preview.locator("p strong")).to_have_text(["Magnesium"])

    body.evaluate("(e) => e.setSelectionRange(14, 21)")
    body.press(f"{MOD}+i")
    expect(body).to_have_value("**Magnesium** _matters_.")
    body.press(f"{MOD}+z")
    expect(body).to_have_value("**Magnesium** matters.")
    body.evaluate("(e) => e.setSelectionRange(14, 14)")
    body.press(f"{MOD}+b")  # nothing selected: a placeholder, selected, to type over
    body.press_sequentially("strong")
    expect(body).to_have_value("**Magnesium** **strong**matters.")

    body.fill("Trials are small.")
    body.press("End")
    page.locator(".field-body").get_by_role("button", name="Citation", exact=False).click()
    page.keyboard.type("castiglioni2013")
    expect(body).to_have_value("Trials are small.[^castiglioni2013]")
    body.press("End")
    page.locator(".field-body").get_by_role("button", name="Place the food sources table here", exact=False).click()
    expect(body).to_have_value("Trials are small.[^castiglioni2013]\n\n[[food-sources]]\n\n")
    # The preview draws the table where the marker is, as readers will see it.
    expect(preview.locator("p + figure").first).to_contain_text("Magnesium in common foods")
    expect(preview.locator("sup.citation a")).to_have_attribute("href", "#ref-1")

    help_panel = page.locator(".field-body details.markdown-help")
    help_panel.locator("summary").click()
    expect(help_panel).to_contain_text("[[supplement-forms]]")
    expect(help_panel).to_contain_text("## Section heading")
    # FAQ answers cannot place tables: their toolbars offer no marker.
    expect(page.locator("#faqs-0 .markdown-toolbar button[class*='--block-']")).to_have_count(0)
    expect(page.locator("#faqs-0 .markdown-toolbar").get_by_role("button", name="Italic (Ctrl+I)")).to_be_visible()
    assert page.evaluate("window.__cspViolations") == []


DROP = """async ([name, type, data]) => {
    const editor = document.querySelector("#id_body");
    const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
    const transfer = new DataTransfer();
    transfer.items.add(new File([bytes], name, { type }));
    editor.dispatchEvent(new DragEvent("drop", { dataTransfer: transfer, bubbles: true, cancelable: true }));
}"""


def test_a_dropped_image_lands_on_its_own_line_with_its_description_to_write(change_page, media_root):
    page = change_page
    body = page.locator("#id_body")
    body.fill("Before.\nAfter.")
    body.evaluate("(e) => e.setSelectionRange(7, 7)")
    page.evaluate(DROP, ["photo.png", "image/png", base64.b64encode(image_bytes()).decode()])
    expect(body).to_have_value(
        re.compile(r"^Before\.\n\n!\[Describe the image\]\(/media/uploads/[0-9a-f-]+\.png\)\n\nAfter\.$")
    )
    selected = body.evaluate("(e) => e.value.slice(e.selectionStart, e.selectionEnd)")
    assert selected == "Describe the image"
    page.keyboard.type("A bowl of almonds")
    expect(body).to_have_value(re.compile(r"!\[A bowl of almonds\]\(/media/uploads/"))
    expect(page.locator(".field-body .markdown-status")).to_be_hidden()

    page.evaluate(DROP, ["page.png", "image/png", base64.b64encode(b"<html>not an image</html>").decode()])
    status = page.locator(".field-body .markdown-status")
    expect(status).to_be_visible()
    expect(status).to_have_text(f"The image was not uploaded: {NOT_AN_IMAGE}")
    assert "Invalid response" not in body.input_value()


def test_a_refused_preview_says_why_under_the_editor(change_page):
    page = change_page
    # The body's preview (the whole form's, static/js/admin-preview.js) lists the reason with Save's errors.
    body = page.locator("#id_body")
    body.click()
    body.fill("word " * 10_001)
    errors = body.locator("xpath=..").locator(".markdownx-preview").get_by_role("alert")
    expect(errors).to_contain_text("50,000")
    body.fill("## Short again")
    expect(errors).to_be_hidden()
    # An FAQ answer's preview (django-markdownx's) says it under the editor.
    answer = page.locator("textarea[name='faqs-0-answer']")
    answer.fill("word " * 10_001)
    status = page.locator("#faqs-0 .markdown-status")
    expect(status).to_contain_text("The preview is not up to date:")
    expect(status).to_contain_text("50,000")
    answer.fill("Short again.")
    expect(status).to_be_hidden()


def test_the_meta_description_counts_its_characters_and_the_previews_follow(change_page, article):
    page = change_page
    meta = page.locator("#id_meta_description")
    counter = page.locator("#id_meta_description_counter")
    meta.fill("Magnesium and bones, in short.")
    expect(counter).to_have_text(f"30 / {META_DESCRIPTION_LIMIT} characters")
    expect(counter).not_to_have_class(re.compile("meta-counter--over"))
    expect(page.locator(".search-preview__description")).to_have_text("Magnesium and bones, in short.")
    expect(page.locator(".social-preview__description")).to_have_text("Magnesium and bones, in short.")

    meta.fill("x" * (META_DESCRIPTION_LIMIT + 5))
    expect(counter).to_contain_text(f"{META_DESCRIPTION_LIMIT + 5} / {META_DESCRIPTION_LIMIT} characters: 5 over")
    expect(counter).to_have_class(re.compile("meta-counter--over"))

    meta.fill("")  # blank: the quick summary, as Article.description gives it
    article.meta_description = ""
    expect(page.locator(".search-preview__description")).to_have_text(article.description)
    page.locator("#id_title").fill("Magnesium and your bones")
    expect(page.locator(".search-preview__title")).to_contain_text("Magnesium and your bones")
    expect(page.locator(".social-preview__title")).to_have_text("Magnesium and your bones")
    expect(page.locator(".search-preview__url")).to_have_text(f"citewell.example/articles/{article.slug}/")
    expect(page.locator(".social-preview__site")).to_have_text("Citewell")


def boxes_overlap(a, b):
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


def test_the_change_page_and_the_list_fit_tablets_and_laptops(change_page, live_server, article, tmp_path):
    page = change_page
    change = page.url
    page.set_viewport_size({"width": 768, "height": 1000})
    page.goto(change)
    page.screenshot(path=tmp_path / "change-768.png")
    title = page.locator("#content h1").bounding_box()
    for tool in page.locator(".object-tools li").all():
        assert not boxes_overlap(tool.bounding_box(), title)
    topics = page.locator(".field-topics .selector").bounding_box()
    row = page.locator(".field-topics").bounding_box()
    assert topics["x"] >= row["x"] and topics["x"] + topics["width"] <= row["x"] + row["width"] <= 768
    assert page.evaluate("document.documentElement.scrollWidth") <= 768

    page.goto(live_server.url + "/admin/articles/article/")
    page.screenshot(path=tmp_path / "list-768.png")
    title = page.locator("#content h1").bounding_box()
    for tool in page.locator(".object-tools li").all():
        assert not boxes_overlap(tool.bounding_box(), title)

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/admin/articles/article/")
    page.screenshot(path=tmp_path / "list-1280.png")
    results = page.locator("#changelist .results")
    assert results.evaluate("(e) => e.scrollWidth <= e.clientWidth")
    due = page.locator("#result_list thead th", has_text="Review due").bounding_box()
    shown = results.bounding_box()
    assert due["x"] + due["width"] <= shown["x"] + shown["width"]
    expect(page.locator("#result_list td.field-review_due")).to_be_visible()
