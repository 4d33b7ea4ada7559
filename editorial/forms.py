"""The admin's forms: the article (its status through the workflow, stale saves refused), FAQ answers
checked against the references on the same page, and contributors."""

import copy
import io
from collections import Counter

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Max
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from PIL import Image, ImageOps

from articles import citations, rendering
from articles.models import FAQ, META_DESCRIPTION_LIMIT, Article, Contributor

from . import drafts, images, revisions, workflow

REFERENCES_PREFIX = "references"


class SubmittedReference:
    """A reference row as the submitted page has it, enough to know its key (citations.fill_keys)."""

    def __init__(self, data, prefix):
        self.key = (data.get(prefix + "key") or "").strip()
        self.authors = data.get(prefix + "authors") or ""
        self.title = data.get(prefix + "title") or ""
        self.publisher = data.get(prefix + "publisher") or ""
        year = (data.get(prefix + "year") or "").strip()
        self.year = int(year) if year.isdigit() else None


def submitted_reference_keys(data, article):
    """Reference keys the article will have once the submitted admin page is saved (a row left
    without a key gets the one the save will suggest).

    Citations are checked against the reference rows on the same page, which are
    validated separately, so they are read here from the submitted data.
    """
    if data is None or f"{REFERENCES_PREFIX}-TOTAL_FORMS" not in data:
        return set(article.references.values_list("key", flat=True)) if article.pk else set()
    try:
        total = min(int(data[f"{REFERENCES_PREFIX}-TOTAL_FORMS"]), 1000)
    except ValueError:
        return set()
    rows = []
    for index in range(total):
        prefix = f"{REFERENCES_PREFIX}-{index}-"
        if data.get(prefix + "DELETE"):
            continue
        if data.get(prefix + "id") or (data.get(prefix + "title") or "").strip():
            rows.append(SubmittedReference(data, prefix))
    citations.fill_keys(rows)
    return {row.key for row in rows}


def checked_markdown(form, text, article, blocks_allowed=True):
    """The text if its citations and markers hold against the submitted references."""
    keys = submitted_reference_keys(form.data or None, article)
    errors = rendering.check(text, keys, blocks_allowed=blocks_allowed)
    if errors:
        raise forms.ValidationError(errors)
    return text


def locked_edit_count(article_pk):
    """The article's stored edit count, its row locked until the transaction ends (None if it is gone)."""
    return Article.objects.select_for_update().filter(pk=article_pk).values_list("edit_count", flat=True).first()


def lost_edit_message(article):
    """Why a save made from a stale page was refused, naming who saved last and when."""
    latest = revisions.versions_of(article.pk).first()
    if latest is None:
        who, when = "Someone", ""
    else:
        who = revisions.saved_by(latest)
        who = who[:1].upper() + who[1:]
        when = f" at {timezone.localtime(latest.revision.date_created):%H:%M on %-d %B %Y}"
    history = reverse("admin:articles_article_history", args=[article.pk])
    return format_html(
        "{} saved this article{} after you opened it, so your changes were not saved. "
        "Nothing is lost: your edits are still in this form, and theirs are in the "
        '<a href="{}">history</a>. Copy what you need, reload the page to get their version, '
        "and make your changes again.",
        who,
        when,
        history,
    )


def sharing_preview_attrs(article=None):
    """What the meta description's counter and previews need (static/js/admin-meta-preview.js): the limit,
    the site's name and address, the article's address with "slug-here" for its slug, and the card's image
    (the article's social crop once its hero image is stored, as og:image gives it; else the logo)."""
    hero = article.hero if article is not None and article.pk else None
    return {
        "data-limit": META_DESCRIPTION_LIMIT,
        "data-site-name": settings.SITE_NAME,
        "data-site-url": settings.SITE_URL,
        "data-article-path": reverse("articles:detail", kwargs={"slug": "slug-here"}),
        "data-image": hero.social.url if hero else static("img/citewell-logo.png"),
    }


def add_editor_aids(fields, article=None):
    """Data for the change page's scripts: the body's block markers (its Markdown toolbar offers them) and
    the meta description's previews."""
    if "body" in fields:
        fields["body"].widget.attrs["data-markdown-blocks"] = " ".join(rendering.BLOCKS)
    if "meta_description" in fields:
        fields["meta_description"].widget.attrs.update(sharing_preview_attrs(article))


