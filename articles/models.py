"""The content: articles, their rows, topics and contributors, and what "published" means."""

import uuid
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator, URLValidator
from django.db import models
from django.db.models import BooleanField, ExpressionWrapper, Prefetch, Q
from django.utils import timezone

from pagecache import content_version
from site_config.jinja2 import url  # reverse(), remembered

from . import citations, derivation, fields, rendering, renditions

validate_doi = RegexValidator(
    r"^10\.\d{4,9}/\S+$",
    "Enter a DOI such as 10.3390/nu5083022 (without https://doi.org/).",
)
validate_pmid = RegexValidator(r"^[1-9]\d{0,8}$", "A PubMed ID is a number such as 23912329.")
validate_web_url = URLValidator(schemes=["http", "https"], message="Enter a full http:// or https:// address.")


def validate_positive(value):
    if value is not None and value <= 0:
        raise ValidationError("Enter an amount greater than 0.", code="min_value")


META_DESCRIPTION_LIMIT = 160
# Nutrient amounts: from a few hundredths of a microgram to thousands of grams.
AMOUNT_DIGITS, AMOUNT_DECIMALS = 10, 3
UNIT_NAMES = {"mg": "milligrams", "mcg": "micrograms", "g": "grams"}
DEFAULT_EFFICACY_LABEL = "Efficacy"
WEB_SCHEMES = ("http", "https")
DERIVED_FIELDS = ("body_html", "toc", "citations", "body_text", "search_text", "word_count", "reading_minutes")
# What lists never need: the Markdown and what is derived from it.
HEAVY_FIELDS = ("body", "body_html", "toc", "citations", "body_text", "search_text")


def published_q(prefix="", at=None, ahead=False):
    """What "published" means, as a condition on an article (through `prefix` from another model).

    Status Published and a publish time that has come by `at` (by default now,
    as the page cache judges it); with `ahead`, the scheduled ones instead: status
    Published and a publish time still to come. This is the one definition: the
    querysets, the sitemaps, the search SQL and the page cache's schedule are built from it.
    """
    at = content_version.now() if at is None else at
    return Q(**{f"{prefix}status": Article.Status.PUBLISHED, f"{prefix}published_at__{'gt' if ahead else 'lte'}": at})


class SlugQuerySet(models.QuerySet):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class ArticleQuerySet(SlugQuerySet):
    def published(self, at=None):
        """Articles readers may see: published, with a publish time that has come."""
        return self.filter(published_q(at=at))

    def scheduled(self, at=None):
        """Published articles whose publish time is still ahead."""
        return self.filter(published_q(at=at, ahead=True))

    def with_state(self):
        """Each article with `live`: whether readers see it now (published())."""
        return self.annotate(live=ExpressionWrapper(published_q(), output_field=BooleanField()))

    def for_list(self):
        return self.defer(*HEAVY_FIELDS).order_by("-published_at", "-pk")

    def for_detail(self):
        """Everything the article page shows, in one query per row relation: the rows, the topics,
        and (joined) the byline's contributors. (The page itself reads them with articles.rows.)"""
        rows = [Prefetch(name, queryset=in_page_order(model)) for name, model in ROWS]
        topics = Prefetch("topics", queryset=in_page_order(Topic))
        return self.select_related("author", "medical_reviewer").prefetch_related(*rows, topics)


def in_page_order(model):
    """An article's rows of one kind, or its topics, in the order the article page shows them."""
    return model.objects.order_by("name" if model is Topic else "order")


def publish_times(after):
    """The publish times of articles scheduled after the moment `after`, earliest first: when an
    article will go public by the clock alone. For the page cache (PAGE_CACHE_SCHEDULE)."""
    return Article.objects.scheduled(at=after).order_by("published_at").values_list("published_at", flat=True)


