"""MkDocs hook: the service worker that keeps the course readable offline (listed last
under `hooks:` in mkdocs.yml, after csp_hook, so its on_post_build sees the final bytes of
every page, the Content Security Policy included).

It writes `sw.js` at the site's root (a worker's scope cannot reach above its own folder,
and GitHub Pages sends no Service-Worker-Allowed header): the text of
docs/assets/js/sw.js, below one generated first line,

    const BUILD = {"key": ..., "precache": {path: sha256}, "runtime": {path: sha256}};

`precache` is every file the reader's browser may ask for, fetched when the worker
installs; `runtime` is the Pyodide runtime and the lesson_code wheel (13 MB), cached once
Python has started. The key is a hash of both lists (paths and contents): it names the
worker's cache, so a new build installs into a new cache and never mixes with the old.

    python scripts/sw_hook.py build/site   # rewrite build/site/sw.js from its files
"""

from __future__ import annotations

import hashlib
import json
import pathlib
import sys

WORKER = "sw.js"
TEMPLATE = "assets/js/sw.js"  # under docs/; published only as the generated sw.js
RUNTIME = ("vendor/pyodide/",)
# Never fetched by a reader's browser: source maps (devtools only), gzip copies of another
# file (sitemap.xml.gz; a .gz without its plain twin, such as Python's memory snapshot, is
# fetched and cached), and lunr's word segmenters for languages other than the English.
SKIP_SUFFIXES = (".map",)
SKIP_DIRS = ("assets/javascripts/lunr/",)


def sha256(path: pathlib.Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def cached(path: str) -> bool:
    """Whether a file of the built site (a path relative to its root) belongs in the cache."""
    return path != WORKER and not path.endswith(SKIP_SUFFIXES) and \
        not path.startswith(SKIP_DIRS)


def build_key(files: dict[str, str]) -> str:
    """A hash of (path, content hash) pairs: changes when any listed file does."""
    text = "".join(f"{path}\0{digest}\n" for path, digest in sorted(files.items()))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def manifest(site_dir: str | pathlib.Path) -> dict:
    """{"key", "precache", "runtime"} for the built site in site_dir."""
    root = pathlib.Path(site_dir)
    files = {p.relative_to(root).as_posix(): p for p in root.rglob("*") if p.is_file()}
    listed = {path: sha256(p) for path, p in sorted(files.items())
              if cached(path) and not (path.endswith(".gz") and path[:-3] in files)}
    runtime = {path: h for path, h in listed.items() if path.startswith(RUNTIME)}
    precache = {path: h for path, h in listed.items() if path not in runtime}
    return {"key": build_key(listed), "precache": precache, "runtime": runtime}


def worker_source(build: dict, template: str) -> str:
    return f"const BUILD = {json.dumps(build, sort_keys=True)};\n{template}"


def write_worker(site_dir: str | pathlib.Path, template: str | pathlib.Path) -> dict:
    """Writes site_dir/sw.js for the files now in site_dir; returns its manifest."""
    build = manifest(site_dir)
    text = worker_source(build, pathlib.Path(template).read_text(encoding="utf-8"))
    (pathlib.Path(site_dir) / WORKER).write_text(text, encoding="utf-8")
    return build


def on_files(files, config):
    template = files.get_file_from_path(TEMPLATE)
    if template is not None:
        files.remove(template)  # the bare template is no worker: only sw.js is published
    return files


def on_post_build(config):
    write_worker(config.site_dir, pathlib.Path(config.docs_dir) / TEMPLATE)


if __name__ == "__main__":
    site = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "build/site")
    docs = pathlib.Path(__file__).resolve().parent.parent / "docs"
    print(f"{site / WORKER}: build {write_worker(site, docs / TEMPLATE)['key']}")
