"""Measure Citewell under gunicorn with wrk, and print figures and ratios from one run.

For each article count asked for and each database (SQLite; with --postgres also
PostgreSQL + Redis, both started by the benchmark itself; or the one DATABASE_URL
names), this builds a database, starts the production setup under gunicorn (2 sync
workers, DEBUG off) and measures with wrk:

- the article page and the home page with the full-page cache off,
- the same pages with the full-page cache on,
- the 304 answer to a conditional request,
- with --varnish, the article page through Varnish (deploy/varnish/citewell.vcl)
  in front of the server with the cache on,
- and, as the ceiling, the article page's own HTML bytes served as a static file
  by WhiteNoise under the same gunicorn settings, in the same run;
- and search latency, one request at a time over a mix of queries.

It prints requests per second, p50 and p99 latency, the ratio to the ceiling and
the workers' CPU time per request (from /proc, where there is one), with 16
connections by default so that both workers stay busy, the databases side by side;
queries per render, the HTML size and peak memory per worker, and writes the
figures as JSON under bench/results/. With two or more article counts it also
compares query counts and p50 latencies between the smallest and the largest.

With --edit-while-reading, readers ask for random article pages among
--edit-articles (1,000) while an editor saves every --edit-interval seconds
(bench/editing.py): it prints the share of pages served from the page cache.

Usage: python bench/run.py [--articles 1 [100 10000 ...]] [--duration 10] [--postgres]
       [--varnish] [--edit-while-reading] [--profile]

DATABASE_URL may name a PostgreSQL database instead; "{count}" in it is replaced by
the article count, so that each count keeps its own database between runs (it is
created when missing and filled once); CACHE_URL then names the cache, if any.
"""

import argparse
import gzip
import json
import os
import secrets
import subprocess
import sys
import tempfile
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import editing
import report
import services
from measure import ARTICLE, BASE, PYTHON, Server, log, measure_search, profile, queries_per_render, wrk


@dataclass
class Database:
    """Where a run keeps its data: `url` with "{count}" for the article count, and the cache."""

    name: str
    url: str
    cache_url: str = ""
    own_cache: bool = False  # started by the benchmark: emptied before each run

    def empty_cache(self):
        if self.own_cache:
            import redis

            redis.Redis.from_url(self.cache_url).flushdb()


