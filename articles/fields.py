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


class TextFormField(forms.CharField):
    """The form side: cleaned data, and whether the field changed, judged with LF line breaks."""

    def to_python(self, value):
        return plain_newlines(super().to_python(value))


class MarkdownFormField(MarkdownxFormField):
    def to_python(self, value):
        return plain_newlines(super().to_python(value))


class TextField(models.TextField):
    """A TextField cleaned to LF line breaks, by its form field and by full_clean."""

    def to_python(self, value):
        return plain_newlines(super().to_python(value))

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": TextFormField, **kwargs})


class MarkdownField(MarkdownxField):
    """django-markdownx's field (its editor and preview), cleaned to LF line breaks."""

    def to_python(self, value):
        return plain_newlines(super().to_python(value))

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": MarkdownFormField, **kwargs})
