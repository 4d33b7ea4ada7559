"""Markdown to safe HTML: the one renderer for pages, the admin preview and checks.

Editors' Markdown is untrusted. It is rendered with Python-Markdown, then cleaned
with nh3 on an allow-list; the derived fields of an article (HTML, table of
contents, citations, word count, reading time) are computed here and stored on
save, never on a page view.
"""

import html
import math
import re
import threading
import xml.etree.ElementTree as etree
from collections import Counter
from dataclasses import dataclass, field
from functools import partial

import markdown as md
import nh3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.html import format_html, strip_tags
from markdown.extensions.toc import slugify as toc_slugify
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

from . import citations as citation_keys
from . import markdown_bounds

BLOCKS = ("food-sources", "supplement-forms")
BLOCK_LABELS = {"food-sources": "food sources table", "supplement-forms": "supplement forms table"}
# Ids the site's pages give their own elements (templates/), which no heading in Markdown takes:
# each section's id and its heading's ("summary", "summary-title"), the other fixed ones, and the
# numbered ones (ref-2, cite-2, cite-2-3, faq-1, card-7, contributors-3). tests/test_heading_ids.py
# checks that every id in the templates is here.
PAGE_SECTIONS = (
    "article",
    "article-body",
    "article-history",
    "contents",
    "contents-side",
    "disclaimer",
    "faq",
    "food-chart",
    "food-sources",
    "key-points",
    "references",
    "related",
    "summary",
    "supplement-forms",
)
PAGE_IDS = ("content", "site-header", "site-footer", "site-search-q", "search-q", "food-chart-desc")
RESERVED_IDS = frozenset(PAGE_IDS) | frozenset(PAGE_SECTIONS) | {f"{name}-title" for name in PAGE_SECTIONS}
NUMBERED_ID_RE = re.compile(r"^(?:ref|cite|faq|card|contributors)-\d+(?:-\d+)?$")

# The most characters a Markdown field holds: several times the longest article (the first
# article's body has about 6,000), and the size the renderer's cost is measured at (make bench).
MAX_MARKDOWN_CHARS = 50_000

BODY_HELP = (
    "Markdown. Start each section with a ## heading (### for a subsection); the "
    "table of contents is built from the ## headings. Cite a reference by its key: "
    "[^castiglioni2013], or several at once: [^castiglioni2013,nih], placed after the sentence's full "
    "stop; references are numbered in the order they are first cited. "
    "Put [[food-sources]] or [[supplement-forms]] on a line of its own to place that "
    f"table; without a marker it follows the body. At most {MAX_MARKDOWN_CHARS:,} characters."
)
ANSWER_HELP = (
    f"Markdown. Cite a reference by its key, e.g. [^castiglioni2013]. At most {MAX_MARKDOWN_CHARS:,} characters."
)

# [^key] or [^key,key]; numbers ([^2], the markers before keys) are read too, to be refused by check().
CITATION_RE = r"\[\^([A-Za-z0-9][\w-]*(?:[ \t]*,[ \t]*[A-Za-z0-9][\w-]*)*)\]"
BLOCK_LINE_RE = re.compile(r"^\[\[([^\]\s]+)\]\]\s*$", re.M)
BLOCK_HTML_RE = re.compile(r"<p>\[\[({})\]\]</p>".format("|".join(BLOCKS)))
SENTINEL = "<!--block:%s-->"
SENTINEL_RE = re.compile(r"<!--block:([a-z-]+)-->")
EXTERNAL_LINK_RE = re.compile(r'(<a\s[^>]*?\bhref="(?:https?:)?//[^"]*")')
IMG_TAG_RE = re.compile(r"<img\s[^>]*>")
IMG_SRC_RE = re.compile(r'\ssrc="([^"]*)"')
IMG_ALT_RE = re.compile(r'\salt="([^"]*)"')
WORD_RE = re.compile(r"\w+(?:['’.\-]\w+)*")

SAFE_TAGS = {
    "p",
    "br",
    "hr",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "a",
    "em",
    "strong",
    "b",
    "i",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "th",
    "td",
    "caption",
    "sup",
    "sub",
    "abbr",
    "del",
    "ins",
    "img",
    "figure",
    "figcaption",
    "mark",
    "small",
    "kbd",
    "s",
}
SAFE_ATTRIBUTES = {
    "a": {"href", "title", "id"},
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"align", "colspan", "rowspan", "scope"},
    "td": {"align", "colspan", "rowspan"},
    "ol": {"start"},
    "abbr": {"title"},
    **{f"h{level}": {"id"} for level in range(2, 7)},
}


def _slugify(value, separator):
    slug = toc_slugify(value, separator) or "section"
    return f"{slug}-section" if is_reserved(slug) else slug


