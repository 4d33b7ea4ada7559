"""Uploaded images (contributors' photos, articles' hero images, the Markdown editor's images): read with
care, kept as pixels only.

`opened()` reads an upload's header and refuses it, before a pixel is decoded, when it
claims more than MAX_PIXELS pixels (Pillow's own guard only warns up to twice its
89-megapixel default); whatever fails to open or to decode is refused with a message,
as a form error. `pixels()` gives a frame turned upright as the camera said, in sRGB,
with no metadata at all: no EXIF, XMP, comments, text chunks or colour profile.
`reencoded()` makes an editor's upload again from its pixels; an animation may have at
most MAX_FRAMES frames, which count together against MAX_PIXELS.
"""

import io
import struct
from contextlib import contextmanager

from django import forms
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

FORMATS = ("JPEG", "PNG", "GIF", "WEBP")
MAX_PIXELS = 40_000_000  # more than any camera's, in all of an animation's frames together
MAX_FRAMES = 200

TOO_LARGE = f"This image is too large; upload one of at most {MAX_PIXELS // 1_000_000} megapixels."
TOO_MANY_FRAMES = f"This animation has too many frames; upload one of at most {MAX_FRAMES}."
NOT_AN_IMAGE = "Upload a JPEG, PNG, GIF or WebP image; this file is not one."
DAMAGED = "This image is damaged or incomplete; export it again and upload the new file."

SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
# Errors Pillow raises on reading a file that is not what it claims to be.
UNREADABLE = (OSError, SyntaxError, ValueError, EOFError, IndexError, KeyError, struct.error)
TOO_BIG = (Image.DecompressionBombError, Image.DecompressionBombWarning)


def refusal(message, code):
    return forms.ValidationError(message, code=code)


@contextmanager
def opened(upload):
    """The upload as a Pillow image, its header read and its size checked, no pixel decoded yet.

    Raises a ValidationError if it is not a JPEG, PNG, GIF or WebP image, is too
    large, or fails to decode inside the block.
    """
    upload.seek(0)
    try:
        image = Image.open(upload, formats=FORMATS)
    except TOO_BIG as error:
        raise refusal(TOO_LARGE, "too_large") from error
    except (UnidentifiedImageError, *UNREADABLE) as error:
        raise refusal(NOT_AN_IMAGE, "not_an_image") from error
    with image:
        try:
            check_size(image)
            yield image
        except TOO_BIG as error:
            raise refusal(TOO_LARGE, "too_large") from error
        except UNREADABLE as error:
            raise refusal(DAMAGED, "damaged") from error


def frame_count(image):
    """How many frames the image has (its headers read, nothing decoded); at most MAX_FRAMES."""
    count = getattr(image, "n_frames", 1)
    if count > MAX_FRAMES:
        raise refusal(TOO_MANY_FRAMES, "too_many_frames")
    return count


def check_size(image, frames=1):
    """Raise unless `frames` frames of the image's size hold at most MAX_PIXELS pixels."""
    if not image.width or not image.height:
        raise refusal(NOT_AN_IMAGE, "empty")
    if image.width * image.height * frames > MAX_PIXELS:
        raise refusal(TOO_LARGE, "too_large")


def pixels(image):
    """The image's current frame, decoded: upright, in sRGB, in RGB, RGBA or L, with no metadata."""
    frame = ImageOps.exif_transpose(image)  # a copy, turned as its EXIF orientation says
    frame = in_srgb(frame, image.info.get("icc_profile"))
    if "transparency" in frame.info or frame.mode in ("RGBA", "LA", "PA", "La", "RGBa"):
        frame = frame.convert("RGBA")
    elif frame.mode not in ("RGB", "L"):
        frame = frame.convert("RGB")
    frame.info.clear()  # Pillow carries metadata along through copies and resizes
    return frame


def in_srgb(frame, icc_profile):
    """The frame's colours converted from its embedded profile to sRGB (as it is, if that cannot be done)."""
    if not icc_profile or frame.mode not in ("RGB", "RGBA"):
        return frame
    try:
        embedded = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
        return ImageCms.profileToProfile(frame, embedded, SRGB, outputMode=frame.mode)
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return frame


def on_white(image):
    """The image in RGB, any transparency laid over white (as a JPEG has none, it would turn black)."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    return image.convert("RGB")


# What an upload to the Markdown editor is stored as: its own format, by the file's bytes.
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}
ANIMATED = ("PNG", "GIF", "WEBP")


def reencoded(upload, box, quality):
    """The uploaded image made again from its pixels, fitted within `box` (never enlarged), in its own
    format: (bytes, file extension). An animation keeps its frames and their timing."""
    with opened(upload) as image:
        image_format = image.format if image.format in EXTENSIONS else "JPEG"  # a camera's MPO is a JPEG
        count = frame_count(image) if image_format in ANIMATED else 1
        check_size(image, count)
        frames, durations = [], []
        for index in range(count):
            image.seek(index)
            check_size(image, count)  # a GIF's frame may widen its canvas
            frame = pixels(image)
            frame.thumbnail(box, Image.Resampling.LANCZOS)
            frames.append(frame if count == 1 else frame.convert("RGBA"))
            durations.append(image.info.get("duration", 100))
        loop = image.info.get("loop")
    out = io.BytesIO()
    options = {"quality": quality} if image_format in ("JPEG", "WEBP") else {"optimize": True}
    if len(frames) > 1:
        options.update(save_all=True, append_images=frames[1:], duration=durations)
        options.update({"loop": loop} if loop is not None else {})
        options.update({"disposal": 2} if image_format == "GIF" else {})
    frames[0].save(out, image_format, **options)
    return out.getvalue(), EXTENSIONS[image_format]
