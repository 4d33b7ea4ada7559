"""The article page's row loader (articles.rows) gives what prefetch_related() gives.

It runs queries the ORM compiled once instead of building them per render; these
tests hold it to the ORM's own answer, on SQLite and on PostgreSQL (CI's second pass).
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles import rows
from articles.models import ROWS, Article, Topic

from .factories import ROW_FACTORIES, ArticleFactory

pytestmark = pytest.mark.django_db


def fields_of(instance):
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields}


def prefetched(article):
    """The rows and topics as ArticleQuerySet.for_detail() (prefetch_related) gives them."""
    loaded = Article.objects.for_detail().get(pk=article.pk)
    return {name: list(getattr(loaded, name).all()) for name, _ in ROWS}, list(loaded.topics.all())


def test_the_seed_articles_rows_and_topics_are_those_prefetch_related_gives(seed_article):
    found, topics = rows.read(seed_article)
    expected, expected_topics = prefetched(seed_article)
    assert set(found) == {name for name, _ in ROWS} | {"history"}
    assert [entry.note for entry in found.pop("history")] == ["First published."]
    for name, _ in ROWS:
        assert [fields_of(row) for row in found[name]] == [fields_of(row) for row in expected[name]], name
        assert all(type(row) is type(expected[name][0]) for row in found[name])
    assert [fields_of(topic) for topic in topics] == [fields_of(topic) for topic in expected_topics]
    assert [len(found[name]) for name, _ in ROWS] == [6, 4, 11, 7, 5]


def test_rows_come_in_page_order_whatever_order_they_were_saved_in_and_only_the_articles_own():
    article, other = ArticleFactory(), ArticleFactory()
    for factory in ROW_FACTORIES.values():
        for order in (3, 1, 2):
            factory(article=article, order=order)
        factory(article=other, order=1)
    for name in ("Zinc", "Bone health", "Minerals"):
        article.topics.add(Topic.objects.create(name=name, slug=name.lower().replace(" ", "-")))
    found, topics = rows.read(article)
    expected, expected_topics = prefetched(article)
    for name in ROW_FACTORIES:
        assert [row.order for row in found[name]] == [1, 2, 3], name
        assert [row.pk for row in found[name]] == [row.pk for row in expected[name]], name
    assert [topic.name for topic in topics] == ["Bone health", "Minerals", "Zinc"] == [t.name for t in expected_topics]


def test_converted_values_and_the_article_link_match_the_orm(seed_article):
    found, _ = rows.read(seed_article)
    expected, _ = prefetched(seed_article)
    food, orm_food = found["food_sources"][0], expected["food_sources"][0]
    assert food.amount == orm_food.amount and type(food.amount) is type(orm_food.amount)
    assert food.article is seed_article  # no query to reach the article: percent of the daily value
    with CaptureQueriesContext(connection) as queries:
        assert [row.percent_daily_value for row in found["food_sources"]] == [
            row.percent_daily_value for row in expected["food_sources"]
        ]
    assert len(queries) == 0


def test_an_article_without_rows_or_topics_reads_empty_in_one_query_each():
    article = ArticleFactory()
    loaded = Article.objects.get(pk=article.pk)
    with CaptureQueriesContext(connection) as queries:
        found, topics = rows.read(loaded)
        assert (loaded.author, loaded.medical_reviewer) == (article.author, article.medical_reviewer)
        assert loaded.author.display_name == "Citewell Editorial Team"
        assert loaded.medical_reviewer.display_name == "Ana Ruiz, MD"
    assert found == {**{name: [] for name, _ in ROWS}, "history": []} and topics == []
    assert len(queries) == len(ROWS) + 3  # the rows, the history, the topics, the byline's contributors


def test_an_article_without_a_reviewer_reads_its_writer_alone():
    article = Article.objects.get(pk=ArticleFactory(draft=True, medical_reviewer=None).pk)
    rows.read(article)
    assert article.medical_reviewer is None and article.author.name == "Citewell Editorial Team"


def test_related_articles_read_by_id_are_those_the_orm_gives_in_the_order_asked(seed_article):
    from datetime import timedelta

    from django.utils import timezone

    from articles import rows
    from articles.models import Article

    from .factories import ArticleFactory

    older = ArticleFactory(title="Older", published_at=timezone.now() - timedelta(days=3))
    newer = ArticleFactory(title="Newer")
    later = ArticleFactory(title="Later", published_at=timezone.now() + timedelta(days=1))
    draft = ArticleFactory(title="Draft", draft=True)
    ids = [newer.pk, later.pk, older.pk, draft.pk]
    found = rows.related(ids, timezone.now())
    assert [a.pk for a in found] == [newer.pk, older.pk]  # the scheduled one and the draft are not public
    expected = Article.objects.published().for_list().in_bulk([newer.pk, older.pk])
    for article in found:
        orm = expected[article.pk]
        assert (article.title, article.slug, article.summary, article.published_at) == (
            orm.title,
            orm.slug,
            orm.summary,
            orm.published_at,
        )
        assert article.get_deferred_fields() == orm.get_deferred_fields()
    assert [a.pk for a in rows.related(ids, timezone.now() + timedelta(days=2))] == [newer.pk, later.pk, older.pk]
    assert rows.related([], timezone.now()) == []


def test_a_readers_article_is_read_by_address_as_the_orm_reads_it(seed_article):
    from datetime import timedelta

    from django.utils import timezone

    from articles import rows
    from articles.models import Article

    from .factories import ArticleFactory

    found = rows.published_article(seed_article.slug, timezone.now())
    orm = Article.objects.published().get(slug=seed_article.slug)
    assert found.pk == orm.pk
    assert all(getattr(found, f.attname) == getattr(orm, f.attname) for f in Article._meta.concrete_fields)
    scheduled = ArticleFactory(published_at=timezone.now() + timedelta(hours=1))
    assert rows.published_article(scheduled.slug, timezone.now()) is None
    assert rows.published_article(scheduled.slug, timezone.now() + timedelta(hours=2)).pk == scheduled.pk
    assert rows.published_article(ArticleFactory(draft=True).slug, timezone.now()) is None
    assert rows.published_article("no-such-article", timezone.now()) is None
