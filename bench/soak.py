"""Soak test: a minute of mixed traffic against the production setup, on this computer only.

Starts gunicorn (2 sync workers, DEBUG off, the production settings) on 127.0.0.1,
with a private Redis on 127.0.0.1 as the shared cache when `redis-server` is
installed, behind a pretend proxy (TRUSTED_PROXIES=1) so that simulated readers
come from many addresses. Then:

1. a quiet baseline: readers alone, on cached pages;
2. the soak: readers, searches, feeds, an attacker failing to sign in, an editor
   signed in with a second factor saving the article every few seconds, and the
   largest Markdown preview the site accepts, plus one over the limit.

It prints every answer by kind and status, the errors (any 5xx, a lost
connection, a timeout or a status that kind of request should never get),
p50/p99 of cached pages in the baseline and during the soak, and the memory of
the workers and of Redis. It exits 1 when there was an error.

Usage: python bench/soak.py [--duration 60] [--baseline 10] [--readers 4]
"""

import argparse
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from statistics import quantiles

import requests
from bs4 import BeautifulSoup

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import ARTICLE, BASE, PYTHON, SEARCHES, Server, free_port, log, manage, prepare_database, site_env

CACHED = ["/", ARTICLE, "/topics/", "/contributors/", "/about/", "/feed/"]
FEEDS = ["/feed/", "/feed/atom/", "/sitemap.xml", "/robots.txt"]
EDITOR, PASSWORD = "soak-editor", "soak-editor-password-8c1f"
# What each kind of request may answer; anything else is an error.
EXPECTED = {
    "reader": {200},
    "search": {200, 429},
    "feed": {200},
    "failed login": {200, 429},
    "editor": {200, 302},  # the change page, then its save (a refused save is an error too)
    "preview": {200},
    "oversized preview": {400},
}


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.statuses = {}
        self.errors = []
        self.cached_ms = []

    def record(self, kind, status, started, detail=""):
        elapsed = (time.perf_counter() - started) * 1000
        with self.lock:
            key = (kind, status)
            self.statuses[key] = self.statuses.get(key, 0) + 1
            if status not in EXPECTED[kind]:
                self.errors.append(f"{kind}: {status} {detail}".strip())
            if kind == "reader" and status == 200:
                self.cached_ms.append(elapsed)


def call(tally, session, kind, method, url, **kwargs):
    started = time.perf_counter()
    try:
        response = session.request(method, url, timeout=30, **kwargs)
    except requests.RequestException as error:
        tally.record(kind, "no answer", started, type(error).__name__)
        return None
    tally.record(kind, response.status_code, started, url.split("?")[0])
    return response


def address():
    return f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"


def reader(server, tally, stop):
    session = requests.Session()
    while not stop.is_set():
        call(
            tally, session, "reader", "GET", server.url + random.choice(CACHED), headers={"X-Forwarded-For": address()}
        )


def searcher(server, tally, stop):
    session = requests.Session()
    while not stop.is_set():
        query = random.choice(SEARCHES) + random.choice(["", " bone", " dose", f" {random.randrange(1000)}"])
        call(tally, session, "search", "GET", server.url + "/search/", params={"q": query})
        stop.wait(0.2)


def feeds(server, tally, stop):
    session = requests.Session()
    while not stop.is_set():
        call(tally, session, "feed", "GET", server.url + random.choice(FEEDS), headers={"X-Forwarded-For": address()})
        stop.wait(0.1)


def csrf(session, url):
    page = session.get(url, timeout=30)
    token = BeautifulSoup(page.text, "html.parser").find("input", {"name": "csrfmiddlewaretoken"})
    return page, token["value"] if token else ""


def attacker(server, tally, stop):
    """Wrong passwords from a handful of addresses, for made-up and real usernames."""
    addresses = [address() for _ in range(8)]
    while not stop.is_set():
        session = requests.Session()
        forwarded = {"X-Forwarded-For": random.choice(addresses)}
        _, token = csrf(session, server.url + "/admin/login/")
        data = {"username": random.choice([EDITOR, "admin", f"user{random.randrange(99)}"]), "password": "guess"}
        call(
            tally,
            session,
            "failed login",
            "POST",
            server.url + "/admin/login/",
            data={**data, "csrfmiddlewaretoken": token},
            headers=forwarded,
        )
        stop.wait(0.25)


