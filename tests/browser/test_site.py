"""The built site, page by page, as a reader's browser meets it (served under /ravine/)."""

import json
import re

import pytest
from harness import PYTHON_READY_MS, check_axe, guarded_page, open_context, wait_python_ready, without_motion
from paths import SITE

from lesson_code.browser import handle

PAGES = sorted(
    p.relative_to(SITE).as_posix().removesuffix("index.html")
    for p in SITE.rglob("*.html")
    if p.name != "404.html" and not p.relative_to(SITE).as_posix().startswith(("assets/", "vendor/"))
)


@pytest.mark.browser
def test_the_site_has_pages():
    assert "" in PAGES and "dev/smoke/" in PAGES, PAGES


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", PAGES)
def test_page_loads_offline_and_meets_wcag(browser, site_root, path, scheme):
    """Every page, in both themes: nothing outside the server, no console error, no
    WCAG 2.2 A/AA violation once its widgets are live."""
    with guarded_page(browser, site_root, color_scheme=scheme) as page:
        response = page.goto(site_root + path)
        assert response.status == 200
        page.wait_for_load_state("networkidle", timeout=PYTHON_READY_MS)
        expected = "slate" if scheme == "dark" else "default"
        assert page.locator("body").get_attribute("data-md-color-scheme") == expected
        assert page.locator("h1").first.is_visible()
        if page.evaluate("document.documentElement.dataset.python"):
            wait_python_ready(page)
            page.wait_for_load_state("networkidle", timeout=PYTHON_READY_MS)
        check_axe(page)


@pytest.mark.browser
def test_math_is_typeset_when_the_site_builds(page, site_root):
    """KaTeX's HTML is in the page as served: no KaTeX script, nothing left to typeset."""
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(site_root + "optimizers/momentum/")
    math = page.locator(".arithmatex .katex").first
    assert math.is_visible() and page.locator(".arithmatex .katex").count() > 100
    assert page.evaluate("typeof katex") == "undefined"
    assert not [url for url in requests if "katex" in url and url.endswith(".js")]
    text = page.locator("article").inner_text()
    assert "\\(" not in text and "\\[" not in text


@pytest.mark.browser
def test_smoke_page_shows_a_value_computed_by_lesson_code(page, site_root):
    page.goto(site_root + "dev/smoke/")
    status = page.get_by_role("status").first
    assert re.search(r"Loading Python…|Downloading Python…|Starting Python…|Loading the lesson code…|Python is ready", status.inner_text())
    wait_python_ready(page)
    output = page.locator("[data-output]")
    output.filter(has_text="converged").wait_for()
    # The same race in CPython gives the same words.
    spec = json.loads(page.locator("[data-ravine-smoke]").get_attribute("data-ravine-smoke"))
    reply = json.loads(handle(json.dumps({"op": "race", "args": spec})))
    expected = "; ".join(f"{run['label']}: {run['message']}" for run in reply["result"]["runs"])
    assert output.inner_text() == expected
    check_axe(page)


def follow_link(page, href):
    """Clicks a link to href, as a reader would (Material's instant navigation takes it)."""
    page.evaluate("""href => {
        const a = Object.assign(document.createElement("a"), {href, textContent: "go"});
        document.querySelector("article").append(a);
    }""", href)
    page.locator("article a", has_text="go").last.click()


@pytest.mark.browser
def test_one_python_worker_survives_instant_navigation(page, site_root):
    wasm = []
    page.on("request", lambda r: r.url.endswith("pyodide.asm.wasm") and wasm.append(r.url))
    page.goto(site_root + "dev/smoke/")
    wait_python_ready(page)
    page.evaluate("window.samePage = true")  # gone if the browser really reloads
    follow_link(page, "../../")
    page.wait_for_url(site_root, wait_until="commit")
    page.get_by_role("heading", name="Ravine", level=1).wait_for()
    follow_link(page, "dev/smoke/")
    page.wait_for_url(site_root + "dev/smoke/", wait_until="commit")
    page.locator("[data-output]").filter(has_text="converged").wait_for()
    assert page.evaluate("window.samePage") is True
    assert len(wasm) == 1, wasm


