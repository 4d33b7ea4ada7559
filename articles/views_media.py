"""Uploaded images, served by the site itself: those put in the Markdown editor, contributors' photos
and articles' hero images with their renditions.

All are re-encoded raster images stored under a random name or one made from a
hash of their bytes, so they never change: they are served with far-future
caching. Anything else under /media/ is not served.
"""

import re

from django.conf import settings
from django.http import FileResponse, Http404

from . import renditions

UPLOAD_NAME = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.(png|jpg|gif|webp)$")
# The names each folder's files have; a folder not listed holds uploads named UPLOAD_NAME.
NAMES = {renditions.FOLDER: re.compile(rf"^{renditions.NAME_RE}$")}
CONTENT_TYPES = {"png": "image/png", "jpg": "image/jpeg", "gif": "image/gif", "webp": "image/webp"}


def uploaded_image(request, name, folder):
    """The image `name` in `folder` (one of the folders uploads are stored in, set by the URL)."""
    match = NAMES.get(folder, UPLOAD_NAME).match(name)
    if not match:
        raise Http404("No such image.")
    path = settings.MEDIA_ROOT / folder / name
    if not path.is_file():
        raise Http404("No such image.")
    response = FileResponse(path.open("rb"), content_type=CONTENT_TYPES[match.group(1)])
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
