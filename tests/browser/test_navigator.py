"""The navigator, as a reader meets it on its harness page (docs/dev/navigator.md).

Controls are found by their accessible names, by role, so each name is unambiguous:
  select "Landscape"; slider "Learning rate" and text box "Learning rate value";
  slider "Momentum β" and text box "Momentum β value"; text boxes "Start x", "Start y",
  "Steps"; check boxes "GD", "Momentum", "Nesterov", "RMSProp", "Adam" (group
  "Optimizers"); buttons "Run", "Pause", "Step", "Reset", "Copy as Python"; the map is
  role "img" named after its landscape ("…, contour map…"), the loss panel under it role
  "img" named "Loss against step", the scoreboard role "status".
Every number the page shows is checked against lesson_code run here, in CPython.
"""

import json
import re
from urllib.parse import quote

import pytest
from harness import (PHONE, check_axe, guarded_page, next_frame, swipe, wait_navigator_live, without_motion,
                    wait_python_failed)

from lesson_code.browser import handle

PAGE = "dev/navigator/"
pytestmark = pytest.mark.browser


def lesson(op, args):
    reply = json.loads(handle(json.dumps({"op": op, "args": args})))
    assert reply["ok"], reply
    return reply["result"]


def race_args(lr, beta, start, optimizers=("sgd", "momentum"), num_steps=300, landscape="ravine"):
    return {"landscape": landscape, "start": list(start), "num_steps": num_steps,
            "optimizers": [{"name": n, "lr": lr, **({"beta": beta} if n in ("momentum", "nesterov") else {})}
                           for n in optimizers]}


FOCUSED = """() => { const a = document.activeElement;
    const name = a.getAttribute('aria-label') || (a.labels && a.labels[0] ? a.labels[0].textContent : a.textContent);
    return {inside: !!a.closest('#harness'), role: a.getAttribute('role'), name: name.trim()}; }"""


def open_harness(page, site_root, query=""):
    page.goto(site_root + PAGE + query)
    return wait_navigator_live(page, "#harness")


def map_plot(nav):
    """The map (role img): its name says the landscape and the race. The loss panel under
    it is the other img, "Loss against step" (tests/browser/test_loss_panel.py)."""
    return nav.get_by_role("img", name="contour map")


def on_map(page, x, y, selector="#harness"):
    """Where the map draws the data point (x, y), in viewport CSS px (the page's mapping:
    equal scales on x and y, the plot letterboxed in the canvas)."""
    return page.evaluate("""([selector, x, y]) => { const nav = document.querySelector(selector).navigator;
        const r = nav.canvas.getBoundingClientRect(), [px, py] = nav.plot.toPixel(x, y);
        return [r.left + px, r.top + py]; }""", [selector, x, y])


def box(nav, name):
    return nav.get_by_role("textbox", name=name, exact=True)


def type_into(nav, name, text):
    field = box(nav, name)
    field.fill(text)
    field.press("Enter")


def listen(page, event, selector="#harness"):
    """Collects the detail of every `event` the navigator at selector (the harness's)
    dispatches."""
    page.evaluate("""([event, selector]) => {
        window.seen = window.seen || {};
        window.seen[event] = [];
        document.querySelector(selector).addEventListener(event, e => window.seen[event].push(e.detail));
    }""", [event, selector])


def seen(page, event):
    return page.evaluate("event => window.seen[event]", event)


def wait_state(page, selector="#harness", timeout=30_000, **state):
    """Waits until the navigator at selector shows the race of `state` (fields of its
    result's state, e.g. lr=0.1) and returns that result. Counting events cannot say
    which race came back: one typed value can be raced on input and again on Enter."""
    page.wait_for_function(
        """([selector, want]) => { const r = document.querySelector(selector).navigator.result;
            return !!r && Object.entries(want).every(([k, v]) => JSON.stringify(r.state[k]) === JSON.stringify(v)); }""",
        arg=[selector, state], timeout=timeout)
    return page.evaluate("selector => document.querySelector(selector).navigator.result", selector)


def wait_seen(page, event, count=1, timeout=30_000):
    page.wait_for_function("([e, n]) => window.seen[e].length >= n", arg=[event, count], timeout=timeout)
    return seen(page, event)


