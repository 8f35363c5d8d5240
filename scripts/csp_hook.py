"""MkDocs hook: a Content Security Policy in every page (listed last under `hooks:` in
mkdocs.yml, so it sees the final HTML, the cells hook's import map included).

GitHub Pages sends no custom headers, so the policy is a <meta http-equiv> placed first in
<head>, before any script. Inline scripts run only by their sha256 hash: Material's, the
import map, the lab's notebook scripts.

Styles need 'unsafe-inline', for the editor of the in-page cells: CodeMirror 6 (style-mod)
writes its theme into a <style> element in <head>, its text generated in the browser from
the editor's extensions, so no hash exists at build time (and a nonce written into a static
page is public); and the browser's own editing of the contenteditable editor writes style
attributes (text with line breaks committed by an input method, as Playwright's
insert_text does). Scripts, where an injection would run code, stay strict.

One policy for the whole site, the union of every page's hashes. Material's instant
navigation swaps in the next page's content and re-runs its inline scripts under the
policy of the page the reader first opened (a policy, once read, stays for the life of
the document, and a new <meta> only adds another one), so each page must allow every
page's inline code. Pages are written with a placeholder; on_post_build fills it in.

The Python worker is a same-origin module script: `worker-src 'self'` lets the page start
it. A worker's own policy comes from its response headers (none on GitHub Pages), so the
page's policy does not reach Pyodide's WebAssembly: no 'wasm-unsafe-eval' is needed.

An inline event handler (onclick=...) or a javascript: URL cannot be allowed by a hash:
either fails the build.
"""

from __future__ import annotations

import base64
import hashlib
import html.parser
import pathlib
import re

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.pages import Page

PLACEHOLDER = "ravine-csp-placeholder"
META = f'<meta http-equiv="Content-Security-Policy" content="{PLACEHOLDER}">'
# <script> types the browser runs (and checks against script-src): classic, module and
# import maps. JSON data blocks (Material's __config) are not run.
RUN_TYPES = {"", "text/javascript", "application/javascript", "module", "importmap"}


def sha256(text: str) -> str:
    """A CSP hash source for text as the browser sees it (the parser turns CRLF into LF)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


class InlineCode(html.parser.HTMLParser):
    """The inline scripts of one HTML page, and anything no hash can allow (event handler
    attributes, javascript: URLs)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[str] = []
        self.forbidden: list[str] = []
        self._open: list[str] | None = None  # the text of the script being read

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name.startswith("on"):
                self.forbidden.append(f"<{tag} {name}=...>")
            elif name in ("href", "src", "action", "formaction") and \
                    re.match(r"\s*javascript:", value or "", re.I):
                self.forbidden.append(f"<{tag} {name}=\"javascript:...\">")
        values = dict(attrs)
        if tag == "script" and "src" not in values and \
                (values.get("type") or "").strip().lower() in RUN_TYPES:
            self._open = []

    def handle_data(self, data):
        if self._open is not None:
            self._open.append(data)

    def handle_endtag(self, tag):
        if self._open is not None and tag == "script":
            self.scripts.append("".join(self._open))
            self._open = None


class Policy:
    """The site's policy: fixed directives plus the hashes of every page's inline scripts."""

    FIXED = {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    }

    def __init__(self) -> None:
        self.scripts: set[str] = set()
        self.pages: list[pathlib.Path] = []

    def add(self, output: str, where: str, dest: str | pathlib.Path) -> str:
        """Collects the page's hashes; returns it with the policy's <meta> first in <head>."""
        found = InlineCode()
        found.feed(output)
        found.close()
        if found.forbidden:
            raise PluginError(
                f"{where}: {found.forbidden[0]} cannot run under the site's Content "
                "Security Policy; move the code into a script file under docs/assets/js/")
        self.scripts.update(sha256(text) for text in found.scripts)
        head = re.search(r"<head\b[^>]*>", output)
        if head is None:
            raise PluginError(f"{where}: no <head> to hold the Content Security Policy")
        charset = re.compile(r"\s*<meta charset=[^>]*>").match(output, head.end())
        at = charset.end() if charset else head.end()
        self.pages.append(pathlib.Path(dest))
        return output[:at] + META + output[at:]

    def text(self) -> str:
        sources = {name: list(values) for name, values in self.FIXED.items()}
        sources["script-src"] += sorted(self.scripts)
        return "; ".join(" ".join([name, *values]) for name, values in sources.items())

    def write(self) -> None:
        """Puts the finished policy into every page written with the placeholder."""
        policy = self.text()
        for path in self.pages:
            text = path.read_text(encoding="utf-8")
            if text.count(PLACEHOLDER) != 1:
                raise PluginError(f"{path}: the Content Security Policy placeholder is "
                                  "missing or repeated")
            path.write_text(text.replace(PLACEHOLDER, policy), encoding="utf-8")


_policy = Policy()


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    global _policy
    _policy = Policy()  # a fresh policy for every build (mkdocs serve rebuilds)
    return config


def on_post_page(output: str, /, *, page: Page, config: MkDocsConfig) -> str:
    return _policy.add(output, page.file.src_uri, page.file.abs_dest_path)


def on_post_template(output: str, /, *, template_name: str, config: MkDocsConfig) -> str:
    if not template_name.endswith(".html"):
        return output
    return _policy.add(output, template_name,
                       pathlib.Path(config.site_dir) / template_name)


def on_post_build(*, config: MkDocsConfig) -> None:
    _policy.write()
