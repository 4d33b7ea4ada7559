"""The admin site: Django's, with the review desk on its index page.

A medical reviewer sees "Awaiting your review" (the requests made of them);
editors see every article awaiting medical review: published but never
reviewed, waiting for their reviewer, sent back, signed off and ready to publish,
or due for its periodic review.
"""

from functools import partial

from django.contrib import admin
from django.urls import path

from articles.models import HEAVY_FIELDS, Article

from . import review, signoffs, two_factor
from .models import Draft, ReviewRequest


class CitewellAdminSite(admin.AdminSite):
    index_template = "admin/citewell_index.html"

    def index(self, request, extra_context=None):
        return super().index(request, {**review_desk(request), **(extra_context or {})})

    def has_permission(self, request):
        verified = not two_factor.required() or two_factor.is_verified(request.user)
        return super().has_permission(request) and verified

    def login(self, request, extra_context=None):
        return two_factor.password_step(request, site=self, extra_context=extra_context)

    def get_urls(self):
        # The code and enrolment steps come before sign-in, so they are not admin_view()s.
        return [
            path("login/code/", partial(two_factor.verify, site=self), name="two_factor_verify"),
            path("login/enrol/", partial(two_factor.enrol, site=self), name="two_factor_enrol"),
            path("two-step/", self.admin_view(partial(two_factor.account, site=self)), name="two_factor"),
            *super().get_urls(),
        ]


def review_desk(request):
    user = request.user
    open_requests = ReviewRequest.objects.filter(state=ReviewRequest.State.OPEN).select_related(
        "article", "reviewer", "requested_by"
    )
    desk = {"awaiting_yours": list(open_requests.filter(reviewer__user=user))}
    if user.has_perm("articles.change_article"):
        desk["awaiting_review"] = awaiting_review(open_requests)
    return desk


def awaiting_review(open_requests):
    """(article, what it waits for) for each article whose review is not done, oldest first."""
    waiting = {
        request.article_id: (request.article, f"Awaiting review by {request.reviewer}") for request in open_requests
    }
    due = list(
        Article.objects.filter(review.overdue_q(), status=Article.Status.PUBLISHED)
        .exclude(pk__in=waiting)
        .defer(*HEAVY_FIELDS)
    )
    for article in due:
        if article.last_reviewed_on is None:
            waiting[article.pk] = (article, "Published, not yet medically reviewed")
    for draft in Draft.objects.select_related("article").exclude(article_id__in=waiting):
        # Judged as the change page's panel judges it: by what the draft says (few drafts wait at once).
        ready = signoffs.covering(draft.article_id, signoffs.under_review(draft.article)) is not None
        waiting[draft.article_id] = (
            draft.article,
            "Signed off: ready to publish" if ready else "Unpublished changes, not yet sent for review",
        )
    for article in due:
        if article.pk not in waiting:  # reviewed once, and due again
            waiting[article.pk] = (article, f"Review overdue: due {review.due_on(article):%-d %B %Y}")
    sent_back = ReviewRequest.objects.filter(state=ReviewRequest.State.SENT_BACK).select_related("article", "reviewer")
    for request in sent_back.exclude(article_id__in=waiting).order_by("article_id", "-closed_at"):
        waiting.setdefault(request.article_id, (request.article, f"Sent back by {request.reviewer}: {request.reply}"))
    return sorted(waiting.values(), key=lambda item: item[0].title)