def scores(nav):
    """{run label: scoreboard line} from the role=status scoreboard."""
    board = nav.get_by_role("status", name="Scoreboard")
    return {li.locator("strong").inner_text(): li.inner_text() for li in board.locator("li").all()}


def loss_in(text):
    match = re.search(r"loss ([−+\d.e]+)", text)
    return float(match.group(1).replace("−", "-"))


def finished_in_the_click(nav):
    """Clicks Run from inside the page; how many navigator:finished events (listen) had
    come when the click's own task ended."""
    return nav.get_by_role("button", name="Run", exact=True).evaluate(
        "b => { b.click(); return window.seen['navigator:finished'].length; }")


def assert_scoreboard_matches(nav, expected_runs):
    lines = scores(nav)
    assert list(lines) == [run["label"] for run in expected_runs]
    for run in expected_runs:
        line = lines[run["label"]]
        assert f"step {len(run['xs']) - 1}," in line, line
        assert run["message"] in line and run["explanation"] in line, line
        # the explanation says why; it does not repeat the message ("converged at step 135.
        # Converged at step 135: …")
        assert line.lower().count(run["message"].lower()) == 1, line
        assert loss_in(line) == pytest.approx(run["losses"][-1], rel=6e-3, abs=1e-12)
        assert "NaN" not in line and "Infinity" not in line


def test_before_python_the_static_figure_and_labelled_disabled_controls(page, site_root):
    page.goto(site_root + PAGE, wait_until="domcontentloaded")
    nav = page.locator("#harness")
    figure = nav.locator("img.navigator-static")
    assert figure.is_visible() and "GD" in figure.get_attribute("alt")
    nav.get_by_role("combobox", name="Landscape").wait_for()
    if not page.evaluate("document.documentElement.dataset.python === 'ready'"):
        assert nav.get_by_role("combobox", name="Landscape").is_disabled()
        assert nav.get_by_role("button", name="Run", exact=True).is_disabled()
        assert re.search(r"Loading Python…|Downloading Python…( \d+%)?|Starting Python…|Loading the lesson code…|computing", nav.locator("[data-nav-loading]").inner_text())
    nav.locator(".navigator-canvas").wait_for(timeout=60_000)
    assert not figure.is_visible()


def test_labelled_inputs_and_run_report_what_lesson_code_computes(page, site_root):
    nav = open_harness(page, site_root)
    type_into(nav, "Learning rate value", "0.15")
    type_into(nav, "Momentum β value", "0.8")
    type_into(nav, "Start x", "-7")
    type_into(nav, "Start y", "1.5")
    listen(page, "navigator:finished")
    nav.get_by_role("button", name="Run", exact=True).click()
    detail = wait_seen(page, "navigator:finished")[0]
    expected = lesson("race", race_args(0.15, 0.8, (-7, 1.5)))["runs"]
    assert [(r["label"], r["message"]) for r in detail["runs"]] == [(r["label"], r["message"]) for r in expected]
    assert_scoreboard_matches(nav, expected)
    # the slider shows the same η, on its log scale, and the plot's label says the race
    assert nav.get_by_role("slider", name="Learning rate").get_attribute("aria-valuetext") == "η = 0.15"
    label = map_plot(nav).get_attribute("aria-label")
    assert "Start (−7, 1.5)" in label and "η = 0.15" in label and expected[1]["message"] in label
    # the stability marks come from the race's limits: 2/λ_max and (2 + 2β)/λ_max
    limits = nav.locator(".navigator-limits").inner_text()
    assert "η < 0.2 (2/λ_max)" in limits and "η < 0.36 ((2+2β)/λ_max)" in limits