def site_env(work, database, url, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SECURE_", "PAGE_CACHE"))}
    env.pop("CACHE_URL", None)
    env.update(
        ENV_FILE="",
        DJANGO_SETTINGS_MODULE="site_config.settings.prod",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        SECURE_COOKIES="false",  # the editor of the edit-while-reading run signs in over HTTP
        DATABASE_URL=url,
        STATIC_ROOT=str(work / "static"),
        LOG_LEVEL="WARNING",
        RATE_LIMIT_SEARCH="100000/m",  # one client times many searches: counted, never refused
    )
    if database.cache_url:
        env["CACHE_URL"] = database.cache_url
    env.update(extra)
    return env


def manage(env, *args, quiet=True):
    subprocess.run(
        [PYTHON, "manage.py", *args], cwd=BASE, env=env, check=True, stdout=subprocess.DEVNULL if quiet else None
    )


def ensure_postgres_database(url):
    """Create the PostgreSQL database named in url if it does not exist yet."""
    from urllib.parse import urlsplit

    import psycopg

    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


COUNT = "import django; django.setup(); from articles.models import Article; print(Article.objects.count())"


def prepare_database(work, database, count):
    """The database for `count` articles, migrated and filled (the initial article, then generated ones):
    the environment of the app with it."""
    url = database.url.replace("{count}", str(count))
    if url.startswith("postgres"):
        ensure_postgres_database(url)
    env = site_env(work, database, url)
    manage(env, "migrate", "--noinput")
    existing = int(subprocess.run([PYTHON, "-c", COUNT], cwd=BASE, env=env, check=True, capture_output=True).stdout)
    if existing == 0:
        manage(env, "loaddata", "initial_article")
        existing = 1
    if existing > count:
        sys.exit(f"The database already holds {existing} articles, more than {count}; use an empty one.")
    if existing < count:
        log(f"Generating {count - existing} articles ({database.name})...")
        manage(env, "generate_articles", str(count - existing), quiet=False)
    return env


def ceiling_file(env, work):
    """Serve the article page's own bytes as a static file (the ceiling); their sizes."""
    server = Server({**env, "PAGE_CACHE": "false"})
    try:
        status, _, html = server.get(ARTICLE)
    finally:
        server.stop()
    assert status == 200, status
    (work / "static" / "bench").mkdir(parents=True, exist_ok=True)
    (work / "static" / "bench" / "article.html").write_bytes(html)
    return {"html_bytes": len(html), "html_gzip_bytes": len(gzip.compress(html, 6))}


def uncached(env, args, rows):
    server = Server({**env, "PAGE_CACHE": "false"})
    try:
        measure = lambda path: wrk(server.url + path, args.duration, args.connections, server=server)  # noqa: E731
        rows["static file (ceiling)"] = measure("/static/bench/article.html")
        rows["article, cache off"] = measure(ARTICLE)
        rows["home, cache off"] = measure("/")
        return server.peak_memory_mb()
    finally:
        server.stop()


def cached(env, args, rows, work, results):
    server = Server({**env, "PAGE_CACHE": "true"})
    try:
        measure = lambda url, **kw: wrk(url, args.duration, args.connections, server=server, **kw)  # noqa: E731
        _, headers, _ = server.get(ARTICLE)
        rows["article, full-page cache"] = measure(server.url + ARTICLE)
        rows["home, full-page cache"] = measure(server.url + "/")
        status, _, _ = server.get(ARTICLE, {"If-None-Match": headers["ETag"]})
        assert status == 304, status
        rows["article, 304 Not Modified"] = measure(server.url + ARTICLE, headers=[f"If-None-Match: {headers['ETag']}"])
        if args.varnish:
            with services.varnish(work, server.port) as front:
                rows["article, through Varnish"] = measure(front + ARTICLE)
        results["search"] = measure_search(server, rounds=10)
        return server.peak_memory_mb()
    finally:
        server.stop()


def run(count, args, work, database):
    log(f"== {count} article(s), {database.name} ==")
    env = prepare_database(work, database, count)
    database.empty_cache()
    manage(env, "collectstatic", "--noinput")
    results = {"queries": queries_per_render(env), "database": database.name, **ceiling_file(env, work)}
    rows = {}
    memory = [uncached(env, args, rows), cached(env, args, rows, work, results)]
    ceiling = rows["static file (ceiling)"]["requests_per_second"]
    for row in rows.values():
        row["ratio_to_ceiling"] = round(row["requests_per_second"] / ceiling, 3)
    results["rows"] = rows
    if "article, through Varnish" in rows:
        times = (
            rows["article, through Varnish"]["requests_per_second"]
            / rows["article, full-page cache"]["requests_per_second"]
        )
        results["varnish_times_app_cached"] = round(times, 2)
    results["peak_worker_memory_mb"] = max((m for m in memory if m is not None), default=None)
    if args.profile:
        profile(env)
    return results


def edit_while_reading(args, work, database):
    log(f"== edit while reading, {args.edit_articles} articles, {database.name} ==")
    env = prepare_database(work, database, args.edit_articles)
    database.empty_cache()
    manage(env, "collectstatic", "--noinput")
    server = Server({**env, "PAGE_CACHE": "true"})
    try:
        return editing.run(env, server, work, args)
    finally:
        server.stop()


def databases(args, work, stack):
    """The databases to measure, side by side; PostgreSQL and Redis are started here with --postgres."""
    if os.environ.get("DATABASE_URL"):
        url, cache_url = os.environ["DATABASE_URL"], os.environ.get("CACHE_URL", "")
        name = "PostgreSQL" if url.startswith("postgres") else url.split(":", 1)[0]
        return [Database(name + (" + Redis" if cache_url.startswith("redis") else ""), url, cache_url)]
    found = [Database("SQLite", f"sqlite:///{work / 'bench-{count}.sqlite3'}")]
    if args.postgres:
        server, cache_url = stack.enter_context(services.postgres(work)), stack.enter_context(services.redis(work))
        found.append(Database("PostgreSQL + Redis", server + "/citewell_bench_{count}", cache_url, own_cache=True))
    return found


def arguments():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, nargs="+", default=[1])
    parser.add_argument("--duration", type=int, default=10)
    # 16 connections keep both workers busy (4 left them idle between requests: a latency figure, not a
    # cost); the CPU column is what each request cost the workers, whatever the load.
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--postgres", action="store_true", help="also on PostgreSQL + Redis, started here")
    parser.add_argument("--varnish", action="store_true", help="also the article page through Varnish")
    parser.add_argument("--edit-while-reading", action="store_true", help="the hit ratio while an editor saves")
    parser.add_argument("--edit-articles", type=int, default=1000)
    parser.add_argument("--edit-duration", type=int, default=30)
    parser.add_argument("--edit-interval", type=float, default=2.5)
    parser.add_argument("--profile", action="store_true", help="also profile 300 article renders")
    return parser.parse_args()


def main():
    args = arguments()
    services.ensure("wrk", "wrk")
    all_results, edits = {}, {}
    with tempfile.TemporaryDirectory(prefix="citewell-bench-") as tmp, ExitStack() as stack:
        work = Path(tmp)
        for database in databases(args, work, stack):
            for count in sorted(args.articles):
                all_results.setdefault(count, {})[database.name] = run(count, args, work, database)
            if args.edit_while_reading:
                edits[database.name] = edit_while_reading(args, work, database)
    for count, by_database in sorted(all_results.items()):
        report.side_by_side(count, by_database, args)
    if len(all_results) > 1:
        report.growth(all_results)
    for name, results in edits.items():
        editing.report(name, results, args)
    out = BASE / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = out / f"{stamp}.json"
    figures = {"results": all_results, "edit_while_reading": edits}
    path.write_text(
        json.dumps(
            {"taken_at": stamp, "duration_s": args.duration, "connections": args.connections, **figures}, indent=2
        )
    )
    print(f"\nFigures written to {path.relative_to(BASE)}")


if __name__ == "__main__":
    main()
