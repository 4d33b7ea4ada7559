"""Citation keys and how a reference reads: one place for the rules.

An article cites a reference by its key, `[^castiglioni2013]`; `suggest_key()` proposes
one from the first author's family name and the year (the admin, the migration that
introduced keys, and reference imports all use it). `numbered_to_keys()` rewrites the
old numeric markers, `[^2]`, by the reference with that order.
"""

import re
import unicodedata
from dataclasses import dataclass

KEY_MAX_LENGTH = 40
KEY_RE = re.compile(r"^[a-z][a-z0-9-]*$")
KEY_HELP = (
    "How the text cites this reference: [^key], e.g. [^castiglioni2013]. Lowercase letters, digits and "
    f"hyphens, starting with a letter, at most {KEY_MAX_LENGTH} characters, unique in the article. "
    "Left blank, one is made from the first author and the year."
)
NUMBERED_MARKER_RE = re.compile(r"\[\^(\d+(?:\s*,\s*\d+)*)\]")
INITIALS_RE = re.compile(r"^[A-Z]{1,4}$")
# Words a key is never made of when it falls back on the title or publisher.
COMMON_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "by",
        "de",
        "der",
        "die",
        "do",
        "does",
        "for",
        "from",
        "how",
        "in",
        "is",
        "it",
        "its",
        "la",
        "le",
        "of",
        "on",
        "or",
        "the",
        "to",
        "what",
        "why",
        "with",
    ]
)


