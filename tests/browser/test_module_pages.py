"""The optimizers module's pages as a reader meets them, on the built site under /ravine/:
each exercise answered wrong then right, each prediction committed and its race run, the
playground's experiment buttons, the lab's executed outputs and its notebook download.
Every race result the page shows is compared with lesson_code run here, in CPython.
"""

import json
import re

import pytest
import yaml
from harness import check_axe, show_figure, wait_python_ready, without_motion
from lesson_pages import substituted_page
from paths import course_pages

from lesson_code.browser import call
from scripts import lesson_hook

pytestmark = pytest.mark.browser
LIVE_MS = 90_000
# The lab's figures: the notebook's PNG outputs, files beside the page (scripts/lab_hook.py)
LAB_FIGURES = "article .ravine-lab img[src$='.png']"


page_text = substituted_page


def fences(page_name, lang):
    body, ns = page_text(page_name)
    return [(m["body"], ns) for m in lesson_hook.FENCE.finditer(body) if m["lang"] == lang]


def exercises(page_name):
    return [lesson_hook.exercise(body, ns) for body, ns in fences(page_name, "exercise")]


def navigators(page_name):
    """{id: declared fields} of the page's navigators."""
    return lesson_hook.page_navigators(page_text(page_name)[0])


def predictions(page_name):
    navs = navigators(page_name)
    return [lesson_hook.predict(body, ns, navigators=navs)
            for body, ns in fences(page_name, "predict")]


def expected_race(setup, base):
    return call("race", lesson_hook.race_request(setup, base))["runs"]


def prediction_race(p):
    return call("race", p["request"])["runs"]


def scoreboard(nav):
    board = nav.get_by_role("status", name="Scoreboard")
    return {li.locator("strong").inner_text(): li.inner_text() for li in board.locator("li").all()}


def assert_scoreboard(nav, runs):
    lines = scoreboard(nav)
    assert list(lines) == [r["label"] for r in runs], lines
    for r in runs:
        assert r["message"] in lines[r["label"]], (r["label"], lines[r["label"]])


def open_page(page, site_root, path):
    page.goto(site_root + path)
    page.locator("h1").first.wait_for()


def answer_exercise(page, ex):
    section = page.locator(f"#{ex['id']}")
    section.scroll_into_view_if_needed()
    box = section.get_by_role("textbox")
    feedback = section.get_by_role("status")
    wrong = ex["answer"] + 10 * ex["tolerance"] + 1
    box.fill(f"{wrong:g}")
    section.get_by_role("button", name="Check").click()
    page.wait_for_function("el => el.textContent.startsWith('Not yet')",
                           arg=feedback.element_handle(), timeout=10_000)
    assert not section.locator("details[data-solution]").evaluate("d => d.open")
    box.fill(ex["answer_text"])
    section.get_by_role("button", name="Check").click()
    page.wait_for_function("el => el.textContent.startsWith('Right')",
                           arg=feedback.element_handle(), timeout=10_000)
    assert section.locator("details[data-solution]").evaluate("d => d.open")


def commit_prediction(page, p, choice):
    section = page.locator(f"#{p['id']}")
    section.scroll_into_view_if_needed()
    section.get_by_role("radio").nth(choice).check()
    section.get_by_role("button", name="Commit my prediction and run").click()
    feedback = section.get_by_role("status")
    page.wait_for_function("el => el.textContent.includes('You predicted')",
                           arg=feedback.element_handle(), timeout=LIVE_MS)
    text = feedback.inner_text()
    for run in prediction_race(p):
        assert f"{run['label']}: {run['message']}" in text, text
    return text


def walk_lesson(page, site_root, path, page_name, motion=True):
    if not motion:
        without_motion(page)
    open_page(page, site_root, path)
    page.locator(".navigator-live").first.wait_for(timeout=LIVE_MS)
    wait_python_ready(page)
    for ex in exercises(page_name):
        answer_exercise(page, ex)
    for p in predictions(page_name):
        wrong = (p["answer"] + 1) % len(p["choices"])
        text = commit_prediction(page, p, wrong)
        assert "not this time" in text
        nav = page.locator(f"#{p['navigator']}")
        assert_scoreboard(nav, prediction_race(p))
        text = commit_prediction(page, p, p["answer"])
        assert "right" in text and "not this time" not in text
        assert page.locator(f"#{p['id']} details[data-reveal]").evaluate("d => d.open")
    check_axe(page)


def test_ravine_lesson_exercises_and_prediction(page, site_root):
    # animated: a committed prediction is answered after its race's animation ends
    walk_lesson(page, site_root, "optimizers/ravine/", "ravine.md")


