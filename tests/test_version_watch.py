"""How an app server learns that content changed without a query per request: SQLite's
data_version and PostgreSQL's LISTEN/NOTIFY, end to end through a server and in-process."""

import select
import sqlite3
import subprocess
import sys

import pytest
import requests
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from pagecache.versions import PostgresWatcher, SQLiteWatcher, versions

from .test_production import production_server

SEED = "/articles/does-magnesium-help-osteoporosis/"


def test_sqlite_data_version_moves_when_another_connection_commits(tmp_path):
    path = tmp_path / "a folder #1" / "site?.sqlite3"  # a URI's special characters, quoted
    path.parent.mkdir()
    writer = sqlite3.connect(path)
    writer.execute("CREATE TABLE t (x)")
    writer.commit()
    watcher = SQLiteWatcher(str(path))
    try:
        assert watcher.changed()  # the first look: unknown, so read
        assert not watcher.changed()
        writer.execute("INSERT INTO t VALUES (1)")
        assert not watcher.changed()  # not committed yet
        writer.commit()
        assert watcher.changed()
        assert not watcher.changed()
    finally:
        watcher.close()
        writer.close()


@pytest.mark.django_db(transaction=True)
def test_a_stored_page_costs_no_query_and_a_committed_change_shows_next(settings):
    if connection.vendor != "postgresql":
        pytest.skip("in-process on PostgreSQL (SQLite's test database is in memory; see the server test below)")
    settings.PAGE_CACHE_WATCH = True
    versions.forget()
    try:
        call_command("loaddata", "initial_article", verbosity=0)
        client = Client()
        client.get(SEED)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(SEED)["X-Cache"] == "hit"
        assert len(queries) == 0, [q["sql"] for q in queries]
        assert isinstance(versions.watcher, PostgresWatcher)
        Article.objects.update(title="Magnesium, Bones and Evidence")
        # The notification is sent at commit; it reaches this process's listening connection
        # before a request could come back from another server.
        ready, _, _ = select.select([versions.watcher.connection.fileno()], [], [], 1.0)
        assert ready
        page = client.get(SEED)
        assert page["X-Cache"] == "miss"
        assert "Magnesium, Bones and Evidence" in page.content.decode()
    finally:
        versions.forget()


@pytest.mark.django_db
def test_a_server_on_sqlite_serves_a_change_another_process_committed_on_its_next_request(tmp_path):
    with production_server(tmp_path) as (base, env):
        url = base + SEED
        seen = [requests.get(url, headers={"Host": "example.org"}, timeout=5).headers["X-Cache"] for _ in range(8)]
        assert "hit" in seen, seen
        subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", CHANGE],
            cwd=settings.BASE_DIR,
            env=env,
            check=True,
            capture_output=True,
        )
        seen = []
        for _ in range(8):  # every worker: the new title at once
            page = requests.get(url, headers={"Host": "example.org"}, timeout=5)
            assert "Magnesium, Bones and Evidence" in page.text
            seen.append(page.headers["X-Cache"])
        assert seen.count("miss") <= 2 and "hit" in seen, seen  # stored again at the new version, once per worker


CHANGE = "from articles.models import Article; Article.objects.update(title='Magnesium, Bones and Evidence')"