def test_dragging_the_start_point_redraws_while_moving_and_updates_the_url(page, site_root):
    nav = open_harness(page, site_root)
    canvas = map_plot(nav)
    before = canvas.get_attribute("aria-label")
    listen(page, "navigator:result")
    # from (−5, 1.2) right and up to (−2, 2.2), where the page's own mapping draws them
    page.mouse.move(*on_map(page, -5, 1.2))
    page.mouse.down()
    for i in range(1, 11):
        page.mouse.move(*on_map(page, -5 + 0.3 * i, 1.2 + 0.1 * i))
        next_frame(page)
    page.wait_for_function("window.seen['navigator:result'].length >= 2")
    during = len(seen(page, "navigator:result"))
    page.mouse.up()
    assert during >= 2, "the race must be recomputed while the pointer moves"
    page.wait_for_function("([el, old]) => el.getAttribute('aria-label') !== old", arg=[canvas.element_handle(), before])
    page.wait_for_function("location.search.includes('nav-harness=')")
    x, y = float(box(nav, "Start x").input_value()), float(box(nav, "Start y").input_value())
    assert -8 < x < 10 and 0 < y < 4 and (x, y) != (-8, 2)
    assert f"x:{box(nav, 'Start x').input_value()}" in page.url
    page.wait_for_function("([x, y]) => { const d = window.seen['navigator:result'].at(-1);"
                           " return d.state.start[0] === x && d.state.start[1] === y; }", arg=[x, y])
    last = seen(page, "navigator:result")[-1]
    expected = lesson("race", race_args(0.18, 0.9, (x, y)))["runs"]
    assert last["state"]["start"] == [x, y]
    assert [r["message"] for r in last["runs"]] == [r["message"] for r in expected]


def test_a_divergent_learning_rate_is_explained_and_the_page_stays_responsive(page, site_root):
    nav = open_harness(page, site_root)
    type_into(nav, "Learning rate value", "0.25")
    wait_state(page, lr=0.25)
    expected = lesson("race", race_args(0.25, 0.9, (-8, 2)))["runs"]
    assert expected[0]["status"] == "diverged"
    line = scores(nav)["GD"]
    assert expected[0]["message"] in line and "η·λ_max = 2.5 > 2: every step overshoots" in line
    assert_scoreboard_matches(nav, expected)
    # still responsive: the next change is computed and drawn at once
    type_into(nav, "Learning rate value", "0.1")
    wait_state(page, lr=0.1)
    assert "diverged" not in scores(nav)["GD"]
    assert page.evaluate("1 + 1") == 2


def test_a_typed_value_is_raced_once_and_enter_only_writes_the_link(page, site_root):
    """Typing races each value as it stands; Enter then has nothing new to race, whether
    that race is already drawn or still on its way (Enter in the same task as the typing,
    as a fast typist or a slow machine meets it)."""
    nav = open_harness(page, site_root)
    listen(page, "navigator:result")
    field = box(nav, "Learning rate value")

    def settled(lr):
        page.wait_for_function("""lr => { const n = document.querySelector('#harness').navigator;
            return n.result?.state.lr === lr && !n.busy && !n.wanted && location.search.includes(`lr:${lr}`); }""",
                               arg=lr)

    # Enter once the race is drawn
    type_into(nav, "Learning rate value", "0.25")
    settled(0.25)
    # Enter while the race is on its way
    field.evaluate("""box => { box.value = '0.1';
        box.dispatchEvent(new Event('input', { bubbles: true }));
        box.dispatchEvent(new Event('change', { bubbles: true })); }""")
    settled(0.1)
    assert [d["state"]["lr"] for d in seen(page, "navigator:result")] == [0.25, 0.1]
    assert field.input_value() == "0.1"


def test_a_move_that_leaves_the_start_where_it_was_asks_for_no_race(page, site_root):
    """An arrow key against the plot's edge (or a drag that stays inside one rounding step)
    leaves the start where it is: nothing new to race, so Python is not asked again."""
    nav = open_harness(page, site_root)
    listen(page, "navigator:result")
    type_into(nav, "Start x", "-10")  # the ravine's left edge
    wait_state(page, start=[-10, 2])
    page.wait_for_function("() => { const n = document.querySelector('#harness').navigator; return !n.busy && !n.wanted; }")
    map_plot(nav).focus()
    page.keyboard.press("ArrowLeft")  # against the edge: the start stays at x = -10
    assert box(nav, "Start x").input_value() == "-10"
    page.keyboard.press("ArrowRight")  # 2 % of the ravine's shorter side (8)
    wait_state(page, start=[-9.84, 2])
    assert [d["state"]["start"] for d in seen(page, "navigator:result")] == [[-10, 2], [-9.84, 2]]


