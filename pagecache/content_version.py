"""The content version: one number the database moves on whenever watched content changes.

Every table of the apps named in PAGE_CACHE_WATCHED_APPS carries a trigger that
bumps the single ContentVersion row in the same transaction as the change,
whatever made it (the admin, save(), QuerySet.update(), raw SQL, a fixture).
Stored pages and HTTP validators are keyed on this number, so a change is seen
by the very next request on every app server that shares the database.

Content can also change by the clock alone: an article scheduled for later goes
public when its time comes. PAGE_CACHE_SCHEDULE names a function of the watched
apps giving, as a queryset, the moments after a given one at which content goes
public, earliest first. The triggers keep the next of them in the row beside
the version (compiled into their SQL, its values written in); the first read
after that moment bumps the version itself, so scheduled content appears on
time without a cron job, and reading the version stays one simple query.

The triggers are dropped before and re-created after every `migrate`, so they
cover tables added later and never stand in the way of a migration.
"""

import time
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC
from functools import cache

from django.apps import apps
from django.conf import settings
from django.db import connection, connections
from django.db.models import DateTimeField
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.module_loading import import_string

from .compiled import Marker, bound, compiled
from .models import ContentVersion

TABLE = ContentVersion._meta.db_table
FUNCTION = "pagecache_bump_content_version"
DATABASE_NOW = {"postgresql": "clock_timestamp()", "sqlite": "strftime('%Y-%m-%d %H:%M:%f', 'now')"}
AFTER = Marker("after")  # the moment the compiled schedule looks after

_judged_at = ContextVar("content_judged_at", default=None)


class VersionRead:
    """What reading the content version gives: its number, and when content last changed.

    The moment is converted only when asked for: a stored page's ETag needs the number alone.
    """

    __slots__ = ("_stored_changed_at", "value")

    def __init__(self, value, changed_at):
        self.value = value
        self._stored_changed_at = changed_at

    @property
    def changed_at(self):
        return as_datetime(self._stored_changed_at)

    def __repr__(self):
        return f"VersionRead({self.value}, {self._stored_changed_at})"


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


@cache
def schedule(alias):
    """SQL and parameters of the next moment content goes public by the clock alone, or None.

    Compiled once per database from the queryset PAGE_CACHE_SCHEDULE gives;
    AFTER marks the parameter that takes the moment to look after.
    """
    if not settings.PAGE_CACHE_SCHEDULE:
        return None
    moments = import_string(settings.PAGE_CACHE_SCHEDULE)
    return compiled(moments(after=RawSQL("%s", (AFTER,), output_field=DateTimeField()))[:1], alias)


def next_change_sql(alias, after_sql):
    """The next-change subquery as SQL alone, for a trigger: its values written in as literals and
    the moment to look after as the SQL expression `after_sql`."""
    statement = schedule(alias)
    if statement is None:
        return "NULL"
    sql, params = statement
    quote = connections[alias].SchemaEditorClass(connections[alias]).quote_value
    literals = [
        after_sql if param is AFTER else quote(str(param) if isinstance(param, str) else param) for param in params
    ]
    return f"({sql % tuple(literals)})"


def next_change(alias, after):
    """The next-change subquery as SQL and parameters, looking after the moment `after`."""
    statement = schedule(alias)
    if statement is None:
        return "NULL", []
    sql, params = statement
    return f"({sql})", bound(params, {AFTER: after})


def current():
    """The current content version, bumped first if scheduled content has come due since it."""
    alias = connection.alias
    for _ in range(3):
        moment = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT value, changed_at, next_change_at <= %s FROM {TABLE} WHERE id = 1", [moment])
            row = cursor.fetchone()
            if row is None:
                ensure_row(alias)
                continue
            value, changed_at, due = row
            if not due:
                return VersionRead(value, changed_at)
            # The time has come: a new version, changed when the content went public.
            upcoming, params = next_change(alias, moment)
            cursor.execute(
                f"UPDATE {TABLE} SET value = value + 1, changed_at = next_change_at, next_change_at = {upcoming} "
                "WHERE id = 1 AND next_change_at <= %s",
                [*params, moment],
            )
    raise RuntimeError("The content version could not be read.")


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


def watched_tables(using):
    """Every table of the watched apps, as the database has them."""
    existing = set(connections[using].introspection.table_names())
    tables = {
        model._meta.db_table
        for label in settings.PAGE_CACHE_WATCHED_APPS
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
    }
    return sorted((tables - {TABLE}) & existing)


def _trigger_names(vendor, table):
    if vendor == "postgresql":
        return [f"{table}_content_version"]
    return [f"{table}_content_version_{event}" for event in ("insert", "update", "delete")]


def drop_triggers(using):
    """Remove the triggers, so that migrations can rebuild tables freely."""
    db = connections[using]
    with db.cursor() as cursor:
        for table in watched_tables(using):
            for name in _trigger_names(db.vendor, table):
                on = f" ON {table}" if db.vendor == "postgresql" else ""
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}{on}")


def install_triggers(using):
    """(Re)create the triggers that bump the version on any change to a watched table."""
    db = connections[using]
    if db.vendor not in DATABASE_NOW:
        raise NotImplementedError(f"No content-version triggers for {db.vendor}.")
    drop_triggers(using)
    now = DATABASE_NOW[db.vendor]
    bump = (
        f"UPDATE {TABLE} SET value = value + 1, changed_at = {now}, "
        f"next_change_at = {next_change_sql(using, now)} WHERE id = 1"
    )
    with db.cursor() as cursor:
        if db.vendor == "postgresql":
            cursor.execute(
                f"CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger AS $$ "
                f"BEGIN {bump}; RETURN NULL; END; $$ LANGUAGE plpgsql"
            )
        for table in watched_tables(using):
            if db.vendor == "postgresql":
                cursor.execute(
                    f"CREATE TRIGGER {table}_content_version "
                    f"AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
                    f"FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()"
                )
                continue
            for event in ("INSERT", "UPDATE", "DELETE"):
                cursor.execute(
                    f"CREATE TRIGGER {table}_content_version_{event.lower()} AFTER {event} ON {table} BEGIN {bump}; END"
                )


def before_migrate(sender, using, **kwargs):
    """Triggers out of the way, so that tables can be rebuilt."""
    if TABLE in connections[using].introspection.table_names():
        drop_triggers(using)


def after_migrate(sender, using, **kwargs):
    """After migrations (and test flushes): the row, and triggers on every watched table."""
    install_triggers(using)
    ensure_row(using)
