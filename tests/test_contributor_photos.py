"""Contributors' photos: uploaded in the admin with a description, cut square and re-encoded, refused
with a clear message when they cannot be, and shown and served on the contributor's public page."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from articles.models import Contributor

from .factories import ArticleFactory, ContributorFactory
from .helpers import errors_of, image_bytes, png_claiming_size, soup

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:articles_contributor_add")
FIELDS = {"name": "Lena Park", "slug": "lena-park", "role": "writer", "kind": "person", "credentials": "RD"}


def add_contributor(client, content, name="portrait.jpg", content_type="image/jpeg", **fields):
    photo = SimpleUploadedFile(name, content, content_type=content_type)
    return client.post(ADD_URL, {**FIELDS, "photo": photo, **fields})


def stored_files(root):
    return sorted(path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file())


def sideways_photo_with_metadata():
    """A landscape JPEG, red on the left and blue on the right, that a camera held upright marks as
    "rotate 90° clockwise to display", with the camera's name and a comment in it."""
    image = Image.new("RGB", (1200, 800), (0, 0, 255))
    image.paste((255, 0, 0), (0, 0, 600, 800))
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise
    exif[0x010F] = "Camera Maker Inc."
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif, comment=b"taken at 12 Home Street")
    return buffer.getvalue()


def test_a_photo_is_cut_square_turned_upright_and_stripped_of_its_metadata(editor_client, media_root):
    response = add_contributor(editor_client, sideways_photo_with_metadata(), photo_alt="Lena Park, smiling")
    assert response.status_code == 302
    contributor = Contributor.objects.get(slug="lena-park")
    assert contributor.photo.name.startswith("contributors/") and contributor.photo.name.endswith(".jpg")
    with Image.open(media_root / contributor.photo.name) as stored:
        assert stored.format == "JPEG" and stored.size == (400, 400)
        assert not stored.getexif() and "comment" not in stored.info and "exif" not in stored.info
        top, bottom = stored.convert("RGB").getpixel((200, 20)), stored.convert("RGB").getpixel((200, 380))
    assert top[0] > 200 and top[2] < 60  # the red half, upright at the top
    assert bottom[2] > 200 and bottom[0] < 60


def test_the_public_page_shows_the_photo_with_its_description_served_for_good(editor_client, client, media_root):
    add_contributor(editor_client, image_bytes("PNG", (900, 1200)), "me.png", "image/png", photo_alt="Lena Park")
    contributor = Contributor.objects.get(slug="lena-park")
    ArticleFactory(author=contributor, medical_reviewer=ContributorFactory(name="Ana Ruiz", credentials="MD"))
    img = soup(client.get(contributor.get_absolute_url())).select_one("img.contributor__photo")
    assert img["alt"] == "Lena Park" and img["src"] == contributor.photo.url
    response = client.get(img["src"])
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert b"".join(response.streaming_content) == (media_root / contributor.photo.name).read_bytes()


def test_a_new_photo_gets_a_new_address_so_cached_copies_never_show_the_old_one(editor_client, media_root):
    add_contributor(editor_client, image_bytes("JPEG", (500, 500)), photo_alt="Lena Park")
    contributor = Contributor.objects.get(slug="lena-park")
    first = contributor.photo.name
    url = reverse("admin:articles_contributor_change", args=[contributor.pk])
    photo = SimpleUploadedFile("new.webp", image_bytes("WEBP", (600, 600)), content_type="image/webp")
    assert editor_client.post(url, {**FIELDS, "photo": photo, "photo_alt": "Lena Park"}).status_code == 302
    contributor.refresh_from_db()
    assert contributor.photo.name != first and contributor.photo.name.endswith(".jpg")
    assert editor_client.post(url, {**FIELDS, "photo_alt": "Lena Park, outdoors"}).status_code == 302
    contributor.refresh_from_db()
    assert contributor.photo_alt == "Lena Park, outdoors" and contributor.photo.name != first  # kept as it was


def test_a_transparent_photo_is_laid_over_white(editor_client, media_root):
    image = Image.new("RGBA", (600, 600), (0, 0, 0, 0))
    image.paste((200, 0, 0, 255), (250, 250, 350, 350))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    add_contributor(editor_client, buffer.getvalue(), "cut-out.png", "image/png", photo_alt="Lena Park")
    with Image.open(media_root / Contributor.objects.get(slug="lena-park").photo.name) as stored:
        corner, middle = stored.getpixel((5, 5)), stored.getpixel((200, 200))
    assert min(corner) > 245  # white, not black
    assert middle[0] > 180 and middle[1] < 40


@pytest.mark.parametrize(
    "content, name, content_type, message",
    [
        (image_bytes("JPEG", (500, 500)), "me.jpg", "image/jpeg", "Describe the photo for readers who cannot see it."),
        (b"%PDF-1.7 not an image", "cv.jpg", "image/jpeg", "Upload a valid image."),
        (png_claiming_size(8000, 6000), "huge.png", "image/png", "This image is too large"),
        (png_claiming_size(100_000, 100_000), "bomb.png", "image/png", "This image is too large"),
    ],
    ids=["no description", "not an image", "48 megapixels", "a decompression bomb"],
)
def test_a_photo_that_cannot_be_used_is_refused_with_a_message_and_nothing_stored(
    editor_client, media_root, content, name, content_type, message
):
    alt = "" if message.startswith("Describe") else "Lena Park"
    response = add_contributor(editor_client, content, name, content_type, photo_alt=alt)
    assert response.status_code == 200
    assert message in " ".join(errors_of(response))
    assert not Contributor.objects.filter(slug="lena-park").exists()
    assert stored_files(media_root) == []


def test_only_uploaded_photos_are_served_from_the_photo_folder(client, media_root):
    (media_root / "contributors").mkdir()
    (media_root / "contributors" / "notes.txt").write_text("private")
    assert client.get("/media/contributors/notes.txt").status_code == 404
    assert client.get("/media/contributors/00000000-0000-0000-0000-000000000000.jpg").status_code == 404
