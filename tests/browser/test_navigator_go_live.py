"""A navigator goes live without measuring the page (issue 16).

Going live changes the page around the navigator (its controls, legend and scoreboard) in
the task that draws the first race. A canvas that measured itself there with
getBoundingClientRect made the browser lay the whole page out in that task: on a phone at
4x CPU, 45-150 ms of the longest task the playground makes. The canvases now take their
size from the navigator's ResizeObserver. Here, on the playground on a phone, nothing
measures either canvas while the navigator goes live, and both are still drawn at the
screen's device pixels, then and after the window is resized.
"""

from harness import guarded_page, next_frame, wait_navigator_live

PHONE = {"viewport": {"width": 412, "height": 823}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 1.75}
CANVASES = ["canvas.navigator-canvas", "canvas.navigator-loss-canvas"]

# Records each call of getBoundingClientRect on a navigator's canvas by the site's scripts
# (not this test's own, nor Playwright's), from the first script on.
COUNT_MEASURES = """
window.__measured = [];
const measure = Element.prototype.getBoundingClientRect;
Element.prototype.getBoundingClientRect = function () {
  const stack = new Error().stack;
  if (this.matches?.("canvas.navigator-canvas, canvas.navigator-loss-canvas") && stack.includes("/assets/js/")) {
    window.__measured.push(`${this.className}: ${stack}`);
  }
  return measure.call(this);
};
"""

# Each canvas's backing store against its CSS box times the pixel ratio, and whether it
# has a drawn pixel. Measured here, by the test, after the navigator has drawn.
SIZES = """([selectors, dpr]) => selectors.map((selector) => {
  const canvas = document.querySelector(selector), r = canvas.getBoundingClientRect();
  const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let drawn = false;
  for (let i = 3; i < data.length && !drawn; i += 4) drawn = data[i] > 0;
  return { selector, store: [canvas.width, canvas.height],
    box: [Math.round(Math.round(r.width) * dpr), Math.round(Math.round(r.height) * dpr)], drawn };
})"""


def sizes(page):
    return page.evaluate(SIZES, [CANVASES, PHONE["device_scale_factor"]])


def test_going_live_measures_no_canvas_and_draws_each_at_device_pixels(browser, site_root):
    with guarded_page(browser, site_root, **PHONE) as page:
        page.add_init_script(COUNT_MEASURES)
        page.goto(site_root + "optimizers/playground/")
        wait_navigator_live(page, ".ravine-navigator")
        next_frame(page)
        next_frame(page)  # the ResizeObserver's report of the loss panel, shown at going live
        assert page.evaluate("window.__measured") == []
        for canvas in sizes(page):
            assert canvas["drawn"] and canvas["store"] == canvas["box"], canvas

        page.set_viewport_size({"width": 360, "height": 740})
        page.wait_for_function("""([selector, dpr]) => {
          const canvas = document.querySelector(selector);
          return canvas.width === Math.round(Math.round(canvas.getBoundingClientRect().width) * dpr);
        }""", arg=[CANVASES[0], PHONE["device_scale_factor"]])
        next_frame(page)
        for canvas in sizes(page):
            assert canvas["drawn"] and canvas["store"] == canvas["box"], canvas
        assert page.evaluate("window.__measured") == []
