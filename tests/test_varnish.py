"""Varnish in front of the production setup, with deploy/varnish/citewell.vcl: readers share
stored pages, staff and the admin pass through, and an edit published through the app is
served through Varnish on the very next request (the app purges the pages that show it).

The site runs under gunicorn on a database of its own, of the suite's kind (a SQLite file,
or a PostgreSQL database beside the test database), set up by the same commands as
production; Varnish listens on a free port. Skipped where varnishd or its xkey module
(Debian's varnish and varnish-modules) is missing; .ci/run installs both.
"""

import http.client
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.db import connection
from django.urls import reverse

from .helpers import (
    app_servers,
    csrf_token,
    errors_of,
    form_data,
    free_port,
    production_env,
    soup,
    staff_session,
    stop,
    wait_until_serving,
)

VCL = Path(settings.BASE_DIR) / "deploy" / "varnish" / "citewell.vcl"
ARTICLE = "/articles/does-magnesium-help-osteoporosis/"
TITLE = "Does Magnesium Help Osteoporosis?"
PASSWORD = "a-long-test-password"

SETUP = """
import io, json
from django.core.management import call_command
from articles.models import Article
from tests.helpers import reviewer_account, superuser_with_app
_, device = superuser_with_app("chief", "{password}")
reviewer = reviewer_account()
call_command("setup_site", stdout=io.StringIO())
made = {{"article": Article.objects.get().pk, "reviewer": reviewer.contributor.pk, "key": device.bin_key.hex()}}
print(json.dumps(made))
"""
SIGN_OFF = """
from django.contrib.auth import get_user_model
from articles.models import Article
from tests.helpers import signed_off
signed_off(Article.objects.get(), get_user_model().objects.get(username="ana"))
"""


