"""The content version: one number the database bumps whenever published content may change.

Every table of the articles app carries a trigger that bumps the single
row of articles_contentversion in the same transaction as the change, whatever
made it (the admin, save(), QuerySet.update(), raw SQL, a fixture). Cached pages
and HTTP validators are keyed on this number, so a change is visible to the very
next request on every app server that shares the database, and nothing is ever
served stale. The row also remembers the next scheduled publish time: once that
time has passed, the first request to notice bumps the version itself, so
scheduled articles appear on time without a cron job.

The triggers are dropped before and re-created after every `migrate`
(articles.signals), so they cover tables added later and never stand in the way
of a migration that rebuilds a table.
"""

import time
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import timezone as dt_timezone

from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime

TABLE = "articles_contentversion"
FUNCTION = "articles_bump_content_version"

NEXT_PUBLISH_SQL = "SELECT MIN(published_at) FROM articles_article WHERE status = 'published' AND published_at > {now}"


class Version:
    """A content version: its number, and when content last changed (read on demand)."""

    def __init__(self, value, changed_at):
        self.value = int(value)
        self._changed_at = changed_at

    @property
    def changed_at(self):
        return _as_datetime(self._changed_at)

    def __repr__(self):
        return f"Version({self.value}, {self._changed_at})"


_judged_at = ContextVar("content_judged_at", default=None)


def now():
    """The moment published() judges publish times by.

    While a page is made for a content version, never earlier than the moment
    that version took effect: a server whose clock runs behind another's still
    shows what the version's scheduled articles made public.
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


def _bump_sql(now):
    return (
        f"UPDATE {TABLE} SET value = value + 1, changed_at = {now}, "
        f"next_publish_at = ({NEXT_PUBLISH_SQL.format(now=now)}) WHERE id = 1"
    )


SQLITE_NOW = "strftime('%Y-%m-%d %H:%M:%f', 'now')"
POSTGRES_NOW = "clock_timestamp()"


def content_tables(using):
    """Every table of the articles app that pages are built from, as the database has them."""
    from django.apps import apps
    from django.db import connections

    existing = set(connections[using].introspection.table_names())
    models = apps.get_app_config("articles").get_models(include_auto_created=True)
    return sorted(m._meta.db_table for m in models if m._meta.db_table != TABLE and m._meta.db_table in existing)


def _trigger_names(vendor, table):
    if vendor == "postgresql":
        return [f"{table}_content_version"]
    return [f"{table}_content_version_{event}" for event in ("insert", "update", "delete")]


def drop_triggers(using):
    """Remove the triggers, so that migrations can rebuild tables freely."""
    from django.db import connections

    connection_ = connections[using]
    with connection_.cursor() as cursor:
        for table in content_tables(using):
            for name in _trigger_names(connection_.vendor, table):
                on = f" ON {table}" if connection_.vendor == "postgresql" else ""
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}{on}")


def install_triggers(using):
    """(Re)create the triggers that bump the version on any change to a content table."""
    from django.db import connections

    connection_ = connections[using]
    vendor = connection_.vendor
    if vendor not in ("postgresql", "sqlite"):
        raise NotImplementedError(f"No content-version triggers for {vendor}.")
    drop_triggers(using)
    with connection_.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute(
                f"CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger AS $$ "
                f"BEGIN {_bump_sql(POSTGRES_NOW)}; RETURN NULL; END; $$ LANGUAGE plpgsql"
            )
        for table in content_tables(using):
            if vendor == "postgresql":
                cursor.execute(
                    f"CREATE TRIGGER {table}_content_version "
                    f"AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
                    f"FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()"
                )
            else:
                for event in ("INSERT", "UPDATE", "DELETE"):
                    cursor.execute(
                        f"CREATE TRIGGER {table}_content_version_{event.lower()} "
                        f"AFTER {event} ON {table} BEGIN {_bump_sql(SQLITE_NOW)}; END"
                    )


def _as_datetime(value):
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and timezone.is_naive(value):
        value = value.replace(tzinfo=dt_timezone.utc)
    return value


def ensure_row(using):
    from django.db import connections

    if TABLE in connections[using].introspection.table_names():
        with connections[using].cursor() as cursor:
            _ensure_row(cursor, connections[using])


def _ensure_row(cursor, connection_=connection):
    # The row is created by a migration; a flushed database loses it. A new row
    # starts from the clock, so it cannot reuse a number an old cache knows.
    now = _param(timezone.now(), connection_)
    cursor.execute(
        f"INSERT INTO {TABLE} (id, value, changed_at, next_publish_at) VALUES (1, %s, %s, "
        f"({NEXT_PUBLISH_SQL.format(now='%s')})) ON CONFLICT DO NOTHING",
        [time.time_ns() // 1000, now, now],
    )


def _param(moment, connection_=connection):
    return connection_.ops.adapt_datetimefield_value(moment)


def current():
    """The current content version, bumping it first if a scheduled publish time has come."""
    with connection.cursor() as cursor:
        for _ in range(3):
            moment = _param(timezone.now())
            cursor.execute(f"SELECT value, changed_at, next_publish_at <= %s FROM {TABLE} WHERE id = 1", [moment])
            row = cursor.fetchone()
            if row is None:
                _ensure_row(cursor)
                continue
            value, changed_at, due = row
            if not due:
                return Version(value, changed_at)
            cursor.execute(
                f"UPDATE {TABLE} SET value = value + 1, changed_at = next_publish_at, "
                f"next_publish_at = ({NEXT_PUBLISH_SQL.format(now='%s')}) "
                f"WHERE id = 1 AND next_publish_at <= %s",
                [moment, moment],
            )
    raise RuntimeError("The content version could not be read.")
