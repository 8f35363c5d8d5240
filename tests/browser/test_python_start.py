"""Python's start, as a reader sees it on the navigator's harness page (docs/dev/navigator.md).

The loading line names real phases in order: "Downloading Python… n%" (n from the bytes
received), "Starting Python…", "Loading the lesson code…", then the race. Python starts
from the memory snapshot the build made (scripts/snapshot.mjs); a snapshot that is
missing, corrupt, of another Pyodide build or of another lesson_code wheel is set aside
and Python boots plainly: the page gets there all the same.
"""

import gzip
import re

import pytest
from harness import open_context
from paths import SITE
from test_cells import open_cells, output, run, set_code, wait_ran

PAGE = "dev/navigator/"
SNAPSHOT = "vendor/pyodide/lesson-code.snapshot.gz"
PHASES = ["Downloading Python…", "Starting Python…", "Loading the lesson code…",
          "Python is ready: computing the race…"]
pytestmark = pytest.mark.browser

# Every text the loading line shows, as it changes: [announced words, whole line].
RECORD = """
window.loadingLines = [];
const record = () => {
  const line = document.querySelector('#harness [data-nav-loading]');
  if (!line) return;
  const shown = line.textContent;
  const last = window.loadingLines.at(-1);
  if (last && last[1] === shown) return;
  // what a screen reader is given: the line without its aria-hidden parts
  const heard = [...line.childNodes].filter((n) => !(n.getAttribute && n.getAttribute('aria-hidden') === 'true'))
    .map((n) => n.textContent).join('');
  window.loadingLines.push([heard, shown]);
};
new MutationObserver(record).observe(document, {subtree: true, childList: true, characterData: true});
"""


def loading_lines(browser, site_root, route=None, bytes_per_second=None):
    """The loading line's texts from navigation to the live race, and the worker URLs."""
    context, guard = open_context(browser, site_root)
    context.add_init_script(RECORD)
    if route:
        context.route("**/" + SNAPSHOT, route)
    page = context.new_page()
    workers = []
    page.on("worker", lambda worker: workers.append(worker.url))
    if bytes_per_second:
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", {
            "offline": False, "latency": 0, "uploadThroughput": -1,
            "downloadThroughput": bytes_per_second})
    page.goto(site_root + PAGE)
    page.locator("#harness.navigator-live").wait_for(timeout=90_000)
    lines = page.evaluate("window.loadingLines")
    context.close()
    guard.check()
    return lines, workers


def phases(lines):
    """The announced words in order, each once, from the first phase the page names."""
    words = []
    for heard, _ in lines:
        if heard in PHASES and (not words or words[-1] != heard):
            words.append(heard)
    return words


def test_the_loading_line_names_real_phases_in_order_with_the_bytes_received(browser, site_root):
    # 8 MB/s: the download takes long enough for its percent to move
    lines, workers = loading_lines(browser, site_root, bytes_per_second=8_000_000)
    assert phases(lines) == PHASES, lines
    # nothing but these phases (the builder's "Loading Python…" stands until the page
    # mounts; the line empties once the race is live)
    assert {heard for heard, _ in lines} <= set(PHASES) | {"Loading Python…", ""}, lines
    percents = [int(m.group(1)) for _, shown in lines
                if (m := re.fullmatch(r"Downloading Python… (\d+)%", shown))]
    # from the start of the download (0 %, or a step later when the navigator's module
    # mounts after the worker's first progress: ci23, at load 7, first showed 1 %)
    assert percents == sorted(percents) and percents[0] <= 10 and percents[-1] <= 99, percents
    assert len([p for p in percents if 0 < p < 99]) >= 3, percents  # it moves as bytes arrive
    # the percent is shown, not announced: the live region hears each phase once
    assert all("%" not in heard for heard, _ in lines), lines
    assert "%" not in lines[-1][1]
    # started from the snapshot: no second, plain worker
    assert not any("plain" in url for url in workers), workers


def snapshot_bytes():
    return gzip.decompress((SITE / SNAPSHOT).read_bytes())


def another_build(route):
    """The real snapshot with another Pyodide build id (bytes 16-47 of its header)."""
    data = bytearray(snapshot_bytes())
    data[16:48] = bytes(32)
    route.fulfill(status=200, body=gzip.compress(bytes(data), 1), content_type="application/gzip")


def another_wheel(route):
    """The real snapshot, with lesson_code.__wheel_sha256__ naming another wheel."""
    data = snapshot_bytes()
    sha = re.search(rb'"sha256": "([0-9a-f]{64})"',
                    (SITE / "vendor/pyodide/pyodide-lock.json").read_bytes()).group(1)
    assert sha in data
    route.fulfill(status=200, body=gzip.compress(data.replace(sha, b"0" * 64), 1),
                  content_type="application/gzip")


@pytest.mark.parametrize("route", [
    lambda route: route.fulfill(status=200, body=b"not a snapshot", content_type="application/gzip"),
    lambda route: route.fulfill(status=404, body=b"", content_type="text/plain"),
    another_build,
    another_wheel,
], ids=["corrupt", "missing", "another-pyodide-build", "another-wheel"])
def test_a_snapshot_that_cannot_be_used_falls_back_to_a_plain_boot(browser, site_root, route):
    lines, workers = loading_lines(browser, site_root, route=route)
    assert any(url.endswith("python-worker.js?plain") for url in workers), workers
    assert phases(lines)[-2:] == PHASES[-2:], lines
    assert not any("could not" in shown for _, shown in lines), lines


CELL_STATES = """
window.cellStates = [];
new MutationObserver(() => {
  const state = document.querySelector('[data-ravine-cell] .ravine-cell__state');
  const text = state && state.textContent.replace(/ \\d+%$/, '');
  if (text && window.cellStates.at(-1) !== text) window.cellStates.push(text);
}).observe(document, {subtree: true, childList: true, characterData: true});
"""


def first_cell_draws(browser, site_root):
    """A fresh reader runs `random.random()` in the first cell: (its states, its output)."""
    context, guard = open_context(browser, site_root)
    context.add_init_script(CELL_STATES)
    page = context.new_page()
    open_cells(page, site_root)
    set_code(page, 1, "import random\nprint(random.random())")
    run(page, 1)
    assert wait_ran(page, 1) == "ok"
    drawn = output(page, 1).inner_text().strip()
    states = page.evaluate("window.cellStates")
    context.close()
    guard.check()
    return states, drawn


def test_a_cell_names_the_phases_and_each_reader_draws_their_own_random_numbers(browser, site_root):
    states_a, drawn_a = first_cell_draws(browser, site_root)
    _, drawn_b = first_cell_draws(browser, site_root)
    # the page's navigator started Python at load: the cell shows the phases from wherever
    # Python was when Run was pressed, in order, then runs
    started = [s for s in states_a if s in PHASES[:3]]
    assert started == PHASES[3 - len(started):3], states_a
    assert states_a[-2:] == ["Running…", states_a[-1]] and states_a[-1].startswith("Ran in"), states_a
    # the snapshot froze random's state; the worker reseeds it for each reader
    assert 0 <= float(drawn_a) < 1 and 0 <= float(drawn_b) < 1
    assert drawn_a != drawn_b
