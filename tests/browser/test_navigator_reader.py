"""The navigator as a reader meets it on a phone and by keyboard (issue 15).

On a phone (375 px, touch): a vertical swipe over the map scrolls the page and leaves the
start point alone; only a touch that starts on the start handle drags it. By keyboard:
every control shows a visible focus indicator, not hidden under Material's sticky header,
and the sliders move in steps a reader can feel.
"""

import json

import pytest
from harness import PHONE, guarded_page, wait_navigator_live
from harness import swipe as touch_swipe

from lesson_code.browser import handle
from lesson_code.optimizers import REGISTRY

PAGE = "dev/navigator/"
# The harness navigator's controls: Run, Pause, Step, Reset, Copy as Python, the landscape
# menu, η's and β's sliders and boxes, start x and y and the steps (13), and one check box
# per registered optimizer, a course author's new one included. The map is a tab stop too.
CONTROLS = 13 + len(REGISTRY)
pytestmark = pytest.mark.browser


RAVINE_RACE = {"landscape": "ravine", "start": [-8, 2], "num_steps": 300,
               "optimizers": [{"name": "sgd", "lr": 0.18}, {"name": "momentum", "lr": 0.18, "beta": 0.9}]}


def lesson(op, args):
    reply = json.loads(handle(json.dumps({"op": op, "args": args})))
    assert reply["ok"], reply
    return reply["result"]


def open_harness(page, site_root):
    page.goto(site_root + PAGE)
    return wait_navigator_live(page, "#harness")


def start_boxes(nav):
    return [nav.get_by_role("textbox", name=n, exact=True).input_value() for n in ("Start x", "Start y")]


@pytest.fixture
def phone(browser, site_root):
    with guarded_page(browser, site_root, **{**PHONE, "viewport": {"width": 375, "height": 740}}) as page:
        yield page.context, page


def swipe(context, page, points):
    """One finger along `points` (viewport CSS px), as a phone's touch screen sends it."""
    touch_swipe(page, points)


def handle_at(page):
    """Where the start handle is drawn, in viewport CSS px."""
    return page.evaluate("""() => { const nav = document.querySelector('#harness').navigator;
        const r = nav.canvas.getBoundingClientRect(); const [x, y] = nav.plot.toPixel(...nav.state.start);
        return [r.left + x, r.top + y]; }""")


def test_a_vertical_swipe_over_the_map_scrolls_the_page_and_leaves_the_start(phone, site_root):
    context, page = phone
    nav = open_harness(page, site_root)
    canvas = nav.locator("canvas.navigator-canvas")
    canvas.evaluate("c => c.scrollIntoView({block: 'center'})")
    page.wait_for_function("window.scrollY > 0")
    before_start, before_y = start_boxes(nav), page.evaluate("window.scrollY")
    b = canvas.bounding_box()
    hx, hy = handle_at(page)
    x = b["x"] + 0.7 * b["width"]  # far from the handle (at the left, x = −8)
    assert abs(x - hx) > 60
    ys = [b["y"] + b["height"] * (0.8 - 0.06 * i) for i in range(11)]  # finger moves up: page scrolls down
    swipe(context, page, [(x, y) for y in ys])
    page.wait_for_function("y => window.scrollY > y + 40", arg=before_y)
    assert start_boxes(nav) == before_start
    assert "nav-harness=" not in page.url


def test_a_drag_that_starts_on_the_handle_moves_the_start_and_not_the_page(phone, site_root):
    context, page = phone
    nav = open_harness(page, site_root)
    nav.locator("canvas.navigator-canvas").evaluate("c => c.scrollIntoView({block: 'center'})")
    page.wait_for_function("window.scrollY > 0")
    before_start, before_y = start_boxes(nav), page.evaluate("window.scrollY")
    hx, hy = handle_at(page)
    # mostly vertical, as a swipe would be: on the handle it is a drag, not a scroll
    swipe(context, page, [(hx + 6 * i, hy - 8 * i) for i in range(11)])
    page.wait_for_function("location.search.includes('nav-harness=')")
    after = start_boxes(nav)
    assert after != before_start
    assert float(after[0]) > float(before_start[0]) and float(after[1]) > float(before_start[1])
    assert page.evaluate("window.scrollY") == before_y


