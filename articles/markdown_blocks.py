"""Python-Markdown's block processors, reading each block once and nesting a bounded depth.

Python-Markdown parses a block (text between blank lines) a piece at a time: a heading, a
rule or a reference is taken off the front and the rest goes back as a new block, which
every processor then tests again. Several tests search the whole block (is there a heading,
a rule, a quoted line anywhere?) and some processors split all of it into lines to take
one or two, so a block of many short pieces costs the square of its length. Here those
searches are made once per block, and what remains of a block after a piece is taken off
it is looked up in the first search (which lines start a heading, a rule or a quote);
the processors that took one or two lines by splitting them all read just those lines.

Lists, block quotes and indented blocks nest by calling the parser again, a level at a
time: past MAX_NESTING levels they are read as paragraphs (or code) instead, so depth, and
the work of reading each level again, stays bounded.
"""

import re
from bisect import bisect_left

from markdown import blockprocessors
from markdown.extensions import sane_lists, tables

# Lists, block quotes and indented blocks inside one another, at most (each is a parser state).
MAX_NESTING = 16


class Remainders:
    """Which blocks are what remains of an earlier one, and the lines found in that earlier one."""

    def __init__(self):
        self.origins = {}  # id(block): (block, first block, where it starts in the first block)
        self.found = {}  # (id(first block), kind): (first block, sorted line starts)

    def reset(self):
        self.origins.clear()
        self.found.clear()

    def origin(self, block):
        entry = self.origins.get(id(block))
        if entry is not None and entry[0] is block:
            return entry[1], entry[2]
        return block, 0

    def adopt(self, block, blocks):
        """Note each of the first blocks that is the end of `block` from a line on."""
        root, base = self.origin(block)
        for rest in blocks[:2]:
            if not rest or rest is block or len(rest) >= len(block) or not block.endswith(rest):
                continue
            offset = len(block) - len(rest)
            if block[offset - 1] == "\n":
                self.origins[id(rest)] = (rest, root, base + offset)

    def first(self, block, kind, find, start=0):
        """Where in `block`, from `start` on, the first line of `kind` starts (found by `find` in the
        first block), or None."""
        root, base = self.origin(block)
        entry = self.found.get((id(root), kind))
        if entry is None or entry[0] is not root:
            entry = self.found[id(root), kind] = (root, find(root))
        starts = entry[1]
        index = bisect_left(starts, base + start)
        return starts[index] - base if index < len(starts) else None


def too_deep(parser):
    return len(parser.state) >= MAX_NESTING


class Adopting:
    """Runs the processor, then notes what it put back as the rest of the block."""

    def run(self, parent, blocks):
        block = blocks[0]
        result = super().run(parent, blocks)
        self.remainders.adopt(block, blocks)
        return result


class HashHeaderProcessor(Adopting, blockprocessors.HashHeaderProcessor):
    LINE = re.compile(r"^#", re.M)

    def test(self, parent, block):
        return self.remainders.first(block, "hash", self.headings) is not None

    def headings(self, text):
        return [m.start() for m in self.LINE.finditer(text) if self.RE.match(text, max(m.start() - 1, 0))]


class HRProcessor(Adopting, blockprocessors.HRProcessor):
    def test(self, parent, block):
        start = self.remainders.first(block, "hr", self.rules)
        if start is None:
            return False
        self.match = self.SEARCH_RE.match(block, start)
        return self.match is not None

    def rules(self, text):
        return [m.start() for m in self.SEARCH_RE.finditer(text)]


class BlockQuoteProcessor(blockprocessors.BlockQuoteProcessor):
    LINE = re.compile(r"^[ ]{0,3}>", re.M)

    def test(self, parent, block):
        if too_deep(self.parser):
            return False
        return self.remainders.first(block, "quote", self.quoted) is not None

    def quoted(self, text):
        return [m.start() for m in self.LINE.finditer(text)]


class SetextHeaderProcessor(blockprocessors.SetextHeaderProcessor):
    """Takes the heading's two lines off the block without splitting the rest into lines."""

    def run(self, parent, blocks):
        block = blocks.pop(0)
        first_end = block.index("\n")
        second_end = block.find("\n", first_end + 1)
        underline = block[first_end + 1 : second_end if second_end >= 0 else len(block)]
        heading = blockprocessors.etree.SubElement(parent, "h1" if underline.startswith("=") else "h2")
        heading.text = block[:first_end].strip()
        if second_end >= 0:
            blocks.insert(0, block[second_end + 1 :])
            self.remainders.adopt(block, blocks)


class CodeBlockProcessor(Adopting, blockprocessors.CodeBlockProcessor):
    def detab(self, text, length=None):
        """Python-Markdown's detab, reading only the lines it takes."""
        length = self.tab_length if length is None else length
        taken = []
        for start, line in lines(text):
            if line.startswith(" " * length):
                taken.append(line[length:])
            elif not line.strip():
                taken.append("")
            else:
                return "\n".join(taken), text[start:]
        return "\n".join(taken), ""


class ReferenceProcessor(Adopting, blockprocessors.ReferenceProcessor):
    pass


class ListIndentProcessor(blockprocessors.ListIndentProcessor):
    def test(self, parent, block):
        return not too_deep(self.parser) and super().test(parent, block)


class OListProcessor(sane_lists.SaneOListProcessor):
    def test(self, parent, block):
        return not too_deep(self.parser) and super().test(parent, block)


class UListProcessor(sane_lists.SaneUListProcessor):
    def test(self, parent, block):
        return not too_deep(self.parser) and super().test(parent, block)


class TableProcessor(tables.TableProcessor):
    """Python-Markdown's test, on the first two lines; a one-column table also needs every other
    line to be a row, which is looked up in the block's lines that are not."""

    def test(self, parent, block):
        first_end = block.find("\n")
        if first_end < 0:
            return False
        second_end = block.find("\n", first_end + 1)
        if not super().test(parent, block if second_end < 0 else block[:second_end]):
            return False
        if len(self.separator) > 1 or second_end < 0:
            return True
        return self.remainders.first(block, "not a row", self.not_rows, second_end + 1) is None

    def not_rows(self, text):
        return [start for start, line in lines(text) if not self.is_row(line.strip(" "))]

    def is_row(self, row):
        return row.startswith("|") or self.RE_END_BORDER.search(row) is not None


def lines(text):
    """Each line of `text` with where it starts."""
    start = 0
    while start <= len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        yield start, text[start:end]
        start = end + 1


def register(md, table_config):
    """Put these processors in place of Python-Markdown's; returns what to reset for each text."""
    store = Remainders()
    parser = md.parser
    # Each processor reads the Remainders as `remainders`.
    for name, processor, priority in [
        ("indent", ListIndentProcessor(parser), 90),
        ("code", CodeBlockProcessor(parser), 80),
        ("table", TableProcessor(parser, table_config), 75),
        ("hashheader", HashHeaderProcessor(parser), 70),
        ("setextheader", SetextHeaderProcessor(parser), 60),
        ("hr", HRProcessor(parser), 50),
        ("olist", OListProcessor(parser), 40),
        ("ulist", UListProcessor(parser), 30),
        ("quote", BlockQuoteProcessor(parser), 20),
        ("reference", ReferenceProcessor(parser), 15),
    ]:
        processor.remainders = store
        parser.blockprocessors.register(processor, name, priority)
    return store
