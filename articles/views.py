from django.conf import settings
from django.core.paginator import InvalidPage, Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.cache import add_never_cache_headers

from .cache import public_page
from .models import CHILDREN, Article


@public_page(query=["page"])
def article_list(request):
    """Published articles, newest first, as cards.

    Template: articles/article_list.html; context: page_obj (a page of Article).
    """
    paginator = Paginator(Article.objects.published().for_list(), settings.ARTICLES_PER_PAGE)
    try:
        page_obj = paginator.page(request.GET.get("page") or 1)
    except InvalidPage:
        raise Http404("No such page.") from None
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
