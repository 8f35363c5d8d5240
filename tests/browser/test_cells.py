"""Runnable cells, as a reader meets them on the harness page docs/dev/cells.md.

The harness has six cells: 1 defines names, 2 prints and ends with a value, 3 draws a
plot, 4 defines and calls a function, 5 imports numpy, 6 loops (time limit 2 s).
Expected output comes from the same code run by lesson_code.cells in CPython.
"""

import re
import time
import urllib.parse

import pytest
from harness import (check_axe, focus_trail, follow_focus, guarded_page, has_focus, press_enter,
                     wait_python_ready)

from lesson_code import cells as cells_module
from lesson_code import get_landscape, momentum
from lesson_code import run as run_race

PAGE = "dev/cells/"
CELLS = 6
RUN_MS = 60_000  # the first run waits for Python to start


def open_cells(page, site_root):
    page.goto(site_root + PAGE)
    page.wait_for_function(
        f"document.querySelectorAll('[data-cell-ready]').length === {CELLS}")


def cell(page, n):
    return page.get_by_role("group", name=f"Python cell {n}", exact=True)


def output(page, n):
    return page.get_by_role("log", name=f"Output of cell {n}")


def run(page, n):
    cell(page, n).get_by_role("button", name=f"Run cell {n}").click()


def wait_ran(page, n, timeout=RUN_MS):
    page.wait_for_function(
        "n => document.querySelectorAll('[data-ravine-cell]')[n - 1].dataset.ran",
        arg=n, timeout=timeout)
    return cell(page, n).get_attribute("data-ran")


def set_code(page, n, code):
    """Click into the highlighted code (it becomes an editor), replace it with code."""
    static = cell(page, n).locator("[data-cell-code]")
    if static.is_visible():
        static.click()
    editor = cell(page, n).get_by_role("textbox", name=f"Code of cell {n}", exact=True)
    editor.click()
    editor.press("Control+a")
    page.keyboard.insert_text(code)
    return editor


def lines(text):
    """The non-blank lines of a text (an editor shows an empty line as two breaks)."""
    return [line for line in text.splitlines() if line.strip()]


def sources(page):
    return page.eval_on_selector_all("[data-ravine-cell]", "els => els.map(e => e.dataset.source)")


WATCH_RUN = """([el, printed]) => {
    const log = window.cellRun = {runningAt: null, stateAtPrint: null};
    const state = el.querySelector(".ravine-cell__state");
    const watch = (target, on) => new MutationObserver(on).observe(target,
        {childList: true, characterData: true, subtree: true});
    // the last time the state was set to Running…: when the worker started the code (until
    // a stop: restoring the earlier cells afterwards is not this run)
    watch(state, () => { if (state.textContent === "Running…" && !el.dataset.stopPressedAt)
        log.runningAt = performance.now(); });
    watch(el, () => {
        const out = el.querySelector("[data-cell-output]");
        if (log.stateAtPrint === null && printed && out && out.textContent.includes(printed))
            log.stateAtPrint = state.textContent;
    });
}"""


def watch_run(page, n, printed=None):
    """Records, on the page's own clock, when cell n's code starts running and what its
    state line says at the moment `printed` first shows in its output (read it with
    `page.evaluate("window.cellRun")`); the page's clock is not delayed by the test's
    round trips, however loaded the machine."""
    page.evaluate(WATCH_RUN, [cell(page, n).element_handle(), printed])


def limit_fired_after_ms(page, n):
    """Milliseconds from cell n's start (watch_run) to the time limit's stop (the page
    stamps stop-pressed-at when its timer fires)."""
    return float(cell(page, n).get_attribute("data-stop-pressed-at")) - \
        page.evaluate("window.cellRun.runningAt")


def in_cpython(codes):
    """Each cell's (stdout + stderr, reply) from lesson_code.cells in CPython, in order."""
    page = f"cpython-{time.monotonic_ns()}"
    results = []
    for n, code in enumerate(codes, 1):
        printed = []
        reply = cells_module.run_cell(code, page, f"cell {n}",
                                      lambda stream, text: printed.append(text))
        results.append(("".join(printed), reply))
    cells_module.forget(page)
    return results


