"""What this process knows of the versions, kept current without a query per request.

The triggers (pagecache.triggers) move the content version and the versions of the
dependency keys in the same transaction as each change. Each app server process keeps
a Snapshot of them and learns that it is out of date without asking the database on
every request:

- on PostgreSQL, the triggers send a notification (LISTEN/NOTIFY) with each change;
  a process listens on a connection of its own and, on each request, looks (without
  waiting, without a round trip) whether one has arrived;
- on SQLite, `PRAGMA data_version` on a connection of its own moves whenever another
  connection commits: a call into the library, no disk read.

A notification arrives within a fraction of a millisecond of the commit, before the
editor who made the change has their response; a process that has just handled an
edit itself reads at once. Only then does it read what changed since the number it last saw (one query); the
versions are given out in commit order (the content version's row is locked until
commit), so nothing is missed. Where neither works (the listening connection lost, an
in-memory database, PAGE_CACHE_WATCH off as in the tests), each request reads what changed
with that one query. Inside a transaction (a test's), the snapshot is read whole through
the transaction's own connection, which alone sees what it changed.

Content can also change by the clock alone: the snapshot holds when content next goes
public (PAGE_CACHE_SCHEDULE); the first request after that moment moves the version on
and touches every page, so scheduled content appears on time without a cron job.
"""

import contextlib
import logging
import select
import sqlite3
import threading
import time
from urllib.parse import quote

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

from . import purge, triggers
from .content_version import as_datetime

logger = logging.getLogger(__name__)

RETRY_WATCH_AFTER = 1.0
UNKNOWN = (0, None)


class Snapshot:
    """The versions at one moment: the content version's number (`sequence`), when content last
    changed and next goes public, and each dependency key's (version, changed_at)."""

    __slots__ = ("_changed_at", "_next_change_at", "keys", "sequence")

    def __init__(self, sequence, changed_at, next_change_at, keys):
        self.sequence = sequence
        self._changed_at = changed_at
        self._next_change_at = as_datetime(next_change_at)
        self.keys = keys

    def version(self, key):
        return self.keys.get(key, UNKNOWN)[0]

    def versions(self, keys):
        """{key: version} of these keys: what a page made now from them is valid for."""
        get = self.keys.get
        return {key: get(key, UNKNOWN)[0] for key in keys}

    def valid(self, versions):
        """Whether a page made at these {key: version} is still current."""
        get = self.keys.get
        return all(get(key, UNKNOWN)[0] == version for key, version in versions.items())

    def last_changed(self, keys):
        """When the latest of these keys changed (when content last changed, if none ever did)."""
        moments = [self.keys[key][1] for key in keys if key in self.keys]
        return as_datetime(max(moments)) if moments else self.changed_at

    @property
    def changed_at(self):
        return as_datetime(self._changed_at)

    @property
    def next_change_at(self):
        return self._next_change_at

    def due(self, moment):
        return self._next_change_at is not None and self._next_change_at <= moment


def read(alias, since=None, base=None):
    """The snapshot from the database: whole (`since` None), or `base` brought up to date with the
    keys changed after the number `since`. One query."""
    table, keys = triggers.TABLE, triggers.KEYS
    with connections[alias].cursor() as cursor:
        cursor.execute(
            f'SELECT v.value, v.changed_at, v.next_change_at, k."key", k.version, k.changed_at FROM {table} v '
            f"LEFT JOIN {keys} k ON k.version > %s WHERE v.id = 1",
            [-1 if since is None else since],
        )
        rows = cursor.fetchall()
    if not rows:
        from .content_version import ensure_row

        ensure_row(alias)
        return read(alias)
    sequence, changed_at, next_change_at = rows[0][:3]
    if base is not None and sequence == base.sequence:
        return base
    found = dict(base.keys) if base is not None and since is not None else {}
    found.update((key, (version, moment)) for *_, key, version, moment in rows if key is not None)
    return Snapshot(sequence, changed_at, next_change_at, found)


