"""The lab at 375 px (issue 15): code and printed tables keep their lines and scroll
sideways (a wrapped Python line makes its indentation ambiguous), each scrolling region
is reachable by keyboard, and the page itself never scrolls sideways."""

import pytest
from harness import check_axe, guarded_page

pytestmark = pytest.mark.browser
REGIONS = ".ravine-lab .highlight-ipynb pre, .ravine-lab .jp-OutputArea-output pre"


def test_lab_code_scrolls_sideways_and_the_keyboard_reaches_it(browser, site_root):
    with guarded_page(browser, site_root, viewport={"width": 375, "height": 740},
                      has_touch=True, is_mobile=True) as page:
        page.goto(site_root + "optimizers/lab/")
        regions = page.locator(REGIONS)
        assert regions.count() > 5
        styles = regions.evaluate_all("els => els.map(e => getComputedStyle(e).whiteSpace)")
        assert set(styles) == {"pre"}, set(styles)
        page.wait_for_function("""sel => [...document.querySelectorAll(sel)]
            .filter(e => e.scrollWidth > e.clientWidth + 1).every(e => e.tabIndex === 0 && e.getAttribute('aria-label'))""",
                               arg=REGIONS)
        wide = regions.evaluate_all("els => els.filter(e => e.scrollWidth > e.clientWidth + 1).length")
        assert wide >= 1, "at 375 px some code is wider than the column"
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        check_axe(page)
        first = page.locator(REGIONS).and_(page.locator("[tabindex='0']")).first
        first.focus()
        page.keyboard.press("ArrowRight")
        page.wait_for_function("el => el.scrollLeft > 0", arg=first.element_handle())
