"""Text fields that store line breaks one way, and text kept free of control characters.

A browser sends a textarea's lines joined by CRLF; a Markdown file, a fixture or
the shell joins them by LF. Stored as LF, the same text is the same whichever way
it came in: saving a form unchanged changes nothing, and a revision, a compare or a
sign-off digest never differs by invisible line endings. Django's form fields
already strip the ends of the text.
"""

import re

from django import forms
from django.db import models
from markdownx.fields import MarkdownxFormField
from markdownx.models import MarkdownxField

from . import rendering

# C0 controls and DEL, but tab, line feed and carriage return: pasted from elsewhere, they show as
# nothing on a page and make an XML document (a feed, the sitemap) invalid.
CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def without_controls(value):
    return CONTROLS.sub("", value) if isinstance(value, str) else value


def strip_controls(instance):
    """Remove control characters from every text field of `instance` (run before each save)."""
    for field in instance._meta.concrete_fields:
        if isinstance(field, (models.CharField, models.TextField)):
            value = getattr(instance, field.attname)
            if isinstance(value, str) and CONTROLS.search(value):
                setattr(instance, field.attname, without_controls(value))


def plain_newlines(value):
    if isinstance(value, str) and "\r" in value:
        return value.replace("\r\n", "\n").replace("\r", "\n")
    return value


class PlainNewlines:
    """Cleans a text field's value to LF line breaks: on a form field, the cleaned data and whether
    the field changed; on a model field, full_clean (which every admin form runs)."""

    def to_python(self, value):
        return plain_newlines(super().to_python(value))


class TextFormField(PlainNewlines, forms.CharField):
    pass


class MarkdownFormField(PlainNewlines, MarkdownxFormField):
    pass


class TextField(PlainNewlines, models.TextField):
    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": TextFormField, **kwargs})


class MarkdownField(PlainNewlines, MarkdownxField):
    """django-markdownx's field (its editor and preview), holding at most
    rendering.MAX_MARKDOWN_CHARS characters (every Markdown field has that limit)."""

    default_validators = [rendering.validate_markdown_length]

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": MarkdownFormField, **kwargs})
