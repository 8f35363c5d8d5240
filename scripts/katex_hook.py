"""MkDocs hook: typesets every formula when the site builds, with the npm package
KaTeX, so pages ship KaTeX's CSS and fonts but not its script, and nothing moves
while a page loads.

Formulas are what pymdownx.arithmatex (generic mode) leaves in a page,
`<span class="arithmatex">\\(…\\)</span>` and `<div class="arithmatex">\\[…\\]</div>`,
and, on notebook pages (mkdocs-jupyter), `$…$` and `$$…$$` in Markdown cells. One
Node process (scripts/katex_render.mjs) serves the whole build; a formula KaTeX
cannot parse fails the build with the page and the formula.

Each page's head preloads the KaTeX fonts its math uses. They are font-display: block,
and the browser finds out which it needs only once it has laid the page out: a font that
arrived after the first paint changed the size of the math drawn without it, and the text
around it moved. Asked for from the head, they come with the styles. Only the fonts a page
uses (each costs a download on a phone); which class uses which font is katex.min.css's.

Listed in mkdocs.yml after every hook that writes content (lesson_hook.py's widgets
hold math too) and before csp_hook.py.
"""

import atexit
import html
import json
import pathlib
import re
import subprocess

from mkdocs.exceptions import PluginError
from mkdocs.utils import get_relative_url

ROOT = pathlib.Path(__file__).resolve().parent.parent
RENDERER = ROOT / "scripts" / "katex_render.mjs"

ARITHMATEX = re.compile(
    r'<(?P<tag>span|div) class="arithmatex">(?P<tex>.*?)</(?P=tag)>', re.S)
# $$…$$ (display) or $…$ (inline, not touching a space inside its ends), in text
DOLLARS = re.compile(r"\$\$(?P<display>.+?)\$\$|(?<![\\$])\$(?P<inline>[^\s$](?:[^$]*?[^\s\\$])?)\$(?!\d)",
                     re.S)
# where a notebook page's text must be left alone
RAW = re.compile(r"<(pre|code|script|style|textarea)\b.*?</\1>", re.S | re.I)
# KaTeX's fonts, each with the classes of KaTeX's HTML drawn in it (katex.min.css)
FONTS = {
    "Main-Regular": ['class="katex"'],
    "Math-Italic": ["mathnormal"],
    "Main-Italic": ["mathit", "textit"],
    "Main-Bold": ["mathbf", "textbf"],
    "Math-BoldItalic": ["boldsymbol"],
    "AMS-Regular": ["amsrm", "mathbb", "textbb"],
    "Caligraphic-Regular": ["mathcal"],
    "Fraktur-Regular": ["mathfrak", "textfrak"],
    "SansSerif-Regular": ["mathsf", "textsf"],
    "Typewriter-Regular": ["mathtt", "texttt"],
    "Script-Regular": ["mathscr", "textscr"],
    "Size1-Regular": ["delimsizing size1", "small-op"],
    "Size2-Regular": ["delimsizing size2", "large-op"],
    "Size3-Regular": ["delimsizing size3"],
    "Size4-Regular": ["delimsizing size4", "delimsizing mult"],
}


class Katex:
    """One Node process that renders TeX, with a cache; started on first use."""

    def __init__(self):
        self.process = None
        self.cache = {}

    def render(self, tex, display, where):
        key = (tex, display)
        if key not in self.cache:
            if self.process is None:
                self.process = subprocess.Popen(
                    ["node", str(RENDERER)], cwd=ROOT, stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE, text=True, encoding="utf-8")
                atexit.register(self.close)
            self.process.stdin.write(json.dumps({"tex": tex, "display": display}) + "\n")
            self.process.stdin.flush()
            reply = json.loads(self.process.stdout.readline() or '{"error": "KaTeX stopped"}')
            if "error" in reply:
                raise PluginError(f"{where}: cannot typeset {tex!r}: {reply['error']}")
            self.cache[key] = reply["html"]
        return self.cache[key]

    def close(self):
        if self.process is not None:
            self.process.stdin.close()
            self.process.wait(timeout=30)
            self.process = None


KATEX = Katex()


def typeset_arithmatex(text, where):
    """text with arithmatex's formulas replaced by KaTeX's HTML (display math stays in
    its div, so the page's styles for it still apply)."""
    def one(m):
        tex = html.unescape(m["tex"]).strip()
        display = tex.startswith("\\[")
        if not (tex[:2] in ("\\(", "\\[") and tex[-2:] in ("\\)", "\\]")):
            raise PluginError(f"{where}: unexpected math {tex!r}")
        rendered = KATEX.render(tex[2:-2], display, where)
        return f'<{m["tag"]} class="arithmatex">{rendered}</{m["tag"]}>'
    return ARITHMATEX.sub(one, text)


def typeset_dollars(text, where):
    """text with $…$ and $$…$$ in its text (outside tags and pre/code/script/style)
    typeset: the Markdown cells of a notebook page."""
    out, pos = [], 0
    for raw in RAW.finditer(text):
        out += [_dollars_in_text(text[pos:raw.start()], where), raw.group(0)]
        pos = raw.end()
    out.append(_dollars_in_text(text[pos:], where))
    return "".join(out)


def _dollars_in_text(chunk, where):
    parts = re.split(r"(<[^>]*>)", chunk)
    for i in range(0, len(parts), 2):
        def one(m):
            display = m["display"] is not None
            tex = html.unescape(m["display"] if display else m["inline"])
            return KATEX.render(tex, display, where)
        parts[i] = DOLLARS.sub(one, parts[i])
    return "".join(parts)


def on_page_content(html_text, page, config, files):
    return typeset_arithmatex(html_text, page.file.src_uri)


def on_post_page(output, page, config):
    if page.file.src_uri.endswith((".py", ".ipynb")):
        head, sep, body = output.partition("<article")
        output = head + sep + typeset_dollars(body, page.file.src_uri)
    return preload_fonts(output, page.url)


def preload_fonts(output, page_url):
    """output with a preload in its head for each KaTeX font its math uses."""
    head, sep, body = output.partition("</head>")
    if not sep or 'class="katex"' not in body:
        return output
    links = "".join(
        f'<link rel="preload" href="{get_relative_url(f"vendor/katex/fonts/KaTeX_{font}.woff2", page_url)}"'
        ' as="font" type="font/woff2" crossorigin>'
        for font, marks in FONTS.items() if any(mark in body for mark in marks))
    return head + links + sep + body


def on_post_build(config):
    KATEX.close()
