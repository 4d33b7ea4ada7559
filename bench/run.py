"""Measure Citewell under gunicorn with wrk, and print figures and ratios from one run.

For each article count asked for, this builds a database (SQLite by default, or
DATABASE_URL), starts the production setup under gunicorn (2 sync workers, DEBUG
off) and measures with wrk:

- the article page and the home page with the full-page cache off,
- the same pages with the full-page cache on,
- the 304 answer to a conditional request,
- and, as the ceiling, the article page's own HTML bytes served as a static file
  by WhiteNoise under the same gunicorn settings;
- and search latency, one request at a time over a mix of queries.

It prints requests per second, p50 and p99 latency, the ratio to the ceiling and
the workers' CPU time per request (from /proc, where there is one), with 16
connections by default so that both workers stay busy, queries per render, the
HTML size and peak memory per worker, and writes the figures as JSON under
bench/results/. With two or more article counts it also
compares query counts and p50 latencies between the smallest and the largest.

Usage: python bench/run.py [--articles 1 [100 10000 ...]] [--duration 10] [--profile]

DATABASE_URL may name a PostgreSQL database; "{count}" in it is replaced by the
article count, so that each count keeps its own database between runs (it is
created when missing and filled once). Without it, SQLite files are used.
"""

import argparse
import gzip
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
ARTICLE = "/articles/does-magnesium-help-osteoporosis/"
BARS = {"article, cache off": 0.10, "article, full-page cache": 0.90}


def log(message):
    print(message, file=sys.stderr, flush=True)


def ensure_wrk():
    if shutil.which("wrk"):
        return shutil.which("wrk")
    apt = shutil.which("apt-get")
    sudo = [] if os.geteuid() == 0 else ["sudo", "-n"]
    if apt and (not sudo or shutil.which("sudo")):
        log("Installing wrk (apt-get)...")
        subprocess.run([*sudo, apt, "update", "-qq"], check=False, stdout=subprocess.DEVNULL)
        subprocess.run(
            [*sudo, apt, "install", "-y", "-qq", "wrk"],
            check=False,
            stdout=subprocess.DEVNULL,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        )
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: install it (apt-get install wrk, or brew install wrk) and run again.")
    return shutil.which("wrk")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def site_env(work, database_url, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SECURE_", "PAGE_CACHE"))}
    env.update(
        ENV_FILE="",
        DJANGO_SETTINGS_MODULE="site_config.settings.prod",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        DATABASE_URL=database_url,
        STATIC_ROOT=str(work / "static"),
        LOG_LEVEL="WARNING",
        CACHE_URL=os.environ.get("CACHE_URL", ""),
        RATE_LIMIT_SEARCH="100000/m",  # one client times many searches: counted, never refused
    )
    if not env["CACHE_URL"]:
        env.pop("CACHE_URL")
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


def prepare_database(work, count):
    url = os.environ.get("DATABASE_URL", "").replace("{count}", str(count))
    url = url or f"sqlite:///{work / f'bench-{count}.sqlite3'}"
    if url.startswith("postgres"):
        ensure_postgres_database(url)
    env = site_env(work, url)
    manage(env, "migrate", "--noinput")
    existing = int(
        subprocess.run(
            [
                PYTHON,
                "-c",
                "import django; django.setup(); from articles.models import Article; print(Article.objects.count())",
            ],
            cwd=BASE,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    if existing == 0:
        manage(env, "loaddata", "initial_article")
        existing = 1
    if existing > count:
        sys.exit(f"The database already holds {existing} articles, more than {count}; use an empty one.")
    if existing < count:
        log(f"Generating {count - existing} articles...")
        manage(env, "generate_articles", str(count - existing), quiet=False)
    return url


class Server:
    """gunicorn, as scripts/start-production runs it: 2 sync workers, DEBUG off."""

    def __init__(self, env):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "gunicorn",
                "site_config.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "2",
                "--worker-class",
                "sync",
            ],
            cwd=BASE,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(200):
            try:
                urllib.request.urlopen(self.url + "/healthz", timeout=1)
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("gunicorn did not start")

    def get(self, path, headers=None):
        request = urllib.request.Request(self.url + path, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), b""

    def worker_memory_mb(self):
        """(resident now, highest resident: VmRSS, VmHWM) of each worker, in MB."""
        children = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True, check=False)
        figures = []
        for pid in children.stdout.split():
            status = Path(f"/proc/{pid}/status")
            if status.exists():
                text = status.read_text()
                rss, peak = (re.search(rf"{key}:\s+(\d+) kB", text) for key in ("VmRSS", "VmHWM"))
                if rss and peak:
                    figures.append((int(rss.group(1)) / 1024, int(peak.group(1)) / 1024))
        return figures

    def cpu_seconds(self):
        """CPU time (user + system) the workers have used so far, from /proc; None where there is none."""
        children = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True, check=False)
        ticks, found = 0, False
        for pid in children.stdout.split():
            stat = Path(f"/proc/{pid}/stat")
            if stat.exists():
                fields = stat.read_text().rsplit(")", 1)[1].split()  # after the command's name
                ticks += int(fields[11]) + int(fields[12])  # utime and stime, the 14th and 15th fields
                found = True
        return ticks / os.sysconf("SC_CLK_TCK") if found else None

    def peak_memory_mb(self):
        """Highest resident memory of any worker (VmHWM), in MB."""
        peaks = [peak for _, peak in self.worker_memory_mb()]
        return round(max(peaks), 1) if peaks else None

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=15)


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(url, duration, connections, headers=(), server=None):
    """wrk's figures for one address; with the `server`, also the workers' CPU time per request."""
    base = [shutil.which("wrk"), "-t2", f"-c{connections}"]
    for header in headers:
        base += ["-H", header]
    subprocess.run([*base, "-d1s", url], capture_output=True, check=True)  # warm up
    cpu_before = server.cpu_seconds() if server else None
    output = subprocess.run(
        [*base, f"-d{duration}s", "--latency", url], capture_output=True, text=True, check=True
    ).stdout
    cpu_after = server.cpu_seconds() if server else None
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    latency = {}
    for pct in ("50", "99"):
        value, unit = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M).groups()
        latency[pct] = round(float(value) * UNITS[unit], 3)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "requests_per_second": rate,
        "p50_ms": latency["50"],
        "p99_ms": latency["99"],
        "bad_responses": int(errors.group(1)) if errors else 0,
        "cpu_ms_per_request": (
            round((cpu_after - cpu_before) * 1000 / requests, 3)
            if cpu_before is not None and cpu_after is not None and requests
            else None
        ),
    }


