"""When an article's medical review falls due: REVIEW_INTERVAL_MONTHS after the last one."""

import calendar
import datetime

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

DUE_SOON_DAYS = 30


def add_months(day, months):
    """The same day `months` later, or the month's last day where it has fewer days."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def due_on(article):
    """When the article's next medical review is due, or None when it was never reviewed."""
    if article.last_reviewed_on is None:
        return None
    return add_months(article.last_reviewed_on, settings.REVIEW_INTERVAL_MONTHS)


def is_overdue(article):
    due = due_on(article)
    return due is None or due <= timezone.localdate()


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


def overdue_q(today=None):
    """Articles due for medical review: never reviewed, or last reviewed an interval ago or more."""
    return Q(last_reviewed_on__isnull=True) | Q(last_reviewed_on__lte=latest_overdue_review(today))


def due_soon_q(today=None):
    """Articles not yet overdue whose review falls due within DUE_SOON_DAYS."""
    today = today or timezone.localdate()
    soon = latest_overdue_review(today + datetime.timedelta(days=DUE_SOON_DAYS))
    return Q(last_reviewed_on__gt=latest_overdue_review(today), last_reviewed_on__lte=soon)
