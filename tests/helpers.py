"""Helpers shared by the test files: reading pages, signing in, and submitting the admin's forms.

Shared pytest fixtures live in conftest.py (and tests/browser/conftest.py); plain functions live here.
"""

import json
import os
import re
import secrets
import signal
import socket
import struct
import subprocess
import sys
import time
import zlib
from contextlib import contextmanager
from io import BytesIO, StringIO
from unittest import mock

import requests
from bs4 import BeautifulSoup
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management import call_command
from django.db import OperationalError, connection
from django.db.backends.utils import CursorWrapper
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from PIL import Image
from reversion.models import Version

from articles.models import Article
from editorial import revisions, signoffs

from .factories import ContributorFactory, ReviewerFactory

# Reading pages


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def page_at(client, url, params=None):
    """The page at url, parsed, after checking that it was served."""
    response = client.get(url, params)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    return soup(response)


def errors_of(response):
    """Every form error on the page, as text."""
    return [e.get_text(" ", strip=True) for e in soup(response).select(".errorlist li")]


def field_errors(response, name):
    """The errors shown under one field of an admin form."""
    row = soup(response).select_one(f".field-{name}")
    assert row is not None, f"no .field-{name} on the page"
    return [li.get_text(" ", strip=True) for li in row.select(".errorlist li")]


def image_bytes(fmt="PNG", size=(40, 30), **save_options):
    """A small plain image file in `fmt`, as an upload would carry it."""
    buffer = BytesIO()
    Image.new("RGB", size, (20, 120, 110)).save(buffer, fmt, **save_options)
    return buffer.getvalue()


def png_claiming_size(width, height):
    """A PNG whose header claims width x height pixels, with one pixel of data: decoding it would fail,
    so refusing it as too large shows the size is checked before any decoding."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    pixel = zlib.compress(b"\0\0\0\0")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixel) + chunk(b"IEND", b"")


def json_ld(page):
    """The nodes of the page's one JSON-LD graph, by @type."""
    scripts = page.select('script[type="application/ld+json"]')
    assert len(scripts) == 1
    return {node["@type"]: node for node in json.loads(scripts[0].string)["@graph"]}


def messages_on(page):
    """The messages an admin page shows (those left by the previous request), as one text."""
    return " ".join(li.get_text(" ", strip=True) for li in page.select("ul.messagelist li"))


def messages_of(response):
    return [str(m.message) for m in response.context["messages"]]


def queries_for(client, url):
    """How many queries a freshly rendered (not cached) page costs."""
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def database_down():
    """Every query fails as it does when the database cannot be reached (a context manager)."""
    return mock.patch.object(CursorWrapper, "execute", side_effect=OperationalError("connection refused"))


# People and revisions


def signed_in(user):
    """A client of its own, signed in as user."""
    client = Client()
    client.force_login(user)
    return client


def reviewer_account():
    """Ana Ruiz, MD: a medical reviewer's account, linked to her contributor and in the Medical reviewers group."""
    user = get_user_model().objects.create_user(
        "ana", email="ana@example.org", password="pw-for-tests", is_staff=True, first_name="Ana", last_name="Ruiz"
    )
    user.groups.add(Group.objects.get(name="Medical reviewers"))
    contributor = ReviewerFactory()
    contributor.user = user
    contributor.save()
    return user


def superuser_with_app(username, password):
    """A superuser with a confirmed authenticator app: (user, device). The password is hashed as
    production hashes it, since servers started with production settings do not know the tests' hasher."""
    user = get_user_model().objects.create_superuser(username, "", None)
    hasher = PBKDF2PasswordHasher()
    user.password = hasher.encode(password, hasher.salt())
    user.save(update_fields=["password"])
    return user, TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def signed_off(article, reviewer):
    """The article's version under review, signed off from `reviewer`'s account as the review page does it."""
    return signoffs.sign_off(article, reviewer, signoffs.under_review(article).revision.pk)


def versions(article):
    """The article's revisions, newest first (works for a deleted article too)."""
    return list(Version.objects.get_for_object_reference(Article, article.pk).select_related("revision__user"))


# The article admin's forms, as a browser submits them

