"""Benchmark the navigator against a bare Pyodide boot, side by side (a script, not a test).

Usage: RAVINE_BUILD=build .venv/bin/python scripts/bench_navigator.py [--runs 5]

Serves the built site where its site_url says (as the browser tests do), then, per run, in
a fresh browser context (cold cache, like a first visit):
  navigator page (docs/dev/navigator.md): ms from navigation start to DOMContentLoaded, to
    the static figure painted, to Python ready, to the first live trajectory drawn;
  bare page (docs/dev/bare.md): ms to the same Pyodide core ready in a module worker;
  a drag: ms from each pointer move to its redrawn race (2 optimizers x 500 steps),
    moves 50 ms apart;
  instant navigation: ms from clicking a link (home -> navigator page, Python already
    running) to the navigator live;
  return visit: in a persistent browser context (a profile on disk, as a reader's
    browser), the navigator page opened cold, then again in a new tab (warm HTTP cache,
    and the service worker once the site has one): ms to the first live trajectory each
    time, and their ratio; once from the local server as it is (no network cost: what a
    return visit saves is then only start-up work), once over a link of LINK_MBPS Mbit/s
    with LINK_RTT_MS ms per request (the server paces its bytes; a reader's connection),
    where the download a warm service worker saves counts as it does for a reader.
    Locally, a third visit too: Chromium keeps the runtime's compiled WebAssembly beside
    the service worker's copy of it only once Python has run from that copy for a moment,
    which the first visit (served before the worker has the runtime) never does. So the
    first return visit compiles the runtime again, and the second may start from the
    compiled code. Each visit stays open DWELL_MS after going live, as a reader's would.
Prints every run, the medians, and the issue's goals beside them.
"""

import argparse
import functools
import os
import pathlib
import statistics
import sys
import tempfile
import threading
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "tests" / "browser")]
from playwright.sync_api import sync_playwright  # noqa: E402

from scripts.serve import make_server, site_address  # noqa: E402
from harness import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

SITE = ROOT / os.environ.get("RAVINE_BUILD", "build") / "site"
DWELL_MS = 3000  # a visit stays open this long after the navigator is live
LINK_MBPS, LINK_RTT_MS = 20, 40  # a fair home connection, for the return visit over a link

# Records when things happen, in ms since navigation start (performance.now()).
PROBE = """
window.bench = {};
const mark = (name) => (window.bench[name] ??= performance.now());
document.addEventListener('DOMContentLoaded', () => mark('dcl'));
let watching = false;
const poll = () => {
  if (!watching && document.documentElement) {
    watching = true;
    new MutationObserver(() => {
      if (document.documentElement.dataset.python === 'ready') mark('ready');
    }).observe(document.documentElement, {attributes: true, attributeFilter: ['data-python']});
  }
  const img = document.querySelector('.navigator-static');
  if (img && img.complete && img.naturalWidth > 0) mark('figure');
  if (document.querySelector('#harness.navigator-live')) mark('live');
  if (!window.bench.live) requestAnimationFrame(poll);
};
requestAnimationFrame(poll);
"""

INSTANT = """async () => {
  const link = (href) => {
    const a = Object.assign(document.createElement('a'), {href, textContent: 'bench'});
    document.querySelector('article').append(a);
    return a;
  };
  const until = async (test) => {
    const end = performance.now() + 20000;
    while (!test()) {
      if (performance.now() > end) throw new Error('instant navigation did not arrive');
      await new Promise(requestAnimationFrame);
    }
  };
  link('../../').click();
  await until(() => !document.querySelector('#harness'));
  await new Promise((r) => setTimeout(r, 300));
  const t0 = performance.now();
  link('dev/navigator/').click();
  await until(() => document.querySelector('#harness.navigator-live'));
  return performance.now() - t0;
}"""


def navigator_run(browser, root):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(PROBE)
    page = context.new_page()
    page.goto(root + "dev/navigator/")
    page.wait_for_function("window.bench.live", timeout=120_000)
    marks = page.evaluate("window.bench")
    # a drag over a 2 x 500-step race
    page.evaluate("""() => document.querySelector('#harness').dispatchEvent(new CustomEvent('navigator:set',
        {detail: {optimizers: ['sgd', 'momentum'], num_steps: 500, lr: 0.05, start: [-8, 2]}}))""")
    page.wait_for_timeout(500)
    canvas = page.locator("#harness canvas.navigator-canvas")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    page.evaluate("document.querySelector('#harness').navigator.timings.length = 0")
    page.mouse.move(box["x"] + 0.2 * box["width"], box["y"] + 0.2 * box["height"])
    page.mouse.down()
    for i in range(40):
        page.mouse.move(box["x"] + (0.2 + 0.015 * i) * box["width"], box["y"] + (0.2 + 0.01 * i) * box["height"])
        page.wait_for_timeout(50)
    page.mouse.up()
    page.wait_for_timeout(300)
    drags = page.evaluate("document.querySelector('#harness').navigator.timings.slice()")
    profile = page.evaluate("document.querySelector('#harness').navigator.profile.slice()")
    split = {k: statistics.median(p[k] for p in profile) for k in ("wait", "python", "page")}
    print("  drag redraw split (median ms): " + ", ".join(f"{k} {v:.1f}" for k, v in split.items()))
    instant = page.evaluate(INSTANT)
    context.close()
    return marks, statistics.median(drags), len(drags), instant


