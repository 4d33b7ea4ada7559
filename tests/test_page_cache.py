"""HTTP validators and the full-page cache: fast for readers, never stale."""

import logging
from datetime import timedelta
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import FAQ, Article, KeyPoint, Reference
from pagecache import store
from pagecache.models import ContentVersion
from pagecache.pages import last_modified_for

from .factories import ArticleFactory, FAQFactory
from .helpers import CACHE_DOWN, existing_rows, save_change_page, signed_off

pytestmark = pytest.mark.django_db

HOME = "/"


@pytest.fixture
def article(seed_article):
    # The content last changed a minute ago, as on a site between edits.
    ContentVersion.objects.update(changed_at=timezone.now() - timedelta(minutes=1))
    return seed_article


def get(client, url, **headers):
    return client.get(url, headers=headers)


@pytest.mark.parametrize("url", [HOME, "/articles/does-magnesium-help-osteoporosis/"])
def test_public_pages_send_validators_and_revalidate_with_304(client, article, url):
    first = get(client, url)
    assert first.status_code == 200
    assert first["Cache-Control"] == "public, max-age=0, s-maxage=60, stale-while-revalidate=30"
    assert "Cookie" in first["Vary"]
    etag, last_modified = first["ETag"], first["Last-Modified"]
    by_etag = get(client, url, if_none_match=etag)
    assert by_etag.status_code == 304
    assert by_etag.content == b""
    assert by_etag["ETag"] == etag
    assert get(client, url, if_modified_since=last_modified).status_code == 304
    assert get(client, url, if_none_match='"something-else"').status_code == 200


def test_last_modified_never_hides_a_later_change_in_the_same_second():
    changed = timezone.now().replace(microsecond=100_000)
    assert last_modified_for(changed, changed + timedelta(seconds=2)) == int(changed.timestamp())
    # Made in the second of the change: claim the second before, so that a second
    # change in that same second still differs from what the reader holds.
    assert last_modified_for(changed, changed.replace(microsecond=900_000)) == int(changed.timestamp()) - 1


def test_a_conditional_request_costs_one_query_and_no_render(client, article):
    etag = get(client, article.get_absolute_url())["ETag"]
    with CaptureQueriesContext(connection) as queries:
        assert get(client, article.get_absolute_url(), if_none_match=etag).status_code == 304
    assert len(queries) == 1


def test_the_second_reader_gets_the_stored_page_for_one_query(client, article):
    first = get(client, article.get_absolute_url())
    assert first["X-Cache"] == "miss"
    with CaptureQueriesContext(connection) as queries:
        second = get(client, article.get_absolute_url())
    assert second["X-Cache"] == "hit"
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]
    assert len(queries) == 1


def test_stored_pages_and_their_304s_keep_the_security_headers(client, article):
    first = get(client, article.get_absolute_url())
    second = get(client, article.get_absolute_url())
    assert second["X-Cache"] == "hit"
    not_modified = get(client, article.get_absolute_url(), if_none_match=first["ETag"])
    assert not_modified.status_code == 304
    for name in (
        "Content-Security-Policy",
        "X-Frame-Options",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "Cross-Origin-Opener-Policy",
        "ETag",
        "Cache-Control",
        "Vary",
    ):
        assert second[name] == first[name] == not_modified[name], name
    assert second["Content-Type"] == "text/html; charset=utf-8"
    assert "Content-Type" not in not_modified


def test_http_and_https_pages_are_stored_apart(client, article, settings):
    settings.SECURE_HSTS_SECONDS = 3600
    assert "Strict-Transport-Security" not in get(client, HOME)
    secure = client.get(HOME, secure=True)
    assert secure["X-Cache"] == "miss"
    assert secure["Strict-Transport-Security"] == "max-age=3600"
    assert client.get(HOME, secure=True)["Strict-Transport-Security"] == "max-age=3600"
    assert "Strict-Transport-Security" not in get(client, HOME)


def test_plain_http_is_redirected_before_any_stored_page_is_served(client, article, settings):
    warm(client, article)
    settings.SECURE_SSL_REDIRECT = True
    response = get(Client(), HOME)
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/"