STYLE = """el => { const s = getComputedStyle(el);
    return {outline: `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}`, width: parseFloat(s.outlineWidth),
            style: s.outlineStyle, shadow: s.boxShadow, background: s.backgroundColor}; }"""
WHERE = """el => { const r = el.getBoundingClientRect(), s = getComputedStyle(el);
    const ring = parseFloat(s.outlineWidth) + parseFloat(s.outlineOffset || 0);
    const header = document.querySelector('.md-header').getBoundingClientRect().bottom;
    return {top: r.top - ring, bottom: r.bottom + ring, header, height: innerHeight}; }"""
NAME = """el => el.getAttribute('aria-label') || (el.labels && el.labels[0] ? el.labels[0].textContent.trim()
    : el.textContent.trim()) || el.tagName"""


def tab_stops(page, key):
    """Presses `key` until focus leaves the harness navigator; returns, for each control
    reached, its name, its style and where it is while it has the focus."""
    stops = []
    for _ in range(40):
        page.keyboard.press(key)
        el = page.evaluate_handle("document.activeElement")
        if not el.evaluate("el => !!el.closest('#harness')"):
            return stops
        stops.append((el.evaluate(NAME), el.evaluate(STYLE), el.evaluate(WHERE)))
    raise AssertionError("focus never left the navigator")


def test_every_control_shows_its_focus_and_none_is_under_the_header(page, site_root):
    page.set_viewport_size({"width": 1280, "height": 800})
    nav = open_harness(page, site_root)
    focusable = nav.locator("input, select, button, textarea:not([hidden]), canvas").element_handles()
    unfocused = {el.evaluate(NAME): el.evaluate(STYLE) for el in focusable}
    page.locator("h2#the-ravine-race a.headerlink").focus()
    for key in ("Tab", "Shift+Tab"):
        stops = tab_stops(page, key)
        assert len(stops) == CONTROLS + 1, [name for name, _, _ in stops]  # and the map
        for name, focused, where in stops:
            assert focused != unfocused[name], f"{name}: focus changes nothing"
            visible = (focused["style"] != "none" and focused["width"] >= 2) or focused["shadow"] != "none"
            assert visible, f"{name}: no outline or shadow on focus ({focused})"
            assert where["top"] >= where["header"] and where["bottom"] <= where["height"], f"{name} ({key}): {where}"


def test_the_sliders_move_in_steps_a_reader_can_feel_and_end_stays_stable(page, site_root):
    nav = open_harness(page, site_root)
    lr_box = nav.get_by_role("textbox", name="Learning rate value", exact=True)
    slider = nav.get_by_role("slider", name="Learning rate")
    slider.focus()
    slider.press("ArrowRight")
    assert 0.185 <= float(lr_box.input_value()) <= 0.2  # 0.18 → about 6% more
    for _ in range(4):
        slider.press("ArrowRight")
    assert 0.22 <= float(lr_box.input_value()) <= 0.26
    before = float(lr_box.input_value())
    slider.press("PageDown")
    assert float(lr_box.input_value()) < before / 1.4
    slider.press("End")  # just under the race's largest limit: momentum's (2 + 2β)/λ_max
    limit = lesson("race", RAVINE_RACE)["limits"]["momentum"]
    assert limit * 0.95 < float(lr_box.input_value()) < limit
    page.wait_for_function("lr => document.querySelector('#harness').navigator.result?.state.lr === lr",
                           arg=float(lr_box.input_value()))
    runs = page.evaluate("document.querySelector('#harness').navigator.result.runs.map(r => r.status)")
    assert "diverged" not in runs[1:], runs  # momentum stays stable at End
    beta_box = nav.get_by_role("textbox", name="Momentum β value", exact=True)
    beta = nav.get_by_role("slider", name="Momentum β")
    beta.press("ArrowLeft")
    assert beta_box.input_value() == "0.89"
    beta.press("PageUp")
    assert beta_box.input_value() == "0.99"
    beta.press("End")
    assert beta_box.input_value() == "0.99"