@pytest.mark.browser
def test_a_cell_runs_and_shows_its_printed_output_and_final_value(page, site_root):
    open_cells(page, site_root)
    run(page, 2)
    assert wait_ran(page, 2) == "ok"
    (printed1, _), (printed2, reply2) = in_cpython(sources(page)[:2])
    text = output(page, 2).inner_text()
    assert printed2.strip() and printed2.strip() in text
    assert text.strip().endswith(f"value: {reply2['value']}")
    assert output(page, 1).inner_text().strip() == printed1.strip()


@pytest.mark.browser
def test_a_later_cell_first_runs_the_earlier_cells_and_says_so(page, site_root):
    open_cells(page, site_root)
    run(page, 2)
    assert wait_ran(page, 2) == "ok"
    assert "First running cell 1, which this cell builds on." in output(page, 2).inner_text()
    assert cell(page, 1).get_attribute("data-ran") == "ok"
    # Run again: cell 1 has run in this page's namespace, so it is not run twice.
    page.evaluate("document.querySelectorAll('[data-ravine-cell]')[0].dataset.ran = 'seen'")
    run(page, 2)
    page.wait_for_function("document.querySelectorAll('[data-ravine-cell]')[1].dataset.ran")
    assert "First running" not in output(page, 2).inner_text()
    assert cell(page, 1).get_attribute("data-ran") == "seen"


def wait_for_error(page, n):
    """Waits until cell n has ended in an error; returns the error text shown."""
    page.wait_for_function(
        f"document.querySelectorAll('[data-ravine-cell]')[{n - 1}].dataset.ran === 'error'",
        timeout=RUN_MS)
    return cell(page, n).locator(".ravine-cell__error").inner_text()


@pytest.mark.browser
def test_an_exception_shows_a_traceback_trimmed_to_the_readers_code(page, site_root):
    open_cells(page, site_root)
    set_code(page, 4, "def slope(a):\n    return 1 / a\n\nprint('before')\nslope(0)")
    run(page, 4)
    error = wait_for_error(page, 4)
    assert error.startswith("Traceback (most recent call last):")
    assert 'File "cell 4", line 5, in <module>' in error
    assert 'File "cell 4", line 2, in slope' in error
    assert error.strip().endswith("ZeroDivisionError: division by zero")
    for glue in ("cells.py", "_pyodide", "<exec>", "/lib/python", "<frozen"):
        assert glue not in error
    assert "before" in output(page, 4).inner_text()  # printed before the error


@pytest.mark.browser
def test_an_error_inside_lesson_code_names_the_line_that_refused(page, site_root):
    open_cells(page, site_root)
    set_code(page, 4, "run(momentum(lr, beta=1.5), ravine)")
    run(page, 4)
    error = wait_for_error(page, 4)
    assert 'File "cell 4", line 1, in <module>' in error
    assert 'File "lesson_code/optimizers.py"' in error
    assert "ArgumentError: beta" in error and "/lib/python" not in error


@pytest.mark.browser
def test_importing_numpy_answers_at_once_with_what_exists_here(page, site_root):
    open_cells(page, site_root)
    run(page, 5)
    assert wait_ran(page, 5) == "ok"
    text = output(page, 5).inner_text()
    assert "No module named 'numpy' in this page's Python" in text
    assert "standard library and lesson_code" in text
    assert "notebook" in text and "pip install" in text
    state = cell(page, 5).locator(".ravine-cell__state").inner_text()
    assert state.startswith("Ran in") and state.endswith(" ms"), state  # under a second