def bump_due(alias, moment):
    """Content scheduled for `moment` or before has gone public: a new version, touching every page,
    changed when that content went public. Only the first process to see it does it."""
    db = connections[alias]
    at = db.ops.adapt_datetimefield_value(moment)
    upcoming = triggers.next_change_sql(alias, "%s")
    with transaction.atomic(using=alias), db.cursor() as cursor:
        cursor.execute(
            f"UPDATE {triggers.TABLE} SET value = value + 1, changed_at = next_change_at, "
            f"next_change_at = {upcoming} WHERE id = 1 AND next_change_at <= %s",
            [at] * (upcoming.count("%s") + 1),
        )
        if cursor.rowcount:
            cursor.execute(
                f'INSERT INTO {triggers.KEYS} ("key", version, changed_at) '
                f"SELECT %s, value, changed_at FROM {triggers.TABLE} WHERE id = 1 "
                'ON CONFLICT ("key") DO UPDATE SET version = excluded.version, changed_at = excluded.changed_at',
                [triggers.EVERYTHING],
            )
            if db.vendor == "postgresql":
                cursor.execute("SELECT pg_notify(%s, '')", [triggers.CHANNEL])
        return cursor.rowcount > 0


class SQLiteWatcher:
    """`PRAGMA data_version` on a read-only connection of this process's own."""

    def __init__(self, path):
        self.connection = sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True, check_same_thread=False)
        self.last = None

    def changed(self):
        value = self.connection.execute("PRAGMA data_version").fetchone()[0]
        changed, self.last = value != self.last, value
        return changed

    def close(self):
        self.connection.close()


class PostgresWatcher:
    """A connection of this process's own, listening for the triggers' notifications."""

    def __init__(self, params):
        import psycopg

        wanted = {k: v for k, v in params.items() if k not in ("cursor_factory", "context", "prepare_threshold")}
        self.connection = psycopg.connect(**wanted, autocommit=True)
        self.connection.execute(f"LISTEN {triggers.CHANNEL}")
        self.fresh = True

    def changed(self):
        if self.fresh:
            self.fresh = False
            return True
        ready, _, _ = select.select([self.connection.fileno()], [], [], 0)
        if not ready:
            return False
        for _ in self.connection.notifies(timeout=0):
            pass
        return True

    def close(self):
        self.connection.close()


def make_watcher(alias):
    db = connections[alias]
    if db.vendor == "postgresql":
        return PostgresWatcher(db.get_connection_params())
    if db.vendor == "sqlite" and not db.is_in_memory_db():
        return SQLiteWatcher(db.settings_dict["NAME"])
    return None


class Versions:
    """The snapshot this process serves pages by, brought up to date when a watcher says so."""

    def __init__(self, alias=DEFAULT_DB_ALIAS):
        self.alias = alias
        self.snapshot = None
        self.watcher = None
        self.retry_at = 0.0
        self.stale = False
        self.lock = threading.Lock()

    def current(self):
        db = connections[self.alias]
        if db.in_atomic_block:
            return self.when_due(read(self.alias))
        with self.lock:
            if self.changed() or self.snapshot is None or self.stale:  # listening first, then reading
                self.stale = False
                base = self.snapshot
                self.snapshot = read(self.alias, None if base is None else base.sequence, base)
            if self.snapshot.due(timezone.now()):
                self.snapshot = self.when_due(self.snapshot, self.snapshot)
            return self.snapshot

    def when_due(self, snapshot, base=None):
        if not snapshot.due(timezone.now()):
            return snapshot
        if bump_due(self.alias, timezone.now()) and purge.enabled():
            purge.purge({triggers.EVERYTHING})
        return read(self.alias, None if base is None else base.sequence, base)

    def changed(self):
        """Whether the versions may have moved since the last read (True when it cannot tell)."""
        if not settings.PAGE_CACHE_WATCH:
            return True
        if self.watcher is None:
            if time.monotonic() < self.retry_at:
                return True
            self.retry_at = time.monotonic() + RETRY_WATCH_AFTER
            try:
                self.watcher = make_watcher(self.alias)
            except Exception as error:  # the database refused: read with a query until it answers
                logger.warning("Cannot watch the content version (%s); reading it on each request.", error)
                return True
            if self.watcher is None:
                return True
        try:
            return self.watcher.changed()
        except Exception as error:
            logger.warning("Lost the content version's watcher (%s); reading it on each request.", error)
            self.drop_watcher()
            return True

    def drop_watcher(self):
        if self.watcher is not None:
            with contextlib.suppress(Exception):  # already broken
                self.watcher.close()
        self.watcher = None

    def mark_stale(self):
        """This process may have changed content itself: read the versions on its next request,
        without waiting for the notification."""
        self.stale = True

    def forget(self):
        """Start again from the database (a process that forked, a test that flushed it)."""
        with self.lock:
            self.drop_watcher()
            self.snapshot = None


versions = Versions()
