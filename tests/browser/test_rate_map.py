"""The Momentum lesson's rate map, used as a reader uses it (built site served under /ravine/).

By accessible names: focus "Rate map", move with the keys, read the status line; Enter (a
click, a tap) sets the navigator's "Learning rate value" and "Momentum β value" and runs
the race, whose scoreboard must equal the same race in CPython; the navigator's races are
marked on the map as they change; a vertical swipe scrolls the page; axe; light and dark.
"""

import json
import re

import pytest
from harness import (PHONE, check_axe, guarded_page, show_canvas, swipe, wait_navigator_live,
                     wait_python_ready)
from lesson_pages import substituted_page

from lesson_code.browser import call, handle
from lesson_code.theory import regime
from scripts import lesson_hook as hook

PAGE = "optimizers/momentum/"
pytestmark = pytest.mark.browser
NAVIGATORS = hook.page_navigators(substituted_page("momentum.md")[0])
WORDS = {"creep": "creeps (never changes sign)", "spiral": "spirals",
         "flip": "flips sign every step", "diverge": "diverges"}


def fmt(value):
    """A number as the page shows it: three significant digits, no trailing zeros."""
    text = repr(float(f"{value:.3g}"))
    return text[:-2] if text.endswith(".0") else text


def open_map(page, site_root):
    page.goto(site_root + PAGE)
    wait_python_ready(page)
    wait_navigator_live(page, "#walkthrough")
    page.locator("#rate-map[data-ready]").wait_for(timeout=60_000)
    spec = json.loads(page.locator("#rate-map").get_attribute("data-ravine-ratemap"))
    return page.get_by_role("application", name="Rate map"), call("rate_map", spec["request"])


def reading(grid, i, j):
    """What the status line must say at grid node (i, j), from lesson_code in CPython."""
    lr, beta = grid["lrs"][i], grid["betas"][j]
    rate = grid["rates"][j * grid["nx"] + i]
    slow, steep = grid["eigenvalues"]
    speed = f"rate {rate:#.4g} per step" + ("" if rate < 1 else ": no convergence")
    return (f"η = {fmt(lr)}, β = {fmt(beta)}: {speed}. Along the slow direction "
            f"(λ = {fmt(slow)}) the error {WORDS[regime(lr, beta, slow)]}; along the steep "
            f"one (λ = {fmt(steep)}) it {WORDS[regime(lr, beta, steep)]}.")


def nearest(grid, lr, beta):
    step = lambda axis: axis[1] - axis[0]
    return (round((lr - grid["lrs"][0]) / step(grid["lrs"])),
            round((beta - grid["betas"][0]) / step(grid["betas"])))


def readout(page):
    return page.locator("#rate-map").get_by_role("status").filter(has_text=re.compile(r"^η = "))


def cpython_race(lr, beta):
    """The race the map asks for, on top of the navigator's declared state."""
    setup = {"landscape": "ravine", "lr": lr, "beta": beta, "optimizers": ["sgd", "momentum"]}
    request = hook.race_request(setup, NAVIGATORS["walkthrough"])
    reply = json.loads(handle(json.dumps({"op": "race", "args": request})))
    assert reply["ok"], reply
    return reply["result"]["runs"]


def check_the_race(page, lr, beta):
    """The navigator shows η and β, its scoreboard the CPython race, the map says it."""
    nav = page.locator("#walkthrough.ravine-navigator")
    lr_box = nav.get_by_role("textbox", name="Learning rate value", exact=True)
    beta_box = nav.get_by_role("textbox", name="Momentum β value", exact=True)
    page.wait_for_function("([box, want]) => box.value === want",
                           arg=[lr_box.element_handle(), fmt(lr)])
    assert float(lr_box.input_value()) == lr and float(beta_box.input_value()) == beta
    said = page.locator("#rate-map .ratemap-race")
    said.filter(has_text="Raced at").wait_for(timeout=60_000)
    expected = cpython_race(lr, beta)
    board = nav.get_by_role("status", name="Scoreboard")
    lines = {li.locator("strong").inner_text(): li.inner_text() for li in board.locator("li").all()}
    assert list(lines) == [run["label"] for run in expected]
    for run in expected:
        assert run["message"] in lines[run["label"]], lines
        assert f"{run['label']} {run['message']}" in said.inner_text()
    assert said.inner_text().startswith(f"Raced at η = {fmt(lr)}, β = {fmt(beta)}:")
    return expected