@pytest.mark.browser
def test_a_plot_cell_shows_an_svg_image(page, site_root):
    open_cells(page, site_root)
    run(page, 3)
    assert wait_ran(page, 3) == "ok"
    figure = cell(page, 3).get_by_role("img", name="Contours with GD", exact=False)
    src = figure.get_attribute("src")
    assert src.startswith("data:image/svg+xml")
    svg = urllib.parse.unquote(src.split(",", 1)[1])
    assert svg.startswith("<svg") and "<path" in svg and "<script" not in svg
    assert figure.evaluate("img => img.complete && img.naturalWidth > 0")
    # The same figure as CPython's lesson_code.plot draws (clip ids aside).
    (_, reply), = in_cpython(sources(page)[:3])[2:]
    same = re.compile(r"ravine-plot-\d+")
    assert same.sub("id", svg) == same.sub("id", reply["svg"])


@pytest.mark.browser
def test_stop_ends_an_infinite_loop_within_a_second_and_python_comes_back(page, site_root):
    open_cells(page, site_root)
    set_code(page, 6, "print('looping')\nwhile True:\n    pass")
    run(page, 6)
    # the print shows as it is made: the worker is inside the loop
    output(page, 6).get_by_text("looping").wait_for(timeout=RUN_MS)
    # A navigator's call made while the loop runs: after the restart it is answered.
    page.evaluate("""async () => {
        const {getPython} = await import(new URL("../../assets/js/python.js", location).href);
        window.pendingLesson = getPython().lesson("landscapes");
    }""")
    cell(page, 6).get_by_role("button", name="Stop cell 6").click()
    # the loop never ends by itself: the message proves Stop ended it
    output(page, 6).get_by_text("Stopped cell 6: Python was restarted").wait_for()
    # said in the same task as the press (the page's clock), not after a round trip
    pressed, shown = (float(cell(page, 6).get_attribute(f"data-{k}")) for k in ("stop-pressed-at", "stopped-at"))
    assert 0 <= shown - pressed < 1000
    # Python restarts, runs cells 1 to 5 again, and says so.
    output(page, 6).get_by_text("Cells 1, 2, 3, 4 and 5 ran again; their names are back.").wait_for(timeout=RUN_MS)
    reply = page.evaluate("window.pendingLesson")
    assert reply["ok"] and {s["name"] for s in reply["result"]} >= {"ravine", "bowl"}
    # The next run works, in the restored namespace (lr comes from cell 1).
    set_code(page, 6, "lr * 100")
    run(page, 6)
    page.wait_for_function("document.querySelectorAll('[data-ravine-cell]')[5].dataset.ran === 'ok'",
                           timeout=RUN_MS)
    assert output(page, 6).inner_text().strip().endswith("value: 18.0")


@pytest.mark.browser
def test_the_time_limit_stops_runaway_code_nobody_stops(page, site_root):
    open_cells(page, site_root)
    assert "stops after 2 s" in cell(page, 6).inner_text()
    set_code(page, 6, "print('before the loop')\nn = 0\nwhile True:\n    n += 1")
    watch_run(page, 6, printed="before the loop")
    run(page, 6)
    message = output(page, 6).get_by_text("reached its time limit of 2 s")
    message.wait_for(timeout=RUN_MS)
    assert message.inner_text().startswith("Cell 6 reached its time limit of 2 s, so the page stopped it")
    # Output shows as it is produced: the print was on the page while the loop still ran.
    assert page.evaluate("window.cellRun.stateAtPrint") == "Running…"
    # not before its 2 s, and by the page's timer, before the watchdog's backstop (2 s later)
    assert 1_990 <= limit_fired_after_ms(page, 6) < 4_000


