"""Invalidation by dependency: an edit turns into misses only the pages that show what it changed,
and shared caches in front are told which (their keys, and the purge after an edit)."""

from datetime import timedelta

import pytest
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import FAQ, Article, Topic
from pagecache import purge

from .factories import ArticleFactory
from .helpers import save_change_page, signed_off

pytestmark = pytest.mark.django_db

HOME = "/"
SEED = "/articles/does-magnesium-help-osteoporosis/"


def get(url, **headers):
    return Client().get(url, headers=headers)


@pytest.fixture
def other(seed_article):
    """A second published article sharing no topic with the seed: not among its related articles."""
    return ArticleFactory(title="Does iron help fatigue?", slug="does-iron-help-fatigue")


def warm(*urls):
    """Each page stored; its ETag."""
    tags = {}
    for url in urls:
        get(url)
        page = get(url)
        assert page["X-Cache"] == "hit", url
        tags[url] = page["ETag"]
    return tags


def still_stored(tags):
    for url, etag in tags.items():
        page = get(url)
        assert page["X-Cache"] == "hit", url
        assert page["ETag"] == etag, url


def test_saving_a_draft_of_a_published_article_changes_no_page_and_no_etag(admin_client, seed_article, reviewer):
    tags = warm(HOME, SEED, "/topics/", "/feed/", "/sitemap.xml")
    saved = save_change_page(
        admin_client, seed_article, title="A Draft Title", medical_reviewer=reviewer.contributor.pk
    )
    assert saved.status_code == 302
    still_stored(tags)
    assert "A Draft Title" not in get(SEED).content.decode()


def test_editing_an_unpublished_article_changes_no_public_page(seed_article):
    draft = ArticleFactory(title="Unreviewed draft", draft=True)
    tags = warm(HOME, SEED)
    draft.title = "Still unreviewed"
    draft.save()
    FAQ.objects.create(article=draft, order=1, question="Is it out?", answer="Not yet.")
    still_stored(tags)


def test_the_edit_count_alone_changes_nothing_readers_see(seed_article):
    tags = warm(HOME, SEED)
    Article.objects.filter(pk=seed_article.pk).update(edit_count=F("edit_count") + 1)
    still_stored(tags)


def test_an_edit_to_one_article_leaves_the_other_articles_pages_stored(seed_article, other):
    tags = warm(HOME, SEED, other.get_absolute_url())
    Article.objects.filter(pk=other.pk).update(summary="Iron matters only when it is low.")
    page = get(other.get_absolute_url())
    assert page["X-Cache"] == "miss" and "Iron matters only when it is low." in page.content.decode()
    assert get(HOME)["X-Cache"] == "miss"  # the list shows articles' summaries
    still_stored({SEED: tags[SEED]})


def test_a_related_article_s_new_title_reaches_the_page_showing_it(seed_article, other):
    other.topics.set(seed_article.topics.all()[:1])
    assert "Does iron help fatigue?" in get(SEED).content.decode()
    warm(SEED)
    Article.objects.filter(pk=other.pk).update(title="Does iron help tiredness?")
    page = get(SEED)
    assert page["X-Cache"] == "miss"
    assert "Does iron help tiredness?" in page.content.decode()


def test_a_new_article_in_a_topic_reaches_its_neighbours_related_articles(seed_article):
    newcomer = ArticleFactory(title="Does vitamin K help bones?", slug="vitamin-k-bones", draft=True)
    newcomer.topics.set(seed_article.topics.all()[:1])
    tags = warm(SEED)
    still_stored(tags)  # a draft joining the topic shows nowhere
    Article.objects.filter(pk=newcomer.pk).update(status=Article.Status.PUBLISHED, published_at=timezone.now())
    page = get(SEED)
    assert page["X-Cache"] == "miss"
    assert "Does vitamin K help bones?" in page.content.decode()


def test_a_topic_renamed_reaches_every_page(seed_article, other):
    warm(HOME, SEED, other.get_absolute_url())
    topic = seed_article.topics.first()
    Topic.objects.filter(pk=topic.pk).update(name="Bones and joints")
    for url in (HOME, SEED, other.get_absolute_url()):
        assert get(url)["X-Cache"] == "miss", url
    assert "Bones and joints" in get(SEED).content.decode()


