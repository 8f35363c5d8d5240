"""Nothing moves while a page loads: cumulative layout shift on every page of the course.

Each page is opened twice (the second visit measured, see the test), served under /ravine/
as GitHub Pages serves it, on a desktop window and on two phones (375 px, and 412 px as
Lighthouse's mobile preset emulates). Layout-shift entries are collected by a
PerformanceObserver (`buffered: true`) installed before any of the page's scripts, from
navigation until the page is settled: loaded, its fonts in, every widget mounted (each
navigator showing its controls around the static figure, each cell and exercise ready).
Shifts within 500 ms of an input (`hadRecentInput`) are the reader's own and do not count;
the test gives no input. The figure is the plain sum of the rest, which is never less than
the CLS of web vitals (the worst session window).

The bound, 0.02, is issue 16's goal for CLS (Lighthouse's "good" is 0.1): math is typeset
at build time with its fonts preloaded, and a widget mounts in the place its static figure
held, so what the reader is reading does not move. A failure lists the largest shifts with
the elements that moved.
"""

import re

import pytest
from harness import open_context
from paths import SITE

MAX_CLS = 0.02

# Every page of the course: the sitemap's pages but the widget harnesses under dev/, which
# are outside the nav.
PAGES = [
    path for path in (
        re.sub(r"^https?://[^/]+/[^/]*/", "", loc)
        for loc in re.findall(r"<loc>([^<]+)</loc>", (SITE / "sitemap.xml").read_text())
    ) if not path.startswith("dev/")
] if (SITE / "sitemap.xml").is_file() else ["(no built site)"]

VIEWPORTS = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {"viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True,
              "device_scale_factor": 2},
    # Lighthouse's mobile preset (a Moto G Power): the width its CLS figure is measured at,
    # with its CPU slowed four times as Lighthouse's is (CPU_SLOWDOWN). On this returning
    # visit the page's modules are cached and usually run before the first paint, so what
    # a script inserts when it mounts is checked on its own, at every width the navigator
    # wraps differently (test_navigator_layout.py: this test did not catch the playground's
    # mount shift, that one does)
    "lighthouse-phone": {"viewport": {"width": 412, "height": 823}, "is_mobile": True, "has_touch": True,
                         "device_scale_factor": 1.75},
}
CPU_SLOWDOWN = {"lighthouse-phone": 4}

OBSERVE = """
window.__shifts = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    window.__shifts.push({
      value: entry.value, input: entry.hadRecentInput, at: Math.round(entry.startTime),
      moved: entry.sources.map((s) => {
        const node = s.node;
        if (!node || !node.tagName) return String(node && node.nodeName);
        return node.tagName.toLowerCase() + (node.id ? "#" + node.id : "")
          + (node.className && typeof node.className === "string"
             ? "." + node.className.trim().split(/\\s+/).slice(0, 2).join(".") : "");
      }),
    });
  }
}).observe({type: "layout-shift", buffered: true});
"""

# The page is settled: loaded, fonts in, every widget mounted and ready for the reader.
SETTLED = """() => {
  const all = (selector, done) => [...document.querySelectorAll(selector)].every(done);
  return document.readyState === "complete" && document.fonts.status === "loaded"
    && all("[data-ravine-cell], [data-navigator], [data-ravine-exercise], [data-ravine-predict],"
           + " [data-ravine-race], [data-ravine-ratemap], .katex-display",
           (el) => el.dataset.mounted === "true")
    && all("[data-ravine-cell]", (el) => el.dataset.cellReady === "true")
    && all("[data-navigator]", (el) => el.querySelector(".navigator-controls"))
    && all("[data-ravine-exercise], [data-ravine-predict]", (el) => el.dataset.ready === "true");
}"""

# Two frames after settling, so the shifts of the last rendered frame have been reported.
SHIFTS = """() => new Promise((resolve) => requestAnimationFrame(() =>
  requestAnimationFrame(() => setTimeout(() => resolve(window.__shifts)))))"""


@pytest.mark.browser
@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("path", PAGES)
def test_nothing_moves_while_the_page_loads(browser, site_root, path, viewport):
    context, guard = open_context(browser, site_root, http_cache=True, **VIEWPORTS[viewport])
    try:
        context.add_init_script(OBSERVE)
        page = context.new_page()
        if viewport in CPU_SLOWDOWN:
            context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate",
                                               {"rate": CPU_SLOWDOWN[viewport]})
        # Measured as a returning reader meets the page: its fonts in the HTTP cache (the
        # first visit puts them there; a new navigation, not a reload, then uses them
        # without asking the server again). On a first visit with the CPU starved (the
        # whole suite in parallel, or four busy loops beside one page) the Momentum page's
        # inline math moved by 0.04-0.065 when its KaTeX fonts took longer than the 50 ms
        # Chromium holds the first paint for preloaded fonts: that first-visit shift is
        # still open (issue 16's note), not measured here.
        page.goto(site_root + path)
        page.wait_for_function(SETTLED)
        page.goto("about:blank")
        page.goto(site_root + path)
        page.wait_for_function(SETTLED)
        shifts = page.evaluate(SHIFTS)
        fonts = page.evaluate("""() => performance.getEntriesByType("resource")
            .filter((e) => /\\.woff2$/.test(e.name)).map((e) => [e.name, e.transferSize])""")
    finally:
        context.close()
    guard.check()
    assert fonts and all(size == 0 for _, size in fonts), f"fonts not from the HTTP cache: {fonts}"
    cls = sum(shift["value"] for shift in shifts if not shift["input"])
    worst = sorted(shifts, key=lambda s: -s["value"])[:5]
    assert cls <= MAX_CLS, f"{path or 'home'} ({viewport}): CLS {cls:.4f} > {MAX_CLS}: {worst}"
