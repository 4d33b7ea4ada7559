import calendar
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from urllib.parse import urlsplit

import reversion
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator, URLValidator
from django.db import connections, models
from django.db.models import Q
from django.db.models.query import ModelIterable
from django.utils import timezone
from markdownx.models import MarkdownxField

from site_config.jinja2 import url  # reverse(), remembered

from . import content_version, markdown

DOI_RE = r"^10\.\d{4,9}/\S+$"
PMID_RE = r"^[1-9]\d{0,8}$"

validate_doi = RegexValidator(
    DOI_RE,
    "Enter a DOI such as 10.3390/nu5083022 (without https://doi.org/).",
)
validate_pmid = RegexValidator(PMID_RE, "A PubMed ID is a number such as 23912329.")
validate_web_url = URLValidator(schemes=["http", "https"], message="Enter a full http:// or https:// address.")


META_DESCRIPTION_LIMIT = 160
DERIVED_FIELDS = ("body_html", "toc", "citations", "body_text", "search_text", "word_count", "reading_minutes")
# What lists never need: the Markdown and what is derived from it.
HEAVY_FIELDS = ("body", "body_html", "toc", "citations", "body_text", "search_text")


def add_months(day, months):
    """The same day `months` later, or the month's last day where it has fewer days."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def published_q(prefix=""):
    """What "published" means, as a condition on an article (through `prefix` from another model)."""
    return Q(**{f"{prefix}status": Article.Status.PUBLISHED, f"{prefix}published_at__lte": content_version.now()})


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """Articles readers may see: published, with a publish time that has come."""
        return self.filter(published_q())

    def for_list(self):
        return self.defer(*HEAVY_FIELDS).order_by("-published_at", "-pk")

    def for_detail(self):
        """Everything the article page shows, in a fixed number of queries: one per row relation.

        The rows arrive as prefetched relations (article.faqs.all() runs no
        query), read by WithRowsIterable, and so do the topics and the byline's
        contributors.
        """
        clone = self._chain()
        clone._iterable_class = WithRowsIterable
        return clone


class WithRowsIterable(ModelIterable):
    """Articles with every row relation (and their topics) attached as if by prefetch_related().

    Each relation is read with one plain SELECT whose text and value converters
    are prepared once (read_rows): the ORM spends most of an uncached article
    page building these six small queries, and this reads them in a fifth of
    the time.
    """

    def __iter__(self):
        articles = list(super().__iter__())
        if articles:
            attach_rows(articles, self.queryset.db)
        yield from articles


@lru_cache(maxsize=None)
def _row_plan(model, using):
    connection = connections[using]
    fields = model._meta.concrete_fields
    table = model._meta.db_table
    columns = ", ".join(f"{connection.ops.quote_name(table)}.{connection.ops.quote_name(f.column)}" for f in fields)
    converters = []
    for index, field in enumerate(fields):
        column = field.get_col(table)
        found = connection.ops.get_db_converters(column) + field.get_db_converters(connection)
        if found:
            converters.append((index, column, found))
    return columns, [field.attname for field in fields], converters


def read_rows(model, using, tail, params, extra=""):
    """Instances of model from "SELECT <its columns><extra> <tail>", converted as the ORM converts.

    Columns named in `extra` come back after the model's own, as a tuple beside each instance.
    """
    columns, names, converters = _row_plan(model, using)
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns}{extra} {tail}", params)
        rows = cursor.fetchall()
    width = len(names)
    for row in rows:
        values = list(row[:width])
        for index, column, found in converters:
            for converter in found:
                values[index] = converter(values[index], column, connection)
        yield model.from_db(using, names, values), row[width:]


def attach_rows(articles, using):
    """Read each row relation, the topics and the contributors of these articles, one query each."""
    by_pk = {article.pk: article for article in articles}
    quote = connections[using].ops.quote_name
    placeholders = ", ".join(["%s"] * len(by_pk))
    for name, model in CHILDREN:
        grouped = {pk: [] for pk in by_pk}
        table = quote(model._meta.db_table)
        tail = f"FROM {table} WHERE article_id IN ({placeholders}) ORDER BY {quote('order')}"
        for row, _ in read_rows(model, using, tail, list(by_pk)):
            row._state.fields_cache["article"] = by_pk[row.article_id]
            grouped[row.article_id].append(row)
        for pk, rows in grouped.items():
            set_prefetched(by_pk[pk], name, rows)
    grouped = {pk: [] for pk in by_pk}
    links = quote(Article.topics.through._meta.db_table)
    tail = (
        f"FROM {quote(Topic._meta.db_table)} JOIN {links} l ON l.topic_id = {quote(Topic._meta.db_table)}.id "
        f"WHERE l.article_id IN ({placeholders}) ORDER BY {quote(Topic._meta.db_table)}.name"
    )
    for topic, (article_id,) in read_rows(Topic, using, tail, list(by_pk), extra=", l.article_id"):
        grouped[article_id].append(topic)
    for pk, rows in grouped.items():
        set_prefetched(by_pk[pk], "topics", rows)
    people = {article.author_id for article in articles} | {article.medical_reviewer_id for article in articles}
    people.discard(None)
    found = {
        person.pk: person
        for person, _ in read_rows(
            Contributor,
            using,
            f"FROM {quote(Contributor._meta.db_table)} WHERE id IN ({', '.join(['%s'] * len(people))})",
            list(people),
        )
    }
    for article in articles:
        article._state.fields_cache["author"] = found.get(article.author_id)
        if article.medical_reviewer_id is not None:
            article._state.fields_cache["medical_reviewer"] = found.get(article.medical_reviewer_id)


def set_prefetched(instance, name, rows):
    """Make instance.<name>.all() return rows without a query, as prefetch_related() does."""
    queryset = getattr(instance, name).all()
    queryset._result_cache = rows
    queryset._prefetch_done = True
    vars(instance).setdefault("_prefetched_objects_cache", {})[name] = queryset


class SlugManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Topic(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(
        max_length=80, unique=True, help_text="The address: /topics/this-slug/. Letters, numbers and hyphens."
    )
    description = models.TextField(blank=True, help_text="A sentence or two shown on the topic's page.")

    objects = SlugManager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return url("articles:topic", slug=self.slug)

    def natural_key(self):
        return (self.slug,)


class ContributorQuerySet(models.QuerySet):
    def public(self):
        """Contributors named on a published article: only they have public pages."""
        published = Article.objects.published()
        return self.filter(
            models.Exists(published.filter(author=models.OuterRef("pk")))
            | models.Exists(published.filter(medical_reviewer=models.OuterRef("pk")))
        )

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Contributor(models.Model):
    """A writer or medical reviewer named in bylines, with a public page of their articles."""

    class Role(models.TextChoices):
        WRITER = "writer", "Writer"
        MEDICAL_REVIEWER = "medical_reviewer", "Medical reviewer"

    class Kind(models.TextChoices):
        PERSON = "person", "Person"
        ORGANIZATION = "organization", "Team or organization"

    name = models.CharField(max_length=120)
    slug = models.SlugField(
        max_length=120, unique=True, help_text="The address: /contributors/this-slug/. Letters, numbers and hyphens."
    )
    credentials = models.CharField(
        max_length=60,
        blank=True,
        help_text="Letters shown after the name, such as MD, RD or PhD, separated by commas.",
    )
    role = models.CharField(
        max_length=20,
        choices=Role.choices,
        default=Role.WRITER,
        help_text="Only medical reviewers can be chosen to review an article.",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PERSON)
    bio = models.TextField(
        "short bio", blank=True, help_text="Two or three sentences on their training and work. Plain text."
    )
    profile_url = models.URLField(
        "profile URL",
        blank=True,
        max_length=300,
        help_text="An official profile elsewhere, such as a hospital, university or registry page.",
    )

    objects = ContributorQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(role__in=["writer", "medical_reviewer"]), name="contributor_role_valid"),
            models.CheckConstraint(condition=Q(kind__in=["person", "organization"]), name="contributor_kind_valid"),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        """The name as a byline prints it: "Ana Ruiz, MD"."""
        return f"{self.name}, {self.credentials}" if self.credentials else self.name

    def get_absolute_url(self):
        return url("articles:contributor", slug=self.slug)

    def natural_key(self):
        return (self.slug,)


class ArticleManager(models.Manager.from_queryset(ArticleQuerySet)):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        PUBLISHED = "published", "Published"

    title = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=200, unique=True, help_text="The address: /articles/this-slug/. Letters, numbers and hyphens."
    )
    subtitle = models.CharField(max_length=250, blank=True)
    lead = models.TextField(help_text="The opening paragraph, shown under the byline. Plain text.")
    summary = models.TextField("quick summary", help_text="Two or three sentences shown as the Quick Summary.")
    body = MarkdownxField(help_text=markdown.BODY_HELP)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(
        "published",
        null=True,
        blank=True,
        help_text="Readers see a published article from this moment on.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField("updated", auto_now=True)
    last_reviewed_on = models.DateField(
        "last reviewed",
        null=True,
        blank=True,
        help_text="The date of the last medical review; a new review falls due after the review interval.",
    )
    author = models.ForeignKey(
        Contributor,
        on_delete=models.PROTECT,
        related_name="articles_written",
        verbose_name="written by",
    )
    medical_reviewer = models.ForeignKey(
        Contributor,
        on_delete=models.PROTECT,
        related_name="articles_reviewed",
        null=True,
        blank=True,
        limit_choices_to={"role": Contributor.Role.MEDICAL_REVIEWER},
        help_text="Required to publish.",
    )
    meta_description = models.CharField(
        max_length=320,
        blank=True,
        help_text=f"Shown by search engines and when the page is shared; at most {META_DESCRIPTION_LIMIT} "
        "characters, or search engines cut it. Blank uses the quick summary.",
    )
    nutrient_name = models.CharField(
        max_length=60,
        blank=True,
        help_text="The nutrient the food sources are measured in, e.g. Magnesium.",
    )
    daily_value_mg = models.DecimalField(
        "daily value (mg)",
        max_digits=8,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.1"))],
        help_text="The adult Daily Value; each food's percentage is computed from it.",
    )
    disclaimer = models.TextField(
        "disclaimer override",
        blank=True,
        help_text="Leave blank to show the site's standard medical disclaimer.",
    )
    topics = models.ManyToManyField(
        Topic,
        related_name="articles",
        blank=True,
        help_text="The first topic, alphabetically, leads the breadcrumb trail.",
    )

    body_html = models.TextField(editable=False, default="")
    toc = models.JSONField(editable=False, default=list)
    citations = models.JSONField(editable=False, default=dict)
    body_text = models.TextField(editable=False, default="")
    search_text = models.TextField(editable=False, default="")
    word_count = models.PositiveIntegerField(editable=False, default=0)
    reading_minutes = models.PositiveSmallIntegerField(editable=False, default=1)
    # Counts saves; the admin refuses a save made from an older count (see admin.ArticleAdminForm).
    lock_version = models.PositiveIntegerField(editable=False, default=0)

    objects = ArticleManager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        indexes = [
            # published() and the newest-first lists; also the next scheduled publish time.
            models.Index(fields=["status", "published_at"], include=["id"], name="article_status_published_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "in_review", "published"]),
                name="article_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="article_published_has_date",
                violation_error_message="A published article needs a publish date.",
            ),
            models.CheckConstraint(
                condition=Q(daily_value_mg__isnull=True) | Q(daily_value_mg__gt=0),
                name="article_daily_value_positive",
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        errors = {}
        reviewer = self.medical_reviewer if self.medical_reviewer_id else None
        if reviewer is not None and reviewer.role != Contributor.Role.MEDICAL_REVIEWER:
            errors["medical_reviewer"] = f"{reviewer.name} is not a medical reviewer; choose one who is."
        elif self.status == self.Status.PUBLISHED:
            if self.medical_reviewer_id is None:
                errors["medical_reviewer"] = "Choose the medical reviewer: an article is published only once reviewed."
            if self.last_reviewed_on is None:
                errors["last_reviewed_on"] = (
                    "Enter the date of the medical review: an article is published only once reviewed."
                )
        if self.last_reviewed_on and self.last_reviewed_on > timezone.localdate():
            errors["last_reviewed_on"] = "The review date cannot be in the future."
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        self.refresh_derived()
        before = self.stored_state()
        self.lock_version = (before["lock_version"] if before else 0) + 1
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], *DERIVED_FIELDS, "lock_version"}
        super().save(*args, **kwargs)
        self.keep_old_address(before)

    def keep_old_address(self, before):
        """After a change of slug, the address a published article had answers 301 to the new one."""
        if before and before["slug"] != self.slug and before["status"] == self.Status.PUBLISHED:
            SlugRedirect.objects.update_or_create(old_slug=before["slug"], defaults={"article": self})
        SlugRedirect.objects.filter(old_slug=self.slug).delete()  # a live address never redirects

    def stored_state(self):
        """The stored slug, status and save count, or None before the first save."""
        if self.pk is None:
            return None
        return type(self).objects.filter(pk=self.pk).values("slug", "status", "lock_version").first()

    def get_absolute_url(self):
        return url("articles:detail", slug=self.slug)

    def natural_key(self):
        return (self.slug,)

    @property
    def is_published(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= content_version.now()
        )

    @property
    def is_scheduled(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at > content_version.now()
        )

    @property
    def description(self):
        """The meta description, or the quick summary cut to fit where there is none."""
        text = self.meta_description.strip() or " ".join(self.summary.split())
        if len(text) <= META_DESCRIPTION_LIMIT:
            return text
        return text[: META_DESCRIPTION_LIMIT - 1].rsplit(" ", 1)[0].rstrip(",;:.") + "…"

    @property
    def review_due_on(self):
        """When the next medical review is due: the review interval after the last one."""
        if self.last_reviewed_on is None:
            return None
        return add_months(self.last_reviewed_on, settings.REVIEW_INTERVAL_MONTHS)

    @property
    def review_overdue(self):
        due = self.review_due_on
        return due is None or due <= timezone.localdate()

    @property
    def disclaimer_text(self):
        return self.disclaimer.strip() or settings.DEFAULT_DISCLAIMER

    def body_parts(self):
        """The body HTML cut at its block markers, with unplaced blocks at the end."""
        blocks = {
            "food-sources": self.food_sources.all(),
            "supplement-forms": self.supplement_forms.all(),
        }
        return markdown.split_blocks(self.body_html, [name for name, rows in blocks.items() if rows])

    def cited_references(self):
        """References, each with the ids of the places in the body that cite it."""
        references = list(self.references.all())
        for ref in references:
            count = self.citations.get(str(ref.order), 0)
            ref.backlinks = [markdown.citation_id(ref.order, n) for n in range(1, count + 1)]
        return references

    def refresh_derived(self):
        for field, value in markdown.derive_article(self).items():
            setattr(self, field, value)


class ChildQuerySet(models.QuerySet):
    def get_by_natural_key(self, order, slug):
        return self.get(order=order, article__slug=slug)


class ChildManager(models.Manager.from_queryset(ChildQuerySet)):
    pass


class ArticleChild(models.Model):
    """A numbered row of an article: key point, supplement form, food, FAQ or reference."""

    order = models.PositiveSmallIntegerField(
        help_text="Position on the page; each row of an article needs its own number."
    )

    objects = ChildManager()

    class Meta:
        abstract = True
        ordering = ["order"]

    def natural_key(self):
        return (self.order, *self.article.natural_key())

    natural_key.dependencies = ["articles.article"]


def unique_order(name):
    return models.UniqueConstraint(
        fields=["article", "order"],
        name=f"{name}_unique_order",
        violation_error_message="Each row of an article needs its own order number.",
    )


class KeyPoint(ArticleChild):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="key_points")
    title = models.CharField(max_length=120)
    text = models.TextField()

    class Meta(ArticleChild.Meta):
        constraints = [unique_order("keypoint")]

    def __str__(self):
        return self.title


class SupplementForm(ArticleChild):
    class Bioavailability(models.IntegerChoices):
        LOW = 1, "Low"
        MODERATE = 2, "Moderate"
        GOOD = 3, "Good"
        HIGH = 4, "High"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="supplement_forms")
    name = models.CharField(max_length=120)
    bioavailability = models.PositiveSmallIntegerField(choices=Bioavailability.choices)
    common_use = models.CharField(max_length=200)
    efficacy = models.CharField("bone-health efficacy", max_length=250)
    notes = models.TextField(blank=True)

    class Meta(ArticleChild.Meta):
        constraints = [
            unique_order("supplementform"),
            models.CheckConstraint(
                condition=Q(bioavailability__gte=1, bioavailability__lte=4),
                name="supplementform_bioavailability_valid",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def bioavailability_max(self):
        return max(self.Bioavailability.values)


class FoodSource(ArticleChild):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="food_sources")
    name = models.CharField(max_length=120)
    category = models.CharField(max_length=80, blank=True)
    serving = models.CharField(max_length=60, help_text="For example: 1 oz, 1/2 cup, 1 slice.")
    amount_mg = models.DecimalField(
        "amount (mg)",
        max_digits=8,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0"))],
    )
    source = models.CharField(
        max_length=120,
        blank=True,
        help_text="Where the amount comes from, e.g. NIH ODS or USDA FoodData Central.",
    )

    class Meta(ArticleChild.Meta):
        constraints = [
            unique_order("foodsource"),
            models.CheckConstraint(condition=Q(amount_mg__gte=0), name="foodsource_amount_not_negative"),
        ]

    def __str__(self):
        return self.name

    @property
    def percent_daily_value(self):
        """Percent of the article's daily value, rounded half up; None without one."""
        daily_value = self.article.daily_value_mg
        if not daily_value:
            return None
        return int((self.amount_mg * 100 / daily_value).quantize(Decimal("1"), ROUND_HALF_UP))


