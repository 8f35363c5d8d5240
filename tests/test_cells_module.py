"""lesson_code.cells (the Python half of the in-page cells) and scripts/cells_hook.py."""

import html
import json
import re
import subprocess
import sys
import time

import markdown
import pytest
from paths import ROOT

from lesson_code import cells
from lesson_code.cells import (MAX_ERROR, MAX_OUTPUT, MAX_SVG, missing_message, ran, run_cell,
                               run_json)
from scripts import cells_hook


@pytest.fixture
def page(request):
    name = f"test-{request.node.name}"
    yield name
    cells.forget(name)


def collect():
    writes = []
    return writes, lambda stream, text: writes.append((stream, text))


def test_cells_of_a_page_share_one_namespace_and_remember_what_ran(page):
    assert run_cell("a = 20", page, "cell 1")["ok"]
    reply = run_cell("b = a + 1\nb * 2", page, "cell 2")
    assert reply == {"ok": True, "value": "42", "svg": None, "alt": None, "error": None,
                     "note": None}
    assert ran(page) == ["cell 1", "cell 2"]
    run_cell("a = 1", page, "cell 1")  # run again: moves to the end
    assert ran(page) == ["cell 2", "cell 1"]
    assert run_cell("a", "another page", "cell 1")["ok"] is False  # pages are apart
    cells.forget("another page")


def test_a_final_expression_shows_its_repr_but_none_and_statements_show_nothing(page):
    assert run_cell("'ravine'", page, "cell 1")["value"] == "'ravine'"
    assert run_cell("print('x')", page, "cell 2")["value"] is None  # print returns None
    assert run_cell("x = [1, 2]", page, "cell 3")["value"] is None
    assert run_cell("x", page, "cell 4")["value"] == "[1, 2]"


def test_stdout_and_stderr_reach_the_page_in_order_while_the_cell_runs(page):
    writes, write = collect()
    stamps = []
    source = ("import sys, time\nprint('first')\nprint('oops', file=sys.stderr)\n"
              "time.sleep(0.3)\nprint('last')")
    start = time.monotonic()
    reply = run_cell(source, page, "cell 1",
                     lambda s, t: (write(s, t), stamps.append(time.monotonic())))
    end = time.monotonic()
    assert reply["ok"]
    text = "".join(t for _, t in writes)
    assert text == "first\noops\nlast\n"
    assert [s for s, t in writes if t.strip()] == ["stdout", "stderr", "stdout"]
    assert stamps[0] - start < end - start - 0.25  # written before the sleep, not at the end
    assert sys.stdout is sys.__stdout__ or not isinstance(sys.stdout, cells._Stream)


def test_output_is_capped(page):
    writes, write = collect()
    run_cell("for _ in range(5):\n    print('x' * 100_000)", page, "cell 1", write)
    text = "".join(t for _, t in writes)
    assert MAX_OUTPUT < len(text) < MAX_OUTPUT + 100
    assert text.endswith(f"[output cut after {MAX_OUTPUT:,} characters]\n")


CUT = f"[output cut after {MAX_OUTPUT:,} characters]"


def written(page, *writes):
    """What the page receives when a cell writes each (stream, text) in turn."""
    received, write = collect()
    source = "import sys\n" + "".join(f"sys.{stream}.write({text!r})\n" for stream, text in writes)
    assert run_cell(source, page, "cell 1", write)["ok"]
    return received


def shown(received):
    return "".join(text for _, text in received)


@pytest.mark.parametrize("sizes", [
    [MAX_OUTPUT, 1],              # the cap reached on a write's last character, then more
    [MAX_OUTPUT - 1, 1, 1],       # one under, then exactly at the cap, then more
    [MAX_OUTPUT - 1, 2],          # one under, then one over
    [MAX_OUTPUT + 1],             # one over in a single write
    [MAX_OUTPUT, 0, 1, 5],        # an empty write at the cap is not a cut
])
def test_output_over_the_cap_always_says_where_it_was_cut(page, sizes):
    writes = [("stdout", "x" * (n - 1) + "\n" if n else "") for n in sizes]
    text = shown(written(page, *writes))
    assert text[:MAX_OUTPUT] == "".join(t for _, t in writes)[:MAX_OUTPUT]
    assert text[MAX_OUTPUT:] == CUT + "\n" or text[MAX_OUTPUT:] == "\n" + CUT + "\n"
    assert text.count(CUT) == 1