def is_reserved(element_id):
    return element_id in RESERVED_IDS or bool(NUMBERED_ID_RE.match(element_id))


def length_problem(text):
    """Why `text` is too long for a Markdown field, or "" when it is not (for forms and the preview)."""
    length = len(text or "")
    if length <= MAX_MARKDOWN_CHARS:
        return ""
    return (
        f"This text has {length:,} characters; Markdown fields hold at most {MAX_MARKDOWN_CHARS:,}. "
        f"Shorten it by {length - MAX_MARKDOWN_CHARS:,} character{'s' if length - MAX_MARKDOWN_CHARS > 1 else ''}."
    )


def validate_markdown_length(value):
    """The size limit of every Markdown field (articles.fields.MarkdownField)."""
    problem = length_problem(value)
    if problem:
        raise ValidationError(problem, code="max_length")


def _attribute_filter(ids, tag, attr, value):
    if attr == "id":
        # Only an id the renderer gave (a heading's, a citation's), and once: none typed in raw HTML.
        if value not in ids:
            return None
        ids.discard(value)
        return value
    if tag == "img" and attr == "src":
        # Only images uploaded to this site: no third-party requests from a page.
        media = settings.MEDIA_URL
        return value if value.startswith(media) and not value.startswith("//") else None
    return value


def sanitize(raw_html, ids=frozenset()):
    """Clean HTML on the allow-list, keeping only the element ids in `ids`; external links get
    rel=noopener noreferrer."""
    cleaned = nh3.clean(
        raw_html,
        tags=SAFE_TAGS,
        clean_content_tags={
            "script",
            "style",
            "svg",
            "math",
            "template",
            "iframe",
            "object",
            "embed",
            "noscript",
            "textarea",
            "select",
        },
        attributes=SAFE_ATTRIBUTES,
        allowed_classes={"sup": {"citation"}},
        attribute_filter=partial(_attribute_filter, set(ids)),
        url_schemes={"http", "https", "mailto"},
        link_rel=None,
        strip_comments=True,
    )
    return EXTERNAL_LINK_RE.sub(r'\1 rel="noopener noreferrer"', cleaned)


class Numbering:
    """The numbers of an article's references, given by their first citation as readers meet them
    (the body, then the FAQ answers in order), as AMA and Vancouver styles ask.

    `keys` are the article's reference keys; None numbers any key (the editor's live preview,
    which does not know the references).
    """

    def __init__(self, keys=None):
        self.keys = None if keys is None else frozenset(keys)
        self.numbers = {}

    def number(self, key):
        """The key's number, given now if this is its first citation; None for no reference's key."""
        if key not in self.numbers and citation_keys.KEY_RE.match(key) and (self.keys is None or key in self.keys):
            self.numbers[key] = len(self.numbers) + 1
        return self.numbers.get(key)


class CitationProcessor(InlineProcessor):
    """[^key] or [^key,key] becomes a superscript; its links are numbered by CitationCounter."""

    def handleMatch(self, m, data):
        sup = etree.Element("sup", {"class": "citation"})
        for key in re.split(r"[ \t]*,[ \t]*", m.group(1)):
            link = etree.SubElement(sup, "a", {"data-cite": key})
            link.text = AtomicString("[?]")
        return sup, m.start(0), m.end(0)


class CitationCounter(Treeprocessor):
    """Numbers citations in document order, links each to its reference and gives it an anchor id.

    A key of no reference keeps no link: its mark reads [?] (check() refuses it on save).
    """

    def __init__(self, md, renderer):
        super().__init__(md)
        self.renderer = renderer

    def run(self, root):
        for link in root.iter("a"):
            key = link.attrib.pop("data-cite", None)
            if key is None:
                continue
            self.renderer.cited[key] += 1
            number = self.renderer.numbering.number(key)
            if number is None:
                link.tag = "span"  # not an allowed tag: cleaned to its text
                continue
            link.set("href", f"#ref-{number}")
            link.text = AtomicString(f"[{number}]")
            if self.renderer.anchors:
                anchor = citation_id(number, self.renderer.cited[key])
                link.set("id", anchor)
                self.renderer.ids.add(anchor)


@dataclass
class Rendered:
    html: str
    toc: list = field(default_factory=list)
    citations: dict = field(default_factory=dict)
    headings: list = field(default_factory=list)


