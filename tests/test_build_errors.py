"""A mistake in a navigator fence or in a cell's options stops the build with one line that
names the page and the line, as a failing {{ }} expression does, and no traceback.

Each case builds a one-page site with the navigator, lesson and cells hooks.
"""

import re
import textwrap

import pytest
from mkdocs_build import mkdocs_build
from paths import ROOT

CONFIG = f"""\
site_name: errors
site_url: http://127.0.0.1:8000/errors/
theme:
  name: mkdocs
hooks:
  - {ROOT / 'scripts' / 'navigator_hook.py'}
  - {ROOT / 'scripts' / 'lesson_hook.py'}
  - {ROOT / 'scripts' / 'cells_hook.py'}
markdown_extensions:
  - pymdownx.superfences
"""
NOTEBOOK = "---\nnotebook: true\n---\n"
# the rest of the message's line, and nothing of it on the next (a blank line, MkDocs'
# closing words, or the end)
ONE_LINE = r"[^\n]*(\n\n|\nAborted|\n?\Z)"


def build(tmp_path, page):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text(textwrap.dedent(page))
    (tmp_path / "mkdocs.yml").write_text(CONFIG)
    result = mkdocs_build(tmp_path / "mkdocs.yml", tmp_path / "site", merged=True,
                          env={"RAVINE_BUILD": str(tmp_path / "build")})
    return result.returncode, result.stdout


NAVIGATOR_CASES = {
    "bad YAML": ("id: a\nlandscape: [\n",
                 r"navigator fence: bad YAML \(line {5}\): expected the node content"),
    "unknown landscape": ("id: a\nlandscape: nowhere\n",
                          r"navigator fence: unknown landscape; known: ravine, "),
    "empty body": ("", r"navigator fence: the body must be YAML key: value lines "
                       r"\(it is empty\)"),
}


@pytest.mark.parametrize("notebook", [False, True], ids=["page", "notebook page"])
@pytest.mark.parametrize("case", NAVIGATOR_CASES)
def test_a_bad_navigator_fence_names_its_page_and_line(tmp_path, case, notebook):
    body, message = NAVIGATOR_CASES[case]
    front = NOTEBOOK if notebook else ""
    shift = front.count("\n")
    code, output = build(tmp_path, f"{front}# Page\n\n```navigator\n{body}```\n")
    assert code != 0
    assert "Traceback" not in output, output
    fence = 3 + shift
    message = message.replace("{5}", str(5 + shift))
    assert re.search(rf"^\w+ +- +index\.md:{fence}: {message}{ONE_LINE}", output,
                     re.M), output


def test_a_notebook_page_fence_with_numbers_is_checked_for_its_shape(tmp_path):
    code, output = build(tmp_path, f"{NOTEBOOK}# Page\n\n```navigator\n- {{{{ 1 + 1 }}}}\n```\n")
    assert code != 0 and "Traceback" not in output, output
    assert "index.md:6: navigator fence: the body must be YAML key: value lines" in output


CELL_CASES = [
    ('timeout="0"', r"timeout must be a number of seconds in \(0, 120\], got '0'"),
    ("timeout=500", r"timeout must be a number of seconds in \(0, 120\], got '500'"),
    ("timeout=lots", r"timeout must be a number of seconds"),
    ("speed=2", r"unknown option 'speed'"),
    ('id="a b"', r"id must be a word"),
]


@pytest.mark.parametrize("options, message", CELL_CASES, ids=[c[0] for c in CELL_CASES])
def test_a_bad_cell_option_is_one_line_with_page_and_line(tmp_path, options, message):
    code, output = build(tmp_path, f"{NOTEBOOK}# Page\n\n```python run {options}\nx = 1\n```\n")
    assert code != 0
    assert "Traceback" not in output, output
    assert re.search(rf"^\w+ +- +index\.md:6: python run: {message}{ONE_LINE}",
                     output, re.M), output


def test_two_cells_with_one_id_fail_the_build(tmp_path):
    code, output = build(tmp_path, """\
        # Page

        ```python run id=ema
        x = 1
        ```

        ```python run timeout=2 id="ema"
        y = 2
        ```
        """)
    assert code != 0 and "Traceback" not in output, output
    assert "index.md:7: python run: id 'ema' is already used by the cell at line 3" in output


def test_a_cell_shown_as_an_example_inside_another_fence_is_not_a_cell(tmp_path):
    code, output = build(tmp_path, """\
        # Page

        ````markdown
        ```python run id=ema
        x = 1
        ```
        ````

        ```python run id=ema
        y = 2
        ```
        """)
    assert code == 0, output
    assert (tmp_path / "site" / "index.html").read_text().count("data-ravine-cell") == 1