def test_a_server_whose_clock_runs_behind_still_shows_a_version_s_scheduled_articles(client, article):
    """Servers judge publish times by the moment the content version took effect."""
    scheduled = ArticleFactory(title="Iodine and thyroid", published_at=timezone.now() + timedelta(hours=1))
    ahead = timezone.now() + timedelta(hours=2)
    with mock.patch("django.utils.timezone.now", return_value=ahead):
        assert "Iodine and thyroid" in get(client, HOME).content.decode()  # this server bumps the version
    cache.clear()  # another server, with nothing stored, and a clock that is an hour slow
    store.forget()
    behind = scheduled.published_at - timedelta(minutes=30)
    with mock.patch("django.utils.timezone.now", return_value=behind):
        assert "Iodine and thyroid" in get(client, HOME).content.decode()
        assert get(client, scheduled.get_absolute_url()).status_code == 200


def test_query_parameters_the_page_does_not_read_share_its_copy(client, article):
    assert get(client, "/?utm_source=newsletter")["X-Cache"] == "miss"
    assert get(client, "/")["X-Cache"] == "hit"
    assert get(client, "/?page=1")["Location"] == "/"  # not a copy of its own: the first page's address


def warm(client, article):
    for url in (HOME, article.get_absolute_url()):
        get(client, url)
        assert get(client, url)["X-Cache"] == "hit"


def test_an_admin_edit_shows_on_the_very_next_request_once_published(client, admin_client, article, reviewer):
    warm(client, article)
    old_etag = get(client, article.get_absolute_url())["ETag"]
    title = "Does Magnesium Really Help Osteoporosis?"
    response = save_change_page(admin_client, article, title=title, medical_reviewer=reviewer.contributor.pk)
    assert response.status_code == 302
    assert title not in get(client, article.get_absolute_url()).content.decode()  # a draft until published
    signed_off(article, reviewer)
    admin_client.post(reverse("admin:articles_article_publish", args=[article.pk]))
    page = get(client, article.get_absolute_url(), if_none_match=old_etag)
    assert page.status_code == 200
    assert "Does Magnesium Really Help Osteoporosis?" in page.content.decode()
    assert "Does Magnesium Really Help Osteoporosis?" in get(client, HOME).content.decode()


def test_an_admin_edit_of_one_row_shows_on_the_very_next_request_once_published(
    client, admin_client, article, reviewer
):
    warm(client, article)
    rows = existing_rows(article)
    rows["faqs"][2]["question"] = "Which magnesium supplement is best for bones?"
    response = save_change_page(admin_client, article, rows, medical_reviewer=reviewer.contributor.pk)
    assert response.status_code == 302
    signed_off(article, reviewer)
    admin_client.post(reverse("admin:articles_article_publish", args=[article.pk]))
    assert "Which magnesium supplement is best for bones?" in get(client, article.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    "change",
    [
        lambda a: FAQ.objects.filter(article=a, order=1).update(question="Changed by update()?"),
        lambda a: KeyPoint.objects.filter(article=a).first().delete(),
        lambda a: FAQFactory(article=a, order=99, question="A new question?"),
        lambda a: Reference.objects.filter(article=a, order=5).update(title="A retitled reference"),
        lambda a: Article.objects.filter(pk=a.pk).update(summary="A summary changed in bulk."),
    ],
)
def test_any_orm_change_to_an_article_or_its_rows_shows_on_the_next_request(client, article, change):
    warm(client, article)
    before = get(client, article.get_absolute_url()).content
    change(article)
    after = get(client, article.get_absolute_url())
    assert after["X-Cache"] == "miss"
    assert after.content != before


def test_unpublishing_removes_the_page_at_once(client, admin_client, article):
    warm(client, article)
    admin_client.post("/admin/articles/article/", {"action": "unpublish", "_selected_action": [article.pk]})
    assert get(client, article.get_absolute_url()).status_code == 404
    assert article.title not in get(client, HOME).content.decode()


def test_a_scheduled_article_appears_when_its_time_comes_without_any_save(client, article):
    later = ArticleFactory(title="Vitamin K and bone", published_at=timezone.now() + timedelta(hours=1))
    warm(client, article)
    assert "Vitamin K and bone" not in get(client, HOME).content.decode()
    assert get(client, later.get_absolute_url()).status_code == 404
    with mock.patch("django.utils.timezone.now", return_value=timezone.now() + timedelta(hours=2)):
        home = get(client, HOME)
        assert home["X-Cache"] == "miss"
        assert "Vitamin K and bone" in home.content.decode()
        assert get(client, later.get_absolute_url()).status_code == 200


