"""Browser test harness: the guards every page runs under, and small helpers.

Every test meets the built site as a reader does, and fails when
- a request goes to any origin other than the local server (it is aborted, and listed);
- a console error or an uncaught page error happens (unless the test said it expects that
  message, with `guard.allow(pattern)`);
- the page's Content Security Policy refuses anything (a `securitypolicyviolation` event,
  heard from the moment each document is created, across instant navigation too);
- `check_axe(page)` finds a WCAG 2.2 A/AA violation.
"""

import contextlib
import json
import os
import re

from paths import ROOT
from playwright.sync_api import Frame, Page

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run",
    # No host name resolves but the local server's address: nothing can reach the internet,
    # even in a context whose requests are watched rather than intercepted (open_context).
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
# The tests' browser only (the benchmarks run Chromium as readers get it): WebAssembly
# compiled by V8's baseline compiler alone. Every test's fresh context compiles Pyodide's
# 9.6 MB module anew, and the optimizing compiler's tier-up of the hot functions (CPython's
# interpreter loop above all) cost about 0.7 CPU-s per Python start, on a suite that keeps
# both cores busy. The code's behaviour is the same; only its speed differs, and speed is
# the benchmarks' to measure. Measured: test_momentum_page.py + test_cells.py, -n 2, two
# runs each: 104-106 s and 203-209 CPU-s without, 92-94 s and 181-183 CPU-s with.
TEST_ARGS = ["--js-flags=--liftoff-only"]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
PYTHON_READY_MS = 60_000
# Runs before any script of every document (Playwright injects it; the page's policy does
# not apply to it) and reports each violation to the Guard.
# window.__ravineCspReported settles once the Guard holds the latest report.
CSP_LISTENER = """document.addEventListener("securitypolicyviolation", (e) => {
  window.__ravineCspReported = window.__ravineCspViolation({
    directive: e.effectiveDirective, blocked: e.blockedURI, sample: e.sample,
    source: e.sourceFile, line: e.lineNumber, page: document.URL});
}, true);"""


class Guard:
    """Collects what must not happen in a page: outside requests, errors and Content
    Security Policy violations."""

    def __init__(self, origin):
        self.origin = origin
        self.outside = []
        self.errors = []
        self.allowed = []
        self.violations = []

    def allow(self, pattern):
        """Expect console errors matching this regular expression (the test provokes them)."""
        self.allowed.append(re.compile(pattern))

    def local(self, url):
        return url.startswith(self.origin + "/") or url.startswith(("data:", "blob:"))

    def route(self, route):
        url = route.request.url
        if self.local(url):
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def watch(self, request):
        """For a context whose requests are not intercepted: an outside request is still a
        failure (the browser's resolver refuses it, CHROMIUM_ARGS)."""
        if not self.local(request.url):
            self.outside.append(request.url)

    def error(self, text):
        if not any(p.search(text) for p in self.allowed):
            self.errors.append(text)

    def violation(self, report):
        self.violations.append(report)

    def check(self):
        assert not self.outside, f"requests outside the local server: {self.outside}"
        assert not self.violations, f"Content Security Policy violations: {self.violations}"
        assert not self.errors, f"console or page errors: {self.errors}"


FUNCTION = re.compile(r"\s*(async\b|function\b|\([^()]*\)\s*=>|[\w$]+\s*=>)")


def _function_for_polling(wait_for_function):
    """Playwright's wait_for_function evals a plain expression string in the page again at
    every poll; the first eval runs inside the DevTools call (which a policy does not
    govern), the later ones are refused by a policy without 'unsafe-eval'. A function is
    evaled once and then called: so a plain expression is sent as `() => (expression)`."""
    def wait(self, expression, *args, **kwargs):
        if not FUNCTION.match(expression):
            expression = f"() => ({expression})"
        return wait_for_function(self, expression, *args, **kwargs)
    wait.__doc__ = wait_for_function.__doc__
    return wait


for _owner in (Page, Frame):
    _owner.wait_for_function = _function_for_polling(_owner.wait_for_function)


# A context without the course's service worker: registering it is refused as a browser
# that keeps no storage refuses it (sw-register.js then leaves the site online, as it
# does in a private window). Playwright's own service_workers="block" makes register()
# resolve to nothing, which the page does not expect.
NO_SERVICE_WORKER = """if (self.ServiceWorkerContainer) {
  ServiceWorkerContainer.prototype.register = () => Promise.reject(
    new DOMException("service workers are off in this test context", "SecurityError"));
}"""