def test_output_that_ends_exactly_at_the_cap_is_not_said_to_be_cut(page):
    text = shown(written(page, ("stdout", "x" * (MAX_OUTPUT - 1)), ("stdout", "\n"), ("stdout", "")))
    assert text == "x" * (MAX_OUTPUT - 1) + "\n"


def test_the_readers_loop_that_fills_the_cap_on_a_write_boundary_is_told(page):
    """print(i, 'x' * 20) writes str(i), ' ', the x's and '\n' apart: the cap falls on the
    end of one of them, and nothing was said (the auditor's run: its last line was 7734)."""
    received, write = collect()
    run_cell("for i in range(300000): print(i, 'x'*20)", page, "cell 1", write)
    text = shown(received)
    assert text.endswith(f"\n{CUT}\n") and text.count(CUT) == 1
    assert len(text) == MAX_OUTPUT + len(CUT) + 1  # a line of its own, no blank line before it


def test_the_cap_counts_stdout_and_stderr_together_and_cuts_whichever_comes(page):
    half = MAX_OUTPUT // 2
    received = written(page, ("stdout", "o" * half), ("stderr", "e" * half),
                       ("stdout", "late"), ("stderr", "later"))
    assert shown(received) == "o" * half + "e" * half + "\n" + CUT + "\n"
    streams = [stream for stream, text in received if CUT in text]
    assert streams == ["stdout"]  # said where the cut fell, once
    received = written(page, ("stderr", "e" * (half + 1)), ("stdout", "o" * half))
    assert shown(received) == "e" * (half + 1) + "o" * (half - 1) + "\n" + CUT + "\n"


def test_a_traceback_keeps_only_the_readers_cells(page):
    run_cell("def slope(a):\n    return 1 / a", page, "cell 1")
    error = run_cell("x = 1\nslope(0)", page, "cell 2")["error"]
    assert error.startswith("Traceback (most recent call last):\n")
    frames = re.findall(r'File "([^"]+)", line (\d+)', error)
    assert frames == [("cell 2", "2"), ("cell 1", "2")]
    assert "return 1 / a" in error and "slope(0)" in error
    assert error.rstrip().endswith("ZeroDivisionError: division by zero")


def test_an_error_raised_by_lesson_code_names_its_line_briefly(page):
    source = ("from lesson_code import get_landscape, momentum, run\n"
              "run(momentum(0.1, beta=1.5), get_landscape('ravine'))")
    error = run_cell(source, page, "cell 1")["error"]
    files = re.findall(r'File "([^"]+)"', error)
    assert files == ["cell 1", "lesson_code/optimizers.py"]
    assert "ArgumentError: beta" in error  # a ValueError naming its field


def test_syntax_errors_and_exit_are_reported_not_fatal(page):
    error = run_cell("x = (", page, "cell 1")["error"]
    assert 'File "cell 1", line 1' in error and "SyntaxError" in error
    assert "Traceback" not in error  # nothing ran
    reply = run_cell("raise SystemExit(3)", page, "cell 2")
    assert not reply["ok"] and "SystemExit: 3" in reply["error"]
    reply = run_cell("input('your lr? ')", page, "cell 3")
    assert "input() is not available in the page" in reply["error"]


def test_streams_and_finders_are_restored_after_any_run(page):
    before = (sys.stdout, sys.stderr, sys.stdin, list(sys.meta_path))
    run_cell("1 / 0", page, "cell 1")
    run_cell("import ravine_no_such_package", page, "cell 2")
    assert (sys.stdout, sys.stderr, sys.stdin, list(sys.meta_path)) == before


def test_a_missing_package_says_what_exists_here():
    message = missing_message("numpy")
    for words in ("No module named 'numpy'", "standard library and lesson_code",
                  "notebook", "pip install"):
        assert words in message


