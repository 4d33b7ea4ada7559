"""Two editors saving the same article at the same moment: the second save waits, then is refused.

Needs real concurrent transactions, so it runs on PostgreSQL (the CI's second pass).
"""

import re
import threading
import time

import pytest
from django.core.management import call_command
from django.db import connection

from articles.models import Article
from editorial.forms import ArticleAdminForm

from .conftest import SEED_SLUG
from .helpers import change_url, current_fields, draft_of, existing_rows, inline_data, signed_in

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent transactions (PostgreSQL)"),
]

LOCK_WAIT_TIMEOUT = 10  # seconds


def editor_named(django_user_model, username, first_name):
    return django_user_model.objects.create_superuser(
        username, "", "pw-for-tests", first_name=first_name, last_name="Editor"
    )


def backend_pid():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def queries_blocked_by(pid):
    """The queries of this database's backends now waiting for a lock that backend `pid` holds, each with the
    lock it waits for (a row lock is waited for as the holder's transaction: "transactionid", or "tuple")."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT wait_event, query FROM pg_stat_activity"
            " WHERE wait_event_type = 'Lock' AND datname = current_database() AND %s = ANY(pg_blocking_pids(pid))",
            [pid],
        )
        return cursor.fetchall()


def test_of_two_simultaneous_saves_the_second_waits_and_is_refused(django_user_model, monkeypatch):
    call_command("loaddata", "initial_article", verbosity=0)
    article = Article.objects.get(slug=SEED_SLUG)
    first = signed_in(editor_named(django_user_model, "ana", "Ana"))
    second = signed_in(editor_named(django_user_model, "ben", "Ben"))
    opened = re.search(rb'name="edit_count" value="(\d+)"', first.get(change_url(article)).content).group(1)
    assert opened == str(article.edit_count).encode()

    locked, release = threading.Event(), threading.Event()
    holder = {}
    check = ArticleAdminForm.refuse_lost_edit

    def holding_the_lock(form, opened_at):
        check(form, opened_at)
        if threading.current_thread().name == "first":
            holder["pid"] = backend_pid()  # the first save's connection, which holds the row lock
            locked.set()
            release.wait(LOCK_WAIT_TIMEOUT + 10)

    monkeypatch.setattr(ArticleAdminForm, "refuse_lost_edit", holding_the_lock)
    rows = inline_data(existing_rows(article))
    responses = {}

    def post(name, client, summary):
        try:
            responses[name] = client.post(change_url(article), {**current_fields(article, summary=summary), **rows})
        finally:
            connection.close()

    a = threading.Thread(target=post, name="first", args=("first", first, "Ana's summary."))
    b = threading.Thread(target=post, name="second", args=("second", second, "Ben's summary."))
    a.start()
    try:
        assert locked.wait(LOCK_WAIT_TIMEOUT)
        b.start()
        # Wait until PostgreSQL itself shows the second save blocked on a lock the first save holds.
        deadline = time.monotonic() + LOCK_WAIT_TIMEOUT
        while not (waiting := queries_blocked_by(holder["pid"])):
            assert b.is_alive(), "the second save ended without waiting for the first save's lock"
            assert time.monotonic() < deadline, f"no save waited for the first save's lock in {LOCK_WAIT_TIMEOUT} s"
            time.sleep(0.02)
        # The row lock of the article (the query's text is cut at track_activity_query_size, so it may not
        # show its FOR UPDATE: the lock waited for says it is a row's).
        [(lock, query)] = waiting
        assert lock in ("transactionid", "tuple") and query.startswith('SELECT "articles_article"'), waiting
        assert b.is_alive()
    finally:
        release.set()
        a.join(20)
        b.join(20)

    assert responses["first"].status_code == 302
    assert responses["second"].status_code == 200
    page = responses["second"].content.decode()
    assert "Ana Editor saved this article" in page
    assert "Ben&#x27;s summary." in page or "Ben's summary." in page
    # The seed is published: the first save is its draft, and readers keep the published summary.
    assert draft_of(article).article.summary == "Ana's summary."
    assert Article.objects.get().summary == article.summary
