"""The editorial workflow: the one way an article's status, publish time and review date change.

Draft -> in review -> published (scheduled while its publish time is ahead), and
back to draft by unpublishing. Each rule is written once, here:

- `problems()` says why an article cannot take a status; `move()` gives it the
  status (publishing now when it has no publish time), refusing what the rules
  refuse. The admin's change form and import_article use these two.
- `submit_for_review()`, `publish()`, `unpublish()` and `mark_reviewed()` are the
  actions: each checks, changes and saves one article as a revision of its own,
  recording who did it. The admin's actions and buttons call them.
"""

from django.core.exceptions import ValidationError
from django.utils import timezone

from articles.models import Article

from . import revisions

Status = Article.Status


class Refused(Exception):
    """An action the rules refuse; `errors` maps each field at fault (or None) to its messages."""

    def __init__(self, errors):
        self.errors = errors
        super().__init__(" ".join(self.messages))

    @property
    def messages(self):
        return [message for messages in self.errors.values() for message in messages]


def problems(article, status):
    """Why `article`, as it stands in memory, cannot take `status`: {field: [messages]}, empty if it can."""
    errors = {}
    if status == Status.PUBLISHED:
        if article.medical_reviewer_id is None:
            errors["medical_reviewer"] = ["Choose the medical reviewer: an article is published only once reviewed."]
        if article.last_reviewed_on is None:
            errors["last_reviewed_on"] = [
                "Enter the date of the medical review: an article is published only once reviewed."
            ]
    return errors


def move(article, status):
    """Give the article `status` in memory; publishing without a publish time publishes now."""
    errors = problems(article, status)
    if errors:
        raise Refused(errors)
    article.status = status
    if status == Status.PUBLISHED and article.published_at is None:
        article.published_at = timezone.now()


def submit_for_review(article, user):
    if article.status != Status.DRAFT:
        raise Refused({None: [f"it is {article.get_status_display().lower()}, not a draft."]})
    with revisions.recorded(article, user, "Submitted for review."):
        move(article, Status.IN_REVIEW)
        article.save()


def publish(article, user):
    """Publish now, or at the article's publish time when that is ahead (scheduled)."""
    errors = problems(article, Status.PUBLISHED)
    try:
        article.clean()  # the model's own rules: a reviewer who reviews, no review date ahead
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise Refused(errors)
    with revisions.recorded(article, user, "Published."):
        move(article, Status.PUBLISHED)
        article.save()


def unpublish(article, user):
    with revisions.recorded(article, user, "Unpublished."):
        move(article, Status.DRAFT)
        article.save()


def mark_reviewed(article, user, on=None):
    """Record a medical review on `on` (default today); the article needs its medical reviewer."""
    on = on or timezone.localdate()
    if article.medical_reviewer_id is None:
        raise Refused({"medical_reviewer": ["choose its medical reviewer first."]})
    with revisions.recorded(article, user, f"Marked as medically reviewed on {on:%-d %B %Y}."):
        article.last_reviewed_on = on
        article.save()
