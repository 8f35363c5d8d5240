"""The navigator's layout (issue 15): the plot, the Run button and the scoreboard fit in one
screen at 1280×800 and at 375×740; a prediction's run brings the plot into view below
Material's sticky header; Material's "back to top" button never covers the plot.
"""

import pytest
from harness import check_axe, open_context

pytestmark = pytest.mark.browser

IN_VIEW = """nav => { const r = (s) => nav.querySelector(s).getBoundingClientRect();
    const header = document.querySelector('.md-header').getBoundingClientRect().bottom;
    const plot = r('.navigator-plot-box'), run = r('.navigator-buttons'), score = r('.navigator-scoreboard');
    return {header, height: innerHeight, plotTop: plot.top, plotBottom: plot.bottom, runBottom: run.bottom,
            scoreBottom: score.bottom}; }"""


def together(where):
    return (where["plotTop"] >= where["header"]
            and max(where["plotBottom"], where["runBottom"], where["scoreBottom"]) <= where["height"])


SIZES = [{"width": 1280, "height": 800}, {"width": 375, "height": 740}]
NAVIGATORS = [("dev/navigator/", "harness"), ("optimizers/ravine/", "ravine-gd"),
              ("optimizers/momentum/", None)]


@pytest.mark.parametrize("size", SIZES, ids=["1280x800", "375x740"])
@pytest.mark.parametrize("path, nav_id", NAVIGATORS, ids=["harness", "ravine", "momentum"])
def test_plot_run_and_scoreboard_fit_in_one_screen(browser, site_root, size, path, nav_id):
    context, guard = open_context(browser, site_root, viewport=size)
    page = context.new_page()
    page.goto(site_root + path)
    nav = page.locator(f"#{nav_id}" if nav_id else ".ravine-navigator").first
    nav.and_(page.locator(".navigator-live")).wait_for(timeout=60_000)
    nav.locator(".navigator-figure").evaluate("f => f.scrollIntoView({block: 'start'})")
    where = nav.evaluate(IN_VIEW)
    assert together(where), where
    context.close()
    guard.check()


@pytest.mark.parametrize("size", SIZES, ids=["1280x800", "375x740"])
def test_the_playground_fits_in_one_screen(browser, site_root, size):
    """Five runs: on a phone the scoreboard scrolls in the room left under the plot and Run,
    and, as it scrolls, the keyboard reaches it."""
    context, guard = open_context(browser, site_root, viewport=size)
    page = context.new_page()
    page.goto(site_root + "optimizers/playground/")
    nav = page.locator("#playground-navigator.navigator-live")
    nav.wait_for(timeout=60_000)
    scores = nav.locator(".navigator-scoreboard .navigator-score")
    page.wait_for_function("n => { const s = [...n.querySelectorAll('.navigator-score')];"
                           " return s.length === 5 && s.every(li => li.dataset.status !== 'animating'); }",
                           arg=nav.element_handle())
    nav.locator(".navigator-figure").evaluate("f => f.scrollIntoView({block: 'start'})")
    where = nav.evaluate(IN_VIEW)
    assert together(where), where
    board = nav.get_by_role("status", name="Scoreboard")
    scrolls = board.evaluate("b => b.scrollHeight > b.clientHeight + 1")
    assert scrolls == (size["width"] < 600), "the five runs' scoreboard scrolls on a phone only"
    assert board.evaluate("b => b.tabIndex") == (0 if scrolls else -1)
    if scrolls:  # every run can be read: the last one scrolls into the box
        board.focus()
        page.keyboard.press("End")
        page.wait_for_function("b => b.scrollTop + b.clientHeight >= b.scrollHeight - 1",
                               arg=board.element_handle())
        last = scores.last.bounding_box()
        box = board.bounding_box()
        assert last["y"] + last["height"] <= box["y"] + box["height"] + 1, (last, box)
        assert box["y"] + box["height"] <= size["height"]
    check_axe(page, "#playground-navigator")
    context.close()
    guard.check()


def test_a_playground_experiment_brings_the_plot_into_view(browser, site_root):
    """A "Set up" button below the navigator races and brings the plot and Run into view."""
    size = SIZES[1]
    context, guard = open_context(browser, site_root, viewport=size, reduced_motion="reduce",
                                  has_touch=True, is_mobile=True)
    page = context.new_page()
    page.goto(site_root + "optimizers/playground/")
    nav = page.locator("#playground-navigator.navigator-live")
    nav.wait_for(timeout=60_000)
    button = page.get_by_role("button", name="Set up: the rotated ravine race")  # five runs
    button.scroll_into_view_if_needed()
    assert nav.locator(".navigator-plot-box").evaluate("b => b.getBoundingClientRect().bottom < 0")
    button.click()
    page.wait_for_function("n => { const s = [...n.querySelectorAll('.navigator-score')];"
                           " return n.querySelector('.navigator-now:not([hidden])') && s.length === 5"
                           " && s.every(li => li.dataset.status !== 'animating'); }", arg=nav.element_handle())
    where = nav.evaluate(IN_VIEW)
    # the plot and Run in view (above the plot, the caption now says what is racing)
    assert where["plotTop"] >= where["header"], where
    assert max(where["plotBottom"], where["runBottom"]) <= where["height"], where
    context.close()
    guard.check()


