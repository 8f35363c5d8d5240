"""A widget's canvas is drawn when the reader nears it, not while the page loads (issue 16).

On the Momentum page the navigator sits about seven phone screens below the top and the
rate map about fifteen. Both used to draw as soon as Python answered, the first drawing of
each a long task on a phone's CPU, for a reader still at the top (near-screen.js). Here a
reader on Lighthouse's phone stays at the top until both widgets are live: neither canvas
has a drawn pixel. Scrolling to each draws it. A race set while the navigator is out of
sight is drawn when the reader comes back, not left as it was.
"""

import pytest
from harness import PYTHON_READY_MS, next_frame, open_context, show_canvas, wait_navigator_live

PHONE = {"viewport": {"width": 412, "height": 823}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 1.75}
NAVIGATOR = "#walkthrough canvas.navigator-canvas"
LOSS = "#walkthrough canvas.navigator-loss-canvas"
RATE_MAP = "#rate-map canvas.ratemap-canvas"

# A short fingerprint of a canvas's pixels: null while no pixel has been drawn.
PIXELS = """(selector) => {
  const canvas = document.querySelector(selector);
  const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let hash = 0, drawn = false;
  for (let i = 0; i < data.length; i++) {
    hash = (Math.imul(hash, 31) + data[i]) | 0;
    if (i % 4 === 3 && data[i]) drawn = true;
  }
  return drawn ? `${canvas.width}x${canvas.height}:${hash}` : null;
}"""

# Sets the navigator's race and resolves once the race has come back from Python.
SET_RACE = """(detail) => new Promise((resolve) => {
  const nav = document.getElementById("walkthrough");
  nav.addEventListener("navigator:result", () => resolve(), { once: true });
  nav.dispatchEvent(new CustomEvent("navigator:set", { detail }));
})"""


def pixels(page, selector):
    return page.evaluate(PIXELS, selector)


def settle(page):
    """Two frames: time for a widget to draw if it were going to (harness.show_canvas)."""
    next_frame(page)
    next_frame(page)


@pytest.mark.browser
def test_widgets_far_below_are_drawn_when_the_reader_nears_them(browser, site_root):
    context, guard = open_context(browser, site_root, **PHONE)
    try:
        page = context.new_page()
        page.goto(site_root + "optimizers/momentum/")
        nav = wait_navigator_live(page, "#walkthrough")
        page.locator("#rate-map.ratemap-live").wait_for(timeout=PYTHON_READY_MS)
        settle(page)
        assert page.evaluate("scrollY") == 0
        assert [pixels(page, s) for s in (NAVIGATOR, LOSS, RATE_MAP)] == [None, None, None], \
            "a live widget screens below the reader was drawn at load"

        show_canvas(page.locator(NAVIGATOR))
        drawn = pixels(page, NAVIGATOR)
        assert drawn and pixels(page, LOSS), "the navigator is in view but not drawn"
        assert pixels(page, RATE_MAP) is None, "the rate map, screens further down, was drawn"

        # The reader goes back to the top; a race set meanwhile is drawn on their return.
        page.evaluate("scrollTo(0, 0)")
        settle(page)
        page.evaluate(SET_RACE, {"lr": 0.1, "beta": 0.5})
        settle(page)
        assert pixels(page, NAVIGATOR) == drawn, "drawn while out of sight"
        show_canvas(page.locator(NAVIGATOR))
        redrawn = pixels(page, NAVIGATOR)
        assert redrawn and redrawn != drawn, "the race set out of sight was not drawn on return"

        show_canvas(page.locator(RATE_MAP))
        assert pixels(page, RATE_MAP), "the rate map is in view but not drawn"
    finally:
        context.close()
    guard.check()
