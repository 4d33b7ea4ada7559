"""A Python-Markdown extension that holds rendering to linear work on any input.

It puts in the link processors of `markdown_links` and the block processors of
`markdown_blocks`, and adds two bounds of its own:

- Raw HTML. Python's HTML parser, which Python-Markdown runs over the whole text, reads
  each "<" that is never closed by a ">" to the end of the text, and each other "<" and "&"
  one at a time. A "<" with no ">" after it or followed by another "<", and an "&" that
  starts no entity, open nothing: they are swapped for stand-in characters before parsing
  and written out as "&lt;" and "&amp;" at the end, which is what Python-Markdown writes
  for them, in text, code and attributes alike. And the sanitizer's HTML parser pays for
  the depth of nested tags on every tag: past MAX_HTML_TAGS tags, raw HTML is shown as text.
- Nesting. Emphasis inside emphasis, as deep as the text asks, is a tree as deep, and
  Python-Markdown walks trees recursively. Past MAX_ELEMENT_DEPTH elements deep, the rest
  of a branch is kept as its text.
"""

import html
import re

from markdown.extensions import Extension
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

from . import markdown_blocks, markdown_links

MAX_HTML_TAGS = 500
MAX_ELEMENT_DEPTH = 48
# Stand-ins for a "<" and an "&" that open nothing; never in saved text (articles.fields strips
# control characters) and taken out of any other text first.
LT, AMP = "\x0e", "\x0f"
OPENS_NOTHING_AMP = re.compile(r"&(?!#[0-9]|#[xX][0-9a-fA-F]|[A-Za-z0-9]+;)")
OPENS_NOTHING_LT = re.compile(r"<(?=<)")  # the next "<" ends any tag this one could start
START_TAG_RE = re.compile(r"<[A-Za-z]")


def with_stand_ins(text):
    """`text` with a stand-in for each "<" followed by another or with no ">" after it, and each
    "&" that starts no entity."""
    text = text.replace(LT, "").replace(AMP, "")
    text = OPENS_NOTHING_LT.sub(LT, OPENS_NOTHING_AMP.sub(AMP, text))
    end = text.rfind(">") + 1
    return text[:end] + text[end:].replace("<", LT)


def written(text):
    """What the stand-ins stand for, as HTML."""
    return text.replace(LT, "&lt;").replace(AMP, "&amp;")


def as_typed(text):
    """What the stand-ins stand for, as text."""
    return text.replace(LT, "<").replace(AMP, "&")


class StandIns(Preprocessor):
    def run(self, lines):
        return with_stand_ins("\n".join(lines)).split("\n")


class StandInsWritten(Postprocessor):
    def run(self, text):
        return written(text)


class RawHtmlBound(Postprocessor):
    """Past MAX_HTML_TAGS tags, raw HTML is shown as text (before it goes back in the page)."""

    def run(self, text):
        stash, tags = self.md.htmlStash.rawHtmlBlocks, 0
        for index, raw in enumerate(stash):
            if isinstance(raw, str):
                tags += len(START_TAG_RE.findall(raw))
                if tags > MAX_HTML_TAGS:
                    stash[index] = html.escape(raw, quote=False)
        return text


class FlattenDeep(Treeprocessor):
    """Keeps as text what is nested deeper than MAX_ELEMENT_DEPTH (without recursion)."""

    def run(self, root):
        stack = [(root, 0)]
        while stack:
            element, depth = stack.pop()
            for child in element:
                if depth + 1 >= MAX_ELEMENT_DEPTH and len(child):
                    text = "".join(child.itertext())
                    tail = child.tail
                    child.clear()
                    child.text, child.tail = text, tail
                else:
                    stack.append((child, depth + 1))


class BoundsExtension(Extension):
    """The processors above and those of markdown_links and markdown_blocks, in place of Python-Markdown's.
    `table_config` is the tables extension's configuration (its processor is replaced too)."""

    def __init__(self, table_config):
        super().__init__()
        self.table_config = table_config
        self.parts = []

    def extendMarkdown(self, md):
        md.registerExtension(self)
        self.parts = [markdown_links.register(md), markdown_blocks.register(md, self.table_config)]
        md.preprocessors.register(StandIns(md), "stand_ins", 29)
        md.treeprocessors.register(FlattenDeep(md), "flatten_deep", 19)
        md.postprocessors.register(RawHtmlBound(md), "raw_html_bound", 35)
        md.postprocessors.register(StandInsWritten(md), "stand_ins_written", 5)

    def reset(self):
        for part in self.parts:
            part.reset()
