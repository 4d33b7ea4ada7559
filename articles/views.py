import re
from functools import wraps

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.cache import add_never_cache_headers, patch_cache_control

from pagecache import content_version
from pagecache.pages import depends_on, page_key, public_page
from pagecache.store import TolerantCache
from pagecache.triggers import EVERYTHING, PUBLISHED_SET

from . import charts, citations, rendering, structured_data
from . import rows as article_rows
from . import search as site_search
from .dependencies import article_key
from .limits import RateLimit
from .models import Article, Contributor, SlugRedirect, Topic, published_q, reviewed_by_q
from .rows import RELATED_COUNT

SEARCH_LIMIT = RateLimit("search")
remembered = TolerantCache()  # related-article ids, per version of what they depend on


class ListPage:
    """One page of a newest-first list, found without counting the whole list.

    A count grows with the number of articles; reading one row past the page
    tells whether an older page exists, at the same cost at 100 or 100,000.
    """

    def __init__(self, rows, number, per_page):
        self.number = number
        self.object_list = rows[:per_page]
        self.has_next = len(rows) > per_page
        self.has_previous = number > 1

    @classmethod
    def of(cls, queryset, number, per_page):
        return cls(list(queryset[(number - 1) * per_page : number * per_page + 1]), number, per_page)

    def __iter__(self):
        return iter(self.object_list)


PAGE_NUMBER = re.compile(r"[1-9][0-9]{0,5}")  # ASCII digits, no leading zero: pages 1 to 999,999


def page_param(values):
    """The canonical text of a list's `page` parameter, from its values: what its pages are stored under.

    '' without one, the number from page 2 on. ValueError for anything else: a
    repeated or empty parameter, a number written another way (a leading zero,
    a sign, spaces, a decimal point, another script's digits), 0, a number past
    999,999, and 1, whose page's address has no parameter.
    """
    if not values:
        return ""
    if len(values) == 1 and values[0] != "1" and PAGE_NUMBER.fullmatch(values[0]):
        return values[0]
    raise ValueError(f"not a page's own address: page={values!r}")


def page_number(request):
    """The page of a list the request asks for; 404 when its address is not that page's own."""
    try:
        text = page_param(request.GET.getlist("page"))
    except ValueError:
        raise Http404("No such page.") from None
    return int(text) if text else 1


def first_page_redirect(view):
    """`?page=1` answers 301 to the address without it, the one the first page's canonical link names."""

    @wraps(view)
    def redirected(request, *args, **kwargs):
        if request.GET.getlist("page") == ["1"]:
            rest = request.GET.copy()
            del rest["page"]
            return HttpResponsePermanentRedirect(f"{request.path}?{rest.urlencode()}" if rest else request.path)
        return view(request, *args, **kwargs)

    return redirected


def canonical_list_path(request, page_obj):
    """A list page's canonical address: the first page's has no parameter."""
    return request.path if page_obj.number == 1 else f"{request.path}?page={page_obj.number}"


def listing(request, queryset):
    """A page of articles; an empty page past the first does not exist."""
    page = ListPage.of(queryset, page_number(request), settings.ARTICLES_PER_PAGE)
    if page.number > 1 and not page.object_list:
        raise Http404("No such page.")
    return page


@public_page(query={"page": page_param})
@first_page_redirect
def article_list(request):
    """Published articles, newest first, as cards.

    Template: articles/article_list.html; context: page_obj (a ListPage of Article).
    """
    page_obj = listing(request, Article.objects.published().for_list())
    graph = structured_data.home_graph() if page_obj.number == 1 else None
    return render(
        request,
        "articles/article_list.html",
        {
            "page_obj": page_obj,
            "canonical_path": canonical_list_path(request, page_obj),
            "json_ld": structured_data.to_script(graph) if graph else None,
        },
    )


