"""Benchmark a return visit with a warm service worker against the first visit, side by
side (a script, not a test).

Usage: RAVINE_BUILD=build .venv/bin/python scripts/bench_offline.py [--runs 3] [--page optimizers/momentum/]

Serves the built site under its site_url's path (on a free port), then, per run, in a
fresh browser profile (launch_persistent_context, so caches outlive the browser):
  cold: ms from navigation start to the page's first navigator live (first visit);
  then waits until the service worker holds the Python runtime, closes the browser;
  warm: the browser started again on the same profile, the same page, the same ms (a
    return visit served by the service worker);
  and, as a same-run baseline, the same two visits in another fresh profile with service
  workers blocked (a return visit served by the browser's HTTP cache alone).
Prints every run (Python ready too, to show where the time goes), the medians, and
warm / cold beside the issue's goal (<= 0.5).
"""

import argparse
import os
import pathlib
import statistics
import sys
import tempfile
import threading

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "tests" / "browser")]
from playwright.sync_api import sync_playwright  # noqa: E402

from harness import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from scripts.serve import make_server, site_address  # noqa: E402

SITE = ROOT / os.environ.get("RAVINE_BUILD", "build") / "site"
TIMEOUT = 180_000

# ms since navigation start at which Python is ready (python.js sets data-python) and a
# navigator first goes live (navigator.js adds the class), recorded by an observer that
# runs before any script of the page.
PROBE = """
new MutationObserver((_, observer) => {
  if (document.documentElement?.dataset.python === 'ready') window.benchPython ??= performance.now();
  if (document.querySelector('.navigator-live')) {
    window.benchLive = performance.now();
    observer.disconnect();
  }
}).observe(document, {subtree: true, attributes: true, attributeFilter: ['class', 'data-python'],
                      childList: true});
"""


def visit(playwright, profile, url, service_workers="allow", wait_offline=False):
    """Opens url in a browser on profile; returns ms to Python ready and to the navigator
    live."""
    context = playwright.chromium.launch_persistent_context(
        profile, executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True,
        viewport={"width": 1280, "height": 900}, service_workers=service_workers)
    try:
        context.add_init_script(PROBE)
        page = context.pages[0] if context.pages else context.new_page()
        page.goto(url)
        page.wait_for_function("window.benchLive", timeout=TIMEOUT)
        live = page.evaluate("[window.benchPython, window.benchLive]")
        if wait_offline:  # the service worker holds everything the next visit needs
            page.wait_for_function("document.documentElement.dataset.offline === 'ready'",
                                   timeout=TIMEOUT)
        return live
    finally:
        context.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--page", default="optimizers/momentum/")
    args = parser.parse_args()
    _, prefix = site_address(SITE)
    server = make_server(SITE, 0, prefix)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}{prefix}{args.page}"
    rows = []
    with sync_playwright() as playwright:
        for i in range(args.runs):
            with tempfile.TemporaryDirectory() as sw, tempfile.TemporaryDirectory() as http:
                visits = {"cold": visit(playwright, sw, url, wait_offline=True),
                          "warm (service worker)": visit(playwright, sw, url),
                          "cold, no worker": visit(playwright, http, url, "block"),
                          "warm (HTTP cache only)": visit(playwright, http, url, "block")}
            row = {name: live for name, (_, live) in visits.items()}
            row |= {f"{name}: Python ready": python for name, (python, _) in visits.items()}
            row["warm / cold"] = row["warm (service worker)"] / row["cold"]
            row["HTTP-cache warm / cold"] = row["warm (HTTP cache only)"] / row["cold, no worker"]
            rows.append(row)
            print(f"run {i + 1}: " + ", ".join(
                f"{k} {v:.2f}" if "/" in k else f"{k} {v:.0f} ms" for k, v in row.items()),
                flush=True)
    server.shutdown()
    median = {k: statistics.median(r[k] for r in rows) for k in rows[0]}
    print(f"\nmedians of {len(rows)} runs, {args.page} (navigation start -> navigator live):")
    for key, value in median.items():
        print(f"  {key}: " + (f"{value:.2f}" if "/" in key else f"{value:.0f} ms"))
    ok = median["warm / cold"] <= 0.5
    print(f"  goal warm / cold <= 0.5: {'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main()
