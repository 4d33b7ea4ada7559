"""Python-Markdown's link and image patterns, reading each text once.

Python-Markdown finds the text of a link by reading on from each "[" to its matching "]",
and its address by reading on from the "(" to the matching ")": an unclosed "[" or "(" is
read to the end of the paragraph, once for each of them, so a paragraph of unclosed
brackets costs the square of its length. The processors here give the same results
(`getText` and `getLink` are Python-Markdown's own, over the same characters) but find where
each bracket closes from a table worked out in one pass over the paragraph, and do not try a
"[" that cannot start what they look for (one that never closes, a link text with no address
after it, a reference to no reference), as Python-Markdown tries and drops each.

The table depends only on the text from a bracket to the end of the paragraph, so it stays
true after a match replaces what comes before (Python-Markdown rebuilds the paragraph after
each match, and goes on after what it replaced): a processor keeps its table while the new
text ends as the old one did.

One difference: where Python-Markdown would make a link whose title never closes and whose
parentheses run out on a "(" (it then cuts the paragraph off at its last character), the
text stays text.
"""

import re
from bisect import bisect_left
from functools import cached_property

from markdown import inlinepatterns

BRACKETS = re.compile(r"[\[\]]")
ADDRESS_MARKS = re.compile(r"[()'\"]")
QUOTE_CLOSE = re.compile(r"(['\"]) *\)")


def pairs(text, positions, closing):
    """Each opening bracket at `positions` mapped to its `closing` one, read from the end (an
    opening left over never closes); in the order of the text."""
    found, waiting = {}, []
    for pos in reversed(positions):
        if text[pos] == closing:
            waiting.append(pos)
        elif waiting:
            found[pos] = waiting.pop()
    return dict(reversed(found.items()))


class Closings:
    """Where the brackets and parentheses of one text, from `start` on, are closed (the
    parentheses and quote marks are read the first time an address is)."""

    def __init__(self, text, start):
        self.text = text
        self.start = start
        self.square = pairs(text, [m.start() for m in BRACKETS.finditer(text, start)], "]")
        self.opens = list(self.square)

    @cached_property
    def image_opens(self):
        """The "[" right after a "!"."""
        return [pos for pos in self.opens if pos > 0 and self.text[pos - 1] == "!"]

    @cached_property
    def marks(self):
        return [m.start() for m in ADDRESS_MARKS.finditer(self.text, self.start)]

    @cached_property
    def round(self):
        return pairs(self.text, [pos for pos in self.marks if self.text[pos] in "()"], ")")

    @cached_property
    def quotes(self):
        return {q: [pos for pos in self.marks if self.text[pos] == q] for q in "'\""}

    @cached_property
    def parens(self):
        """The parentheses, and how many are open after each ("(" counts up, ")" down)."""
        positions, depths, depth = [], [0], 0
        for pos in self.marks:
            char = self.text[pos]
            if char in "()":
                depth += 1 if char == "(" else -1
                positions.append(pos)
                depths.append(depth)
        return positions, depths

    @cached_property
    def quote_closes(self):
        """Each ")" right after a quote mark (spaces apart), with where that mark is."""
        found = [(m.end() - 1, m.start()) for m in QUOTE_CLOSE.finditer(self.text, self.start)]
        return [pos for pos, _ in found], [before for _, before in found]

    def first_quote(self, at):
        """The first quote mark at or after `at`, or None."""
        firsts = [self._first(self.quotes[q], at) for q in "'\""]
        firsts = [pos for pos in firsts if pos is not None]
        return min(firsts) if firsts else None

    @staticmethod
    def _first(positions, at):
        index = bisect_left(positions, at)
        return positions[index] if index < len(positions) else None

    def link_end(self, paren, start):
        """Where Python-Markdown's reading of the address opened by the "(" at `paren` stops
        (the index after its last character), reading from `start`; None when it is no link."""
        close = self.round.get(paren)
        quote = self.first_quote(start)
        if close is not None and (quote is None or close < quote):
            return close + 1
        if quote is None:
            return None
        return self._title_end(quote) or self._unclosed_title_end(start, quote)

    def _title_end(self, quote):
        """The ")" that ends an address with a title opened at `quote`: the first one after a
        closing mark of that title's quote, or of the other quote seen twice since."""
        mark = self.text[quote]
        other = self._first(self.quotes["'" if mark == '"' else '"'], quote + 1)
        closes, quoted_by = self.quote_closes
        index = bisect_left(closes, quote + 1)
        while index < len(closes):
            before = quoted_by[index]
            if (self.text[before] == mark and before > quote) or (
                self.text[before] != mark and other is not None and before > other
            ):
                return closes[index] + 1
            index += 1
        return None

    def _unclosed_title_end(self, start, quote):
        """With a title that never closes, the address ends at the ")" that balances the "(" open
        where the title began (each parenthesis after it counts down by one)."""
        parens, depths = self.parens
        at_quote = bisect_left(parens, quote)
        open_count = 1 + depths[at_quote] - depths[bisect_left(parens, start)]
        index = at_quote + open_count - 1
        if index < len(parens) and self.text[parens[index]] == ")":
            return parens[index] + 1
        return None


class Tables:
    """The tables of one Markdown instance's link processors: one per text read, shared by them all."""

    def __init__(self):
        self.built = {}
        self.cursors = []

    def reset(self):
        self.built.clear()
        for cursor in self.cursors:
            cursor.table = cursor.text = None

    def get(self, text, pos):
        table = self.built.get(id(text))
        if table is None or table.text is not text or table.start > pos:
            table = self.built[id(text)] = Closings(text, pos)
        return table