class Topic(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(
        max_length=80, unique=True, help_text="The address: /topics/this-slug/. Letters, numbers and hyphens."
    )
    description = fields.TextField(blank=True, help_text="A sentence or two shown on the topic's page.")

    objects = SlugQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return url("articles:topic", slug=self.slug)

    def natural_key(self):
        return (self.slug,)


def reviewed_by_q(contributor):
    """Articles whose version readers see `contributor` signed off (a review date is set only then)."""
    return Q(medical_reviewer=contributor, last_reviewed_on__isnull=False)


class ContributorQuerySet(SlugQuerySet):
    def public(self):
        """Contributors named on a published article (as its reviewer, once they signed it off):
        only they have public pages."""
        published = Article.objects.published()
        return self.filter(
            models.Exists(published.filter(author=models.OuterRef("pk")))
            | models.Exists(published.filter(reviewed_by_q(models.OuterRef("pk"))))
        )


def photo_path(contributor, filename):
    """A new name for every photo (re-encoded as JPEG on upload), so its address never serves other bytes."""
    return f"{PHOTO_FOLDER}{uuid.uuid4()}.jpg"


PHOTO_FOLDER = "contributors/"


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
    bio = fields.TextField(
        "short bio", blank=True, help_text="Two or three sentences on their training and work. Plain text."
    )
    profile_url = models.URLField(
        "profile URL",
        blank=True,
        max_length=300,
        help_text="An official profile elsewhere, such as a hospital, university or registry page.",
    )
    affiliations = fields.TextField(
        blank=True, help_text="Where they work or practise, one per line, e.g. a hospital or university."
    )
    disclosures = fields.TextField(
        "conflicts of interest",
        blank=True,
        help_text="Payments, grants, shares or roles that a reader might see as a conflict, or “None declared.”",
    )
    photo = models.ImageField(
        upload_to=photo_path,
        blank=True,
        help_text="A head-and-shoulders photo; it is cut square and resized to 400 × 400 on upload.",
    )
    photo_alt = models.CharField(
        "photo description",
        max_length=200,
        blank=True,
        help_text="What the photo shows, for readers who cannot see it, e.g. “Ana Ruiz smiling, in a white coat”.",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contributor",
        verbose_name="account",
        help_text="The staff account that is this person. A medical reviewer signs off articles from it.",
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

    def get_absolute_url(self):
        return url("articles:contributor", slug=self.slug)

    @property
    def display_name(self):
        """The name as a byline prints it: "Ana Ruiz, MD"."""
        return f"{self.name}, {self.credentials}" if self.credentials else self.name

    def natural_key(self):
        return (self.slug,)

    def clean(self):
        if self.photo and not self.photo_alt.strip():
            raise ValidationError({"photo_alt": "Describe the photo for readers who cannot see it."})
        if self.role == self.Role.MEDICAL_REVIEWER:
            problem = reviewer_problem(self)
            if problem:
                raise ValidationError({"kind" if self.kind != self.Kind.PERSON else "credentials": problem})

    @property
    def web_profile_url(self):
        """The profile URL if it is a web address: anything else, stored past validation, is never linked."""
        return web_address(self.profile_url)

    @property
    def affiliation_list(self):
        return [line.strip() for line in self.affiliations.splitlines() if line.strip()]


def web_address(address):
    """`address` if it is an http(s) address, else "": what pages link to, whatever the database holds."""
    return address if urlsplit(address).scheme in WEB_SCHEMES else ""


def reviewer_problem(contributor):
    """Why this contributor cannot be a medical reviewer, or "" if they can: a person, with credentials."""
    if contributor.kind != Contributor.Kind.PERSON:
        return f"{contributor.name} is a team or organization; a medical reviewer is one named person."
    if not contributor.credentials.strip():
        return f"{contributor.name} has no credentials; a medical reviewer is a clinician or expert with some."
    return ""


def hero_path(article, filename):
    """The hero image's name, from a hash of its bytes (renditions.stored_name)."""
    return renditions.stored_name(article.hero_image.file)


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        PUBLISHED = "published", "Published"

    class Unit(models.TextChoices):
        """The unit of the nutrient's amounts; micrograms are written mcg, as the NIH fact sheets do."""

        MG = "mg", "mg (milligrams)"
        MCG = "mcg", "mcg (micrograms)"
        G = "g", "g (grams)"

    title = models.CharField(max_length=200)
    subtitle = models.CharField(max_length=250, blank=True)
    slug = models.SlugField(
        max_length=200, unique=True, help_text="The address: /articles/this-slug/. Letters, numbers and hyphens."
    )
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
        editable=False,
        help_text="The day the named reviewer signed off the version readers see; set by sign-offs only.",
    )
    author = models.ForeignKey(
        Contributor, on_delete=models.PROTECT, related_name="articles_written", verbose_name="written by"
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
    hero_image = models.ImageField(
        "hero image",
        upload_to=hero_path,
        storage=renditions.hero_storage,
        width_field="hero_width",
        height_field="hero_height",
        max_length=200,
        blank=True,
        help_text="Shown under the title and when the page is shared. At least 1200 × 630 pixels, landscape is "
        "best; it is cropped to 1200 × 630 for sharing, and to square, 4:3 and 16:9 for search engines, "
        "from the centre.",
    )
    hero_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    hero_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    hero_alt = models.CharField(
        "image description",
        max_length=250,
        blank=True,
        help_text="What the image shows, for readers who cannot see it, e.g. “Almonds, spinach and black beans "
        "on a wooden table”. Required with an image.",
    )
    hero_caption = models.CharField(
        "image caption", max_length=300, blank=True, help_text="Shown under the image; optional. Plain text."
    )
    hero_credit = models.CharField(
        "image credit", max_length=200, blank=True, help_text="Who made the image, e.g. “Photo: Lena Park”; optional."
    )
    lead = fields.TextField(help_text="The opening paragraph, shown under the byline. Plain text.")
    summary = fields.TextField("quick summary", help_text="Two or three sentences shown as the Quick Summary.")
    body = fields.MarkdownField(help_text=rendering.BODY_HELP)
    meta_description = models.CharField(
        max_length=320,
        blank=True,
        help_text=f"Shown by search engines and when the page is shared; at most {META_DESCRIPTION_LIMIT} "
        "characters, or search engines cut it. Blank uses the quick summary.",
    )
    nutrient_name = models.CharField(
        max_length=60, blank=True, help_text="The nutrient the food sources are measured in, e.g. Magnesium."
    )
    nutrient_unit = models.CharField(
        "unit",
        max_length=3,
        choices=Unit.choices,
        default=Unit.MG,
        help_text="The unit of the daily value and of every food's amount (vitamin D, B12, folate: mcg).",
    )
    daily_value = models.DecimalField(
        max_digits=AMOUNT_DIGITS,
        decimal_places=AMOUNT_DECIMALS,
        null=True,
        blank=True,
        validators=[validate_positive],
        help_text="The adult Daily Value, in the unit above; each food's percentage is computed from it.",
    )
    efficacy_label = models.CharField(
        max_length=60,
        blank=True,
        help_text="The heading of the supplement forms table's efficacy column, e.g. “Efficacy for bone "
        f"health”. Blank shows “{DEFAULT_EFFICACY_LABEL}”.",
    )
    disclaimer = fields.TextField(
        "disclaimer override", blank=True, help_text="Leave blank to show the site's standard medical disclaimer."
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
    # Counts saves; a form opened at an older count is refused (editorial.forms).
    edit_count = models.PositiveIntegerField(editable=False, default=0)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        indexes = [
            # published() and the newest-first lists; also the page cache's schedule.
            models.Index(fields=["status", "published_at"], include=["id"], name="article_status_published_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "in_review", "published"]), name="article_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="article_published_has_date",
                violation_error_message="A published article needs a publish date.",
            ),
            models.CheckConstraint(
                condition=Q(daily_value__isnull=True) | Q(daily_value__gt=0),
                name="article_daily_value_positive",
            ),
            models.CheckConstraint(condition=Q(nutrient_unit__in=["mg", "mcg", "g"]), name="article_unit_valid"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        before = self.stored_state()
        self.edit_count = (before["edit_count"] if before else 0) + 1
        deferred = derivation.pending()
        if not deferred:
            self.refresh_derived()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], *DERIVED_FIELDS, "edit_count"}
        super().save(*args, **kwargs)
        if self.hero_image and self.hero_width and self.hero_height:
            renditions.make(self.hero_image.name, self.hero_width, self.hero_height)
        if deferred:
            derivation.defer(self.pk, self)
        self.keep_old_address(before)

    def get_absolute_url(self):
        return url("articles:detail", slug=self.slug)

    def clean(self):
        errors = {}
        reviewer = self.medical_reviewer if self.medical_reviewer_id else None
        if reviewer is not None and reviewer.role != Contributor.Role.MEDICAL_REVIEWER:
            errors["medical_reviewer"] = f"{reviewer.name} is not a medical reviewer; choose one who is."
        elif reviewer is not None and reviewer_problem(reviewer):
            errors["medical_reviewer"] = reviewer_problem(reviewer)
        elif reviewer is not None and reviewer.pk == self.author_id:
            errors["medical_reviewer"] = (
                f"{reviewer.name} wrote this article; no one reviews their own text. Choose another reviewer."
            )
        if self.hero_image and not self.hero_alt.strip():
            errors["hero_alt"] = "Describe the image for readers who cannot see it."
        if self.last_reviewed_on and self.last_reviewed_on > timezone.localdate():
            errors["last_reviewed_on"] = "The review date cannot be in the future."
        if errors:
            raise ValidationError(errors)

    def natural_key(self):
        return (self.slug,)

    def keep_old_address(self, before):
        """After a change of slug, the address a published article had answers 301 to the new one."""
        if before and before["slug"] != self.slug and before["status"] == self.Status.PUBLISHED:
            SlugRedirect.objects.update_or_create(old_slug=before["slug"], defaults={"article": self})
        SlugRedirect.objects.filter(old_slug=self.slug).delete()  # a live address never redirects

    def stored_state(self):
        """The stored slug, status and edit count, or None before the first save."""
        if self.pk is None:
            return None
        return type(self).objects.filter(pk=self.pk).values("slug", "status", "edit_count").first()

    @property
    def is_published(self):
        """Whether readers see it now, as stored: published() decides.

        Annotated by with_state() for lists and pages; otherwise each call asks the
        database (one query), so never use it in a loop over articles not so loaded.
        """
        if "live" in vars(self):
            return self.live
        return self.pk is not None and type(self).objects.published().filter(pk=self.pk).exists()

    @property
    def is_scheduled(self):
        return self.status == self.Status.PUBLISHED and not self.is_published

    @property
    def description(self):
        """The meta description, or the quick summary cut to fit where there is none."""
        text = self.meta_description.strip() or " ".join(self.summary.split())
        if len(text) <= META_DESCRIPTION_LIMIT:
            return text
        return text[: META_DESCRIPTION_LIMIT - 1].rsplit(" ", 1)[0].rstrip(",;:.") + "…"

    @property
    def hero(self):
        """The hero image as the page and its metadata show it, or None without one."""
        if not (self.hero_image and self.hero_width and self.hero_height):
            return None
        if not self.hero_image.name.startswith(renditions.FOLDER):  # an upload not stored yet
            return None
        return renditions.Hero(
            self.hero_image.name,
            self.hero_width,
            self.hero_height,
            self.hero_alt.strip(),
            self.hero_caption.strip(),
            self.hero_credit.strip(),
        )

    @property
    def disclaimer_text(self):
        return self.disclaimer.strip() or settings.DEFAULT_DISCLAIMER

    @property
    def unit_name(self):
        """The unit in words, for sentences: "milligrams"."""
        return UNIT_NAMES.get(self.nutrient_unit, self.nutrient_unit)

    @property
    def efficacy_heading(self):
        return self.efficacy_label.strip() or DEFAULT_EFFICACY_LABEL

    def refresh_derived(self, rows=None):
        """Work out the derived fields again, from the Markdown and the rows (by default, the stored ones)."""
        for field, value in rendering.derive_article(self, rows).items():
            setattr(self, field, value)


class RowQuerySet(models.QuerySet):
    def get_by_natural_key(self, order, slug):
        return self.get(order=order, article__slug=slug)


class ArticleRow(models.Model):
    """A numbered row of an article: key point, supplement form, food, FAQ or reference."""

    order = models.PositiveSmallIntegerField(
        help_text="Position on the page; each row of an article needs its own number."
    )

    objects = RowQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["order"]

    def natural_key(self):
        return (self.order, *self.article.natural_key())

    natural_key.dependencies = ["articles.article"]

    def refresh_derived(self):
        """Work out what the row stores besides what editors type (nothing, but for FAQ answers)."""


def unique_order(name):
    return models.UniqueConstraint(
        fields=["article", "order"],
        name=f"{name}_unique_order",
        violation_error_message="Each row of an article needs its own order number.",
    )


class KeyPoint(ArticleRow):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="key_points")
    title = models.CharField(max_length=120)
    text = fields.TextField()

    class Meta(ArticleRow.Meta):
        constraints = [unique_order("keypoint")]

    def __str__(self):
        return self.title


class SupplementForm(ArticleRow):
    class Bioavailability(models.IntegerChoices):
        LOW = 1, "Low"
        MODERATE = 2, "Moderate"
        GOOD = 3, "Good"
        HIGH = 4, "High"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="supplement_forms")
    name = models.CharField(max_length=120)
    bioavailability = models.PositiveSmallIntegerField(choices=Bioavailability.choices)
    common_use = models.CharField(max_length=200)
    efficacy = models.CharField(max_length=250, help_text="Shown under the article's efficacy heading.")
    notes = fields.TextField(blank=True)

    class Meta(ArticleRow.Meta):
        constraints = [
            unique_order("supplementform"),
            models.CheckConstraint(
                condition=Q(bioavailability__gte=1, bioavailability__lte=4),
                name="supplementform_bioavailability_valid",
            ),
        ]

    def __str__(self):
        return self.name


class FoodSource(ArticleRow):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="food_sources")
    name = models.CharField(max_length=120)
    category = models.CharField(max_length=80, blank=True)
    serving = models.CharField(max_length=60, help_text="For example: 1 oz, 1/2 cup, 1 slice.")
    amount = models.DecimalField(
        "amount (in the article's unit)",
        max_digits=AMOUNT_DIGITS,
        decimal_places=AMOUNT_DECIMALS,
        validators=[validate_positive],
        help_text="Per serving, in the unit chosen under Food amounts (mg, mcg or g), e.g. 156 or 0.02.",
    )
    source = models.CharField(
        max_length=120, blank=True, help_text="Where the amount comes from, e.g. NIH ODS or USDA FoodData Central."
    )

    class Meta(ArticleRow.Meta):
        constraints = [
            unique_order("foodsource"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="foodsource_amount_positive"),
        ]

    def __str__(self):
        return self.name

    @property
    def percent_daily_value(self):
        """Percent of the article's daily value, rounded half up; None without one."""
        daily_value = self.article.daily_value
        if not daily_value:
            return None
        return int((self.amount * 100 / daily_value).quantize(Decimal("1"), ROUND_HALF_UP))


