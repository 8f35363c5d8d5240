"""Static figures are legible on a phone and on a desktop (issue 15): every text of every
figure renders at MIN_PX CSS px or more, at 375 px and at 1280 px, light and dark.

Minimum: 11 CSS px. Material's smallest text in the body of a page on a phone is its
footnotes and footer at 0.64rem (12.8 px); Ravine's own notes are 0.7rem (14 px). A
figure's tick labels and legends are secondary text, so they may be a little smaller, but
not under 11 px (above the 10 px usually taken as the floor for reading on a phone), and
the figures' font (DejaVu Sans) has a large x-height, so 11 px of it reads like about
11.5 px of the body's Roboto.

How it is measured: the figures are <img> SVGs whose text matplotlib writes as glyph
outlines, each text in a <g transform="translate(x y) scale(s -s)"> where s is its font
size in the SVG's user units divided by 100. A text's rendered size is then
100 s × (the image's rendered width / the viewBox's width). Every text group must yield
its size, or the test fails (it never passes by measuring nothing).

Python is kept from starting, so every static figure stays on the page as a reader sees
it before Python is ready (the rate map's figure is replaced once it is live).
"""

import re

import pytest
from harness import load_every_image, open_context
from paths import SITE

pytestmark = pytest.mark.browser

MIN_PX = 11
PAGES = sorted(str(p.parent.relative_to(SITE)) + "/" for p in SITE.rglob("index.html")
               if re.search(r'<img [^>]*src="[^"]*figures/', p.read_text()))
SIZES = {"375": {"width": 375, "height": 740}, "1280": {"width": 1280, "height": 800}}
MEASURE = """async (img) => {
  const svg = new DOMParser().parseFromString(await (await fetch(img.currentSrc)).text(), "image/svg+xml");
  const [, , vbWidth, vbHeight] = svg.documentElement.getAttribute("viewBox").split(/\\s+/).map(Number);
  const r = img.getBoundingClientRect();
  // the drawn width: the box's, or less where object-fit: contain fits it by height
  const drawn = Math.min(r.width, r.height * vbWidth / vbHeight);
  const texts = [...svg.querySelectorAll("g[id^='text_']")].filter(g => !g.parentElement.closest("g[id^='text_']"));
  const sizes = texts.map(g => {
    const scales = [...g.querySelectorAll("[transform]")].map(e => /scale\\(([\\d.]+) -[\\d.]+\\)/.exec(e.getAttribute("transform")))
      .filter(Boolean).map(m => 100 * Number(m[1]) * drawn / vbWidth);
    return {id: g.id, px: scales.length ? Math.min(...scales) : null};
  });
  return {file: img.currentSrc.split("/").pop(), drawn, texts: sizes.length, sizes};
}"""


def test_the_pages_with_figures_are_found():
    """The pages are found in the built site (a new lesson's figures are checked too)."""
    assert set(PAGES) >= {"optimizers/adaptive/", "optimizers/momentum/",
                          "optimizers/practice/", "optimizers/ravine/"}


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", SIZES, ids=lambda w: f"{w}px")
@pytest.mark.parametrize("path", PAGES, ids=[p.strip("/") for p in PAGES])
def test_every_figure_text_is_at_least_the_minimum(browser, site_root, path, width, scheme):
    context, guard = open_context(browser, site_root, viewport=SIZES[width], color_scheme=scheme)
    guard.allow(r"pyodide\.asm\.wasm|Failed to load resource|Failed to fetch|Python could not start")
    context.route("**/pyodide.asm.wasm", lambda route: route.abort())
    page = context.new_page()
    page.goto(site_root + path)
    figures = page.locator("article img[src*='figures/']:not(.navigator-static)")
    narrow, dark = width == "375", scheme == "dark"
    suffix = ("-narrow" if narrow else "") + ("-dark" if dark else "") + ".svg"
    # figures-theme.js shows each figure's variant for this column and theme
    load_every_image(page, "article img[src*='figures/']:not(.navigator-static)")
    page.wait_for_function("([sel, suffix]) => [...document.querySelectorAll(sel)].every(i =>"
                           " i.getAttribute('src').endsWith(suffix) && i.complete && i.naturalWidth > 0)",
                           arg=["article img[src*='figures/']:not(.navigator-static)", suffix])
    assert figures.count() > 0, path
    for img in figures.all():
        img.scroll_into_view_if_needed()
        found = img.evaluate(MEASURE)
        assert found["texts"] > 0, f"{path}: no text found in {found['file']}"
        unmeasured = [s["id"] for s in found["sizes"] if s["px"] is None]
        assert not unmeasured, f"{found['file']}: cannot tell the size of {unmeasured}"
        small = [s for s in found["sizes"] if s["px"] < MIN_PX]
        assert not small, f"{found['file']} drawn {found['drawn']:.0f} px wide: texts under {MIN_PX} px: {small[:5]}"
    context.close()
    guard.check()