def test_the_keys_read_the_map_and_enter_races_it(page, site_root):
    rate_map, grid = open_map(page, site_root)
    rate_map.focus()
    i, j = nearest(grid, grid["optimum"]["lr"], grid["optimum"]["beta"])
    readout(page).filter(has_text=reading(grid, i, j)).wait_for()  # starts at the best node
    rate_map.press("End")
    readout(page).filter(has_text=reading(grid, grid["nx"] - 1, j)).wait_for()
    assert "no convergence" in readout(page).inner_text()
    rate_map.press("Home")
    for key in ["Shift+ArrowRight"] * 5 + ["PageDown", "ArrowDown", "ArrowUp", "ArrowDown"]:
        rate_map.press(key)
    i, j = 5 * 10, j - 10 - 1
    readout(page).filter(has_text=reading(grid, i, j)).wait_for()
    assert readout(page).inner_text() == reading(grid, i, j)
    rate_map.press("Enter")
    lr, beta = grid["lrs"][i], grid["betas"][j]
    runs = check_the_race(page, lr, beta)
    assert [run["status"] for run in runs] == ["diverged", "converged"]  # η > 2/λ_max
    # the navigator's race is now marked where the reader pressed Enter
    legend = page.locator(f"#rate-map-navigator")
    assert f"GD at η = {fmt(lr)} (β = 0); momentum at η = {fmt(lr)}, β = {fmt(beta)}" in \
        legend.inner_text()
    check_axe(page)
    # the race line's button takes the reader to the race itself
    page.locator("#rate-map").get_by_role("button", name="See the race in the navigator").click()
    page.wait_for_function("""() => { const r = document.querySelector('#walkthrough')
        .getBoundingClientRect(); return r.top < innerHeight / 2 && r.bottom > 0; }""")
    assert page.evaluate("document.activeElement.closest('#walkthrough') !== null")


def test_a_held_key_does_not_flood_the_status_line(page, site_root):
    rate_map, grid = open_map(page, site_root)
    rate_map.focus()
    line = readout(page)
    line.wait_for()
    # when each new text reaches the line (one observer call per change)
    page.evaluate("""line => { window.said = [];
        new MutationObserver(() => window.said.push(performance.now())).observe(line,
            {childList: true, characterData: true, subtree: true}); }""", line.element_handle())
    for _ in range(12):
        rate_map.press("ArrowLeft")
    i, j = nearest(grid, grid["optimum"]["lr"], grid["optimum"]["beta"])
    line.filter(has_text=reading(grid, i - 12, j)).wait_for()  # the last position is said
    # The rule is time, not key count (rate-map.js READ_MS = 300: at most one new text per
    # 300 ms), so the check holds however fast a loaded machine delivers the keys: no two
    # texts closer than 300 ms, less the time an observer call can wait behind other work.
    said = page.evaluate("window.said")
    gaps = [round(b - a) for a, b in zip(said, said[1:])]
    assert said and min(gaps, default=300) >= 200, gaps


def test_pointing_reads_and_a_click_races_that_point(page, site_root):
    rate_map, grid = open_map(page, site_root)
    show_canvas(rate_map)
    i, j = nearest(grid, 0.15, 0.8)
    lr, beta = grid["lrs"][i], grid["betas"][j]
    x, y = page.evaluate("([lr, b]) => document.querySelector('#rate-map').rateMap.plot.toPixel(lr, b)",
                         [lr, beta])
    box = rate_map.bounding_box()
    page.mouse.move(box["x"] + x, box["y"] + y)
    readout(page).filter(has_text=reading(grid, i, j)).wait_for()
    rate_map.click(position={"x": x, "y": y})
    check_the_race(page, lr, beta)


def pixel(page, lr, beta):
    """The canvas's colour where (η, β) is drawn, once the reader has scrolled to the map."""
    show_canvas(page.get_by_role("application", name="Rate map"))
    return page.evaluate("""([lr, b]) => {
        const map = document.querySelector('#rate-map').rateMap, c = map.canvas;
        const [x, y] = map.plot.toPixel(lr, b), dpr = c.width / c.getBoundingClientRect().width;
        return [...c.getContext('2d').getImageData(Math.round(x * dpr), Math.round(y * dpr), 1, 1).data];
    }""", [lr, beta])


def test_the_marker_follows_the_navigator(page, site_root):
    rate_map, grid = open_map(page, site_root)
    nav = page.locator("#walkthrough.ravine-navigator")
    legend = page.locator("#rate-map-navigator")
    assert "GD at η = 0.18 (β = 0)" in legend.inner_text()
    assert "momentum" not in legend.inner_text()
    assert pixel(page, 0.12, 0.5)[:3] != [255, 255, 255]
    nav.get_by_role("checkbox", name="Momentum").check()
    for name, value in (("Learning rate value", "0.12"), ("Momentum β value", "0.5")):
        box = nav.get_by_role("textbox", name=name, exact=True)
        box.fill(value)
        box.press("Tab")
    legend.filter(has_text="momentum at η = 0.12, β = 0.5").wait_for()
    assert "GD at η = 0.12 (β = 0)" in legend.inner_text()
    assert pixel(page, 0.12, 0.5)[:3] == [255, 255, 255]  # the white square is there
    # the canvas tells a screen reader where the navigator's race is
    described = rate_map.get_attribute("aria-describedby").split()
    assert "rate-map-navigator" in described and "rate-map-keys" in described


