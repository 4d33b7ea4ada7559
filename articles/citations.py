"""Citation keys and how a reference reads: one place for the rules.

An article cites a reference by its key, `[^castiglioni2013]`; `suggest_key()` proposes
one from the first author's family name and the year (the admin, the migration that
introduced keys, and reference imports all use it). `numbered_to_keys()` rewrites the
old numeric markers, `[^2]`, by the reference with that order.
"""

import re
import unicodedata

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
        if word and word.lower() not in COMMON_WORDS and ascii_word(word):
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
