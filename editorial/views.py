"""Editorial pages beyond the admin's own: the article history's compare and preview, and the
Markdown editor's preview and image upload (the review's pages are in review_views).

The history views are the article admin's (wired in its get_urls, behind its
permission checks). django-markdownx ships its preview and upload views without
any login check; the subclasses here add one (403 for anyone who may not edit
articles) and accept only raster images whose bytes, not their declared type,
say JPEG, PNG, GIF or WebP.
"""

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from markdownx.exceptions import MarkdownxImageUploadError
from markdownx.forms import ImageForm
from markdownx.views import ImageUploadView, MarkdownifyView
from PIL import Image, UnidentifiedImageError

from articles.models import Article, HistoryEntry
from articles.views import article_context

from . import compare, revisions, signoffs

RASTER_FORMATS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}


def compare_revisions(model_admin, request, object_id):
    """Two revisions of an article (?from= and ?to=, either way round) side by side."""
    article = model_admin.get_object(request, object_id)
    if article is None or not model_admin.has_view_or_change_permission(request, article):
        raise PermissionDenied
    versions = {v.pk: v for v in revisions.versions_of(article.pk)}
    try:
        old, new = versions[int(request.GET["from"])], versions[int(request.GET["to"])]
    except (KeyError, ValueError) as error:
        raise Http404("Choose two revisions of this article to compare.") from error
    if old.revision.date_created > new.revision.date_created:
        old, new = new, old
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "original": article,
        "title": f"Compare revisions of “{article}”",
        "old": old,
        "new": new,
        "old_by": revisions.saved_by(old),
        "new_by": revisions.saved_by(new),
        "sections": compare.compare(old, new),
    }
    return TemplateResponse(request, "admin/articles/article/compare.html", context)


def preview_revision(model_admin, request, object_id, version_id):
    """A revision as the public page showed it, under a banner; never cached, never indexed."""
    if not model_admin.has_view_or_change_permission(request):
        raise PermissionDenied
    version = get_object_or_404(revisions.versions_of(object_id), pk=version_id)
    snapshot = revisions.article_at(version)
    # The byline claims a review only for a version its reviewer signed off.
    reviewed = signoffs.Version(version, snapshot, signoffs.snapshot_digest(snapshot), is_draft=False)
    signed = signoffs.covering(version.object_id, reviewed)
    snapshot.article.last_reviewed_on = timezone.localdate(signed.signed_at) if signed else None
    history = HistoryEntry.objects.filter(article_id=version.object_id).select_related("reviewed_by")
    context = article_context(snapshot.article, {**snapshot.rows, "history": list(history)}, snapshot.topics)
    deleted = not Article.objects.filter(pk=object_id).exists()
    context["revision"] = {
        "saved_at": version.revision.date_created,
        "saved_by": revisions.saved_by(version),
        "comment": version.revision.get_comment(),
        "deleted": deleted,
        "history_url": reverse("admin:articles_article_recoverlist")
        if deleted
        else reverse("admin:articles_article_history", args=[object_id]),
        "restore_url": reverse("admin:articles_article_recover", args=[version_id])
        if deleted
        else reverse("admin:articles_article_revision", args=[object_id, version_id]),
    }
    response = render(request, "articles/article_detail.html", context, using="jinja2")
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex"
    return response


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
