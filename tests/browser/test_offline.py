"""Offline after one visit (the service worker sw.js, written by scripts/sw_hook.py and
registered by sw-register.js): every page of the course opens with the network off, its
navigator live and a cell running; a new build is announced, waits for the reader, and is
then served whole; the worker's scope is the path the site is served at.
"""

import re
import shutil
import threading

import pytest
from harness import PYTHON_READY_MS, check_axe, guarded_page, open_context, wait_python_ready
from paths import DOCS, ROOT, SITE

from scripts import sw_hook
from scripts.serve import make_server

FIRST = "optimizers/momentum/"  # a page with a navigator and a cell


def course_pages():
    """The pages of mkdocs.yml's nav, as the URL paths the site serves them at."""
    text = (ROOT / "mkdocs.yml").read_text().split("\nnav:\n", 1)[1]
    sources = re.findall(r"^\s*-\s*(?:[^\n]*?:\s+)?\"?([\w/.-]+\.(?:md|py))\"?\s*$", text, re.M)
    return [re.sub(r"(^|/)index/$", r"\1", re.sub(r"\.(md|py)$", "/", s)) for s in sources]


def built(path):
    return (SITE / path / "index.html").read_text()


def offline_ready(page):
    """Waits until the worker controls the page and holds the Python runtime too."""
    page.wait_for_function("document.documentElement.dataset.offline === 'ready'",
                           timeout=PYTHON_READY_MS)


def run_first_cell(page):
    cell = page.get_by_role("group", name="Python cell 1", exact=True)
    cell.get_by_role("button", name="Run cell 1").click()
    page.wait_for_function(
        "document.querySelector('[data-ravine-cell]').dataset.ran", timeout=PYTHON_READY_MS)
    assert cell.get_attribute("data-ran") == "ok"


@pytest.mark.browser
def test_after_one_visit_every_page_of_the_course_works_offline(browser, site_root):
    with guarded_page(browser, site_root, service_worker=True) as page:
        after_one_visit_every_page_works_offline(page, site_root)


def after_one_visit_every_page_works_offline(page, site_root):
    pages = course_pages()
    assert len(pages) == 8 and FIRST in pages and "" in pages
    page.goto(site_root + FIRST)
    wait_python_ready(page)
    page.locator(".navigator-live").first.wait_for(timeout=PYTHON_READY_MS)
    offline_ready(page)
    # only the service worker may answer: the browser's HTTP cache is emptied first
    page.context.new_cdp_session(page).send("Network.clearBrowserCache")
    page.context.set_offline(True)
    assert page.evaluate("navigator.onLine") is False
    live, ran = [], []
    for path in pages:
        page.goto(site_root + path)
        page.get_by_role("heading", level=1).first.wait_for()
        assert page.evaluate("!!navigator.serviceWorker.controller"), path
        if "data-navigator=" in built(path):
            page.locator(".navigator-live").first.wait_for(timeout=PYTHON_READY_MS)
            live.append(path)
        if "data-ravine-cell" in built(path):
            run_first_cell(page)
            ran.append(path)
    assert len(live) >= 4 and len(ran) >= 3, (live, ran)
    # and instant navigation (Material fetches the next page's HTML) works offline too
    page.goto(site_root)
    page.locator("nav.md-nav--primary").get_by_role("link", name="Momentum", exact=True) \
        .first.click()
    page.wait_for_url(site_root + "optimizers/momentum/")
    page.get_by_role("heading", name="Momentum", level=1).wait_for()
    page.locator(".navigator-live").first.wait_for(timeout=PYTHON_READY_MS)


@pytest.fixture
def site_copy(tmp_path):
    """A copy of the built site served under /ravine/, which a test may deploy over."""
    root = tmp_path / "site"
    shutil.copytree(SITE, root)
    server = make_server(root, 0, "/ravine/")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}/ravine/"
    server.shutdown()


def deploy_second_build(root, pages):
    """What a new build does to the served folder: changed pages, a new sw.js."""
    for path in pages:
        html = root / path / "index.html"
        text = html.read_text()
        assert text.count("</article>") == 1
        html.write_text(text.replace(
            "</article>", '<p id="second-build">Second build.</p></article>'))
    return sw_hook.write_worker(root, DOCS / "assets" / "js" / "sw.js")["key"]


CACHES = "caches.keys().then(names => names.filter(n => n.startsWith('ravine ')))"
SAVED = "JSON.stringify(Object.entries(localStorage).filter(([k]) => k.startsWith('ravine:cells:')))"