def open_context(browser, site_root, service_worker=False, http_cache=False, **options):
    """A fresh browser context whose every request and error goes through a Guard.

    service_worker=False (the default): the page cannot register the course's service
    worker. Registered, it installs after the load event by downloading and hashing
    about 18 MB, and 20 MB more once Python starts, in every fresh context: most of a
    test's work when the test is not about it. Tests of the worker and of offline use
    (test_offline.py) pass service_worker=True and get the real one.

    http_cache=False (the default): every request is intercepted and refused unless it is
    the local server's; intercepting turns the browser's HTTP cache off (Playwright), so
    every visit downloads everything. http_cache=True: requests are watched instead (an
    outside one still fails the test, and cannot resolve), so a second visit is served
    from the cache as a returning reader's is."""
    origin = re.match(r"https?://[^/]+", site_root).group(0)
    guard = Guard(origin)
    context = browser.new_context(**{"viewport": {"width": 1280, "height": 900}, **options})
    if not service_worker:
        context.add_init_script(NO_SERVICE_WORKER)
    if http_cache:
        context.on("request", guard.watch)
    else:
        context.route("**/*", guard.route)
    context.expose_binding("__ravineCspViolation", lambda source, report: guard.violation(report))
    context.add_init_script(CSP_LISTENER)
    context.on("weberror", lambda error: guard.error(f"page error: {error.error}"))
    context.on("console", lambda msg: msg.type == "error" and guard.error(
        f"console: {msg.text} ({msg.location.get('url', '')})"))
    return context, guard


def open_context_without_python(browser, site_root, **options):
    """A context in which Pyodide's runtime cannot be downloaded, as on a broken network:
    the page must say so and keep working; the errors this causes are expected. options:
    as open_context's."""
    context, guard = open_context(browser, site_root, **options)
    guard.allow(r"pyodide\.asm\.wasm|Failed to load resource|Failed to fetch"
                r"|Python could not start")
    context.route("**/pyodide.asm.wasm", lambda route: route.abort())
    return context, guard


TRANSITIONS_DONE = """() => document.getAnimations()
  .every((a) => !(a instanceof CSSTransition) || a.playState !== "running")"""


def check_axe(page, selector=None):
    """Runs axe-core (vendored from npm) and fails on any WCAG 2.2 A/AA violation."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # evaluated through the DevTools protocol: an inline <script> tag would (rightly)
        # be refused by the page's Content Security Policy
        page.evaluate(AXE.read_text())
    # A change of theme (or a hover) starts Material's colour transitions (125-250 ms):
    # the colours are judged as the reader sees them once they settle, never midway.
    page.wait_for_function(TRANSITIONS_DONE)
    result = page.evaluate(
        "([selector, tags]) => axe.run(selector || document,"
        " {runOnly: {type: 'tag', values: tags}})", [selector, WCAG])
    violations = [
        {"id": v["id"], "impact": v["impact"], "help": v["help"],
         "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]
    assert not violations, f"{page.url}: WCAG violations:\n{json.dumps(violations, indent=1)}"


def wait_python_ready(page, timeout=PYTHON_READY_MS):
    """Waits until the tab's Python worker has loaded lesson_code (python.js sets the flag)."""
    page.wait_for_function("document.documentElement.dataset.python === 'ready'",
                           timeout=timeout)


# ----- shared set-ups (added: the functions above keep their names and behaviour) -----

# A phone: 375 CSS px wide, touch, two device pixels per CSS pixel.
PHONE = {"viewport": {"width": 375, "height": 800}, "has_touch": True, "is_mobile": True,
         "device_scale_factor": 2}


@contextlib.contextmanager
def guarded_page(browser, site_root, python=True, **options):
    """A page in a fresh guarded context (open_context, or open_context_without_python
    with python=False); on leaving the block the context closes and, if the block passed,
    the Guard is checked. The context is page.context (for init scripts, CDP)."""
    opened = open_context if python else open_context_without_python
    context, guard = opened(browser, site_root, **options)
    try:
        yield context.new_page()
    finally:
        context.close()
    guard.check()