def bare_run(browser, root):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(root + "dev/bare/")
    page.wait_for_function("window.bareReady", timeout=120_000)
    ready = page.evaluate("window.bareReady")
    context.close()
    return ready


def return_run(playwright, root, visits=2):
    """ms to live in one persistent context, per visit: the first (cold), then each
    return in a new tab."""
    with tempfile.TemporaryDirectory(prefix="ravine-bench-") as profile:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 900})
        context.add_init_script(PROBE)
        times = []
        for _ in range(visits):
            page = context.new_page()
            page.goto(root + "dev/navigator/")
            page.wait_for_function("window.bench.live", timeout=120_000)
            times.append(page.evaluate("window.bench.live"))
            page.wait_for_timeout(DWELL_MS)
            page.close()
        context.close()
    return times


class Link:
    """One connection's worth of bandwidth shared by every request, and a delay per request."""

    def __init__(self, mbps, rtt_ms):
        self.bytes_per_s, self.rtt = mbps * 1e6 / 8, rtt_ms / 1000
        self.lock, self.free_at = threading.Lock(), 0.0

    def send(self, size):
        with self.lock:
            self.free_at = max(time.monotonic(), self.free_at) + size / self.bytes_per_s
            wait = self.free_at - time.monotonic()
        if wait > 0:
            time.sleep(wait)


def serve_over(link, prefix):
    """The site on a free port, its answers paced by link."""
    server = make_server(SITE, 0, prefix)
    made = server.RequestHandlerClass  # functools.partial(handler class, directory=...)

    class Paced(made.func):
        def send_head(self):
            time.sleep(link.rtt)
            return super().send_head()

        def copyfile(self, source, outputfile):
            while chunk := source.read(64 * 1024):
                link.send(len(chunk))
                outputfile.write(chunk)

    server.RequestHandlerClass = functools.partial(Paced, *made.args, **made.keywords)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}{prefix}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    port, prefix = site_address(SITE)
    server = make_server(SITE, port, prefix)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    root = f"http://127.0.0.1:{port}{prefix}"
    paced, paced_root = serve_over(Link(LINK_MBPS, LINK_RTT_MS), prefix)
    link = f"{LINK_MBPS} Mbit/s"
    rows = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for i in range(runs):
            bare = bare_run(browser, root)
            marks, drag, moves, instant = navigator_run(browser, root)
            cold, again, third = return_run(playwright, root, visits=3)
            cold_link, again_link = return_run(playwright, paced_root)
            row = {"DOMContentLoaded": marks["dcl"], "static figure": marks["figure"],
                   "figure after DCL": marks["figure"] - marks["dcl"], "Python ready": marks["ready"],
                   "first live trajectory": marks["live"], "bare Pyodide ready": bare,
                   "live / bare": marks["live"] / bare, "drag redraw (median)": drag,
                   "instant navigation to live": instant, "cold live (profile)": cold,
                   "return-visit live": again, "return / cold": again / cold,
                   "second return-visit live": third, "second return / cold": third / cold,
                   f"cold live, {link}": cold_link, f"return-visit live, {link}": again_link,
                   f"return / cold, {link}": again_link / cold_link}
            rows.append(row)
            print(f"run {i + 1}: " + ", ".join(f"{k} {v:.2f}" if " / " in k else f"{k} {v:.0f} ms"
                                               for k, v in row.items()) + f" ({moves} redraws)")
        browser.close()
    server.shutdown()
    paced.shutdown()
    median = {k: statistics.median(r[k] for r in rows) for k in rows[0]}
    goals = {"figure after DCL": ("≤ 300 ms", median["figure after DCL"] <= 300),
             "live / bare": ("≤ 1.0", median["live / bare"] <= 1.0),
             "return / cold": ("≤ 0.5", median["return / cold"] <= 0.5),
             f"return / cold, {link}": ("≤ 0.5", median[f"return / cold, {link}"] <= 0.5),
             "drag redraw (median)": ("≤ 16 ms", median["drag redraw (median)"] <= 16),
             "instant navigation to live": ("≤ 500 ms", median["instant navigation to live"] <= 500)}
    print(f"\nmedians of {runs} runs:")
    for key, value in median.items():
        text = f"{value:.2f}" if " / " in key else f"{value:.0f} ms"
        goal = f"   goal {goals[key][0]}: {'met' if goals[key][1] else 'NOT met'}" if key in goals else ""
        print(f"  {key:40} {text:>10}{goal}")


if __name__ == "__main__":
    main()