@pytest.mark.browser
def test_a_new_build_is_announced_and_served_whole_after_the_readers_reload(browser, site_copy):
    root, url = site_copy
    context, guard = open_context(browser, url, service_worker=True)
    page = context.new_page()
    try:
        page.goto(url + "optimizers/ravine/")
        wait_python_ready(page)
        offline_ready(page)
        [old] = page.evaluate(CACHES)
        # a reader's saved edit of a cell
        cell = page.get_by_role("group", name="Python cell 1", exact=True)
        cell.locator("[data-cell-code]").click()
        editor = cell.get_by_role("textbox", name="Code of cell 1", exact=True)
        editor.click()
        editor.press("Control+a")
        page.keyboard.insert_text("print('my own edit')")
        page.wait_for_function(
            "document.querySelector('[data-ravine-cell]').dataset.saved === 'true'")
        saved = page.evaluate(SAVED)
        assert "my own edit" in saved

        new = deploy_second_build(root, ["", "optimizers/ravine/", "optimizers/momentum/"])
        assert new not in old
        page.reload()  # the browser checks sw.js on a navigation, and finds the new one
        button = page.get_by_role("button", name="Reload to update")
        button.wait_for(timeout=PYTHON_READY_MS)
        status = page.get_by_role("status").filter(has_text="new version")
        assert "A new version of the course is ready" in status.inner_text()
        check_axe(page, ".ravine-update")
        # until the reader chooses, the old build is served whole, the new one waits
        assert page.locator("#second-build").count() == 0
        assert sorted(page.evaluate(CACHES)) == sorted([old, f"ravine {url} {new}"])
        page.goto(url + "optimizers/momentum/")
        assert page.locator("#second-build").count() == 0
        button.wait_for()

        with page.expect_navigation():
            button.press("Enter")  # by keyboard
        page.locator("#second-build").wait_for()
        assert page.evaluate(CACHES) == [f"ravine {url} {new}"]  # the old cache is gone
        assert page.locator(".ravine-update button").is_hidden()
        page.locator("nav.md-nav--primary").get_by_role("link", name="The ravine problem",
                                                        exact=True).first.click()
        page.wait_for_url(url + "optimizers/ravine/")
        page.locator("#second-build").wait_for()
        assert page.evaluate(SAVED) == saved  # saved edits are untouched by the update
        editor = page.get_by_role("group", name="Python cell 1", exact=True) \
            .get_by_role("textbox", name="Code of cell 1", exact=True)
        assert editor.inner_text() == "print('my own edit')"
        # the new build's cache holds Python too (its unchanged runtime carried over)
        page.context.new_cdp_session(page).send("Network.clearBrowserCache")
        page.context.set_offline(True)
        page.goto(url + "optimizers/momentum/")
        page.locator("#second-build").wait_for()
        page.locator(".navigator-live").first.wait_for(timeout=PYTHON_READY_MS)
    finally:
        context.close()
    guard.check()


def scope(browser, url):
    context, guard = open_context(browser, url, service_worker=True)
    try:
        page = context.new_page()
        page.goto(url)
        page.wait_for_function("document.documentElement.dataset.offline === 'pages'",
                               timeout=PYTHON_READY_MS)
        found = page.evaluate("navigator.serviceWorker.ready.then(r => r.scope)")
        worker = page.evaluate("navigator.serviceWorker.controller.scriptURL")
    finally:
        context.close()
    guard.check()
    return found, worker


@pytest.mark.browser
def test_the_worker_scope_is_the_path_the_site_is_served_at(browser, site_root, site_at_root):
    assert scope(browser, site_root) == (site_root, site_root + "sw.js")
    assert site_root.endswith("/ravine/")
    assert scope(browser, site_at_root) == (site_at_root, site_at_root + "sw.js")


@pytest.mark.browser
def test_a_test_context_has_no_service_worker_unless_it_asks(browser, site_root):
    """harness.open_context refuses the worker by default (tests not about it skip its
    18 MB install); the page then stays online-only, with no error."""
    with guarded_page(browser, site_root) as page:
        page.goto(site_root)
        page.wait_for_load_state("load")
        refused = page.evaluate("""navigator.serviceWorker.register('sw.js')
            .then(() => 'registered', (e) => e.name)""")
        assert refused == "SecurityError"
        assert page.evaluate("navigator.serviceWorker.getRegistrations()"
                             ".then(r => r.length)") == 0
        assert page.evaluate("!!navigator.serviceWorker.controller") is False
