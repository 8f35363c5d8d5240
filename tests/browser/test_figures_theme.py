"""Static figures follow the theme (issue 15): in Material's dark (slate) theme each figure
shows its dark twin (scripts/render_figures.py), no bright white panel; switching the
theme switches the file; the alt text is the page's one, unchanged."""

import io

import pytest
from harness import guarded_page, load_every_image
from PIL import Image, ImageStat

pytestmark = pytest.mark.browser

FIGURES = "article img[src*='figures/']:not(.navigator-static)"


def brightness(locator):
    """Mean luminance (0 black to 1 white) of what the reader sees of an element."""
    img = Image.open(io.BytesIO(locator.screenshot())).convert("L")
    return ImageStat.Stat(img).mean[0] / 255


def loaded(page):
    load_every_image(page, FIGURES)
    page.wait_for_function("sel => [...document.querySelectorAll(sel)].every(i => i.complete && i.naturalWidth > 0)",
                           arg=FIGURES)


def test_each_theme_shows_its_own_figures(browser, site_root):
    with guarded_page(browser, site_root, color_scheme="dark", viewport={"width": 1280, "height": 900}) as page:
        page.goto(site_root + "optimizers/momentum/")
        assert page.evaluate("document.body.dataset.mdColorScheme") == "slate"
        figures = page.locator(FIGURES)
        count = figures.count()
        assert count >= 5
        page.wait_for_function("sel => [...document.querySelectorAll(sel)].every(i => i.src.endsWith('-dark.svg'))",
                               arg=FIGURES)
        loaded(page)
        alts = figures.evaluate_all("imgs => imgs.map(i => i.alt)")
        assert all(alts)
        first = figures.first
        first.scroll_into_view_if_needed()
        assert brightness(first) < 0.35, "a dark figure on the dark page"
        page.locator("[data-md-component=palette] label:visible").first.click()  # the theme toggle
        page.wait_for_function("sel => [...document.querySelectorAll(sel)].every(i => !i.src.endsWith('-dark.svg'))",
                               arg=FIGURES)
        loaded(page)
        assert figures.evaluate_all("imgs => imgs.map(i => i.alt)") == alts
        assert brightness(first) > 0.65, "a light figure on the light page"