@public_page(depends=())
def article_detail(request, slug):
    """One Article, whole: every section, its evidence and the disclaimer.

    Template: articles/article_detail.html; context: article and its rows
    (see article_context). Readers get published articles only; staff also see
    drafts and scheduled articles, under a banner, and their pages are never
    cached. An address the article had before its slug changed answers 301.
    """
    staff = sees_unpublished(request.user)
    articles = Article.objects.with_state() if staff else Article.objects.published()
    if staff:
        article = next(iter(articles.filter(slug=slug).order_by()[:1]), None)  # slug is unique: no ordering
    else:
        article = article_rows.published_article(slug, content_version.now())
    if article is None:
        moved = (
            SlugRedirect.objects.select_related("article")
            .filter(old_slug=slug, article__in=articles.values("pk"))
            .first()
        )
        if moved is None:
            raise Http404("No published article at this address.")
        return HttpResponsePermanentRedirect(moved.article.get_absolute_url())
    key = page_key(request)
    rows, topics = article_rows.read(article)
    context = article_context(article, rows, topics, key.snapshot if key else None)
    depends_on(request, PUBLISHED_SET, article_key(article.pk), *(article_key(item.pk) for item in context["related"]))
    response = render(request, "articles/article_detail.html", context)
    if sees_unpublished(request.user):
        add_never_cache_headers(response)
    return response


def sees_unpublished(user):
    """Staff who may view articles in the admin see drafts and scheduled articles here too; no one else."""
    return user.is_active and user.is_staff and user.has_perm("articles.view_article")


def article_context(article, rows, topics, snapshot=None):
    """The template context of an article page: the article, its rows (lists by relation name, in
    page order) and its topics, as the page's sections use them."""
    context = {**rows, "topics": topics, "topic": topics[0] if topics else None, **body_context(article, rows)}
    context["references"] = cited_references(article, rows["references"])
    context["related"] = related_articles(article, topics, snapshot)
    context["canonical_path"] = article.get_absolute_url()
    context["json_ld"] = structured_data.to_script(
        structured_data.article_graph(article, context["topic"], context["references"], rows["faqs"])
    )
    return context


def body_context(article, rows):
    """What the article's body (articles/_body.html) needs: its parts, cut at the block markers, and
    the rows and chart of the tables placed in it."""
    available = [name for name in rendering.BLOCKS if rows[name.replace("-", "_")]]
    return {
        "article": article,
        "food_sources": rows["food_sources"],
        "supplement_forms": rows["supplement_forms"],
        "body_parts": rendering.split_blocks(article.body_html, available),
        "food_chart": charts.food_chart(rows["food_sources"]),
        "food_source_names": sorted({food.source for food in rows["food_sources"] if food.source}),
    }


def cited_references(article, references):
    """The references in the order of their numbers (by first citation; those never cited last),
    each with its `number` and the ids of the places in the body that cite it (`backlinks`)."""
    ordered = citations.in_reading_order(references, article.citations)
    for ref in ordered:
        count = article.citations.get(ref.key, {}).get("anchors", 0)
        ref.backlinks = [rendering.citation_id(ref.number, n) for n in range(1, count + 1)]
    return ordered


def related_articles(article, topics, snapshot=None):
    """Published articles sharing the most topics with this one, then the newest.

    Working it out costs two queries whose work grows with the size of the
    article's topics (the links of every article in them are counted), so the
    chosen ids are kept in the cache for the versions they were found at (the
    public set, the article's own, and everything's): later renders fetch the
    articles in one query, and a change to any of those asks again.
    """
    if not topics:
        return []
    key = None
    if snapshot is not None:
        found_at = snapshot.versions([PUBLISHED_SET, EVERYTHING, article_key(article.pk)])
        key = f"related:{settings.RELEASE}:{article.pk}:" + ":".join(str(v) for _, v in sorted(found_at.items()))
    ids = remembered.get(key) if key else None
    if ids is not None:
        return article_rows.related(ids, content_version.now())
    topic_ids = [topic.pk for topic in topics]
    links = Article.topics.through.objects.filter(topic_id__in=topic_ids).exclude(article_id=article.pk)
    best = []
    if len(topic_ids) > 1:
        best = list(
            links.filter(published_q("article__"))
            .values("article_id", "article__published_at")
            .annotate(shared=Count("pk"))
            .filter(shared__gte=2)
            .order_by("-shared", "-article__published_at", "-article_id")
            .values_list("article_id", flat=True)[:RELATED_COUNT]
        )
    newest = (
        Article.objects.published()
        .exclude(pk=article.pk)
        .filter(Exists(links.filter(article_id=OuterRef("pk"))))
        .order_by("-published_at", "-pk")
        .values("pk")[:RELATED_COUNT]
    )
    found = {
        item.pk: item
        for item in Article.objects.published().for_list().filter(Q(pk__in=best) | Q(pk__in=Subquery(newest)))
    }
    rest = sorted(
        (item for pk, item in found.items() if pk not in best),
        key=lambda item: (item.published_at, item.pk),
        reverse=True,
    )
    related = ([found[pk] for pk in best if pk in found] + rest)[:RELATED_COUNT]
    if key:
        remembered.set(key, [item.pk for item in related])
    return related