@pytest.mark.browser
def test_a_runtime_that_fails_to_load_says_so_and_breaks_nothing(browser, site_root):
    with guarded_page(browser, site_root, python=False) as page:
        page.goto(site_root + "dev/smoke/")
        status = page.get_by_role("status").first
        page.wait_for_function("document.documentElement.dataset.python === 'error'")
        assert "Python could not start: could not download pyodide.asm.wasm" in status.inner_text()
        assert "Python could not start" in page.locator("[data-output]").inner_text()
        assert page.locator("h1").is_visible()


@pytest.mark.browser
def test_the_site_also_works_served_at_the_root(browser, site_at_root):
    """Without instant navigation (site_url points elsewhere) pages still load and run."""
    with guarded_page(browser, site_at_root) as page:
        page.goto(site_at_root)
        follow_link(page, "dev/smoke/")
        page.wait_for_url(site_at_root + "dev/smoke/")
        page.locator("[data-output]").filter(has_text="converged").wait_for(timeout=60_000)


def policy_of(path):
    """The Content Security Policy in a built page's <meta>."""
    html = (SITE / path / "index.html").read_text() if not path.endswith(".html") \
        else (SITE / path).read_text()
    return re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">',
                     html).group(1)


@pytest.mark.browser
def test_the_guard_fails_a_test_on_a_content_security_policy_violation(browser, site_root):
    """The guard every test runs under hears the policy refuse something: an inline script
    the build did not hash is refused, and the test fails naming the directive."""
    context, guard = open_context(browser, site_root)
    page = context.new_page()
    page.goto(site_root + "dev/smoke/")
    directive = page.evaluate("""() => new Promise(resolve => {
        document.addEventListener("securitypolicyviolation",
            e => resolve(e.effectiveDirective), {once: true});
        document.head.append(Object.assign(document.createElement("script"),
            {textContent: "window.injected = true"}));
    })""")
    page.evaluate("() => window.__ravineCspReported")  # the guard has the report
    assert directive == "script-src-elem"
    assert page.evaluate("window.injected") is None
    context.close()
    with pytest.raises(AssertionError, match=r"Content Security Policy violations.*"
                                             r"script-src-elem"):
        guard.check()


def live_widgets(page):
    """Brings the page's widgets to life as a reader would: runs its first cell and opens
    its editor, and races each navigator once. Returns what it ran, so the caller knows widgets were exercised."""
    ran = []
    if page.locator("[data-ravine-cell]").count():
        page.wait_for_function("""() => document.querySelectorAll('[data-cell-ready]').length
            === document.querySelectorAll('[data-ravine-cell]').length""")
        cell = page.get_by_role("group", name="Python cell 1", exact=True)
        cell.get_by_role("button", name="Run cell 1").click()
        page.wait_for_function(
            "document.querySelector('[data-ravine-cell]').dataset.ran === 'ok'",
            timeout=PYTHON_READY_MS)
        cell.locator("[data-cell-code]").click()  # the code becomes a CodeMirror editor
        cell.get_by_role("textbox", name="Code of cell 1", exact=True).press("End")
        cell.locator(".cm-editor").wait_for()
        ran.append("cell")
    for nav in page.locator(".ravine-navigator").all():
        nav.and_(page.locator(".navigator-live")).wait_for(timeout=PYTHON_READY_MS)
        nav.evaluate("""el => { el.finished = 0;
            el.addEventListener('navigator:finished', () => el.finished++); }""")
        nav.get_by_role("button", name="Run", exact=True).click()
        nav.evaluate("""el => new Promise(resolve => {
            const poll = () => el.finished ? resolve() : requestAnimationFrame(poll);
            poll(); })""")
        ran.append("navigator")
    return ran


