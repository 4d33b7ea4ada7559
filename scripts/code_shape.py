"""Fail when a function or a class of the project's code grows past its size limit.

Limits (ARCHITECTURE.md): a function at most 60 lines, a class at most 150
(models, which are declarations, aside). Complexity is ruff's job (C901).
Usage: python scripts/code_shape.py [folder ...]; exits 1 and lists what is over.
"""

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = ["articles", "sitepages", "editorial", "pagecache", "site_config", "scripts", "bench", "tests"]
MAX_FUNCTION = 60
MAX_CLASS = 150
MODEL_BASES = {"Model", "ArticleRow"}


def is_model(node):
    names = {base.attr if isinstance(base, ast.Attribute) else getattr(base, "id", "") for base in node.bases}
    return bool(names & MODEL_BASES)


def oversized(path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    where = path.relative_to(ROOT)
    for node in ast.walk(tree):
        length = (node.end_lineno or node.lineno) - node.lineno + 1 if hasattr(node, "lineno") else 0
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and length > MAX_FUNCTION:
            yield f"{where}:{node.lineno}: function {node.name} has {length} lines (at most {MAX_FUNCTION})"
        elif isinstance(node, ast.ClassDef) and length > MAX_CLASS and not is_model(node):
            yield f"{where}:{node.lineno}: class {node.name} has {length} lines (at most {MAX_CLASS})"


def main(folders):
    found = [
        problem
        for folder in folders
        for path in sorted((ROOT / folder).rglob("*.py"))
        if "migrations" not in path.parts and "node_modules" not in path.parts
        for problem in oversized(path)
    ]
    for problem in found:
        print(problem)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or FOLDERS))
