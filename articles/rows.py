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

from django.db import router
from django.db.models import Q
from django.db.models.expressions import RawSQL

from pagecache.compiled import Loader, Marker

from .models import ROWS, Article, Contributor, HistoryEntry, Topic, in_page_order

ARTICLE = Marker("article id")  # in the compiled queries
AUTHOR, REVIEWER = Marker("author id"), Marker("medical reviewer id")


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
