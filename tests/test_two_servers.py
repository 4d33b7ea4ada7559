"""Two app servers sharing one PostgreSQL and one Redis: an edit saved through one is
served by the other on its very next request.

Runs where TWO_SERVER_CACHE_URL names a Redis database and the tests run on
PostgreSQL (.ci/run sets both up); skipped elsewhere.
"""

import os

import pytest
import requests
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from articles.models import Article

from .helpers import (
    app_servers,
    change_url,
    csrf_token,
    current_fields,
    existing_rows,
    inline_data,
    production_env,
    signed_off,
    staff_session,
    superuser_with_app,
)

CACHE_URL = os.environ.get("TWO_SERVER_CACHE_URL", "")
ARTICLE = "/articles/does-magnesium-help-osteoporosis/"

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CACHE_URL, reason="TWO_SERVER_CACHE_URL (a Redis URL) is not set"),
]


def database_url():
    db = settings.DATABASES["default"]
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def servers(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("needs the suite to run on PostgreSQL")
    import redis

    redis.Redis.from_url(CACHE_URL).flushdb()
    env = production_env(
        DATABASE_URL=database_url(),
        CACHE_URL=CACHE_URL,
        STATIC_ROOT=str(tmp_path / "static"),
        SECURE_SSL_REDIRECT="false",
        SECURE_COOKIES="false",
        CONN_MAX_AGE="60",
        ALLOWED_HOSTS="127.0.0.1",
    )
    with app_servers(env, count=2) as urls:
        yield urls


def test_an_edit_published_through_one_server_is_served_by_the_other_at_once(servers, reviewer):
    call_command("loaddata", "initial_article", verbosity=0)
    _, device = superuser_with_app("chief", "a-long-test-password")
    first, second = servers

    for url in servers:  # both servers, several workers: fill the shared cache
        for _ in range(3):
            page = requests.get(url + ARTICLE, timeout=5)
        assert page.headers["X-Cache"] == "hit"
        assert "Does Magnesium Help Osteoporosis?" in page.text

    editor = staff_session(first, "chief", "a-long-test-password", device.bin_key)

    article = Article.objects.get()
    token = csrf_token(editor, first + change_url(article))
    title = "Magnesium and Osteoporosis, Revisited"
    data = {
        **current_fields(article, title=title, medical_reviewer=reviewer.contributor.pk),
        **inline_data(existing_rows(article)),
        "csrfmiddlewaretoken": token,
    }
    saved = editor.post(first + change_url(article), data=data, timeout=10, allow_redirects=False)
    assert saved.status_code == 302, saved.text[:2000]
    assert saved.headers["Location"] == "/admin/articles/article/"
    assert title not in requests.get(second + ARTICLE, timeout=5).text  # a draft until signed off and published

    signed_off(article, reviewer)
    publish = reverse("admin:articles_article_publish", args=[article.pk])
    token = csrf_token(editor, first + change_url(article))
    published = editor.post(first + publish, data={"csrfmiddlewaretoken": token}, timeout=10, allow_redirects=False)
    assert published.status_code == 302
    page = requests.get(second + ARTICLE, timeout=5)
    assert page.headers["X-Cache"] == "miss"
    assert "Magnesium and Osteoporosis, Revisited" in page.text
    for url in servers:
        for _ in range(3):
            assert "Magnesium and Osteoporosis, Revisited" in requests.get(url + ARTICLE, timeout=5).text
        assert "Magnesium and Osteoporosis, Revisited" in requests.get(url + "/", timeout=5).text
