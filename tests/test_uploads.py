"""Images uploaded in the Markdown editor: refused with a 400 and a message when they cannot be used (too
many pixels or frames, damaged, not images), never a 500; stored as their pixels only, without any of the
metadata they came with; POST only; limited per account."""

import hashlib
import io
import struct

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageCms, PngImagePlugin

from editorial import images

from .helpers import image_bytes, png_claiming_size, signed_in

pytestmark = pytest.mark.django_db

URL = "/admin/markdownx/upload/"
AJAX = {"x-requested-with": "XMLHttpRequest"}
MARK = "Taken-at-12-Home-Street"


def upload(client, content, content_type="image/png", name="image.png", ajax=True):
    return client.post(
        URL, {"image": SimpleUploadedFile(name, content, content_type=content_type)}, headers=AJAX if ajax else {}
    )


def messages(response):
    """What a refused upload says, all fields together."""
    return " ".join(message for errors in response.json().values() for message in errors)


def stored(media_root, response):
    """The bytes of the image an accepted upload stored."""
    assert response.status_code == 200, response.content
    url = response.json()["image_code"].removeprefix("![](").removesuffix(")")
    files = list((media_root / "uploads").iterdir())
    assert [f"/media/uploads/{path.name}" for path in files] == [url]
    return files[0].read_bytes()


def nothing_stored(media_root):
    return not (media_root / "uploads").exists() or not list((media_root / "uploads").iterdir())


def gif_claiming(width, height, frames):
    """A GIF whose canvas is width x height, with `frames` frames of one pixel each: a few bytes a frame."""
    head = b"GIF89a" + struct.pack("<HH", width, height) + bytes([0x80, 0, 0]) + b"\0\0\0\xff\xff\xff"
    delay = b"\x21\xf9\x04\x00\x0a\x00\x00\x00"
    pixel = b"\x2c" + struct.pack("<HHHH", 0, 0, 1, 1) + b"\0" + b"\x02\x02\x44\x01\x00"
    return head + (delay + pixel) * frames + b"\x3b"


def noise(fmt, size=(300, 200)):
    """An image of random pixels (which compress badly, so that cutting the file cuts into them)."""
    buffer = io.BytesIO()
    Image.frombytes("RGB", size, hashlib.shake_256(b"noise").digest(size[0] * size[1] * 3)).save(buffer, fmt)
    return buffer.getvalue()


