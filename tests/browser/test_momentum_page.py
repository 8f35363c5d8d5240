"""The Momentum lesson, walked as a reader walks it (built site served under /ravine/).

Exercises answered wrong, then right; each walk-through race set up by its button,
predicted, committed and run, its result checked against the same race in CPython; the
runnable cell run; the notebook downloaded through the page's relative link; axe on the
page with everything open.
"""

import json
import re

import nbformat
import pytest
from harness import (check_axe, focus_trail, follow_focus, guarded_page, has_focus, press_enter,
                     wait_python_ready)
from lesson_pages import substituted_page

from lesson_code import effective_window, velocity_after
from lesson_code.browser import handle
from scripts import lesson_hook as hook

PAGE = "optimizers/momentum/"
pytestmark = pytest.mark.browser
# read from the page as the hook renders it: its fences hold {{ }} numbers
NAVIGATORS = hook.page_navigators(substituted_page("momentum.md")[0])


def cpython_race(setup):
    """The same race in CPython, with the request the prediction widget's setup makes (on
    top of its navigator's declared state, as navigator:set applies it)."""
    request = hook.race_request(setup, NAVIGATORS["walkthrough"])
    reply = json.loads(handle(json.dumps({"op": "race", "args": request})))
    assert reply["ok"], reply
    return reply["result"]["runs"]


def open_lesson(page, site_root):
    page.goto(site_root + PAGE)
    wait_python_ready(page)
    page.locator("#walkthrough.navigator-live").wait_for(timeout=60_000)


def scores(nav):
    board = nav.get_by_role("status", name="Scoreboard")
    return {li.locator("strong").inner_text(): li.inner_text() for li in board.locator("li").all()}


def _tenfold(rate):
    """Steps for rate**n <= 1/10, by counting."""
    n, left = 0, 1.0
    while left > 0.1:
        left, n = left * rate, n + 1
    return n


@pytest.mark.parametrize("title, wrong, right, too", [
    ("EMA by hand", "25", f"{effective_window(0.95):g}", "high"),
    ("Momentum by hand", "1.5", f"{velocity_after([3.0, 1.0, -2.0], 0.9, v0=1.0):.3f}", "low"),
    # the deeper lesson's exercises, answered from closed forms written here
    ("The best β for another spectrum", "0.8", f"{((5 - 1) / (5 + 1)) ** 2:.4f}", "high"),
    ("Critical damping", "0.1", f"{(1 - 0.1 ** 0.5) ** 2:.4f}", "low"),
    ("The best learning rate", "0.5", f"{4 / (4 + 1) ** 2:g}", "high"),
    ("The ceiling with momentum", "0.2", f"{(2 + 2 * 0.8) / 10:g}", "low"),
    ("What the square root is worth", "10000",
     f"{_tenfold(9999 / 10001) / _tenfold(99 / 101):.1f}", "high"),
])
def test_an_exercise_answered_wrong_then_right(page, site_root, title, wrong, right, too):
    page.goto(site_root + PAGE)
    exercise = page.get_by_role("region", name=f"Exercise {title}")
    page.locator(f"#{exercise.get_attribute('id')}[data-ready]").wait_for()
    box = exercise.get_by_label(f"Your answer to {title}")
    check = exercise.get_by_role("button", name="Check")
    status = exercise.get_by_role("status")
    solution = exercise.locator("details[data-solution]")

    check.click()
    assert "Type a number first" in status.inner_text()

    box.fill("twenty")
    box.press("Enter")
    status.filter(has_text="is not a number").wait_for()
    assert box.input_value() == "twenty"  # bad input loses nothing

    box.fill(wrong)
    check.click()
    status.filter(has_text="Not yet").wait_for()
    assert f"too {too}" in status.inner_text()
    assert solution.get_attribute("open") is None
    assert box.get_attribute("aria-invalid") == "true"

    exercise.locator("summary", has_text="Hint").click()
    assert exercise.locator("details.ravine-exercise__hint").get_attribute("open") is not None

    box.fill(right)
    box.press("Enter")
    status.filter(has_text="Right").wait_for()
    assert solution.get_attribute("open") is not None
    assert solution.locator(".arithmatex, .katex").first.is_visible()
    assert box.get_attribute("aria-invalid") == "false"
    check_axe(page, f"#{exercise.get_attribute('id')}")


