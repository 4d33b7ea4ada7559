from django.urls import path

from pagecache.pages import public_page

from . import views
from .feeds import LatestArticlesAtomFeed, LatestArticlesFeed

app_name = "articles"

rss = public_page(LatestArticlesFeed())
atom = public_page(LatestArticlesAtomFeed())

urlpatterns = [
    path("", views.article_list, name="list"),
    path("articles/<slug:slug>/", views.article_detail, name="detail"),
    path("topics/", views.topic_list, name="topics"),
    path("topics/<slug:slug>/", views.topic_detail, name="topic"),
    path("contributors/", views.contributor_list, name="contributors"),
    path("contributors/<slug:slug>/", views.contributor_detail, name="contributor"),
    path("search/", views.search, name="search"),
    path("feed/", rss, name="feed"),
    path("feed/atom/", atom, name="atom_feed"),
    path("robots.txt", views.robots_txt, name="robots"),
]