def test_run_pressed_right_after_a_change_runs_the_changed_race(page, site_root):
    """Run in the same moment as a change: the race still on its way is the one that runs."""
    nav = open_harness(page, site_root)
    without_motion(page)
    listen(page, "navigator:finished")
    steps, run = box(nav, "Steps"), nav.get_by_role("button", name="Run", exact=True)
    page.evaluate("""([steps, run]) => { steps.value = '120'; steps.dispatchEvent(new Event('change'));
        run.click(); }""", [steps.element_handle(), run.element_handle()])
    finished = wait_seen(page, "navigator:finished")
    assert len(finished) == 1 and finished[0]["state"]["num_steps"] == 120
    expected = lesson("race", race_args(0.18, 0.9, (-8, 2), num_steps=120))["runs"]
    assert [(r["label"], r["message"]) for r in finished[0]["runs"]] == [(r["label"], r["message"]) for r in expected]


def test_reloading_the_url_reproduces_the_race(page, site_root):
    nav = open_harness(page, site_root)
    nav.get_by_role("checkbox", name="Nesterov").check()
    type_into(nav, "Learning rate value", "0.12")
    type_into(nav, "Start y", "-3")
    page.wait_for_function("location.search.includes('y:-3')")
    page.wait_for_function("location.search.includes('nesterov')")
    # the URL is written when a change is asked; the board once its race is back
    page.wait_for_function("""() => { const r = document.querySelector('#harness').navigator.result;
        return r && r.runs.length === 3 && r.state.lr === 0.12 && r.state.start[1] === -3; }""")
    url, board = page.url, scores(nav)
    label = map_plot(nav).get_attribute("aria-label")
    nav = open_harness(page, site_root, url.split(PAGE, 1)[1])
    assert scores(nav) == board
    assert map_plot(nav).get_attribute("aria-label") == label
    assert nav.get_by_role("checkbox", name="Nesterov").is_checked()
    expected = lesson("race", race_args(0.12, 0.9, (-8, -3), ("sgd", "momentum", "nesterov")))["runs"]
    assert_scoreboard_matches(nav, expected)


def test_keyboard_only_reaches_every_control_moves_the_start_and_runs(page, site_root):
    nav = open_harness(page, site_root)
    names = set()

    def tab():
        page.keyboard.press("Tab")
        info = page.evaluate(FOCUSED)
        if info["inside"]:
            names.add("plot" if info["role"] == "img" else info["name"])
        return info

    for _ in range(80):
        if tab()["role"] == "img":
            break
    assert "plot" in names
    listen(page, "navigator:result")
    for key in ["ArrowRight", "ArrowRight", "ArrowRight", "ArrowDown"]:
        page.keyboard.press(key)
    # each key one step of 2 % of the ravine's shorter side (8), the same length on screen
    # across and up
    page.wait_for_function("window.seen['navigator:result'].some(d => d.state.start[1] < 2)")
    assert box(nav, "Start x").input_value() == "-7.52" and box(nav, "Start y").input_value() == "1.84"
    for _ in range(40):  # Run and the buttons follow the plot, the settings come after
        if not tab()["inside"]:
            break
    assert names >= {"Landscape", "Learning rate", "Learning rate value", "Momentum β", "Momentum β value",
                     "Start x", "Start y", "Steps", "GD", "Momentum", "Nesterov", "RMSProp", "Adam", "Run"}, names
    for _ in range(40):
        page.keyboard.press("Shift+Tab")
        if page.evaluate(FOCUSED)["name"] == "Run":
            break
    listen(page, "navigator:finished")
    page.keyboard.press("Enter")
    detail = wait_seen(page, "navigator:finished")[0]
    expected = lesson("race", race_args(0.18, 0.9, (-6.8, 1.84)))["runs"]
    assert [r["message"] for r in detail["runs"]] == [r["message"] for r in expected]