def test_the_regime_exercise_is_answered_by_choosing(page, site_root):
    page.goto(site_root + PAGE)
    exercise = page.get_by_role("region", name="Exercise Predict the regime")
    page.locator(f"#{exercise.get_attribute('id')}[data-ready]").wait_for()
    check = exercise.get_by_role("button", name="Check")
    status = exercise.get_by_role("status")
    solution = exercise.locator("details[data-solution]")
    check.click()
    status.filter(has_text="Choose one of the answers first").wait_for()
    # ηλ = 3.85 < (1 + √0.95)² ≈ 3.899: still complex roots, a spiral, not a flip
    exercise.get_by_role("radio", name="It flips sign every step").check()
    check.click()
    status.filter(has_text="Not yet").wait_for()
    assert solution.get_attribute("open") is None
    exercise.get_by_role("radio", name="It spirals in").check()
    exercise.get_by_role("radio", name="It spirals in").press("Enter")
    status.filter(has_text="Right").wait_for()
    assert solution.get_attribute("open") is not None
    check_axe(page, f"#{exercise.get_attribute('id')}")


PREDICTIONS = [
    # (region title, the choice the reader commits, is it right?)
    ("How long does gradient descent take?", "About 40", False),
    ("Does momentum overshoot?", "Yes, it overshoots", True),
    ("Which β wins?", "β = 0.99", False),
]


def test_a_prediction_interrupted_by_another_race_is_run_again_by_set_up(page, site_root):
    """The reader commits, then runs another race before this one ends: the prediction
    says so, and "Set up this race" runs its race again, so the verdict still comes."""
    open_lesson(page, site_root)
    title, choice, right = PREDICTIONS[0]
    predict = page.get_by_role("region", name=f"Predict {title}")
    page.locator(f"#{predict.get_attribute('id')}[data-ready]").wait_for()
    nav = page.locator("#walkthrough")
    status = predict.get_by_role("status")
    predict.get_by_role("radio", name=choice, exact=True).check()
    predict.get_by_role("button", name="Commit my prediction and run").click()
    status.filter(has_text="Prediction locked in").wait_for()
    lr_box = nav.get_by_role("textbox", name="Learning rate value", exact=True)
    lr_box.fill("0.1")
    lr_box.press("Enter")
    nav.get_by_role("button", name="Run", exact=True).click()
    status.filter(has_text="ran a different race").wait_for(timeout=60_000)
    assert predict.get_attribute("data-state") == "running"
    predict.get_by_role("button", name="Set up this race").click()
    page.wait_for_function(f"document.querySelector('#{predict.get_attribute('id')}')"
                           ".dataset.state !== 'running'", timeout=60_000)
    expected = cpython_race(json.loads(predict.get_attribute("data-setup")))
    said = status.inner_text()
    assert all(f"{run['label']}: {run['message']}" in said for run in expected), said
    assert predict.get_attribute("data-state") == ("right" if right else "wrong")
    assert predict.get_by_role("radio", name=choice, exact=True).is_enabled()


def test_the_walkthrough_races_predicted_then_run(page, site_root):
    # animated: while its race runs, a prediction says it is locked in (checked below)
    open_lesson(page, site_root)
    nav = page.locator("#walkthrough")
    for title, choice, right in PREDICTIONS:
        predict = page.get_by_role("region", name=f"Predict {title}")
        page.locator(f"#{predict.get_attribute('id')}[data-ready]").wait_for()
        setup = json.loads(predict.get_attribute("data-setup"))
        expected = cpython_race(setup)
        reveal = predict.locator("details[data-reveal]")
        assert reveal.is_hidden()  # no peeking before committing

        predict.get_by_role("button", name="Set up this race").click()
        status = predict.get_by_role("status")
        status.filter(has_text="set up").wait_for()
        page.wait_for_function(
            "n => document.querySelectorAll('#walkthrough [role=status] li').length === n",
            arg=len(expected))
        assert list(scores(nav)) == [run["label"] for run in expected]
        lr_box = nav.get_by_role("textbox", name="Learning rate value", exact=True)
        assert float(lr_box.input_value()) == setup["lr"]

        predict.get_by_role("button", name="Commit my prediction and run").click()
        status.filter(has_text="Choose one").wait_for()  # nothing chosen yet
        predict.get_by_role("radio", name=choice, exact=True).check()
        follow_focus(page)
        press_enter(predict.get_by_role("button", name="Commit my prediction and run"))
        status.filter(has_text="Prediction locked in").wait_for()
        assert predict.get_by_role("radio", name=choice, exact=True).is_disabled()
        # the disabled button's focus goes where the race's result will be said
        assert has_focus(status)

        page.wait_for_function(f"document.querySelector('#{predict.get_attribute('id')}')"
                               ".dataset.state !== 'running'", timeout=120_000)
        assert has_focus(status) and "BODY" not in focus_trail(page), focus_trail(page)
        said = status.inner_text()
        for run in expected:
            assert f"{run['label']}: {run['message']}" in said, said
        assert ("right" in said.split("You predicted")[1]) == right, said
        assert predict.get_attribute("data-state") == ("right" if right else "wrong")
        assert reveal.is_visible() and reveal.get_attribute("open") is not None
        lines = scores(nav)
        for run in expected:
            assert f"step {run['step']}" in lines[run["label"]], lines
            assert run["message"] in lines[run["label"]]
        # the revealed explanation states the very steps the race just showed
        for run in expected:
            assert run["status"] == "converged"
            assert re.search(rf"\b{run['step']:,}\b", reveal.inner_text()), reveal.inner_text()
            if run["first"] < run["step"]:  # a spiral: the dip is named too
                assert re.search(rf"\b{run['first']:,}\b", reveal.inner_text())
    check_axe(page)