ADD_URL = reverse("admin:articles_article_add")
INLINES = ["key_points", "supplement_forms", "food_sources", "faqs", "references"]


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def article_fields(**overrides):
    fields = {
        "title": "Does zinc shorten colds?",
        "subtitle": "What the trials show",
        "slug": "does-zinc-shorten-colds",
        "author": str(ContributorFactory().pk),
        "medical_reviewer": str(ReviewerFactory().pk),
        "status": "draft",
        "published_at_0": "",
        "published_at_1": "",
        "lead": "Zinc lozenges are sold as a cold remedy.",
        "summary": "Some trials show shorter colds.",
        "body": (
            "## The evidence\n\nLozenges may help.[^hemila2017]\n\n[[food-sources]]\n\n## Safety\n\nDo not overdo it."
        ),
        "nutrient_name": "Zinc",
        "nutrient_unit": "mg",
        "daily_value": "11",
        "efficacy_label": "",
        "disclaimer": "",
        "meta_description": "What clinical trials say about zinc and the common cold.",
    }
    fields.update(overrides)
    return fields


def inline_data(rows):
    """Management form and row fields for each inline; rows maps prefix to a list of dicts."""
    data = {}
    for prefix in INLINES:
        items = rows.get(prefix, [])
        initial = sum(1 for item in items if item.get("id"))
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": str(len(items)),
                f"{prefix}-INITIAL_FORMS": str(initial),
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
        for index, item in enumerate(items):
            data.update({f"{prefix}-{index}-{key}": value for key, value in item.items()})
    return data


NEW_ROWS = {
    "key_points": [{"order": "1", "title": "Timing matters", "text": "Start within a day."}],
    "supplement_forms": [
        {
            "order": "1",
            "name": "Zinc acetate",
            "bioavailability": "4",
            "common_use": "Lozenges",
            "efficacy": "Best studied",
            "notes": "",
        }
    ],
    "food_sources": [
        {
            "order": "1",
            "name": "Oysters",
            "category": "Seafood",
            "serving": "3 oz",
            "amount": "32",
            "source": "NIH ODS",
        }
    ],
    "faqs": [{"order": "1", "question": "Does zinc prevent colds?", "answer": "Not clearly.[^hemila2017]"}],
    "references": [
        {
            "order": "1",
            "key": "hemila2017",
            "authors": "Hemilä H",
            "title": "Zinc lozenges and the common cold",
            "publisher": "JRSM Open",
            "year": "2017",
            "volume": "8",
            "issue": "5",
            "pages": "",
            "doi": "10.1177/2054270417694291",
            "pmid": "28515951",
            "url": "",
        }
    ],
}


def existing_rows(article, **changes):
    """The submitted rows for an article as the change page shows them."""
    rows = {}
    fields = {
        "key_points": ["order", "title", "text"],
        "supplement_forms": ["order", "name", "bioavailability", "common_use", "efficacy", "notes"],
        "food_sources": ["order", "name", "category", "serving", "amount", "source"],
        "faqs": ["order", "question", "answer"],
        "references": [
            "order",
            "key",
            "authors",
            "title",
            "publisher",
            "year",
            "volume",
            "issue",
            "pages",
            "doi",
            "pmid",
            "url",
        ],
    }
    for prefix, names in fields.items():
        rows[prefix] = [
            {
                "id": str(obj.pk),
                "article": str(article.pk),
                **{name: "" if getattr(obj, name) is None else str(getattr(obj, name)) for name in names},
            }
            for obj in getattr(article, prefix).all()
        ]
        rows[prefix] += changes.get(prefix, [])
    return rows


def current_fields(article, **overrides):
    """The article's own fields as its change page submits them."""
    names = [
        "title",
        "subtitle",
        "slug",
        "lead",
        "summary",
        "body",
        "author_id",
        "medical_reviewer_id",
        "meta_description",
        "nutrient_name",
        "nutrient_unit",
        "daily_value",
        "efficacy_label",
        "status",
        "disclaimer",
    ]
    fields = {
        name.removesuffix("_id"): "" if getattr(article, name) is None else str(getattr(article, name))
        for name in names
    }
    fields["edit_count"] = str(article.edit_count)
    if article.published_at is None:  # a draft's page leaves the publish time blank
        fields.update(published_at_0="", published_at_1="")
    else:
        published = timezone.localtime(article.published_at)
        fields.update(published_at_0=published.date().isoformat(), published_at_1=published.time().isoformat())
    if article.status == Article.Status.PUBLISHED:  # its edits are a draft, with a note for readers
        fields.update(change_note="Clarified the wording.")
    fields.update(overrides)
    return fields


def save_change_page(client, article, rows=None, **fields):
    """Submit the article's change page with its rows (as they are unless given) and some fields changed."""
    data = {**current_fields(article, **fields), **inline_data(existing_rows(article) if rows is None else rows)}
    return client.post(change_url(article), data)


