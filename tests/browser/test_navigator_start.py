"""A navigator starts from what the build computed while Python starts.

Python's first calls after it starts are its slowest, so a navigator fetches its
landscape's contour grid and its declared race, both written by the build with
lesson_code's own ops (tests/test_navigator_built.py checks the files), instead of asking
Python for them, and goes live the moment Python is ready. Seen here from outside: the
operations the page posts to its Python worker are recorded, and the site's requests
watched. A file that cannot be fetched, or is not what it should be, is asked of Python,
and the navigator still goes live; so is a race that is not the declared one (a link's),
and every grid and race once Python runs.
"""

import json

import pytest
from harness import guarded_page, open_context, wait_navigator_live

from lesson_code.browser import handle
from navigator_pages import navigators, race_request

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


def open_recorded(page, site_root, query=""):
    page.context.add_init_script(RECORD_POSTS)
    fetched = []
    page.on("requestfinished", lambda request: request.url.endswith(".json")
            and fetched.append((request.url.rsplit("/", 1)[1], request.response().status)))
    page.goto(site_root + PAGE + query)
    nav = wait_navigator_live(page, "#harness")
    return nav, fetched


def posted(page, op):
    return [p for p in page.evaluate("window.__posted.slice()") if p.startswith(op + ":")]


def scoreboard(nav):
    board = nav.get_by_role("status", name="Scoreboard")
    return [li.inner_text() for li in board.locator("li").all()]


def test_the_first_grid_and_race_are_the_builds_and_later_ones_pythons(browser, site_root):
    with guarded_page(browser, site_root) as page:
        nav, fetched = open_recorded(page, site_root)
        assert ("ravine.json", 200) in fetched
        assert ("dev-navigator--harness.json", 200) in fetched
        assert posted(page, "contour") == [] and posted(page, "race") == []
        # the declared race, as CPython's lesson_code computes it, on the scoreboard
        declared = next(d for d in navigators("dev/navigator") if d["id"] == "harness")
        reply = json.loads(handle(json.dumps({"op": "race", "args": race_request(declared)})))
        lines = scoreboard(nav)
        assert [line.split(":")[0] for line in lines] == [run["label"] for run in reply["result"]["runs"]]
        for line, run in zip(lines, reply["result"]["runs"]):
            assert run["message"] in line, line
        nav.get_by_role("combobox", name="Landscape").select_option("saddle")
        nav.get_by_role("img", name="Saddle").wait_for()
        page.wait_for_function("window.__posted.includes('contour:saddle')"
                               " && window.__posted.includes('race:saddle')")
        assert ("saddle.json", 200) not in fetched


def test_a_race_from_a_link_is_pythons(browser, site_root):
    with guarded_page(browser, site_root) as page:
        nav, fetched = open_recorded(page, site_root, "?nav-harness=l:ravine;lr:0.12")
        assert posted(page, "race") == ["race:ravine"]
        assert ("dev-navigator--harness.json", 200) not in fetched
        assert "η = 0.12" in nav.get_by_role("img", name="contour map").get_attribute("aria-label")


@pytest.mark.parametrize("answer", [{"status": 404, "body": "not here"},
                                    {"status": 200, "body": "{\"nx\": 121}"}],
                         ids=["missing", "not-what-it-should-be"])
def test_what_cannot_be_fetched_is_asked_of_python(browser, site_root, answer):
    context, guard = open_context(browser, site_root)
    try:
        # the browser's own console line for a failed load is expected
        guard.allow(r"Failed to load resource.*404")
        for pattern in ("**/navigator/contours/**", "**/assets/navigator/*.json"):
            context.route(pattern, lambda route: route.fulfill(
                status=answer["status"], body=answer["body"], content_type="application/json"))
        page = context.new_page()
        nav, _ = open_recorded(page, site_root)
        assert "contour:ravine" in posted(page, "contour")
        assert "race:ravine" in posted(page, "race")
        assert nav.get_by_role("img", name="contour map").is_visible()
        assert len(scoreboard(nav)) == 2
    finally:
        context.close()
    guard.check()