def without_motion(page):
    """The reader's system asks for reduced motion: a navigator's Run then draws the
    finished race at once instead of animating it for up to 4 s. For a test that checks
    races' results, not their animation (test_navigator.py, test_loss_panel.py, the
    momentum walkthrough and the ravine lesson's walk run animated races)."""
    page.emulate_media(reduced_motion="reduce")


def wait_navigator_live(page, selector, timeout=PYTHON_READY_MS):
    """Waits until the navigator matched by selector (e.g. "#harness") is live: Python
    answered and its controls work. Returns its locator."""
    page.locator(f"{selector}.navigator-live").wait_for(timeout=timeout)
    return page.locator(selector)


def wait_python_failed(nav, timeout=PYTHON_READY_MS):
    """Waits until a navigator says that Python could not start (open_context_without_python)."""
    nav.locator("[data-nav-loading]").filter(has_text="Python could not start") \
        .wait_for(timeout=timeout)


def next_frame(page):
    """Waits for the page's next animation frame (a pointer moved one frame at a time)."""
    page.evaluate("() => new Promise(requestAnimationFrame)")


def swipe(page, points, frame_by_frame=False):
    """One finger along `points` (viewport CSS px), as a phone's touch screen sends it
    (a context with has_touch, e.g. PHONE); frame_by_frame: one move per animation frame."""
    cdp = page.context.new_cdp_session(page)
    touch = lambda kind, at: cdp.send("Input.dispatchTouchEvent", {  # noqa: E731
        "type": kind, "touchPoints": [{"x": x, "y": y} for x, y in at]})
    touch("touchStart", points[:1])
    for point in points[1:]:
        touch("touchMove", [point])
        if frame_by_frame:
            next_frame(page)
    touch("touchEnd", [])
    cdp.detach()


# Keyboard focus: a focused control that is disabled, hidden or replaced hands the focus to
# the page (<body>) without a focus event; a keyboard or screen-reader user is then lost.
FOCUS_TRAIL = """() => {
    const trail = window.focusTrail = [];
    const name = () => {
        const el = document.activeElement;
        if (!el || el === document.body) return "BODY";
        return el.getAttribute("aria-label") || el.textContent.trim().slice(0, 60) || el.tagName;
    };
    const sample = () => { const now = name(); if (trail.at(-1) !== now) trail.push(now); };
    for (const type of ["focusin", "focusout"]) document.addEventListener(type, () => queueMicrotask(sample), true);
    const frame = () => { sample(); requestAnimationFrame(frame); };
    frame();
}"""


def follow_focus(page):
    """Records from now on every element that holds the keyboard focus, in order (its
    aria-label, else its text; "BODY" when the page has it), sampled at each focus event and
    at every frame. Read it with focus_trail(page)."""
    page.evaluate(FOCUS_TRAIL)


def focus_trail(page):
    next_frame(page)  # the latest frame sampled
    return page.evaluate("window.focusTrail")


def has_focus(locator):
    return locator.evaluate("el => el === document.activeElement")


def press_enter(locator):
    """Focuses a control and presses Enter on it, as a keyboard user does."""
    locator.focus()
    locator.page.keyboard.press("Enter")


# Static figures load lazily (scripts/figures_hook.py): a figure below the fold is fetched
# when the reader scrolls near it.
def show_figure(img):
    """Scrolls a figure (an <img> locator) into view, as a reader does, and waits until it
    has loaded."""
    img.scroll_into_view_if_needed()
    img.page.wait_for_function("i => i.complete && i.naturalWidth > 0", arg=img.element_handle())


# A widget's canvas is drawn when it nears the screen (docs/assets/js/near-screen.js): far
# below, a live navigator or rate map has owed drawings and no pixels.
def show_canvas(canvas):
    """Scrolls a widget's canvas (a locator) into view, as a reader does, and waits for the
    two frames in which it is drawn: the first reports it near the screen, and its drawing
    runs before the second."""
    canvas.scroll_into_view_if_needed()
    next_frame(canvas.page)
    next_frame(canvas.page)


def load_every_image(page, selector="img"):
    """For a test about what every figure shows, not about when it loads: the lazy images
    matching selector are made eager (as if the reader had scrolled past each), then
    awaited. Returns how many there are."""
    return page.evaluate("""async (selector) => {
      const images = [...document.querySelectorAll(selector)];
      for (const img of images) img.loading = "eager";
      await Promise.all(images.map((img) => img.decode().catch(() => {})));
      return images.length;
    }""", selector)