def test_garbage_in_the_url_gives_a_message_and_a_sane_race(page, site_root):
    hostile = quote("<img src=x onerror=alert(1)>")
    nav = open_harness(page, site_root, f"?nav-harness=l:{hostile};lr:abc;b:7;x:1e9;y:NaN;o:evil~sgd;zz:1")
    message = nav.locator(".navigator-general").inner_text()
    assert "Unknown landscape" in message and "<img src=x onerror=alert(1)>" in message
    assert '"abc" is not a number' in message and '"NaN" is not a number' in message
    assert 'Unknown optimizer "evil"' in message and 'Ignored "zz"' in message
    assert "β = 7 is outside" in message and "Start x = 1000000000 is outside" in message
    assert page.locator("img[src='x']").count() == 0
    assert box(nav, "Start x").input_value() == "10"
    assert nav.get_by_role("checkbox", name="GD").is_checked()
    assert not nav.get_by_role("checkbox", name="Momentum").is_checked()
    expected = lesson("race", race_args(0.18, 0.999, (10, 2), ("sgd",)))["runs"]
    assert_scoreboard_matches(nav, expected)


def test_nan_or_out_of_range_typed_gets_a_message_next_to_the_control(page, site_root):
    nav = open_harness(page, site_root)
    listen(page, "navigator:result")
    for name, text, words in [("Learning rate value", "NaN", "Type a number for η"),
                              ("Momentum β value", "1.2", "β must be below 1"),
                              ("Start x", "500", "Start x must be inside the plot"),
                              ("Start y", "abc", "Type a number for Start y")]:
        type_into(nav, name, text)
        field = box(nav, name)
        described = " ".join(page.locator(f"#{i}").inner_text()
                             for i in field.get_attribute("aria-describedby").split())
        assert words in described, (name, described)
        assert field.get_attribute("aria-invalid") == "true"
    # The last valid values stay: the next race (asked for by a valid change, and queued
    # after anything the bad values might have asked for) runs with them.
    nav.get_by_role("checkbox", name="Nesterov").check()
    page.wait_for_function("window.seen['navigator:result'].some(d => d.state.optimizers.length === 3)")
    assert [(d["state"]["lr"], d["state"]["beta"], d["state"]["start"])
            for d in seen(page, "navigator:result")] == [(0.18, 0.9, [-8, 2])]
    assert_scoreboard_matches(nav, lesson("race", race_args(
        0.18, 0.9, (-8, 2), ("sgd", "momentum", "nesterov")))["runs"])


def test_the_navigator_set_event_sets_up_and_runs_a_race(page, site_root):
    nav = open_harness(page, site_root)
    type_into(nav, "Steps", "100")  # navigator:set starts again from the declared state
    listen(page, "navigator:finished")
    page.evaluate("""() => document.querySelector('#harness').dispatchEvent(new CustomEvent('navigator:set',
        {detail: {lr: 0.1, start: [-6, 1.5], runs: [{name: 'momentum', beta: 0.5}, {name: 'momentum', beta: 0.99}],
                  run: true}}))""")
    detail = wait_seen(page, "navigator:finished")[0]
    args = race_args(0.1, 0.9, (-6, 1.5), ("momentum", "momentum"))
    args["optimizers"][0]["beta"], args["optimizers"][1]["beta"] = 0.5, 0.99
    expected = lesson("race", args)["runs"]
    assert [r["label"] for r in detail["runs"]] == ["Momentum (β = 0.5)", "Momentum (β = 0.99)"]
    assert [(r["label"], r["message"]) for r in detail["runs"]] == [(r["label"], r["message"]) for r in expected]
    assert_scoreboard_matches(nav, expected)
    assert "r:momentum_b0.5~momentum_b0.99" in page.url and "n:300" in page.url
    # the same race asked for with betas, one per optimizer
    page.evaluate("""() => document.querySelector('#harness').dispatchEvent(new CustomEvent('navigator:set',
        {detail: {lr: 0.1, start: [-6, 1.5], optimizers: ['momentum', 'momentum'], betas: [0.5, 0.99], run: true}}))""")
    detail = wait_seen(page, "navigator:finished", 2)[1]
    assert [(r["label"], r["message"]) for r in detail["runs"]] == [(r["label"], r["message"]) for r in expected]


def test_step_shows_the_arithmetic_from_lesson_code(page, site_root):
    nav = open_harness(page, site_root)
    nav.get_by_role("button", name="Reset", exact=True).click()
    nav.get_by_role("button", name="Step", exact=True).click()
    detail = nav.locator(".navigator-detail")
    detail.filter(has_text="update Δw").wait_for()
    runs = lesson("step_detail", {**race_args(0.18, 0.9, (-8, 2)), "step": 0})["runs"]

    def js(v):
        text = repr(float(f"{v:.3g}"))
        return text.removesuffix(".0").replace("-", "−")

    text = detail.inner_text()
    for run in runs:
        assert f"({js(run['grad_used'][0])}, {js(run['grad_used'][1])})" in text
        assert f"({js(run['update'][0])}, {js(run['update'][1])})" in text
    velocity = runs[1]["state_next"]["v"]
    assert f"velocity v = ({js(velocity[0])}, {js(velocity[1])})" in text
    assert "step 1" in scores(nav)["GD"]