class FAQ(ArticleChild):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="faqs")
    question = models.CharField(max_length=250)
    answer = MarkdownxField(help_text=markdown.ANSWER_HELP)
    answer_html = models.TextField(editable=False, default="")

    class Meta(ArticleChild.Meta):
        verbose_name = "FAQ"
        verbose_name_plural = "FAQs"
        constraints = [unique_order("faq")]

    def __str__(self):
        return self.question


class Reference(ArticleChild):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="references")
    authors = models.CharField(max_length=300, blank=True)
    title = models.CharField(max_length=300)
    publisher = models.CharField(
        "journal or publisher",
        max_length=200,
        blank=True,
        help_text="With volume and pages where there are some, e.g. Nutrients 5(8):3022-3033.",
    )
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    doi = models.CharField("DOI", max_length=200, blank=True, validators=[validate_doi])
    pmid = models.CharField("PMID", max_length=12, blank=True, validators=[validate_pmid])
    url = models.CharField("URL", max_length=500, blank=True, validators=[validate_web_url])

    class Meta(ArticleChild.Meta):
        constraints = [unique_order("reference")]

    def __str__(self):
        return self.title

    @property
    def doi_url(self):
        return f"https://doi.org/{self.doi}" if self.doi else ""

    @property
    def pubmed_url(self):
        return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/" if self.pmid.isdigit() else ""

    @property
    def web_url(self):
        """The URL if it is a web address; anything else is never linked."""
        return self.url if urlsplit(self.url).scheme in ("http", "https") else ""

    @property
    def link(self):
        return self.web_url or self.doi_url or self.pubmed_url