class ArticleAdminForm(forms.ModelForm):
    """The article form.

    Its status is not written to the article by the form: the admin moves the
    article through the workflow, whose rules the form checks first. The form
    carries the edit count the page was opened at, and a save made after someone
    else's is refused.
    """

    edit_count = forms.IntegerField(widget=forms.HiddenInput, required=False)
    status = forms.ChoiceField(
        choices=[(value, label) for value, label in Article.Status.choices if value != Article.Status.PUBLISHED],
        initial=Article.Status.DRAFT,
        help_text="Publishing is a button of its own, once the named medical reviewer has signed off this version.",
    )
    change_note = forms.CharField(
        label="Change note for readers",
        max_length=300,
        required=False,
        help_text="What changed, in one sentence (e.g. “Added the 2024 dosing guidance.”). Readers see it in the "
        "article's history when this version is published.",
    )
    # Set by the admin on restore and recover pages: the edit count before the revision was put back.
    edit_count_at_open = None

    class Meta:
        model = Article
        # The status is the workflow's to write, the edit count the model's: the form only reads them.
        exclude = ["status", "edit_count"]  # noqa: DJ006

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        add_editor_aids(self.fields, self.instance)
        self.fields["status"].initial = self.instance.status
        space = drafts.active()
        self.published = space is not None
        if self.published and "published_at" in self.fields:  # absent for those who may only view
            # Its edits become a draft; its status and publish time change by buttons.
            self.fields["status"] = forms.ChoiceField(choices=Article.Status.choices, disabled=True, required=False)
            self.fields["status"].initial = Article.Status.PUBLISHED
            self.fields["published_at"].disabled = True
            self.fields["change_note"].required = True
            self.fields["change_note"].initial = space.note
        if self.instance.pk:
            opened = self.edit_count_at_open
            self.fields["edit_count"].initial = self.instance.edit_count if opened is None else opened

    def clean_body(self):
        return checked_markdown(self, self.cleaned_data["body"], self.instance)

    def clean_hero_image(self):
        image = self.cleaned_data.get("hero_image")
        if not image or image is self.initial.get("hero_image") or not hasattr(image, "content_type"):
            return image
        return hero(image)

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            self.refuse_lost_edit(cleaned.get("edit_count"))
        if cleaned.get("status") and not self.published:
            self.check_status(cleaned)
        return cleaned

    def check_status(self, cleaned):
        """The workflow's rules for the status asked for, as errors on the fields at fault."""
        candidate = copy.copy(self.instance)
        candidate.medical_reviewer = cleaned.get("medical_reviewer")
        for name, messages in workflow.problems(candidate, cleaned["status"]).items():
            if name not in self.errors:
                for message in messages:
                    self.add_error(name if name in self.fields else None, message)

    def refuse_lost_edit(self, opened_at):
        """Raise if the article was saved since this form was opened.

        The row stays locked until the admin's transaction ends, so of two
        saves made at once the second waits, then sees the first.
        """
        stored = self.edit_count_at_open
        if stored is None:
            stored = locked_edit_count(self.instance.pk)
        if stored is not None and stored != opened_at:
            raise forms.ValidationError(lost_edit_message(self.instance), code="stale")


class FAQForm(forms.ModelForm):
    class Meta:
        model = FAQ
        fields = ["order", "question", "answer"]

    def clean_answer(self):
        article = self.instance.article if self.instance.article_id else Article()
        return checked_markdown(self, self.cleaned_data["answer"], article, blocks_allowed=False)


# Order numbers are small integers on PostgreSQL (at most 32,767): forms accept up to MAX_ORDER, so
# rows can always step aside above it (to twice it at most) while they are renumbered.
MAX_ORDER = 10_000


class OrderedRowsFormSet(forms.BaseInlineFormSet):
    """An article's rows of one kind. Validation already refuses two rows with one order
    number; saving then never trips the unique constraint on (article, order), whatever
    order the rows are saved in: rows whose number changes, or which are deleted, first
    step aside to numbers above every row's, in one statement each, inside the save's
    transaction (swaps, a new first row, a deleted row's number given to another)."""

    def get_unique_error_message(self, unique_check):
        noun = self.model._meta.verbose_name_plural
        return f"Two {noun} share an order number; give each its own."

    def save_existing_objects(self, commit=True):
        if commit:
            self.step_aside()
        return super().save_existing_objects(commit)

    def step_aside(self):
        """Rows whose number changes, or which are deleted, move above every row's number."""
        moving = [
            form.instance.pk
            for form in self.initial_forms
            if form.instance.pk and (form in self.deleted_forms or "order" in form.changed_data)
        ]
        if not moving:
            return
        rows = self.model._default_manager.filter(article=self.instance)
        top = rows.aggregate(top=Max("order"))["top"] or 0
        for offset, pk in enumerate(moving, start=1):
            rows.filter(pk=pk).update(order=top + offset)


