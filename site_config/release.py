"""An identifier of the code being run, part of every cache key and ETag.

RELEASE from the environment (a commit id, say) wins; otherwise a digest of
the files that shape a page, so a deploy never serves pages cached by the old code.
"""

import hashlib
from pathlib import Path

SOURCES = ["templates", "static", "articles", "sitepages", "editorial", "pagecache", "site_config"]
SUFFIXES = {".py", ".html", ".css", ".js", ".svg", ".json"}


def digest(base_dir, static_root):
    hasher = hashlib.sha1(usedforsecurity=False)
    files = [p for name in SOURCES for p in (Path(base_dir) / name).rglob("*") if p.suffix in SUFFIXES]
    manifest = Path(static_root) / "staticfiles.json"
    if manifest.exists():
        files.append(manifest)
    for path in sorted(files):
        hasher.update(str(path.relative_to(base_dir) if path.is_relative_to(base_dir) else path).encode())
        hasher.update(path.read_bytes())
    return hasher.hexdigest()[:16]
