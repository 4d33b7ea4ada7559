"""Text fields that store line breaks one way.

A browser sends a textarea's lines joined by CRLF; a Markdown file, a fixture or
the shell joins them by LF. Stored as LF, the same text is the same whichever way
it came in: saving a form unchanged changes nothing, and a revision, a compare or a
sign-off digest never differs by invisible line endings. Django's form fields
already strip the ends of the text.
"""

from django.db import models
from markdownx.models import MarkdownxField


def plain_newlines(value):
    if isinstance(value, str) and "\r" in value:
        return value.replace("\r\n", "\n").replace("\r", "\n")
    return value


class TextField(models.TextField):
    """A TextField cleaned (by full_clean, as every admin form does) to LF line breaks."""

    def to_python(self, value):
        return plain_newlines(super().to_python(value))


class MarkdownField(MarkdownxField):
    """django-markdownx's field (its editor and preview), cleaned to LF line breaks."""

    def to_python(self, value):
        return plain_newlines(super().to_python(value))