def test_adaptive_lesson_exercises_and_both_races(page, site_root):
    walk_lesson(page, site_root, "optimizers/adaptive/", "adaptive.md", motion=False)


def test_ravine_page_states_the_ceiling_and_the_cost_table(page, site_root):
    open_page(page, site_root, "optimizers/ravine/")
    text = page.locator("article").inner_text()
    assert "= 0.2" in text
    table = page.locator("article table").first
    rows = table.locator("tbody tr").all()
    from lesson_code import narrow_ravine, optimal_gd, run, sgd
    for row, kappa in zip(rows, (1, 10, 100, 1000, 10000)):
        cells = [c.inner_text().replace(",", "") for c in row.locator("td").all()]
        scape = narrow_ravine(kappa)
        measured = run(sgd(lr=optimal_gd(*scape.eigenvalues)[0]), scape,
                       num_steps=100_000).step
        assert cells == [str(kappa), str(measured), str(measured)]
    for img in page.locator("article img[src*='figures/lesson1']").all():
        assert len(img.get_attribute("alt")) > 80
        show_figure(img)


def test_playground_buttons_set_up_and_run_their_races(page, site_root):
    without_motion(page)  # nine races' results, not their animation
    open_page(page, site_root, "optimizers/playground/")
    nav = page.locator("#playground-navigator")
    nav.locator(".navigator-live").or_(page.locator("#playground-navigator.navigator-live")).first \
        .wait_for(timeout=LIVE_MS)
    wait_python_ready(page)
    page.evaluate("""() => { window.finished = [];
        document.querySelector("#playground-navigator").addEventListener('navigator:finished',
            e => window.finished.push(e.detail)); }""")
    buttons = page.locator("button[data-ravine-race]").all()
    assert len(buttons) == 9
    base = navigators("playground.md")["playground-navigator"]
    limits = nav.locator(".navigator-limits")
    for k, button in enumerate(buttons):  # every experiment, by its button
        spec = json.loads(button.get_attribute("data-ravine-race"))
        before = page.evaluate("window.finished.length")
        button.click()
        page.wait_for_function("n => window.finished.length > n", arg=before, timeout=LIVE_MS)
        expected = expected_race(spec["detail"], base)
        detail = page.evaluate("window.finished[window.finished.length - 1]")
        assert [(r["label"], r["message"]) for r in detail["runs"]] == \
            [(r["label"], r["message"]) for r in expected], k
        assert_scoreboard(nav, expected)
        if spec["detail"]["landscape"] == "saddle":
            # no η is stable on a saddle: no limit marks, and the note says why
            assert nav.locator(".navigator-mark").count() == 0
            assert "Stable below" not in limits.inner_text()
            assert "no stability limit" in limits.inner_text()
            statuses = {r["label"]: r for r in expected}
            assert all(r["status"] == "diverged" for r in statuses.values())
            assert statuses["Momentum"]["step"] < statuses["GD"]["step"]
    check_axe(page)


def test_the_wide_navigator_uses_the_full_content_width(page, site_root):
    """`full_width: true` (the playground) gives the navigator the whole content column,
    wider than a lesson's text column, with the sidebars hidden; its y axis label sits
    clear of the tick labels."""
    page.set_viewport_size({"width": 1600, "height": 1000})
    open_page(page, site_root, "optimizers/playground/")
    nav = page.locator("#playground-navigator")
    assert "navigator-wide" in nav.get_attribute("class")
    assert page.locator(".md-sidebar--primary").is_hidden()
    assert page.locator(".md-sidebar--secondary").is_hidden()
    box = nav.bounding_box()
    wide = box["width"]
    column = page.locator(".md-content__inner").bounding_box()["width"]
    viewport = page.evaluate("document.documentElement.clientWidth")
    assert wide > column + 100, (wide, column)  # past the text column
    assert box["x"] >= 0 and box["x"] + wide <= viewport  # inside the window, centred
    assert abs(box["x"] - (viewport - box["x"] - wide)) < 2
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport
    canvas = nav.locator("canvas.navigator-canvas")
    canvas.wait_for(timeout=LIVE_MS)
    assert canvas.bounding_box()["width"] > column
    # the "y" axis label sits left of the widest y tick label (navigator-draw.js layout),
    # in the 60 px left of the plot's frame (the plot is centred in the canvas when the
    # landscape is narrower than it: one scale on x and y)
    gap = canvas.evaluate("""c => {
        const ctx = c.getContext('2d'), dpr = c.width / c.getBoundingClientRect().width;
        const frame = document.querySelector('#playground-navigator').navigator.plot.area.left;
        const x0 = Math.max(0, Math.round((frame - 60) * dpr));
        const h = c.height, w = Math.round(frame * dpr) - x0;
        const data = ctx.getImageData(x0, 0, w, h).data;
        // columns holding any ink (text), from the left edge to the plot frame
        const ink = [];
        for (let x = 0; x < w; x++) {
          let any = false;
          for (let y = 0; y < h && !any; y++) {
            const i = (y * w + x) * 4; any = data[i + 3] > 0;
          }
          ink.push(any);
        }
        // the first run of ink is the "y", the next the tick labels: a blank gap between
        let x = 0; while (x < w && !ink[x]) x++;
        while (x < w && ink[x]) x++;
        let blank = 0; while (x < w && !ink[x]) { x++; blank++; }
        return blank / dpr;
    }""")
    assert gap >= 3, gap
    wide_width = wide
    open_page(page, site_root, "optimizers/adaptive/")
    narrow = page.locator("#adaptive-race").bounding_box()["width"]
    assert wide_width > 1.2 * narrow, (wide_width, narrow)



