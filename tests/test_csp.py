"""The Content Security Policy (scripts/csp_hook.py): in every built page, first in <head>,
one policy for the whole site that allows exactly the inline scripts the build wrote.

The hashes are recomputed here with regular expressions and hashlib, not with the hook's
HTML parser, so a parser that missed a script would show up as a missing hash.
"""

import base64
import hashlib
import re

import pytest
from mkdocs.exceptions import PluginError
from paths import SITE

from scripts import csp_hook

PAGES = sorted(p for p in SITE.rglob("*.html")
               if not p.relative_to(SITE).as_posix().startswith(("assets/", "vendor/")))
META = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">')
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)([^>]*)>(.*?)</script>", re.S)
STYLE = re.compile(r"<style\b[^>]*>(.*?)</style>", re.S)


def digest(text):
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def directives(policy):
    return {part.split()[0]: part.split()[1:] for part in policy.split("; ")}


def without_code(text):
    """The page with script and style bodies and <pre> blocks blanked (they may show
    `onclick=` as text)."""
    for pattern in (INLINE_SCRIPT, STYLE, re.compile(r"<pre\b.*?</pre>", re.S)):
        text = pattern.sub("", text)
    return text


def test_the_built_site_has_pages_to_check():
    names = {p.relative_to(SITE).as_posix() for p in PAGES}
    assert {"index.html", "404.html", "optimizers/lab/index.html"} <= names, names


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.relative_to(SITE).as_posix())
def test_every_page_carries_the_policy_before_any_script(path):
    text = path.read_text()
    assert len(META.findall(text)) == 1
    head = text[text.index("<head>"):text.index("</head>")]
    assert head.index("Content-Security-Policy") < head.index("<script")
    assert "ravine-csp-placeholder" not in text


def test_one_policy_for_the_whole_site_and_it_is_strict():
    """One policy everywhere (instant navigation keeps the first page's policy in force);
    its fixed directives as issue 12 asks; nothing runs unless it is a file of the site or
    its hash is listed."""
    policies = {META.search(p.read_text()).group(1) for p in PAGES}
    assert len(policies) == 1, policies
    d = directives(policies.pop())
    assert d["default-src"] == ["'self'"]
    assert d["object-src"] == ["'none'"]
    assert d["base-uri"] == d["form-action"] == ["'self'"]
    assert d["connect-src"] == d["worker-src"] == ["'self'"]
    assert d["img-src"] == ["'self'", "data:"]
    assert d["script-src"][0] == "'self'"
    assert all(s.startswith("'sha256-") for s in d["script-src"][1:])
    # the cells' editor, CodeMirror, needs inline styles (see csp_hook.py)
    assert d["style-src"] == ["'self'", "'unsafe-inline'"]
    loose = {"'unsafe-eval'", "'wasm-unsafe-eval'", "'unsafe-hashes'", "*", "http:", "https:",
             "blob:"}
    for name, sources in d.items():
        inline = {"'unsafe-inline'"} if name != "style-src" else set()
        assert not (loose | inline) & set(sources), (name, sources)


def test_the_policy_lists_exactly_the_inline_scripts_of_the_site():
    scripts = set()
    for path in PAGES:
        for attrs, body in INLINE_SCRIPT.findall(path.read_text()):
            kind = re.search(r'type="([^"]*)"', attrs)
            if kind is None or kind.group(1) in ("module", "importmap"):
                scripts.add(digest(body))
    d = directives(META.search(PAGES[0].read_text()).group(1))
    assert set(d["script-src"][1:]) == scripts
    assert len(scripts) >= 4  # Material's inline scripts and an import map, at least


def test_no_page_has_an_inline_event_handler_or_a_javascript_url():
    for path in PAGES:
        text = without_code(path.read_text())
        assert not re.search(r"<[a-z][^>]*\son[a-z]+=", text, re.I), path
        assert not re.search(r"""(?:href|src|action)=["']?\s*javascript:""", text, re.I), path


PAGE = """<!doctype html>
<html><head>
  <meta charset="utf-8"><script type="importmap">{"imports": {}}</script>
  <style>p { color: red }</style><script id="__config" type="application/json">{}</script>
</head><body><p style="text-align: right;">x</p><script>\r\nvar a = 1;\r\n</script>
<script src="a.js"></script></body></html>"""


def test_the_hook_puts_the_meta_right_after_the_charset_and_hashes_what_runs(tmp_path):
    policy = csp_hook.Policy()
    page = tmp_path / "index.html"
    page.write_text(policy.add(PAGE, "index.md", page))
    policy.write()
    text = page.read_text()
    assert re.search(r'<meta charset="utf-8"><meta http-equiv="Content-Security-Policy" '
                     r'content="[^"]+"><script type="importmap">', text)
    d = directives(META.search(text).group(1))
    # the import map and the classic script (as the browser reads it: CRLF becomes LF);
    # not the JSON data block, not the external script
    assert set(d["script-src"][1:]) == {digest('{"imports": {}}'),
                                        digest("\nvar a = 1;\n")}


@pytest.mark.parametrize("bad", ['<button onclick="go()">go</button>',
                                 '<a href=" JavaScript:go()">go</a>'])
def test_code_no_hash_can_allow_fails_the_build_with_the_page(tmp_path, bad):
    with pytest.raises(PluginError, match=r"^optimizers/x\.md: .* Content Security Policy"):
        csp_hook.Policy().add(PAGE.replace("<p ", bad + "<p "), "optimizers/x.md",
                              tmp_path / "x.html")


def test_a_page_written_twice_or_changed_on_the_way_fails_the_build(tmp_path):
    policy = csp_hook.Policy()
    page = tmp_path / "index.html"
    page.write_text(policy.add(PAGE, "index.md", page).replace(csp_hook.PLACEHOLDER, ""))
    with pytest.raises(PluginError, match="placeholder"):
        policy.write()
