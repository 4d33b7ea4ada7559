"""The review trail: who was asked to review which version, who signed off what, and drafts.

A sign-off belongs to one revision of an article (django-reversion's, holding the
article and all its rows) and carries a digest of the content it covers, so a
version can be published only when it is, word for word, what the named
reviewer's own account signed off (editorial.signoffs).
"""

from django.conf import settings
from django.db import models
from reversion.models import Revision

from articles.models import Article, Contributor


class SignOff(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="sign_offs")
    revision = models.ForeignKey(Revision, on_delete=models.PROTECT, related_name="sign_offs")
    digest = models.CharField(max_length=64, help_text="What the revision says, hashed: the content signed off.")
    reviewer = models.ForeignKey(Contributor, on_delete=models.PROTECT, related_name="sign_offs")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="sign_offs")
    signed_at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(blank=True, help_text="For the editors; readers never see it.")

    class Meta:
        ordering = ["-signed_at", "-pk"]
        get_latest_by = "signed_at"
        indexes = [models.Index(fields=["article", "digest"], name="signoff_article_digest_idx")]

    def __str__(self):
        return f"{self.article} signed off by {self.reviewer} on {self.signed_at:%-d %B %Y}"


class ReviewRequest(models.Model):
    class State(models.TextChoices):
        OPEN = "open", "Awaiting review"
        SIGNED_OFF = "signed_off", "Signed off"
        SENT_BACK = "sent_back", "Sent back"
        WITHDRAWN = "withdrawn", "Withdrawn"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="review_requests")
    revision = models.ForeignKey(Revision, on_delete=models.PROTECT, related_name="review_requests")
    reviewer = models.ForeignKey(Contributor, on_delete=models.PROTECT, related_name="review_requests")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_requests_made"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    message = models.TextField(blank=True, help_text="What the reviewer should look at.")
    state = models.CharField(max_length=20, choices=State.choices, default=State.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)
    reply = models.TextField(blank=True, help_text="The reviewer's comment when sending it back.")

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=["open", "signed_off", "sent_back", "withdrawn"]),
                name="reviewrequest_state_valid",
            ),
            models.UniqueConstraint(
                fields=["article"],
                condition=models.Q(state="open"),
                name="reviewrequest_one_open_per_article",
                violation_error_message="This article already awaits review.",
            ),
        ]

    def __str__(self):
        return f"Review of {self.article} by {self.reviewer} ({self.get_state_display().lower()})"


class Draft(models.Model):
    """Unpublished changes to a published article: the revision that holds them, and the note for readers.

    Readers keep seeing the article's tables (the published version); the change
    page opens this revision instead (editorial.drafts).
    """

    article = models.OneToOneField(Article, on_delete=models.CASCADE, primary_key=True, related_name="draft")
    revision = models.ForeignKey(Revision, on_delete=models.PROTECT, related_name="+")
    saved_at = models.DateTimeField(auto_now=True)
    change_note = models.CharField(max_length=300, blank=True)

    def __str__(self):
        return f"Unpublished changes to {self.article}"