def test_the_runnable_cell_shows_accumulation_and_cancellation(page, site_root):
    open_lesson(page, site_root)
    cell = page.get_by_role("group", name=re.compile(r"^Python cell \d+$")).first
    cell.get_by_role("button", name=re.compile(r"^Run cell")).click()
    output = cell.get_by_label(re.compile(r"Output of cell"))
    steady = velocity_after([1.0] * 50, 0.9)
    flipping = velocity_after([1.0, -1.0] * 25, 0.9)
    output.filter(has_text="flipping").wait_for(timeout=30_000)
    text = output.inner_text()
    assert f"constant: v = {steady:.3f}" in text and f"flipping: v = {flipping:.3f}" in text
    assert f"limit ±g/(1+beta) = ±{1 / 1.9:.3f}" in text and "bound" not in text
    check_axe(page)  # with the pointer still on the Run button (its hover colours)


def test_the_notebook_link_downloads_the_lesson_as_a_notebook(page, site_root, tmp_path):
    page.goto(site_root + PAGE)
    link = page.get_by_role("link", name="Download this lesson as a Jupyter notebook")
    # Material's instant navigation rewrites hrefs in the live page; the served HTML is
    # what decides whether the link works under any sub-path.
    served = page.request.get(page.url).text()
    tag = re.search(r'<a [^>]*class="ravine-notebook"[^>]*>', served)[0]
    href = re.search(r'href="([^"]+)"', tag)[1]
    assert href == "../momentum.ipynb", href
    with page.expect_download() as info:
        link.click()
    path = tmp_path / "momentum.ipynb"
    info.value.save_as(path)
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    sources = "\n".join(c.source for c in nb.cells)
    assert "velocity_after" in sources and "{{" not in sources
    # and fetched relative to the page, as any reader's browser would
    fetched = page.evaluate("href => fetch(new URL(href, location.href)).then(r => r.json())",
                            href)
    assert fetched["nbformat"] == 4 and len(fetched["cells"]) == len(nb.cells)


def test_the_whole_page_meets_wcag_with_every_disclosure_open(page, site_root):
    open_lesson(page, site_root)
    page.evaluate("document.querySelectorAll('article details').forEach(d => "
                  "{ d.hidden = false; d.open = true; })")
    check_axe(page)
    for name in ("Check", "Set up this race"):  # hovered and focused buttons keep AA
        button = page.get_by_role("button", name=name).first
        button.hover()
        button.focus()
        check_axe(page, f"#{button.locator('xpath=ancestor::section[1]').get_attribute('id')}")


@pytest.mark.parametrize("typed, read", [("1,000", "1000"), ("1 000", "1000"),
                                         ("1,000.5", "1000.5"), ("20", None)])
def test_an_exercise_reads_thousands_separators_as_thousands(page, site_root, typed, read):
    """"1,000" is a thousand, not 1.0 (and the feedback says how it was read)."""
    page.goto(site_root + PAGE)
    exercise = page.get_by_role("region", name="Exercise EMA by hand")
    page.locator(f"#{exercise.get_attribute('id')}[data-ready]").wait_for()
    box = exercise.get_by_label("Your answer to EMA by hand")
    status = exercise.get_by_role("status")
    box.fill(typed)
    box.press("Enter")
    if read is None:  # the right answer, 20, typed plainly: no "read as"
        status.filter(has_text="Right").wait_for()
        assert "read as" not in status.inner_text()
        return
    status.filter(has_text="Not yet").wait_for()
    said = status.inner_text()
    assert f"{typed} (read as {read}) is too high" in said, said  # 1.0 would be too low
    assert box.input_value() == typed


