"""The built site fetches nothing from another origin (links a reader clicks are fine)."""

import html.parser
import re

from paths import SITE

FETCHING_LINK_RELS = {"stylesheet", "preload", "modulepreload", "prefetch", "icon",
                      "manifest", "apple-touch-icon", "preconnect", "dns-prefetch"}
FETCHING_ATTRS = {"src", "srcset", "poster", "data", "background"}
EXTERNAL = re.compile(r"^(?:https?:)?//", re.I)
CSS_URL = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"])((?:https?:)?//[^'")\s]+)""", re.I)
JS_IMPORT = re.compile(
    r"""(?:\bimport\s*(?:[\w{}\s,*]+\s*from\s*)?|\bimport\(\s*|importScripts\(\s*)['"]((?:https?:)?//[^'"]+)""")


class Fetches(html.parser.HTMLParser):
    """Collects every URL an HTML page makes the browser fetch by itself."""

    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        rels = set((attrs.get("rel") or "").lower().split())
        if tag == "link" and rels & FETCHING_LINK_RELS:
            self.urls.append(attrs.get("href") or "")
        self.urls += [v for k, v in attrs.items() if k in FETCHING_ATTRS and v]
        if tag == "style" or "style" in attrs:
            self.urls += CSS_URL.findall(attrs.get("style") or "")

    def handle_data(self, data):
        self.urls += CSS_URL.findall(data) + JS_IMPORT.findall(data)


def external(urls):
    return sorted({u for u in urls for part in u.split(",") if EXTERNAL.match(part.strip())})


def built_files(*suffixes):
    files = [p for p in SITE.rglob("*") if p.suffix in suffixes]
    assert files, f"no {suffixes} files in {SITE}: build the site first"
    return files


def test_html_fetches_nothing_outside_the_site():
    found = {}
    for page in built_files(".html"):
        parser = Fetches()
        parser.feed(page.read_text(errors="replace"))
        if bad := external(parser.urls):
            found[str(page.relative_to(SITE))] = bad
    assert not found, found


def test_css_fetches_nothing_outside_the_site():
    found = {str(p.relative_to(SITE)): bad for p in built_files(".css")
             if (bad := external(CSS_URL.findall(p.read_text(errors="replace"))))}
    assert not found, found


def test_javascript_imports_nothing_outside_the_site():
    found = {str(p.relative_to(SITE)): bad for p in built_files(".js", ".mjs")
             if (bad := external(JS_IMPORT.findall(p.read_text(errors="replace"))))}
    assert not found, found


def test_the_scanner_catches_what_it_is_for():
    """The checks above would see a CDN script, a web font and a remote import."""
    parser = Fetches()
    parser.feed('<script src="https://cdn.example/x.js"></script>'
                '<link rel="stylesheet" href="//fonts.example/css">'
                '<a href="https://example.org/read-more">a link to click</a>')
    assert external(parser.urls) == ["//fonts.example/css", "https://cdn.example/x.js"]
    assert external(CSS_URL.findall("@font-face{src:url(https://f.example/a.woff2)}"))
    assert external(JS_IMPORT.findall('import {x} from "https://esm.example/m.js";'))
