"""An article's rows and topics, read for its page with queries compiled once.

prefetch_related() builds and compiles a query per relation on every render,
which made it most of what an uncached article page costs (bench/run.py: the
page at 0.07 of the static ceiling with it, 0.12 without). Here each relation's
query is still built by the ORM, from the same querysets as
ArticleQuerySet.for_detail(), but compiled once per database; each render runs
it through Manager.raw(), which converts and builds the rows as the ORM does.
tests/test_rows.py checks the result against prefetch_related() on both databases.
"""

from functools import cache

from django.db import router
from django.db.models.expressions import RawSQL

from .models import ROWS, Article, Topic

ARTICLE = object()  # stands for the article's id in the compiled queries


def _compiled(queryset, using):
    return queryset.query.get_compiler(using=using).as_sql()


@cache
def _statements(using):
    """{relation name: (model, sql, params)} for the rows and topics of one article."""
    article = RawSQL("%s", (ARTICLE,))
    statements = {
        name: (model, *_compiled(model.objects.filter(article_id=article).order_by("order"), using))
        for name, model in ROWS
    }
    topics = Topic.objects.filter(articles=article).order_by("name")
    statements["topics"] = (Topic, *_compiled(topics, using))
    return statements


def read(article):
    """The article's rows by relation name, in page order, and its topics by name: one query each."""
    using = router.db_for_read(Article, instance=article)
    found = {}
    for name, (model, sql, params) in _statements(using).items():
        values = [article.pk if param is ARTICLE else param for param in params]
        found[name] = list(model.objects.db_manager(using).raw(sql, values))
    for name, _ in ROWS:
        for row in found[name]:
            row.article = article
    topics = found.pop("topics")
    return found, topics