class FAQ(ArticleRow):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="faqs")
    question = models.CharField(max_length=250)
    answer = fields.MarkdownField(help_text=rendering.ANSWER_HELP)
    answer_html = models.TextField(editable=False, default="")

    class Meta(ArticleRow.Meta):
        verbose_name = "FAQ"
        verbose_name_plural = "FAQs"
        constraints = [unique_order("faq")]

    def __str__(self):
        return self.question

    def refresh_derived(self):
        self.answer_html = rendering.render(self.answer, anchors=False).html


class Reference(ArticleRow):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="references")
    key = models.CharField(
        max_length=citations.KEY_MAX_LENGTH,
        blank=True,
        validators=[
            RegexValidator(
                citations.KEY_RE,
                "A key is lowercase letters, digits and hyphens, starting with a letter, e.g. castiglioni2013.",
            )
        ],
        help_text=citations.KEY_HELP,
    )
    authors = models.CharField(
        max_length=300, blank=True, help_text="Family name and initials, e.g. Castiglioni S, Cazzaniga A, Maier JAM."
    )
    title = models.CharField(max_length=300)
    publisher = models.CharField(
        "journal or publisher",
        max_length=200,
        blank=True,
        help_text="The journal as abbreviated, e.g. Nutrients or Am J Clin Nutr; for a web page, its publisher.",
    )
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    volume = models.CharField(max_length=20, blank=True)
    issue = models.CharField(max_length=20, blank=True)
    pages = models.CharField(max_length=30, blank=True, help_text="e.g. 3022-3033, or an article number such as e1234.")
    doi = models.CharField("DOI", max_length=200, blank=True, validators=[validate_doi])
    pmid = models.CharField("PMID", max_length=12, blank=True, validators=[validate_pmid])
    url = models.CharField("URL", max_length=500, blank=True, validators=[validate_web_url])

    class Meta(ArticleRow.Meta):
        constraints = [
            unique_order("reference"),
            # A blank key is filled on save (articles.signals); only a restored revision from before
            # keys holds blank ones, for a moment, until its article is derived (articles.derivation).
            models.UniqueConstraint(
                fields=["article", "key"],
                condition=~Q(key=""),
                name="reference_unique_key",
                violation_error_message="Each reference of an article needs its own key.",
            ),
        ]

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
        return web_address(self.url)

    @property
    def link(self):
        return self.web_url or self.doi_url or self.pubmed_url

    @property
    def ama_parts(self):
        """The reference as readers see it (AMA style), in parts for the page."""
        return citations.ama_parts(self)

    @property
    def ama_text(self):
        """The reference as readers see it (AMA style), as plain text."""
        return citations.ama_text(self)


class HistoryEntry(models.Model):
    """One published version of an article, as its public "Article history" lists it."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="history")
    published_at = models.DateTimeField("published")
    note = models.CharField(max_length=300, help_text="What changed, in a sentence readers understand.")
    reviewed_by = models.ForeignKey(
        Contributor, on_delete=models.PROTECT, null=True, blank=True, related_name="reviews", verbose_name="reviewed by"
    )
    reviewed_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = "history entry"
        verbose_name_plural = "history"
        ordering = ["-published_at", "-pk"]

    def __str__(self):
        return f"{self.article}: {self.note}"


class SlugRedirect(models.Model):
    """An address a published article had before its slug changed; it answers 301."""

    old_slug = models.SlugField(max_length=200, unique=True)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="old_slugs")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"/articles/{self.old_slug}/ → {self.article.get_absolute_url()}"


# An article's rows, by the name of their relation, in page order.
ROWS = [
    ("key_points", KeyPoint),
    ("supplement_forms", SupplementForm),
    ("food_sources", FoodSource),
    ("faqs", FAQ),
    ("references", Reference),
]
