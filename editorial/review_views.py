"""The medical review in the admin: the change page's review panel and buttons, and the review page.

The panel says what readers see, whether there are unpublished changes and
whether they are signed off; its buttons request the review, publish and
unpublish (editorial.workflow). The review page shows the named reviewer what
changed since the last signed-off version, and lets them, and only them, sign
it off or send it back (editorial.signoffs).
"""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseBadRequest, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from articles.models import Article

from . import compare, revisions, signoffs, workflow
from .models import Draft, ReviewRequest, SignOff


@dataclass
class Panel:
    """What the change page says about an article's review."""

    version: signoffs.Version
    signed: SignOff | None
    request: ReviewRequest | None
    last_reply: ReviewRequest | None
    published: bool
    may_sign: bool
    may_edit: bool

    @property
    def can_publish(self):
        return self.signed is not None and (self.version.is_draft or not self.published)


def panel(model_admin, request, article):
    version = signoffs.under_review(article)
    last = article.review_requests.exclude(state=ReviewRequest.State.OPEN).select_related("reviewer").first()
    return Panel(
        version=version,
        signed=signoffs.covering(article.pk, version),
        request=signoffs.open_request(article),
        last_reply=last if last and last.state == ReviewRequest.State.SENT_BACK else None,
        published=article.status == Article.Status.PUBLISHED,
        may_sign=signoffs.may_sign(request.user, version.reviewer),
        may_edit=model_admin.has_change_permission(request, article),
    )


def _article(model_admin, request, object_id, change=True):
    article = model_admin.get_object(request, object_id)
    if article is None:
        raise Http404("No such article.")
    allowed = model_admin.has_change_permission if change else model_admin.has_view_or_change_permission
    if not allowed(request, article):
        raise PermissionDenied
    return article


def _step(model_admin, request, object_id, run):
    """A POST-only button that runs one workflow step and goes back to the change page."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    article = _article(model_admin, request, object_id)
    try:
        message = run(article)
    except workflow.Refused as refused:
        model_admin.message_user(request, f"“{article}”: {' '.join(refused.messages)}", messages.ERROR)
    else:
        model_admin.message_user(request, message, messages.SUCCESS)
    return redirect("admin:articles_article_change", article.pk)


def request_review(model_admin, request, object_id):
    def run(article):
        link = request.build_absolute_uri(reverse("admin:articles_article_review", args=[article.pk]))
        asked = workflow.request_review(article, request.user, request.POST.get("message", "").strip(), link)
        return f"Asked {asked.reviewer.display_name} to review “{article}”; they have been emailed."

    return _step(model_admin, request, object_id, run)


def publish(model_admin, request, object_id):
    def run(article):
        done = workflow.publish(article, request.user)
        if Article.objects.filter(pk=done.pk).scheduled().exists():
            return f"“{done}” is scheduled: readers see it from {done.published_at:%-d %B %Y, %H:%M}."
        return f"Published “{done}”: readers now see the version signed off."

    return _step(model_admin, request, object_id, run)


def unpublish(model_admin, request, object_id):
    def run(article):
        had_draft = Draft.objects.filter(article=article).exists()
        workflow.unpublish(article, request.user)
        message = f"Unpublished “{article}”: readers no longer see it."
        if had_draft:
            message += " Its unpublished changes are now the article; the version readers saw is in its history."
        return message

    return _step(model_admin, request, object_id, run)


def last_signed_version(article, version):
    """The version to compare with: the latest one the named reviewer signed off, or None when they
    have signed off none (they read the whole article, not a diff against text nobody reviewed)."""
    if version.reviewer is None:
        return None, ""
    signed = SignOff.objects.filter(article=article, reviewer=version.reviewer).select_related("revision").first()
    if signed is None:
        return None, ""
    return revisions.version_in(signed.revision, article.pk), f"the last version {version.reviewer.name} signed off"


def review(model_admin, request, object_id):
    """The review page: GET shows the changes; POST signs off or sends back, for the named reviewer only."""
    article = _article(model_admin, request, object_id, change=False)
    if request.method == "POST":
        return _decide(model_admin, request, article)
    version = signoffs.under_review(article)
    before, before_label = last_signed_version(article, version)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": Article._meta,
        "original": article,
        "title": f"Review “{article}”",
        "version": version,
        "signed": signoffs.covering(article.pk, version),
        "request_open": signoffs.open_request(article),
        "may_sign": signoffs.may_sign(request.user, version.reviewer),
        "before": before,
        "before_label": before_label,
        "sections": compare.compare(before, version.version) if before else None,
        "preview_url": reverse("admin:articles_article_revision_preview", args=[article.pk, version.version.pk]),
    }
    return TemplateResponse(request, "admin/articles/article/review.html", context)


def _decide(model_admin, request, article):
    try:
        revision_id = int(request.POST.get("revision", ""))
    except ValueError:
        raise Http404("Say which version you reviewed.") from None
    decision = request.POST.get("decision")
    try:
        if decision == "sign_off":
            signoffs.sign_off(article, request.user, revision_id, request.POST.get("note", "").strip())
            message = f"You signed off “{article}”. The editors can now publish this version."
        elif decision == "send_back":
            signoffs.send_back(article, request.user, revision_id, request.POST.get("comment", ""))
            message = f"You sent “{article}” back to the editors with your comment."
        else:
            return HttpResponseBadRequest("Sign off or send back: no other decision is possible.")
    except signoffs.Refused as refused:
        model_admin.message_user(request, " ".join(refused.messages), messages.ERROR)
        return redirect("admin:articles_article_review", article.pk)
    model_admin.message_user(request, message, messages.SUCCESS)
    return redirect("admin:index")