@pytest.mark.browser
def test_an_edit_survives_a_reload_and_reset_restores_the_original(page, site_root):
    open_cells(page, site_root)
    original = sources(page)[0]
    set_code(page, 1, "lr = 0.5\nprint('edited', lr)")
    page.wait_for_function("document.querySelectorAll('[data-ravine-cell]')[0].dataset.saved === 'true'")
    page.reload()
    open_cells(page, site_root)
    editor = cell(page, 1).get_by_role("textbox", name="Code of cell 1", exact=True)
    assert editor.inner_text() == "lr = 0.5\nprint('edited', lr)"
    run(page, 1)
    assert wait_ran(page, 1) == "ok"
    assert output(page, 1).inner_text().strip() == "edited 0.5"
    cell(page, 1).get_by_role("button", name="Reset cell 1").click()
    assert lines(editor.inner_text()) == lines(original)
    assert "Restored the lesson's code." in output(page, 1).inner_text()
    page.reload()
    open_cells(page, site_root)
    assert cell(page, 1).locator("[data-cell-code]").is_visible()  # the lesson's own code
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('ravine:cells:'))") == []


def rewrite_saved_hash(page):
    page.evaluate("""() => {
        for (const key of Object.keys(localStorage).filter(k => k.startsWith('ravine:cells:'))) {
            const entries = JSON.parse(localStorage.getItem(key));
            for (const entry of Object.values(entries)) entry.hash = 'an-older-lesson';
            localStorage.setItem(key, JSON.stringify(entries));
        }
    }""")


@pytest.mark.browser
def test_a_changed_original_is_shown_and_the_reader_chooses(page, site_root):
    open_cells(page, site_root)
    set_code(page, 2, "print('my version')")
    page.wait_for_function("document.querySelectorAll('[data-ravine-cell]')[1].dataset.saved === 'true'")
    rewrite_saved_hash(page)  # as if the lesson's cell had changed since the edit
    page.reload()
    open_cells(page, site_root)
    notice = cell(page, 2).get_by_role("alert")
    assert "The lesson has changed this cell since you edited it" in notice.inner_text()
    assert cell(page, 2).locator("[data-cell-code]").is_visible()  # the new lesson, not hidden
    notice.get_by_text("Show your saved edit").click()
    assert "print('my version')" in notice.inner_text()
    notice.get_by_role("button", name="Keep my edit").click()
    editor = cell(page, 2).get_by_role("textbox", name="Code of cell 2", exact=True)
    assert editor.inner_text() == "print('my version')"
    # The editor saves what it shows a moment later: wait for it, or that save would undo
    # the rewrite below.
    page.wait_for_function("document.querySelectorAll('[data-ravine-cell]')[1].dataset.saved === 'true'")
    # Again, this time keeping the lesson's new code: the old edit is gone.
    rewrite_saved_hash(page)
    page.reload()
    open_cells(page, site_root)
    cell(page, 2).get_by_role("button", name="Use the new lesson code").click()
    assert cell(page, 2).get_by_role("alert").count() == 0
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('ravine:cells:'))") == []


@pytest.mark.browser
def test_cells_work_from_the_keyboard(page, site_root):
    open_cells(page, site_root)
    code = cell(page, 1).locator("[data-cell-code]")
    code.focus()
    for _ in range(2):  # before any typing, Tab moves on (past the copy button): no trap
        page.keyboard.press("Tab")
    assert not code.evaluate("el => el.contains(document.activeElement)")
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "Run cell 1"
    code.focus()
    page.keyboard.press("End")
    page.keyboard.type("#")  # typing turns the block into an editor, with the key typed
    editor = cell(page, 1).get_by_role("textbox", name="Code of cell 1", exact=True)
    editor.wait_for()
    assert editor.evaluate("el => el.contains(document.activeElement)")
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")  # Tab indents inside the editor
    page.keyboard.type("x = 1")
    assert "\n    x = 1" in editor.inner_text() or "\n        x = 1" in editor.inner_text()
    page.keyboard.press("Control+a")
    page.keyboard.insert_text("print('from the keyboard')")
    page.keyboard.press("Control+Enter")  # runs
    assert wait_ran(page, 1) == "ok"
    assert output(page, 1).inner_text().strip() == "from the keyboard"
    editor.focus()
    page.keyboard.press("Escape")
    page.keyboard.press("Tab")  # Escape then Tab leaves the editor
    assert not editor.evaluate("el => el.contains(document.activeElement)")


