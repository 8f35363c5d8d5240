"""The service worker's manifest (scripts/sw_hook.py): every file a reader's browser asks
for is listed with the hash of its bytes, and the build key changes exactly when a listed
file does.

What the pages ask for is found here independently of the hook: the src/href of every
built page and the imports of every script module, resolved as the browser resolves them;
the Pyodide runtime from what loadPyodide fetches and the lock's wheel.
"""

import hashlib
import json
import re
import shutil
import urllib.parse

import pytest
from paths import SITE

from scripts import sw_hook

PAGES = sorted(p for p in SITE.rglob("*.html")
               if not p.relative_to(SITE).as_posix().startswith(("assets/", "vendor/")))
ATTRIBUTE = re.compile(r'\b(?:src|href)="([^"#?]*)')
IMPORT = re.compile(r"""(?:\bfrom\s*|\bimport\s*\(\s*|new URL\(\s*)["'](\.{1,2}/[^"']+)["']""")


@pytest.fixture(scope="module")
def worker():
    """The BUILD object written on the first line of the published sw.js."""
    first = (SITE / "sw.js").read_text().split("\n", 1)[0]
    match = re.fullmatch(r"const BUILD = (.*);", first)
    assert match, f"sw.js does not begin with its manifest: {first[:80]}"
    return json.loads(match.group(1))


def site_path(url, base):
    """The file of the site a URL in base (a site path) points at, or None if outside."""
    if re.match(r"[a-z]+:", url) or url.startswith("//"):
        return None
    path = urllib.parse.urljoin("/" + base, urllib.parse.unquote(url)).lstrip("/")
    path = re.sub(r"(^|/)\./", r"\1", path)
    return path + "index.html" if path == "" or path.endswith("/") else path


def listed(worker):
    return {**worker["precache"], **worker["runtime"]}


def test_every_page_and_everything_the_pages_load_is_listed(worker):
    wanted = {p.relative_to(SITE).as_posix() for p in PAGES}
    for page in PAGES:
        base = page.relative_to(SITE).as_posix()
        for url in ATTRIBUTE.findall(page.read_text()):
            path = site_path(url, base)
            if path and (SITE / path).is_file():
                wanted.add(path)
            elif path and (SITE / path / "index.html").is_file():
                wanted.add(path + "/index.html")
    for script in (SITE / "assets" / "js").glob("*.js"):
        base = script.relative_to(SITE).as_posix()
        for url in IMPORT.findall(script.read_text()):
            if not url.endswith("/"):  # a folder is Pyodide's indexURL, not a file
                wanted.add(site_path(url, base))
    # fetched by Material's own scripts: the search index, the sitemap (instant navigation)
    wanted |= {"search/search_index.json", "sitemap.xml", "404.html"}
    missing = sorted(wanted - set(listed(worker)))
    assert not missing, f"not in the service worker's manifest: {missing}"
    assert len(wanted) > 50  # the pages, their styles and scripts, figures, vendored code


def test_the_python_runtime_and_the_wheel_are_cached_once_python_starts(worker):
    lock = json.loads((SITE / "vendor/pyodide/pyodide-lock.json").read_text())
    wheel = lock["packages"]["lesson-code"]["file_name"]
    runtime = {f"vendor/pyodide/{name}" for name in (
        "pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip",
        "pyodide-lock.json", wheel, "lesson-code.snapshot.gz", "sizes.json")}
    assert runtime <= set(worker["runtime"])
    assert not runtime & set(worker["precache"])  # 13 MB only for readers who run Python


def test_every_hash_is_the_hash_of_the_published_file(worker):
    for path, digest in listed(worker).items():
        assert hashlib.sha256((SITE / path).read_bytes()).hexdigest() == digest, path


def test_the_worker_lists_neither_itself_nor_what_no_reader_fetches(worker):
    assert "sw.js" not in listed(worker)
    assert not [p for p in listed(worker) if p.endswith(".map")]
    # a gzip copy of another file is not fetched; Python's snapshot (no plain twin) is
    assert "sitemap.xml.gz" not in listed(worker)
    assert not [p for p in listed(worker) if p.endswith(".gz") and (SITE / p[:-3]).exists()]
    assert not (SITE / "assets/js/sw.js").exists()  # the template is published as sw.js only


def small_site(root):
    (root / "a").mkdir(parents=True)
    (root / "index.html").write_text("<p>home</p>")
    (root / "a" / "index.html").write_text("<p>a</p>")
    (root / "vendor" / "pyodide").mkdir(parents=True)
    (root / "vendor" / "pyodide" / "pyodide.asm.wasm").write_bytes(b"\0asm")
    (root / "app.js.map").write_text("{}")
    (root / "sw.js").write_text("old worker")
    return root


def key(root):
    return sw_hook.manifest(root)["key"]


@pytest.mark.parametrize("change", [
    lambda root: (root / "a" / "index.html").write_text("<p>a, again</p>"),
    lambda root: (root / "vendor" / "pyodide" / "pyodide.asm.wasm").write_bytes(b"\0asm2"),
    lambda root: (root / "b.css").write_text("p {}"),
    lambda root: (root / "a" / "index.html").unlink(),
    lambda root: (root / "a" / "index.html").rename(root / "a" / "other.html"),
], ids=["page", "runtime", "added", "removed", "renamed"])
def test_the_key_changes_when_a_listed_file_changes(tmp_path, change):
    root = small_site(tmp_path / "site")
    before = key(root)
    change(root)
    assert key(root) != before


@pytest.mark.parametrize("change", [
    lambda root: (root / "app.js.map").write_text('{"version": 3}'),
    lambda root: (root / "sw.js").write_text("new worker"),
    lambda root: (root / "index.html").write_text("<p>home</p>"),  # same bytes rewritten
], ids=["source map", "the worker", "rewritten"])
def test_the_key_stays_when_nothing_listed_changes(tmp_path, change):
    root = small_site(tmp_path / "site")
    before = key(root)
    change(root)
    assert key(root) == before


def test_the_key_depends_on_contents_not_on_where_the_site_is(tmp_path):
    root = small_site(tmp_path / "site")
    shutil.copytree(root, tmp_path / "copy")
    assert key(root) == key(tmp_path / "copy")


def test_write_worker_puts_the_manifest_above_the_template(tmp_path):
    root = small_site(tmp_path / "site")
    template = tmp_path / "sw.js"
    template.write_text("self.addEventListener('fetch', () => {});\n")
    build = sw_hook.write_worker(root, template)
    first, rest = (root / "sw.js").read_text().split("\n", 1)
    assert json.loads(first.removeprefix("const BUILD = ").removesuffix(";")) == build
    assert rest == template.read_text()
    assert set(build["precache"]) == {"index.html", "a/index.html"}
    assert set(build["runtime"]) == {"vendor/pyodide/pyodide.asm.wasm"}
