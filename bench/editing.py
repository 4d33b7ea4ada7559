"""Edit while reading: readers (wrk, bench/readers.lua) ask for article pages picked at random
while an editor (bench/editor.py) saves every few seconds through the admin, alternately a draft
(which changes no public page) and a published change (which changes one article's page and the
listings). The hit ratio is the share of the readers' responses the app served from its page
cache (X-Cache: hit), over those it served at all (hit or miss)."""

import json
import re
import shutil
import signal
import subprocess

from measure import BASE, PYTHON, log

PATHS = """
import django
django.setup()
from articles.models import Article
for article in Article.objects.published().order_by("pk"):
    print(article.get_absolute_url())
"""


def article_paths(env):
    result = subprocess.run([PYTHON, "-c", PATHS], cwd=BASE, env=env, capture_output=True, text=True, check=True)
    return result.stdout.split()


def readers(server, paths_file, duration, connections):
    """wrk's rate and the responses it counted by X-Cache."""
    script = BASE / "bench" / "readers.lua"
    output = subprocess.run(
        [shutil.which("wrk"), "-t2", f"-c{connections}", f"-d{duration}s", "-s", script, server.url, "--", paths_file],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    hit, miss, other = (int(n) for n in re.search(r"X-Cache: (\d+) hit, (\d+) miss, (\d+) other", output).groups())
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    return {"requests_per_second": rate, "hits": hit, "misses": miss, "other": other}


def run(env, server, work, args):
    """The readers for args.edit_duration seconds with the editor at work; the figures."""
    paths = article_paths(env)
    paths_file = work / "article-paths.txt"
    paths_file.write_text("\n".join(paths) + "\n")
    log(f"Warming the page cache with {len(paths)} article pages...")
    for path in paths:
        status, _, _ = server.get(path)
        assert status == 200, (path, status)
    editor = subprocess.Popen(
        [PYTHON, BASE / "bench" / "editor.py", server.url, str(args.edit_interval)],
        cwd=BASE,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        if editor.stdout.readline().strip() != "ready":
            raise RuntimeError("the editor did not start")
        log(f"Readers for {args.edit_duration}s while the editor saves every {args.edit_interval}s...")
        results = readers(server, paths_file, args.edit_duration, args.connections)
    finally:
        editor.send_signal(signal.SIGTERM)
        output, _ = editor.communicate(timeout=120)
    if editor.returncode:
        raise RuntimeError(f"the editor failed ({editor.returncode})")
    results.update(json.loads(output.strip().splitlines()[-1]))
    served = results["hits"] + results["misses"]
    results["hit_ratio"] = round(results["hits"] / served, 4) if served else None
    results["articles"] = len(paths)
    return results


def report(name, results, args):
    ratio = results["hit_ratio"]
    print(
        f"\nEdit while reading, {name}: {results['articles']} articles, {args.edit_duration}s, "
        f"wrk -c{args.connections}; the editor saved every {args.edit_interval}s: "
        f"{results['draft_saves']} drafts, {results['publishes']} published changes"
    )
    print(
        f"readers: {results['requests_per_second']:.1f} req/s; X-Cache hit {results['hits']:,}, "
        f"miss {results['misses']:,}, other {results['other']:,}; hit ratio {ratio}"
    )
    print(f"bar: hit ratio >= 0.95: {ratio} {'met' if ratio is not None and ratio >= 0.95 else 'NOT MET'}")
