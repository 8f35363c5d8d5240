"""Run a reader's in-page cell: the Python half of Ravine's runnable cells.

The web worker calls `run_json` once per cell; a test or a notebook can call
`run_cell` directly:

    reply = run_cell("print(1)\\n1 + 1", page="/lesson/", cell="cell 1",
                     write=lambda stream, text: ...)
    reply == {"ok": True, "value": "2", "svg": None, "alt": None,
              "error": None, "note": None}

- The cells of a page share one namespace, kept here per page; `ran(page)`
  lists the cells that have run to the end in it, in the order they ran.
- stdout and stderr go to `write(stream, text)` as they are written, so the
  page shows them while the cell runs.
- The value of a final expression comes back as its repr, or as SVG when
  it has `_repr_svg_` (a `lesson_code.plot` figure); an SVG longer than
  MAX_SVG characters is not sent, and "note" says why.
- A traceback keeps only the frames of the reader's cells.
- Importing a package that is not installed (numpy, matplotlib in the
  browser) fails at once with words saying what exists here.
"""

import ast
import json
import linecache
import sys
import traceback

__all__ = ["run_cell", "run_json", "ran", "ran_json", "forget",
           "missing_message", "MissingPackageFinder", "MAX_OUTPUT", "MAX_SVG",
           "MAX_ERROR"]

MAX_OUTPUT = 200_000  # characters of stdout + stderr kept per cell run
MAX_REPR = 20_000     # characters of a final value's repr
MAX_SVG = 2_000_000   # characters of a figure (lesson_code.plot's are far smaller)
MAX_ERROR = 20_000    # characters of a traceback

_HERE = __file__.replace("\\", "/")
_pages = {}  # page -> {"globals": dict, "ran": list of cell names}

ALTERNATIVES = {
    "numpy": "lists, the math module and lesson_code's functions",
    "matplotlib": "lesson_code.plot (line plots and trajectories as SVG)",
    "pandas": "lists and dicts",
    "scipy": "lesson_code's runner and theory functions",
}


def missing_message(name):
    """Words for a reader whose cell imports a package that is not here."""
    instead = ALTERNATIVES.get(name)
    here = f" Here, use {instead} instead." if instead else ""
    return (
        f"No module named '{name}' in this page's Python. The page runs "
        "Python in your browser with the standard library and lesson_code "
        f"only.{here} To use {name}, run the lesson as a notebook on your "
        "computer: download the lesson's notebook (or clone the course), "
        f"`pip install notebook {name}` and the course's lesson_code "
        "(`pip install -e .` in the clone), then `jupyter notebook`.")


class MissingPackageFinder:
    """Last on sys.meta_path: a top-level module no other finder found."""

    @staticmethod
    def find_spec(fullname, path=None, target=None):
        if path is None and "." not in fullname:
            raise ModuleNotFoundError(missing_message(fullname),
                                      name=fullname)
        return None

    @staticmethod
    def invalidate_caches():
        pass


class _Stream:
    """A text stream that hands every write to the page at once."""

    encoding = "utf-8"
    errors = "strict"

    def __init__(self, name, output):
        self.name, self._output = name, output

    def write(self, text):
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not "
                            f"{type(text).__name__}")
        self._output(self.name, text)
        return len(text)

    def writelines(self, lines):
        for line in lines:
            self.write(line)

    def flush(self):
        pass

    def isatty(self):
        return False

    def writable(self):
        return True


class _NoInput:
    """stdin: a cell cannot ask the reader for input."""

    def readline(self, *args):
        raise RuntimeError("input() is not available in the page: put the "
                           "value in the code instead.")

    read = readline


def _output_to(write):
    """write(stream, text), capped at MAX_OUTPUT characters per run.

    The first character past the cap, whenever it comes (within a write, or in a
    write after one that ended exactly on the cap), is replaced by a line that
    says where the output was cut; every later character is dropped."""
    used = [0]
    cut = [False]
    last = [""]  # the last character written: the note starts on a line of its own

    def output(stream, text):
        if cut[0] or not text:
            return
        room = MAX_OUTPUT - used[0]
        if len(text) <= room:
            used[0] += len(text)
            last[0] = text[-1]
            write(stream, text)
            return
        kept = text[:room]
        used[0] = MAX_OUTPUT
        cut[0] = True
        if kept:
            last[0] = kept[-1]
        newline = "" if last[0] in ("", "\n") else "\n"
        write(stream, f"{kept}{newline}[output cut after {MAX_OUTPUT:,} "
                      "characters]\n")
    return output


