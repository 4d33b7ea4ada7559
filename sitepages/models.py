"""The site pages: About, Editorial policy, Corrections, Contact and Privacy, one row each."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from articles import fields, rendering
from articles.models import META_DESCRIPTION_LIMIT
from site_config.jinja2 import url  # reverse(), remembered

from .pages import SITE_PAGES, SLUGS

BODY_HELP = (
    "Markdown. Start each section with a ## heading (### for a subsection); link to sources "
    "with [text](https://…). The page's title is its only top-level heading. "
    f"At most {rendering.MAX_MARKDOWN_CHARS:,} characters."
)


def render_body(text):
    """The page's Markdown as readers see it: the articles' renderer, cleaned by nh3 on the same allow-list.

    Markdown is untrusted: a script, a style or a javascript: link never reaches the page.
    """
    return rendering.SENTINEL_RE.sub("", rendering.render(text, anchors=False).html)


def body_problems(text):
    """What in a page's Markdown only an article can use: a # title, citations, table markers.
    (Text over the size limit is not read: the field's validator says so.)"""
    if rendering.length_problem(text):
        return []
    rendered = rendering.render(text, anchors=False)
    problems = []
    if any(level == 1 for level, _ in rendered.headings):
        problems.append("Use ## for section headings: a single # is the page's title.")
    if rendered.citations:
        problems.append("Site pages have no numbered references: link to the source instead of citing [^n].")
    if rendering.BLOCK_LINE_RE.search(text or ""):
        problems.append("[[…]] places an article's table; site pages have none.")
    return problems


class SitePageQuerySet(models.QuerySet):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class SitePage(models.Model):
    """A page about the site itself, at /<slug>/; the set of pages is fixed (pages.SITE_PAGES)."""

    slug = models.SlugField(
        max_length=40,
        unique=True,
        choices=SITE_PAGES,
        help_text="Which page this is: it gives the page its address (/about/, /privacy/…) and cannot be changed.",
    )
    title = models.CharField(max_length=120, help_text="The page's heading, also its title in search results.")
    summary = models.CharField(
        max_length=META_DESCRIPTION_LIMIT,
        help_text=f"Shown by search engines and when the page is shared; at most {META_DESCRIPTION_LIMIT} "
        "characters. Plain text.",
    )
    body = fields.MarkdownField(help_text=BODY_HELP)
    body_html = models.TextField(editable=False, default="")
    updated_at = models.DateTimeField("updated", auto_now=True)

    objects = SitePageQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        constraints = [models.CheckConstraint(condition=Q(slug__in=SLUGS), name="sitepage_slug_known")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return url(f"sitepages:{self.slug}")

    def natural_key(self):
        return (self.slug,)

    def clean(self):
        problems = body_problems(self.body)
        if problems:
            raise ValidationError({"body": problems})

    def refresh_derived(self):
        self.body_html = render_body(self.body)