def test_staff_pages_are_never_cached_nor_served_from_the_cache(client, admin_client, article):
    warm(client, article)
    staff = admin_client.get(article.get_absolute_url())
    assert "X-Cache" not in staff
    assert "no-store" in staff["Cache-Control"] and "private" in staff["Cache-Control"]
    assert "staff-banner" in staff.content.decode()
    assert "staff-banner" not in get(client, article.get_absolute_url()).content.decode()


def test_a_draft_seen_by_staff_never_reaches_readers(client, admin_client):
    draft = ArticleFactory(title="Unreviewed draft", draft=True)
    assert admin_client.get(draft.get_absolute_url()).status_code == 200
    assert get(client, draft.get_absolute_url()).status_code == 404
    assert "Unreviewed draft" not in get(client, HOME).content.decode()


def test_not_found_pages_are_not_stored(client):
    assert get(client, "/articles/nothing-here/").status_code == 404
    missing = get(client, "/articles/nothing-here/")
    assert "X-Cache" not in missing
    assert missing["Cache-Control"] == "no-cache"  # no cache may reuse it unasked: it may exist a moment later


def test_search_results_are_never_reused_unasked(client, article):
    response = get(client, "/search/?q=magnesium")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-cache"


# Preconditions: only a page that exists answers 304 (RFC 9110, 13.2.1)

LATER = "Fri, 01 Jan 2100 00:00:00 GMT"


@pytest.mark.parametrize("page_cache", [True, False], ids=["cache-on", "cache-off"])
@pytest.mark.parametrize("headers", [{"if_none_match": "*"}, {"if_modified_since": LATER}], ids=["star", "date"])
def test_a_page_that_does_not_exist_is_404_whatever_the_preconditions(client, article, settings, page_cache, headers):
    settings.PAGE_CACHE = page_cache
    draft = ArticleFactory(title="Unreviewed draft", draft=True)
    for url in ("/articles/nothing-here/", draft.get_absolute_url(), "/?page=2", "/topics/nothing-here/"):
        response = get(client, url, **headers)
        assert response.status_code == 404, url
        assert "We can’t find that page" in response.content.decode(), url
        assert "ETag" not in response, url


@pytest.mark.parametrize("page_cache", [True, False], ids=["cache-on", "cache-off"])
@pytest.mark.parametrize("headers", [{"if_none_match": "*"}, {"if_modified_since": LATER}], ids=["star", "date"])
def test_a_page_that_exists_is_304_for_any_precondition_it_meets(client, article, settings, page_cache, headers):
    settings.PAGE_CACHE = page_cache
    first = get(client, article.get_absolute_url(), **headers)  # nothing stored yet: rendered, then answered
    assert first.status_code == 304
    assert first.content == b"" and first["ETag"] and "Content-Type" not in first
    get(client, article.get_absolute_url())
    stored = get(client, article.get_absolute_url(), **headers)  # a stored copy (when the cache is on)
    assert stored.status_code == 304
    assert stored["ETag"] == first["ETag"]
    assert get(client, article.get_absolute_url(), if_none_match='"another", "tag"').status_code == 200


def test_unknown_hosts_are_refused_even_for_stored_pages(client, article):
    warm(client, article)
    assert client.get(HOME, headers={"host": "evil.example"}).status_code == 400


def test_with_the_page_cache_off_validators_still_work(article, settings):
    settings.PAGE_CACHE = False
    client = Client()
    first = get(client, HOME)
    assert "X-Cache" not in first
    assert get(client, HOME, if_none_match=first["ETag"]).status_code == 304


@override_settings(CACHES=CACHE_DOWN)
def test_when_the_cache_is_down_pages_come_from_the_database_with_a_warning(article, caplog):
    client = Client()
    with caplog.at_level(logging.WARNING, logger="pagecache.store"):
        response = get(client, article.get_absolute_url())
    assert response.status_code == 200
    assert article.title in response.content.decode()
    assert any("Page cache unavailable" in r.getMessage() for r in caplog.records)
    assert get(client, HOME).status_code == 200


# The content version: read in one compiled query; the page cache knows nothing of articles


