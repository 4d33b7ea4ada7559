"""Browser tests drive Chromium through Playwright against pytest-django's live server.

They use the machine's Chromium (Debian's package, or CHROMIUM_PATH); where there is
none, they are skipped with the reason. `make test` installs Chromium when it can.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connections
from playwright.sync_api import sync_playwright

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
MAC_CHROME = "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome"


def find_chromium():
    candidates = [
        os.environ.get("CHROMIUM_PATH"),
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
        MAC_CHROME,
    ]
    return next((c for c in candidates if c and os.access(c, os.X_OK)), None)


@pytest.fixture(scope="session")
def playwright():
    """Playwright's event loop makes Django keep separate connections while it runs.

    Close the thread's connections on the way in and Playwright's on the way out,
    so that no connection is left open when the test database is dropped.
    """
    connections.close_all()
    with sync_playwright() as instance:
        yield instance
        connections.close_all()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    chromium = find_chromium()
    if chromium is None:
        pytest.skip("No Chromium found: install Debian's chromium package or set CHROMIUM_PATH.")
    return {**browser_type_launch_args, "executable_path": chromium, "args": LAUNCH_ARGS}


@pytest.fixture(scope="session")
def screenshots():
    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS


@pytest.fixture
def site(live_server):
    """The live server's address, with the seed article and the site pages loaded."""
    call_command("loaddata", "initial_article", verbosity=0)
    call_command("loaddata", "site_pages", verbosity=0)
    return live_server.url