def test_the_lab_shows_its_executed_outputs_and_its_notebook_downloads(page, site_root):
    open_page(page, site_root, "optimizers/lab/")
    article = page.locator("article")
    images = page.locator(LAB_FIGURES).all()
    assert len(images) == 3
    for img in images:
        assert len(img.get_attribute("alt")) > 80
        assert img.get_attribute("loading") == "lazy"
        show_figure(img)
        # the size it was given is the file's, so the box held the figure's shape before
        assert img.evaluate("i => i.naturalWidth > 200 && i.naturalWidth == i.getAttribute('width')"
                            " && i.naturalHeight == i.getAttribute('height')")
    assert re.search(r"condition number κ = \d+", article.inner_text())
    link = article.get_by_role("link", name="Download this lab as a Jupyter notebook")
    href = link.get_attribute("href")
    assert not href.startswith("/")
    url = page.evaluate("h => new URL(h, location.href).href", href)
    assert url == site_root + "optimizers/lab.ipynb"
    response = page.request.get(url)
    assert response.status == 200
    nb = json.loads(response.text())
    assert nb["nbformat"] == 4 and nb["metadata"]["kernelspec"]["language"] == "python"
    check_axe(page)


def test_the_module_front_page_leads_through_the_lessons_in_order(page, site_root):
    """The module's front page links every page of the module (the nav's order, from
    mkdocs.yml), and Material's footer leads from each to the one before and after."""
    pages = course_pages()
    module = [p for p in pages if p.startswith("optimizers/") and p != "optimizers/"]
    assert module[:2] == ["optimizers/ravine/", "optimizers/momentum/"]
    open_page(page, site_root, "optimizers/")
    links = page.locator("article a[href]")
    hrefs = [page.evaluate("a => a.href.split('#')[0]", a) for a in links.element_handles()]
    linked = [h for h in dict.fromkeys(hrefs) if h in {site_root + p for p in module}]
    assert linked == [site_root + p for p in module], "the module page lists its lessons in order"
    for url in linked:
        assert page.request.get(url).status == 200, url
    for before, path, after in zip(pages, pages[1:], pages[2:] + [None]):
        if not path.startswith("optimizers/"):
            continue
        open_page(page, site_root, path)
        footer = page.locator("nav.md-footer__inner")
        prev = footer.locator(".md-footer__link--prev")
        assert page.evaluate("a => a.href", prev.element_handle()) == site_root + before, path
        nxt = footer.locator(".md-footer__link--next")
        if after is None:
            assert nxt.count() == 0, path
        else:
            assert page.evaluate("a => a.href", nxt.element_handle()) == site_root + after, path


def test_instant_navigation_through_the_module_and_the_lab_twice(page, site_root, guard):
    """The lab's notebook HTML (inline scripts, 500 KB of CSS) survives Material's instant
    navigation in and out, with no reload, no console error and nothing fetched outside."""
    open_page(page, site_root, "optimizers/")
    page.evaluate("window.samePage = true")
    for name, path in [("Lab: the ravine in a real model", "optimizers/lab/"),
                       ("RMSProp and Adam", "optimizers/adaptive/"),
                       ("Lab: the ravine in a real model", "optimizers/lab/"),
                       ("Playground", "optimizers/playground/")]:
        page.locator("nav.md-nav--primary").get_by_role("link", name=name, exact=True) \
            .first.click()
        page.wait_for_url(site_root + path)
        title = "Lab: the ravine in a real model" if path.endswith("lab/") else name
        page.get_by_role("heading", name=title, level=1).wait_for()
        if path == "optimizers/lab/":
            page.locator(LAB_FIGURES).nth(2).wait_for()
            assert page.locator(LAB_FIGURES).count() == 3
    assert page.evaluate("window.samePage") is True