def test_copy_as_python_gives_the_lesson_code_snippet(browser, site_root):
    with guarded_page(browser, site_root) as page:
        page.context.add_init_script("Object.defineProperty(navigator, 'clipboard', {value: {writeText:"
                                     " () => Promise.reject(new Error('no clipboard'))}})")
        nav = open_harness(page, site_root)
        nav.get_by_role("button", name="Copy as Python").click()
        area = nav.get_by_role("textbox", name="Python code for this race")
        area.wait_for()
        assert area.input_value() == lesson("snippet", race_args(0.18, 0.9, (-8, 2)))
        assert "clipboard is not available" in nav.locator(".navigator-msg", has_text="clipboard").inner_text()


def test_axe_passes_with_the_navigators_live(page, site_root):
    open_harness(page, site_root)
    wait_navigator_live(page, "#everyone")
    check_axe(page)


def test_dark_theme_redraws_the_plot(page, site_root):
    nav = open_harness(page, site_root)
    canvas = map_plot(nav)
    light = canvas.evaluate("c => c.toDataURL()")
    page.evaluate("document.body.setAttribute('data-md-color-scheme', 'slate')")
    page.wait_for_function("([c, before]) => c.toDataURL() !== before", arg=[canvas.element_handle(), light])
    nav.scroll_into_view_if_needed()
    check_axe(page)


def test_reduced_motion_draws_the_final_race_at_once(browser, site_root):
    with guarded_page(browser, site_root, reduced_motion="reduce") as page:
        nav = open_harness(page, site_root)
        listen(page, "navigator:finished")
        # at once: finished within the click's own task, no animation frame in between
        assert finished_in_the_click(nav) == 1
        assert "running…" not in nav.get_by_role("status", name="Scoreboard").inner_text()


def test_a_runtime_that_fails_keeps_the_static_figure_and_says_so(browser, site_root):
    with guarded_page(browser, site_root, python=False) as page:
        page.goto(site_root + PAGE)
        nav = page.locator("#harness")
        wait_python_failed(nav)
        assert nav.locator("img.navigator-static").is_visible()
        assert nav.get_by_role("combobox", name="Landscape").is_disabled()
        # no loss panel without Python: its canvas stays, unnamed and empty
        assert nav.locator(".navigator-loss-canvas").count() == 1
        assert nav.get_by_role("img", name="Loss against step").count() == 0


def test_at_375_px_no_horizontal_scroll_and_touch_dragging_works(browser, site_root):
    with guarded_page(browser, site_root, **PHONE) as page:
        nav = open_harness(page, site_root)
        wait_navigator_live(page, "#everyone")
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        canvas = map_plot(nav)
        canvas.evaluate("c => c.scrollIntoView({block: 'center'})")
        before = canvas.get_attribute("aria-label")
        listen(page, "navigator:result")
        b = canvas.bounding_box()
        # a touch drags only from the start handle (elsewhere a swipe scrolls the page)
        hx, hy = page.evaluate("""() => { const nav = document.querySelector('#harness').navigator;
            return nav.plot.toPixel(...nav.state.start); }""")
        x, y = b["x"] + hx, b["y"] + hy
        swipe(page, [(x + 0.04 * i * b["width"], y + 0.02 * i * b["height"]) for i in range(8)],
              frame_by_frame=True)
        page.wait_for_function("window.seen['navigator:result'].length >= 2")
        page.wait_for_function("([el, old]) => el.getAttribute('aria-label') !== old", arg=[canvas.element_handle(), before])
        page.wait_for_function("location.search.includes('nav-harness=')")
        assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_the_navigator_is_live_at_once_after_instant_navigation(page, site_root):
    wasm = []
    page.on("request", lambda r: r.url.endswith("pyodide.asm.wasm") and wasm.append(r.url))
    page.goto(site_root + "dev/smoke/")
    page.wait_for_function("document.documentElement.dataset.python === 'ready'", timeout=60_000)
    page.evaluate("window.samePage = true")
    page.evaluate("""() => { const a = Object.assign(document.createElement('a'), {href: '../navigator/', textContent: 'go'});
        document.querySelector('article').append(a); }""")
    page.locator("article a", has_text="go").last.click()
    wait_navigator_live(page, "#harness")
    assert page.evaluate("window.samePage") is True and len(wasm) == 1


