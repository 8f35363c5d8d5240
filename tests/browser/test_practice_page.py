""""Momentum in practice", walked as a reader walks it (built site served under /ravine/).

Each prediction's race (noisy, scheduled, or plain) set up by its button, predicted,
committed and run, and the scoreboard checked against the same race in CPython, noise seed
and schedule included; the controls show the race's noise and schedule; the exercises
answered from closed forms written here; the Nesterov cell run; axe on the page.
"""

import json
import re

import pytest
from harness import (check_axe, focus_trail, follow_focus, has_focus, press_enter, wait_python_ready,
                     without_motion)
from lesson_pages import substituted_page

from lesson_code.browser import handle
from scripts import lesson_hook as hook

PAGE = "optimizers/practice/"
NAV = "practice-navigator"
pytestmark = pytest.mark.browser
# the page's navigator fences as the build reads them: its {{ }} numbers substituted
NAVIGATORS = hook.page_navigators(substituted_page("practice.md")[0])


def cpython_race(setup):
    """The same race in CPython: the request the prediction's setup makes on top of the
    navigator's declared state, as navigator:set applies it."""
    request = hook.race_request(setup, NAVIGATORS[NAV])
    reply = json.loads(handle(json.dumps({"op": "race", "args": request})))
    assert reply["ok"], reply
    return request, reply["result"]["runs"]


def open_lesson(page, site_root):
    page.goto(site_root + PAGE)
    wait_python_ready(page)
    page.locator(f"#{NAV}.navigator-live").wait_for(timeout=60_000)


def scores(nav):
    board = nav.get_by_role("status", name="Scoreboard")
    return {li.locator("strong").inner_text(): li.inner_text() for li in board.locator("li").all()}


# (title, a choice, whether it is right), worked out here from closed forms: GD's floor
# ησ²/(2(2−ηλ)) per direction is below momentum's at the same η; momentum at η(1−β) is
# calmer; Nesterov at η = 0.05, β = 0.9 arrives first; decay ends well below the floors;
# with the cosine both adaptive methods arrive.
PREDICTIONS = [
    ("Who sits lower in the noise?", "Gradient descent", True),
    ("Same pace along the floor, who is calmer?", "Gradient descent", False),
    ("Does looking ahead pay?", "Nesterov", True),
    ("Where does the loss end?", "Well below them", True),
    ("Do they settle now?", "Neither", False),
]


def test_every_prediction_races_noise_and_schedule_as_cpython_does(page, site_root):
    without_motion(page)  # five races' results, not their animation
    open_lesson(page, site_root)
    nav = page.locator(f"#{NAV}")
    noise_box = nav.get_by_label(re.compile("^Gradient noise"))
    schedule = nav.get_by_role("combobox", name="Learning-rate schedule")
    for title, choice, right in PREDICTIONS:
        predict = page.get_by_role("region", name=f"Predict {title}")
        page.locator(f"#{predict.get_attribute('id')}[data-ready]").wait_for()
        setup = json.loads(predict.get_attribute("data-setup"))
        request, expected = cpython_race(setup)
        predict.get_by_role("button", name="Set up this race").click()
        status = predict.get_by_role("status")
        status.filter(has_text="set up").wait_for()
        # the controls show the race about to run
        assert float(noise_box.first.input_value()) == float(setup.get("noise", 0))
        assert schedule.input_value() == setup.get("schedule", "constant")
        predict.get_by_role("radio", name=choice, exact=True).check()
        follow_focus(page)
        press_enter(predict.get_by_role("button", name="Commit my prediction and run"))
        page.wait_for_function(f"document.querySelector('#{predict.get_attribute('id')}')"
                               ".dataset.state !== 'running'", timeout=120_000)
        # the focus is where the result is said, never lost to the page
        assert has_focus(status) and "BODY" not in focus_trail(page), (title, focus_trail(page))
        said = status.inner_text()
        assert ("right" in said.split("You predicted")[1]) == right, (title, said)
        lines = scores(nav)
        assert list(lines) == [run["label"] for run in expected]
        for run in expected:
            assert run["message"] in lines[run["label"]], (title, lines)
        if request.get("noise"):
            assert all(run["status"] == "running" for run in expected)
    check_axe(page)


def test_new_noise_draws_another_race_and_the_url_keeps_it(page, site_root):
    without_motion(page)
    open_lesson(page, site_root)
    nav = page.locator(f"#{NAV}")
    page.evaluate(f"""() => {{ window.finished = [];
        document.querySelector("#{NAV}").addEventListener('navigator:finished',
            e => window.finished.push(e.detail)); }}""")
    nav.get_by_role("button", name="Run", exact=True).click()
    page.wait_for_function("window.finished.length === 1", timeout=60_000)
    nav.get_by_role("button", name="New noise").click()
    page.wait_for_function("window.finished.length === 2", timeout=60_000)
    seed = int(re.search(r"[;=]seed:(\d+)", page.url).group(1))
    assert seed != 0
    _, expected = cpython_race({"seed": seed})
    detail = page.evaluate("window.finished[1]")
    assert [(r["label"], r["message"]) for r in detail["runs"]] == \
        [(r["label"], r["message"]) for r in expected]
    lines = scores(nav)
    for run in expected:
        assert run["message"] in lines[run["label"]], lines


@pytest.mark.parametrize("title, right", [
    # ½λV = ησ²/(2(2 − ηλ)) with η = 0.1, λ = 4, σ = 0.5
    ("One direction's noise floor", f"{0.1 * 0.25 / (2 * (2 - 0.4)):.5f}"),
    # σ² ∝ 1/B: from 32 to 128 the floor divides by 4
    ("A bigger batch", f"{0.2 / 4:g}"),
    # (2 + 2β)/((1 + 2β) λ_max) at β = 0.95
    ("Nesterov's ceiling", f"{3.9 / (2.9 * 10):.4f}"),
    # 0.2 · 0.5^⌊250/100⌋
    ("Reading a step schedule", f"{0.2 * 0.25:g}"),
])
def test_an_exercise_answered_right(page, site_root, title, right):
    page.goto(site_root + PAGE)
    exercise = page.get_by_role("region", name=f"Exercise {title}")
    page.locator(f"#{exercise.get_attribute('id')}[data-ready]").wait_for()
    exercise.get_by_label(f"Your answer to {title}").fill(right)
    exercise.get_by_role("button", name="Check").click()
    exercise.get_by_role("status").filter(has_text="Right").wait_for()


def test_the_nesterov_cell_shows_the_two_forms_agree(page, site_root):
    open_lesson(page, site_root)
    cell = page.get_by_role("group", name=re.compile(r"^Python cell \d+$")).nth(1)
    cell.get_by_role("button", name=re.compile(r"^Run cell")).click()
    output = cell.get_by_label(re.compile(r"Output of cell"))
    output.filter(has_text="largest difference").wait_for(timeout=60_000)
    gap = float(re.search(r"over 300 steps: (\S+)", output.inner_text()).group(1))
    assert gap < 1e-12
