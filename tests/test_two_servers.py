"""Two app servers sharing one PostgreSQL and one Redis: an edit saved through one is
served by the other on its very next request.

Runs where TWO_SERVER_CACHE_URL names a Redis database and the tests run on
PostgreSQL (.ci/run sets both up); skipped elsewhere.
"""

import os
import re
import signal
import subprocess
import sys
import time

import pytest
import requests
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from articles.models import Article

from .helpers import change_url, current_fields, existing_rows, free_port, inline_data, production_env, signed_off

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
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=settings.BASE_DIR, env=env, check=True
    )
    processes, urls = [], []
    for _ in range(2):
        port = free_port()
        processes.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "site_config.wsgi:application",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    "2",
                    "--access-logfile",
                    "-",
                ],
                cwd=settings.BASE_DIR,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        urls.append(f"http://127.0.0.1:{port}")
    try:
        for url in urls:
            for _ in range(100):
                try:
                    requests.get(url + "/healthz", timeout=1).raise_for_status()
                    break
                except requests.RequestException:
                    time.sleep(0.1)
        yield urls
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=10)


def csrf_token(session, url):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', session.get(url, timeout=5).text).group(1)


def test_an_edit_published_through_one_server_is_served_by_the_other_at_once(servers, django_user_model, reviewer):
    call_command("loaddata", "initial_article", verbosity=0)
    # Hashed as production hashes, since the servers do not use the tests' fast hasher.
    hasher = PBKDF2PasswordHasher()
    chief = django_user_model.objects.create_superuser("chief", "", None)
    chief.password = hasher.encode("a-long-test-password", hasher.salt())
    chief.save(update_fields=["password"])
    device = TOTPDevice.objects.create(user=chief, name="Authenticator app", confirmed=True)
    first, second = servers

    for url in servers:  # both servers, several workers: fill the shared cache
        for _ in range(3):
            page = requests.get(url + ARTICLE, timeout=5)
        assert page.headers["X-Cache"] == "hit"
        assert "Does Magnesium Help Osteoporosis?" in page.text

    editor = requests.Session()
    token = csrf_token(editor, first + "/admin/login/")
    signed_in = editor.post(
        first + "/admin/login/?next=/admin/",
        timeout=5,
        data={"csrfmiddlewaretoken": token, "username": "chief", "password": "a-long-test-password"},
    )
    assert signed_in.url.endswith("/admin/login/code/")  # production asks for a second factor
    code = f"{TOTP(device.bin_key).token():06d}"
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', signed_in.text).group(1)
    signed_in = editor.post(first + "/admin/login/code/", timeout=5, data={"csrfmiddlewaretoken": token, "code": code})
    assert signed_in.url.endswith("/admin/") and "sessionid" in editor.cookies

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
