"""How long the Markdown renderer takes on hostile text, against prose of the same size.

Each input below is rendered at the size limit of a Markdown field
(articles.rendering.MAX_MARKDOWN_CHARS) and at a quarter of it. Printed: the time at the
limit, the ratio to the first article's body repeated to the same size (target: within 3x),
and the growth from a quarter of the limit to the whole (linear work: about 4; the square
of the size: about 16).

Two groups: malformed text (unclosed brackets, tags and code, runs of markup characters,
deep nesting: what used to cost the square of its length), and well-formed Markdown packed
with one element every few characters (whose cost is Python-Markdown's, element by
element, and linear).

Usage: python bench/markdown_render.py [--repeat 3]   (make bench runs it first; about ten seconds)
"""

import argparse
import gc
import json
import os
import sys
import time
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent
TARGET = 3.0


def repeat(unit):
    return lambda size: (unit * (size // len(unit) + 1))[:size]


def lines(line):
    """Lines made by line(i), i = 0, 1, 2..., up to `size` characters."""

    def make(size):
        out, total, index = [], 0, 0
        while total < size:
            out.append(line(index))
            total += len(out[-1])
            index += 1
        return "".join(out)[:size]

    return make


def nested(opening, closing):
    return lambda size: repeat(opening)(size // 2) + repeat(closing)(size - size // 2)


MALFORMED = {
    "unclosed citations [^1": repeat("[^1"),
    "unclosed [": repeat("["),
    "unclosed [[": repeat("[["),
    "unclosed ![": repeat("!["),
    "unclosed [^": repeat("[^"),
    "links without address [a](": repeat("[a]("),
    "empty links [](": repeat("[]("),
    "references without end [a][": repeat("[a]["),
    "images without address ![a](": repeat("![a]("),
    "addresses in <, unclosed [a](<": repeat("[a](<"),
    'titles unclosed [a](b "': repeat('[a](b "'),
    "nested brackets [[[a]]]": nested("[", "]"),
    "nested links [[[a](b)](b)](b)": nested("[", "](b)"),
    "run of *": repeat("*"),
    "run of _": repeat("_"),
    "emphasis never closed *a": repeat("*a "),
    "run of `": repeat("`"),
    "run of <": repeat("<"),
    "tags never closed <a": repeat("<a "),
    "attributes never closed <a href='": repeat("<a href='"),
    "comments never closed <!--": repeat("<!--"),
    "CDATA never closed <![CDATA[": repeat("<![CDATA["),
    "instructions never closed <?": repeat("<?"),
    "end tags never closed </a": repeat("</a"),
    "nested tags <div>": repeat("<div>"),
    "nested lists in HTML <ul><li>": repeat("<ul><li>"),
    "nested quotes in HTML <blockquote>": repeat("<blockquote>"),
    "run of &": repeat("&"),
    "entities never closed &a": repeat("&a"),
    "runs of < before a >": lambda size: repeat("<")(size - 1) + ">",
    "spaced < before a >": lambda size: repeat("< ")(size - 1) + ">",
    "entities never closed &#": repeat("&#"),
    "run of |": repeat("|"),
    "run of > (quote in quote)": repeat(">"),
    "quotes ever deeper > >> >>>": lines(lambda i: ">" * (i % 300) + " a\n"),
    "lists ever deeper (spaces)": lines(lambda i: " " * (i % 300) + "- a\n"),
    "lists ever deeper (tabs)": lines(lambda i: "\t" * (i % 100) + "- a\n"),
    "numbered lists ever deeper": lines(lambda i: "    " * (i % 60) + "1. a\n"),
}

DENSE = {
    "headings # a": repeat("# a\n"),
    "underlined headings a / =": repeat("a\n=\n"),
    "rules ---": repeat("---\n"),
    "rules ***": repeat("***\n"),
    "headings in a list item": lambda size: "- a\n" + repeat("# h\n")(size - 4),
    "table rows": lambda size: "| a | b |\n|---|---|\n" + repeat("| x | y |\n")(size - 20),
    "one-column table rows |": repeat("|\n"),
    "fenced code blocks": repeat("```\na\n```\n"),
    "fences ```": repeat("```\n"),
    "references between lines": repeat("[a]: b\nx\n"),
    "code lines between headings": repeat("    a\n# h\n"),
    "citations [^1]": repeat("[^1] "),
    "citations [^key]": repeat("[^smith2020] "),
    "citations of many keys": lambda size: "".join(f"[^k{n}] " for n in range(size // 8))[:size],
    "links [a](b)": repeat("[a](b) "),
    "code spans `a`": repeat("`a` "),
    "code spans `a`a`a": repeat("`a"),
    "emphasis *a*": repeat("*a* "),
    "inline HTML <b>x</b>": repeat("<b>x</b> "),
    "escapes \\\\": repeat("\\"),
    "emphasis from delimiters **_": repeat("**_"),
    "nested emphasis *a *a ... a* a*": nested("*a ", "a*"),
    "nested strong emphasis ***a": nested("***a ", "a***"),
    "inline tags <b></p>": repeat("<b></p>"),
}

CORPUS = {**MALFORMED, **DENSE}


def prose(size):
    """The first article's body, repeated to `size` characters: what an article reads like."""
    fixture = json.loads((BASE / "articles" / "fixtures" / "initial_article.json").read_text())
    body = next(item["fields"]["body"] for item in fixture if item["model"] == "articles.article")
    return repeat(body + "\n\n")(size)


def timed(render, text, times):
    """The shortest of `times` renderings of `text`, in milliseconds."""
    best = float("inf")
    for _ in range(times):
        gc.collect()
        started = time.perf_counter()
        render(text)
        best = min(best, time.perf_counter() - started)
    return best * 1000


def measure(render, size, times):
    """Each input's time at `size`, ratio to prose and growth from size / 4 (the slow dense inputs once)."""
    baseline = timed(render, prose(size), times + 2)
    rows = {}
    for group, corpus, repeats in (("malformed", MALFORMED, times), ("dense", DENSE, 1)):
        for name, make in corpus.items():
            full = timed(render, make(size), repeats)
            quarter = timed(render, make(size // 4), repeats)
            rows[name] = {"group": group, "ms": full, "ratio": full / baseline, "growth": full / quarter}
    return baseline, rows


def report(size, baseline, rows):
    print(f"\nMarkdown rendering at {size:,} characters (the size limit); prose: {baseline:.1f} ms")
    print(f"{'':44} {'ms':>8} {'x prose':>8} {'growth x4 size':>15}")
    for group, title in (("malformed", "Malformed text"), ("dense", "Dense well-formed Markdown")):
        print(title)
        for name, row in rows.items():
            if row["group"] == group:
                print(f"  {name:42} {row['ms']:8.1f} {row['ratio']:8.1f} {row['growth']:15.1f}")
    for group, title in (("malformed", "malformed text"), ("dense", "dense Markdown")):
        name, row = max(((n, r) for n, r in rows.items() if r["group"] == group), key=lambda item: item[1]["ratio"])
        verdict = "met" if row["ratio"] <= TARGET else "NOT MET"
        print(
            f"worst {title}: {name}, {row['ms']:.1f} ms, {row['ratio']:.1f}x prose "
            f"(target {TARGET:g}x: {verdict}), growth x{row['growth']:.1f} for 4x the size"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3, help="renderings of each malformed input; the fastest counts")
    args = parser.parse_args()
    sys.path.insert(0, str(BASE))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_config.settings.test")
    import django

    django.setup()
    from articles import rendering

    size = rendering.MAX_MARKDOWN_CHARS
    baseline, rows = measure(rendering.render, size, args.repeat)
    report(size, baseline, rows)


if __name__ == "__main__":
    main()
