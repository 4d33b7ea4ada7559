"""An article's rows and topics, read for its page with queries compiled once.

prefetch_related() builds and compiles a query per relation on every render,
which made it most of what an uncached article page costs (bench/run.py: the
page at 0.07 of the static ceiling with it, 0.12 without). Here each relation's
query is still built by the ORM, from the same in_page_order() querysets as
ArticleQuerySet.for_detail(), but compiled once per database; each render runs
it and builds the rows as the ORM does (pagecache.compiled.Loader).
tests/test_rows.py checks the result against prefetch_related() on both databases.
"""

from functools import cache

from django.db import connections, router
from django.db.models import DateTimeField, Q
from django.db.models.expressions import RawSQL

from pagecache.compiled import Loader, Marker

from .models import ROWS, Article, Contributor, HistoryEntry, Topic, in_page_order

ARTICLE = Marker("article id")  # in the compiled queries
AUTHOR, REVIEWER = Marker("author id"), Marker("medical reviewer id")
RELATED_COUNT = 4  # related articles on an article page
RELATED = [Marker(f"related article id {n}") for n in range(RELATED_COUNT)]
MOMENT = Marker("moment")
SLUG = Marker("slug")


@cache
def _loaders(using):
    """{relation name: Loader} for the rows, topics and byline contributors of one article."""
    article = RawSQL("%s", (ARTICLE,))
    loaders = {name: Loader(in_page_order(model).filter(article_id=article), using) for name, model in ROWS}
    loaders["topics"] = Loader(in_page_order(Topic).filter(articles=article), using)
    loaders["history"] = Loader(HistoryEntry.objects.filter(article_id=article), using)
    reviewers = HistoryEntry.objects.filter(article_id=article).values("reviewed_by_id")
    people = Q(pk=RawSQL("%s", (AUTHOR,))) | Q(pk=RawSQL("%s", (REVIEWER,))) | Q(pk__in=reviewers)
    loaders["people"] = Loader(Contributor.objects.filter(people), using)
    return loaders


def read(article):
    """The article's rows by relation name, in page order, its history ("history", newest first) and
    its topics by name, one query each; its writer and medical reviewer, and the reviewers its history
    names (one query for all), are set on them."""
    using = router.db_for_read(Article, instance=article)
    ids = {ARTICLE: article.pk, AUTHOR: article.author_id, REVIEWER: article.medical_reviewer_id}
    found = {name: loader.run(ids) for name, loader in _loaders(using).items()}
    for name, _ in ROWS:
        for row in found[name]:
            row.article = article
    people = {person.pk: person for person in found.pop("people")}
    article.author = people[article.author_id]
    article.medical_reviewer = people.get(article.medical_reviewer_id)
    for entry in found["history"]:
        entry.reviewed_by = people.get(entry.reviewed_by_id)
    return found, found.pop("topics")


@cache
def _related_loader(using):
    """The published articles, as lists show them, among RELATED_COUNT ids."""
    moment = RawSQL("%s", (MOMENT,), output_field=DateTimeField())
    ids = [RawSQL("%s", (marker,)) for marker in RELATED]
    return Loader(Article.objects.published(at=moment).for_list().filter(pk__in=ids), using)


def related(ids, moment):
    """The articles with these ids (at most RELATED_COUNT) that are published at `moment`, in the order
    of the ids, read as lists show them: one query, compiled once."""
    using = router.db_for_read(Article)
    values = {marker: ids[n] if n < len(ids) else None for n, marker in enumerate(RELATED)}
    values[MOMENT] = connections[using].ops.adapt_datetimefield_value(moment)
    found = {article.pk: article for article in _related_loader(using).run(values)}
    return [found[pk] for pk in ids if pk in found]


@cache
def _article_loader(using):
    moment = RawSQL("%s", (MOMENT,), output_field=DateTimeField())
    return Loader(Article.objects.published(at=moment).filter(slug=RawSQL("%s", (SLUG,))).order_by()[:1], using)


def published_article(slug, moment):
    """The article at this address if it is published at `moment`, else None: one query, compiled once
    (a reader's article page; staff, who also see drafts, go through the ORM)."""
    using = router.db_for_read(Article)
    values = {SLUG: slug, MOMENT: connections[using].ops.adapt_datetimefield_value(moment)}
    return next(iter(_article_loader(using).run(values)), None)