def test_importing_numpy_where_it_is_missing_answers_at_once():
    """`python -S` hides site-packages (numpy), as the page's Python lacks it."""
    probe = ("import json, time; from lesson_code.cells import run_cell; t = time.monotonic(); "
             "r = run_cell('import numpy as np', 'p', 'cell 1'); "
             "print(json.dumps([r['error'], time.monotonic() - t]))")
    out = subprocess.run([sys.executable, "-S", "-c", probe], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout
    error, seconds = json.loads(out)
    assert error.rstrip().endswith("ModuleNotFoundError: " + missing_message("numpy"))
    assert seconds < 0.5
    assert re.findall(r'File "([^"]+)"', error) == ["cell 1"]


def test_a_value_with_repr_svg_comes_back_as_svg_with_words(page):
    source = ("class Figure:\n    def _repr_svg_(self):\n        return '<svg/>'\n"
              "    def describe(self):\n        return 'a tiny figure'\nFigure()")
    reply = run_cell(source, page, "cell 1")
    assert (reply["svg"], reply["alt"], reply["value"]) == ("<svg/>", "a tiny figure", None)


def test_a_figure_too_large_to_show_is_not_sent_and_the_note_says_why(page):
    source = (f"class Figure:\n    def _repr_svg_(self):\n"
              f"        return '<svg>' + ' ' * {MAX_SVG} + '</svg>'\nFigure()")
    reply = run_cell(source, page, "cell 1")
    assert reply["ok"] and (reply["svg"], reply["value"]) == (None, None)
    assert reply["note"].startswith(f"The figure is too large to show: its SVG has {MAX_SVG + 11:,}")
    # A figure of exactly MAX_SVG characters is shown.
    reply = run_cell(source.replace(f"{MAX_SVG}", f"{MAX_SVG - 11}"), page, "cell 2")
    assert len(reply["svg"]) == MAX_SVG and reply["note"] is None


def test_a_huge_error_message_is_cut(page):
    reply = run_cell("raise ValueError('x' * 10_000_000)", page, "cell 1")
    assert MAX_ERROR < len(reply["error"]) < MAX_ERROR + 100
    assert reply["error"].startswith("Traceback") and "characters in all]" in reply["error"]


def test_run_json_is_the_workers_entry(page):
    writes, write = collect()
    reply = json.loads(run_json(json.dumps({"page": page, "cell": "cell 1",
                                            "source": "print(2)\n3"}), write))
    assert reply["value"] == "3" and reply["ran"] == ["cell 1"]
    assert writes == [("stdout", "2"), ("stdout", "\n")]
    assert json.loads(cells.ran_json(page)) == ["cell 1"]


def test_a_cell_name_must_read_as_a_cell(page):
    with pytest.raises(ValueError):
        run_cell("1", page, "block 1")


# ----- scripts/cells_hook.py -----

def render(text):
    fence = {"name": "python", "class": "python", "format": cells_hook.format_cell,
             "validator": cells_hook.validate_cell}
    md = markdown.Markdown(extensions=["pymdownx.highlight", "pymdownx.superfences"],
                           extension_configs={"pymdownx.superfences": {"custom_fences": [fence]}})
    return md.convert(cells_hook.on_page_markdown(text, None, None, None))


def test_a_python_run_fence_becomes_a_cell_and_a_plain_one_does_not():
    source = 'x = "<b>"\nprint(x)'
    out = render(f"```python run timeout=2 id=ema\n{source}\n```\n\n```python\ny = 1\n```\n")
    assert out.count("data-ravine-cell") == 1
    attrs = dict(re.findall(r'(data-[\w-]+)="([^"]*)"', out))
    assert html.unescape(attrs["data-source"]) == source
    assert attrs["data-hash"] == cells_hook.source_hash(source)
    assert attrs["data-timeout"] == "2" and attrs["data-cell-id"] == "ema"
    assert "stops after 2 s" in out and ">Run</button>" in out
    assert 'class="highlight"' in out and out.count("<pre") == 2  # the plain block too


def test_bad_cell_options_fail_the_build():
    for header in ('```python run timeout="0"', '```python run timeout=lots',
                   '```python run speed="2"', '```python run id="a b"'):
        with pytest.raises(Exception, match="python run"):
            render(f"{header}\nx = 1\n```\n")


def test_every_page_gets_an_import_map_relative_to_it():
    class Page:
        url = "optimizers/momentum/"
    out = cells_hook.on_post_page('<html><head><meta charset="utf-8"><title>t</title></head>',
                                  Page(), None)
    imports = json.loads(re.search(r'<script type="importmap">(.*?)</script>', out)[1])["imports"]
    assert imports["@codemirror/state"] == "../../vendor/codemirror/state/index.js"
    assert set(imports) >= {"@codemirror/view", "@lezer/python", "crelt", "@codemirror/streamparser"}
    assert out.index('<meta charset="utf-8">') < out.index("importmap") < out.index("<title>")
    Page.url = ""  # the home page: a path without ./ would read as a bare name
    out = cells_hook.on_post_page("<html><head></head>", Page(), None)
    imports = json.loads(re.search(r'<script type="importmap">(.*?)</script>', out)[1])["imports"]
    assert all(url.startswith("./vendor/") or url.startswith("./assets/") for url in imports.values())
