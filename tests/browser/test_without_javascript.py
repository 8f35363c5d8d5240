"""A reader whose browser runs no JavaScript: every lesson still reads, its figures show,
and a page with widgets says plainly what works and what needs JavaScript, instead of a
"Loading Python…" that never ends (scripts/mkdocs_hooks.py noscript_notice)."""

import re

import pytest
from harness import guarded_page
from paths import ROOT, course_pages

# Every widget docs/assets/js/ravine.js mounts by its settings attribute ("[data-…]"): each
# does nothing without JavaScript. (Its one other entry, ".katex-display", only adds
# keyboard scrolling to wide math, which scrolls without it.)
ATTRIBUTES = re.findall(r'\["\[(data-[\w-]+)\]"', (ROOT / "docs" / "assets" / "js" / "ravine.js").read_text())
WIDGETS = ", ".join(f"[{name}]" for name in ATTRIBUTES)
PAGES = course_pages()


def test_the_course_has_pages_with_and_without_widgets():
    assert "optimizers/momentum/" in PAGES and "" in PAGES, PAGES


def test_the_notice_knows_every_widget_ravine_js_mounts():
    """The build finds widgets by their settings attribute (scripts/mkdocs_hooks.py); a
    widget ravine.js mounts under another name would get no notice."""
    import sys
    sys.path.insert(0, str(ROOT / "scripts"))
    import mkdocs_hooks
    assert {"data-navigator", "data-ravine-cell", "data-ravine-ratemap"} <= set(ATTRIBUTES)
    # with a value or without one (an exercise's has none)
    for html in ('<div {}="x">', "<div {} data-answer>"):
        assert [n for n in ATTRIBUTES if not mkdocs_hooks.WIDGETS.search(html.format(n))] == []


@pytest.mark.parametrize("path", PAGES)
def test_a_page_without_javascript_says_what_works(browser, site_root, path):
    with guarded_page(browser, site_root, java_script_enabled=False) as page:
        assert page.goto(site_root + path).status == 200
        article = page.locator("article")
        assert article.locator("h1").first.is_visible()
        notice = page.locator(".ravine-noscript")
        if not page.locator(WIDGETS).count():
            assert not notice.count()  # nothing on this page needs JavaScript
            return
        assert notice.is_visible()
        text = notice.inner_text()
        assert text.startswith("JavaScript is off") and "turn it on and reload" in text
        # an admonition like the course's others (axe, which runs on every page with
        # JavaScript in test_site.py, cannot run in a page without it): a titled box
        assert notice.evaluate("n => n.classList.contains('admonition')")
        assert notice.locator(".admonition-title").inner_text() == "JavaScript is off"
        # it names what this page has, and nothing it has not (whichever part starts a
        # sentence has a capital)
        count, said = (lambda selector: page.locator(selector).count()), text.lower()
        assert ("each navigator shows its race" in said) == bool(count("[data-navigator]"))
        assert ("worked solutions open" in said) == bool(count("[data-ravine-exercise]"))
        assert ("running a code cell" in said) == bool(count("[data-ravine-cell]"))
        assert ("checking an answer" in said) == bool(
            count("[data-ravine-exercise], [data-ravine-predict]"))
        assert ("running a race" in said) == bool(
            count("[data-navigator], [data-ravine-ratemap], [data-ravine-race]"))
        # the sentence about the notebook only where the page offers one
        notebook = page.locator("a.ravine-notebook")
        assert ("download the lesson as a notebook" in text) == bool(notebook.count())
        # nothing claims to be loading
        assert not page.get_by_text("Loading Python…").filter(visible=True).count()
        # each navigator shows its declared race as built
        for img in page.locator("img.navigator-static").all():
            img.scroll_into_view_if_needed()
            assert img.is_visible() and img.evaluate("i => i.complete && i.naturalWidth > 0")
        # "the worked solutions open"
        solutions = page.locator(".ravine-exercise__solution")
        if solutions.count():
            first = solutions.first
            first.locator("summary").click()
            assert first.evaluate("d => d.open")
            assert first.locator("p, .arithmatex").first.is_visible()


def test_with_javascript_the_notice_is_not_there(page, site_root):
    page.goto(site_root + "optimizers/momentum/")
    page.locator(".ravine-navigator").first.wait_for()
    assert not page.locator(".ravine-noscript").count()
    assert not page.get_by_text("JavaScript is off").filter(visible=True).count()


@pytest.mark.browser
def test_without_javascript_a_dark_system_still_gets_figures_drawn_for_the_light_page(browser, site_root):
    """Material switches to its dark theme with a script; without one the page stays light
    whatever the system prefers. A figure's dark file (light text on a transparent ground)
    would then be pale on white: every figure, and every navigator's race as built, must
    be its light file."""
    with guarded_page(browser, site_root, java_script_enabled=False, color_scheme="dark") as page:
        page.goto(site_root + "optimizers/momentum/")
        assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(255, 255, 255)"
        images = page.locator("article picture img")
        assert images.count() >= 6
        page.wait_for_function("[...document.querySelectorAll('article picture img')]"
                               ".every((img) => img.complete && img.naturalWidth > 0)")
        shown = images.evaluate_all("imgs => imgs.map((img) => img.currentSrc.split('/').pop())")
        assert not [file for file in shown if "-dark." in file], shown