def sign_in(server, key):
    from binascii import unhexlify

    from django_otp.oath import TOTP

    session = requests.Session()
    session.headers["X-Forwarded-For"] = "192.0.2.10"
    _, token = csrf(session, server.url + "/admin/login/")
    step = session.post(
        server.url + "/admin/login/",
        data={"username": EDITOR, "password": PASSWORD, "csrfmiddlewaretoken": token, "next": "/admin/"},
        timeout=30,
    )
    token = BeautifulSoup(step.text, "html.parser").find("input", {"name": "csrfmiddlewaretoken"})["value"]
    code = f"{TOTP(unhexlify(key)).token():06d}"
    done = session.post(
        server.url + "/admin/login/code/", data={"code": code, "csrfmiddlewaretoken": token}, timeout=30
    )
    if not done.url.endswith("/admin/"):
        raise RuntimeError("The editor could not sign in: " + done.url)
    return session


def copy_of(signed_in):
    """A session of its own for a thread, signed in as `signed_in` is (a code is good for one sign-in)."""
    session = requests.Session()
    session.headers.update(signed_in.headers)
    session.cookies.update(signed_in.cookies)
    return session


def form_fields(html):
    """The change form's fields as a browser would submit them."""
    form = BeautifulSoup(html, "html.parser").find("form", id=re.compile("_form$"))
    data = []
    for field in form.find_all(["input", "textarea", "select"]):
        name = field.get("name")
        if not name or field.get("type") in ("submit", "file", "button"):
            continue
        if field.name == "textarea":
            data.append((name, field.text.removeprefix("\n")))
        elif field.name == "select":
            chosen = field.find_all("option", selected=True)
            if not chosen and not field.has_attr("multiple"):
                chosen = field.find_all("option")[:1]  # what a browser sends for a select left alone
            data += [(name, option.get("value", option.text)) for option in chosen]
        elif field.get("type") in ("checkbox", "radio"):
            if field.has_attr("checked"):
                data.append((name, field.get("value", "on")))
        else:
            data.append((name, field.get("value", "")))
    return data


def editor(server, tally, stop, signed_in, article_id):
    session = copy_of(signed_in)
    change = f"{server.url}/admin/articles/article/{article_id}/change/"
    edit = 0
    while not stop.is_set():
        page = call(tally, session, "editor", "GET", change)
        if page is None or page.status_code != 200:
            stop.wait(3)
            continue
        data = [(name, value) for name, value in form_fields(page.text) if name != "_continue"]
        edit += 1
        data = [(n, f"Soak edit {edit}: " + v.split(": ", 1)[-1] if n == "summary" else v) for n, v in data]
        data = [(n, v) for n, v in data if n != "change_note"] + [("change_note", f"Soak edit {edit} of the summary.")]
        saved = call(tally, session, "editor", "POST", change, data=[*data, ("_continue", "1")], allow_redirects=False)
        if saved is not None and saved.status_code == 200:  # the form came back: the save was refused
            page = BeautifulSoup(saved.text, "html.parser")
            errors = [e.get_text(" ", strip=True) for e in page.select(".errornote, .errorlist li")]
            errors += [" ".join(row.get("class")) for row in page.select(".errors")]
            with tally.lock:
                tally.errors.append("editor: save refused: " + "; ".join(errors))
        stop.wait(3)


def previewer(server, tally, stop, signed_in, limit):
    session = copy_of(signed_in)
    token = session.cookies.get("csrftoken")
    url = server.url + "/admin/markdownx/markdownify/"
    worst = ("[^1" * limit)[: limit - 3]
    call(
        tally,
        session,
        "oversized preview",
        "POST",
        url,
        data={"content": "[" * (limit + 1)},
        headers={"X-CSRFToken": token},
    )
    while not stop.is_set():
        call(tally, session, "preview", "POST", url, data={"content": worst}, headers={"X-CSRFToken": token})
        stop.wait(2)


def guarded(target, tally):
    """target, with anything it raises counted as an error of the soak."""

    def run(*args):
        try:
            target(*args)
        except Exception as error:
            with tally.lock:
                tally.errors.append(f"{target.__name__} stopped: {type(error).__name__}: {error}")

    return run


def run_threads(targets, seconds):
    """Each (target, server, tally, *more) runs as target(server, tally, stop, *more) for `seconds`."""
    stop = threading.Event()
    threads = [
        threading.Thread(target=guarded(target, args[1]), args=(*args[:2], stop, *args[2:]), daemon=True)
        for target, *args in targets
    ]
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join(timeout=60)


