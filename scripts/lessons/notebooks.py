"""A lesson page as a Jupyter notebook: Markdown cells for the prose, code
cells for its python fences and its widgets' races, and a first code cell
that defines the page's names."""

import inspect
import posixpath
import re

import yaml

from .numbers import (NAMES, crosses, first_to_converge, format_value, nearest,
                      substitute)
from .syntax import FENCE, LessonError
from .widgets import (NAVIGATOR_STATE_KEYS, exercise, page_navigators, predict,
                      race_request)


# Helpers a page's expressions may use besides lesson_code; the notebook gets their source.
HELPERS = (first_to_converge, crosses, nearest)


def _code_cell(source):
    return {"cell_type": "code", "execution_count": None, "metadata": {},
            "outputs": [], "source": source.strip("\n")}


def _md_cell(source):
    return {"cell_type": "markdown", "metadata": {},
            "source": source.strip("\n")}


def _notebook_prose(text, site_url, where="index.md"):
    """Page Markdown made Jupyter-friendly: images become a note (the
    figures live on the site), links to other pages point at the site (page
    `where` links relative to itself), admonitions become quotes."""
    text = re.sub(r"!\[([^\]]*)\]\([^)]*\)(\{[^}]*\})?",
                  lambda m: f"*[Figure on the lesson page: {m[1]}]*", text)
    base = posixpath.dirname(where)

    def page_url(m):
        target = posixpath.normpath(posixpath.join(base, m[1]))
        target = "" if target == "index" else target.removesuffix("/index") + "/"
        return f"]({site_url}{target}{m[2] or ''})"

    text = re.sub(r"\]\(([^):#]+)\.md(#[^)]*)?\)", page_url, text)
    text = re.sub(r"\{\s*[.#][^}\n]*\}", "", text)
    lines, out, quote = text.split("\n"), [], False
    for line in lines:
        m = re.match(r'^(!!!|\?\?\?\+?)\s*(\w+)(?:\s+"([^"]*)")?\s*$', line)
        if m:
            out.append(f"> **{m[3] or m[2].capitalize()}**")
            quote = True
        elif quote and (line.startswith("    ") or not line.strip()):
            out.append(("> " + line[4:]).rstrip())
        else:
            quote = False
            out.append(line)
    return "\n".join(out)


def _race_code(req, comment):
    """Python for the race args req (a race_request)."""
    opts = ",\n    ".join(
        "make_optimizer(" + ", ".join([repr(o["name"])] + [
            f"{k}={v!r}" for k, v in o.items() if k != "name"]) + ")"
        for o in req["optimizers"])
    start = tuple(req["start"]) if req["start"] else None
    # the race's gradient noise (with its seed) and schedule, when it has them
    extra = ""
    if req.get("noise"):
        extra += f", noise={req['noise']!r}, seed={req.get('seed', 0)!r}"
    if req.get("schedule") not in (None, "constant"):
        extra += f",\n            schedule={req['schedule']!r}"
    return (f"# {comment}\n"
            "from lesson_code import get_landscape, make_optimizer, race\n\n"
            f"runs = race([\n    {opts},\n], get_landscape("
            f"{req['landscape']!r}),\n            start={start!r}, "
            f"num_steps={req['num_steps']}{extra})\n"
            "for run in runs:\n    print(f\"{run.label}: {run.message}\")")


def setup_source(names):
    """Python that defines a page's names (NAMES, then its `define:` entries,
    name -> expression or value) as the hook does, for its notebook."""
    lines = ["# The names this lesson's numbers and exercises are computed "
             "with.", "import math", "from math import sqrt", "",
             "from lesson_code import *", ""]
    # the build's helpers (first_to_converge, crosses, nearest), as the hook has them
    for helper in HELPERS:
        lines += [inspect.getsource(helper).rstrip(), ""]
    for name, expr in {**NAMES, **names}.items():
        lines.append(f"{name} = {expr if isinstance(expr, str) else repr(expr)}")
    return "\n".join(lines)


