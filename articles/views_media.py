"""Uploaded images, served by the site itself: those put in the Markdown editor and contributors' photos.

Both are re-encoded raster images stored under a random name, so they never
change: they are served with far-future caching. Anything else under /media/
is not served.
"""

import re

from django.conf import settings
from django.http import FileResponse, Http404

UPLOAD_NAME = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.(png|jpg|gif|webp)$")
CONTENT_TYPES = {"png": "image/png", "jpg": "image/jpeg", "gif": "image/gif", "webp": "image/webp"}


def uploaded_image(request, name, folder):
    """The image `name` in `folder` (one of the folders uploads are stored in, set by the URL)."""
    match = UPLOAD_NAME.match(name)
    if not match:
        raise Http404("No such image.")
    path = settings.MEDIA_ROOT / folder / name
    if not path.is_file():
        raise Http404("No such image.")
    response = FileResponse(path.open("rb"), content_type=CONTENT_TYPES[match.group(1)])
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
