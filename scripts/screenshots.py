"""Screenshot every page of the built site at 1280 px and 375 px, light and dark.

Usage: python scripts/screenshots.py [--site build/site] [--out build/screenshots]
                                     [--widths 1280,375] [--slices] [--port N] [PAGE ...]

Serves the built site where its site_url says (as the browser tests do; --port serves it
on another port, beside a test run, at the cost of instant navigation), opens each page
(every index.html of the site, or the PAGEs given, e.g. optimizers/momentum/) in
Debian's Chromium with the reader's colour scheme set to light and to dark (Material's
palette follows it), waits for its figures and, on a page with widgets, for Python and
the live navigators, and writes a full-page PNG:

    build/screenshots/<page>-<width>-<light|dark>.png

With --slices it also cuts each into screen-high parts (…-01.png, …-02.png) to look at
one screen at a time. Not a test: it prints, per shot, the facts a reader would notice
first (the page wider than the screen, Python failing) and writes nothing into docs/.
"""

import argparse
import os
import pathlib
import sys
import threading

from playwright.sync_api import sync_playwright

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from scripts.serve import make_server, site_address  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run"]
HEIGHTS = {1280: 800, 375: 740}
SCHEMES = {"light": "light", "dark": "dark"}
WIDGETS = "[data-navigator], [data-ravine-cell], [data-ravine-ratemap], [data-ravine-smoke]"
# Live: Python ready or failed where a widget needs it; every navigator live. (python.js
# sets data-python; navigator.js adds .navigator-live.)
LIVE = """sel => (!document.querySelector(sel) || ['ready', 'error'].includes(document.documentElement.dataset.python))
  && [...document.querySelectorAll('.ravine-navigator')].every(n => n.classList.contains('navigator-live')
                                                              || document.documentElement.dataset.python === 'error')"""
# Every image shown decoded (once REVEAL has brought the lazy ones near the screen; a
# hidden one, such as a live navigator's static figure, is never fetched).
IMAGES = "() => [...document.images].every(i => i.complete || !i.checkVisibility())"
# A full-page shot shows the page as a reader who scrolled through it saw it: lazy figures
# load, and a widget's canvas is drawn, only near the screen (figures_hook.py,
# near-screen.js). One screen at a time, two frames each, then back to the top.
REVEAL = """async () => {
  const frame = () => new Promise(requestAnimationFrame);
  for (let y = 0; y < document.documentElement.scrollHeight; y += innerHeight) {
    scrollTo(0, y);
    await frame();
    await frame();
  }
  scrollTo(0, 0);
  await frame();
}"""
FACTS = """() => ({scrollWidth: document.documentElement.scrollWidth, innerWidth,
  scheme: document.body.dataset.mdColorScheme, python: document.documentElement.dataset.python || '-',
  height: document.documentElement.scrollHeight})"""


def pages(site):
    return sorted(str(p.parent.relative_to(site)) + "/" if p.parent != site else ""
                  for p in site.rglob("index.html"))


def shoot(browser, root, page_path, width, scheme, out, slices):
    height = HEIGHTS.get(width, 800)
    context = browser.new_context(viewport={"width": width, "height": height},
                                  color_scheme=SCHEMES[scheme], reduced_motion="reduce",
                                  has_touch=width < 600, is_mobile=width < 600)
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(root)
                  or route.request.url.startswith(("data:", "blob:")) else route.abort())
    page = context.new_page()
    page.goto(root + page_path)
    page.wait_for_function(LIVE, arg=WIDGETS, timeout=90_000)
    page.evaluate(REVEAL)
    page.wait_for_function(IMAGES, timeout=90_000)
    name = (page_path.strip("/").replace("/", "-") or "home") + f"-{width}-{scheme}"
    path = out / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    facts = page.evaluate(FACTS)
    context.close()
    wide = " WIDER THAN THE SCREEN" if facts["scrollWidth"] > facts["innerWidth"] else ""
    print(f"{path}: {facts['scrollWidth']}×{facts['height']} px, "
          f"scheme {facts['scheme']}, python {facts['python']}{wide}", flush=True)
    if slices:
        from PIL import Image
        image = Image.open(path)
        for k, top in enumerate(range(0, image.height, height), start=1):
            image.crop((0, top, image.width, min(top + height, image.height))).save(
                out / f"{name}-{k:02d}.png")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", default=os.environ.get("RAVINE_SITE_DIR", "build/site"))
    parser.add_argument("--out", default="build/screenshots")
    parser.add_argument("--widths", default="1280,375")
    parser.add_argument("--slices", action="store_true")
    parser.add_argument("--port", type=int, help="default: the port of the site's site_url")
    parser.add_argument("pages", nargs="*")
    args = parser.parse_args()
    site = (ROOT / args.site).resolve()
    if not (site / "index.html").is_file():
        sys.exit(f"screenshots: no built site at {site}: run `make site`")
    out = ROOT / args.out
    out.mkdir(parents=True, exist_ok=True)
    port, prefix = site_address(site)
    port = args.port or port
    server = make_server(site, port, prefix)
    report = server.handle_error
    # a context closed mid-download (the wasm) resets its connection: not worth a traceback
    server.handle_error = lambda request, address: (
        None if isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError))
        else report(request, address))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    root = f"http://127.0.0.1:{port}{prefix}"
    widths = [int(w) for w in args.widths.split(",")]
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for page_path in args.pages or pages(site):
                for width in widths:
                    for scheme in SCHEMES:
                        shoot(browser, root, page_path, width, scheme, out, args.slices)
            browser.close()
    finally:
        server.shutdown()


if __name__ == "__main__":
    main()
