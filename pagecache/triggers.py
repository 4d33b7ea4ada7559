"""The triggers that move the versions with the content, in the same transaction as each change.

Every table of the apps named in PAGE_CACHE_WATCHED_APPS carries triggers, so that any
change, whatever made it (the admin, save(), QuerySet.update(), raw SQL, a fixture),
is seen. Each change bumps the content version (one row: a sequence number, the moment
of the last change and the next moment content goes public by the clock alone) and sets
the version of each dependency key it touches to the new number:

- a row of a table PAGE_CACHE_DEPENDENCIES says belongs to an owner (an article's key
  points, its topics, the article itself) touches the owner's key (`article-12`); when
  the owner is public before or after the change, also `list` (the pages that list
  public owners); and when the change can add the owner to the public set, remove it or
  move it in the set's order (its `membership` columns), `published-set`;
- a change to any other watched table (topics, contributors, site pages) touches `all`,
  which every page depends on.

An update that leaves every column readers can see as it was (`unseen` columns aside)
fires nothing. The triggers are dropped before and re-created after every `migrate`,
so they cover tables added later and never stand in the way of a migration.
"""

from dataclasses import dataclass
from functools import cache

from django.apps import apps
from django.conf import settings
from django.db import connections
from django.db.models import DateTimeField, IntegerField
from django.db.models.expressions import RawSQL
from django.utils.module_loading import import_string

from .compiled import Marker, compiled
from .models import ContentVersion, DependencyVersion

TABLE = ContentVersion._meta.db_table
KEYS = DependencyVersion._meta.db_table
CHANNEL = "pagecache"
EVERYTHING = "all"
LISTS = "list"
PUBLISHED_SET = "published-set"
ALL_FUNCTION = "pagecache_bump_content_version"
DATABASE_NOW = {"postgresql": "clock_timestamp()", "sqlite": "strftime('%Y-%m-%d %H:%M:%f', 'now')"}
DISTINCT = {"postgresql": "IS DISTINCT FROM", "sqlite": "IS NOT"}
AFTER = Marker("after")  # the moment the compiled schedule looks after
OWNER = Marker("owner")  # the owner's id, in the compiled "is it public" query
NOW = Marker("now")


@dataclass(frozen=True)
class Owned:
    """A table whose rows belong to one owner: `column` holds the owner's id."""

    model: type
    column: str
    unseen: tuple = ()  # columns whose change alone changes nothing readers see
    membership: tuple | bool = ()  # columns that place the owner in the public set (True: any change)


@dataclass(frozen=True)
class Dependencies:
    """What PAGE_CACHE_DEPENDENCIES gives: the owners' key prefix, the public owners with a given
    id at a given moment (a function of `pk` and `at` giving a queryset), and the owned tables."""

    prefix: str
    public: object
    owned: tuple


@cache
def dependencies():
    if not getattr(settings, "PAGE_CACHE_DEPENDENCIES", None):
        return Dependencies(prefix="", public=None, owned=())
    return import_string(settings.PAGE_CACHE_DEPENDENCIES)()


def owner_key(pk):
    """The dependency key of the owner with this id."""
    return f"{dependencies().prefix}-{pk}"


def inline(statement, alias, values):
    """A compiled statement as SQL alone: its markers replaced by the SQL in `values`, its other
    parameters written in as literals."""
    sql, params = statement
    quote = connections[alias].SchemaEditorClass(connections[alias]).quote_value
    literals = [
        values[param] if isinstance(param, Marker) else quote(str(param) if isinstance(param, str) else param)
        for param in params
    ]
    return sql % tuple(literals)


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
    statement = schedule(alias)
    return "NULL" if statement is None else f"({inline(statement, alias, {AFTER: after_sql})})"


def public_sql(alias, owner_sql):
    """A condition: the owner whose id is the SQL `owner_sql` is public now (by the database's clock)."""
    public = dependencies().public
    queryset = public(
        pk=RawSQL("%s", (OWNER,), output_field=IntegerField()),
        at=RawSQL("%s", (NOW,), output_field=DateTimeField()),
    )
    vendor = connections[alias].vendor
    return f"EXISTS ({inline(compiled(queryset, alias), alias, {OWNER: owner_sql, NOW: DATABASE_NOW[vendor]})})"


def watched_tables(using):
    """Every table of the watched apps, as the database has them."""
    existing = set(connections[using].introspection.table_names())
    tables = {
        model._meta.db_table
        for label in settings.PAGE_CACHE_WATCHED_APPS
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
    }
    return sorted((tables - {TABLE, KEYS}) & existing)


def owned_tables():
    return {owned.model._meta.db_table: owned for owned in dependencies().owned}


