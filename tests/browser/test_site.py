"""The built site, page by page, as a reader's browser meets it (served under /ravine/)."""

import json
import re

import pytest
from harness import check_axe, open_context, open_context_without_python, wait_python_ready
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
    context, guard = open_context(browser, site_root, color_scheme=scheme)
    page = context.new_page()
    response = page.goto(site_root + path)
    assert response.status == 200
    page.wait_for_load_state("networkidle")
    expected = "slate" if scheme == "dark" else "default"
    assert page.locator("body").get_attribute("data-md-color-scheme") == expected
    assert page.locator("h1").first.is_visible()
    if page.evaluate("document.documentElement.dataset.python"):
        wait_python_ready(page)
        page.wait_for_load_state("networkidle")
    check_axe(page)
    context.close()
    guard.check()


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
    assert re.search(r"Loading Python|Python is ready", status.inner_text())
    wait_python_ready(page)
    output = page.locator("[data-output]")
    output.filter(has_text="converged at step").wait_for()
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
    page.locator("[data-output]").filter(has_text="converged at step").wait_for(timeout=5000)
    assert page.evaluate("window.samePage") is True
    assert len(wasm) == 1, wasm


@pytest.mark.browser
def test_a_runtime_that_fails_to_load_says_so_and_breaks_nothing(browser, site_root):
    context, guard = open_context_without_python(browser, site_root)
    page = context.new_page()
    page.goto(site_root + "dev/smoke/")
    status = page.get_by_role("status").first
    page.wait_for_function("document.documentElement.dataset.python === 'error'")
    assert "Python could not start: could not download pyodide.asm.wasm" in status.inner_text()
    assert "Python could not start" in page.locator("[data-output]").inner_text()
    assert page.locator("h1").is_visible()
    context.close()
    guard.check()


@pytest.mark.browser
def test_the_site_also_works_served_at_the_root(browser, site_at_root):
    """Without instant navigation (site_url points elsewhere) pages still load and run."""
    context, guard = open_context(browser, site_at_root)
    page = context.new_page()
    page.goto(site_at_root)
    follow_link(page, "dev/smoke/")
    page.wait_for_url(site_at_root + "dev/smoke/")
    page.locator("[data-output]").filter(has_text="converged at step").wait_for(timeout=60_000)
    context.close()
    guard.check()
