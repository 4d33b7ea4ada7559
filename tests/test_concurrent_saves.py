"""Two editors saving the same article at the same moment: the second save waits, then is refused.

Needs real concurrent transactions, so it runs on PostgreSQL (the CI's second pass).
"""

import re
import threading
import time

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client

from articles.admin import ArticleAdminForm
from articles.models import Article

from .admin_forms import change_url, current_fields, existing_rows, inline_data
from .conftest import SEED_SLUG

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent transactions (PostgreSQL)"),
]


def signed_in(django_user_model, username, first_name):
    user = django_user_model.objects.create_superuser(
        username, "", "pw-for-tests", first_name=first_name, last_name="Editor"
    )
    client = Client()
    client.force_login(user)
    return client


def test_of_two_simultaneous_saves_the_second_waits_and_is_refused(django_user_model, monkeypatch):
    call_command("loaddata", "initial_article", verbosity=0)
    article = Article.objects.get(slug=SEED_SLUG)
    first, second = signed_in(django_user_model, "ana", "Ana"), signed_in(django_user_model, "ben", "Ben")
    opened = re.search(rb'name="base_version" value="(\d+)"', first.get(change_url(article)).content).group(1)
    assert opened == str(article.lock_version).encode()

    locked, release = threading.Event(), threading.Event()
    check = ArticleAdminForm.refuse_lost_edit

    def holding_the_lock(form, opened_at):
        check(form, opened_at)
        if threading.current_thread().name == "first":
            locked.set()
            release.wait(10)

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
    assert locked.wait(10)
    b.start()
    time.sleep(0.5)
    assert b.is_alive()  # waiting for the first save's row lock
    release.set()
    a.join(20)
    b.join(20)

    assert responses["first"].status_code == 302
    assert responses["second"].status_code == 200
    page = responses["second"].content.decode()
    assert "Ana Editor saved this article" in page
    assert "Ben&#x27;s summary." in page or "Ben's summary." in page
    assert Article.objects.get().summary == "Ana's summary."
