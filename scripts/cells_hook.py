"""MkDocs hook: ```python run fences become runnable cells (cells.js mounts them).

Listed under `hooks:` in mkdocs.yml. A lesson marks a Python block as runnable with the
word `run` after the language; options follow it:

    ```python run timeout="2" id="ema"
    print("hello")
    ```

- timeout: seconds a run may take before the page stops it (default 10, at most 120).
- id: a stable name for the reader's saved edit (default: the cell's place on the page).

A bad option, or an id used twice on a page, fails the build with one line:
`page.md:line: python run: what is wrong`.

Each fence becomes inert HTML: the code highlighted exactly as a plain ```python block, a
Run button, data-* attributes (the original source, a hash of it so that a saved edit of
an older version is noticed, the time limit) and an empty output area. Plain ```python
fences stay as they are. Both kinds run in the docs tests (tests/test_docs_blocks.py).

Every page also gets an import map in its <head>, so the vendored CodeMirror modules
(build/assets/vendor/codemirror/, which import each other by bare names such as
"@codemirror/state") load without a bundler. Its paths are relative to the page; the
browser resolves them once per tab, and instant navigation keeps that map.
"""

import hashlib
import html
import json
import re

import pathlib

from mkdocs.exceptions import PluginError
from mkdocs.utils import get_relative_url
from pymdownx.superfences import SuperFencesException

DEFAULT_TIMEOUT = 10
MAX_TIMEOUT = 120

# Bare module name -> file under the site root.
MODULES = {
    "@codemirror/state": "vendor/codemirror/state/index.js",
    "@codemirror/view": "vendor/codemirror/view/index.js",
    "@codemirror/language": "vendor/codemirror/language/index.js",
    "@codemirror/commands": "vendor/codemirror/commands/index.js",
    "@codemirror/autocomplete": "vendor/codemirror/autocomplete/index.js",
    "@codemirror/lang-python": "vendor/codemirror/lang-python/index.js",
    "@lezer/common": "vendor/codemirror/lezer-common/index.js",
    "@lezer/highlight": "vendor/codemirror/lezer-highlight/index.js",
    "@lezer/lr": "vendor/codemirror/lezer-lr/index.js",
    "@lezer/python": "vendor/codemirror/lezer-python/index.js",
    "@marijn/find-cluster-break": "vendor/codemirror/find-cluster-break/index.js",
    "style-mod": "vendor/codemirror/style-mod/style-mod.js",
    "w3c-keyname": "vendor/codemirror/w3c-keyname/index.js",
    "crelt": "vendor/codemirror/crelt/index.js",
    "@codemirror/streamparser": "vendor/codemirror/streamparser/index.js",
}

LINE_ANCHOR = re.compile(r'<a id="__codelineno-[^"]*" name="[^"]*" href="[^"]*"></a>')
OPTION_LINE = re.compile(r"^(?P<head>[ \t>]*(?:`{3,}|~{3,})[ \t]*python[ \t]+run\b)"
                         r"(?P<rest>[^\n]*)$", re.M)
OPTION = re.compile(r"""(\w+)(?:=(?:"([^"]*)"|'([^']*)'|([^\s"']+)))?""")
FENCE_LINE = re.compile(r"^[ \t>]*(?P<fence>`{3,}|~{3,})(?P<rest>[^\n]*)$")


class CellError(SuperFencesException, PluginError):
    """A cell's options are wrong: superfences lets it through, MkDocs shows one line."""


def on_config(config):
    fences = config.mdx_configs.setdefault("pymdownx.superfences", {})
    fences.setdefault("custom_fences", []).append(
        {"name": "python", "class": "python", "format": format_cell,
         "validator": validate_cell})
    return config


def on_page_markdown(markdown, page, config, files):
    """Lets options be written unquoted (timeout=2), as superfences wants timeout="2";
    checks every cell's options, and that no id is used twice, with the line."""
    def quote(match):
        rest = re.sub(r'\b(\w+)=([^\s"\']+)', r'\1="\2"', match["rest"])
        return match["head"] + rest
    where = page.file.src_uri if page else "?"
    # the page's file, for its line numbers (hooks before this one may add lines)
    first = {}  # id -> line
    for line, rest in cell_lines(source_of(page) or markdown):
        try:
            options = check_options(
                {key: a or b or c or key for key, a, b, c in OPTION.findall(rest)})
        except ValueError as error:
            raise CellError(f"{where}:{line}: python run: {error}") from None
        if "id" in options and options["id"] in first:
            raise CellError(f"{where}:{line}: python run: id {options['id']!r} is already "
                            f"used by the cell at line {first[options['id']]}")
        first.setdefault(options.get("id"), line)
    return OPTION_LINE.sub(quote, markdown)


