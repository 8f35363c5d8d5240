"""A copy of a built site whose formulas are drawn from KaTeX's MathML alone (an experiment).

Usage: .venv/bin/python scripts/mathml_only_site.py [--site build/site] OUT

The build typesets every formula twice (scripts/katex_hook.py): as HTML, drawn with
KaTeX's fonts and hidden from assistive technology, and as MathML, read by screen readers
and hidden from the eye. On a lesson the HTML layer is more than half of the page's
elements. This script measures what that layer costs. It copies the built site to OUT,
removes the HTML layer and the preloads of KaTeX's fonts from every page, and shows the
MathML instead, in a math font the reader's system has: one with an OpenType MATH table,
without which Chromium draws roots without their bar and brackets that do not stretch.
The site's build never runs it (tests/test_mathml_only_site.py checks it). Compare the
two in one run with

    .venv/bin/python scripts/bench_lighthouse.py --runs 2 --site build/site --site OUT

and look at the formulas with `scripts/screenshots.py --site OUT`: the browser's MathML
engine and the system's math font draw them, not KaTeX and its fonts.
"""

import argparse
import os
import pathlib
import re
import shutil
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
SITE = pathlib.Path(os.environ.get("RAVINE_SITE_DIR", ROOT / "build" / "site"))

HTML_LAYER = '<span class="katex-html" aria-hidden="true">'
SPAN = re.compile(r"<span\b|</span>")
FONT_PRELOAD = re.compile(r'<link rel="preload" href="[^"]*/KaTeX_[^"]*" as="font"[^>]*>\n?')
# KaTeX's stylesheet hides .katex-mathml (a 1 px box clipped away); this shows it.
SHOW_MATHML = """
/* scripts/mathml_only_site.py: the formulas drawn from their MathML */
.katex .katex-mathml { position: static; width: auto; height: auto; overflow: visible;
  -webkit-clip-path: none; clip-path: none; }
.katex math { font-family: "Latin Modern Math", "STIX Two Math", "Cambria Math",
  "DejaVu Math TeX Gyre", "Noto Sans Math", math; }
"""


def without_html_layer(html):
    """html with every KaTeX HTML layer (the span and everything inside it) removed."""
    parts, at = [], 0
    while (start := html.find(HTML_LAYER, at)) >= 0:
        parts.append(html[at:start])
        depth = 0
        for tag in SPAN.finditer(html, start):
            depth += 1 if tag.group() == "<span" else -1
            if depth == 0:
                at = tag.end()
                break
        else:
            raise ValueError(f"an unclosed KaTeX HTML layer at character {start}")
    parts.append(html[at:])
    return "".join(parts)


def mathml_only_page(html):
    """One page as the MathML-only site serves it."""
    return FONT_PRELOAD.sub("", without_html_layer(html))


def write_copy(site, out):
    """Copies site to out and rewrites it; returns the pages that had formulas."""
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(site, out)
    pages = []
    for page in sorted(out.rglob("*.html")):
        html = page.read_text(encoding="utf-8")
        if HTML_LAYER in html:
            page.write_text(mathml_only_page(html), encoding="utf-8")
            pages.append(page.relative_to(out))
    stylesheet = out / "assets" / "css" / "ravine.css"
    stylesheet.write_text(stylesheet.read_text(encoding="utf-8") + SHOW_MATHML, encoding="utf-8")
    return pages


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=pathlib.Path, default=SITE, help="the built site")
    parser.add_argument("out", type=pathlib.Path, help="where the copy goes (replaced)")
    args = parser.parse_args()
    if not (args.site / "index.html").is_file():
        sys.exit(f"no built site at {args.site}: run `make site` first")
    if args.out.resolve() == args.site.resolve():
        sys.exit("OUT must not be the site itself")
    pages = write_copy(args.site, args.out)
    print(f"{args.out}: formulas drawn from MathML alone on {len(pages)} pages")
    for page in pages:
        print(f"  {page}")


if __name__ == "__main__":
    main()