def in_site(env, code):
    """Run Python code with Django set up as the site is (its settings and database); what it printed."""
    return subprocess.run(
        [sys.executable, "-c", "import django\ndjango.setup()\n" + code],
        cwd=settings.BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def compiled_or_skip(work):
    if not shutil.which("varnishd"):
        pytest.skip("varnishd is not installed (Debian: apt-get install varnish varnish-modules)")
    compiled = subprocess.run(
        ["varnishd", "-C", "-j", "none", "-n", str(work / "compile"), "-f", str(VCL)],
        capture_output=True,
        text=True,
        check=False,
    )
    if compiled.returncode and "xkey" in compiled.stderr:
        pytest.skip("Varnish's xkey module is not installed (Debian: apt-get install varnish-modules)")
    assert compiled.returncode == 0, compiled.stderr


def site_database(work):
    """A database URL of the suite's kind for the site, created empty; and how to drop it."""
    if connection.vendor != "postgresql":
        return f"sqlite:///{work / 'site.sqlite3'}", lambda: None
    import psycopg

    db = settings.DATABASES["default"]
    server = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    name = f"{db['NAME']}_varnish"

    def drop():
        with psycopg.connect(server + "/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    drop()
    with psycopg.connect(server + "/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    return f"{server}/{name}", drop


def start_varnish(work, port, backend_url):
    """varnishd with the VCL, its backend the app server at backend_url, listening on port."""
    backend_port = backend_url.rsplit(":", 1)[1]
    rendered = VCL.read_text().replace('.port = "8000";', f'.port = "{backend_port}";')
    assert f'.port = "{backend_port}";' in rendered
    (work / "citewell.vcl").write_text(rendered)
    command = ["varnishd", "-F", "-j", "none", "-n", str(work / "varnish"), "-a", f"127.0.0.1:{port}"]
    command += ["-f", str(work / "citewell.vcl"), "-s", "malloc,64m"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_until_serving(f"http://127.0.0.1:{port}/healthz", process)
    return process


@pytest.fixture(scope="module")
def site(tmp_path_factory, django_db_setup):
    """The app under gunicorn behind Varnish: {"varnish", "app", "env", "article", "reviewer", "key"}."""
    work = tmp_path_factory.mktemp("varnish")
    compiled_or_skip(work)
    database_url, drop_database = site_database(work)
    port = free_port()
    env = production_env(
        DATABASE_URL=database_url,
        CACHE_URL="",
        STATIC_ROOT=str(work / "static"),
        MEDIA_ROOT=str(work / "media"),
        SECURE_SSL_REDIRECT="false",
        SECURE_COOKIES="false",
        ALLOWED_HOSTS="127.0.0.1",
        SHARED_CACHE_PURGE_URLS=f"http://127.0.0.1:{port}",
    )
    try:
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=settings.BASE_DIR, env=env, check=True
        )
        made = json.loads(in_site(env, SETUP.format(password=PASSWORD)))
        with app_servers(env) as (app,):
            varnish = start_varnish(work, port, app)
            try:
                yield {"varnish": f"http://127.0.0.1:{port}", "app": app, "env": env, **made}
            finally:
                stop(varnish)
    finally:
        drop_database()


@pytest.fixture
def varnish(site):
    """Varnish's address, its store emptied of every page first (they all carry the key `all`)."""
    emptied = requests.request("PURGE", site["varnish"] + "/", headers={"xkey-purge": "all"}, timeout=5)
    assert emptied.status_code == 200, emptied.text
    return site["varnish"]


def get(url, **headers):
    response = requests.get(url, headers=headers, timeout=5)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    return response


def test_a_public_page_is_a_miss_then_a_hit_and_its_keys_stay_between_the_app_and_varnish(site, varnish):
    first, second = get(varnish + ARTICLE), get(varnish + ARTICLE)
    assert first.headers["X-Shared-Cache"] == "miss"
    assert second.headers["X-Shared-Cache"] == "hit"
    assert TITLE in second.text and second.text == first.text
    assert "xkey" not in first.headers and "xkey" not in second.headers
    keys = get(site["app"] + ARTICLE).headers["xkey"].split()  # what the app tells Varnish
    assert "all" in keys


def test_each_coding_is_stored_apart_and_served_as_the_reader_takes_it(varnish):
    for accepted, coding in (("gzip, deflate, br", "br"), ("gzip, deflate", "gzip"), ("identity", None)):
        first, second = (get(varnish + ARTICLE, **{"Accept-Encoding": accepted}) for _ in range(2))
        assert first.headers.get("Content-Encoding") == second.headers.get("Content-Encoding") == coding
        assert (first.headers["X-Shared-Cache"], second.headers["X-Shared-Cache"]) == ("miss", "hit")
    assert TITLE in second.text


def test_anonymous_readers_share_one_copy_whatever_other_cookies_they_carry(varnish):
    get(varnish + "/")
    shared = get(varnish + "/", Cookie="csrftoken=abc; theme=dark")
    assert shared.headers["X-Shared-Cache"] == "hit"


def test_a_request_with_a_session_cookie_goes_to_the_app(varnish):
    get(varnish + ARTICLE)
    assert get(varnish + ARTICLE).headers["X-Shared-Cache"] == "hit"
    signed_in = get(varnish + ARTICLE, Cookie="sessionid=some-session")
    assert signed_in.headers["X-Shared-Cache"] == "pass"


def test_admin_pages_are_never_stored(varnish):
    for _ in range(2):
        page = get(varnish + "/admin/login/")
        assert page.headers["X-Shared-Cache"] == "pass"
        assert "csrftoken" in page.cookies


def purge(varnish, source, **headers):
    """PURGE / sent to Varnish from the local address `source`: (status, body)."""
    host, port = varnish.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=5, source_address=(source, 0))
    try:
        conn.request("PURGE", "/", headers=headers)
        response = conn.getresponse()
        return response.status, response.read().decode()
    finally:
        conn.close()


def test_a_purge_is_refused_outside_the_acl_or_without_keys_and_a_purge_by_key_empties_that_page(varnish):
    get(varnish + ARTICLE)
    assert purge(varnish, "127.0.0.2", **{"xkey-purge": "all"})[0] == 403  # loopback, but not in the ACL
    assert purge(varnish, "127.0.0.1")[0] == 400
    assert get(varnish + ARTICLE).headers["X-Shared-Cache"] == "hit"
    assert purge(varnish, "127.0.0.1", **{"xkey-purge": "all"}) == (200, "Purged 1\n")
    assert get(varnish + ARTICLE).headers["X-Shared-Cache"] == "miss"


def test_an_edit_published_through_the_app_is_served_through_varnish_on_the_next_request(site, varnish):
    for path in (ARTICLE, "/"):
        get(varnish + path)
        assert get(varnish + path).headers["X-Shared-Cache"] == "hit"
    editor = staff_session(varnish, "chief", PASSWORD, bytes.fromhex(site["key"]))
    article_page = varnish + reverse("admin:articles_article_change", args=[site["article"]])
    page = editor.get(article_page, timeout=10)
    assert page.headers["X-Shared-Cache"] == "pass"
    title = "Magnesium and Osteoporosis, Revisited"
    data = {
        **form_data(soup(page)),
        "title": title,
        "medical_reviewer": str(site["reviewer"]),
        "change_note": "Clarified the title.",
    }
    saved = editor.post(article_page, data=data, timeout=10, allow_redirects=False)
    assert saved.status_code == 302, errors_of(saved)
    draft_time = get(varnish + ARTICLE)  # a draft until signed off and published: no page changed
    assert draft_time.headers["X-Shared-Cache"] == "hit" and TITLE in draft_time.text

    in_site(site["env"], SIGN_OFF)
    publish = varnish + reverse("admin:articles_article_publish", args=[site["article"]])
    token = csrf_token(editor, article_page)
    published = editor.post(publish, data={"csrfmiddlewaretoken": token}, timeout=10, allow_redirects=False)
    assert published.status_code == 302

    page = get(varnish + ARTICLE)
    assert page.headers["X-Shared-Cache"] == "miss" and title in page.text
    assert get(varnish + ARTICLE).headers["X-Shared-Cache"] == "hit"
    assert title in get(varnish + "/").text
