"""MkDocs hooks for Ravine (listed under `hooks:` in mkdocs.yml; MkDocs runs them).

- Everything under build/assets/ (the vendored runtime, the lesson_code wheel, the static
  figures) joins the site at the same relative path, without being written into docs/.
- Two costs Material's script puts on every page load, both whole-page restyles, are
  removed: its palette stylesheet loses its colour-switching rule (on_post_build), and
  each page's stylesheet links are made absolute while the head is read (on_post_page).
- A page with widgets tells a reader whose JavaScript is off what still works
  (on_post_page, after the search index has read the page).
"""

import os
import pathlib
import re

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

ROOT = pathlib.Path(__file__).resolve().parent.parent
ASSETS = ROOT / os.environ.get("RAVINE_BUILD", "build") / "assets"
REQUIRED = ["vendor/pyodide/pyodide.mjs", "vendor/pyodide/pyodide-lock.json",
            "vendor/katex/katex.min.css"]


def on_files(files, config):
    missing = [name for name in REQUIRED if not (ASSETS / name).is_file()]
    if missing:
        raise PluginError(
            f"build/assets is missing {', '.join(missing)}: run `make site` "
            "(or `make vendor figures`) before `mkdocs build`.")
    for path in sorted(p for p in ASSETS.rglob("*") if p.is_file()):
        uri = path.relative_to(ASSETS).as_posix()
        files.append(File.generated(config, uri, abs_src_path=str(path)))
    return files


# Material's palette script sets data-md-color-switching on <body> as every page loads and
# removes it a task later. Its one rule ("[data-md-color-switching] *" with ::before and
# ::after: no transitions while colours switch) makes each of those two changes restyle
# every element of the page: two whole-page style recalculations per page load, about
# 80 ms of the Momentum page's 500 ms of style work on this machine unthrottled, four
# times that on Lighthouse's phone (measured with a DevTools trace: issue 16's note).
# Without it, the colours Material transitions (links, buttons, the header: 125 or 250 ms)
# fade for up to a quarter of a second when the reader toggles light/dark, instead of
# snapping.
SWITCHING_RULE = re.compile(r"(^|[{}])[^{}]*\[data-md-color-switching\][^{}]*\{[^{}]*\}")


def without_switching_rule(css):
    """css without its rules that select on data-md-color-switching, and how many went."""
    return SWITCHING_RULE.subn(r"\1", css)


def on_post_build(config):
    sheets = sorted((pathlib.Path(config["site_dir"]) / "assets" / "stylesheets").glob("palette.*.css"))
    removed = 0
    for sheet in sheets:
        css, count = without_switching_rule(sheet.read_text(encoding="utf-8"))
        if count:
            sheet.write_text(css, encoding="utf-8")
        removed += count
    if not removed:
        raise PluginError(
            "Material's palette stylesheet has no [data-md-color-switching] rule any more: "
            "drop without_switching_rule from scripts/mkdocs_hooks.py (Material changed).")


# Material's instant navigation, as it starts, makes every relative href and src in the
# document absolute by assigning each to itself (integrations/instant: resolve). For a
# <link rel="stylesheet"> that is a new href: the browser loads the sheet again and swaps
# it in, which restyles every element of a page already parsed, and katex.min.css coming
# back re-creates its @font-face rules, so the KaTeX fonts load a second time and every
# element's font is resolved again. On the Momentum page that was one 170-200 ms style
# recalculation (unthrottled, of ~390 ms in all). Done here, in the head, right after the
# last stylesheet link, the same assignment costs nothing: the inline script waits for the
# sheets (as Material's own inline script after them already does), the body is not read
# yet, and instant navigation then finds the hrefs absolute and leaves them alone.
ABSOLUTE_SHEETS = ('<script>for (const link of document.querySelectorAll(\'link[rel="stylesheet"]\'))'
                   ' link.href = link.href;</script>')
SHEET_LINK = re.compile(r'<link\b[^>]*\brel="stylesheet"[^>]*>')


def with_absolute_sheets(html):
    """html with ABSOLUTE_SHEETS right after the last stylesheet link of its head."""
    head_end = html.find("</head>")
    links = list(SHEET_LINK.finditer(html, 0, head_end if head_end >= 0 else len(html)))
    if not links:
        return html
    at = links[-1].end()
    return html[:at] + ABSOLUTE_SHEETS + html[at:]


# A widget that needs JavaScript: its settings attribute, by the README's convention
# (`data-ravine-…`; the navigator's is `data-navigator`), as docs/assets/js/ravine.js
# finds it to mount it. So a new widget made as the README says has the notice too.
# (an attribute may have no value: an exercise's `data-ravine-exercise`)
WIDGETS = re.compile(r'\sdata-(?:ravine-[\w-]+|navigator)(?=[\s=>/])')
ARTICLE_TITLE = re.compile(r'<article\b[^>]*>.*?</h1>', re.S)


def _listed(parts):
    """'a', 'a and b', 'a, b and c'."""
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def noscript_notice(has, notebook):
    """What a page with widgets says to a reader without JavaScript (shown only then),
    naming only what the page has: has(attribute) tells whether the page holds a widget
    with that settings attribute."""
    races = has("data-navigator") or has("data-ravine-ratemap") or has("data-ravine-race")
    works = ["this page reads in full"]
    if has("data-navigator"):
        works.append("each navigator shows its race as it was computed when the site was built")
    if has("data-ravine-exercise"):
        works.append("the worked solutions open")
    needs = [part for part, here in (
        ("running a race", races), ("running a code cell", has("data-ravine-cell")),
        ("checking an answer", has("data-ravine-exercise") or has("data-ravine-predict")))
        if here]
    needed = (_listed(needs) + (" needs" if len(needs) == 1 else " need")) if needs \
        else "its interactive parts need"
    instead = (" To run its code without JavaScript, download the lesson as a notebook "
               "(the link under the title)." if notebook else "")
    return ('<noscript><div class="admonition warning ravine-noscript">'
            '<p class="admonition-title">JavaScript is off</p>'
            f"<p>Without it, {_listed(works)}. {needed[0].upper() + needed[1:]} JavaScript: "
            f"turn it on and reload the page.{instead}</p></div></noscript>")


def with_noscript_notice(html, notebook=False):
    """html with noscript_notice right after its article's title, if it has widgets."""
    title = ARTICLE_TITLE.search(html)
    if not title or not WIDGETS.search(html, title.end()):
        return html
    body = html[title.end():]
    notice = noscript_notice(
        lambda attribute: re.search(rf"\s{attribute}(?=[\s=>/])", body) is not None, notebook)
    return html[:title.end()] + notice + body


def on_post_page(output, page, config):
    return with_noscript_notice(with_absolute_sheets(output), bool(page.meta.get("notebook")))


def on_post_template(output, template_name, config):
    return with_absolute_sheets(output) if template_name.endswith(".html") else output
