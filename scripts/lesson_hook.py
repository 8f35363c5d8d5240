"""MkDocs hook for lesson pages: build-time numbers, exercises, predictions and
notebooks. Listed under `hooks:` in mkdocs.yml; its place in that list does
not matter (it leaves other hooks' fences alone, except for numbers in
navigator fences). Tested by tests/test_lesson_hook.py.

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

import ast
import html
import json
import math
import pathlib
import posixpath
import re

import markdown as markdown_lib
import yaml
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File
from mkdocs.utils.meta import get_data

ROOT = pathlib.Path(__file__).resolve().parent.parent

# name -> expression, evaluated for every page before its `define:` names.
NAMES = {
    "ravine": "narrow_ravine()",
    "lam_min": "ravine.eigenvalues[0]",
    "lam_max": "ravine.eigenvalues[1]",
    "kappa": "condition_number(lam_min, lam_max)",
}

FENCE = re.compile(
    r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*\{?[ \t]*\.?"
    r"(?P<lang>[\w-]*)(?P<options>[^\n]*)\n"
    r"(?P<body>.*?)^(?P=indent)(?P=fence)[ \t]*$", re.M | re.S)
NUMBER = re.compile(r"\{\{(?P<expr>.+?)\}\}")
INLINE_CODE = re.compile(r"(`+)(?:.+?)\1", re.S)
SPEC = re.compile(r"[ <>=^+\-#0-9,_.a-zA-Z%]*")
WIDGET_FENCES = {"exercise", "predict", "navigator"}
SLOT = "RAVINE-LESSON-SLOT-{}-END"


class LessonError(ValueError):
    """A lesson-syntax error, located at a line of a page."""

    def __init__(self, where, line, message):
        super().__init__(f"{where}:{line}: {message}")


# ---------------------------------------------------------------- numbers

def first_to_converge(runs):
    """Index of the run that converged at the earliest step (a race's
    winner), or None when none converged."""
    done = [(t.step, i) for i, t in enumerate(runs) if t.status == "converged"]
    return min(done)[1] if done else None


def crosses(run, axis=0, value=0.0):
    """True when the run's coordinate `axis` passes `value` (an overshoot of
    the minimum along that axis, starting from its other side)."""
    side = run.points[0][axis] - value
    return any((p[axis] - value) * side < 0 for p in run.points[1:])


def nearest(value, options):
    """Index of the option closest to value on a log scale."""
    return min(range(len(options)),
               key=lambda i: abs(math.log(options[i] / value)))


def defines(meta, where, page_path=None):
    """The page's `define:` entries, after those of the pages its
    `define_from:` names (paths relative to the page), so a setting stated on
    one lesson page can be reused by another without being copied."""
    meta = meta or {}
    entries = {}
    for other in meta.get("define_from") or []:
        path = pathlib.Path(page_path or ".").parent / other
        if page_path is None or not path.is_file():
            raise LessonError(where, 1, f"define_from: {other} is not a page "
                                        "beside this one")
        other_meta = get_data(path.read_text(encoding="utf-8"))[1]
        entries.update(defines({"define": other_meta.get("define")}, other))
    define = meta.get("define") or {}
    if not isinstance(define, dict):
        raise LessonError(where, 1, "`define:` must map names to expressions")
    return {**entries, **define}


def namespace(meta=None, where="?", page_path=None):
    """The names `{{ … }}` expressions see on a page with front matter meta
    (page_path: the page's source file, for `define_from:`)."""
    ns = {"__builtins__": __builtins__}
    exec("from lesson_code import *\nimport math\nfrom math import sqrt",
         ns)
    ns.update(first_to_converge=first_to_converge, crosses=crosses,
              nearest=nearest)
    for name, expr in NAMES.items():
        ns[name] = eval(expr, ns)
    for name, expr in defines(meta, where, page_path).items():
        if not str(name).isidentifier():
            raise LessonError(where, 1, f"define: {name!r} is not a name")
        try:
            ns[name] = eval(str(expr), ns) if isinstance(expr, str) else expr
        except Exception as error:
            raise LessonError(where, 1, f"define: {name}: {expr!r} failed: "
                              f"{type(error).__name__}: {error}") from None
    return ns


def split_spec(inner):
    """`expr | spec` -> (expr, spec); a trailing part that is not a format
    spec stays in the expression (Python's own `|`)."""
    expr, bar, spec = inner.rpartition("|")
    if bar and SPEC.fullmatch(spec.strip()) and expr.strip():
        return expr.strip(), spec.strip()
    return inner.strip(), ""


def format_value(value, spec=""):
    """How a computed value reads in the prose."""
    if spec:
        return format(value, spec)
    if isinstance(value, float):
        return format(value, "g")
    return str(value)


CLAIM = re.compile(r"\s*claim:(?P<expr>.*)", re.S)


def claim_parts(tree):
    """The sub-expressions of a claim whose values explain it: the operands
    of its comparisons and boolean operators, down to names, attributes,
    subscripts and calls."""
    parts = []

    def visit(node):
        if isinstance(node, ast.BoolOp):
            for value in node.values:
                visit(value)
        elif isinstance(node, ast.Compare):
            for operand in [node.left, *node.comparators]:
                visit(operand)
        elif isinstance(node, ast.UnaryOp):
            visit(node.operand)
        elif isinstance(node, ast.BinOp):
            visit(node.left)
            visit(node.right)
        elif not isinstance(node, ast.Constant):
            parts.append(node)

    visit(tree.body)
    return parts


def check_claim(expr, ns, where="?", line=1):
    """Evaluate a claim; LessonError with the values of its parts when it
    is false."""
    expr = expr.strip()
    try:
        tree = ast.parse(expr, mode="eval")
        holds = eval(compile(tree, f"{where}:{line}", "eval"), ns)
    except Exception as error:
        raise LessonError(where, line, f"{{{{ claim: {expr} }}}} failed: "
                          f"{type(error).__name__}: {error}") from None
    if holds:
        return
    values = []
    for node in claim_parts(tree):
        text = ast.unparse(node)
        try:
            value = eval(compile(ast.Expression(node), where, "eval"), ns)
        except Exception as error:
            value = f"<{type(error).__name__}>"
        shown = repr(value)
        if len(shown) > 80:
            shown = shown[:77] + "..."
        values.append(f"{text} = {shown}")
    where_values = f", where {', '.join(values)}" if values else ""
    raise LessonError(where, line, f"claim failed: {expr}{where_values}")


def is_claim(inner):
    return CLAIM.match(inner) is not None


def evaluate(inner, ns, where="?", line=1):
    """The text that replaces one `{{ inner }}` ("" for a claim, checked)."""
    claim = CLAIM.match(inner)
    if claim:
        check_claim(claim["expr"], ns, where, line)
        return ""
    expr, spec = split_spec(inner)
    try:
        value = eval(compile(expr, f"{where}:{line}", "eval"), ns)
        return format_value(value, spec)
    except Exception as error:
        raise LessonError(where, line, f"{{{{ {inner.strip()} }}}} failed: "
                          f"{type(error).__name__}: {error}") from None


def expressions(text, claims=False):
    """(line, inner text) of every `{{ … }}` number that substitute()
    replaces (claims=True: of every claim instead)."""
    found = []
    for start, chunk in _prose_chunks(text):
        for m in NUMBER.finditer(chunk):
            if is_claim(m["expr"]) == claims:
                found.append((text.count("\n", 0, start + m.start()) + 1,
                              m["expr"]))
    return found


def _prose_chunks(text):
    """(offset, text) of the parts where numbers are substituted: outside
    code fences (widget fences count as prose) and inline code spans."""
    chunks, pos = [], 0
    for m in FENCE.finditer(text):
        chunks.append((pos, text[pos:m.start()]))
        if m["lang"] in WIDGET_FENCES:
            chunks.append((m.start("body"), m["body"]))
        pos = m.end()
    chunks.append((pos, text[pos:]))
    out = []
    for start, chunk in chunks:
        p = 0
        for code in INLINE_CODE.finditer(chunk):
            out.append((start + p, chunk[p:code.start()]))
            p = code.end()
        out.append((start + p, chunk[p:]))
    return out


def substitute(text, ns, where="?", line_offset=0):
    """text with every `{{ … }}` in its prose replaced by its value."""
    pieces, pos = [], 0
    for start, chunk in _prose_chunks(text):
        pieces.append(text[pos:start])
        out, p = [], 0
        for m in NUMBER.finditer(chunk):
            line = text.count("\n", 0, start + m.start()) + 1 + line_offset
            out += [chunk[p:m.start()], evaluate(m["expr"], ns, where, line)]
            p = m.end()
        pieces.append("".join(out) + chunk[p:])
        pos = start + len(chunk)
    pieces.append(text[pos:])
    return "".join(pieces)


# ---------------------------------------------------------------- widgets

def _yaml(body, where, line, kind):
    try:
        spec = yaml.safe_load(body)
    except yaml.YAMLError as error:
        raise LessonError(where, line, f"{kind} fence: bad YAML: {error}")
    if not isinstance(spec, dict):
        raise LessonError(where, line, f"{kind} fence: the body must be "
                          "YAML `key: value` lines")
    return spec


def _require(spec, keys, optional, where, line, kind):
    missing = [k for k in keys if k not in spec]
    unknown = set(spec) - set(keys) - set(optional)
    if missing:
        raise LessonError(where, line, f"{kind} fence: missing "
                          f"{', '.join(missing)}")
    if unknown:
        raise LessonError(where, line, f"{kind} fence: unknown keys "
                          f"{sorted(unknown)}; known: "
                          f"{sorted(set(keys) | set(optional))}")
    if not re.fullmatch(r"[a-z][a-z0-9-]*", str(spec["id"])):
        raise LessonError(where, line, f"{kind} fence: id must be lowercase "
                          "letters, digits and dashes")


def _number(expr, ns, where, line, what):
    try:
        value = eval(str(expr), ns) if isinstance(expr, str) else expr
    except Exception as error:
        raise LessonError(where, line, f"{what}: {expr!r} failed: "
                          f"{type(error).__name__}: {error}") from None
    if isinstance(value, bool) or not isinstance(value, (int, float)) \
            or not math.isfinite(value):
        raise LessonError(where, line, f"{what}: {expr!r} gave {value!r}, "
                          "not a finite number")
    return value


EXERCISE_KEYS = ("id", "question", "answer", "tolerance", "solution")
EXERCISE_OPTIONAL = ("title", "unit", "hint", "format")
# A multiple-choice exercise has `choices:` (a list) instead of `tolerance:`,
# and its answer is the index of the right choice.
CHOICE_KEYS = ("id", "question", "choices", "answer", "solution")
CHOICE_OPTIONAL = ("title", "hint")


def exercise(body, ns, where="?", line=1):
    """A parsed ```exercise fence: the fields with answer computed."""
    spec = _yaml(body, where, line, "exercise")
    if "choices" in spec:
        return _choice_exercise(spec, ns, where, line)
    _require(spec, EXERCISE_KEYS, EXERCISE_OPTIONAL, where, line, "exercise")
    answer = float(_number(spec["answer"], ns, where, line, "answer"))
    tolerance = float(_number(spec["tolerance"], ns, where, line,
                              "tolerance"))
    if tolerance <= 0:
        raise LessonError(where, line, "tolerance must be positive")
    fmt = str(spec.get("format") or ".6g")
    text = format(answer, fmt)
    fields = {k: str(spec.get(k) or "") for k in EXERCISE_KEYS +
              EXERCISE_OPTIONAL}
    solution = re.sub(r"\{answer(?::([^}]*))?\}",
                      lambda m: format(answer, m[1] or fmt),
                      fields["solution"])
    return {**fields, "answer": answer, "answer_expr": str(spec["answer"]),
            "tolerance": tolerance, "answer_text": text,
            "solution": solution, "title": fields["title"] or "Exercise"}


def _choice_exercise(spec, ns, where, line):
    _require(spec, CHOICE_KEYS, CHOICE_OPTIONAL, where, line, "exercise")
    choices = spec["choices"]
    if not isinstance(choices, list) or len(choices) < 2:
        raise LessonError(where, line, "exercise fence: choices must be a list "
                          "of at least two answers")
    answer = _number(spec["answer"], ns, where, line, "answer")
    if answer not in range(len(choices)):
        raise LessonError(where, line, f"exercise fence: answer {answer!r} is "
                          f"not the index of one of the {len(choices)} choices")
    fields = {k: str(spec.get(k) or "") for k in CHOICE_KEYS + CHOICE_OPTIONAL}
    return {**fields, "choices": [str(c) for c in choices],
            "answer": int(answer), "answer_expr": str(spec["answer"]),
            "answer_text": str(choices[int(answer)]),
            "solution": fields["solution"].replace(
                "{answer}", str(choices[int(answer)])),
            "title": fields["title"] or "Exercise"}


def _render_choices(ex):
    """The radio group of a multiple-choice exercise."""
    i, e = ex["id"], html.escape
    radios = "".join(
        f'<label class="ravine-exercise__choice"><input type="radio" '
        f'name="{i}-choice" value="{k}"> {e(choice)}</label>'
        for k, choice in enumerate(ex["choices"]))
    return (f'<form class="ravine-exercise__form" data-form>'
            f'<fieldset class="ravine-exercise__choices"><legend>Your answer'
            f'<span class="ravine-sr-only"> to {e(ex["title"])}</span>'
            f'</legend>{radios}</fieldset> '
            f'<button type="submit" class="md-button">Check</button></form>')


def render_exercise(ex, md):
    """An exercise's HTML: the question, a number box (or a radio group for
    a multiple-choice one), the feedback line, the hint and the solution."""
    i, e = ex["id"], html.escape
    if "choices" in ex:
        data = (f'data-answer="{ex["answer"]}" data-choices="true" '
                f'data-answer-text="{e(ex["answer_text"])}"')
        return _render_exercise_shell(ex, md, data, _render_choices(ex))
    unit = f" {ex['unit']}" if ex["unit"] else ""
    tol = format_value(ex["tolerance"])
    data = (f'data-answer="{ex["answer"]!r}" data-tolerance="{tol}" '
            f'data-answer-text="{e(ex["answer_text"])}" '
            f'data-unit="{e(ex["unit"])}"')
    form = (
        f'<form class="ravine-exercise__form" data-form>'
        f'<label for="{i}-input">Your answer<span class="ravine-sr-only"> '
        f'to {e(ex["title"])}</span>{e(unit and f" ({unit.strip()})")}'
        f'</label> '
        f'<input id="{i}-input" name="answer" type="text" inputmode="decimal"'
        f' autocomplete="off" spellcheck="false" '
        f'aria-describedby="{i}-tolerance"> '
        f'<button type="submit" class="md-button">Check</button>'
        f'<p class="ravine-exercise__tolerance" id="{i}-tolerance">Answers '
        f'within ±{tol}{e(unit)} of the exact value count as right.</p>'
        f'</form>')
    return _render_exercise_shell(ex, md, data, form)


def _render_exercise_shell(ex, md, data, form):
    i, e = ex["id"], html.escape
    hint = (f'<details class="ravine-exercise__hint"><summary>Hint</summary>'
            f'{md(ex["hint"])}</details>') if ex["hint"] else ""
    return (
        f'<section class="ravine-exercise" id="{i}" data-ravine-exercise '
        f'{data} aria-labelledby="{i}-title">'
        f'<p class="ravine-exercise__title" id="{i}-title">'
        f'<span class="ravine-badge">Exercise</span> {e(ex["title"])}</p>'
        f'<div class="ravine-exercise__question" id="{i}-question">'
        f'{md(ex["question"])}</div>{form}'
        f'<p class="ravine-exercise__feedback" role="status" data-feedback>'
        f'</p>{hint}'
        f'<details class="ravine-exercise__solution" data-solution>'
        f'<summary>Worked solution</summary>{md(ex["solution"])}</details>'
        f'</section>')


PREDICT_KEYS = ("id", "navigator", "question", "choices", "answer", "setup",
                "explain")
PREDICT_OPTIONAL = ("title",)
NAVIGATOR_STATE_KEYS = ("landscape", "start", "lr", "beta", "optimizers",
                        "num_steps")


def race_request(setup, base=None):
    """The lesson_code.browser race args for a navigator:set detail sent to
    a navigator whose declared state is base (its ```navigator fence's
    fields; None: lesson_code.browser.RACE_DEFAULTS), exactly as the page
    computes them: lesson_code.browser.navigator_state and race_request,
    the one definition the navigator hook uses too."""
    from lesson_code.browser import navigator_state
    from lesson_code.browser import race_request as request
    return request(navigator_state(setup, base))


def page_navigators(text):
    """{id: declared fields} of the ```navigator fences in a page's Markdown
    (the navigator hook reports a bad fence; it is skipped here)."""
    found = {}
    for m in FENCE.finditer(text):
        if m["lang"] != "navigator":
            continue
        try:
            spec = yaml.safe_load(m["body"])
        except yaml.YAMLError:
            continue
        if isinstance(spec, dict) and "id" in spec:
            found[str(spec["id"])] = {k: spec[k] for k in NAVIGATOR_STATE_KEYS
                                      if k in spec}
    return found


def predict(body, ns, where="?", line=1, navigators=None):
    """A parsed ```predict fence: the answer and the race's expected end.
    navigators: the page's page_navigators(); the setup applies on top of
    its navigator's declared state, as on the page."""
    from lesson_code.browser import call
    spec = _yaml(body, where, line, "predict")
    _require(spec, PREDICT_KEYS, PREDICT_OPTIONAL, where, line, "predict")
    choices = spec["choices"]
    if not isinstance(choices, list) or len(choices) < 2:
        raise LessonError(where, line, "predict fence: choices must be a "
                          "list of at least two")
    answer = _number(spec["answer"], ns, where, line, "answer")
    if answer not in range(len(choices)):
        raise LessonError(where, line, f"predict fence: answer {answer!r} "
                          f"is not an index of choices (0…{len(choices)-1})")
    setup = spec["setup"]
    if not isinstance(setup, dict):
        raise LessonError(where, line, "predict fence: setup must be a "
                          "mapping (the navigator:set detail)")
    base = (navigators or {}).get(str(spec["navigator"]))
    try:
        request = race_request(setup, base)
        result = call("race", request)
    except (ValueError, KeyError, TypeError) as error:
        raise LessonError(where, line, f"predict fence: setup: {error}")
    expected = [{"label": r["label"], "name": r["name"],
                 "status": r["status"], "step": r["step"],
                 "message": r["message"]} for r in result["runs"]]
    return {"id": spec["id"], "navigator": str(spec["navigator"]),
            "question": str(spec["question"]),
            "choices": [str(c) for c in choices], "answer": int(answer),
            "setup": setup, "request": request, "expected": expected,
            "explain": str(spec["explain"]),
            "title": str(spec.get("title") or "Predict, then run")}


def render_predict(p, md):
    i, e = p["id"], html.escape
    radios = "".join(
        f'<label class="ravine-predict__choice"><input type="radio" '
        f'name="{i}-choice" value="{k}"> {md(c, inline=True)}</label>'
        for k, c in enumerate(p["choices"]))
    data = (f'data-navigator-id="{e(p["navigator"])}" '
            f'data-setup="{e(json.dumps(p["setup"]))}" '
            f'data-answer="{p["answer"]}" '
            f'data-expected="{e(json.dumps(p["expected"]))}"')
    return (
        f'<section class="ravine-predict" id="{i}" data-ravine-predict '
        f'{data} aria-labelledby="{i}-title">'
        f'<p class="ravine-predict__title" id="{i}-title">'
        f'<span class="ravine-badge">Predict</span> {e(p["title"])}</p>'
        f'<fieldset class="ravine-predict__choices"><legend>'
        f'{md(p["question"], inline=True)}</legend>{radios}</fieldset>'
        f'<p class="ravine-predict__buttons">'
        f'<button type="button" class="md-button" data-action="setup">'
        f'Set up this race</button> '
        f'<button type="button" class="md-button md-button--primary" '
        f'data-action="commit">Commit my prediction and run</button></p>'
        f'<p class="ravine-predict__feedback" role="status" data-feedback>'
        f'</p>'
        f'<details class="ravine-predict__reveal" data-reveal>'
        f'<summary>What happens</summary>{md(p["explain"])}</details>'
        f'</section>')


def markdown_renderer(config):
    """Markdown -> HTML with the site's extensions (for widget fields)."""
    engine = markdown_lib.Markdown(extensions=config.markdown_extensions,
                                   extension_configs=config.mdx_configs)

    def md(text, inline=False):
        engine.reset()
        out = engine.convert(str(text))
        if inline:
            out = re.sub(r"^<p>(.*)</p>$", r"\1", out.strip(), flags=re.S)
        return out

    return md


# ---------------------------------------------------------------- notebooks

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
    return (f"# {comment}\n"
            "from lesson_code import get_landscape, make_optimizer, race\n\n"
            f"runs = race([\n    {opts},\n], get_landscape("
            f"{req['landscape']!r}),\n            start={start!r}, "
            f"num_steps={req['num_steps']})\n"
            "for run in runs:\n    print(f\"{run.label}: {run.message}\")")


def setup_source(names):
    """Python that defines a page's names (NAMES, then its `define:` entries,
    name -> expression or value) as the hook does, for its notebook."""
    lines = ["# The names this lesson's numbers and exercises are computed "
             "with.", "import math", "from math import sqrt", "",
             "from lesson_code import *", ""]
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
            cells.append(_code_cell(_race_code(race_request(setup), nav.get(
                "caption", "The navigator's race"))))
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


# ---------------------------------------------------------------- MkDocs

_slots = {}


def _where(page):
    return page.file.src_uri


def _offset(page, markdown):
    """Lines of front matter above the Markdown MkDocs hands to hooks."""
    try:
        source = pathlib.Path(page.file.abs_src_path).read_text()
    except (TypeError, OSError):
        return 0
    if source.endswith(markdown):
        return source[:len(source) - len(markdown)].count("\n")
    return 0


def on_files(files, config):
    """Adds <page>.ipynb next to every page whose front matter asks for it."""
    site_url = config.site_url or ""
    for file in list(files.documentation_pages()):
        source = pathlib.Path(file.abs_src_path).read_text()
        body, meta = get_data(source)
        if not meta.get("notebook"):
            continue
        where = file.src_uri
        offset = source[:len(source) - len(body)].count("\n") \
            if source.endswith(body) else 0
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
    try:
        ns = namespace(page.meta, where, page.file.abs_src_path)
        text = substitute(markdown, ns, where, offset)
        navigators = page_navigators(text)
        md = None
        slots = _slots.setdefault(page.file.src_uri, {})
        slots.clear()

        def widget(m):
            nonlocal md
            if m["lang"] not in ("exercise", "predict"):
                return m.group(0)
            md = md or markdown_renderer(config)
            line = text.count("\n", 0, m.start()) + 1 + offset
            if m["lang"] == "exercise":
                html_out = render_exercise(exercise(m["body"], ns, where,
                                                    line), md)
            else:
                html_out = render_predict(predict(m["body"], ns, where,
                                                  line, navigators), md)
            key = SLOT.format(len(slots))
            slots[key] = html_out
            return f"{m['indent']}{key}"

        text = FENCE.sub(widget, text)
    except LessonError as error:
        raise PluginError(str(error)) from None
    if page.meta.get("notebook"):
        name = pathlib.PurePath(page.file.src_uri).stem + ".ipynb"
        link = (f'[Download this lesson as a Jupyter notebook]({name})'
                f'{{ .ravine-notebook download="{name}" }}')
        text = re.sub(r"^(# .*\n)", lambda m: f"{m[1]}\n{link}\n", text,
                      count=1, flags=re.M)
    return text


def on_page_content(html_text, page, config, files):
    for key, widget_html in _slots.get(page.file.src_uri, {}).items():
        html_text, n = re.subn(rf"<p>{key}</p>|{key}",
                               lambda m: widget_html, html_text, count=1)
        if not n:
            raise PluginError(f"{page.file.src_uri}: a widget's HTML was lost "
                              "(an exercise or predict fence inside "
                              "something Markdown does not render?)")
    return html_text
