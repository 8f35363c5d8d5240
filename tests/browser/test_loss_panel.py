"""The loss panel under the navigator's map (docs/assets/js/navigator-loss.js), as a reader
meets it on the harness page: f − f_min against step, the tolerance line, each run's first
step within tolerance and the step it stays from, and the same in words.

A spiralling run can dip under the tolerance and climb back out; "converged at step k" means
within tolerance at k and at every later step. On the narrow ravine from (−8, 2), Nesterov at
η = 0.05, β = 0.9 first touches the tolerance well before it stays: the panel, its text
alternative and the scoreboard must all say both steps, as lesson_code (run here, in CPython)
computes them.
"""

import re

import pytest
from harness import check_axe, guarded_page
from test_navigator import (PAGE, box, finished_in_the_click, lesson, listen, open_harness, race_args,
                            scores, type_into, wait_seen)

pytestmark = pytest.mark.browser

BOTH_STEPS = re.compile(r"first within tolerance at step (\d+), for good from step (\d+)")

# Counts, per run, the panel's pixels in that run's colour (within a small distance, for
# antialiasing), and the leftmost and rightmost column holding them. The colours are the
# ones each run is drawn in (run.style, lesson_code's registry), so the test follows them.
INK = """async (canvas, theme) => {
    const runs = canvas.closest('.ravine-navigator').navigator.result.runs;
    const colors = runs.map((r) => r.style).map((s) => [1, 3, 5].map((i) => parseInt(s[theme].slice(i, i + 2), 16)));
    const { width, height } = canvas;
    const data = canvas.getContext('2d').getImageData(0, 0, width, height).data;
    const ink = colors.map(() => ({ count: 0, left: width, right: -1 }));
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 4;
      if (data[o + 3] < 250) continue;
      colors.forEach((c, r) => {
        if (Math.abs(data[o] - c[0]) + Math.abs(data[o + 1] - c[1]) + Math.abs(data[o + 2] - c[2]) < 24) {
          const i = ink[r]; i.count++; i.left = Math.min(i.left, x); i.right = Math.max(i.right, x);
        }
      });
    }
    return { width, ink };
}"""


def panel(nav):
    return nav.get_by_role("img", name="Loss against step", exact=True)


def description(page, element):
    """The accessible description: the text of every element aria-describedby names."""
    ids = element.get_attribute("aria-describedby").split()
    return " ".join(page.locator(f"#{i}").text_content() for i in ids)


def nesterov_race(nav):
    """Sets up GD against Nesterov at η = 0.05, β = 0.9 for 1000 steps, by the controls."""
    type_into(nav, "Learning rate value", "0.05")
    type_into(nav, "Momentum β value", "0.9")
    type_into(nav, "Steps", "1000")
    nav.get_by_role("checkbox", name="Momentum").uncheck()
    nav.get_by_role("checkbox", name="Nesterov").check()
    return lesson("race", race_args(0.05, 0.9, (-8, 2), ("sgd", "nesterov"), num_steps=1000))


def test_a_nesterov_race_shows_both_steps_on_the_panel_and_the_scoreboard(page, site_root):
    nav = open_harness(page, site_root)
    expected = nesterov_race(nav)
    gd, nesterov = expected["runs"]
    # the fact this test is about: Nesterov touches the tolerance long before it stays
    assert nesterov["status"] == "converged" and nesterov["first"] < nesterov["step"]
    assert gd["first"] is None and gd["status"] == "running"
    assert expected["f_min"] == 0.0 and expected["tol"] == 1e-6

    page.wait_for_function("() => document.querySelector('#harness').navigator.result?.state.num_steps === 1000"
                           " && document.querySelector('#harness').navigator.result.runs[1]?.name === 'nesterov'")
    nav.get_by_role("button", name="Reset", exact=True).click()
    loss = panel(nav)
    before = loss.evaluate(INK, "light")
    assert [i["count"] for i in before["ink"]] == [0, 0], "at step 0 no run has a line yet"

    listen(page, "navigator:finished")
    nav.get_by_role("button", name="Run", exact=True).click()
    wait_seen(page, "navigator:finished")

    # the scoreboard: lesson_code's message, with both steps
    line = scores(nav)["Nesterov"]
    assert nesterov["message"] in line
    assert tuple(map(int, BOTH_STEPS.search(line).groups())) == (nesterov["first"], nesterov["step"])
    assert BOTH_STEPS.search(scores(nav)["GD"]) is None

    # the panel: its name, and per run in words the first step within tolerance and the
    # step it stays from, or that it never arrived
    text = description(page, loss.element_handle())
    assert "f − f_min on a log scale" in text and "tolerance 10⁻⁶" in text
    said = BOTH_STEPS.search(text)
    assert said and text[:said.start()].rstrip().endswith("Nesterov: converged:")
    assert tuple(map(int, said.groups())) == (nesterov["first"], nesterov["step"])
    assert f"GD: {gd['message']}, never within tolerance." in text
    assert "Step 0 to 1000." in text

    # pixels: both lines drawn; GD spans all 1000 steps, Nesterov stops where its run does
    after = loss.evaluate(INK, "light")
    gd_ink, nesterov_ink = after["ink"]
    assert gd_ink["count"] > 200 and nesterov_ink["count"] > 40, after
    span = (nesterov_ink["right"] - gd_ink["left"]) / (gd_ink["right"] - gd_ink["left"])
    last = len(nesterov["losses"]) - 1
    assert span == pytest.approx(last / 1000, abs=0.02), (span, last)
    check_axe(page)


