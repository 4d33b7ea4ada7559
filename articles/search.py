"""Full-text search over published articles, the best each database offers.

PostgreSQL: a weighted tsvector per article (title A, summary B, lead and the
article's rows C, body D) kept by a trigger in a column Django does not manage,
a GIN index on it, websearch_to_tsquery for the reader's words (quotes, OR and
-word work, and nothing they type is a syntax error), and ts_headline for
highlighted snippets. Ranking reads a second, small vector of the title (A) and
summary (B) only: ranking the whole document costs a read of every matching
article's full vector, tens of milliseconds once a common word matches
thousands, while this keeps a search near 10 ms at 10,000 articles. So a match
in the title ranks above one in the summary, above one only in the text, and
equal ranks go newest first.

SQLite: an FTS5 table over the same fields, kept by triggers, the porter
stemmer, bm25 ranking with the same weights, and snippet() for highlights. The
reader's words are passed as quoted terms, so no character of theirs is FTS5
syntax. Where SQLite lacks FTS5, every word must appear (LIKE), newest first.

The search objects are (re)created after every migrate (articles.signals). Which
articles are published comes from published() itself, compiled into the SQL.
"""

import re
from dataclasses import dataclass

from django.db import connection, connections, transaction
from django.utils.html import escape
from django.utils.safestring import mark_safe

from pagecache.compiled import condition

from .models import Article

MAX_QUERY_LENGTH = 200
MAX_TERMS = 12
START, STOP = "\x02", "\x03"
HEADLINE_TEXT = 10000  # characters of the text that snippets are taken from
PHRASE_POOL = 300  # best matches of a phrase's words among which the phrase is looked for
A = Article._meta.db_table  # the articles, by the table's own name, as published() compiles
FTS_TABLE = "articles_article_fts"
FTS_COLUMNS = ("title", "summary", "lead", "search_text", "body_text")
FTS_WEIGHTS = "10.0, 5.0, 2.0, 2.0, 1.0"
PG_RANK_VECTOR = (
    "setweight(to_tsvector('english', coalesce({p}title, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce({p}summary, '')), 'B')"
)
PG_VECTOR = PG_RANK_VECTOR + (
    " || setweight(to_tsvector('english', coalesce({p}lead, '') || ' ' || coalesce({p}search_text, '')), 'C') || "
    "setweight(to_tsvector('english', coalesce({p}body_text, '')), 'D')"
)


def clean_query(text):
    """The reader's query, trimmed to a bound, or '' when there is nothing to look for."""
    text = re.sub(r"\s+", " ", (text or "").replace("\x00", " ")).strip()
    return text[:MAX_QUERY_LENGTH].strip()


@dataclass
class Hit:
    article_id: int
    snippet: str


def highlighted(text):
    """Escape a snippet from the database, then mark the matched words."""
    safe = escape(text.replace("\n", " ")).replace(START, "<mark>").replace(STOP, "</mark>")
    return mark_safe(safe)  # noqa: S308 - built from escaped text and our own tags only


def is_published(using):
    """SQL and parameters of the condition that an article (its table by its own name, A) is
    published: published() itself, compiled."""
    return condition(Article.objects.using(using).published(), using)


def search(query, offset, limit):
    """Ids and snippets of published articles matching query, best first."""
    published, published_params = is_published(connection.alias)
    if connection.vendor == "postgresql":
        return _postgres(query, offset, limit, published, published_params)
    terms = re.findall(r"\w+", query)[:MAX_TERMS]
    if not terms:
        return []
    if connection.vendor == "sqlite" and has_fts5():
        match = " ".join(f'"{term}"' for term in terms)
        sql = (
            f"SELECT {A}.id, snippet({FTS_TABLE}, -1, '{START}', '{STOP}', ' … ', 30) "
            f"FROM {FTS_TABLE} JOIN {A} ON {A}.id = {FTS_TABLE}.rowid "
            f"WHERE {FTS_TABLE} MATCH %s AND {published} "
            f"ORDER BY bm25({FTS_TABLE}, {FTS_WEIGHTS}), {A}.published_at DESC, {A}.id DESC "
            "LIMIT %s OFFSET %s"
        )
        params = [match, *published_params, limit, offset]
    else:
        text = " || ' ' || ".join(f"{A}.{column}" for column in FTS_COLUMNS)
        like = " AND ".join(f"({text}) LIKE %s" for _ in terms)
        sql = (
            f"SELECT {A}.id, substr({A}.summary, 1, 200) FROM {A} "
            f"WHERE {like} AND {published} ORDER BY {A}.published_at DESC, {A}.id DESC LIMIT %s OFFSET %s"
        )
        params = [*(f"%{term}%" for term in terms), *published_params, limit, offset]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [Hit(article_id, snippet or "") for article_id, snippet in cursor.fetchall()]