def ascii_word(text):
    """Lowercase ASCII letters and digits of `text`, accents dropped ("Müller-Lüdenscheidt" -> "mullerludenscheidt")."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]", "", folded.lower())


def family_name(authors):
    """The first author's family name from an author list such as "Castiglioni S, Cazzaniga A"
    (also "Castiglioni, Sara and ..." or a group such as "World Health Organization")."""
    first = re.split(r",|;|\band\b", authors or "", maxsplit=1)[0].strip()
    words = [word for word in first.split() if word.lower().strip(".") not in {"et", "al"}]
    if len(words) > 1 and INITIALS_RE.match(words[-1].replace(".", "")):
        words = words[:-1]  # "Maier JAM" -> "Maier"
    elif len(words) > 2:
        words = words[:1]  # a group author: its first word
    return ascii_word("".join(words))


def fallback_word(title, publisher):
    """A word for a reference without authors: an acronym of the publisher (NIH, WHO), else the
    first word of the title that is not a common one."""
    for word in (publisher or "").split()[:1]:
        if word.isupper() and len(ascii_word(word)) > 1:
            return ascii_word(word)
    for word in re.split(r"[^\w]+", title or ""):
        if word.lower() not in COMMON_WORDS and ascii_word(word)[:1].isalpha():
            return ascii_word(word)
    return ""


def suggest_key(authors, year, title, taken=frozenset(), publisher=""):
    """A citation key for a reference: family name of the first author and year ("castiglioni2013"),
    else a word of the publisher or title ("nih", "magnesium"), made unique against `taken` (the
    article's other keys) with "-b", "-c", ... ("castiglioni2013-b")."""
    base = family_name(authors) or fallback_word(title, publisher) or "ref"
    if not base[0].isalpha():
        base = f"ref{base}"
    stem = f"{base}{year or ''}"[: KEY_MAX_LENGTH - 4]
    if stem not in taken:
        return stem
    for index in range(1, len(taken) + 2):
        suffix = chr(ord("a") + index) if index < 26 else str(index)
        candidate = f"{stem}-{suffix}"
        if candidate not in taken:
            return candidate
    raise AssertionError("unreachable: more candidates than taken keys")


def numbered_to_keys(text, keys_by_order):
    """`text` with every numeric marker ([^2], [^2,4]) citing by key ([^castiglioni2013]), using the
    reference with that order; a marker naming an order with no reference is left as it is."""

    def replace(match):
        numbers = [int(n) for n in re.split(r"\s*,\s*", match.group(1))]
        if not all(n in keys_by_order for n in numbers):
            return match.group(0)
        return "[^" + ",".join(keys_by_order[n] for n in numbers) + "]"

    return NUMBERED_MARKER_RE.sub(replace, text or "")


SOURCE_RE = re.compile(
    r"^(?P<journal>.*?[^\s.;,])[.;,]?\s+(?:(?:19|20)\d\d\s*;\s*)?"
    r"(?P<volume>\d+)(?:\s*\((?P<issue>[^()]+)\))?(?:\s*:\s*(?P<pages>[\w.-]+))?\.?$"
)


def split_source(publisher):
    """The journal, volume, issue and pages of a source written on one line, such as
    "Nutrients 5(8):3022-3033" or "Am J Clin Nutr. 2014;99(4):926-933"; None when it does not read
    so (a publisher's name, or a number without an issue or pages)."""
    match = SOURCE_RE.match((publisher or "").strip())
    if match is None or not (match["issue"] or match["pages"]):
        return None
    return {name: (match[name] or "").strip() for name in ("journal", "volume", "issue", "pages")}


# How a reference reads (AMA style, 11th edition): the template, the JSON-LD and the admin use it.

AMA_MAX_AUTHORS = 6  # listed in full up to six; beyond, the first three and "et al."
AMA_SHOWN_AUTHORS = 3
ET_AL_RE = re.compile(r"^et\.?\s+al\.?$", re.I)


@dataclass(frozen=True)
class Part:
    """One piece of a reference as readers see it: its text, what follows it, a class for the page,
    and a link or italics."""

    text: str
    css: str
    tail: str = ""
    href: str = ""
    italic: bool = False


def with_period(text):
    """`text` ending with a full stop, unless it already ends with closing punctuation."""
    text = (text or "").strip()
    return text if not text or text[-1] in ".?!" else f"{text}."


def ama_authors(authors):
    """An author list in AMA style: "Castiglioni S, Cazzaniga A, Albisetti W, Maier JAM." in full up
    to six authors; beyond, the first three followed by "et al."."""
    names = [name.strip().rstrip(".").strip() for name in re.split(r"[,;]", authors or "")]
    names = [name for name in names if name]
    et_al = bool(names) and bool(ET_AL_RE.match(names[-1]))
    if et_al:
        names.pop()
    if len(names) > AMA_MAX_AUTHORS:
        names, et_al = names[:AMA_SHOWN_AUTHORS], True
    if not names:
        return ""
    return ", ".join(names) + (", et al." if et_al else ".")


def ama_issue(reference):
    """`2013;5(8):3022-3033.`: the year, volume, issue and pages a journal article has."""
    volume = reference.volume.strip()
    text = f"{volume}({reference.issue.strip()})" if reference.issue.strip() else volume
    if reference.pages.strip():
        text = f"{text}:{reference.pages.strip()}"
    if reference.year:
        text = f"{reference.year};{text}"
    return f"{text}."


def ama_parts(reference):
    """The reference in AMA style, as parts. A journal article (it has a volume):
    Authors. Title. *Journal*. Year;Volume(Issue):Pages. doi:10.xxx
    Anything else (a web page, a report): Authors. Title. Publisher. Year. URL"""
    parts = []
    if ama_authors(reference.authors):
        parts.append(Part(ama_authors(reference.authors), "ref__authors"))
    parts.append(Part(with_period(reference.title), "ref__title"))
    journal = reference.publisher.strip().rstrip(".")
    if journal and reference.volume.strip():
        parts.append(Part(journal, "ref__journal", tail=".", italic=True))
        parts.append(Part(ama_issue(reference), "ref__issue"))
    else:
        if journal:
            parts.append(Part(f"{journal}.", "ref__publisher"))
        if reference.year:
            parts.append(Part(f"{reference.year}.", "ref__year"))
    if reference.doi:
        parts.append(Part(f"doi:{reference.doi}", "ref__doi", href=reference.doi_url))
    elif reference.web_url:
        parts.append(Part(reference.web_url, "ref__url", href=reference.web_url))
    return parts


def ama_text(reference):
    """The reference in AMA style as one line of plain text."""
    return " ".join(part.text + part.tail for part in ama_parts(reference))


def in_reading_order(references, cited):
    """The references in the order of their numbers, each with its `number`: those cited as the
    article's `cited` numbers them (Article.citations), then those never cited, in row order."""
    numbered = sorted((ref for ref in references if ref.key in cited), key=lambda ref: cited[ref.key]["number"])
    for ref in numbered:
        ref.number = cited[ref.key]["number"]
    after = max((ref.number for ref in numbered), default=0)
    rest = [ref for ref in references if ref.key not in cited]
    for offset, ref in enumerate(rest, start=1):
        ref.number = after + offset
    return numbered + rest


def fill_keys(references):
    """Give each reference without a key a suggested one, unique among the others' keys (in place)."""
    taken = {ref.key for ref in references if ref.key}
    for ref in references:
        if not ref.key:
            ref.key = suggest_key(ref.authors, ref.year, ref.title, taken, ref.publisher)
            taken.add(ref.key)


def bring_to_keys(article, references, faqs):
    """An article as saved before citation keys (an old revision): its references get keys and its
    body and FAQ answers cite by them, in place. Returns the FAQs whose answers changed, and whether
    the body did."""
    fill_keys(references)
    keys_by_order = {ref.order: ref.key for ref in references}
    body = numbered_to_keys(article.body, keys_by_order)
    body_changed, article.body = body != article.body, body
    changed = []
    for faq in faqs:
        answer = numbered_to_keys(faq.answer, keys_by_order)
        if answer != faq.answer:
            faq.answer = answer
            changed.append(faq)
    return body_changed, changed