def cut(content):
    return content[: len(content) // 2]


def damaged(content):
    middle = len(content) // 2
    return content[:middle] + b"\0" * 1000 + content[middle + 1000 :]


# Refused with a message, nothing stored


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
@pytest.mark.parametrize(
    "content, content_type, message",
    [
        (png_claiming_size(100_000, 100_000), "image/png", images.TOO_LARGE),
        (png_claiming_size(10_000, 10_000), "image/png", images.TOO_LARGE),
        (png_claiming_size(8000, 5125), "image/png", images.TOO_LARGE),
        (gif_claiming(3000, 3000, 5), "image/gif", images.TOO_LARGE),
        (gif_claiming(1, 1, images.MAX_FRAMES + 1), "image/gif", images.TOO_MANY_FRAMES),
        (cut(noise("PNG")), "image/png", images.DAMAGED),
        (cut(noise("JPEG")), "image/jpeg", images.DAMAGED),
        (cut(noise("GIF")), "image/gif", images.DAMAGED),
        (gif_claiming(2, 2, 2)[:-6], "image/gif", images.DAMAGED),
        (gif_claiming(2, 2, 2)[:-10], "image/gif", images.DAMAGED),
        (damaged(noise("PNG")), "image/png", images.DAMAGED),
        (b"Just some text, sent as a PNG.", "image/png", images.NOT_AN_IMAGE),
        (png_claiming_size(0, 0), "image/png", images.NOT_AN_IMAGE),
        (b"", "image/png", "The submitted file is empty."),
        (image_bytes("PNG"), "text/plain", "File type is not supported."),
    ],
    ids=[
        "a decompression bomb",
        "100 megapixels in a few bytes",
        "41 megapixels",
        "45 megapixels over five frames",
        "too many frames",
        "a truncated PNG",
        "a truncated JPEG",
        "a truncated GIF",
        "a GIF cut between its frames",
        "a GIF cut inside a frame's header",
        "a corrupt PNG",
        "text that claims to be a PNG",
        "a PNG of no pixels",
        "an empty file",
        "a declared type that is not an image",
    ],
)
def test_an_image_that_cannot_be_used_is_refused_with_a_message(
    editor_client, media_root, content, content_type, message
):
    response = upload(editor_client, content, content_type)
    assert response.status_code == 400
    assert message in messages(response)
    assert nothing_stored(media_root)


def test_an_upload_without_a_file_is_refused_with_a_message(editor_client, media_root):
    for headers in (AJAX, {}):
        response = editor_client.post(URL, {}, headers=headers)
        assert response.status_code == 400
        assert "This field is required." in messages(response)


def test_an_upload_without_the_ajax_header_is_answered_the_same(editor_client, media_root):
    refused = upload(editor_client, b"not an image", ajax=False)
    assert refused.status_code == 400 and images.NOT_AN_IMAGE in messages(refused)
    assert nothing_stored(media_root)
    accepted = upload(editor_client, image_bytes("PNG"), ajax=False)
    assert stored(media_root, accepted).startswith(b"\x89PNG")


@pytest.mark.parametrize("method", ["get", "put", "patch", "delete", "options"])
def test_the_upload_address_answers_post_only(editor_client, method):
    response = getattr(editor_client, method)(URL)
    assert response.status_code == 405
    assert response["Allow"] == "POST"


# Stored as pixels only


def exif_with_mark():
    exif = Image.Exif()
    exif[0x010E] = MARK  # ImageDescription
    exif[0x013B] = MARK  # Artist
    return exif.tobytes()


def xmp_with_mark():
    return (
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        f'<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>{MARK}</dc:title>'
        "</rdf:Description></rdf:RDF></x:xmpmeta>"
    ).encode()


def icc_with_mark():
    """The sRGB profile with the mark in its tail (its length field counting it)."""
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes() + MARK.encode()
    return struct.pack(">I", len(profile)) + profile[4:]


def png_text(**chunks):
    info = PngImagePlugin.PngInfo()
    for kind, key in chunks.items():
        if kind == "itxt":
            info.add_itxt(key, MARK if key != "XML:com.adobe.xmp" else xmp_with_mark().decode())
        else:
            info.add_text(key, MARK, zip=kind == "ztxt")
    return {"pnginfo": info}


METADATA = {
    "JPEG comment": ("JPEG", lambda: {"comment": MARK}),
    "JPEG EXIF": ("JPEG", lambda: {"exif": exif_with_mark()}),
    "JPEG XMP": ("JPEG", lambda: {"xmp": xmp_with_mark()}),
    "JPEG ICC profile": ("JPEG", lambda: {"icc_profile": icc_with_mark()}),
    "PNG tEXt": ("PNG", lambda: png_text(text="Comment")),
    "PNG zTXt": ("PNG", lambda: png_text(ztxt="Description")),
    "PNG iTXt": ("PNG", lambda: png_text(itxt="Author")),
    "PNG XMP": ("PNG", lambda: png_text(itxt="XML:com.adobe.xmp")),
    "PNG eXIf": ("PNG", lambda: {"exif": exif_with_mark()}),
    "PNG iCCP": ("PNG", lambda: {"icc_profile": icc_with_mark()}),
    "GIF comment": ("GIF", lambda: {"comment": MARK}),
    "WebP EXIF": ("WEBP", lambda: {"exif": exif_with_mark()}),
    "WebP XMP": ("WEBP", lambda: {"xmp": xmp_with_mark()}),
    "WebP ICC profile": ("WEBP", lambda: {"icc_profile": icc_with_mark()}),
}


def fitted(size):
    """The size of an image of `size` once fitted within the editor's box, 1600 pixels square."""
    image = Image.new("L", size)
    image.thumbnail((1600, 1600))
    return image.size


def metadata_of(content):
    """Everything Pillow reads from an image file besides its pixels, as text."""
    with Image.open(io.BytesIO(content)) as image:
        image.load()
        return repr(image.info) + repr(getattr(image, "text", {})) + repr(dict(image.getexif()))


@pytest.mark.parametrize("size", [(40, 30), (2000, 1000)], ids=["as it is", "resized"])
@pytest.mark.parametrize("case", list(METADATA))
def test_an_image_is_stored_without_the_metadata_it_came_with(editor_client, media_root, case, size):
    fmt, options = METADATA[case]
    content = image_bytes(fmt, size, **options())
    assert MARK in metadata_of(content)  # what the test sends carries the mark
    kept = stored(media_root, upload(editor_client, content, f"image/{fmt.lower()}"))
    assert MARK.encode() not in kept
    assert MARK not in metadata_of(kept)
    assert "icc_profile" not in metadata_of(kept) and "exif" not in metadata_of(kept)
    with Image.open(io.BytesIO(kept)) as image:
        assert image.format == fmt and image.size == fitted(size)


def test_a_photo_is_stored_upright_as_its_camera_said(editor_client, media_root):
    image = Image.new("RGB", (120, 80), (0, 0, 255))
    image.paste((255, 0, 0), (0, 0, 60, 80))  # red on the left: the top, once turned 90° clockwise
    exif = Image.Exif()
    exif[0x0112] = 6
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    kept = stored(media_root, upload(editor_client, buffer.getvalue(), "image/jpeg", "photo.jpg"))
    with Image.open(io.BytesIO(kept)) as upright:
        assert upright.size == (80, 120)
        top, bottom = upright.getpixel((40, 10)), upright.getpixel((40, 110))
    assert top[0] > 200 and top[2] < 60
    assert bottom[2] > 200 and bottom[0] < 60


def test_a_cameras_multi_picture_jpeg_is_stored_as_a_jpeg_of_its_main_picture(editor_client, media_root):
    buffer = io.BytesIO()
    main, second = Image.new("RGB", (60, 40), (200, 0, 0)), Image.new("RGB", (60, 40), (0, 0, 200))
    main.save(buffer, "MPO", save_all=True, append_images=[second])
    kept = stored(media_root, upload(editor_client, buffer.getvalue(), "image/jpeg", "photo.jpg"))
    with Image.open(io.BytesIO(kept)) as image:
        assert image.format == "JPEG" and getattr(image, "n_frames", 1) == 1
        assert image.getpixel((30, 20))[0] > 180


def swapped_profile():
    """The sRGB profile with its red and green colorants swapped: what it calls red, screens show green."""
    profile = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    tags = {}
    for index in range(struct.unpack_from(">I", profile, 128)[0]):
        signature, offset, size = struct.unpack_from(">4sII", profile, 132 + 12 * index)
        tags[signature] = (132 + 12 * index, offset, size)
    (red_at, *red), (green_at, *green) = tags[b"rXYZ"], tags[b"gXYZ"]
    struct.pack_into(">4sII", profile, red_at, b"rXYZ", *green)
    struct.pack_into(">4sII", profile, green_at, b"gXYZ", *red)
    return bytes(profile)


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_colours_are_converted_to_srgb_before_the_colour_profile_is_dropped(editor_client, media_root, fmt):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 0, 0)).save(buffer, fmt, icc_profile=swapped_profile(), quality=95)
    kept = stored(media_root, upload(editor_client, buffer.getvalue(), f"image/{fmt.lower()}"))
    with Image.open(io.BytesIO(kept)) as image:
        assert "icc_profile" not in image.info
        red, green, blue = image.convert("RGB").getpixel((20, 15))
    assert green > 180 and red < 20 and blue < 20  # green, as it was shown


