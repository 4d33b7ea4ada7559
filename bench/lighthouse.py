"""Lighthouse scores of the home and article pages, served the way production serves them.

Builds a SQLite database holding the initial article, collects the static files,
starts gunicorn with the production settings (DEBUG off, compressed static files
with far-future caching) and runs Lighthouse (pinned in bench/lighthouse/, the
mobile profile, with the machine's Chromium) on each page. It prints the four
category scores, keeps the HTML and JSON reports under bench/results/lighthouse/,
and exits non-zero when a score misses its target: 100 for accessibility, best
practices and SEO, 95 for performance.

Usage: python bench/lighthouse.py [--page /path/ ...]
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from run import BASE, Server, log, manage, site_env

LIGHTHOUSE = BASE / "bench" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
REPORTS = BASE / "bench" / "results" / "lighthouse"
PAGES = {"home": "/", "article": "/articles/does-magnesium-help-osteoporosis/"}
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
TARGETS = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --disable-background-networking "
    "--disable-component-update --disable-sync --no-first-run --disable-quic"
)


def chromium():
    for candidate in (
        os.environ.get("CHROME_PATH"),
        os.environ.get("CHROMIUM_PATH"),
        "/usr/bin/chromium",
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
    ):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    sys.exit("Chromium is needed: install it (apt-get install chromium) or set CHROME_PATH.")


def audit(url, name):
    """Run Lighthouse on url; returns its category scores (0-100) and the largest failing audits."""
    base = REPORTS / name
    subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            "--quiet",
            "--output=json",
            "--output=html",
            f"--output-path={base}",
            f"--only-categories={','.join(CATEGORIES)}",
            f"--chrome-flags={CHROME_FLAGS}",
        ],
        check=True,
        env={**os.environ, "CHROME_PATH": chromium()},
    )
    report = json.loads(Path(f"{base}.report.json").read_text())
    scores = {key: round(report["categories"][key]["score"] * 100) for key in CATEGORIES}
    failing = []
    for key in CATEGORIES:
        for ref in report["categories"][key]["auditRefs"]:
            result = report["audits"][ref["id"]]
            if ref["weight"] and result["score"] is not None and result["score"] < 1:
                failing.append(f"{key}: {result['title']} ({result.get('displayValue', result['score'])})")
    metrics = {
        audit_id: report["audits"][audit_id].get("displayValue", "")
        for audit_id in (
            "first-contentful-paint",
            "largest-contentful-paint",
            "total-blocking-time",
            "cumulative-layout-shift",
            "speed-index",
            "total-byte-weight",
        )
    }
    return scores, failing, metrics


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--page", action="append", help="a path to audit (default: the home and article pages)")
    args = parser.parse_args()
    pages = {path.strip("/").replace("/", "-") or "home": path for path in args.page} if args.page else PAGES
    if not LIGHTHOUSE.exists():
        sys.exit("Lighthouse is not installed: run `make lighthouse`, which installs it with npm.")
    REPORTS.mkdir(parents=True, exist_ok=True)
    missed = []
    with tempfile.TemporaryDirectory(prefix="citewell-lighthouse-") as tmp:
        work = Path(tmp)
        env = site_env(work, f"sqlite:///{work / 'site.sqlite3'}")
        manage(env, "migrate", "--noinput")
        manage(env, "loaddata", "initial_article")
        manage(env, "collectstatic", "--noinput")
        server = Server(env)
        server.stop()
        # Canonical links, feeds and structured data name the origin being audited.
        server = Server({**env, "SITE_URL": server.url})
        try:
            rows = []
            for name, path in pages.items():
                log(f"Lighthouse: {path}")
                scores, failing, metrics = audit(server.url + path, name)
                rows.append((name, path, scores, failing, metrics))
        finally:
            server.stop()
    print(
        f"\nLighthouse 12, mobile profile (simulated slow 4G, 4x CPU slowdown), production settings; "
        f"reports in {REPORTS.relative_to(BASE)}/\n"
    )
    print(f"{'page':<10} {'performance':>12} {'accessibility':>14} {'best practices':>15} {'SEO':>5}")
    for name, _path, scores, _failing, _metrics in rows:
        print(
            f"{name:<10} {scores['performance']:>12} {scores['accessibility']:>14} "
            f"{scores['best-practices']:>15} {scores['seo']:>5}"
        )
    for name, path, scores, failing, metrics in rows:
        print(f"\n{name} ({path}): " + ", ".join(f"{key} {value}" for key, value in metrics.items()))
        for line in failing:
            print(f"  not full marks: {line}")
        missed += [f"{name} {key} {scores[key]} < {target}" for key, target in TARGETS.items() if scores[key] < target]
    if missed:
        print("\nBelow target: " + "; ".join(missed))
        sys.exit(1)
    print("\nEvery score meets its target (performance >= 95, the others 100).")


if __name__ == "__main__":
    main()
