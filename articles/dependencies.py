"""What public pages depend on, for the page cache (PAGE_CACHE_DEPENDENCIES).

An article and its rows belong to the article: a change to any of them touches the key
`article-<id>`, and, while the article is public (before or after the change), the
pages that list articles. Its status, publish time and topics place it in the public set
and its order (the related articles on other pages). Topics, contributors and the site
pages are not owned: a change to them touches every page. The article's edit count is
bookkeeping for the admin's edit conflicts that readers never see.
"""

from pagecache.triggers import Dependencies, Owned

from .models import FAQ, Article, FoodSource, HistoryEntry, KeyPoint, Reference, SlugRedirect, SupplementForm

PREFIX = "article"


def public(pk, at):
    """The article with this id, if readers see it at the moment `at`."""
    return Article.objects.published(at=at).filter(pk=pk).values("pk")


def owned():
    rows = (KeyPoint, SupplementForm, FoodSource, FAQ, Reference, HistoryEntry, SlugRedirect)
    return Dependencies(
        prefix=PREFIX,
        public=public,
        owned=(
            Owned(Article, "id", unseen=("edit_count",), membership=("status", "published_at")),
            Owned(Article.topics.through, "article_id", membership=True),
            *(Owned(model, "article_id") for model in rows),
        ),
    )


def article_key(pk):
    return f"{PREFIX}-{pk}"