def focused(page):
    return page.evaluate("""() => document.activeElement === document.body ? "BODY"
        : document.activeElement.getAttribute("aria-label")""")


def wait_idle(page, n, timeout=RUN_MS):
    page.wait_for_function(
        "n => document.querySelectorAll('[data-ravine-cell]')[n - 1].dataset.busy === 'false'",
        arg=n, timeout=timeout)


def press(page, n, name):
    """Presses Enter on cell n's button of that name, as a keyboard user does."""
    press_enter(cell(page, n).get_by_role("button", name=f"{name} cell {n}"))


@pytest.mark.browser
def test_run_from_the_keyboard_moves_the_focus_to_stop_and_back_to_run(page, site_root):
    """Run is disabled while its cell runs: the focus it had goes to Stop, the control that
    matters then, and comes back to Run when the cell is done, never to the page."""
    open_cells(page, site_root)
    follow_focus(page)
    press(page, 1, "Run")
    assert focused(page) == "Stop cell 1"  # Python is starting: the cell waits for it
    assert wait_ran(page, 1) == "ok"
    wait_idle(page, 1)
    assert focused(page) == "Run cell 1"
    # The time limit stops a cell run from the keyboard: Stop keeps the focus while the
    # earlier cells run again, then Run has it.
    set_code(page, 6, "while True:\n    pass")
    follow_focus(page)
    press(page, 6, "Run")
    assert focused(page) == "Stop cell 6"
    output(page, 6).get_by_text("reached its time limit of 2 s").wait_for(timeout=RUN_MS)
    assert focused(page) == "Stop cell 6"
    output(page, 6).get_by_text("Cells 1, 2, 3, 4 and 5 ran again").wait_for(timeout=RUN_MS)
    wait_idle(page, 6)
    assert focused(page) == "Run cell 6"
    trail = focus_trail(page)  # from the editor of cell 6
    assert trail[-3:] == ["Run cell 6", "Stop cell 6", "Run cell 6"] and "BODY" not in trail, trail


@pytest.mark.browser
def test_stop_from_the_keyboard_keeps_the_focus_until_run_is_back(page, site_root):
    open_cells(page, site_root)
    set_code(page, 6, "print('looping')\nwhile True:\n    pass")
    run(page, 6)
    output(page, 6).get_by_text("looping").wait_for(timeout=RUN_MS)
    follow_focus(page)
    press(page, 6, "Stop")
    output(page, 6).get_by_text("Stopped cell 6: Python was restarted").wait_for()
    assert focused(page) == "Stop cell 6"  # the earlier cells run again: Stop stays
    output(page, 6).get_by_text("Cells 1, 2, 3, 4 and 5 ran again").wait_for(timeout=RUN_MS)
    wait_idle(page, 6)
    assert focused(page) == "Run cell 6"
    assert focus_trail(page) == ["Stop cell 6", "Run cell 6"], focus_trail(page)


@pytest.mark.browser
def test_an_output_being_read_keeps_the_focus_in_its_cell_when_a_restore_clears_it(page, site_root):
    """A reader reads a long output (a tab stop) while another cell hits its time limit:
    the restore runs the earlier cells again, clearing that output; the focus stays in
    that cell, on its buttons, not on the page."""
    open_cells(page, site_root)
    set_code(page, 2, "for i in range(200):\n    print(i)")
    run(page, 2)
    assert wait_ran(page, 2) == "ok"
    set_code(page, 6, "while True:\n    pass")
    run(page, 6)
    printed = output(page, 2).locator("pre").first
    printed.focus()  # the reader scrolls it from the keyboard
    assert has_focus(printed)
    follow_focus(page)
    output(page, 6).get_by_text("Cells 1, 2, 3, 4 and 5 ran again").wait_for(timeout=RUN_MS)
    wait_idle(page, 6)
    trail = focus_trail(page)
    assert "BODY" not in trail and trail[-1] == "Run cell 2", trail


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_cells_meet_wcag_in_light_and_dark_after_running(browser, site_root, scheme):
    with guarded_page(browser, site_root, color_scheme=scheme) as page:
        open_cells(page, site_root)
        run(page, 5)  # cells 1 to 4 run first: text, a value, a plot
        assert wait_ran(page, 5) == "ok"
        set_code(page, 4, "print('out')\n1 / 0")
        run(page, 4)
        page.wait_for_function("document.querySelectorAll('[data-ravine-cell]')[3].dataset.ran === 'error'",
                               timeout=RUN_MS)
        wait_python_ready(page)
        check_axe(page)