def source_of(page):
    """The page's Markdown file as written (front matter included), or None."""
    try:
        return pathlib.Path(page.file.abs_src_path).read_text(encoding="utf-8-sig")
    except (AttributeError, TypeError, OSError):
        return None


def cell_lines(markdown):
    """(line, options text) of each ```python run fence that is not inside another fence
    (a lesson may show one as an example)."""
    open_fence = None
    for number, text in enumerate(markdown.splitlines(), 1):
        match = FENCE_LINE.match(text)
        if match is None:
            continue
        fence = match["fence"]
        if open_fence is None:
            open_fence = fence
            words = match["rest"].split(None, 2)
            if words[:2] == ["python", "run"]:
                yield number, match["rest"].strip()[len("python run"):]
        elif fence[0] == open_fence[0] and len(fence) >= len(open_fence) \
                and not match["rest"].strip():
            open_fence = None


def on_post_page(output, page, config):
    if "<head>" not in output:
        return output
    here = page.url if page.url and not page.url.endswith(".html") else ""
    imports = {name: relative(path, here) for name, path in MODULES.items()}
    tag = f'<script type="importmap">{json.dumps({"imports": imports})}</script>'
    charset = re.search(r"<meta charset=[^>]*>", output)
    at = charset.end() if charset else output.index("<head>") + len("<head>")
    return output[:at] + tag + output[at:]


def relative(path, page_url):
    """path from the page; an import map needs "./" or "../" in front (else: bare name)."""
    url = get_relative_url(path, page_url)
    return url if url.startswith("../") else "./" + url


def validate_cell(language, inputs, options, attrs, md):
    """Takes a ```python fence only when it says `run`; checks its options."""
    if inputs.get("run") != "run":
        return False
    try:
        options.update(check_options(inputs))
    except ValueError as error:
        raise CellError(f"python run: {error}") from None
    return True


def check_options(inputs):
    """A cell's options ({"run": "run", "timeout": "2", ...}) checked; ValueError in words."""
    options = {}
    for key, value in inputs.items():
        if key == "timeout":
            try:
                seconds = float(value)
            except ValueError:
                seconds = -1
            if not 0 < seconds <= MAX_TIMEOUT:
                raise ValueError(f"timeout must be a number of seconds in (0, "
                                 f"{MAX_TIMEOUT}], got {value!r}")
            options["timeout"] = f"{seconds:g}"
        elif key == "id":
            if not re.fullmatch(r"[A-Za-z][\w-]*", value):
                raise ValueError(f"id must be a word (letters, digits, - or _), got {value!r}")
            options["id"] = value
        elif key != "run":
            raise ValueError(f"unknown option {key!r} (use timeout=\"seconds\" or id=\"name\")")
    return options


def source_hash(source):
    """What a saved edit remembers of the original it was made from."""
    return hashlib.sha256(source.encode("utf-8")).hexdigest()[:16]


def format_cell(source, language, class_name, options, md, **kwargs):
    fences = md.preprocessors["fenced_code_block"]
    code = fences.highlight(src=source, language="python", options={}, md=md,
                            classes=[], id_value="", attrs={})
    code = LINE_ANCHOR.sub("", code)  # a cell's lines are not link targets (or tab stops)
    timeout = options.get("timeout", f"{DEFAULT_TIMEOUT}")
    attrs = {"data-ravine-cell": "", "data-source": source, "data-hash": source_hash(source),
             "data-timeout": timeout}
    if "id" in options:
        attrs["data-cell-id"] = options["id"]
    attributes = " ".join(f'{key}="{html.escape(value)}"' for key, value in attrs.items())
    return (
        f'<div class="ravine-cell" role="group" {attributes}>'
        f'<div class="ravine-cell__code" data-cell-code>{code}</div>'
        '<div class="ravine-cell__bar">'
        '<button type="button" class="md-button md-button--primary" data-cell-run>Run</button>'
        '<button type="button" class="md-button" data-cell-stop hidden>Stop</button>'
        '<button type="button" class="md-button" data-cell-reset hidden>Reset</button>'
        f'<span class="ravine-cell__note" data-cell-note>Python in your browser; stops after '
        f'{timeout} s</span></div>'
        '<div class="ravine-cell__notice" data-cell-notice hidden></div>'
        '<div class="ravine-cell__output" role="log" aria-live="polite" data-cell-output></div>'
        '</div>')
