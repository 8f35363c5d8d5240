"""MkDocs hook: a ```ratemap fence and the figure after it become the interactive rate map.

Listed under `hooks:` in mkdocs.yml. The fence's body is YAML; the paragraph right after
the fence is its stand-in, an ordinary Markdown image (so the lesson hook computes the
numbers of its alt text, and the notebook keeps the figure):

    ```ratemap
    id: rate-map              # lowercase letters, digits and dashes
    navigator: walkthrough    # a ```navigator fence on the same page: the map sets its race
    landscape: ravine         # default: the navigator's; a quadratic with λ_min > 0
    lr: [0.005, 0.4]          # the η of the first and last column
    beta: [0, 0.99]           # the β of the first and last row
    size: [80, 100]           # columns, rows (lesson_code.browser caps them)
    optimizers: [sgd, momentum]   # the race a click sets up (momentum, and GD beside it)
    caption: What the reader sees under the map.
    ```

    ![What the static figure shows, in words](../figures/momentum-rate-map.svg)

The build asks lesson_code.browser for the same rate map the page will ask for, so a bad
range or size fails here, with the page and line, in lesson_code's words. Every η and β of
the grid must show exactly with three significant digits (the navigator shows η so), so a
click sets the navigator to the value the map printed.

Output: <div class="ravine-ratemap" data-ravine-ratemap="{json}"> holding the figure (the
image, unchanged) and a status line; docs/assets/js/rate-map.js mounts on it and replaces
the image with a canvas drawn from lesson_code's numbers once Python is ready.
"""

import html
import json
import pathlib
import re

import yaml
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

FENCE = re.compile(
    r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*\{?[ \t]*\.?"
    r"(?P<lang>[\w-]*)[^\n]*\n(?P<body>.*?)^(?P=indent)(?P=fence)[ \t]*$", re.M | re.S)
ID = re.compile(r"[a-z][a-z0-9-]*")
KEYS = {"id", "navigator", "landscape", "lr", "beta", "size", "optimizers", "caption"}
DEFAULTS = {"lr": [0.005, 0.4], "beta": [0.0, 0.99], "size": [80, 100],
            "optimizers": ["sgd", "momentum"], "caption": ""}
SLOT = "RAVINE-RATEMAP-SLOT-{}-END"


class RateMapError(ValueError):
    """A ratemap fence that cannot be built: `page:line: one sentence`."""

    def __init__(self, where: str, line: int, message: str):
        super().__init__(f"{where}:{line}: ratemap fence: {message}")


def navigators(markdown: str) -> dict:
    """The page's navigator fences by id: {id: landscape}."""
    from lesson_code.browser import RACE_DEFAULTS
    found = {}
    for m in FENCE.finditer(markdown):
        if m["lang"] != "navigator":
            continue
        try:
            spec = yaml.safe_load(m["body"])
        except yaml.YAMLError:
            continue  # the navigator hook reports it
        if isinstance(spec, dict) and "id" in spec:
            found[str(spec["id"])] = spec.get("landscape", RACE_DEFAULTS["landscape"])
    return found


def _pair(spec: dict, key: str, fail) -> list:
    value = spec[key]
    if not (isinstance(value, list) and len(value) == 2
            and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)):
        fail(f"{key} must be two numbers [first, last], got {value!r}")
    return value