def test_an_ambiguous_spaced_number_gets_a_clear_message(page, site_root):
    page.goto(site_root + PAGE)
    exercise = page.get_by_role("region", name="Exercise EMA by hand")
    page.locator(f"#{exercise.get_attribute('id')}[data-ready]").wait_for()
    box = exercise.get_by_label("Your answer to EMA by hand")
    box.fill("2 0")
    box.press("Enter")
    status = exercise.get_by_role("status")
    status.filter(has_text="is not a number I can read").wait_for()
    assert "1,000 and 1 000 are a thousand" in status.inner_text()
    assert box.input_value() == "2 0"


def test_a_prediction_finds_its_navigator_not_a_heading_with_the_same_id(page, site_root):
    open_lesson(page, site_root)
    # a heading whose slug equals the navigator's id, before it in the document
    page.evaluate("""() => { const h = Object.assign(document.createElement('h2'),
        {id: 'walkthrough', textContent: 'Walkthrough'});
        document.querySelector('article h1').after(h); }""")
    predict = page.get_by_role("region", name="Predict Which β wins?")
    page.locator(f"#{predict.get_attribute('id')}[data-ready]").wait_for()
    predict.get_by_role("button", name="Set up this race").click()
    page.wait_for_function(
        "document.querySelectorAll('#walkthrough.ravine-navigator [role=status] li').length === 2")
    nav = page.locator("#walkthrough.ravine-navigator")
    assert list(scores(nav)) == [run["label"] for run in
                                 cpython_race(json.loads(predict.get_attribute("data-setup")))]


def test_when_python_cannot_start_a_prediction_shows_the_built_result(browser, site_root):
    with guarded_page(browser, site_root, python=False) as page:
        page.goto(site_root + PAGE)
        page.wait_for_function("document.documentElement.dataset.python === 'error'", timeout=60_000)
        title, choice, right = PREDICTIONS[0]
        predict = page.get_by_role("region", name=f"Predict {title}")
        page.locator(f"#{predict.get_attribute('id')}[data-ready]").wait_for()
        expected = json.loads(predict.get_attribute("data-expected"))
        status = predict.get_by_role("status")
        reveal = predict.locator("details[data-reveal]")
        status.filter(has_text="computed when the page was built").wait_for()
        assert reveal.is_visible() and reveal.get_attribute("open") is not None
        for run in expected:
            assert f"{run['label']}: {run['message']}" in status.inner_text()
        # committing still works and gives the verdict from the build's result
        predict.get_by_role("radio", name=choice, exact=True).check()
        press_enter(predict.get_by_role("button", name="Commit my prediction and run"))
        status.filter(has_text="You predicted").wait_for()
        assert has_focus(status)  # where the verdict is said
        assert predict.get_attribute("data-state") == ("right" if right else "wrong")
        assert predict.get_by_role("radio", name=choice, exact=True).is_enabled()
        assert predict.get_by_role("button", name="Commit my prediction and run").is_enabled()


def test_a_sparse_setup_races_the_same_in_the_page_as_at_build_time(page, site_root):
    """A navigator:set detail that leaves out lr, beta, start and num_steps takes them from
    the navigator's declared state, in the page and in the hook alike."""
    open_lesson(page, site_root)
    detail = {"optimizers": ["momentum"], "run": False}
    expected = cpython_race(detail)
    page.evaluate("""detail => {
        const nav = document.querySelector('#walkthrough.ravine-navigator');
        window.results = [];
        nav.addEventListener('navigator:result', (e) => window.results.push(e.detail));
        nav.dispatchEvent(new CustomEvent('navigator:set', {detail}));
    }""", detail)
    page.wait_for_function("window.results.length >= 1", timeout=60_000)
    runs = page.evaluate("window.results.at(-1).runs")
    assert [(r["label"], r["status"], r["step"]) for r in runs] == \
        [(r["label"], r["status"], r["step"]) for r in expected]
    assert expected[0]["hyperparams"] == {"lr": 0.18, "beta": 0.9}
    # the run goes on past its arrival until the runner can prove it stays
    assert expected[0]["first"] < expected[0]["step"] < len(expected[0]["xs"]) - 1 <= 2000