@pytest.mark.parametrize("size", SIZES, ids=["1280x800", "375x740"])
def test_a_prediction_brings_the_plot_into_view_below_the_header(browser, site_root, size):
    context, guard = open_context(browser, site_root, viewport=size, reduced_motion="reduce")
    page = context.new_page()
    page.goto(site_root + "optimizers/ravine/")
    page.locator("#ravine-gd.navigator-live").wait_for(timeout=60_000)
    section = page.locator("#ravine-past-the-ceiling")
    section.scroll_into_view_if_needed()
    section.get_by_role("radio").nth(0).check()
    page.evaluate("window.scrollBy(0, 600)")  # the reader has read on, past the plot
    section.get_by_role("button", name="Commit my prediction and run").click()
    page.wait_for_function("el => el.textContent.includes('You predicted')",
                           arg=section.get_by_role("status").element_handle(), timeout=60_000)
    where = page.locator("#ravine-gd").evaluate(IN_VIEW)
    assert together(where), where
    context.close()
    guard.check()


@pytest.mark.parametrize("path, nav_id", [("dev/navigator/", "harness"),
                                          ("optimizers/playground/", "playground-navigator")],
                         ids=["harness", "playground"])
def test_back_to_top_never_covers_the_plot(browser, site_root, path, nav_id):
    context, guard = open_context(browser, site_root, viewport=SIZES[1], has_touch=True, is_mobile=True)
    page = context.new_page()
    page.goto(site_root + path)
    nav = page.locator(f"#{nav_id}.navigator-live")
    nav.wait_for(timeout=60_000)
    nav.locator(".navigator-scoreboard").evaluate("s => s.scrollIntoView({block: 'end'})")
    page.mouse.wheel(0, -150)  # scrolling up shows Material's button
    page.locator(".md-top:not([hidden])").wait_for()
    page.wait_for_function("() => { const t = document.querySelector('.md-top');"
                           " return getComputedStyle(t).opacity === '1'; }")
    top = page.locator(".md-top").bounding_box()
    plot = nav.locator(".navigator-plot-box").bounding_box()
    assert plot["y"] < 740 and plot["y"] + plot["height"] > 48, "the plot is in view"
    overlap_x = min(top["x"] + top["width"], plot["x"] + plot["width"]) - max(top["x"], plot["x"])
    overlap_y = min(top["y"] + top["height"], plot["y"] + plot["height"]) - max(top["y"], plot["y"])
    assert overlap_x <= 0 or overlap_y <= 0, (top, plot)
    context.close()
    guard.check()


# Where each part of a navigator's upper half stands, relative to the navigator's top: the
# figure, the buttons row, the keys line and the text of the loading line.
UPPER = """nav => { const top = nav.getBoundingClientRect().top;
    const at = (el) => Math.round(el.getBoundingClientRect().top - top);
    const text = document.createRange();
    text.selectNodeContents(nav.querySelector('.navigator-loading'));
    return {figure: at(nav.querySelector('.navigator-figure')), buttons: at(nav.querySelector('.navigator-buttons')),
            keys: at(nav.querySelector('.navigator-keys')), loading: at(text)}; }"""


@pytest.mark.parametrize("width", [320, 412, 600, 1280])
@pytest.mark.parametrize("path", ["optimizers/playground/", "optimizers/momentum/"])
def test_nothing_above_the_loading_line_moves_when_the_navigator_mounts(browser, site_root, path, width):
    """The page as its HTML draws it (no script has run: JavaScript off) and the mounted
    navigator, then the live one, stand the same, at every width the buttons row and the
    legend wrap differently: the buttons, the scoreboard, the legend (with lesson_code's
    labels) and the keys line are in the HTML (navigator_hook.py), not inserted above the
    loading line. The playground's navigator is in the first screen, where the insertion at
    mount and the legend filled when live were layout shifts (Lighthouse, 412 px: 0.036)."""
    where = {}
    for script in (False, True):
        context, guard = open_context(browser, site_root, java_script_enabled=script,
                                      viewport={"width": width, "height": 800})
        page = context.new_page()
        page.goto(site_root + path)
        nav = page.locator(".ravine-navigator").first
        if script:
            nav.locator(".navigator-controls").wait_for(state="attached")
        where["mounted" if script else "html"] = nav.evaluate(UPPER)
        if script:  # and once live: the legend, in the HTML with lesson_code's labels, is drawn
            nav.and_(page.locator(".navigator-live")).wait_for(timeout=60_000)
            where["live"] = nav.evaluate(UPPER)
        context.close()
        guard.check()
    assert where["html"] == where["mounted"], where
    # live, the scoreboard under the buttons fills and the loading line goes: above them,
    # nothing moves
    assert {k: where["live"][k] for k in ("figure", "buttons")} == \
        {k: where["mounted"][k] for k in ("figure", "buttons")}, where
