"""MkDocs hook: each static figure's <img> becomes a <picture> that loads the right file once.

A figure is rendered four times (scripts/render_figures.py): NAME.svg for a column of
NARROW_BELOW CSS px or more, NAME-narrow.svg for a phone's column, and the dark theme's
twin of each. A page's Markdown names one, ![what it shows](../figures/NAME.svg); left
alone, a phone or a dark system downloaded and parsed that file, and then the one
figures-theme.js chose. Here, in the finished page:

- <source> elements pick the variant before any script runs, from the viewport's width
  (NARROW_VIEWPORT) and the system's colour scheme, which Material's palette follows until
  the reader picks a theme (mkdocs.yml), and only where scripts run (DARK): Material turns
  the page dark with a script, so without one the page, and its figures, stay light.
  figures-theme.js then takes over: it keeps that file, or swaps it where the column or
  the reader's theme says otherwise (a figure in a narrower box, a theme picked against
  the system's).
- width and height (each variant's own, on its <source>) reserve the figure's box, so the
  text below never moves when the figure arrives, and loading="lazy" leaves a figure
  below the fold unloaded until the reader scrolls near it.

Measured with Lighthouse 12 (mobile, two runs each, before and after on the same machine):
issue 16's note.
"""

import os
import pathlib
import re

from mkdocs.exceptions import PluginError

ROOT = pathlib.Path(__file__).resolve().parent.parent
FIGURES = ROOT / os.environ.get("RAVINE_BUILD", "build") / "assets" / "figures"

# The narrow variant is for a column under NARROW_BELOW CSS px (figures-theme.js reads it
# from each figure's data-narrow-below, so the number is only here). A
# lesson's column is the viewport less 2 x 0.8rem of margin (Material, 20 px root font)
# below 1220 px, and at least 640 px from a viewport of 672 px up (sidebars included):
# measured from 300 to 1400 px on the Momentum page (tests/browser/test_figures_load.py
# checks that the two choices agree).
NARROW_BELOW = 640
NARROW_VIEWPORT = NARROW_BELOW + 32
IMG = re.compile(r"""<img\b(?:[^>"']|"[^"]*"|'[^']*')*>""")
# When a dark file is the one to show before any script: where Material will make the page
# dark (the system is, and scripts run). Also the navigators' pictures (navigator_hook).
DARK = "(scripting: enabled) and (prefers-color-scheme: dark)"
FIGURE_SRC = re.compile(r'\ssrc="((?:[^"]*/)?figures/)([^"/]+)\.svg"')
SVG_SIZE = re.compile(r'<svg\b[^>]*?\swidth="([\d.]+)pt"\s+height="([\d.]+)pt"')
PX_PER_PT = 96 / 72


def svg_size(name):
    """The CSS px size of figure file `name` (matplotlib writes it in pt), rounded."""
    path = FIGURES / name
    try:
        head = path.read_text(encoding="utf-8")[:2000]
    except OSError as error:
        raise PluginError(f"a page shows figures/{name}, which was not rendered: {error}") from None
    found = SVG_SIZE.search(head)
    if not found:
        raise PluginError(f"figures/{name}: no width and height in pt on its <svg>")
    return tuple(round(float(v) * PX_PER_PT) for v in found.groups())


def picture(img):
    """The <picture> for one figure's <img> tag (other <img> tags come back unchanged)."""
    src = FIGURE_SRC.search(img)
    if not src:
        return img
    folder, name = src.groups()
    if name.endswith(("-narrow", "-dark")):
        raise PluginError(f"a page shows figures/{name}.svg: name the figure's plain file "
                          "(NAME.svg); the page picks the variant")
    sources = []
    for media, suffix in (
            (f"{DARK} and (max-width: {NARROW_VIEWPORT - 1}px)", "-narrow-dark"),
            (DARK, "-dark"),
            (f"(max-width: {NARROW_VIEWPORT - 1}px)", "-narrow")):
        width, height = svg_size(f"{name}{suffix}.svg")
        sources.append(f'<source media="{media}" srcset="{folder}{name}{suffix}.svg"'
                       f' width="{width}" height="{height}">')
    width, height = svg_size(f"{name}.svg")
    body = img[:-2] if img.endswith("/>") else img[:-1]
    img = (f'{body.rstrip()} width="{width}" height="{height}" loading="lazy" decoding="async"'
           f' data-narrow-below="{NARROW_BELOW}">')
    return f"<picture>{''.join(sources)}{img}</picture>"


def with_figure_pictures(html):
    return IMG.sub(lambda m: picture(m.group(0)), html)


def on_post_page(output, page, config):
    return with_figure_pictures(output)