def check(spec, navs: dict, where: str, line: int) -> dict:
    """The fence's YAML, completed and checked (lesson_code answers for the grid);
    RateMapError otherwise. Returns {id, navigator, optimizers, caption, request}."""
    from lesson_code.browser import call

    def fail(message):
        raise RateMapError(where, line, message)

    if not isinstance(spec, dict):
        fail("the body must be YAML `key: value` lines")
    unknown = set(spec) - KEYS
    if unknown:
        fail(f"unknown keys {sorted(unknown)}; known: {sorted(KEYS)}")
    spec = {**DEFAULTS, **spec}
    for key in ("id", "navigator"):
        if not ID.fullmatch(str(spec.get(key, ""))):
            fail(f"{key} must be lowercase letters, digits and dashes, got {spec.get(key)!r}")
    if spec["navigator"] not in navs:
        fail(f"there is no navigator {spec['navigator']!r} on this page to set the race of"
             + (f" (its navigators: {', '.join(sorted(navs))})" if navs else ""))
    if spec["id"] == spec["navigator"]:
        fail("id must differ from the navigator's id")
    landscape = spec.get("landscape", navs[spec["navigator"]])
    optimizers = spec["optimizers"]
    if not (isinstance(optimizers, list) and "momentum" in optimizers
            and set(optimizers) <= {"sgd", "momentum"}):
        fail(f"optimizers must be [momentum] or [sgd, momentum] (the map is momentum's, "
             f"and β = 0 is GD), got {optimizers!r}")
    lr, beta = _pair(spec, "lr", fail), _pair(spec, "beta", fail)
    nx, ny = _pair(spec, "size", fail)
    request = {"landscape": landscape, "lr": lr, "beta": beta, "nx": nx, "ny": ny}
    try:
        grid = call("rate_map", request)
    except ValueError as error:  # lesson_code's ArgumentError
        fail(f"lesson_code refuses this map: {error}")
    for axis, values, lines in (("lr", grid["lrs"], "columns"), ("beta", grid["betas"], "rows")):
        ragged = next((v for v in values if float(f"{v:.3g}") != v), None)
        if ragged is not None:
            fail(f"{axis} {spec[axis]} over {len(values)} {lines} gives {ragged:g}, which does "
                 "not show exactly in three significant digits: choose a round step")
    return {"id": spec["id"], "navigator": spec["navigator"],
            "optimizers": [n for n in ("sgd", "momentum") if n in optimizers],
            "caption": str(spec["caption"]), "request": request}


def front_matter_lines(page: Page, markdown: str) -> int:
    """Lines of front matter above the Markdown MkDocs hands to hooks."""
    try:
        source = pathlib.Path(page.file.abs_src_path).read_text(encoding="utf-8")
    except (TypeError, OSError):
        return 0
    return source[:len(source) - len(markdown)].count("\n") if source.endswith(markdown) else 0


class RateMaps:
    """The fences of each page, from its Markdown to its HTML."""

    def __init__(self):
        self.pending = {}  # page src_uri -> [(slot, spec, line)]

    def markdown(self, markdown: str, page: Page) -> str:
        where = page.file.src_uri
        offset = front_matter_lines(page, markdown)
        navs = navigators(markdown)
        found, ids = [], set()

        def replace(m):
            if m["lang"] != "ratemap":
                return m.group(0)
            line = markdown.count("\n", 0, m.start()) + 1 + offset
            try:
                spec = check(yaml.safe_load(m["body"]), navs, where, line)
            except yaml.YAMLError as error:
                raise RateMapError(where, line, f"bad YAML: {error}") from None
            if spec["id"] in ids:
                raise RateMapError(where, line, f"id {spec['id']!r} is used twice on this page")
            ids.add(spec["id"])
            slot = SLOT.format(len(found))
            found.append((slot, spec, line))
            return f"{m['indent']}{slot}\n"  # the figure after it: a paragraph of its own

        try:
            text = FENCE.sub(replace, markdown)
        except RateMapError as error:
            raise PluginError(str(error)) from None
        self.pending[where] = found
        return text

    def content(self, html_text: str, page: Page) -> str:
        where = page.file.src_uri
        for slot, spec, line in self.pending.pop(where, []):
            pattern = re.compile(rf"<p>{slot}</p>\s*<p>\s*(<img\b[^>]*>)\s*</p>")
            m = pattern.search(html_text)
            if not m or not re.search(r'\balt="[^"]+"', m[1]):
                raise PluginError(str(RateMapError(
                    where, line, "put its stand-in figure, ![what it shows, in words]"
                    "(../figures/name.svg), alone in the paragraph right after the fence")))
            html_text = html_text[:m.start()] + render(spec, m[1]) + html_text[m.end():]
        return html_text


def render(spec: dict, image: str) -> str:
    """The inert HTML the page mounts on; image: the stand-in <img>, as Markdown made it."""
    data = {k: spec[k] for k in ("id", "navigator", "optimizers", "request")}
    caption = html.escape(spec["caption"])
    return (f'<div class="ravine-ratemap" id="{spec["id"]}" '
            f'data-ravine-ratemap="{html.escape(json.dumps(data), quote=True)}">'
            f'<figure class="ratemap-figure"><div class="ratemap-box">{image}</div>'
            + (f"<figcaption>{caption}</figcaption>" if caption else "")
            + '</figure><p class="ratemap-status" data-ratemap-status>Loading Python…</p>'
            "</div>")


_maps = RateMaps()


def on_page_markdown(markdown: str, *, page: Page, config: MkDocsConfig,
                     files: Files) -> str:
    return _maps.markdown(markdown, page)


def on_page_content(html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    return _maps.content(html, page)
