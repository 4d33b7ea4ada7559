"""An article's hero image: uploaded in the admin with a description, re-encoded and made into renditions on
save, shown as a <picture> and in the page's sharing metadata and JSON-LD; refused with a clear message when it
cannot be used. Images in the body or FAQ answers without alt text stop a save, and a publish."""

import hashlib
import io
import json
import re

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from articles.models import ROWS, Article
from editorial import portable, signoffs

from .factories import ArticleFactory, FAQFactory
from .helpers import (
    change_url,
    draft_of,
    errors_of,
    existing_rows,
    field_errors,
    form_data,
    json_ld,
    messages_of,
    png_claiming_size,
    save_change_page,
    signed_off,
    soup,
    versions,
)

pytestmark = pytest.mark.django_db

ALT = "Almonds, spinach and black beans on a wooden table"
HERO_NAME = re.compile(r"^heroes/[0-9a-f]{20}\.jpg$")


def photo(size=(3000, 2000), fmt="JPEG", colour=(200, 120, 40), **options):
    """A camera-sized photo: its left half `colour`, its right half blue."""
    image = Image.new("RGB", size, (30, 60, 200))
    image.paste(colour, (0, 0, size[0] // 2, size[1]))
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def upload(content, name="hero.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def save_hero(client, article, content=None, **fields):
    fields.setdefault("hero_alt", ALT)
    return save_change_page(client, article, hero_image=upload(content or photo()), **fields)


def stored_files(root):
    return sorted(path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file())


def opened(root, name):
    with Image.open(root / name) as image:
        image.load()
        return image.format, image.size, image.info


@pytest.fixture
def draft(reviewer):
    return ArticleFactory(draft=True, last_reviewed_on=None, medical_reviewer=reviewer.contributor)


def publish(admin_client, article, reviewer):
    signed_off(article, reviewer)
    response = admin_client.post(reverse("admin:articles_article_publish", args=[article.pk]), follow=True)
    assert response.status_code == 200
    return messages_of(response)


def test_an_upload_is_stored_without_metadata_with_renditions_of_each_width_and_crop(editor_client, draft, media_root):
    exif = Image.Exif()
    exif[0x010F] = "Camera Maker Inc."
    response = save_hero(editor_client, draft, photo(exif=exif, comment=b"taken at 12 Home Street"))
    assert response.status_code == 302
    draft.refresh_from_db()
    name = draft.hero_image.name
    assert HERO_NAME.match(name) and (draft.hero_width, draft.hero_height, draft.hero_alt) == (2400, 1600, ALT)
    image_format, size, info = opened(media_root, name)
    assert (image_format, size) == ("JPEG", (2400, 1600))  # kept at most 2400 px
    assert "exif" not in info and "comment" not in info
    stem = name.removesuffix(".jpg")
    expected = {
        f"{stem}-w{width}.{ext}": (fmt, (width, round(width * 2 / 3)))
        for width in (480, 800, 1200, 1600)
        for fmt, ext in (("JPEG", "jpg"), ("WEBP", "webp"))
    }
    expected |= {
        f"{stem}-{w}x{h}.jpg": ("JPEG", (w, h)) for w, h in [(1200, 630), (1200, 1200), (1200, 900), (1200, 675)]
    }
    assert stored_files(media_root) == sorted([name, *expected])
    for rendition, (fmt, dimensions) in expected.items():
        assert opened(media_root, rendition)[:2] == (fmt, dimensions), rendition
    # A crop is cut from the centre: the square shows the orange half on the left and the blue on the right.
    with Image.open(media_root / f"{stem}-1200x1200.jpg") as square:
        left, right = square.convert("RGB").getpixel((100, 600)), square.convert("RGB").getpixel((1100, 600))
    assert left[0] > 150 and left[2] < 90 and right[2] > 150 and right[0] < 80


def test_a_smaller_image_is_never_enlarged(editor_client, draft, media_root):
    assert save_hero(editor_client, draft, photo((1300, 700))).status_code == 302
    draft.refresh_from_db()
    stem = draft.hero_image.name.removesuffix(".jpg")
    names = set(stored_files(media_root))
    assert f"{stem}-w1200.webp" in names and f"{stem}-w1600.webp" not in names and f"{stem}-w1600.jpg" not in names
    sizes = {name: opened(media_root, name)[1] for name in names if re.search(r"-\d+x\d+\.jpg$", name)}
    assert sorted(sizes.values()) == [(700, 700), (933, 700), (1200, 630), (1200, 675)]


def test_the_page_shows_the_hero_as_a_picture_and_shares_its_crops(admin_client, client, draft, reviewer, media_root):
    save_hero(admin_client, draft, hero_caption="What 300 mg of magnesium looks like.", hero_credit="Photo: Lena Park")
    publish(admin_client, draft, reviewer)
    draft.refresh_from_db()
    stem = settings.MEDIA_URL + draft.hero_image.name.removesuffix(".jpg")
    page = soup(client.get(draft.get_absolute_url()))

    figure = page.select_one("article figure.hero")
    source, img = figure.select_one("picture source"), figure.select_one("picture img")
    assert source["type"] == "image/webp"
    assert source["srcset"] == ", ".join(f"{stem}-w{w}.webp {w}w" for w in (480, 800, 1200, 1600))
    assert img["srcset"] == ", ".join(f"{stem}-w{w}.jpg {w}w" for w in (480, 800, 1200, 1600))
    assert img["src"] == f"{stem}-w1200.jpg" and (img["width"], img["height"]) == ("1200", "800")
    assert img["sizes"] == source["sizes"] and img["sizes"]
    assert img["alt"] == ALT and img["fetchpriority"] == "high" and img.get("loading") != "lazy"
    assert figure.select_one("figcaption").get_text(" ", strip=True) == (
        "What 300 mg of magnesium looks like. Photo: Lena Park"
    )
    # Above the fold: the picture comes before the lead.
    assert page.select_one("article").decode().index("hero") < page.select_one("article").decode().index('"lead"')

    meta = {tag.get("property") or tag.get("name"): tag["content"] for tag in page.select("head meta[content]")}
    assert meta["og:image"] == f"{settings.SITE_URL}{stem}-1200x630.jpg"
    assert (meta["og:image:width"], meta["og:image:height"], meta["og:image:alt"]) == ("1200", "630", ALT)
    assert meta["twitter:card"] == "summary_large_image"
    assert len(page.select('meta[property="og:image"]')) == 1 and len(page.select('meta[name="twitter:card"]')) == 1
    article_node = json_ld(page)["Article"]
    assert article_node["image"] == [
        f"{settings.SITE_URL}{stem}-{size}.jpg" for size in ("1200x1200", "1200x900", "1200x675")
    ]

    for address in [f"{stem}-w800.webp", f"{stem}-1200x630.jpg"]:
        response = client.get(address)
        assert response.status_code == 200
        assert response["Content-Type"] == ("image/webp" if address.endswith("webp") else "image/jpeg")
        assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert client.get(f"{stem}-w999.jpg").status_code == 404
    assert client.get(settings.MEDIA_URL + "heroes/notes.txt").status_code == 404


def test_a_page_without_a_hero_keeps_the_logo_and_the_small_card(client, seed_article):
    page = soup(client.get(seed_article.get_absolute_url()))
    assert page.select_one("picture, figure.hero") is None
    assert page.select_one('meta[property="og:image"]')["content"].endswith("citewell-logo.png")
    assert page.select_one('meta[property="og:image:width"]') is None
    assert page.select_one('meta[name="twitter:card"]')["content"] == "summary"
    article_node = json_ld(page)["Article"]
    assert article_node["image"].endswith("citewell-logo.png")


def test_an_image_without_a_description_is_refused_and_nothing_is_stored(editor_client, draft, media_root):
    response = save_hero(editor_client, draft, hero_alt="  ")
    assert response.status_code == 200
    assert field_errors(response, "hero_alt") == ["Describe the image for readers who cannot see it."]
    thumbnail = soup(response).select_one(".field-hero_thumbnail")
    assert "Choose the image again when you save." in thumbnail.get_text() and thumbnail.select_one("img") is None
    draft.refresh_from_db()
    assert not draft.hero_image and stored_files(media_root) == []


@pytest.mark.parametrize(
    "content, content_type, message",
    [
        (b"%PDF-1.7 not an image", "image/jpeg", "Upload a valid image."),
        (png_claiming_size(8000, 6000), "image/png", "This image is too large"),
        (png_claiming_size(100_000, 100_000), "image/png", "This image is too large"),
        (photo((1000, 800)), "image/jpeg", "This image is too small: a hero image needs at least 1200 × 630 pixels"),
        (photo((4000, 1000)), "image/jpeg", "Crop this image first"),
        (photo((1200, 2600)), "image/jpeg", "Crop this image first"),
    ],
    ids=["not an image", "48 megapixels", "a decompression bomb", "too small", "a panorama", "too tall"],
)
def test_an_image_that_cannot_be_used_is_refused_with_a_message_and_nothing_stored(
    editor_client, draft, media_root, content, content_type, message
):
    response = save_hero(editor_client, draft, content)
    assert response.status_code == 200
    assert message in " ".join(field_errors(response, "hero_image"))
    draft.refresh_from_db()
    assert not draft.hero_image and stored_files(media_root) == []


def test_a_new_image_gets_new_addresses_and_a_cleared_one_leaves_the_page(
    admin_client, client, draft, reviewer, media_root
):
    save_hero(admin_client, draft)
    draft.refresh_from_db()
    first = draft.hero_image.name
    assert save_hero(admin_client, draft, photo(colour=(10, 200, 10))).status_code == 302
    draft.refresh_from_db()
    second = draft.hero_image.name
    assert HERO_NAME.match(second) and second != first
    publish(admin_client, draft, reviewer)
    html = client.get(draft.get_absolute_url()).content.decode()
    assert second.removesuffix(".jpg") in html and first.removesuffix(".jpg") not in html
    # The same image uploaded again, here or to another article, is stored once, under the same name.
    other = ArticleFactory(draft=True, last_reviewed_on=None, medical_reviewer=reviewer.contributor)
    before = stored_files(media_root)
    save_hero(admin_client, other, photo(colour=(10, 200, 10)))
    other.refresh_from_db()
    assert other.hero_image.name == second and stored_files(media_root) == before

    draft.refresh_from_db()
    response = save_change_page(admin_client, draft, hero_alt="", **{"hero_image-clear": "on"})
    assert response.status_code == 302
    assert draft_of(draft).article.hero_image.name == ""
    publish(admin_client, draft, reviewer)
    page = soup(client.get(draft.get_absolute_url()))
    assert page.select_one("picture") is None
    assert page.select_one('meta[name="twitter:card"]')["content"] == "summary"


def test_a_published_article_s_new_hero_waits_in_its_draft_until_published(admin_client, client, reviewer, media_root):
    article = ArticleFactory(medical_reviewer=reviewer.contributor)
    assert client.get(article.get_absolute_url())["X-Cache"] == "miss"
    assert client.get(article.get_absolute_url())["X-Cache"] == "hit"
    response = save_hero(admin_client, article, change_note="Added a photo.")
    assert response.status_code == 302
    drafted = draft_of(article).article.hero_image.name
    assert HERO_NAME.match(drafted)  # the draft's revision names the image
    assert (media_root / drafted).is_file()
    article.refresh_from_db()
    assert not article.hero_image  # readers' tables are unchanged
    page = soup(client.get(article.get_absolute_url()))
    assert page.select_one("picture") is None and drafted.removesuffix(".jpg") not in page.decode()
    # Staff see the draft's image on the change page.
    thumbnail = soup(admin_client.get(change_url(article))).select_one(".field-hero_thumbnail img")
    assert thumbnail["src"] == settings.MEDIA_URL + drafted.removesuffix(".jpg") + "-w480.jpg"
    assert thumbnail["alt"] == ALT

    publish(admin_client, article, reviewer)
    response = client.get(article.get_absolute_url())
    assert response["X-Cache"] == "miss"  # the publish changed the content version
    img = soup(response).select_one("picture img")
    assert img["src"].startswith(settings.MEDIA_URL + drafted.removesuffix(".jpg")) and img["alt"] == ALT


def test_restoring_a_revision_brings_back_the_image_it_had(admin_client, draft, media_root):
    save_hero(admin_client, draft, hero_caption="The first photo.")
    draft.refresh_from_db()
    first = draft.hero_image.name
    save_hero(admin_client, draft, photo(colour=(10, 200, 10)), hero_caption="The second photo.")
    draft.refresh_from_db()
    assert draft.hero_image.name != first
    older = versions(draft)[1]
    url = reverse("admin:articles_article_revision", args=[draft.pk, older.pk])
    page = soup(admin_client.get(url))
    data = {key: value for key, value in form_data(page).items() if key != "hero_image"}
    response = admin_client.post(url, data)
    assert response.status_code == 302, errors_of(response)
    draft.refresh_from_db()
    assert (draft.hero_image.name, draft.hero_caption) == (first, "The first photo.")
    assert (draft.hero_width, draft.hero_height) == (2400, 1600)
    staff_page = soup(admin_client.get(draft.get_absolute_url()))
    assert staff_page.select_one("picture img")["src"] == settings.MEDIA_URL + first.removesuffix(".jpg") + "-w1200.jpg"


def test_the_change_page_has_a_hero_fieldset_and_keeps_the_image_on_a_save_without_a_new_one(
    editor_client, draft, media_root
):
    page = soup(editor_client.get(change_url(draft)))
    fieldset = next(f for f in page.select("fieldset") if "Hero image" in f.get_text())
    for name in ("hero_image", "hero_alt", "hero_caption", "hero_credit"):
        assert fieldset.select_one(f"[name={name}]") is not None
    assert fieldset.select_one(".field-hero_thumbnail").get_text(" ", strip=True).endswith("None.")
    save_hero(editor_client, draft)
    draft.refresh_from_db()
    name = draft.hero_image.name
    response = save_change_page(editor_client, draft, hero_alt=ALT, hero_caption="Foods rich in magnesium.")
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.hero_image.name == name and draft.hero_caption == "Foods rich in magnesium."


def test_an_export_carries_the_description_caption_and_credit_and_an_import_keeps_the_image(
    editor_client, draft, media_root
):
    save_hero(editor_client, draft, hero_credit="Photo: Lena Park")
    draft.refresh_from_db()
    text = portable.dump(draft)
    assert f"hero_alt: {ALT}" in text and "hero_credit: 'Photo: Lena Park'" in text
    assert "hero_image" not in text
    name = draft.hero_image.name
    portable.load(text.replace("hero_credit: 'Photo: Lena Park'", "hero_credit: 'Photo: Ana Ruiz'"))
    draft.refresh_from_db()
    assert (draft.hero_image.name, draft.hero_credit) == (name, "Photo: Ana Ruiz")


# Images in the Markdown


@pytest.mark.parametrize(
    "body, address",
    [
        ("## Foods\n\n![](/media/uploads/almonds.png)\n\nText.", "/media/uploads/almonds.png"),
        ("## Foods\n\nSee ![ ](/media/uploads/beans.webp) here.", "/media/uploads/beans.webp"),
        ('## Foods\n\n<img src="/media/uploads/raw.jpg">', "/media/uploads/raw.jpg"),
    ],
    ids=["empty brackets", "a space", "raw HTML"],
)
def test_a_body_image_without_alt_text_stops_the_save_naming_it(editor_client, draft, body, address):
    response = save_change_page(editor_client, draft, body=body)
    assert response.status_code == 200
    assert field_errors(response, "body") == [
        f"Image {address} has no alt text: write a description between the brackets, ![like this]({address})."
    ]
    assert Article.objects.get(pk=draft.pk).body == draft.body


def test_an_faq_answer_image_without_alt_text_stops_the_save(editor_client, draft):
    faq = FAQFactory(article=draft, answer="Yes.")
    rows = existing_rows(draft)
    rows["faqs"][0]["answer"] = "Like this: ![](/media/uploads/pill.png)"
    response = save_change_page(editor_client, draft, rows=rows)
    assert response.status_code == 200
    assert any("Image /media/uploads/pill.png has no alt text" in error for error in errors_of(response))
    faq.refresh_from_db()
    assert faq.answer == "Yes."


def test_a_body_image_with_alt_text_saves(editor_client, draft):
    body = "## Foods\n\n![Almonds in a bowl](/media/uploads/almonds.png)"
    assert save_change_page(editor_client, draft, body=body).status_code == 302
    assert 'alt="Almonds in a bowl"' in Article.objects.get(pk=draft.pk).body_html


def test_the_seed_article_still_saves(editor_client, seed_article):
    response = save_change_page(editor_client, seed_article, change_note="Checked the images.")
    assert response.status_code == 302


def test_publishing_refuses_a_version_saved_with_an_image_without_alt_text(admin_client, draft, reviewer):
    Article.objects.filter(pk=draft.pk).update(body="## Foods\n\n![](/media/uploads/old.png)")  # saved long ago
    draft.refresh_from_db()
    messages = publish(admin_client, draft, reviewer)
    assert any("Image /media/uploads/old.png has no alt text" in message for message in messages)
    assert Article.objects.get(pk=draft.pk).status == Article.Status.DRAFT


def test_a_sign_off_made_before_articles_had_hero_images_still_covers_its_version(reviewer):
    article = ArticleFactory(medical_reviewer=reviewer.contributor)
    rows = {name: [] for name, _ in ROWS}
    before = {name: signoffs._value(article, name) for name in signoffs.CONTENT_FIELDS if not name.startswith("hero_")}
    content = {"article": before, "topics": [], "rows": rows}
    old_digest = hashlib.sha256(json.dumps(content, sort_keys=True, default=str).encode()).hexdigest()
    assert signoffs.digest(article, rows, []) == old_digest
    article.hero_alt = "A bowl of almonds"
    assert signoffs.digest(article, rows, []) != old_digest
