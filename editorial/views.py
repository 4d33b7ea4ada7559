"""Editorial pages beyond the admin's own: the article history's compare and preview, the
Markdown editor's preview and image upload, and the reference rows read from a file (the
review's pages are in review_views).

The history views are the article admin's (wired in its get_urls, behind its
permission checks). django-markdownx ships its preview and upload views without
any login check; the ones here add one (403 for anyone who may not edit articles),
answer POST only (405 otherwise), count each account's requests against a rate
(settings.RATE_LIMITS, "preview" and "upload": 429 past it), refuse what they
cannot use with a 400 and a message, and store an image only as a JPEG, PNG, GIF or
WebP made again from its pixels (editorial.images).
"""

import posixpath
import uuid

from django.conf import settings
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponseBadRequest, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.decorators import method_decorator
from django.views import View
from markdownx.forms import ImageForm
from markdownx.views import MarkdownifyView

from articles import rendering
from articles.limits import RateLimit
from articles.models import Article, HistoryEntry
from articles.views import article_context

from . import compare, images, reference_files, revisions, signoffs


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


# Counted per account against settings.RATE_LIMITS; served uncounted while the cache is down.
PREVIEW_LIMIT = RateLimit("preview", key="user_or_ip")
UPLOAD_LIMIT = RateLimit("upload", key="user_or_ip")
REFERENCE_FILE_LIMIT = RateLimit("reference_file", key="user_or_ip")


def import_references(model_admin, request):
    """Reference rows for the article form from BibTeX, RIS or MEDLINE records, pasted (`text`) or
    uploaded (`file`): JSON with the rows, keyed apart from the form's keys (`taken`) and without
    the form's DOIs and PMIDs (`doi`, `pmid`); or a 400 with the message. Nothing is saved."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not (model_admin.has_add_permission(request) or model_admin.has_change_permission(request)):
        raise PermissionDenied
    return read_references(request)


@REFERENCE_FILE_LIMIT
def read_references(request):
    try:
        upload = request.FILES.get("file")
        text = reference_files.read_upload(upload) if upload else request.POST.get("text", "")
        records = reference_files.parse(text)
    except reference_files.FileProblem as problem:
        return JsonResponse({"error": problem.message}, status=400)
    rows, skipped, notes = reference_files.new_references(
        records, request.POST.getlist("taken"), request.POST.getlist("doi"), request.POST.getlist("pmid")
    )
    return JsonResponse({"references": rows, "skipped": skipped, "notes": notes})


class StaffMarkdownifyView(EditorsOnly, MarkdownifyView):
    """The editor's preview of the Markdown in `content`; 400 with a message without it, or over the size limit."""

    http_method_names = ["post"]

    @method_decorator(PREVIEW_LIMIT)
    def post(self, request, *args, **kwargs):
        content = request.POST.get("content")
        if content is None:
            return bad_request("Nothing to preview: send the Markdown as “content”.")
        too_long = rendering.length_problem(content)
        if too_long:
            return bad_request(too_long)
        return super().post(request, *args, **kwargs)


def bad_request(message):
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


class RasterImageForm(ImageForm):
    """An upload to the Markdown editor: a JPEG, PNG, GIF or WebP image by its bytes (whatever its
    name or declared type say), re-encoded from its pixels (editorial.images) and stored under a random name."""

    def clean(self):
        upload = super().clean()  # there is a file, of a declared image type, within the size limit
        box = settings.MARKDOWNX_IMAGE_MAX_SIZE
        self.content, self.extension = images.reencoded(upload, box["size"], box.get("quality", 85))
        return upload

    def save(self, commit=True):
        name = posixpath.join(settings.MARKDOWNX_MEDIA_PATH, f"{uuid.uuid4()}.{self.extension}")
        name = default_storage.save(name, ContentFile(self.content))
        return default_storage.url(name)


class StaffImageUploadView(EditorsOnly, View):
    """The editor's image upload (POST, with or without X-Requested-With): JSON with the Markdown
    that shows the stored image, or 400 with the reasons it was refused."""

    http_method_names = ["post"]

    @method_decorator(UPLOAD_LIMIT)
    def post(self, request, *args, **kwargs):
        form = RasterImageForm(request.POST, request.FILES)
        if not form.is_valid():
            return JsonResponse(form.errors, status=400)
        return JsonResponse({"image_code": f"![]({form.save()})"})


markdownify = StaffMarkdownifyView.as_view()
upload = StaffImageUploadView.as_view()
