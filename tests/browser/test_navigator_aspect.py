"""The navigator's map keeps the landscape's geometry: one unit of x spans as many CSS
pixels as one unit of y, so the round bowl is drawn round, the rotated ravine at its
angle, and a gradient step across the contours. The plot is the largest rectangle of the
landscape's proportions that fits the canvas (letterboxed, centred). Only where that
rectangle would be too thin to use (under 45% of the height it may take) is y stretched,
by the least factor that reaches it, and the map's name says so: "(y stretched ×k)".

On the playground (every landscape), at 1280 px and on a 375 px phone. The mapping is
the page's own (navigator.plot.toPixel); the bowl's roundness is read from the painted
contour bands.
"""

import re

import pytest
from harness import PHONE, guarded_page, show_canvas, wait_navigator_live

PAGE = "optimizers/playground/"
NAV = "#playground-navigator"
pytestmark = pytest.mark.browser

DESKTOP = {"viewport": {"width": 1280, "height": 900}}
PHONE_740 = {**PHONE, "viewport": {"width": 375, "height": 740}}
LANDSCAPES = ["bowl", "ravine", "rotated-ravine"]
STRETCH = re.compile(r"\(y stretched ×([0-9.]+)\)")

# Where the landscape's bounds land on the canvas (CSS px), by the page's own mapping, and
# whether toData undoes toPixel.
MAPPING = """sel => { const nav = document.querySelector(sel).navigator, plot = nav.plot;
    const [[x0, x1], [y0, y1]] = plot.grid.bounds;
    const [left, bottom] = plot.toPixel(x0, y0), [right, top] = plot.toPixel(x1, y1);
    const mid = [(x0 + x1) / 2 + (x1 - x0) / 7, (y0 + y1) / 2 - (y1 - y0) / 5];
    const back = plot.toData(...plot.toPixel(...mid));
    const r = nav.canvas.getBoundingClientRect();
    return {bounds: plot.grid.bounds, left, right, top, bottom, width: r.width, height: r.height,
            roundTrip: Math.hypot(back[0] - mid[0], back[1] - mid[1]) / Math.hypot(x1 - x0, y1 - y0),
            label: nav.canvas.getAttribute('aria-label')}; }"""

# Along four rays from the bowl's minimum (right, left, up, down), the distances (CSS px)
# at which the painted background's colour changes: a contour line or a band's edge. The
# minimum's star (radius 8) is stepped over.
RAYS = """sel => { const plot = document.querySelector(sel).navigator.plot, bg = plot.background;
    const dpr = bg.width / plot.width, ctx = bg.getContext('2d');
    const [cx, cy] = plot.toPixel(0, 0);
    const out = {};
    for (const [name, [ux, uy]] of Object.entries({right: [1, 0], left: [-1, 0], up: [0, -1], down: [0, 1]})) {
      const changes = [];
      let prev = null;
      for (let d = 12; d < 600 && changes.length < 40; d += 0.25) {
        const x = Math.round((cx + ux * d) * dpr), y = Math.round((cy + uy * d) * dpr);
        if (x < 0 || y < 0 || x >= bg.width || y >= bg.height) break;
        const key = ctx.getImageData(x, y, 1, 1).data.join();
        if (prev !== null && key !== prev) changes.push(d);
        prev = key;
      }
      out[name] = changes;
    }
    return out; }"""


def show_landscape(page, name):
    """Picks the landscape in the playground's menu and waits until its race is drawn."""
    nav = page.locator(NAV)
    nav.get_by_role("combobox", name="Landscape").select_option(name)
    page.wait_for_function("""([sel, name]) => { const n = document.querySelector(sel).navigator;
        return n.result?.state.landscape === name && !n.busy && !n.wanted; }""", arg=[NAV, name])
    canvas = nav.locator("canvas.navigator-canvas")
    show_canvas(canvas)
    return canvas


def scales(m):
    """CSS px per data unit on x and on y."""
    [[x0, x1], [y0, y1]] = m["bounds"]
    return (m["right"] - m["left"]) / (x1 - x0), (m["bottom"] - m["top"]) / (y1 - y0)


