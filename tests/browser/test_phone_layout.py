"""Every page on a phone (issue 15): at 375 px nothing makes the page wider than the screen,
and a display equation too wide for it scrolls sideways in its own box, which the keyboard
reaches (a tab stop with a name), never cut off.
"""

import pytest
from harness import check_axe, load_every_image, open_context
from paths import SITE

pytestmark = pytest.mark.browser

# A 375 px screen with a pointer that hovers: Material makes a scrolling code block or
# table a tab stop only where there is hover (on a touch-only phone there is no keyboard).
PHONE = {"viewport": {"width": 375, "height": 740}}
PAGES = sorted(str(p.parent.relative_to(SITE)) + "/" if p.parent != SITE else ""
               for p in SITE.rglob("index.html"))
# Every display equation's scrolling box: Material's div.arithmatex, or the display itself.
BOXES = """() => [...document.querySelectorAll('.katex-display')].map(d => {
  const box = d.closest('div.arithmatex') ?? d, r = box.getBoundingClientRect();
  return {wide: box.scrollWidth > box.clientWidth + 1, overflowX: getComputedStyle(box).overflowX,
          tabIndex: box.tabIndex, role: box.getAttribute('role'), name: box.getAttribute('aria-label'),
          left: r.left, right: r.right, mounted: Boolean(d.ravineTeardown)};
})"""


def test_the_pages_are_found():
    assert {"", "optimizers/adaptive/", "optimizers/playground/"} <= set(PAGES), PAGES


@pytest.mark.parametrize("path", PAGES, ids=[p.strip("/") or "home" for p in PAGES])
def test_nothing_is_wider_than_a_phone_and_wide_math_scrolls(browser, site_root, path):
    context, guard = open_context(browser, site_root, **PHONE)
    page = context.new_page()
    page.goto(site_root + path)
    load_every_image(page)
    page.wait_for_function("[...document.querySelectorAll('.katex-display')].every(d => d.ravineTeardown)"
                           " && [...document.images].every(i => i.complete)")
    width = page.evaluate("({scroll: document.documentElement.scrollWidth, inner: innerWidth})")
    assert width["scroll"] <= width["inner"], f"{path}: the page is wider than the screen: {width}"
    boxes = page.evaluate(BOXES)
    for k, box in enumerate(boxes):
        assert box["left"] >= 0 and box["right"] <= 375, f"equation {k} sticks out: {box}"
        if box["wide"]:
            assert box["overflowX"] in ("auto", "scroll"), f"equation {k} is cut off: {box}"
            assert box["tabIndex"] == 0 and box["role"] == "region" and box["name"], box
        else:
            assert box["tabIndex"] == -1, f"equation {k} fits, yet is a tab stop: {box}"
    wide = [k for k, box in enumerate(boxes) if box["wide"]]
    if path == "optimizers/adaptive/":
        assert wide, "the adaptive page's widest equations no longer need to scroll at 375 px"
    for k in wide:  # the keyboard scrolls each wide equation sideways
        box = page.locator(".katex-display").nth(k).locator("xpath=ancestor-or-self::*[@tabindex='0'][1]")
        box.focus()
        assert box.evaluate("b => b.scrollLeft") == 0
        page.keyboard.press("ArrowRight")
        page.wait_for_function("b => b.scrollLeft > 0", arg=box.element_handle())
    if wide:
        check_axe(page)
    context.close()
    guard.check()