def test_the_triggers_keep_the_next_publish_time_the_orm_gives(article):
    from django.db.models import Min

    from pagecache.versions import read

    assert ContentVersion.objects.get().next_change_at is None  # nothing is scheduled
    soon = ArticleFactory(published_at=timezone.now() + timedelta(hours=1))
    later = ArticleFactory(published_at=timezone.now() + timedelta(hours=2))
    expected = Article.objects.scheduled().aggregate(first=Min("published_at"))["first"]
    stored = ContentVersion.objects.get()
    assert stored.next_change_at == expected == soon.published_at
    snapshot = read("default")
    assert (snapshot.sequence, snapshot.changed_at, snapshot.next_change_at) == (
        stored.value,
        stored.changed_at,
        stored.next_change_at,
    )
    everything = snapshot.version("all")
    with mock.patch("django.utils.timezone.now", return_value=soon.published_at + timedelta(minutes=1)):
        assert get(Client(), HOME).status_code == 200  # the first request after the moment moves it on
    bumped = ContentVersion.objects.get()
    assert bumped.value == stored.value + 1 and bumped.changed_at == soon.published_at
    assert bumped.next_change_at == later.published_at
    assert read("default").version("all") == bumped.value > everything


def test_the_middlewares_out_of_order_fail_the_system_check(settings):
    from django.core import checks

    def problems():
        return {error.id for error in checks.run_checks(tags=[checks.Tags.caches]) if error.id.startswith("pagecache.")}

    assert problems() == set()
    cache, validators = "pagecache.middleware.PageCacheMiddleware", "pagecache.middleware.PageValidatorsMiddleware"
    stack = list(settings.MIDDLEWARE)
    settings.MIDDLEWARE = [validators, *(m for m in stack if m != validators)]
    assert "pagecache.E002" in problems()
    sessions = "django.contrib.sessions.middleware.SessionMiddleware"
    rest = [m for m in stack if m != sessions]
    settings.MIDDLEWARE = [rest[0], sessions, *rest[1:]]  # the session read before the cache decides
    assert "pagecache.E004" in problems()
    settings.MIDDLEWARE = [m for m in stack if m != cache]
    assert problems() == {"pagecache.E001"}
    security = "django.middleware.security.SecurityMiddleware"
    settings.MIDDLEWARE = [security, *(m for m in stack if m != security)]
    assert "pagecache.E003" in problems()


# Content codings: each stored page keeps gzip and Brotli copies


@pytest.mark.parametrize(
    ("accept", "coding"),
    [
        ("gzip, deflate, br", "br"),
        ("gzip", "gzip"),
        ("br;q=0.5, gzip", "gzip"),
        ("br;q=0, gzip;q=0", None),
        ("identity", None),
        ("", None),
        ("*", "br"),
    ],
)
def test_pages_are_sent_in_the_content_coding_the_reader_accepts(client, article, accept, coding):
    import gzip

    import brotli

    plain = get(client, article.get_absolute_url())
    for state in ("miss", "hit"):
        if state == "miss":
            cache.clear()
            store.forget()
        response = get(client, article.get_absolute_url(), accept_encoding=accept)
        assert response["X-Cache"] == state
        assert response.get("Content-Encoding") == coding
        assert "Accept-Encoding" in response["Vary"]
        assert int(response["Content-Length"]) == len(response.content)
        body = {"br": brotli.decompress, "gzip": gzip.decompress, None: bytes}[coding](response.content)
        assert body == plain.content
        assert response["ETag"] == plain["ETag"][:-1] + ("" if coding is None else f"-{coding}") + '"'


def test_the_etag_of_any_coding_of_a_page_answers_304(client, article):
    url = article.get_absolute_url()
    compressed = get(client, url, accept_encoding="br")
    assert get(client, url, if_none_match=compressed["ETag"]).status_code == 304
    assert get(client, url, accept_encoding="gzip", if_none_match=compressed["ETag"]).status_code == 304
    assert get(client, url, if_none_match=compressed["ETag"].replace("-br", "-zz")).status_code == 200


def test_head_sends_the_headers_of_the_page_and_no_body(client, article):
    url = article.get_absolute_url()
    page = get(client, url)
    head = client.head(url)
    assert head.status_code == 200 and head["X-Cache"] == "hit"
    assert head.content == b""
    assert head["Content-Length"] == page["Content-Length"] == str(len(page.content))
    assert head["ETag"] == page["ETag"]


def test_a_304_carries_the_etag_of_the_coding_the_reader_accepts(client, article):
    url = article.get_absolute_url()
    brotli_tag = get(client, url, accept_encoding="br")["ETag"]
    assert brotli_tag.endswith('-br"')
    answer = get(client, url, accept_encoding="br", if_none_match=brotli_tag)
    assert answer.status_code == 304 and answer["ETag"] == brotli_tag
    assert "Content-Encoding" not in answer and "Accept-Encoding" in answer["Vary"]