def notebook(text, ns, title, site_url="", where="?", line_offset=0,
             names=None):
    """An nbformat-4 notebook (a dict) from a lesson page's Markdown; names
    (the page's `define:` entries) become its first code cell, so its
    exercise checks can use them."""
    text = substitute(text, ns, where, line_offset)
    navigators = page_navigators(text)
    cells, pos = [_md_cell(
        f"*This notebook is generated from the Ravine lesson “{title}”"
        f"{f' ({site_url})' if site_url else ''}. Run the cells from top to "
        "bottom; they need the `lesson_code` package from the Ravine "
        "repository.*"), _code_cell(setup_source(names or {}))], 0
    prose = []

    def flush():
        chunk = _notebook_prose("".join(prose), site_url, where).strip()
        if chunk:
            cells.append(_md_cell(chunk))
        prose.clear()

    for m in FENCE.finditer(text):
        prose.append(text[pos:m.start()])
        pos = m.end()
        lang, body = m["lang"], m["body"]
        line = text.count("\n", 0, m.start()) + 1 + line_offset
        if lang in ("python", "py"):
            flush()
            cells.append(_code_cell(body))
        elif lang == "exercise" and "choices" in exercise(body, ns, where,
                                                          line):
            ex = exercise(body, ns, where, line)
            options = "\n".join(f"{k}. {c}" for k, c in
                                 enumerate(ex["choices"], start=1))
            prose.append(
                f"**Exercise: {ex['title']}.** {ex['question'].strip()}\n\n"
                f"{options}\n\n"
                + (f"*Hint:* {ex['hint'].strip()}\n\n" if ex["hint"] else "")
                + "Type the number of your choice in the next cell and run it.\n")
            flush()
            cells.append(_code_cell(
                "your_choice = None  # replace None with 1, 2, ...\n\n"
                f"from lesson_code import *\nexpected = {ex['answer_expr']} + 1\n"
                "if your_choice is None:\n"
                "    print(\"Type your choice above, then run this cell.\")\n"
                "elif your_choice == expected:\n"
                "    print(\"Right.\")\n"
                "else:\n    print(\"Not yet: try again.\")"))
        elif lang == "exercise":
            ex = exercise(body, ns, where, line)
            unit = f" ({ex['unit']})" if ex["unit"] else ""
            prose.append(
                f"**Exercise: {ex['title']}.** {ex['question'].strip()}\n\n"
                + (f"*Hint:* {ex['hint'].strip()}\n\n" if ex["hint"] else "")
                + f"Type your answer{unit} in the next cell and run it; "
                f"answers within ±{format_value(ex['tolerance'])} count.\n")
            flush()
            cells.append(_code_cell(
                "your_answer = None  # replace None with your number\n\n"
                f"from lesson_code import *\nexpected = {ex['answer_expr']}\n"
                "if your_answer is None:\n"
                "    print(\"Type your answer above, then run this cell.\")\n"
                f"elif abs(your_answer - expected) <= {ex['tolerance']!r}:\n"
                "    print(f\"Right: the exact value is {expected:.6g}.\")\n"
                "else:\n    print(\"Not yet: try again.\")"))
        elif lang == "predict":
            p = predict(body, ns, where, line, navigators)
            choices = "\n".join(f"- {c}" for c in p["choices"])
            prose.append(f"**Predict:** {p['question'].strip()}\n\n"
                         f"{choices}\n\nCommit to an answer, then run the "
                         "race in the next cell.\n")
            flush()
            cells.append(_code_cell(_race_code(p["request"], p["question"])))
        elif lang == "navigator":
            nav = yaml.safe_load(body)
            flush()
            setup = {k: nav[k] for k in NAVIGATOR_STATE_KEYS if k in nav}
            cells.append(_md_cell(
                "*On the lesson page an interactive navigator races the "
                "optimizers here; this cell runs its opening race.*"))
            try:
                request = race_request(setup)
            except ValueError as error:  # a value that is wrong only after {{ }}
                raise LessonError(where, line, f"navigator fence: {error}") from None
            cells.append(_code_cell(_race_code(request, nav.get(
                "caption", "The navigator's race"))))
        elif lang == "ratemap":
            # the static figure under the fence stays in the prose
            prose.append("*On the lesson page this map is interactive: reading a "
                         "point shows its rate, choosing one races it in the "
                         "navigator. `lesson_code.rate_map` computes the same "
                         "numbers.*\n")
        else:
            prose.append(m.group(0))
    prose.append(text[pos:])
    flush()
    return {"cells": cells, "metadata": {
        "kernelspec": {"display_name": "Python 3", "language": "python",
                       "name": "python3"},
        "language_info": {"name": "python"}},
        "nbformat": 4, "nbformat_minor": 5}


def _with_ids(nb, stem):
    for k, cell in enumerate(nb["cells"]):
        cell["id"] = f"{stem}-{k}"
    return nb


def with_notebook_link(text, name):
    """text with a relative download link to the notebook name under its
    title."""
    link = (f'[Download this lesson as a Jupyter notebook]({name})'
            f'{{ .ravine-notebook download="{name}" }}')
    return re.sub(r"^(# .*\n)", lambda m: f"{m[1]}\n{link}\n", text,
                  count=1, flags=re.M)