@public_page
def topic_list(request):
    """Every topic with its number of published articles. Template: articles/topic_list.html."""
    topics = (
        Topic.objects.annotate(published=Count("articles", filter=published_q("articles__")))
        .filter(published__gt=0)
        .order_by("name")
    )
    return render(request, "articles/topic_list.html", {"topics": topics, "canonical_path": request.path})


@public_page(query={"page": page_param})
@first_page_redirect
def topic_detail(request, slug):
    """One Topic and its published articles, newest first.

    Template: articles/topic_detail.html; context: topic, page_obj (a ListPage of Article).
    """
    # A topic whose articles are all unpublished has no public page, as a contributor has none.
    topic = get_object_or_404(
        Topic.objects.filter(Exists(Article.objects.published().filter(topics=OuterRef("pk")))), slug=slug
    )
    page_obj = listing(request, topic.articles.published().for_list())
    canonical = canonical_list_path(request, page_obj)
    return render(
        request,
        "articles/topic_detail.html",
        {
            "topic": topic,
            "page_obj": page_obj,
            "canonical_path": canonical,
            "json_ld": structured_data.to_script(structured_data.topic_graph(topic, canonical)),
        },
    )


@public_page
def contributor_list(request):
    """The writers and medical reviewers of published articles, reviewers first.

    Template: articles/contributor_list.html; context: reviewers, writers (lists of Contributor).
    """
    contributors = list(Contributor.objects.public().order_by("name"))
    return render(
        request,
        "articles/contributor_list.html",
        {
            "reviewers": [c for c in contributors if c.role == Contributor.Role.MEDICAL_REVIEWER],
            "writers": [c for c in contributors if c.role == Contributor.Role.WRITER],
            "canonical_path": request.path,
        },
    )


@public_page(query={"page": page_param})
@first_page_redirect
def contributor_detail(request, slug):
    """One Contributor: credentials, bio, and the published articles they wrote or reviewed.

    Template: articles/contributor_detail.html; context: contributor, page_obj (a ListPage of Article).
    """
    contributor = get_object_or_404(Contributor.objects.public(), slug=slug)
    articles = Article.objects.published().filter(Q(author=contributor) | reviewed_by_q(contributor))
    page_obj = listing(request, articles.for_list())
    return render(
        request,
        "articles/contributor_detail.html",
        {
            "contributor": contributor,
            "page_obj": page_obj,
            "canonical_path": canonical_list_path(request, page_obj),
            "json_ld": structured_data.to_script(structured_data.contributor_graph(contributor)),
        },
    )


@SEARCH_LIMIT
@first_page_redirect
def search(request):
    """Full-text search over published articles (articles.search).

    Template: articles/search.html; context: query, page_obj (a ListPage of
    Article, each with .snippet) or None for an empty query. Limited per address
    (RATE_LIMITS["search"]); a page past the last result is a 404, like a list's.
    Not a public page: every query would be a stored copy of its own.
    """
    query = site_search.clean_query(request.GET.get("q"))
    number = page_number(request)
    page_obj = None
    if query:
        per_page = settings.ARTICLES_PER_PAGE
        hits = site_search.search(query, (number - 1) * per_page, per_page + 1)
        found = Article.objects.published().for_list().in_bulk([hit.article_id for hit in hits])
        rows = []
        for hit in hits:
            article = found.get(hit.article_id)
            if article is not None:
                article.snippet = site_search.highlighted(hit.snippet)
                rows.append(article)
        page_obj = ListPage(rows, number, per_page)
    if number > 1 and not (page_obj and page_obj.object_list):
        raise Http404("No such page.")
    response = render(request, "articles/search.html", {"query": query, "page_obj": page_obj})
    patch_cache_control(response, no_cache=True)  # results change with any edit, and carry no validators
    return response


@public_page(depends=())
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        # Search results are not blocked here: crawlers must fetch them to read their noindex (Google's advice).
        "",
        f"Sitemap: {structured_data.absolute('/sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