def test_every_landscape_is_drawn_from_its_own_start_with_lesson_codes_results(page, site_root):
    nav = open_harness(page, site_root)
    facts = {s["name"]: s for s in lesson("landscapes", {})}
    select = nav.get_by_role("combobox", name="Landscape")
    assert {"bowl", "rotated-ravine", "rosenbrock", "saddle", "himmelblau", "ravine"} <= set(facts)
    # every registered landscape, a course author's new one included; back to the ravine last
    for name in [name for name in facts if name != "ravine"] + ["ravine"]:
        select.select_option(name)
        detail = wait_state(page, landscape=name)
        start = facts[name]["start"]
        assert detail["state"]["landscape"] == name and detail["state"]["start"] == start
        expected = lesson("race", race_args(0.18, 0.9, start, landscape=name))["runs"]
        assert [(r["label"], r["message"]) for r in detail["runs"]] == [(r["label"], r["message"]) for r in expected]
        assert facts[name]["title"] in map_plot(nav).get_attribute("aria-label")
        limits = nav.locator(".navigator-limits").inner_text()
        if facts[name]["eigenvalues"] is None:
            assert "no single stability limit" in limits
        elif facts[name]["eigenvalues"][0] <= 0:  # the saddle: no η is stable there
            assert "no η is stable" in limits and "Stable below" not in limits, limits
        else:
            assert f"η < {2 / facts[name]['eigenvalues'][1]:.3g} (2/λ_max)" in limits


# Keeps a handle on every pending 300 ms timer (the navigator's debounced URL write) so a
# test can fire those still pending at once; a cleared one is forgotten, as the browser does.
HOLD_URL_WRITES = """() => {
    const held = window.heldUrlWrites = new Map();
    const set = window.setTimeout, clear = window.clearTimeout;
    window.setTimeout = (fn, ms, ...args) => {
        const id = set((...a) => { held.delete(id); fn(...a); }, ms, ...args);
        if (ms === 300) held.set(id, () => { held.delete(id); clear(id); fn(...args); });
        return id;
    };
    window.clearTimeout = (id) => { held.delete(id); clear(id); };
}"""


def test_a_navigator_left_by_instant_navigation_lets_go(page, site_root):
    """After an instant navigation the old navigator stops listening to Python, and its
    pending (debounced) URL write does not land in the next page's URL."""
    nav = open_harness(page, site_root)
    page.evaluate("window.oldNav = document.querySelector('#harness').navigator")
    page.evaluate(HOLD_URL_WRITES)
    page.evaluate("""() => {
        const a = Object.assign(document.createElement('a'), {href: '../smoke/', id: 'go', textContent: 'go'});
        document.querySelector('article').append(a);
        const box = [...document.querySelectorAll('#harness input')].find(
            (i) => i.labels?.[0]?.textContent.trim() === 'Learning rate value' || i.getAttribute('aria-label') === 'Learning rate value');
        box.value = '0.05';
        box.dispatchEvent(new Event('input', {bubbles: true}));  // a live change: URL written 300 ms later
        a.click();
    }""")
    page.wait_for_function("location.pathname.endsWith('/dev/smoke/')", timeout=10_000)
    page.wait_for_function("window.oldNav.destroyed === true", timeout=10_000)
    # whatever the timing of the navigation, a write still pending now must not land here
    page.evaluate("window.oldNav.change({lr: 0.07}, {live: true})")
    # time passes: every URL write still pending fires now (rather than after a fixed wait)
    page.evaluate("() => { for (const fire of heldUrlWrites.values()) fire(); }")
    assert "nav-harness" not in page.evaluate("location.search"), page.url
    assert page.evaluate("window.oldNav.el.isConnected") is False
