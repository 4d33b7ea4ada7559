"""How the benchmark measures: the app under gunicorn, wrk's figures with the workers' CPU time,
search latency, queries per render and a profile."""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
ARTICLE = "/articles/does-magnesium-help-osteoporosis/"


def log(message):
    print(message, file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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
