"""The editor's aids on the article change page, in Chromium: rows put in order by their handles, the Markdown
toolbar, uploaded images, the meta description's counter and previews, and the layout at tablet and laptop widths."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from articles.models import Article

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
