"""Reading level: the Flesch-Kincaid grade of an article and of each of its sections, for its editors.

Plain language is the rule for health content; the target is grade 8 or below. The
grade is measured on the text readers read: rendering's plain text of the stored
HTML, without Markdown or tags, citation marks, headings or code. A paragraph, list
item or table cell without a full stop of its own still ends a sentence. The
sections are the body's ## sections, after the lead and quick summary, and the
FAQs. Worked out when the change page is shown (textstat: milliseconds for an
article, once its pronouncing dictionary is loaded), never on readers' pages.
"""

import re
from dataclasses import dataclass

import textstat
from django.contrib import admin
from django.utils.html import format_html, format_html_join

from articles import rendering

TARGET_GRADE = 8
OPENING = "Lead and quick summary"
BEFORE_HEADINGS = "Before the first heading"
FAQS = "FAQs"

NOT_PROSE = re.compile(r"<(h[1-6]|pre)\b[^>]*>.*?</\1>", re.IGNORECASE | re.DOTALL)
BLOCK_END = re.compile(r"</(?:p|li|td|th|blockquote|dt|dd|figcaption)>|<br\s*/?>", re.IGNORECASE)
SECTION_HEADING = re.compile(r"<h2\b[^>]*>(.*?)</h2>", re.IGNORECASE | re.DOTALL)
SENTENCE_END = ".!?"


@dataclass
class Level:
    """The grade of one part of the article (or of all of it)."""

    name: str
    grade: float  # rounded to one decimal, as shown
    words: int

    @property
    def above_target(self):
        return self.grade > TARGET_GRADE


@dataclass
class Report:
    article: Level
    sections: list

    @property
    def sections_above_target(self):
        return [section for section in self.sections if section.above_target]


def prose(html):
    """The plain text of stored HTML as sentences: headings and code left out, each block ending one."""
    text = rendering.plain_text(BLOCK_END.sub("\n", NOT_PROSE.sub("\n", html)))
    return sentences(text.split("\n"))


def sentences(pieces):
    """The pieces (paragraphs, items, fields) as one text, each ending a sentence."""
    kept = [" ".join(piece.split()) for piece in pieces]
    return " ".join(piece if piece[-1] in SENTENCE_END else piece + "." for piece in kept if piece)


def level(name, text):
    """The grade of a text (below 0 for the plainest, shown as 0), rounded as shown."""
    return Level(name, max(0.0, round(textstat.flesch_kincaid_grade(text), 1)), textstat.lexicon_count(text))


def body_sections(body_html):
    """(name, text) of each part of the body: what comes before its first ## heading, then each ## section."""
    parts = SECTION_HEADING.split(body_html)
    found = [(BEFORE_HEADINGS, prose(parts[0]))]
    for index in range(1, len(parts), 2):
        found.append((rendering.plain_text(parts[index]).strip(), prose(parts[index + 1])))
    return found


def report(article, faqs=None):
    """The reading level of the stored article (its lead, quick summary, body and FAQs) and of each part."""
    faqs = article.faqs.all() if faqs is None else faqs
    parts = [(OPENING, sentences([article.lead, article.summary])), *body_sections(article.body_html)]
    parts.append((FAQS, " ".join(sentences([faq.question]) + " " + prose(faq.answer_html) for faq in faqs)))
    parts = [(name, text) for name, text in parts if text.strip()]
    whole = level("The article", " ".join(text for _, text in parts))
    return Report(whole, [level(name, text) for name, text in parts])


def summary(result):
    return f"Reading level: grade {result.article.grade:.1f} (target: grade {TARGET_GRADE} or below)"


def warning(result):
    """A sentence for the content checks when the article reads above the target, else ""."""
    if not result.article.above_target:
        return ""
    above = result.sections_above_target
    sections = f" Sections above it: {', '.join(section.name for section in above)}." if above else ""
    return (
        f"The article reads at grade {result.article.grade:.1f}, above the plain-language target of grade "
        f"{TARGET_GRADE}: shorter sentences and everyday words help.{sections}"
    )


def panel(result):
    """The change page's reading level: the article's grade and the target, then each part's grade."""
    parts = format_html_join(
        "",
        '<li class="{}">{}: grade {}{}</li>',
        (
            ("reading-level--above" if part.above_target else "", part.name, f"{part.grade:.1f}", _above(part))
            for part in result.sections
        ),
    )
    return format_html(
        '<p class="reading-level{}">{}</p><ul class="reading-levels">{}</ul><p class="help">{}</p>',
        " reading-level--above" if result.article.above_target else "",
        summary(result),
        parts,
        "The Flesch-Kincaid grade of the saved text: the lead and quick summary, each ## section of the body, "
        f"and the FAQs. Plain language for health information aims at grade {TARGET_GRADE} or below.",
    )


def _above(part):
    return " (above the target)" if part.above_target else ""


class ReadingLevel:
    """The article admin's read-only "Reading level" field."""

    @admin.display(description="Reading level")
    def reading_level(self, obj):
        return panel(report(obj)) if obj.pk else "Worked out when saved."
