"""Browser fixtures: the built site served under /ravine/, pages in Debian's Chromium.

See harness.py for the guards every page runs under.
"""

import os

import pytest
from harness import CHROMIUM, CHROMIUM_ARGS, TEST_ARGS, open_context
from paths import SITE
from playwright.sync_api import sync_playwright
from site_server import busy_message, no_site_message, start

from scripts.serve import site_address


def serve(root, port, prefix):
    try:
        return start(root, port, prefix)
    except OSError as error:
        pytest.fail(busy_message(port, error))


@pytest.fixture(scope="session")
def site_root(request):
    """Where the built site is served, as GitHub Pages would: http://127.0.0.1:8000/ravine/.

    That is the port and sub-path of its site_url, so instant navigation works as it does
    when published; a root-absolute URL anywhere would miss the sub-path and fail a test.
    In a parallel run (pytest-xdist) the controller serves it once for every worker
    (tests/conftest.py); otherwise it is served here.
    """
    if not (SITE / "index.html").is_file():
        pytest.fail(no_site_message())
    shared = getattr(request.config, "workerinput", {})
    if "ravine_site_root" in shared:
        if shared["ravine_site_error"]:
            pytest.fail(shared["ravine_site_error"])
        yield shared["ravine_site_root"]
        return
    port, prefix = site_address(SITE)
    assert prefix != "/", "the tests serve the site under a sub-path, as GitHub Pages does"
    server = serve(SITE, port, prefix)
    yield f"http://127.0.0.1:{port}{prefix}"
    server.shutdown()


@pytest.fixture(scope="session")
def site_at_root():
    """The same built site served at the root of another port (no instant navigation)."""
    server = serve(SITE, 0, "/")
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"Chromium not found at {CHROMIUM}: as root run `apt-get install chromium`")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS + TEST_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def guard_context(browser, site_root):
    context, guard = open_context(browser, site_root)
    yield context, guard
    context.close()
    guard.check()


@pytest.fixture
def page(guard_context):
    return guard_context[0].new_page()


@pytest.fixture
def guard(guard_context):
    return guard_context[1]
