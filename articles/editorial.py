"""What the admin tells editors about an article: content warnings and when review falls due."""

import datetime

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from . import markdown
from .models import META_DESCRIPTION_LIMIT, add_months

DUE_SOON_DAYS = 30


def content_warnings(article):
    """Problems worth an editor's attention that do not stop a save, as sentences."""
    warnings = []
    cited = {int(n) for n in article.citations}
    for faq in article.faqs.all():
        cited.update(int(n) for n in markdown.render(faq.answer, anchors=False).citations)
    uncited = [ref.order for ref in article.references.all() if ref.order not in cited]
    if uncited:
        numbers = ", ".join(str(n) for n in uncited)
        noun, verb = ("Reference", "is") if len(uncited) == 1 else ("References", "are")
        warnings.append(f"{noun} {numbers} {verb} never cited: cite with [^N] in the body or an FAQ, or remove.")
    description = article.meta_description.strip()
    if not description:
        warnings.append(
            "The meta description is missing: search engines and shared links will show the quick summary, cut short."
        )
    elif len(description) > META_DESCRIPTION_LIMIT:
        warnings.append(
            f"The meta description has {len(description)} characters; search engines cut it after "
            f"{META_DESCRIPTION_LIMIT}."
        )
    if article.medical_reviewer_id is None:
        warnings.append("No medical reviewer is chosen: the article cannot be published until one has reviewed it.")
    previous = 1  # the article's title is the page's only level-1 heading
    for level, name in markdown.render(article.body).headings:
        if level > previous + 1:
            warnings.append(
                f"The heading “{name}” is level {level} ({'#' * level}) right after level {previous}: "
                f"use {'#' * (previous + 1)} so screen reader users can follow the outline."
            )
        previous = level
    if article.pk and article.status == article.Status.PUBLISHED and article.review_overdue:
        due = article.review_due_on
        warnings.append(
            f"Medical review is overdue (due {due:%-d %B %Y})." if due else "The article has no review date."
        )
    return warnings


def latest_overdue_review(today=None):
    """The latest last-review date whose next review is due by `today`."""
    today = today or timezone.localdate()
    months = settings.REVIEW_INTERVAL_MONTHS
    day = add_months(today, -months)
    while add_months(day, months) > today:
        day -= datetime.timedelta(days=1)
    while add_months(day + datetime.timedelta(days=1), months) <= today:
        day += datetime.timedelta(days=1)
    return day


def review_overdue_q(today=None):
    """Articles due for medical review: never reviewed, or last reviewed an interval ago or more."""
    return Q(last_reviewed_on__isnull=True) | Q(last_reviewed_on__lte=latest_overdue_review(today))


def review_due_soon_q(today=None):
    """Articles not yet overdue whose review falls due within DUE_SOON_DAYS."""
    today = today or timezone.localdate()
    soon = latest_overdue_review(today + datetime.timedelta(days=DUE_SOON_DAYS))
    return Q(last_reviewed_on__gt=latest_overdue_review(today), last_reviewed_on__lte=soon)
