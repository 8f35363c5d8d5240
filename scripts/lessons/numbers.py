"""Build-time numbers and claims: `{{ expr | spec }}` is replaced by its
value, `{{ claim: expr }}` by nothing once expr is checked true. Expressions
see `from lesson_code import *`, `math`, `sqrt`, NAMES and the page's
`define:` front matter (and `define_from:` pages')."""

import ast
import math
import pathlib
import re

from mkdocs.utils.meta import get_data

from .syntax import FENCE, LessonError

# name -> expression, evaluated for every page before its `define:` names.
NAMES = {
    "ravine": "narrow_ravine()",
    "lam_min": "ravine.eigenvalues[0]",
    "lam_max": "ravine.eigenvalues[1]",
    "kappa": "condition_number(lam_min, lam_max)",
}

NUMBER = re.compile(r"\{\{(?P<expr>.+?)\}\}")
INLINE_CODE = re.compile(r"(`+)(?:.+?)\1", re.S)
SPEC = re.compile(r"[ <>=^+\-#0-9,_.a-zA-Z%]*")
WIDGET_FENCES = {"exercise", "predict", "navigator"}


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


def _unclosed(text, offset, piece, where, line_offset):
    """LessonError for a `{{` that no `}}` closes (it would show as text)."""
    at = piece.find("{{")
    if at >= 0:
        line = text.count("\n", 0, offset + at) + 1 + line_offset
        raise LessonError(where, line, "`{{` is never closed: a number or a claim "
                          "needs its closing `}}` on the same line")


def substitute(text, ns, where="?", line_offset=0):
    """text with every `{{ … }}` in its prose replaced by its value."""
    pieces, pos = [], 0
    for start, chunk in _prose_chunks(text):
        pieces.append(text[pos:start])
        out, p = [], 0
        for m in NUMBER.finditer(chunk):
            _unclosed(text, start + p, chunk[p:m.start()], where, line_offset)
            line = text.count("\n", 0, start + m.start()) + 1 + line_offset
            out += [chunk[p:m.start()], evaluate(m["expr"], ns, where, line)]
            p = m.end()
        _unclosed(text, start + p, chunk[p:], where, line_offset)
        pieces.append("".join(out) + chunk[p:])
        pos = start + len(chunk)
    pieces.append(text[pos:])
    return "".join(pieces)