@pytest.mark.browser
def test_no_policy_violation_with_widgets_live_through_instant_navigation(page, site_root):
    """Page after page in one tab (Material's instant navigation, which re-runs the next
    page's inline scripts under the first page's policy), every cell and navigator live:
    the guard hears no violation, and one policy, the built one, stays in force. Races are
    run with reduced motion: drawn finished at once, not animated for seconds each (the
    animation is test_navigator.py's and test_loss_panel.py's)."""
    without_motion(page)
    page.goto(site_root)
    page.evaluate("window.samePage = true")
    policy = policy_of("")
    exercised = []
    for path in [p for p in PAGES if p] + [""]:
        page.evaluate("document.querySelector('article').dataset.left = 'true'")
        follow_link(page, site_root + path)
        page.wait_for_url(site_root + path, wait_until="commit")
        page.locator("article:not([data-left]) h1").first.wait_for()  # the new page's
        assert page.evaluate("window.samePage") is True, f"{path}: not instant navigation"
        assert policy_of(path) == policy
        metas = page.evaluate("""() => [...document.querySelectorAll(
            'meta[http-equiv="Content-Security-Policy"]')].map(m => m.content)""")
        assert metas == [policy], path
        exercised += live_widgets(page)
    assert {"cell", "navigator"} <= set(exercised), exercised
    # the theme's own widgets: the palette toggle and search (its worker and index)
    page.locator("label[title='Switch to dark mode']:visible").click()
    page.locator("body[data-md-color-scheme='slate']").wait_for()
    page.locator(".md-search__input").click()
    page.keyboard.type("momentum")
    page.locator(".md-search-result__item").first.wait_for()


@pytest.mark.browser
def test_a_test_may_wait_for_a_plain_expression_under_the_policy(page, site_root):
    """Playwright evals a plain wait_for_function expression at every poll, which the
    policy refuses after the first; the harness sends it as a function, evaled once."""
    page.goto(site_root)
    page.evaluate("setTimeout(() => window.later = 1, 200)")
    assert page.wait_for_function("window.later === 1").json_value() is True


@pytest.mark.browser
def test_axe_judges_the_colours_a_change_of_theme_settles_on(page, site_root):
    """A switch to dark starts Material's colour transitions (125-250 ms); axe run amid
    them found 12 to 20 'contrast' failures in colours halfway between the themes (and
    once failed a CI run). check_axe waits for them to end, as a reader's eye does."""
    page.goto(site_root + "dev/navigator/")
    check_axe(page)  # light; axe is now in the page, and the next check starts at once
    page.evaluate("document.body.setAttribute('data-md-color-scheme', 'slate')")
    assert page.evaluate("document.getAnimations().some((a) => a instanceof CSSTransition)"), \
        "no colour transition is running: this test checks nothing"
    check_axe(page)


@pytest.mark.browser
def test_a_missing_page_shows_the_sites_own_404_page(page, guard, site_root):
    """As on GitHub Pages: status 404 and the site's 404.html, styled and under the policy
    (its inline scripts are hashed too), with links back into the site."""
    guard.allow(r"status of 404 .*/no/such/page/")  # the browser reports the 404 itself
    response = page.goto(site_root + "no/such/page/")
    assert response.status == 404
    page.get_by_role("heading", name="404 - Not found").wait_for()
    assert page.evaluate("getComputedStyle(document.body).fontFamily") != ""
    assert page.locator("link[rel=stylesheet]").count() >= 1
    assert page.evaluate("""() => [...document.styleSheets].some(s => s.href
        && s.href.includes('/assets/stylesheets/main.') && s.cssRules.length > 0)""")
    page.locator("a.md-header__button.md-logo").click()
    page.wait_for_url(site_root)
    page.get_by_role("heading", name="Ravine", level=1).wait_for()
