from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.cache import add_never_cache_headers

from .cache import public_page
from .models import CHILDREN, Article


class ListPage:
    """One page of a newest-first list, found without counting the whole list.

    A count grows with the number of articles; reading one row past the page
    tells whether an older page exists, at the same cost at 100 or 100,000.
    """

    def __init__(self, queryset, number, per_page):
        rows = list(queryset[(number - 1) * per_page:number * per_page + 1])
        self.number = number
        self.object_list = rows[:per_page]
        self.has_next = len(rows) > per_page
        self.has_previous = number > 1

    def __iter__(self):
        return iter(self.object_list)


@public_page(query=["page"])
def article_list(request):
    """Published articles, newest first, as cards.

    Template: articles/article_list.html; context: page_obj (a ListPage of Article).
    """
    number = request.GET.get("page") or "1"
    if not number.isdigit() or int(number) < 1:
        raise Http404("No such page.")
    page_obj = ListPage(Article.objects.published().for_list(), int(number), settings.ARTICLES_PER_PAGE)
    if page_obj.number > 1 and not page_obj.object_list:
        raise Http404("No such page.")
    return render(request, "articles/article_list.html", {"page_obj": page_obj})


@public_page
def article_detail(request, slug):
    """One Article, whole: every section, its evidence and the disclaimer.

    Template: articles/article_detail.html; context: article and its rows
    (see article_context).
    Readers get published articles only; staff also see drafts and scheduled
    articles, under a banner, and their pages are never cached.
    """
    articles = Article.objects.for_detail()
    if not request.user.is_staff:
        articles = articles.published()
    article = get_object_or_404(articles, slug=slug)
    response = render(request, "articles/article_detail.html", article_context(article))
    if request.user.is_staff:
        add_never_cache_headers(response)
    return response


def article_context(article):
    """The article and its rows, each read once, as the page's sections use them."""
    context = {"article": article, **{name: list(getattr(article, name).all()) for name, _ in CHILDREN}}
    context["references"] = article.cited_references()
    context["body_parts"] = article.body_parts()
    context["food_source_names"] = sorted({food.source for food in context["food_sources"] if food.source})
    return context
