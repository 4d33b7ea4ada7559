"""The Markdown editor's preview and image upload, for staff only.

django-markdownx ships these views without any login check; these subclasses
add one (403 for anyone who may not edit articles) and accept only raster
images whose bytes, not their declared type, say JPEG, PNG, GIF or WebP.
"""

from django.contrib.auth.mixins import PermissionRequiredMixin
from markdownx.exceptions import MarkdownxImageUploadError
from markdownx.forms import ImageForm
from markdownx.views import ImageUploadView, MarkdownifyView
from PIL import Image, UnidentifiedImageError

RASTER_FORMATS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}


class EditorsOnly(PermissionRequiredMixin):
    permission_required = "articles.change_article"
    raise_exception = True

    def has_permission(self):
        return self.request.user.is_staff and super().has_permission()


class RasterImageForm(ImageForm):
    def clean(self):
        upload = super().clean()
        try:
            with Image.open(upload) as image:
                image.verify()
                image_format = image.format
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            image_format = None
        if image_format not in RASTER_FORMATS:
            raise MarkdownxImageUploadError("Upload a JPEG, PNG, GIF or WebP image; this file is not one.")
        upload.seek(0)
        # Stored under the detected type, so a file's name cannot make it HTML or SVG.
        upload.content_type = Image.MIME[image_format]
        upload.name = f"image.{RASTER_FORMATS[image_format]}"
        return upload


class StaffMarkdownifyView(EditorsOnly, MarkdownifyView):
    pass


class StaffImageUploadView(EditorsOnly, ImageUploadView):
    form_class = RasterImageForm


markdownify = StaffMarkdownifyView.as_view()
upload = StaffImageUploadView.as_view()
