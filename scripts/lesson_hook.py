"""MkDocs hook for lesson pages: build-time numbers, exercises, predictions and
notebooks. Listed under `hooks:` in mkdocs.yml; its place in that list does
not matter (it leaves other hooks' fences alone, except for numbers in
navigator fences). The hook functions here are thin: the work is done by
scripts/lessons/ (numbers.py, widgets.py, notebooks.py, syntax.py), one
module per job. Tested by tests/test_lesson_hook.py.

1. Numbers: `{{ expr }}` or `{{ expr | spec }}` anywhere in the prose (also in
   $…$ math and in widget fences; not in code) is replaced, before Markdown
   runs, by format(value, spec). Expressions see `from lesson_code import *`,
   `math`, `sqrt`, the names in NAMES below and the page's own `define:` front
   matter (name: expression, evaluated in order). A failing expression fails
   the build with the page and line.
2. ```exercise fences (YAML): a number box checked in the page against an
   answer computed here (exercise.js mounts on the HTML).
3. ```predict fences (YAML): a committed prediction about a navigator race,
   revealed with the race's result (predict.js).
4. `notebook: true` in the front matter: <page>.ipynb next to the page
   (Markdown cells for prose, code cells for python fences and for the
   widgets' races), and a relative download link under the page title.
5. Claims: `{{ claim: expr }}` states that the sentence beside it is true.
   It renders nothing; expr is evaluated like a number and must be truthy,
   or the build fails with the page, the line and the values of its parts
   ("claim failed: mom.step < gd.step, where mom.step = 166, gd.step = 113").
"""

import json
import pathlib
import re
import sys

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File
from mkdocs.utils.meta import get_data

ROOT = pathlib.Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # MkDocs loads this file by path
    sys.path.insert(0, str(ROOT))

from scripts.lessons.notebooks import (_with_ids, notebook,  # noqa: E402
                                       with_notebook_link)
from scripts.lessons.numbers import (NAMES, check_claim, crosses,  # noqa: E402,F401
                                     defines, evaluate, expressions,
                                     first_to_converge, format_value,
                                     is_claim, namespace, nearest,
                                     split_spec, substitute)
from scripts.lessons.syntax import FENCE, LessonError  # noqa: E402,F401
from scripts.lessons.widgets import (exercise, page_navigators,  # noqa: E402,F401
                                     predict, race_request, render_exercise,
                                     render_predict, render_widgets)

class WidgetSlots:
    """Widget HTML set aside while Markdown renders a page: on_page_markdown
    puts a placeholder where each exercise or predict fence was, and
    on_page_content swaps each placeholder for its HTML."""

    SLOT = "RAVINE-LESSON-SLOT-{}-END"

    def __init__(self):
        self.pages = {}

    def start(self, page):
        self.pages[page] = {}

    def put(self, page, widget_html):
        slots = self.pages[page]
        key = self.SLOT.format(len(slots))
        slots[key] = widget_html
        return key

    def fill(self, page, html_text):
        for key, widget_html in self.pages.pop(page, {}).items():
            html_text, n = re.subn(rf"<p>{key}</p>|{key}",
                                   lambda m: widget_html, html_text, count=1)
            if not n:
                raise PluginError(f"{page}: a widget's HTML was lost (an "
                                  "exercise or predict fence inside something "
                                  "Markdown does not render?)")
        return html_text


SLOTS = WidgetSlots()


def front_matter_lines(source, body):
    """Lines of front matter above body, the Markdown MkDocs hands to hooks,
    in the page's source (0 when body is not the source's tail)."""
    if source.endswith(body):
        return source[:len(source) - len(body)].count("\n")
    return 0


def _where(page):
    return page.file.src_uri


def _offset(page, markdown):
    try:
        source = pathlib.Path(page.file.abs_src_path).read_text()
    except (TypeError, OSError):
        return 0
    return front_matter_lines(source, markdown)


def on_files(files, config):
    """Adds <page>.ipynb next to every page whose front matter asks for it."""
    site_url = config.site_url or ""
    for file in list(files.documentation_pages()):
        source = pathlib.Path(file.abs_src_path).read_text()
        body, meta = get_data(source)
        if not meta.get("notebook"):
            continue
        where = file.src_uri
        offset = front_matter_lines(source, body)
        title = meta.get("title") or next(
            (l[2:].strip() for l in body.splitlines() if l.startswith("# ")),
            file.name)
        page_url = site_url + file.url if site_url else ""
        try:
            nb = notebook(body, namespace(meta, where, file.abs_src_path), title,
                          site_url, where, offset,
                          defines(meta, where, file.abs_src_path))
        except LessonError as error:
            raise PluginError(str(error)) from None
        nb["cells"][0]["source"] = nb["cells"][0]["source"].replace(
            f"({site_url})", f"({page_url})")
        uri = file.src_uri.removesuffix(".md") + ".ipynb"
        files.append(File.generated(config, uri, content=json.dumps(
            _with_ids(nb, pathlib.PurePath(uri).stem), indent=1,
            ensure_ascii=False) + "\n"))
    return files


def on_page_markdown(markdown, page, config, files):
    where, offset = _where(page), _offset(page, markdown)
    SLOTS.start(where)
    try:
        ns = namespace(page.meta, where, page.file.abs_src_path)
        text = substitute(markdown, ns, where, offset)
        text = render_widgets(text, ns, where, offset, config,
                              lambda widget_html: SLOTS.put(where, widget_html))
    except LessonError as error:
        raise PluginError(str(error)) from None
    if page.meta.get("notebook"):
        text = with_notebook_link(text, pathlib.PurePath(where).stem + ".ipynb")
    return text


def on_page_content(html_text, page, config, files):
    return SLOTS.fill(_where(page), html_text)