def settled(page):
    """Waits until the page has not scrolled for ten frames."""
    page.evaluate("""() => new Promise((done) => {
        let last = scrollY, still = 0;
        const frame = () => {
            still = scrollY === last ? still + 1 : 0;
            last = scrollY;
            still >= 10 ? done() : requestAnimationFrame(frame);
        };
        requestAnimationFrame(frame);
    })""")


def test_at_375_px_a_tap_races_and_a_vertical_swipe_scrolls(browser, site_root):
    with guarded_page(browser, site_root, **PHONE, reduced_motion="reduce") as page:
        rate_map, grid = open_map(page, site_root)
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        rate_map.evaluate("c => c.scrollIntoView({block: 'center'})")
        box = rate_map.bounding_box()
        before = page.evaluate("scrollY")
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] * 0.8
        # a finger drawn upwards over the map, one frame at a time
        swipe(page, [(x, y - 20 * k) for k in range(11)], frame_by_frame=True)
        page.wait_for_function("before => scrollY > before + 100", arg=before)
        assert page.locator("#rate-map .ratemap-race").is_hidden()  # a swipe is not a tap
        settled(page)  # a tap during the fling would only stop it, as on a phone
        rate_map.evaluate("c => c.scrollIntoView({block: 'center'})")
        settled(page)
        box = rate_map.bounding_box()
        i, j = nearest(grid, 0.1, 0.3)
        lr, beta = grid["lrs"][i], grid["betas"][j]
        x, y = page.evaluate("([lr, b]) => document.querySelector('#rate-map').rateMap.plot.toPixel(lr, b)",
                             [lr, beta])
        page.touchscreen.tap(box["x"] + x, box["y"] + y)
        check_the_race(page, lr, beta)
        assert page.evaluate("document.documentElement.scrollWidth") <= 375


@pytest.mark.parametrize("width", [1280, 375])
def test_light_and_dark_are_sharp_and_redrawn(browser, site_root, width):
    with guarded_page(browser, site_root, viewport={"width": width, "height": 900},
                      device_scale_factor=2) as page:
        rate_map, grid = open_map(page, site_root)
        el = page.locator("#rate-map")
        show_canvas(rate_map)
        assert page.locator("#rate-map img").is_hidden() and rate_map.is_visible()
        size = rate_map.evaluate("c => [c.width, c.height, c.getBoundingClientRect().width,"
                                 " c.getBoundingClientRect().height]")
        # drawn at the screen's device pixels (within the rounding of the CSS size)
        assert abs(size[0] - size[2] * 2) <= 2 and abs(size[1] - size[3] * 2) <= 2
        rate_map.focus()
        readout(page).wait_for()
        el.scroll_into_view_if_needed()
        light = rate_map.evaluate("c => c.toDataURL()")
        swatch = page.locator("#rate-map .ratemap-swatch-unstable").evaluate("c => c.toDataURL()")
        page.evaluate("document.body.setAttribute('data-md-color-scheme', 'slate')")
        page.wait_for_function("([c, before]) => c.toDataURL() !== before",
                               arg=[rate_map.element_handle(), light])
        assert page.locator("#rate-map .ratemap-swatch-unstable").evaluate("c => c.toDataURL()") != swatch
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        check_axe(page, "#rate-map")


def test_without_python_the_static_figure_stays_and_says_why(browser, site_root):
    with guarded_page(browser, site_root, python=False) as page:
        page.goto(site_root + PAGE)
        status = page.locator("#rate-map").get_by_role("status")
        status.filter(has_text="computed when the page was built").wait_for(timeout=60_000)
        image = page.locator("#rate-map img")
        assert image.is_visible() and "momentum's best" in image.get_attribute("alt")
        assert page.get_by_role("application", name="Rate map").count() == 0


def test_leaving_the_page_tears_the_map_down(page, site_root):
    open_map(page, site_root)
    page.evaluate("window.oldMap = document.querySelector('#rate-map').rateMap")
    page.get_by_role("link", name="RMSProp and Adam").first.click()
    page.wait_for_url(re.compile(r"/optimizers/adaptive/"))
    page.wait_for_function("window.oldMap && window.oldMap.destroyed === true")
    page.go_back()
    page.locator("#rate-map[data-ready]").wait_for(timeout=60_000)
    assert page.evaluate("document.querySelector('#rate-map').rateMap !== window.oldMap")