def seen_changed(owned, vendor):
    """The WHEN condition of an update that changes a column readers can see."""
    columns = [f.column for f in owned.model._meta.concrete_fields if f.column not in owned.unseen]
    return " OR ".join(f'OLD."{c}" {DISTINCT[vendor]} NEW."{c}"' for c in columns)


def membership_changed(owned, row, vendor):
    """SQL: whether this change can move the owner in or out of the public set, or in its order."""
    if owned.membership is True:
        return "TRUE" if vendor == "postgresql" else "1"
    if not owned.membership:
        return "FALSE" if vendor == "postgresql" else "0"
    if row is None:  # an insert or a delete
        return "TRUE" if vendor == "postgresql" else "1"
    return "(" + " OR ".join(f'OLD."{c}" {DISTINCT[vendor]} NEW."{c}"' for c in owned.membership) + ")"


TRIGGER_SUFFIXES = ("pc_insert", "pc_update_old", "pc_update_new", "pc_delete", "pc_truncate", "pc_all")
OLD_SUFFIXES = ("content_version", "content_version_insert", "content_version_update", "content_version_delete")


def trigger_names(table):
    return [f"{table}_{suffix}" for suffix in TRIGGER_SUFFIXES + OLD_SUFFIXES]


def drop_triggers(using):
    """Remove the triggers, so that migrations can rebuild tables freely."""
    db = connections[using]
    with db.cursor() as cursor:
        for table in watched_tables(using):
            for name in trigger_names(table):
                on = f" ON {table}" if db.vendor == "postgresql" else ""
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}{on}")


def install_triggers(using):
    """(Re)create the triggers on every watched table."""
    db = connections[using]
    if db.vendor not in DATABASE_NOW:
        raise NotImplementedError(f"No content-version triggers for {db.vendor}.")
    drop_triggers(using)
    owned = owned_tables()
    statements = postgres_statements if db.vendor == "postgresql" else sqlite_statements
    with db.cursor() as cursor:
        for table in watched_tables(using):
            for sql in statements(using, table, owned.get(table)):
                cursor.execute(sql)


# SQLite: row triggers whose bodies bump the version and set the keys.


def sqlite_bump(alias):
    now = DATABASE_NOW["sqlite"]
    return (
        f"UPDATE {TABLE} SET value = value + 1, changed_at = {now}, "
        f"next_change_at = {next_change_sql(alias, now)} WHERE id = 1;"
    )


def sqlite_set(key_sql, condition=None):
    where = f" AND {condition}" if condition else ""
    return (
        f'INSERT INTO {KEYS} ("key", version, changed_at) SELECT {key_sql}, value, changed_at FROM {TABLE} '
        f'WHERE id = 1{where} ON CONFLICT ("key") DO UPDATE SET version = excluded.version, '
        "changed_at = excluded.changed_at;"
    )


def sqlite_owned_body(alias, owned, row, update):
    owner = f'{row}."{owned.column}"'
    public = public_sql(alias, owner)
    membership = membership_changed(owned, row if update else None, "sqlite")
    prefix = dependencies().prefix
    return " ".join(
        [
            sqlite_bump(alias),
            sqlite_set(f"'{prefix}-' || {owner}"),
            sqlite_set(f"'{LISTS}'", public),
            sqlite_set(f"'{PUBLISHED_SET}'", f"{public} AND {membership}"),
        ]
    )


def sqlite_statements(alias, table, owned):
    if owned is None:
        body = f"{sqlite_bump(alias)} {sqlite_set(repr(EVERYTHING))}"
        return [
            f"CREATE TRIGGER {table}_{suffix} AFTER {event} ON {table} BEGIN {body} END"
            for suffix, event in (("pc_insert", "INSERT"), ("pc_update_new", "UPDATE"), ("pc_delete", "DELETE"))
        ]
    when = seen_changed(owned, "sqlite")
    return [
        f"CREATE TRIGGER {table}_pc_insert AFTER INSERT ON {table} "
        f"BEGIN {sqlite_owned_body(alias, owned, 'NEW', False)} END",
        f"CREATE TRIGGER {table}_pc_update_old BEFORE UPDATE ON {table} WHEN {when} "
        f"BEGIN {sqlite_owned_body(alias, owned, 'OLD', True)} END",
        f"CREATE TRIGGER {table}_pc_update_new AFTER UPDATE ON {table} WHEN {when} "
        f"BEGIN {sqlite_owned_body(alias, owned, 'NEW', True)} END",
        f"CREATE TRIGGER {table}_pc_delete BEFORE DELETE ON {table} "
        f"BEGIN {sqlite_owned_body(alias, owned, 'OLD', False)} END",
    ]


# PostgreSQL: functions that bump the version, set the keys and notify the app servers.


def in_schedule(alias, table):
    """Whether the schedule's query reads this table: only a change to it can move the next publish time."""
    statement = schedule(alias)
    return statement is not None and f'"{table}"' in statement[0]