class Cursor:
    """The table one processor reads with, kept while the texts it reads end the same way."""

    def __init__(self, tables):
        self.tables = tables
        tables.cursors.append(self)
        self.table = None
        self.text = None
        self.shift = 0  # a position in `text` plus shift is that position in the table's text
        self.checked = 0  # positions of `text` from here on are known to be in the table

    def at(self, text, pos):
        """The table for `text`, true from `pos` on, and the shift to its positions."""
        if text is not self.text or pos < self.checked:
            self._follow(text, pos)
        return self.table, self.shift

    def _follow(self, text, pos):
        table = self.table
        shift = len(table.text) - len(text) if table else 0
        same_end = (
            table is not None
            and table.text is not text
            and pos + shift >= table.start
            and table.text.endswith(text[pos:])
        )
        if not same_end:
            table, shift = self.tables.get(text, pos), 0
        self.table, self.text, self.shift, self.checked = table, text, shift, pos


class Candidates:
    """What a link processor's pattern finds, less what it would pass over: each "[" that never
    closes, and each its `screen` turns down (going on, as Python-Markdown does, where told)."""

    def __init__(self, processor):
        self.processor = processor

    def finditer(self, data, start):
        processor = self.processor
        if data.find("[", start) < 0:
            return
        compiled, lead = processor.compiled_re, processor.LEAD
        table, shift = processor.cursor.at(data, start)
        opens = processor.opens(table)
        index = bisect_left(opens, start + lead + shift)
        while index < len(opens):
            opening = opens[index] - shift
            m = compiled.match(data, opening - lead)
            verdict = m and processor.screen(data, opening, table.square[opens[index]] - shift)
            if verdict is True:
                yield m
            if verdict is True or not verdict:
                index += 1
            else:
                index = bisect_left(opens, verdict + lead + shift)


class LinearBrackets:
    """getText and getLink for Python-Markdown's link processors, reading each text once."""

    LEAD = 0  # characters the pattern matches before its "["

    def __init__(self, pattern, md, tables):
        super().__init__(pattern, md)
        self.cursor = Cursor(tables)

    def getCompiledRegExp(self):
        return Candidates(self)

    def opens(self, table):
        """The "[" of the table this processor may start a match at."""
        return table.image_opens if self.LEAD else table.opens

    def screen(self, data, opening, closing):
        """Whether the "[" at `opening`, closed at `closing`, may start a match: True, False (no),
        or where to go on from (past what the processor would leave as it is)."""
        return True

    def getText(self, data, index):
        table, shift = self.cursor.at(data, index - 1)
        close = table.square.get(index - 1 + shift)
        if close is None:
            return "", index, False
        close -= shift
        return data[index:close], close + 1, True

    def getLink(self, data, index):
        m = self.RE_LINK.match(data, pos=index)
        if not m or m.group(1):
            return super().getLink(data, index)
        table, shift = self.cursor.at(data, index)
        end = table.link_end(index + shift, m.end() + shift)
        if end is None:
            return "", None, index, False
        href, title, stop, handled = super().getLink(data[index : end - shift], 0)
        return href, title, stop + index, handled


class InlineLinks(LinearBrackets):
    def screen(self, data, opening, closing):
        """An inline link's text is followed by an address that closes."""
        m = self.RE_LINK.match(data, pos=closing + 1)
        if not m or m.group(1):
            return bool(m)
        table, shift = self.cursor.at(data, opening)
        return table.link_end(closing + 1 + shift, m.end() + shift) is not None


class References(LinearBrackets):
    def opens(self, table):
        return super().opens(table) if self.md.references else []

    def screen(self, data, opening, closing):
        """A reference link needs a reference of its name: without one, Python-Markdown leaves the text as it is."""
        m = self.RE_LINK.match(data, pos=closing + 1)
        if not m:
            return False
        name = m.group(1) or data[opening + 1 : closing]
        return self.NEWLINE_CLEANUP_RE.sub(" ", name.lower()) in self.md.references or m.end()


class ShortReferences(References):
    def screen(self, data, opening, closing):
        name = self.NEWLINE_CLEANUP_RE.sub(" ", data[opening + 1 : closing].lower())
        return name in self.md.references or closing + 1


class LinkInlineProcessor(InlineLinks, inlinepatterns.LinkInlineProcessor):
    pass


class ImageInlineProcessor(InlineLinks, inlinepatterns.ImageInlineProcessor):
    LEAD = 1


class ReferenceInlineProcessor(References, inlinepatterns.ReferenceInlineProcessor):
    pass


class ImageReferenceInlineProcessor(References, inlinepatterns.ImageReferenceInlineProcessor):
    LEAD = 1


class ShortReferenceInlineProcessor(ShortReferences, inlinepatterns.ShortReferenceInlineProcessor):
    pass


class ShortImageReferenceInlineProcessor(ShortReferences, inlinepatterns.ShortImageReferenceInlineProcessor):
    LEAD = 1


# Python-Markdown's registration of its link patterns: (name, class, pattern, priority).
PROCESSORS = [
    ("reference", ReferenceInlineProcessor, inlinepatterns.REFERENCE_RE, 170),
    ("link", LinkInlineProcessor, inlinepatterns.LINK_RE, 160),
    ("image_link", ImageInlineProcessor, inlinepatterns.IMAGE_LINK_RE, 150),
    ("image_reference", ImageReferenceInlineProcessor, inlinepatterns.IMAGE_REFERENCE_RE, 140),
    ("short_reference", ShortReferenceInlineProcessor, inlinepatterns.REFERENCE_RE, 130),
    ("short_image_ref", ShortImageReferenceInlineProcessor, inlinepatterns.IMAGE_REFERENCE_RE, 125),
]


def register(md):
    tables = Tables()
    for name, processor, pattern, priority in PROCESSORS:
        md.inlinePatterns.register(processor(pattern, md, tables), name, priority)
    return tables
