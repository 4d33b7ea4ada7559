"""An article's rows and topics, read for its page with queries compiled once.

prefetch_related() builds and compiles a query per relation on every render,
which made it most of what an uncached article page costs (bench/run.py: the
page at 0.07 of the static ceiling with it, 0.12 without). Here each relation's
query is still built by the ORM, from the same in_page_order() querysets as
ArticleQuerySet.for_detail(), but compiled once per database (pagecache.compiled);
each render runs it through Manager.raw(), which converts and builds the rows as
the ORM does.
tests/test_rows.py checks the result against prefetch_related() on both databases.
"""

from functools import cache

from django.db import router
from django.db.models.expressions import RawSQL

from pagecache.compiled import Marker, bound, compiled

from .models import ROWS, Article, Topic, in_page_order

ARTICLE = Marker("article id")  # in the compiled queries


@cache
def _statements(using):
    """{relation name: (model, sql, params)} for the rows and topics of one article."""
    article = RawSQL("%s", (ARTICLE,))
    statements = {
        name: (model, *compiled(in_page_order(model).filter(article_id=article), using)) for name, model in ROWS
    }
    statements["topics"] = (Topic, *compiled(in_page_order(Topic).filter(articles=article), using))
    return statements


def read(article):
    """The article's rows by relation name, in page order, and its topics by name: one query each."""
    using = router.db_for_read(Article, instance=article)
    found = {}
    for name, (model, sql, params) in _statements(using).items():
        found[name] = list(model.objects.db_manager(using).raw(sql, bound(params, {ARTICLE: article.pk})))
    for name, _ in ROWS:
        for row in found[name]:
            row.article = article
    topics = found.pop("topics")
    return found, topics