def test_on_a_phone_every_control_is_a_24_px_target_and_text_boxes_do_not_zoom(phone, site_root):
    context, page = phone
    nav = open_harness(page, site_root)
    sizes = nav.locator("input, select, button").evaluate_all("""els => els.map(el => {
        const r = el.getBoundingClientRect();
        return {name: el.getAttribute('aria-label') || el.id, type: el.type, w: r.width, h: r.height,
                font: parseFloat(getComputedStyle(el).fontSize)}; })""")
    assert len(sizes) == CONTROLS, sizes
    small = [s for s in sizes if s["w"] < 24 or s["h"] < 24]
    assert not small, small
    typing = [s for s in sizes if s["type"] in ("text", "select-one") and s["font"] < 16]
    assert not typing, typing


def test_copied_is_a_success_not_an_error_and_it_goes(browser, site_root):
    with guarded_page(browser, site_root) as page:
        page.context.grant_permissions(["clipboard-read", "clipboard-write"])
        nav = open_harness(page, site_root)
        lr_box = nav.get_by_role("textbox", name="Learning rate value", exact=True)
        lr_box.fill("lots")
        lr_box.press("Enter")
        error = nav.locator(".navigator-lr .navigator-msg")
        error.wait_for()
        nav.get_by_role("button", name="Copy as Python").click()
        note = nav.locator(".navigator-msg", has_text="Copied the Python")
        note.wait_for()
        assert "import" in page.evaluate("navigator.clipboard.readText()")
        color = lambda loc: loc.evaluate("el => getComputedStyle(el).color")  # noqa: E731
        assert color(note) != color(error)
        assert note.get_attribute("role") == "status"
        note.wait_for(state="hidden", timeout=15_000)  # it fades and goes
        assert error.inner_text().startswith("Type a number")  # the error stays


def test_the_labels_follow_the_race(page, site_root):
    nav = open_harness(page, site_root)
    caption = nav.locator("figcaption")
    assert caption.locator(".navigator-now").is_hidden()  # the declared race: the author's caption
    nav.locator("canvas.navigator-canvas").focus()
    page.keyboard.press("ArrowUp")
    x, y = start_boxes(nav)
    assert (x, y) != ("-8", "2")
    now = caption.locator(".navigator-now")
    assert f"from (−{x.lstrip('-')}, {y})" in now.inner_text(), now.inner_text()

    # β = 0.5 against β = 0.99: per run, in the box, the slider and the limits line
    page.evaluate("""() => document.querySelector('#harness').dispatchEvent(new CustomEvent('navigator:set',
        {detail: {runs: [{name: 'momentum', lr: 0.05, beta: 0.5}, {name: 'momentum', lr: 0.05, beta: 0.99}]}}))""")
    page.wait_for_function("() => document.querySelector('#harness').navigator.result?.state.runs?.length === 2")
    beta_box = nav.get_by_role("textbox", name="Momentum β value", exact=True)
    assert beta_box.input_value() == "" and beta_box.get_attribute("placeholder") == "per run"
    slider = nav.get_by_role("slider", name="Momentum β")
    assert slider.get_attribute("aria-valuetext") == "β per run: 0.5 and 0.99"
    assert nav.get_by_role("textbox", name="Learning rate value", exact=True).input_value() == "0.05"
    limits = nav.locator(".navigator-limits").inner_text()
    expected = lesson("race", {**RAVINE_RACE, "optimizers": [{"name": "momentum", "lr": 0.05, "beta": 0.5},
                                                             {"name": "momentum", "lr": 0.05, "beta": 0.99}]})
    assert f"η < {expected['limits']['momentum']:.3g}" in limits and "for β = 0.5" in limits, limits
    assert "Momentum (η = 0.05, β = 0.5), Momentum (η = 0.05, β = 0.99)" in now.inner_text()
    # the β slider sets one β for every run again, a step from where it stands (0.9)
    slider.press("ArrowRight")
    page.wait_for_function("() => { const s = document.querySelector('#harness').navigator.result.state;"
                           " return s.runs.every(r => r.beta === undefined) && s.beta === 0.91; }")
    assert slider.get_attribute("aria-valuetext") == "β = 0.91"
    assert beta_box.input_value() == "0.91"