def animation(fmt, size, colours, **options):
    buffer = io.BytesIO()
    frames = [Image.new("RGB", size, colour) for colour in colours]
    frames[0].save(buffer, fmt, save_all=True, append_images=frames[1:], duration=[80, 120, 200], loop=0, **options)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "fmt, options", [("GIF", {"comment": MARK}), ("WEBP", {"exif": exif_with_mark()}), ("PNG", {})]
)
@pytest.mark.parametrize("size", [(60, 40), (2400, 1600)], ids=["as it is", "resized"])
def test_an_animation_keeps_its_frames_and_timing_and_nothing_else(editor_client, media_root, fmt, options, size):
    content = animation(fmt, size, [(200, 0, 0), (0, 200, 0), (0, 0, 200)], **options)
    kept = stored(media_root, upload(editor_client, content, f"image/{fmt.lower()}"))
    assert MARK not in metadata_of(kept)
    with Image.open(io.BytesIO(kept)) as image:
        assert image.n_frames == 3 and image.size == fitted(size)
        timing = []
        for index in range(3):
            image.seek(index)
            assert image.convert("RGB").getpixel((5, 5))[index] > 150
            timing.append(image.info["duration"])
    assert timing == [80, 120, 200]


# Limited per account


@pytest.fixture
def other_editor(django_user_model):
    user = django_user_model.objects.create_user("other-editor", password="pw-for-tests", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def test_uploads_are_limited_per_account(editor_client, other_editor, media_root, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "upload": "2/h"}
    for _ in range(2):
        assert upload(editor_client, image_bytes("PNG")).status_code == 200
    limited = upload(editor_client, image_bytes("PNG"))
    assert limited.status_code == 429
    assert int(limited["Retry-After"]) > 0
    assert "You have uploaded many images in a short while." in limited.content.decode()
    assert len(list((media_root / "uploads").iterdir())) == 2
    assert upload(signed_in(other_editor), image_bytes("PNG")).status_code == 200
