"""What the benchmark starts for itself, each stopped (and its files removed with the work folder)
on leaving: PostgreSQL and Redis on free ports, and Varnish in front of an app server."""

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from measure import free_port

BASE = Path(__file__).resolve().parent.parent
VCL = BASE / "deploy" / "varnish" / "citewell.vcl"


def install(*packages):
    """Install Debian packages with apt-get (as root, or through sudo), if this machine can."""
    if os.geteuid() == 0 or shutil.which("sudo"):
        subprocess.run(["sh", str(BASE / "scripts" / "apt-install.sh"), *packages], check=False)


def ensure(command, *packages):
    """The path of `command`, installing the Debian packages that bring it when it is missing."""
    if not shutil.which(command):
        install(*packages)
    if not shutil.which(command):
        sys.exit(f"{command} is needed: install {' '.join(packages)} (Debian's packages) and run again.")
    return shutil.which(command)


def postgres_bin():
    """The folder of PostgreSQL's server programs (initdb, pg_ctl), installing them when missing."""
    for attempt in range(2):
        found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parent.parent.name))
        if found:
            return found[-1].parent
        if shutil.which("pg_ctl"):
            return Path(shutil.which("pg_ctl")).parent
        if attempt == 0:
            install("postgresql")
    sys.exit("PostgreSQL's server is needed: install postgresql (Debian's package) and run again.")


@contextmanager
def postgres(work):
    """A PostgreSQL server of its own, on a free port, with data under work: yields its base URL
    (role citewell, no password: trust on 127.0.0.1), to which a database name is added."""
    bindir, data, port = postgres_bin(), work / "postgres", free_port()
    data.mkdir()
    owner = []
    if os.geteuid() == 0:  # the server refuses to run as root: its own account runs it
        owner = ["runuser", "-u", "postgres", "--"]
        work.chmod(0o711)
        shutil.chown(data, "postgres", "postgres")
    initdb = [bindir / "initdb", "-D", data, "-U", "citewell", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8"]
    subprocess.run([*owner, *initdb], check=True, stdout=subprocess.DEVNULL)
    options = f"-p {port} -k {data} -c listen_addresses=127.0.0.1"
    pg_ctl = [*owner, bindir / "pg_ctl", "-D", data, "-l", data / "server.log"]
    subprocess.run([*pg_ctl, "-w", "-o", options, "start"], check=True, stdout=subprocess.DEVNULL)
    try:
        yield f"postgres://citewell@127.0.0.1:{port}"
    finally:
        subprocess.run([*pg_ctl, "-m", "fast", "stop"], check=True, stdout=subprocess.DEVNULL)


@contextmanager
def redis(work):
    """A Redis server of its own on a free port, keeping nothing on disk: yields its URL."""
    import redis as client

    command, port = ensure("redis-server", "redis-server"), free_port()
    process = subprocess.Popen(
        [command, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", work],
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        for _ in range(100):
            try:
                client.Redis.from_url(url).ping()
                break
            except client.ConnectionError:
                time.sleep(0.05)
        yield url
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=10)


@contextmanager
def varnish(work, backend_port):
    """varnishd with deploy/varnish/citewell.vcl in front of the app server on backend_port: yields its URL."""
    ensure("varnishd", "varnish", "varnish-modules")
    rendered = VCL.read_text().replace('.port = "8000";', f'.port = "{backend_port}";')
    vcl, port = work / f"citewell-{backend_port}.vcl", free_port()
    vcl.write_text(rendered)
    listen = ["-n", work / f"varnish-{port}", "-a", f"127.0.0.1:{port}"]
    process = subprocess.Popen(
        ["varnishd", "-F", "-j", "none", *listen, "-f", vcl, "-s", "malloc,256m"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            if process.poll() is not None:
                sys.exit("varnishd did not start: try `varnishd -C -f deploy/varnish/citewell.vcl`")
            try:
                urllib.request.urlopen(url + "/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.05)
        yield url
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=15)