def start_redis(work):
    if not shutil.which("redis-server"):
        log("redis-server is not installed: the soak runs with each worker's own memory cache.")
        return None, None
    port = free_port()
    process = subprocess.Popen(
        [
            "redis-server",
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--save",
            "",
            "--appendonly",
            "no",
            "--maxmemory",
            "64mb",
            "--maxmemory-policy",
            "allkeys-lru",
            "--dir",
            str(work),
        ],
        stdout=subprocess.DEVNULL,
    )
    for _ in range(100):
        if (
            subprocess.run(
                ["redis-cli", "-p", str(port), "ping"], capture_output=True, text=True, check=False
            ).stdout.strip()
            == "PONG"
        ):
            return process, port
        time.sleep(0.05)
    raise RuntimeError("redis-server did not start")


def redis_memory(port):
    info = subprocess.run(
        ["redis-cli", "-p", str(port), "info", "memory"], capture_output=True, text=True, check=False
    ).stdout
    keys = subprocess.run(
        ["redis-cli", "-p", str(port), "dbsize"], capture_output=True, text=True, check=False
    ).stdout.strip()
    used = re.search(r"used_memory_human:(\S+)", info).group(1)
    peak = re.search(r"used_memory_peak_human:(\S+)", info).group(1)
    return f"{used} used, {peak} peak, {keys} keys (maxmemory 64mb, allkeys-lru)"


def worker_memory(server):
    return "; ".join(f"{rss:.0f} MB now, {peak:.0f} MB peak" for rss, peak in server.worker_memory_mb())


def setup_editor(env):
    code = f"""
import django; django.setup()
from django.contrib.auth import get_user_model
from django_otp.plugins.otp_totp.models import TOTPDevice
from articles.models import Article
user = get_user_model().objects.create_superuser({EDITOR!r}, "soak@example.org", {PASSWORD!r})
device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
print(device.key, Article.objects.get(slug="does-magnesium-help-osteoporosis").pk)
from articles import rendering
print(getattr(rendering, "MAX_MARKDOWN_CHARS", 100_000))
"""
    out = subprocess.run([PYTHON, "-c", code], cwd=BASE, env=env, capture_output=True, text=True, check=True).stdout
    (key, article_id), (limit,) = (line.split() for line in out.strip().splitlines())
    return key, int(article_id), int(limit)


def percentiles(values):
    if len(values) < 2:
        return "no requests"
    cuts = quantiles(values, n=100)
    return f"p50 {cuts[49]:.1f} ms, p99 {cuts[98]:.1f} ms over {len(values)} requests"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--baseline", type=int, default=10)
    parser.add_argument("--readers", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="citewell-soak-") as folder:
        work = Path(folder)
        redis, port = start_redis(work)
        try:
            passed = soak(work, args, port)
        finally:
            if redis:
                redis.terminate()
    sys.exit(0 if passed else 1)


def soak(work, args, redis_port):
    """True when no request failed."""
    extra = {"TRUSTED_PROXIES": "1", "SECURE_COOKIES": "false", "PAGE_CACHE": "true"}
    if redis_port:
        extra["CACHE_URL"] = f"redis://127.0.0.1:{redis_port}/0"
    database_url = prepare_database(work, 1)
    env = site_env(work, database_url, **extra)
    manage(env, "collectstatic", "--noinput")
    manage(env, "setup_site")
    key, article_id, limit = setup_editor(env)
    server = Server(env)
    try:
        for path in CACHED:
            server.get(path)
        quiet = Tally()
        log(f"Baseline: {args.readers} readers for {args.baseline} s...")
        run_threads([(reader, server, quiet)] * args.readers, args.baseline)
        busy = Tally()
        signed_in = sign_in(server, key)
        log(f"Soak: mixed traffic for {args.duration} s...")
        run_threads(
            [(reader, server, busy)] * args.readers
            + [(searcher, server, busy), (feeds, server, busy), (attacker, server, busy)]
            + [(editor, server, busy, signed_in, article_id), (previewer, server, busy, signed_in, limit)],
            args.duration,
        )
        return report(quiet, busy, server, redis_port)
    finally:
        server.process.kill()
        server.process.wait()


def report(quiet, busy, server, redis_port):
    print("\nAnswers during the soak:")
    for (kind, status), count in sorted(busy.statuses.items(), key=lambda item: (item[0][0], str(item[0][1]))):
        print(f"  {kind:18} {status!s:10} {count}")
    print(f"\nErrors: {len(busy.errors)}")
    for error in sorted(set(busy.errors))[:20]:
        print(f"  {error}")
    print(f"Cached pages, quiet baseline: {percentiles(quiet.cached_ms)}")
    print(f"Cached pages, during the soak: {percentiles(busy.cached_ms)}")
    print(f"Workers: {worker_memory(server)}")
    print(f"Redis: {redis_memory(redis_port) if redis_port else 'not used'}")
    return not (busy.errors or quiet.errors)


if __name__ == "__main__":
    main()
