"""Every fenced Python block of every page in docs/ runs in CPython, top to bottom.

The blocks of one page share one namespace, in page order, as a reader running them in
turn (or the page's in-page cells) would. Fences tagged `python` or `py` run, whatever
options follow the language (for example `python run` for an in-page cell); code that is
not meant to run is fenced as `text` or `pycon`. A block that only shows library source
through a snippet include (`--8<--`) is the library's own code, tested by its unit tests.

No maintained library fit: mktestdocs needs the fence line to be exactly "```python" (no
options) and pytest-markdown-docs runs each fence in isolation unless every later fence is
marked as a continuation.
"""

import contextlib
import io
import re

import pytest
from paths import DOCS

FENCE = re.compile(
    r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*\{?[ \t]*\.?(?P<lang>[\w-]*)(?P<options>[^\n]*)\n"
    r"(?P<body>.*?)^(?P=indent)(?P=fence)[ \t]*$",
    re.M | re.S)


def python_blocks(text):
    """(line number, source) of each runnable Python fence, dedented to its fence."""
    blocks = []
    for match in FENCE.finditer(text):
        if match["lang"] not in ("python", "py"):
            continue
        indent = len(match["indent"])
        body = "".join(line[indent:] if line[:indent].strip() == "" else line
                       for line in match["body"].splitlines(keepends=True))
        if "--8<--" in body:
            continue
        blocks.append((text.count("\n", 0, match.start()) + 1, body))
    return blocks


PAGES = sorted(p for p in DOCS.rglob("*.md") if python_blocks(p.read_text()))


def test_the_extractor_finds_indented_and_optioned_fences():
    text = ("```python\na = 1\n```\n\n!!! note\n    ```python run\n    b = a + 1\n    ```\n"
            "```text\nnot python\n```\n")
    assert [src for _, src in python_blocks(text)] == ["a = 1\n", "b = a + 1\n"]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(DOCS)))
def test_every_python_block_of_the_page_runs(page):
    namespace = {"__name__": "__main__"}
    for line, source in python_blocks(page.read_text()):
        code = compile(source, f"{page.relative_to(DOCS)}:{line}", "exec")
        with contextlib.redirect_stdout(io.StringIO()):
            try:
                exec(code, namespace)
            except Exception as error:
                pytest.fail(f"{page.name}, block at line {line} raised {error!r}:\n{source}")