def test_shared_caches_may_keep_a_page_until_scheduled_content_goes_public(seed_article):
    assert get(SEED)["Cache-Control"] == "public, max-age=0, s-maxage=60, stale-while-revalidate=30"
    ArticleFactory(title="Coming soon", published_at=timezone.now() + timedelta(seconds=20))
    control = get(SEED)["Cache-Control"]
    shared = int(control.split("s-maxage=")[1].split(",")[0])
    assert 0 < shared <= 20


# Shared caches in front: keys on each page, and a purge once an edit has committed

purged = []


def record(keys):
    purged.append(set(keys))


@pytest.fixture
def purger(settings):
    settings.SHARED_CACHE_PURGER = "tests.test_page_dependencies.record"
    purge.purger.cache_clear()
    purged.clear()
    yield purged
    purge.purger.cache_clear()


def test_pages_carry_their_keys_only_for_a_purger(seed_article, settings, purger):
    keys = get(SEED)["xkey"].split()
    assert {"all", "published-set", f"article-{seed_article.pk}"} <= set(keys)
    assert "list" not in keys
    assert get(SEED)["xkey"] == " ".join(keys)  # the stored copy too
    assert {"all", "list"} <= set(get(HOME)["xkey"].split())
    settings.SHARED_CACHE_KEYS_HEADER = "Cache-Tag"  # Cloudflare's: comma-separated
    Article.objects.filter(pk=seed_article.pk).update(summary="Changed once.")
    assert get(SEED)["Cache-Tag"] == ",".join(keys)
    settings.SHARED_CACHE_PURGER = ""
    purge.purger.cache_clear()
    Article.objects.filter(pk=seed_article.pk).update(summary="Changed.")
    assert "xkey" not in get(SEED) and "Cache-Tag" not in get(SEED)


@pytest.mark.django_db(transaction=True)
def test_a_published_edit_purges_what_it_changed_before_the_response_leaves(admin_client, reviewer, purger):
    from django.core.management import call_command

    call_command("loaddata", "initial_article", verbosity=0)
    article = Article.objects.get()
    saved = save_change_page(admin_client, article, title="A Draft Title", medical_reviewer=reviewer.contributor.pk)
    assert saved.status_code == 302
    assert purger == []  # a draft changes nothing readers see
    signed_off(article, reviewer)
    admin_client.post(reverse("admin:articles_article_publish", args=[article.pk]))
    assert purger and {f"article-{article.pk}", "list"} <= set.union(*purger)
    assert "A Draft Title" in get(SEED).content.decode()
    purger.clear()
    Topic.objects.create(name="Sleep", slug="sleep")
    admin_client.post(reverse("admin:articles_topic_add"), {"name": "Iron", "slug": "iron"})
    assert {"all"} in purger


def test_each_statement_takes_one_number_however_many_rows_it_changes(seed_article):
    """A bulk insert or delete moves the content version once on PostgreSQL (its row triggers share the
    statement's number); every statement moves it again, within one transaction too."""
    from django.db import connection

    from articles.models import KeyPoint
    from pagecache.models import ContentVersion, DependencyVersion

    def number():
        return ContentVersion.objects.get().value

    before = number()
    KeyPoint.objects.bulk_create(
        KeyPoint(article=seed_article, order=100 + n, title=f"Point {n}", text="Text.") for n in range(5)
    )
    after_insert = number()
    if connection.vendor == "postgresql":
        assert after_insert == before + 1
    else:
        assert after_insert > before
    key = DependencyVersion.objects.get(key=f"article-{seed_article.pk}")
    assert key.version == after_insert
    KeyPoint.objects.filter(article=seed_article, order__gte=100).delete()
    after_delete = number()
    assert after_delete > after_insert  # the next statement, in the same transaction
    assert DependencyVersion.objects.get(key=f"article-{seed_article.pk}").version == after_delete
    assert DependencyVersion.objects.get(key="list").version == after_delete