class _Renderer:
    """A configured Python-Markdown instance; one per thread and anchor mode, reset per use."""

    def __init__(self, anchors):
        self.anchors = anchors
        self.cited, self.ids, self.numbering = Counter(), set(), Numbering()
        tables = {"use_align_attribute": True}
        self.md = md.Markdown(
            extensions=[
                "tables",
                "toc",
                "sane_lists",
                "fenced_code",
                markdown_bounds.BoundsExtension(tables),
            ],
            extension_configs={"tables": tables, "toc": {"slugify": _slugify, "toc_depth": "1-6"}},
            output_format="html",
        )
        self.md.inlinePatterns.register(CitationProcessor(CITATION_RE), "citation", 175)
        self.md.treeprocessors.register(CitationCounter(self.md, self), "citations", 4)

    def render(self, text, numbering):
        self.md.reset()
        self.cited, self.ids, self.numbering = Counter(), set(), numbering
        raw = self.md.convert(text or "")
        headings = []

        def walk(tokens):
            for token in tokens:
                headings.append((token["level"], heading_text(token)))
                self.ids.add(token["id"])
                walk(token["children"])

        walk(self.md.toc_tokens)
        toc = [{"id": token["id"], "title": heading_text(token)} for token in self.md.toc_tokens if token["level"] == 2]
        cleaned = sanitize(raw, self.ids)
        cleaned = BLOCK_HTML_RE.sub(lambda m: SENTINEL % m.group(1), cleaned)
        return Rendered(
            html=cleaned,
            toc=toc,
            citations=dict(self.cited),
            headings=headings,
        )


def heading_text(token):
    return markdown_bounds.as_typed(html.unescape(token["name"]))


_renderers = threading.local()


def render(text, anchors=True, numbering=None):
    """Render Markdown to sanitized HTML with its table of contents and citations.

    `citations` counts each key cited, in the order first cited. References are numbered by
    `numbering` (an article's, shared by its texts in reading order); by default a new one that
    numbers any key.
    """
    renderer = getattr(_renderers, str(anchors), None)
    if renderer is None:
        renderer = _Renderer(anchors)
        setattr(_renderers, str(anchors), renderer)
    return renderer.render(text, Numbering() if numbering is None else numbering)


def citation_id(number, occurrence):
    return f"cite-{number}" if occurrence == 1 else f"cite-{number}-{occurrence}"


def preview(text):
    """The markdownx preview: the readers' rendering, with block markers shown (text over the size
    limit is not rendered: the preview says so)."""
    problem = length_problem(text)
    if problem:
        return format_html('<p class="preview-refused">{}</p>', problem)
    rendered = render(text)
    return SENTINEL_RE.sub(
        lambda m: f'<p class="block-placeholder">[{BLOCK_LABELS[m.group(1)]} appears here]</p>',
        rendered.html,
    )


def split_blocks(body_html, available):
    """Cut stored body HTML at its block markers.

    Returns parts, each {"html": ...} or {"block": name}; a block in `available`
    that the body does not place is appended after the body, and a marker for a
    block with no rows is dropped.
    """
    parts, placed = [], set()
    for index, piece in enumerate(SENTINEL_RE.split(body_html)):
        if index % 2 == 0:
            if piece.strip():
                parts.append({"html": piece})
        elif piece in available and piece not in placed:
            parts.append({"block": piece})
            placed.add(piece)
    parts.extend({"block": name} for name in available if name not in placed)
    return parts


def count_words(*texts):
    return sum(len(WORD_RE.findall(text or "")) for text in texts)


def minutes_to_read(words):
    return max(1, math.ceil(words / settings.WORDS_PER_MINUTE))


TEXT_ROWS = ("key_points", "supplement_forms", "food_sources", "faqs")
CITING_ROWS = ("faqs", "references")  # what an article's citation numbers are worked out from
CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


CITATION_HTML_RE = re.compile(r'<sup class="citation">.*?</sup>')


def plain_text(fragment):
    """The text of stored HTML, without citation marks, for counting and searching."""
    text = strip_tags(CITATION_HTML_RE.sub("", SENTINEL_RE.sub(" ", fragment)))
    return CONTROL_RE.sub(" ", html.unescape(text))


def row_text(rows):
    """The text of an article's rows that readers see, piece by piece."""
    for point in rows.get("key_points", ()):
        yield from (point.title, point.text)
    for form in rows.get("supplement_forms", ()):
        yield from (form.name, form.get_bioavailability_display(), form.common_use, form.efficacy, form.notes)
    for food in rows.get("food_sources", ()):
        yield from (food.name, food.serving)
    for faq in rows.get("faqs", ()):
        yield from (faq.question, plain_text(faq.answer_html))


def text_fields(article, body_html, rows=None):
    """Plain text for search, and the reading time over everything a reader reads.

    `rows` maps each row relation (key_points, supplement_forms, food_sources,
    faqs) to its rows; by default they are read from the saved article.
    """
    if rows is None:
        rows = {name: getattr(article, name).all() for name in TEXT_ROWS} if article.pk else {}
    body_text = plain_text(body_html)
    rows_text = " ".join(piece for piece in row_text(rows) if piece)
    words = count_words(article.title, article.subtitle, article.lead, article.summary, body_text, rows_text)
    return {
        "body_text": body_text,
        "search_text": CONTROL_RE.sub(" ", rows_text),
        "word_count": words,
        "reading_minutes": minutes_to_read(words),
    }


