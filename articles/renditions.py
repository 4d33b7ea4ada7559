"""An article's hero image and its renditions: what they are called, how large they are, and making them.

The stored image (re-encoded by the back office from an editor's upload) is named by
a hash of its bytes, `heroes/<hash>.jpg`; each rendition's name is that stem and its
size, so a new image has new addresses and every address always serves the same
bytes (they are cached for good). The renditions are made when the article is saved,
never on a page view:

- JPEG and WebP at WIDTHS (those no wider than the image: never enlarged), for the
  page's `<picture>`;
- a SOCIAL crop, 1200 × 630, for `og:image`;
- SCHEMA crops, 1:1, 4:3 and 16:9 at 1200 px wide, for the JSON-LD image.

A crop is the largest centred part of the image of its shape, scaled down to its
width (never up). Sizes are worked out from the stored image's width and height
alone, so pages name the files and their sizes without opening one.

Pillow directly: the renditions are a fixed set of resizes and centred crops of an
image already checked and re-encoded on upload, which needs no more than this module.
"""

import hashlib
import io
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from PIL import Image

FOLDER = "heroes/"
WIDTHS = (480, 800, 1200, 1600)
CROP_WIDTH = 1200
SOCIAL = (40, 21)  # 1200 × 630
SCHEMA = ((1, 1), (4, 3), (16, 9))
DEFAULT_WIDTH = 1200  # the <img>'s own src, for browsers that read no srcset
FORMATS = {"JPEG": ("jpg", {"quality": 82, "optimize": True, "progressive": True}), "WEBP": ("webp", {"quality": 80})}
# The page's column: 68ch of body text (46rem), or the screen less the page's margins (2.5rem) when narrower.
SIZES = "(min-width: 48.5rem) 46rem, calc(100vw - 2.5rem)"
NAME_RE = r"[0-9a-f]{20}(?:-(?:w\d{2,4}|\d{2,4}x\d{2,4}))?\.(jpg|webp)"


class HeroStorage(FileSystemStorage):
    """Files named by their content: a name already stored holds these very bytes, so it is kept as it is
    (and two saves of one new file at once write the same bytes to the one name)."""

    def _save(self, name, content):
        return name if self.exists(name) else super()._save(name, content)


storage = HeroStorage(allow_overwrite=True)


def hero_storage():
    return storage


def stored_name(content):
    """The name an image's bytes are stored under: the same bytes, the same name."""
    content.seek(0)
    digest = hashlib.sha256()
    for chunk in iter(lambda: content.read(1 << 16), b""):
        digest.update(chunk if isinstance(chunk, bytes) else chunk.encode())
    content.seek(0)
    return f"{FOLDER}{digest.hexdigest()[:20]}.jpg"


@dataclass(frozen=True)
class Rendition:
    name: str
    width: int
    height: int
    format: str  # a Pillow format name: JPEG or WEBP
    box: tuple | None = None  # the part of the stored image it shows (None: all of it)

    @property
    def url(self):
        return storage.url(self.name)

    @property
    def mime_type(self):
        return f"image/{self.format.lower()}"


def _stem(name):
    return name.rsplit(".", 1)[0]


def scaled(name, width, height, image_format):
    """The image at each of WIDTHS it is at least as wide as (or at its own width if narrower)."""
    extension = FORMATS[image_format][0]
    widths = [w for w in WIDTHS if w <= width] or [width]
    return [
        Rendition(f"{_stem(name)}-w{w}.{extension}", w, max(1, round(height * w / width)), image_format) for w in widths
    ]


def cropped(name, width, height, ratio):
    """The largest centred part of the image of shape `ratio` (w, h), at most CROP_WIDTH wide, as a JPEG."""
    ratio_w, ratio_h = ratio
    box_w = min(width, height * ratio_w // ratio_h)
    box_h = min(height, round(box_w * ratio_h / ratio_w))
    left, top = (width - box_w) // 2, (height - box_h) // 2
    out_w = min(CROP_WIDTH, box_w)
    out_h = max(1, round(out_w * ratio_h / ratio_w))
    return Rendition(f"{_stem(name)}-{out_w}x{out_h}.jpg", out_w, out_h, "JPEG", (left, top, left + box_w, top + box_h))


def all_renditions(name, width, height):
    """Every rendition of the stored image `name` (width × height pixels)."""
    return [
        *scaled(name, width, height, "WEBP"),
        *scaled(name, width, height, "JPEG"),
        cropped(name, width, height, SOCIAL),
        *[cropped(name, width, height, ratio) for ratio in SCHEMA],
    ]


def make(name, width, height):
    """Store every rendition of the stored image `name` (width × height pixels) that is not stored yet."""
    wanted = {}
    for rendition in all_renditions(name, width, height):
        if not storage.exists(rendition.name):
            wanted[rendition.name] = rendition
    if not wanted or not storage.exists(name):  # a revision may name an image whose file is gone
        return
    with storage.open(name, "rb") as stored, Image.open(stored, formats=("JPEG",)) as image:
        image.load()
        pixels = image.convert("RGB")
    for rendition in wanted.values():
        resized = pixels.resize(
            (rendition.width, rendition.height), Image.Resampling.LANCZOS, box=rendition.box, reducing_gap=3.0
        )
        out = io.BytesIO()
        resized.save(out, rendition.format, **FORMATS[rendition.format][1])
        storage.save(rendition.name, ContentFile(out.getvalue()))


@dataclass(frozen=True)
class Hero:
    """What the article page and its metadata show of a hero image."""

    name: str
    width: int
    height: int
    alt: str
    caption: str
    credit: str

    @property
    def webp(self):
        return scaled(self.name, self.width, self.height, "WEBP")

    @property
    def jpeg(self):
        return scaled(self.name, self.width, self.height, "JPEG")

    @property
    def webp_srcset(self):
        return srcset(self.webp)

    @property
    def jpeg_srcset(self):
        return srcset(self.jpeg)

    @property
    def img(self):
        """The JPEG the <img> names as its src: DEFAULT_WIDTH wide, or the widest there is below it."""
        fitting = [r for r in self.jpeg if r.width <= DEFAULT_WIDTH]
        return fitting[-1] if fitting else self.jpeg[0]

    @property
    def social(self):
        return cropped(self.name, self.width, self.height, SOCIAL)

    @property
    def schema(self):
        return [cropped(self.name, self.width, self.height, ratio) for ratio in SCHEMA]

    sizes = SIZES


def srcset(renditions):
    return ", ".join(f"{r.url} {r.width}w" for r in renditions)
