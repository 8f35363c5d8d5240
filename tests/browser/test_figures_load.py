"""Each static figure costs a reader one download, of the file they see, when they reach it
(issue 16): the built page's <picture> picks the variant for the viewport and the system's
theme before any script runs (scripts/figures_hook.py), and figures-theme.js, which then
decides by the figure's column and the reader's theme, agrees with it, so no file is
fetched and then replaced. A figure below the fold is not fetched at load, and its box has
its size before the file arrives, so nothing under it moves when it does.
"""

import re

import pytest
from harness import guarded_page, show_figure
from paths import SITE

pytestmark = pytest.mark.browser

PAGES = sorted(str(p.parent.relative_to(SITE)) + "/" for p in SITE.rglob("index.html")
               if re.search(r'<img [^>]*src="[^"]*figures/', p.read_text()))
FIGURES = "article img[src*='figures/']"
VIEWPORTS = {"phone": {"width": 375, "height": 740}, "desktop": {"width": 1280, "height": 800}}
FILE = re.compile(r"/figures/([^/]+?)(-narrow)?(-dark)?\.svg$")
BOX = "i => ({top: i.getBoundingClientRect().top + scrollY, height: i.getBoundingClientRect().height})"


def test_the_pages_with_figures_are_found():
    """The pages are found in the built site (a new lesson's figures are checked too)."""
    assert set(PAGES) >= {"optimizers/adaptive/", "optimizers/momentum/",
                          "optimizers/practice/", "optimizers/ravine/"}


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("path", PAGES, ids=[p.strip("/") for p in PAGES])
def test_each_figure_is_fetched_once_in_its_variant_when_the_reader_reaches_it(
        browser, site_root, path, viewport, scheme):
    size = VIEWPORTS[viewport]
    suffix = ("-narrow" if viewport == "phone" else "") + ("-dark" if scheme == "dark" else "") + ".svg"
    # Python is kept from starting: the rate map's figure stays a figure (it is replaced
    # by the live map once Python answers).
    with guarded_page(browser, site_root, python=False, viewport=size, color_scheme=scheme) as page:
        fetched = []
        page.on("request", lambda request: FILE.search(request.url) and fetched.append(request.url))
        page.goto(site_root + path)
        figures = page.locator(FIGURES)
        count = figures.count()
        assert count > 0
        at_load = list(fetched)
        boxes = [img.evaluate(BOX) for img in figures.all()]
        for img in figures.all():
            show_figure(img)
        after = [img.evaluate(BOX) for img in figures.all()]
        names = [FILE.search(img.get_attribute("src")).group(1) for img in figures.all()]

    files = [url.rsplit("/", 1)[1] for url in fetched]
    assert sorted(files) == sorted(name + suffix for name in names), \
        f"{path} at {viewport} px, {scheme}: fetched {files}, one {suffix} per figure expected"
    for name, before, now in zip(names, boxes, after):
        assert abs(before["height"] - now["height"]) <= 1, f"{name}: its box was {before}, then {now}"
    below = [name for name, box in zip(names, boxes) if box["top"] > size["height"] + 3000]
    assert not [name for name in below if any(name + suffix in url for url in at_load)], \
        f"figures far below the fold were fetched at load: {at_load}"
    if path == "optimizers/momentum/":
        assert below, "the Momentum page has figures far below its first screen"