@pytest.mark.browser
def test_the_editor_loads_after_instant_navigation_from_another_page(page, site_root):
    """The import map of the first page stays in force when Material swaps pages."""
    page.goto(site_root)
    page.evaluate("window.samePage = true")
    page.evaluate("""href => {
        const a = Object.assign(document.createElement("a"), {href, textContent: "to the cells"});
        document.querySelector("article").append(a);
    }""", PAGE)
    page.get_by_role("link", name="to the cells").click()
    page.wait_for_url(site_root + PAGE)
    page.wait_for_function(
        f"document.querySelectorAll('[data-cell-ready]').length === {CELLS}")
    assert page.evaluate("window.samePage") is True  # no full reload happened
    editor = set_code(page, 1, "print('after navigating')")
    assert editor.evaluate("el => el.classList.contains('cm-content')")  # CodeMirror, not the fallback
    run(page, 1)
    assert wait_ran(page, 1) == "ok"
    assert output(page, 1).inner_text().strip() == "after navigating"


@pytest.mark.browser
def test_a_navigator_beside_the_cells_keeps_working_through_a_stop(page, site_root):
    open_cells(page, site_root)
    page.evaluate("""() => {
        window.navigatorResults = [];
        document.getElementById("beside-cells").addEventListener("navigator:result",
            (event) => window.navigatorResults.push(event.detail));
    }""")
    set_code(page, 6, "while True:\n    pass")
    run(page, 6)
    page.wait_for_function(
        "document.querySelectorAll('[data-ravine-cell]')[5].querySelector('.ravine-cell__state')"
        ".textContent === 'Running…'", timeout=RUN_MS)
    # The reader changes the race while the loop holds the worker; then presses Stop.
    page.evaluate("""() => { window.navigatorResults = [];
        document.getElementById("beside-cells").dispatchEvent(new CustomEvent("navigator:set",
            {detail: {optimizers: ["momentum"], lr: 0.1, beta: 0.5, run: false}})); }""")
    cell(page, 6).get_by_role("button", name="Stop cell 6").click()
    page.wait_for_function("window.navigatorResults.length > 0", timeout=RUN_MS)
    detail = page.evaluate("window.navigatorResults.at(-1)")
    assert detail["state"]["lr"] == 0.1 and detail["state"]["beta"] == 0.5
    assert [r["name"] for r in detail["runs"]] == ["momentum"]
    expected = run_race(momentum(0.1, 0.5), get_landscape("ravine"), (-8, 2), 300)
    assert detail["runs"][0]["message"] == expected.message  # computed by the new worker


@pytest.mark.browser
def test_a_cell_says_so_when_python_cannot_start_and_keeps_the_code(browser, site_root):
    with guarded_page(browser, site_root, python=False) as page:
        open_cells(page, site_root)
        set_code(page, 1, "print('kept')")
        run(page, 1)
        output(page, 1).get_by_text("Python could not start").wait_for(timeout=RUN_MS)
        assert cell(page, 1).get_by_role("button", name="Run cell 1").is_enabled()
        assert cell(page, 1).locator(".ravine-cell__state").inner_text() == "Did not run: Python could not start"
        editor = cell(page, 1).get_by_role("textbox", name="Code of cell 1", exact=True)
        assert editor.inner_text() == "print('kept')"