def test_the_panel_follows_the_animation(page, site_root):
    nav = open_harness(page, site_root)
    nav.get_by_role("button", name="Reset", exact=True).click()
    loss = panel(nav)
    listen(page, "navigator:finished")
    nav.get_by_role("button", name="Run", exact=True).click()
    # part-way: the runs' lines reach no further than the step the map has reached
    page.wait_for_function("() => { const n = document.querySelector('#harness').navigator;"
                           " return n.animating && n.shown >= 40 && n.shown < 200; }")
    nav.get_by_role("button", name="Pause", exact=True).click()
    shown = page.evaluate("document.querySelector('#harness').navigator.shown")
    ink = loss.evaluate(INK, "light")["ink"]
    gd = ink[0]
    assert gd["count"] > 0
    partial = gd["right"] - gd["left"]
    nav.get_by_role("button", name="Run", exact=True).click()
    wait_seen(page, "navigator:finished")
    gd = loss.evaluate(INK, "light")["ink"][0]
    assert (gd["right"] - gd["left"]) == pytest.approx(partial * 300 / shown, rel=0.05, abs=3)


def test_the_saddle_has_no_f_min_and_the_panel_says_what_it_draws_instead(page, site_root):
    nav = open_harness(page, site_root)
    listen(page, "navigator:result")
    nav.get_by_role("combobox", name="Landscape").select_option("saddle")
    wait_seen(page, "navigator:result")
    page.wait_for_function("document.querySelector('#harness').navigator.result.state.landscape === 'saddle'")
    start = {s["name"]: s["start"] for s in lesson("landscapes", {})}["saddle"]
    expected = lesson("race", race_args(0.18, 0.9, start, landscape="saddle"))
    assert expected["f_min"] is None
    loss = panel(nav)
    text = description(page, loss.element_handle())
    assert "f itself, on a symmetric log scale" in text and "no tolerance line" in text
    assert "gradient norm" in text and "f − f_min on a log scale" not in text
    for run in expected["runs"]:
        assert f"{run['label']}: {run['message']}" in text
    ink = loss.evaluate(INK, "light")["ink"]
    assert all(i["count"] > 50 for i in ink), ink


@pytest.mark.parametrize("width", [1280, 375])
def test_light_and_dark_at_1280_and_375_px(browser, site_root, width):
    """Sharp at a device pixel ratio of 2, no horizontal scroll at 375 px, and redrawn in
    the dark theme's colours. Screenshots go to /tmp/loss-panel-<width>-<theme>.png."""
    with guarded_page(browser, site_root, viewport={"width": width, "height": 900},
                      device_scale_factor=2) as page:
        nav = open_harness(page, site_root)
        nesterov_race(nav)
        page.wait_for_function("() => document.querySelector('#harness').navigator.result?.state.num_steps === 1000"
                               " && document.querySelector('#harness').navigator.result.runs[1]?.name === 'nesterov'")
        loss = panel(nav)
        size = loss.evaluate("c => [c.width, c.height, c.getBoundingClientRect().width, c.getBoundingClientRect().height]")
        assert size[0] == round(size[2] * 2) and size[1] == round(size[3] * 2), size
        assert size[2] <= width and page.evaluate("document.documentElement.scrollWidth") <= width
        for theme, scheme in [("light", "default"), ("dark", "slate")]:
            before = loss.evaluate("c => c.toDataURL()")
            page.evaluate(f"document.body.setAttribute('data-md-color-scheme', '{scheme}')")
            if theme == "dark":
                page.wait_for_function("([c, old]) => c.toDataURL() !== old", arg=[loss.element_handle(), before])
            ink = loss.evaluate(INK, theme)["ink"]
            assert all(i["count"] > 50 for i in ink), (theme, ink)
        assert box(nav, "Steps").input_value() == "1000"
        check_axe(page)


def test_reduced_motion_draws_the_whole_panel_at_once(browser, site_root):
    with guarded_page(browser, site_root, reduced_motion="reduce") as page:
        nav = open_harness(page, site_root)
        nav.get_by_role("button", name="Reset", exact=True).click()
        loss = panel(nav)
        assert all(i["count"] == 0 for i in loss.evaluate(INK, "light")["ink"])
        listen(page, "navigator:finished")
        assert finished_in_the_click(nav) == 1  # within the click's own task: no animation
        assert all(i["count"] > 50 for i in loss.evaluate(INK, "light")["ink"])


def test_runs_that_dip_and_leave_or_are_not_yet_shown_to_stay_are_told_apart(page, site_root):
    """At η = 0.18 on the ravine RMSProp and Adam touch the tolerance and are still running
    at 300 steps; RMSProp's gap falls far below any log axis and is drawn on a floor."""
    nav = open_harness(page, site_root)
    listen(page, "navigator:result")
    nav.get_by_role("checkbox", name="RMSProp").check()
    nav.get_by_role("checkbox", name="Adam").check()
    page.wait_for_function("document.querySelector('#harness').navigator.result.runs.length === 4")
    expected = lesson("race", race_args(0.18, 0.9, (-8, 2), ("sgd", "momentum", "rmsprop", "adam")))["runs"]
    touched = [r for r in expected if r["status"] == "running" and r["first"] is not None]
    assert {r["name"] for r in touched} == {"rmsprop", "adam"}
    assert min(min(r["losses"]) for r in touched) < 1e-12  # below the panel's floor
    loss = panel(nav)
    text = description(page, loss.element_handle())
    for run in touched:
        assert f"{run['label']}: first within tolerance at step {run['first']}; {run['message']}." in text
    momentum = expected[1]
    assert momentum["first"] < momentum["step"] and f"Momentum: {momentum['message']}." in text
    assert "Gaps of 10⁻¹² or less are drawn on the floor." in text
    ink = loss.evaluate(INK, "light")["ink"]
    assert all(i["count"] > 30 for i in ink), ink
