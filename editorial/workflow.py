"""The editorial workflow: the one way an article's status, publish time and review date change.

Draft -> in review (its named reviewer asked) -> published (scheduled while its
publish time is ahead), and back to draft by unpublishing. Each rule is written
once, here:

- `problems()` says why an article cannot take a status; `move()` gives it the
  status, refusing what the rules refuse. The admin's change form and
  import_article use these two; neither can publish.
- `request_review()`, `publish()` and `unpublish()` are the actions: each checks,
  changes and saves one article as a revision of its own, recording who did it.
  The admin's actions and buttons call them. Publishing needs a sign-off by the
  article's named reviewer of exactly the version published (editorial.signoffs);
  it is the only way an article, or a change to one, reaches readers, and the
  only way its review date changes besides a sign-off of what readers already see.
"""

from django.db import transaction
from django.utils import timezone

from articles import rendering
from articles.models import Article, HistoryEntry

from . import drafts, revisions, signoffs
from .models import Draft
from .signoffs import Refused

Status = Article.Status
__all__ = ["Refused", "move", "problems", "publish", "request_review", "unpublish"]


def problems(article, status):
    """Why `article`, as it stands in memory, cannot take `status`: {field: [messages]}, empty if it can."""
    if status == Status.PUBLISHED and article.status != Status.PUBLISHED:
        return {
            "status": [
                "An article is published with the Publish button, once its named medical reviewer has "
                "signed off that exact version from their own account."
            ]
        }
    if status == Status.IN_REVIEW and article.status != Status.IN_REVIEW:
        return {"status": ["An article goes to review with the Request review button, which asks its reviewer."]}
    return {}


def move(article, status):
    """Give the article `status` in memory, if the rules allow it."""
    errors = problems(article, status)
    if errors:
        raise Refused(errors)
    article.status = status


def request_review(article, user, message="", link=None):
    return signoffs.request_review(article, user, message, link)


def unsigned_message(version):
    reviewer = version.reviewer
    if reviewer is None:
        return "choose its medical reviewer, who must sign it off before it is published."
    return f"{reviewer.display_name} has not signed off this version; request their review first."


def alt_text_problems(snapshot):
    """Images without alt text in a version's body and FAQ answers (saved before saves refused them)."""
    texts = [snapshot.article.body, *(faq.answer for faq in snapshot.rows["faqs"])]
    return [
        rendering.alt_text_problem(address)
        for text in texts
        for address in rendering.images_without_alt(rendering.render(text, anchors=False).html)
    ]


def publish(article, user):
    """Publish the version under review, once its named reviewer signed it off: a published article's
    draft replaces what readers see; any other article goes public now, or at its publish time."""
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article.pk)
        version = signoffs.under_review(article)
        if article.status == Status.PUBLISHED and not version.is_draft:
            raise Refused({None: ["it has no unpublished changes."]})
        signed = signoffs.covering(article.pk, version)
        if signed is None:
            raise Refused({None: [unsigned_message(version)]})
        missing = alt_text_problems(version.snapshot)
        if missing:
            raise Refused({None: missing})
        with revisions.recorded(article, user, "Published, as signed off."):
            if version.is_draft:
                note = article.draft.change_note or "Updated."
                article = drafts.put(version.snapshot, article)
                Draft.objects.filter(article=article).delete()
                when = timezone.now()
            else:
                again = article.history.exists()
                note = "Published again." if again else "First published."
                article.status = Status.PUBLISHED
                article.published_at = article.published_at or timezone.now()
                # Published again: readers see it from now (or its publish time, if later), not from when it
                # first went live.
                when = max(article.published_at, timezone.now()) if again else article.published_at
            article.last_reviewed_on = timezone.localdate(signed.signed_at)
            article.save()
        HistoryEntry.objects.create(
            article=article,
            published_at=when,
            note=note,
            reviewed_by=signed.reviewer,
            reviewed_on=article.last_reviewed_on,
        )
    return article


def unpublish(article, user):
    """Take the article off the site; unpublished changes, if any, become what the article says."""
    with transaction.atomic(), revisions.recorded(article, user, "Unpublished."):
        draft = Draft.objects.filter(article=article).select_related("revision").first()
        if draft is not None:
            article = drafts.put(revisions.article_in(draft.revision, article.pk, derive=False), article)
            draft.delete()
        article.status = Status.DRAFT
        article.save()
    return article
