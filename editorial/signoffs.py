"""Medical review: who may sign off, what a sign-off covers, and the requests that ask for one.

A sign-off covers content, not a moment: the digest of an article's written
fields, its rows and its topics (its status and publish time aside, which are
the workflow's). A version may be published only when a sign-off by its named
reviewer covers exactly what it says; only the account linked to that reviewer,
in the Medical reviewers group, can make one.

`under_review()` says which version that is: a published article's draft when
it has one, else the article as stored (recorded as a revision if it is not yet).
"""

import hashlib
import json
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from articles.models import ROWS, Article, HistoryEntry

from . import review, revisions
from .fields import written_fields
from .groups import MEDICAL_REVIEWERS
from .models import Draft, ReviewRequest, SignOff

__all__ = ["Refused", "request_review", "send_back", "sign_off", "under_review"]

WORKFLOW_FIELDS = ("status", "published_at")
CONTENT_FIELDS = list(written_fields(Article, exclude=["topics", *WORKFLOW_FIELDS]))
ROW_FIELDS = {name: written_fields(model, exclude=["article"]) for name, model in ROWS}
# Fields added after sign-offs were first recorded: they count once they say something, so a
# sign-off made before they existed still covers the version it covered.
LATER_FIELDS = {"hero_image", "hero_alt", "hero_caption", "hero_credit"}


class Refused(Exception):
    """A step the rules refuse; `errors` maps each field at fault (or None) to its messages."""

    def __init__(self, errors):
        self.errors = errors
        super().__init__(" ".join(self.messages))

    @property
    def messages(self):
        return [message for messages in self.errors.values() for message in messages]


def _value(instance, name):
    field = instance._meta.get_field(name)
    return getattr(instance, field.attname if field.is_relation else name)


def digest(article, rows, topic_ids):
    """A hash of what an article says: its written fields, its rows in order, its topics."""
    content = {
        "article": {
            name: value
            for name in CONTENT_FIELDS
            if (value := _value(article, name)) not in ("", None) or name not in LATER_FIELDS
        },
        "topics": sorted(topic_ids),
        "rows": {
            name: [
                {field: _value(row, field) for field in ROW_FIELDS[name]}
                for row in sorted(rows[name], key=lambda row: row.order)
            ]
            for name, _ in ROWS
        },
    }
    return hashlib.sha256(json.dumps(content, sort_keys=True, default=str).encode()).hexdigest()


def stored_digest(article):
    article = Article.objects.get(pk=article.pk)  # as stored, not as a form left it in memory
    rows = {name: list(model.objects.filter(article_id=article.pk)) for name, model in ROWS}
    return digest(article, rows, article.topics.values_list("pk", flat=True))


def snapshot_digest(snapshot):
    return digest(snapshot.article, snapshot.rows, [topic.pk for topic in snapshot.topics])


@dataclass
class Version:
    """The version of an article a review is about: its revision, content and digest."""

    version: object  # reversion's Version of the article in that revision
    snapshot: revisions.Snapshot
    digest: str
    is_draft: bool

    @property
    def revision(self):
        return self.version.revision

    @property
    def reviewer(self):
        article = self.snapshot.article
        return article.medical_reviewer if article.medical_reviewer_id else None


def under_review(article):
    """The version an editor asks to be reviewed and publishes: the draft of a published article,
    or else the article as stored, recorded as a revision first if its latest one differs."""
    draft = Draft.objects.filter(article=article).select_related("revision").first()
    if draft is not None:
        version = revisions.version_in(draft.revision, article.pk)
        snapshot = revisions.article_at(version, derive=False)
        return Version(version, snapshot, snapshot_digest(snapshot), True)
    stored = stored_digest(article)
    latest = revisions.versions_of(article.pk).first()
    snapshot = revisions.article_at(latest, derive=False) if latest else None
    if snapshot is None or snapshot_digest(snapshot) != stored:
        with revisions.recorded(article, None, "Recorded as it stood, for review."):
            revisions.add(article)
        latest = revisions.versions_of(article.pk).first()
        snapshot = revisions.article_at(latest, derive=False)
    return Version(latest, snapshot, stored, False)


def covering(article_pk, version):
    """The latest sign-off by the version's named reviewer of exactly this content, or None.

    A sign-off is spent once its review falls due (REVIEW_INTERVAL_MONTHS later): the
    same text then needs a new review, which dates the page again.
    """
    if version.reviewer is None:
        return None
    found = SignOff.objects.filter(
        article_id=article_pk,
        digest=version.digest,
        reviewer=version.reviewer,
        signed_at__date__gt=review.latest_overdue_review(),
    )
    return found.select_related("reviewer", "user").first()


def is_medical_reviewer(user):
    return user.is_active and user.is_staff and user.groups.filter(name=MEDICAL_REVIEWERS).exists()


def may_sign(user, reviewer):
    """Whether `user` may sign off for the contributor `reviewer`: the account linked to them."""
    return reviewer is not None and reviewer.user_id == user.pk and is_medical_reviewer(user)


def reviewer_problems(version):
    """Why no one can review this version yet: {field: [messages]}, empty if the reviewer can."""
    reviewer = version.reviewer
    if reviewer is None:
        return {"medical_reviewer": ["Choose the medical reviewer first."]}
    try:
        version.snapshot.article.clean()  # the article's own rules: a person with credentials, not the writer
        problem = ""
    except ValidationError as error:
        problem = " ".join(error.message_dict.get("medical_reviewer", []))
    if not problem and (reviewer.user is None or not is_medical_reviewer(reviewer.user)):
        problem = (
            f"{reviewer.name} has no account in the Medical reviewers group to sign off from; an administrator "
            "links one on their contributor page."
        )
    if not problem and not reviewer.user.email:
        problem = f"{reviewer.name}'s account has no email address to send the request to."
    return {"medical_reviewer": [problem]} if problem else {}


