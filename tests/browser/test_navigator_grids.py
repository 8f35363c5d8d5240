"""The navigator's first contour grid comes from the build while Python starts.

Python's first call after it starts is its slowest, so a navigator fetches its landscape's
grid (written by the build with lesson_code's own contour op, tests/test_navigator_grids.py)
instead of asking Python for it. Seen here from outside: the operations the page posts to
its Python worker are recorded, and the site's requests watched. A grid that cannot be
fetched, or is not a whole grid, is asked of Python, and the navigator still goes live;
once Python runs, a new landscape's grid is Python's.
"""

import pytest
from harness import guarded_page, open_context, wait_navigator_live

PAGE = "dev/navigator/"
pytestmark = pytest.mark.browser

# Records every operation the page posts to a worker (python.js posts {id, op, args}).
RECORD_POSTS = """
window.__posted = [];
const RealWorker = window.Worker;
window.Worker = class extends RealWorker {
  postMessage(message, ...rest) {
    if (message && message.op === "call") window.__posted.push(message.args.op + ":" + (message.args.args.landscape ?? ""));
    return super.postMessage(message, ...rest);
  }
};
"""


def open_recorded(page, site_root):
    page.context.add_init_script(RECORD_POSTS)
    fetched = []
    page.on("requestfinished", lambda request: "/navigator/contours/" in request.url
            and fetched.append((request.url.rsplit("/", 1)[1], request.response().status)))
    page.goto(site_root + PAGE)
    nav = wait_navigator_live(page, "#harness")
    return nav, fetched


def posted(page):
    return page.evaluate("window.__posted.slice()")


def test_the_first_grid_is_fetched_not_computed_and_a_new_one_is_pythons(browser, site_root):
    with guarded_page(browser, site_root) as page:
        nav, fetched = open_recorded(page, site_root)
        assert ("ravine.json", 200) in fetched
        assert "race:ravine" in posted(page)
        assert not [op for op in posted(page) if op.startswith("contour:")]
        nav.get_by_role("combobox", name="Landscape").select_option("saddle")
        nav.get_by_role("img", name="Saddle").wait_for()
        page.wait_for_function("window.__posted.includes('contour:saddle')")
        assert ("saddle.json", 200) not in fetched


@pytest.mark.parametrize("answer", [{"status": 404, "body": "not here"},
                                    {"status": 200, "body": "{\"nx\": 121}"}],
                         ids=["missing", "not-a-grid"])
def test_a_grid_that_cannot_be_fetched_is_asked_of_python(browser, site_root, answer):
    context, guard = open_context(browser, site_root)
    try:
        # the browser's own console line for a failed load is expected
        guard.allow(r"Failed to load resource.*404")
        context.route("**/navigator/contours/**", lambda route: route.fulfill(
            status=answer["status"], body=answer["body"], content_type="application/json"))
        page = context.new_page()
        nav, _ = open_recorded(page, site_root)
        assert "contour:ravine" in posted(page)
        assert nav.get_by_role("img", name="contour map").is_visible()
    finally:
        context.close()
    guard.check()