def derive_article(article, rows=None):
    """All stored derived fields of an article, from its Markdown and its rows.

    References are numbered by first citation: the body's, then the FAQ answers' in order (their
    HTML, set on the FAQ rows given, shares the numbers). `citations` maps each cited key to its
    number and to how many anchors in the body cite it.
    """
    if rows is None or "references" not in rows or "faqs" not in rows:
        stored = {name: list(getattr(article, name).all()) for name in CITING_ROWS} if article.pk else {}
        rows = {**stored, **(rows or {})}
    faqs = rows.get("faqs", ())
    keys = [reference.key for reference in rows.get("references", ())]
    rendered, answers, cited = render_cited(article.body, [faq.answer for faq in faqs], keys)
    for faq, answer_html in zip(faqs, answers, strict=True):
        faq.answer_html = answer_html
    return {
        "body_html": rendered.html,
        "toc": rendered.toc,
        "citations": cited,
        **text_fields(article, rendered.html, rows),
    }


def images_without_alt(html_text):
    """The addresses of the images in sanitized HTML that have no alt text, each once, in page order
    ("" for an image whose address was dropped: not one of this site's)."""
    found = []
    for tag in IMG_TAG_RE.findall(html_text):
        alt = IMG_ALT_RE.search(tag)
        if alt is None or not html.unescape(alt.group(1)).strip():
            src = IMG_SRC_RE.search(tag)
            address = html.unescape(src.group(1)) if src else ""
            if address not in found:
                found.append(address)
    return found


def alt_text_problem(address):
    """Why an image without alt text stops a save, naming it."""
    if not address:
        return (
            "An image has no alt text (and an address outside this site, which is not shown): write a "
            "description between the brackets, ![like this](/media/…)."
        )
    return f"Image {address} has no alt text: write a description between the brackets, ![like this]({address})."


def render_cited(body, answers, keys):
    """An article's body and FAQ answers rendered with its references (`keys`) numbered by first
    citation, in that reading order: (the body's Rendered, the answers' HTML, the citations:
    {key: {"number": n, "anchors": how many anchors in the body cite it}})."""
    numbering = Numbering(keys)
    rendered = render(body, numbering=numbering)
    answers_html = [render(answer, anchors=False, numbering=numbering).html for answer in answers]
    cited = {
        key: {"number": number, "anchors": rendered.citations.get(key, 0)} for key, number in numbering.numbers.items()
    }
    return rendered, answers_html, cited


def citation_problems(cited, reference_keys):
    """Why the keys `cited` in a text do not hold against the article's `reference_keys`."""
    numbered = [key for key in cited if key.isdigit()]
    unknown = [key for key in cited if not key.isdigit() and key not in reference_keys]
    have = ", ".join(sorted(reference_keys)) or "none yet"
    errors = []
    if numbered:
        listed = ", ".join(f"[^{n}]" for n in numbered)
        example = min(reference_keys, default="smith2020")
        errors.append(
            f"{listed} {'cites' if len(numbered) == 1 else 'cite'} by number; cite a reference by its key instead, "
            f"such as [^{example}] "
            f"(this article's keys: {have}). Each reference's key is at the top of its row."
        )
    if unknown:
        listed = ", ".join(f"[^{key}]" for key in unknown)
        verb = "cites" if len(unknown) == 1 else "cite"
        errors.append(f"{listed} {verb} no reference of this article; its references' keys are: {have}.")
    return errors


def check(text, reference_keys, blocks_allowed=True):
    """Problems that stop a save: too long a text, unknown or numeric citations, bad block markers,
    # headings, images without alt text."""
    if length_problem(text):
        return [length_problem(text)]
    rendered = render(text)
    errors = citation_problems(rendered.citations, set(reference_keys))
    markers = BLOCK_LINE_RE.findall(text or "")
    for name in sorted(set(markers)):
        if not blocks_allowed:
            errors.append(f"[[{name}]] can only be used in the article body.")
        elif name not in BLOCKS:
            allowed = " or ".join(f"[[{b}]]" for b in BLOCKS)
            errors.append(f"[[{name}]] is not a block this site knows; use {allowed}.")
        elif markers.count(name) > 1:
            errors.append(f"[[{name}]] appears {markers.count(name)} times; place it once.")
    if any(level == 1 for level, _ in rendered.headings):
        errors.append("Use ## for section headings: a single # is the article's title.")
    errors.extend(alt_text_problem(address) for address in images_without_alt(rendered.html))
    return errors
