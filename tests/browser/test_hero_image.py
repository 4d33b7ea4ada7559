"""An editor in Chromium gives an article a hero image; a reader's browser picks a rendition that fits."""

import pytest
from playwright.sync_api import expect

from articles.models import Article

from ..factories import ArticleFactory
from ..helpers import image_bytes

pytestmark = pytest.mark.django_db(transaction=True)

ALT = "A bowl of almonds on a kitchen table"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_an_editor_uploads_a_hero_and_readers_see_a_picture_that_fits_their_screen(
    page, live_server, django_user_model, media, tmp_path, screenshots
):
    article = ArticleFactory(draft=True, last_reviewed_on=None)
    django_user_model.objects.create_superuser("chief", "", "a-long-test-password")
    photo = tmp_path / "almonds.jpg"
    photo.write_bytes(image_bytes("JPEG", (2000, 1200)))
    page.goto(live_server.url + "/admin/login/")
    page.get_by_label("Username").fill("chief")
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    page.locator("#id_hero_image").set_input_files(str(photo))
    page.locator("input[name='_continue']").first.click()
    expect(page.locator(".field-hero_alt .errorlist")).to_have_text("Describe the image for readers who cannot see it.")
    page.locator("#id_hero_image").set_input_files(str(photo))
    page.locator("#id_hero_alt").fill(ALT)
    page.locator("input[name='_continue']").first.click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    thumbnail = page.locator(".field-hero_thumbnail img")
    expect(thumbnail).to_have_attribute("alt", ALT)
    assert thumbnail.evaluate("img => img.complete && img.naturalWidth") == 480
    page.locator("fieldset", has_text="Hero image").first.screenshot(path=screenshots / "hero-admin.png")

    stem = Article.objects.get(pk=article.pk).hero_image.name.removesuffix(".jpg")
    for width, chosen in [(375, "w480.webp"), (1280, "w800.webp")]:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(live_server.url + article.get_absolute_url())  # as staff: the draft
        img = page.locator("figure.hero img")
        expect(img).to_have_attribute("alt", ALT)
        page.wait_for_function("document.querySelector('figure.hero img').complete")
        assert img.evaluate("img => img.currentSrc").endswith(f"/media/{stem}-{chosen}")
        box = img.bounding_box()
        assert abs(box["height"] - box["width"] * 0.6) < 2  # its own shape, reserved before it loads
        page.screenshot(path=screenshots / f"hero-{width}.png")