def postgres_functions(alias):
    """pagecache_bump(): the content version's next number, taken once per statement (a bulk insert or
    delete of many rows takes one; remembered in a transaction-local setting with the statement's
    start, and undone with a rolled-back savepoint as the row's own change is), and the app servers
    notified; a later row of the same statement only works out the next publish time again, where
    it may have moved it. pagecache_set_key(): a key given that number, written once."""
    now = DATABASE_NOW["postgresql"]
    upcoming = next_change_sql(alias, now)
    return [
        "DROP FUNCTION IF EXISTS pagecache_bump()",
        "CREATE OR REPLACE FUNCTION pagecache_bump(schedule boolean) RETURNS bigint AS $$ "
        "DECLARE remembered text; this text; bumped bigint; BEGIN "
        "remembered := current_setting('pagecache.bumped', true); "
        "this := txid_current()::text || '@' || statement_timestamp()::text; "
        "IF remembered IS NOT NULL AND split_part(remembered, '|', 2) = this THEN "
        "bumped := split_part(remembered, '|', 1)::bigint; "
        f"IF schedule THEN UPDATE {TABLE} SET next_change_at = {upcoming} WHERE id = 1; END IF; "
        "RETURN bumped; END IF; "
        f"UPDATE {TABLE} SET value = value + 1, changed_at = {now}, next_change_at = {upcoming} "
        "WHERE id = 1 RETURNING value INTO bumped; "
        "PERFORM set_config('pagecache.bumped', bumped::text || '|' || this, true); "
        f"PERFORM pg_notify('{CHANNEL}', ''); RETURN bumped; END; $$ LANGUAGE plpgsql",
        "CREATE OR REPLACE FUNCTION pagecache_set_key(name text, bumped bigint) RETURNS void AS $$ "
        f'BEGIN INSERT INTO {KEYS} AS k ("key", version, changed_at) '
        f"SELECT name, value, changed_at FROM {TABLE} WHERE id = 1 AND value = bumped "
        'ON CONFLICT ("key") DO UPDATE SET version = excluded.version, changed_at = excluded.changed_at '
        "WHERE k.version IS DISTINCT FROM excluded.version; "
        "END; $$ LANGUAGE plpgsql",
        f"CREATE OR REPLACE FUNCTION {ALL_FUNCTION}() RETURNS trigger AS $$ "
        f"BEGIN PERFORM pagecache_set_key('{EVERYTHING}', pagecache_bump(true)); RETURN NULL; END; "
        "$$ LANGUAGE plpgsql",
    ]


def postgres_owned_branch(alias, owned, row):
    owner = f'{row}."{owned.column}"'
    public = public_sql(alias, owner)
    membership = membership_changed(owned, row, "postgresql")
    if owned.membership and owned.membership is not True:
        membership = f"(TG_OP <> 'UPDATE' OR {membership})"
    prefix = dependencies().prefix
    return (
        f"PERFORM pagecache_set_key('{prefix}-' || {owner}, bumped); "
        f"IF {public} THEN PERFORM pagecache_set_key('{LISTS}', bumped); "
        f"IF {membership} THEN PERFORM pagecache_set_key('{PUBLISHED_SET}', bumped); END IF; END IF;"
    )


def postgres_statements(alias, table, owned):
    statements = [] if table != watched_tables(alias)[0] else postgres_functions(alias)
    if owned is None:
        statements.append(
            f"CREATE TRIGGER {table}_pc_all AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {ALL_FUNCTION}()"
        )
        return statements
    function = f"pagecache_keys_{table}"
    statements.append(
        f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$ DECLARE bumped bigint; "
        f"BEGIN bumped := pagecache_bump({'true' if in_schedule(alias, table) else 'false'}); "
        "IF TG_WHEN = 'AFTER' THEN "
        f"{postgres_owned_branch(alias, owned, 'NEW')} RETURN NULL; END IF; "
        f"{postgres_owned_branch(alias, owned, 'OLD')} "
        "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END; $$ LANGUAGE plpgsql"
    )
    when = seen_changed(owned, "postgresql")
    for suffix, timing in (
        ("pc_insert", "AFTER INSERT"),
        ("pc_update_old", f"BEFORE UPDATE ON {table} FOR EACH ROW WHEN ({when})"),
        ("pc_update_new", f"AFTER UPDATE ON {table} FOR EACH ROW WHEN ({when})"),
        ("pc_delete", "BEFORE DELETE"),
    ):
        target = timing if " ON " in timing else f"{timing} ON {table} FOR EACH ROW"
        statements.append(f"CREATE TRIGGER {table}_{suffix} {target} EXECUTE FUNCTION {function}()")
    statements.append(
        f"CREATE TRIGGER {table}_pc_truncate AFTER TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {ALL_FUNCTION}()"
    )
    return statements