def form_data(page):
    """What the browser sends when the article form on this page (change, restore or recover) is saved as it stands."""
    form = page.select_one("form#article_form")
    data = {
        field["name"]: field.get("value", "")
        for field in form.select("input[name]")
        if field.get("type") not in ("checkbox", "submit")
    }
    data.update({field["name"]: "on" for field in form.select("input[type=checkbox][checked]")})
    data.update({area["name"]: area.get_text().removeprefix("\n") for area in form.select("textarea[name]")})
    data.update(
        {
            select["name"]: (select.select_one("option[selected]") or {}).get("value", "")
            for select in form.select("select:not([multiple])")
        }
    )
    data["topics"] = [option["value"] for option in form.select("#id_topics option[selected]")]
    return {key: value for key, value in data.items() if "__prefix__" not in key}


# The site pages' admin form, as a browser submits it


def site_page_change_url(page):
    return reverse("admin:sitepages_sitepage_change", args=[page.pk])


def save_site_page(client, page, **fields):
    """Submit the site page's change page with some fields changed (the rest as they are)."""
    data = {"title": page.title, "summary": page.summary, "body": page.body, **fields}
    return client.post(site_page_change_url(page), data)


def setup_site():
    """Run `manage.py setup_site` (what `make run` runs) and return what it printed."""
    out = StringIO()
    call_command("setup_site", stdout=out)
    return out.getvalue()


# A cache that cannot be reached (Redis down): nothing listens on port 1; fails fast.
CACHE_DOWN = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}


# Running the site with production settings


def production_env(**extra):
    """The environment of a process started with production settings (and a fresh secret key)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SECURE_"))}
    env.update(
        ENV_FILE="",
        DJANGO_SETTINGS_MODULE="site_config.settings.prod",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="example.org,127.0.0.1",
    )
    env.update(extra)
    return env


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_serving(url, process, seconds=15):
    """Wait until `url` answers 200 (raising if `process` exits first or the time runs out)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited ({process.returncode}) before serving {url}")
        try:
            requests.get(url, timeout=1).raise_for_status()
            return
        except requests.RequestException:
            time.sleep(0.1)
    raise RuntimeError(f"nothing served {url} in {seconds} s")


def stop(process):
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def app_servers(env, count=1):
    """`count` app servers under gunicorn (2 workers each) started with `env` (production_env(), with its
    own STATIC_ROOT) once collectstatic has run; yields their base URLs and stops them on leaving."""
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=settings.BASE_DIR, env=env, check=True
    )
    processes, urls = [], []
    try:
        for _ in range(count):
            port = free_port()
            command = ["site_config.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "2"]
            processes.append(
                subprocess.Popen(
                    [sys.executable, "-m", "gunicorn", *command],
                    cwd=settings.BASE_DIR,
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
            urls.append(f"http://127.0.0.1:{port}")
        for url, process in zip(urls, processes, strict=True):
            wait_until_serving(url + "/healthz", process)
        yield urls
    finally:
        for process in processes:
            stop(process)


def csrf_token(session, url):
    """The CSRF token of the form on the page at url (which the session fetches)."""
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', session.get(url, timeout=5).text).group(1)


def staff_session(base_url, username, password, device_key):
    """A requests session signed in to the admin at base_url as production asks: the password, then
    the code of the authenticator app whose key is device_key."""
    session = requests.Session()
    token = csrf_token(session, base_url + "/admin/login/")
    step = session.post(
        base_url + "/admin/login/?next=/admin/",
        timeout=5,
        data={"csrfmiddlewaretoken": token, "username": username, "password": password},
    )
    assert step.url.endswith("/admin/login/code/"), step.url  # production asks for a second factor
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', step.text).group(1)
    code = f"{TOTP(device_key).token():06d}"
    step = session.post(base_url + "/admin/login/code/", timeout=5, data={"csrfmiddlewaretoken": token, "code": code})
    assert step.url.endswith("/admin/") and "sessionid" in session.cookies, step.url
    return session


# Browser pages


def colour(page, selector, prop, pseudo=None):
    """The computed value of a CSS property of the first element matching selector on a Playwright page."""
    return page.locator(selector).first.evaluate(
        f"(e) => getComputedStyle(e, {repr(pseudo) if pseudo else 'null'}).getPropertyValue('{prop}')"
    )


# The medical review


def draft_of(article):
    """The article as its change page holds it: its draft when it has one (unsaved), else as stored."""
    return revisions.article_at(signoffs.under_review(article).version)  # derived, as its preview shows it