class SlugRedirect(models.Model):
    """An address a published article had before its slug changed; it answers 301."""

    old_slug = models.SlugField(max_length=200, unique=True)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="old_slugs")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"/articles/{self.old_slug}/ → {self.article.get_absolute_url()}"


class ContentVersion(models.Model):
    """A single row the database bumps whenever published content may change.

    See articles.content_version: triggers keep it current, and cached pages and
    HTTP validators are keyed on it.
    """

    value = models.BigIntegerField()
    changed_at = models.DateTimeField()
    next_publish_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(id=1), name="contentversion_single_row")]

    def __str__(self):
        return f"content version {self.value}"


CHILDREN = [
    ("key_points", KeyPoint),
    ("supplement_forms", SupplementForm),
    ("food_sources", FoodSource),
    ("faqs", FAQ),
    ("references", Reference),
]


# Revisions (django-reversion): an article's revision holds its rows too, so
# restoring one brings back the key points, forms, foods, FAQs and references
# it had. What is derived from the Markdown is worked out again on restore.
reversion.register(Contributor)
reversion.register(Topic)
reversion.register(KeyPoint)
reversion.register(SupplementForm)
reversion.register(FoodSource)
reversion.register(FAQ, exclude=["answer_html"])
reversion.register(Reference)
reversion.register(Article, follow=[name for name, _ in CHILDREN], exclude=[*DERIVED_FIELDS, "lock_version"])
