"""The content version: one row the database moves on with every change to watched content.

Its `value` is a sequence: the triggers (pagecache.triggers) add one with each change
and give that number to the dependency keys the change touches, so the keys' versions
follow the order of commits. `changed_at` is the moment of the last change, and
`next_change_at` the next moment content goes public by the clock alone
(PAGE_CACHE_SCHEDULE, compiled into the triggers): the first request after it moves
the version on (pagecache.versions), so scheduled content appears on time without a
cron job.

This module also keeps the moment content is judged by while a page is made (now(),
judged_at()), and creates the row where it is missing.
"""

import time
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC

from django.db import connections
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from . import triggers
from .compiled import bound

TABLE = triggers.TABLE

_judged_at = ContextVar("content_judged_at", default=None)


def now():
    """The moment content is judged by (what is public, what is scheduled).

    While a page is made for a content version, never earlier than the moment
    that version took effect: a server whose clock runs behind another's still
    shows what the version's scheduled content made public.
    """
    moment = timezone.now()
    floor = _judged_at.get()
    return max(moment, floor) if floor is not None else moment


@contextmanager
def judged_at(moment):
    token = _judged_at.set(moment)
    try:
        yield
    finally:
        _judged_at.reset(token)


def as_datetime(value):
    """A moment read from the database, as an aware datetime (SQLite gives text)."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and timezone.is_naive(value):
        value = value.replace(tzinfo=UTC)
    return value


def next_change(alias, after):
    """The next-change subquery as SQL and parameters, looking after the moment `after`."""
    statement = triggers.schedule(alias)
    if statement is None:
        return "NULL", []
    sql, params = statement
    return f"({sql})", bound(params, {triggers.AFTER: after})


def ensure_row(using):
    """Create the row when it is missing (a new or flushed database).

    A new row starts from the clock, so it cannot reuse a number an old cache knows.
    """
    db = connections[using]
    moment = db.ops.adapt_datetimefield_value(timezone.now())
    upcoming, params = next_change(using, moment)
    with db.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (id, value, changed_at, next_change_at) VALUES (1, %s, %s, {upcoming}) "
            "ON CONFLICT DO NOTHING",
            [time.time_ns() // 1000, moment, *params],
        )


def before_migrate(sender, using, **kwargs):
    """Triggers out of the way, so that tables can be rebuilt."""
    if TABLE in connections[using].introspection.table_names():
        triggers.drop_triggers(using)


def after_migrate(sender, using, **kwargs):
    """After migrations (and test flushes): the row, and triggers on every watched table."""
    triggers.install_triggers(using)
    ensure_row(using)