SEARCHES = [
    "magnesium",
    "vitamin d",
    "zinc colds",
    "bone density",
    "folate pregnancy",
    '"upper limit"',
    "iron -anemia",
    "sleep OR migraine",
    "supplement absorption",
    "omega-3 fatty acids",
    "potassium blood pressure",
    "deficiency test",
    "calcium",
    "side effects interactions",
    "older adults",
    "wrist fractures",
    "pumpkin seeds",
    "randomized trials",
    "selenium",
    "choline memory",
]


def measure_search(server, rounds):
    """Latency of /search/ one request at a time, over a mix of queries (searches are not cached)."""
    from urllib.parse import urlencode

    timings = []
    for _ in range(rounds):
        for query in SEARCHES:
            started = time.perf_counter()
            status, _, _ = server.get("/search/?" + urlencode({"q": query}))
            timings.append((time.perf_counter() - started) * 1000)
            assert status == 200, status
    timings.sort()
    pick = lambda q: round(timings[min(len(timings) - 1, int(q * len(timings)))], 2)  # noqa: E731
    return {"requests": len(timings), "p50_ms": pick(0.50), "p95_ms": pick(0.95), "max_ms": round(timings[-1], 2)}


def queries_per_render(env):
    code = """
import django, json, os
django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
counts = {}
for name, url in (("article", os.environ["BENCH_ARTICLE"]), ("home", "/")):
    with CaptureQueriesContext(connection) as queries:
        response = Client().get(url, HTTP_HOST="127.0.0.1")
    assert response.status_code == 200, response.status_code
    counts[name] = len(queries)
print(json.dumps(counts))
"""
    environment = {**env, "PAGE_CACHE": "false", "BENCH_ARTICLE": ARTICLE}
    result = subprocess.run([PYTHON, "-c", code], cwd=BASE, env=environment, capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def profile(env):
    code = """
import django, os
django.setup()
from django.test import Client
from pyinstrument import Profiler
client = Client()
url = os.environ["BENCH_ARTICLE"]
client.get(url, HTTP_HOST="127.0.0.1")
profiler = Profiler(interval=0.0005)
profiler.start()
for _ in range(300):
    client.get(url, HTTP_HOST="127.0.0.1")
profiler.stop()
print(profiler.output_text(unicode=True, color=False, show_all=False))
"""
    subprocess.run(
        [PYTHON, "-c", code], cwd=BASE, env={**env, "PAGE_CACHE": "false", "BENCH_ARTICLE": ARTICLE}, check=True
    )


def run(count, args, work):
    log(f"== {count} article(s) ==")
    database_url = prepare_database(work, count)
    env = site_env(work, database_url)
    manage(env, "collectstatic", "--noinput")
    results = {"queries": queries_per_render(env)}

    server = Server({**env, "PAGE_CACHE": "false"})
    status, _, html = server.get(ARTICLE)
    assert status == 200, status
    server.stop()
    (work / "static" / "bench").mkdir(parents=True, exist_ok=True)
    (work / "static" / "bench" / "article.html").write_bytes(html)
    results["html_bytes"] = len(html)
    results["html_gzip_bytes"] = len(gzip.compress(html, 6))

    rows = {}
    server = Server({**env, "PAGE_CACHE": "false"})
    try:
        rows["static file (ceiling)"] = wrk(
            server.url + "/static/bench/article.html", args.duration, args.connections, server=server
        )
        rows["article, cache off"] = wrk(server.url + ARTICLE, args.duration, args.connections, server=server)
        rows["home, cache off"] = wrk(server.url + "/", args.duration, args.connections, server=server)
        memory_off = server.peak_memory_mb()
    finally:
        server.stop()
    server = Server({**env, "PAGE_CACHE": "true"})
    try:
        _, headers, _ = server.get(ARTICLE)
        rows["article, full-page cache"] = wrk(server.url + ARTICLE, args.duration, args.connections, server=server)
        rows["home, full-page cache"] = wrk(server.url + "/", args.duration, args.connections, server=server)
        status, _, _ = server.get(ARTICLE, {"If-None-Match": headers["ETag"]})
        assert status == 304, status
        rows["article, 304 Not Modified"] = wrk(
            server.url + ARTICLE,
            args.duration,
            args.connections,
            headers=[f"If-None-Match: {headers['ETag']}"],
            server=server,
        )
        results["search"] = measure_search(server, rounds=10)
        memory_on = server.peak_memory_mb()
    finally:
        server.stop()
    ceiling = rows["static file (ceiling)"]["requests_per_second"]
    for row in rows.values():
        row["ratio_to_ceiling"] = round(row["requests_per_second"] / ceiling, 3)
    results["rows"] = rows
    results["peak_worker_memory_mb"] = max(m for m in (memory_off, memory_on) if m is not None)
    results["database"] = database_url.split(":", 1)[0]
    if args.profile:
        profile(env)
    return results


def report(count, results, args):
    print(
        f"\nCitewell, {count} article(s), {results['database']}; gunicorn 2 sync workers, DEBUG off; "
        f"wrk -t2 -c{args.connections} -d{args.duration}s"
    )
    print(f"{'':28} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'x ceiling':>10} {'CPU ms/req':>11}")
    for name, row in results["rows"].items():
        cpu = row["cpu_ms_per_request"]
        print(
            f"{name:28} {row['requests_per_second']:9.1f} {row['p50_ms']:8.2f} {row['p99_ms']:8.2f} "
            f"{row['ratio_to_ceiling']:10.3f} {'n/a' if cpu is None else f'{cpu:.3f}':>11}"
        )
    q = results["queries"]
    print(f"queries per render: article {q['article']}, home {q['home']}")
    print(f"article HTML: {results['html_bytes']:,} bytes ({results['html_gzip_bytes']:,} gzipped)")
    print(f"peak memory per worker: {results['peak_worker_memory_mb']} MB")
    search = results["search"]
    print(
        f"search, one at a time over {search['requests']} requests: p50 {search['p50_ms']} ms, "
        f"p95 {search['p95_ms']} ms, max {search['max_ms']} ms"
    )
    for name, bar in BARS.items():
        ratio = results["rows"][name]["ratio_to_ceiling"]
        print(f"bar: {name} >= {bar:.2f} of the ceiling: {ratio:.3f} {'met' if ratio >= bar else 'NOT MET'}")


def compare(all_results):
    counts = sorted(all_results)
    small, large = all_results[counts[0]], all_results[counts[-1]]
    print(f"\nGrowth: {counts[0]} -> {counts[-1]} articles")
    for page, key in (("article", "article, cache off"), ("home", "home, cache off")):
        q0, q1 = small["queries"][page], large["queries"][page]
        p0, p1 = small["rows"][key]["p50_ms"], large["rows"][key]["p50_ms"]
        ratio = p1 / p0 if p0 else float("inf")
        print(
            f"{page:8} queries {q0} -> {q1} ({'same' if q0 == q1 else 'DIFFERENT'}); "
            f"p50 {p0:.2f} -> {p1:.2f} ms, x{ratio:.2f} ({'within' if ratio <= 1.5 else 'OVER'} 1.5)"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, nargs="+", default=[1])
    parser.add_argument("--duration", type=int, default=10)
    # 16 connections keep both workers busy (4 left them idle between requests: a latency figure, not a
    # cost); the CPU column is what each request cost the workers, whatever the load.
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--profile", action="store_true", help="also profile 300 article renders")
    args = parser.parse_args()
    ensure_wrk()
    all_results = {}
    with tempfile.TemporaryDirectory(prefix="citewell-bench-") as tmp:
        for count in sorted(args.articles):
            all_results[count] = run(count, args, Path(tmp))
            report(count, all_results[count], args)
    if len(all_results) > 1:
        compare(all_results)
    out = BASE / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = out / f"{stamp}.json"
    path.write_text(
        json.dumps(
            {"taken_at": stamp, "duration_s": args.duration, "connections": args.connections, "results": all_results},
            indent=2,
        )
    )
    print(f"\nFigures written to {path.relative_to(BASE)}")


if __name__ == "__main__":
    main()