class ReferenceFormSet(OrderedRowsFormSet):
    """An article's references: a row left without a key gets a suggested one (first author and
    year, unique in the article) before keys are checked for duplicates; rows whose key changes, or
    which are deleted, first give up their key, so keys can be swapped in one save."""

    def clean(self):
        super().clean()
        kept = [
            form for form in self.forms if getattr(form, "cleaned_data", None) and not self._should_delete_form(form)
        ]
        citations.fill_keys([form.instance for form in kept])
        for form in kept:
            form.cleaned_data["key"] = form.instance.key
        counts = Counter(form.instance.key for form in kept)
        shared = sorted(key for key, count in counts.items() if count > 1)
        if shared:
            raise forms.ValidationError(
                f"Two references share the key {', '.join(shared)}; give each its own "
                "(the text cites a reference by it: [^key])."
            )

    def step_aside(self):
        super().step_aside()
        moving = [
            form.instance.pk
            for form in self.initial_forms
            if form.instance.pk and (form in self.deleted_forms or "key" in form.changed_data)
        ]
        for pk in moving:  # "-<id>" is no key a form accepts, and no other row's
            self.model._default_manager.filter(pk=pk).update(key=f"-{pk}")


PHOTO_SIZE = 400


class PhotoField(forms.ImageField):
    """An image field that says an image is too large, not broken, when Pillow refuses it as a
    decompression bomb on reading its header."""

    def to_python(self, data):
        try:
            return super().to_python(data)
        except forms.ValidationError as error:
            if isinstance(error.__cause__, Image.DecompressionBombError):
                raise forms.ValidationError(images.TOO_LARGE, code="too_large") from error
            raise


class ContributorAdminForm(forms.ModelForm):
    """The contributor form's rules; the admin builds its fields (Meta) from ContributorAdmin.

    A photo is cut square and resized on upload (PHOTO_SIZE), re-encoded so nothing
    but its pixels is kept.
    """

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if not photo or photo is self.initial.get("photo") or not hasattr(photo, "content_type"):
            return photo
        return portrait(photo)

    def clean_role(self):
        role = self.cleaned_data["role"]
        reviewed = self.instance.articles_reviewed.count() if self.instance.pk else 0
        if role != Contributor.Role.MEDICAL_REVIEWER and reviewed:
            raise forms.ValidationError(
                f"{self.instance.name} is the medical reviewer of {reviewed} article(s); "
                "choose another reviewer for them before changing this role."
            )
        return role


def portrait(upload):
    """The uploaded photo cut square from its centre, PHOTO_SIZE wide, as a JPEG with nothing but its
    pixels; a form error if it is not an image Pillow reads, or is too large (images.opened)."""
    with images.opened(upload) as image:
        upright = images.on_white(images.pixels(image))
        square = ImageOps.fit(upright, (PHOTO_SIZE, PHOTO_SIZE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    square.save(out, "JPEG", quality=85, optimize=True, progressive=True)
    return SimpleUploadedFile("photo.jpg", out.getvalue(), content_type="image/jpeg")


HERO_MIN = (1200, 630)  # the social crop's size: a smaller image would be enlarged when shared
HERO_BOX = (2400, 2400)  # what is kept of a larger one: twice the widest rendition
HERO_TOO_SMALL = (
    f"This image is too small: a hero image needs at least {HERO_MIN[0]} × {HERO_MIN[1]} pixels, "
    "so that it is sharp on large screens and when the article is shared."
)
HERO_SHAPE = (
    "Crop this image first: a hero image may be at most three times as wide as it is tall, "
    "or twice as tall as it is wide."
)


def hero(upload):
    """The uploaded hero image, turned upright, as a JPEG with nothing but its pixels, at most HERO_BOX;
    a form error if it is not an image Pillow reads, is too large (images.opened), too small, or of an
    extreme shape."""
    with images.opened(upload) as image:
        upright = images.on_white(images.pixels(image))
    width, height = upright.size
    if width < HERO_MIN[0] or height < HERO_MIN[1]:
        raise forms.ValidationError(HERO_TOO_SMALL, code="too_small")
    if width > 3 * height or height > 2 * width:
        raise forms.ValidationError(HERO_SHAPE, code="shape")
    upright.thumbnail(HERO_BOX, Image.Resampling.LANCZOS)
    out = io.BytesIO()
    upright.save(out, "JPEG", quality=90, optimize=True, progressive=True)
    return SimpleUploadedFile("hero.jpg", out.getvalue(), content_type="image/jpeg")