def open_request(article):
    return article.review_requests.filter(state=ReviewRequest.State.OPEN).select_related("reviewer").first()


def request_review(article, user, message="", link=None):
    """Ask the named reviewer to review the version under review, by email; returns the request."""
    with transaction.atomic():
        version = under_review(article)
        problems = reviewer_problems(version)
        if problems:
            raise Refused(problems)
        if covering(article.pk, version):
            raise Refused({None: [f"{version.reviewer.name} has already signed off this version."]})
        close_requests(article, ReviewRequest.State.WITHDRAWN)
        request = ReviewRequest.objects.create(
            article=article, revision=version.revision, reviewer=version.reviewer, requested_by=user, message=message
        )
        if article.status == Article.Status.DRAFT:
            # A status change is an edit: a change page opened before it is stale.
            Article.objects.filter(pk=article.pk).update(
                status=Article.Status.IN_REVIEW, edit_count=F("edit_count") + 1
            )
    link = link or reverse("admin:articles_article_review", args=[article.pk])
    notify(
        version.reviewer.user,
        f"Please review “{article}”",
        f"{name_of(user)} asks you to review “{article}” for {settings.SITE_NAME}.\n\n"
        + (f"Their note: {message}\n\n" if message else "")
        + "Read what changed since the last version you signed off (or the whole article, if you have signed "
        f"off none), then sign it off or send it back with a comment:\n{link}\n",
    )
    return request


def withdraw_if_reviewer_changed(article):
    """Withdraw the open review request when the version under review now names another reviewer:
    the one asked can no longer sign it off, and the new one has not been asked."""
    request = open_request(article)
    if request is None or request.reviewer_id == under_review(article).snapshot.article.medical_reviewer_id:
        return None
    close_requests(article, ReviewRequest.State.WITHDRAWN, "The article's medical reviewer was changed.")
    Article.objects.filter(pk=article.pk, status=Article.Status.IN_REVIEW).update(status=Article.Status.DRAFT)
    return request


def close_requests(article, state, reply=""):
    """Close the article's open review request, if any, as `state`; returns it."""
    request = open_request(article)
    if request is not None:
        request.state, request.reply, request.closed_at = state, reply, timezone.now()
        request.save(update_fields=["state", "reply", "closed_at"])
    return request


def _checked(article, user, revision_id):
    version = under_review(article)
    if version.revision.pk != revision_id:
        raise Refused({None: ["The article changed after you opened it; read the new version first."]})
    if not may_sign(user, version.reviewer):
        named = version.reviewer.display_name if version.reviewer else "no one"
        raise Refused({None: [f"Only {named}, from their own account, can review this version."]})
    problems = reviewer_problems(version)
    if problems:
        raise Refused(problems)
    return version


def sign_off(article, user, revision_id, note=""):
    """Sign off the version under review, which must be revision `revision_id` (the one the reviewer read).

    Signing off what readers already see (a periodic review with no changes) dates the
    review at once and says so in the article's history; anything else waits to be published.
    """
    with transaction.atomic():
        version = _checked(article, user, revision_id)
        signed = SignOff.objects.create(
            article=article,
            revision=version.revision,
            digest=version.digest,
            reviewer=version.reviewer,
            user=user,
            note=note,
        )
        request = close_requests(article, ReviewRequest.State.SIGNED_OFF, note)
        if article.status == Article.Status.PUBLISHED and not version.is_draft:
            reviewed_as_published(article, signed)
    if request is not None:
        notify(
            request.requested_by,
            f"“{article}” is signed off",
            f"{version.reviewer.display_name} signed off “{article}”."
            + (f"\n\nTheir note: {note}" if note else "")
            + ("\n\nIt can now be published." if version.is_draft or article.status != "published" else ""),
        )
    return signed


def reviewed_as_published(article, signed):
    """A sign-off of the very version readers see: the page's review date moves to it."""
    reviewed_on = timezone.localdate(signed.signed_at)
    Article.objects.filter(pk=article.pk).update(last_reviewed_on=reviewed_on)
    article.last_reviewed_on = reviewed_on
    HistoryEntry.objects.create(
        article=article,
        published_at=signed.signed_at,
        note="Medically reviewed again; no changes were needed.",
        reviewed_by=signed.reviewer,
        reviewed_on=reviewed_on,
    )


def send_back(article, user, revision_id, comment):
    """The reviewer returns the version under review to the editors with `comment` (required)."""
    if not comment.strip():
        raise Refused({"comment": ["Say what needs changing: the editors read your comment."]})
    with transaction.atomic():
        version = _checked(article, user, revision_id)
        request = close_requests(article, ReviewRequest.State.SENT_BACK, comment)
        if article.status == Article.Status.IN_REVIEW:
            Article.objects.filter(pk=article.pk).update(status=Article.Status.DRAFT, edit_count=F("edit_count") + 1)
    recipient = request.requested_by if request else None
    if recipient is not None:
        notify(
            recipient,
            f"“{article}” was sent back",
            f"{version.reviewer.display_name} sent “{article}” back with this comment:\n\n{comment}",
        )


def name_of(user):
    return (user.get_full_name() or user.get_username()) if user else "Someone"


def notify(user, subject, body):
    if user is not None and user.email:
        send_mail(f"[{settings.SITE_NAME}] {subject}", body, None, [user.email])