def stated_stretch(label):
    found = STRETCH.search(label)
    return float(found.group(1)) if found else 1.0


def check_equal_axes(m, name):
    sx, sy = scales(m)
    k = stated_stretch(m["label"])
    assert abs(sy / (sx * k) - 1) < 0.01, (name, sx, sy, k, m["label"])
    # inside the canvas, and as large as it allows on one side (margins: ticks, labels)
    assert 0 <= m["left"] < m["right"] <= m["width"] and 0 <= m["top"] < m["bottom"] <= m["height"], (name, m)
    assert m["right"] - m["left"] >= m["width"] - 80 or m["bottom"] - m["top"] >= m["height"] - 50, (name, m)
    assert m["roundTrip"] < 1e-9, (name, m)


def contours(changes):
    """Where each contour begins along a ray: a run of changes closer than 3 px apart is one
    line (anti-aliased) or one band's edge."""
    return [d for i, d in enumerate(changes) if i == 0 or d - changes[i - 1] > 3]


def check_round_bowl(page):
    rays = {ray: contours(changes) for ray, changes in page.evaluate(RAYS, NAV).items()}
    assert all(len(found) >= 2 for found in rays.values()), rays
    for i in range(2):
        found = [ray[i] for ray in rays.values()]
        assert max(found) - min(found) <= 3, f"the bowl's contour {i + 1} is not round: {rays}"


@pytest.mark.parametrize("options", [DESKTOP, PHONE_740], ids=["1280px", "phone"])
def test_one_unit_spans_as_many_pixels_on_x_as_on_y(browser, site_root, options):
    with guarded_page(browser, site_root, **options) as page:
        page.goto(site_root + PAGE)
        wait_navigator_live(page, NAV)
        for name in LANDSCAPES:
            show_landscape(page, name)
            m = page.evaluate(MAPPING, NAV)
            check_equal_axes(m, name)
            # these landscapes fit both widths without any stretch
            assert not STRETCH.search(m["label"]), m["label"]
            if name == "bowl":
                check_round_bowl(page)


def test_a_plot_too_thin_to_use_is_stretched_least_and_says_so(browser, site_root):
    """In a square box on the phone the ravine (2.5:1) at equal scales would be 37% of the
    height it may take: y is stretched to 45%, and the map's name states by how much."""
    with guarded_page(browser, site_root, **PHONE_740) as page:
        page.goto(site_root + PAGE)
        wait_navigator_live(page, NAV)
        canvas = show_landscape(page, "ravine")
        before = page.evaluate(MAPPING, NAV)
        assert not STRETCH.search(before["label"])
        page.locator(f"{NAV} .navigator-plot-box").evaluate(
            "box => { box.style.aspectRatio = '1 / 1'; box.style.maxHeight = 'none'; }")
        page.wait_for_function("([sel, h]) => document.querySelector(sel).navigator.canvas"
                               ".getBoundingClientRect().height > h + 20", arg=[NAV, before["height"]])
        page.wait_for_function("c => /y stretched/.test(c.getAttribute('aria-label'))", arg=canvas.element_handle())
        m = page.evaluate(MAPPING, NAV)
        check_equal_axes(m, "ravine")
        k = stated_stretch(m["label"])
        sx, sy = scales(m)
        assert k > 1.05 and abs(sy / sx - k) < 0.01, (sx, sy, m["label"])
        # the least stretch: exactly the thinnest usable plot, the full width
        available = m["height"] - 44  # the plot's margins above and below (navigator-draw.js)
        assert abs((m["bottom"] - m["top"]) - 0.45 * available) <= 1, m
        # back in its own box, equal axes again, and the name says nothing of a stretch
        page.locator(f"{NAV} .navigator-plot-box").evaluate("box => box.removeAttribute('style')")
        page.wait_for_function("c => !/y stretched/.test(c.getAttribute('aria-label'))", arg=canvas.element_handle())
        check_equal_axes(page.evaluate(MAPPING, NAV), "ravine")