def _postgres(query, offset, limit, published, published_params):
    """websearch_to_tsquery over the GIN index, ranked on title and summary, with ts_headline snippets.

    Matches come from the GIN index: a sequential scan would test every
    article's full vector, which is what makes common words slow. A quoted
    phrase needs each candidate's word positions, so it is looked for among
    the best PHRASE_POOL matches of its words.
    """
    words = query.replace('"', " ")
    candidates = (  # the page (LIMIT n OFFSET m), or for a phrase the pool to look in
        f"SELECT {A}.id, {A}.published_at, {A}.search_vector, ts_rank({A}.search_rank_vector, w) AS rank "
        f"FROM {A}, websearch_to_tsquery('english', %s) w "
        f"WHERE {A}.search_vector @@ w AND {published} "
        f"ORDER BY rank DESC, {A}.published_at DESC, {A}.id DESC LIMIT %s"
    )
    if words != query:
        candidates = (
            f"SELECT c.* FROM ({candidates}) c, websearch_to_tsquery('english', %s) p "
            "WHERE c.search_vector @@ p ORDER BY c.rank DESC, c.published_at DESC, c.id DESC "
            "LIMIT %s"
        )
        params = [words, *published_params, PHRASE_POOL, query, limit]
    else:
        params = [words, *published_params, limit]
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            "SELECT a.id, ts_headline('english', coalesce(a.summary, '') || ' ' || "
            f"left(a.body_text, {HEADLINE_TEXT}), q, 'StartSel={START}, StopSel={STOP}, "
            'MaxWords=35, MinWords=15, MaxFragments=2, FragmentDelimiter=" … "\') '
            f"FROM ({candidates} OFFSET %s) c JOIN {A} a ON a.id = c.id, "
            "websearch_to_tsquery('english', %s) q "
            "ORDER BY c.rank DESC, c.published_at DESC, c.id DESC",
            [*params, offset, query],
        )
        return [Hit(article_id, snippet or "") for article_id, snippet in cursor.fetchall()]


_fts5_seen = set()


def has_fts5(using="default"):
    """Whether this SQLite database has the FTS5 index; once seen, not asked again."""
    if using not in _fts5_seen:
        with connections[using].cursor() as cursor:
            cursor.execute("SELECT name FROM sqlite_master WHERE name = %s", [FTS_TABLE])
            if cursor.fetchone() is not None:
                _fts5_seen.add(using)
    return using in _fts5_seen


def _fts5_available(cursor):
    try:
        cursor.execute("CREATE VIRTUAL TABLE temp.citewell_fts5_probe USING fts5(x)")
        cursor.execute("DROP TABLE temp.citewell_fts5_probe")
        return True
    except Exception:
        return False


def drop_search_objects(using):
    """Remove what keeps the search index current, so migrations can rebuild tables."""
    db = connections[using]
    with db.cursor() as cursor:
        if db.vendor == "sqlite":
            for suffix in ("ai", "ad", "au"):
                cursor.execute(f"DROP TRIGGER IF EXISTS {FTS_TABLE}_{suffix}")


def install_search_objects(using):
    """Create the search index for this database and bring it up to date."""
    db = connections[using]
    if "articles_article" not in db.introspection.table_names():
        return
    with db.cursor() as cursor:
        if db.vendor == "postgresql":
            cursor.execute("ALTER TABLE articles_article ADD COLUMN IF NOT EXISTS search_vector tsvector")
            cursor.execute("ALTER TABLE articles_article ADD COLUMN IF NOT EXISTS search_rank_vector tsvector")
            cursor.execute(
                "CREATE OR REPLACE FUNCTION articles_article_search_vector() RETURNS trigger AS $$ "
                f"BEGIN NEW.search_vector := {PG_VECTOR.format(p='NEW.')}; "
                f"NEW.search_rank_vector := {PG_RANK_VECTOR.format(p='NEW.')}; RETURN NEW; END; "
                "$$ LANGUAGE plpgsql"
            )
            cursor.execute("DROP TRIGGER IF EXISTS articles_article_search ON articles_article")
            cursor.execute(
                "CREATE TRIGGER articles_article_search BEFORE INSERT OR UPDATE ON articles_article "
                "FOR EACH ROW EXECUTE FUNCTION articles_article_search_vector()"
            )
            cursor.execute(
                "CREATE INDEX IF NOT EXISTS articles_article_search_idx "
                "ON articles_article USING GIN (search_vector) WITH (fastupdate = off)"
            )
            cursor.execute(
                f"UPDATE articles_article SET search_vector = {PG_VECTOR.format(p='')}, "
                f"search_rank_vector = {PG_RANK_VECTOR.format(p='')} "
                "WHERE search_vector IS NULL OR search_rank_vector IS NULL"
            )
        elif db.vendor == "sqlite" and _fts5_available(cursor):
            columns = ", ".join(FTS_COLUMNS)
            new = ", ".join(f"new.{c}" for c in FTS_COLUMNS)
            old = ", ".join(f"old.{c}" for c in FTS_COLUMNS)
            cursor.execute(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5({columns}, "
                "content='articles_article', content_rowid='id', tokenize='porter unicode61')"
            )
            drop_search_objects(using)
            cursor.execute(
                f"CREATE TRIGGER {FTS_TABLE}_ai AFTER INSERT ON articles_article BEGIN "
                f"INSERT INTO {FTS_TABLE}(rowid, {columns}) VALUES (new.id, {new}); END"
            )
            cursor.execute(
                f"CREATE TRIGGER {FTS_TABLE}_ad AFTER DELETE ON articles_article BEGIN "
                f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {columns}) VALUES ('delete', old.id, {old}); END"
            )
            cursor.execute(
                f"CREATE TRIGGER {FTS_TABLE}_au AFTER UPDATE ON articles_article BEGIN "
                f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {columns}) VALUES ('delete', old.id, {old}); "
                f"INSERT INTO {FTS_TABLE}(rowid, {columns}) VALUES (new.id, {new}); END"
            )
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")
