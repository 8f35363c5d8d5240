"""MkDocs hook for the optimizers lab (docs/optimizers/lab.py, rendered and executed by
mkdocs-jupyter; listed under `hooks:` in mkdocs.yml).

- The lab downloads as a notebook: docs/optimizers/lab.py (jupytext percent format) is
  converted to `optimizers/lab.ipynb` in the site, without writing into docs/. The page
  links to it with a relative URL, so the link works under any sub-path (mkdocs-jupyter's
  own `nb_url` is root-absolute and breaks under /<repo>/ on GitHub Pages).
- mkdocs-jupyter's template always emits a MathJax <script> (with our empty
  `custom_mathjax_url`, an empty src) and a Mermaid loader that imports from a CDN; the lab
  uses neither (KaTeX typesets its math, as on every page), so both are removed and the
  page fetches nothing from another origin.
- The notebook's outputs are wrapped in a container scoped by ravine.css (contrast).
- The notebook's figures, which nbconvert inlines as base64 PNG (half the page's bytes),
  are written beside the page as files and shown sized and lazily, so the text arrives
  first and a figure is fetched when the reader nears it.
- Of the JupyterLab stylesheets mkdocs-jupyter inlines (574 KB), the finished page keeps
  the rules that can match it (scripts/unused_css.py): a phone parses all of it before it
  paints.
- The table of contents points at the headings' own anchors: mkdocs-jupyter builds it
  from the Markdown with another slug rule, which drops a heading's code (`lesson_code`)
  and links nowhere (tests/test_fragments.py).
"""

import base64
import hashlib
import json
import os
import pathlib
import re
import struct
import sys

import html as html_lib

import jupytext
from mkdocs.structure.files import File

ROOT = pathlib.Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # MkDocs loads this file by path
    sys.path.insert(0, str(ROOT))

from scripts.unused_css import without_unused  # noqa: E402

LAB = "optimizers/lab.py"
NOTEBOOK = "optimizers/lab.ipynb"
SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.S)
MATHJAX = re.compile(r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->", re.S)
STYLE = re.compile(r"(<style\b[^>]*>)(.*?)(</style>)", re.S)
MERMAID_STYLE = re.compile(r"<style>\s*\.jp-Mermaid:not.*?</style>\s*"
                           r"<!-- End of mermaid configuration -->", re.S)


def notebook_json(source):
    """The lab as an .ipynb (JSON text), without outputs: the reader runs it."""
    return jupytext.writes(jupytext.read(source), fmt="ipynb")


def on_files(files, config):
    lab = files.get_file_from_path(LAB)
    if lab is not None:
        content = notebook_json(pathlib.Path(lab.abs_src_path))
        files.append(File.generated(config, NOTEBOOK, content=content))
    return files


def download_link():
    return ('<p class="ravine-download"><a href="../lab.ipynb" download="ravine-lab.ipynb">'
            "Download this lab as a Jupyter notebook</a> (ravine-lab.ipynb; it needs numpy, "
            "matplotlib and the course's <code>lesson_code</code> package).</p>")


def strip_cdn_scripts(html):
    html = MATHJAX.sub("", html)
    html = MERMAID_STYLE.sub("", html)
    # the Mermaid loader: a module script that imports the library from a CDN
    return SCRIPT.sub(lambda m: "" if "mermaid" in m.group(0) else m.group(0), html)


INLINE_PNG = re.compile(r'(<img\b[^>]*?\s)src="data:image/png;base64,([A-Za-z0-9+/=\s]+)"([^>]*>)')


def with_figure_files(html, folder):
    """html with each inline PNG written to folder (the page's own, in the site) as
    output-<hash>.png, and shown from there with its size, lazily."""
    def written(m):
        data = base64.b64decode(m.group(2))
        width, height = struct.unpack(">II", data[16:24])  # the PNG's IHDR
        name = f"output-{hashlib.sha256(data).hexdigest()[:12]}.png"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
        return (f'{m.group(1)}src="{name}" width="{width}" height="{height}" loading="lazy"'
                f' decoding="async"{m.group(3)}')
    return INLINE_PNG.sub(written, html)


HEADING = re.compile(r'<h([1-6])\b[^>]*\bid="([^"]+)"[^>]*>(.*?)</h\1>', re.S)


def anchors(toc):
    """The table of contents' entries, depth first, in page order."""
    for link in toc:
        yield link
        yield from anchors(link.children)


def with_heading_anchors(toc, html):
    """Points each entry of the table of contents at its heading in html, in order, and
    titles it with the heading's text. The entries are the page's headings, one for one,
    or the build stops: a guess could send a reader to the wrong section."""
    headings = [(level, hid, re.sub(r"<[^>]+>|¶", "", text).strip())
                for level, hid, text in HEADING.findall(html)]
    entries = list(anchors(toc))
    found = [(e.level, e.title) for e in entries]
    if len(entries) != len(headings) or any(
            e.level != int(level) for e, (level, _, _) in zip(entries, headings)):
        raise ValueError(f"{LAB}: its table of contents {found} does not match its headings "
                         f"{[(int(h[0]), h[2]) for h in headings]}")
    for entry, (_, hid, text) in zip(entries, headings):
        entry.id, entry.title = html_lib.unescape(hid), html_lib.unescape(text)


def on_page_content(html, page, config, files):
    if page.file.src_uri != LAB:
        return html
    with_heading_anchors(page.toc, html)
    html = strip_cdn_scripts(html)
    folder = pathlib.Path(config["site_dir"]) / pathlib.PurePosixPath(page.file.dest_uri).parent
    html = with_figure_files(html, folder)
    link = download_link()
    # right after the notebook's title, else at the top
    match = re.search(r"</h1>", html)
    if match:
        html = html[:match.end()] + link + html[match.end():]
    else:
        html = link + html
    return f'<div class="ravine-lab">{html}</div>'


# The lab's whole stylesheets, kept beside the site (not in it) for the test that checks
# the trimmed ones style the page as they did (tests/browser/test_lab_code.py).
WHOLE_STYLES = ROOT / os.environ.get("RAVINE_BUILD", "build") / "lab-whole-styles.json"


def with_used_styles(html):
    """The page with its inline stylesheets cut to the rules that can match the page."""
    whole = [m.group(2) for m in STYLE.finditer(html)]
    WHOLE_STYLES.write_text(json.dumps(whole), encoding="utf-8")
    sheets = iter(without_unused(whole, html))
    return STYLE.sub(lambda m: m.group(1) + next(sheets) + m.group(3), html)


def on_post_page(output, page, config):
    return with_used_styles(output) if page.file.src_uri == LAB else output