def _compile(source, filename):
    """Code objects for the statements and, if any, the final expression."""
    tree = ast.parse(source, filename, "exec")
    last = None
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        last = ast.Expression(tree.body.pop().value)
    body = compile(tree, filename, "exec")
    return body, last and compile(last, filename, "eval")


def _is_cell(filename):
    return filename.startswith("cell ")


def _trim(exc):
    """The traceback of exc with only the frames of the reader's cells."""
    tb = traceback.TracebackException.from_exception(exc)
    for link in _chain(tb):
        frames = list(link.stack)
        kept = [f for f in frames if _is_cell(f.filename)]
        link.stack = traceback.StackSummary.from_list(kept)
        last = frames[-1] if frames else None
        path = last.filename.replace("\\", "/") if last else ""
        if kept and "/lesson_code/" in path and path != _HERE:
            # The lesson_code line that refused the reader's input.
            short = "lesson_code/" + path.rsplit("/", 1)[-1]
            link.stack.append(traceback.FrameSummary(
                short, last.lineno, last.name, line=last.line))
    return "".join(tb.format())


def _chain(tb):
    seen = []
    while tb is not None and tb not in seen:
        seen.append(tb)
        tb = tb.__cause__ or (None if tb.__suppress_context__
                              else tb.__context__)
    return seen


def _cut(text, limit):
    if len(text) <= limit:
        return text
    return text[:limit] + f"… [{len(text):,} characters in all]"


def _show(value):
    """(repr, svg, alt, note) of a final expression's value."""
    svg = getattr(value, "_repr_svg_", None)
    if callable(svg):
        svg = str(svg())
        if len(svg) > MAX_SVG:
            return None, None, None, (
                f"The figure is too large to show: its SVG has {len(svg):,} "
                f"characters, and the page shows figures of up to "
                f"{MAX_SVG:,}. Draw fewer points (a shorter run, or every "
                "n-th step).")
        alt = getattr(value, "describe", None)
        return None, svg, alt() if callable(alt) else "A figure", None
    return _cut(repr(value), MAX_REPR), None, None, None


def run_cell(source, page="page", cell="cell 1", write=None):
    """Run source in page's namespace; reply {ok, value, svg, alt, error}.

    cell names the code in tracebacks ("cell 2", line 3); it must start
    with "cell ". write(stream, text) receives stdout and stderr as they
    are produced (default: the real sys.stdout / sys.stderr).
    """
    if not _is_cell(cell):
        raise ValueError(f"a cell's name starts with 'cell ', got {cell!r}")
    state = _pages.setdefault(page, {"globals": {"__name__": "__main__"},
                                     "ran": []})
    real = {"stdout": sys.stdout, "stderr": sys.stderr}
    output = _output_to(write or (lambda stream, text:
                                  real[stream].write(text)))
    lines = source.splitlines(keepends=True)
    linecache.cache[cell] = (len(source), None, lines, cell)
    reply = {"ok": True, "value": None, "svg": None, "alt": None,
             "error": None, "note": None}
    saved = sys.stdout, sys.stderr, sys.stdin
    finder = MissingPackageFinder()
    sys.stdout, sys.stderr = _Stream("stdout", output), _Stream("stderr",
                                                                 output)
    sys.stdin = _NoInput()
    sys.meta_path.append(finder)
    try:
        body, last = _compile(source, cell)
        exec(body, state["globals"])
        if last is not None:
            value = eval(last, state["globals"])
            if value is not None:
                (reply["value"], reply["svg"], reply["alt"],
                 reply["note"]) = _show(value)
    except BaseException as exc:  # the reader's error, SystemExit too
        reply.update(ok=False, error=_cut(_trim(exc), MAX_ERROR))
    finally:
        sys.stdout, sys.stderr, sys.stdin = saved
        sys.meta_path.remove(finder)
    if reply["ok"]:
        if cell in state["ran"]:
            state["ran"].remove(cell)
        state["ran"].append(cell)
    return reply


def ran(page):
    """Names of the cells of page that have run to the end, in that order."""
    return list(_pages.get(page, {"ran": []})["ran"])


def ran_json(page):
    """`ran(page)` as JSON, for the worker."""
    return json.dumps(ran(page))


def forget(page):
    """Drop page's namespace (its cells start again from nothing)."""
    _pages.pop(page, None)


def run_json(request_json, write=None):
    """The worker's entry: {"page", "cell", "source"} -> JSON reply.

    The reply adds "ran", the page's cells that have run (see `ran`).
    """
    request = json.loads(request_json)
    reply = run_cell(request["source"], request.get("page", "page"),
                     request.get("cell", "cell 1"), write)
    reply["ran"] = ran(request.get("page", "page"))
    return json.dumps(reply)
