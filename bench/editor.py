"""An editor at work, for the edit-while-reading run (bench/editing.py): signed in to the admin of
the app server at the given address (password, then the authenticator app's code), it saves every
`interval` seconds, alternately

- a draft of a published article (its summary): readers' pages must not change;
- a small change to another published article (its subtitle), signed off by its medical
  reviewer and published: that article's page and the listing pages change.

Run with the app's settings and database (the environment bench/run.py gives the app server).
It prints "ready" once signed in, and on SIGTERM, after the save under way, the counts as JSON.

Usage: python bench/editor.py BASE_URL INTERVAL
"""

import json
import secrets
import signal
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.urls import reverse  # noqa: E402

from articles.models import Article  # noqa: E402
from editorial.models import Draft  # noqa: E402
from tests.helpers import (  # noqa: E402
    csrf_token,
    errors_of,
    form_data,
    reviewer_account,
    signed_off,
    soup,
    staff_session,
    superuser_with_app,
)

stopping = []  # holds the signal once SIGTERM came


def stop(signum, _frame):
    stopping.append(signum)


def signed_in(base):
    """A session signed in as a new superuser, and the medical reviewer's account."""
    username, password = f"bench-editor-{secrets.token_hex(4)}", secrets.token_urlsafe(16)
    _, device = superuser_with_app(username, password)
    reviewer = get_user_model().objects.filter(username="ana").first() or reviewer_account()
    return staff_session(base, username, password, device.bin_key), reviewer


def save(session, base, article, **changes):
    """Save the article's change page as the browser submits it, with `changes`."""
    url = base + reverse("admin:articles_article_change", args=[article.pk])
    data = {**form_data(soup(session.get(url, timeout=30))), "change_note": "Clarified the wording.", **changes}
    saved = session.post(url, data=data, timeout=30, allow_redirects=False)
    if saved.status_code != 302:
        raise RuntimeError(f"saving {article.slug} answered {saved.status_code}: {errors_of(saved)}")


def publish(session, base, article, reviewer, number):
    """A small change to the article, signed off and published through the admin's Publish button."""
    subtitle = f"{article.subtitle.split(' (')[0]} (revised {number})"
    save(session, base, article, subtitle=subtitle, medical_reviewer=str(reviewer.contributor.pk))
    signed_off(article, reviewer)
    token = csrf_token(session, base + reverse("admin:articles_article_change", args=[article.pk]))
    url = base + reverse("admin:articles_article_publish", args=[article.pk])
    session.post(url, data={"csrfmiddlewaretoken": token}, timeout=30, allow_redirects=False)
    if Draft.objects.filter(article=article).exists() or Article.objects.get(pk=article.pk).subtitle != subtitle:
        raise RuntimeError(f"publishing {article.slug} did not put its change in place")


def main():
    base, interval = sys.argv[1], float(sys.argv[2])
    signal.signal(signal.SIGTERM, stop)
    session, reviewer = signed_in(base)
    articles = list(Article.objects.published().order_by("pk")[:400])
    drafted, published = articles[0::2], articles[1::2]
    counts = {"draft_saves": 0, "publishes": 0}
    print("ready", flush=True)
    number = 0
    while not stopping:
        started = time.monotonic()
        if number % 2 == 0:
            article = drafted[number // 2 % len(drafted)]
            save(session, base, article, summary=f"{article.summary} (draft {number})")
            counts["draft_saves"] += 1
        else:
            publish(session, base, published[number // 2 % len(published)], reviewer, number)
            counts["publishes"] += 1
        number += 1
        while not stopping and time.monotonic() - started < interval:
            time.sleep(0.05)
    print(json.dumps(counts), flush=True)


if __name__ == "__main__":
    main()
