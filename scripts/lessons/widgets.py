"""```exercise and ```predict fences: parsed, their answers computed with
the page's names, rendered as inert HTML that exercise.js and predict.js
mount on."""

import html
import json
import math
import re

import markdown as markdown_lib
import yaml

from .numbers import format_value
from .syntax import FENCE, LessonError


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


def _choices(spec, ns, where, line, kind):
    """(choices, answer) of a fence with `choices:` and an `answer:` that
    computes the index of the right one."""
    choices = spec["choices"]
    if not isinstance(choices, list) or len(choices) < 2:
        raise LessonError(where, line, f"{kind} fence: choices must be a "
                          "list of at least two")
    answer = _number(spec["answer"], ns, where, line, "answer")
    if answer not in range(len(choices)):
        raise LessonError(where, line, f"{kind} fence: answer {answer!r} "
                          f"is not an index of choices (0…{len(choices)-1})")
    return choices, int(answer)


def _choice_exercise(spec, ns, where, line):
    _require(spec, CHOICE_KEYS, CHOICE_OPTIONAL, where, line, "exercise")
    choices, answer = _choices(spec, ns, where, line, "exercise")
    fields = {k: str(spec.get(k) or "") for k in CHOICE_KEYS + CHOICE_OPTIONAL}
    return {**fields, "choices": [str(c) for c in choices],
            "answer": answer, "answer_expr": str(spec["answer"]),
            "answer_text": str(choices[answer]),
            "solution": fields["solution"].replace("{answer}",
                                                   str(choices[answer])),
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
                        "num_steps", "noise", "seed", "schedule")


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
    choices, answer = _choices(spec, ns, where, line, "predict")
    setup = spec["setup"]
    if not isinstance(setup, dict):
        raise LessonError(where, line, "predict fence: setup must be a "
                          "mapping (the navigator:set detail)")
    if navigators is not None and str(spec["navigator"]) not in navigators:
        known = ", ".join(sorted(navigators)) or "none"
        raise LessonError(where, line, f"predict fence: no navigator "
                          f"{spec['navigator']!r} on this page (its navigators: "
                          f"{known})")
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


def render_widgets(text, ns, where, offset, config, put):
    """text with each exercise and predict fence replaced by put(its HTML),
    a placeholder the hook swaps back after Markdown has run (the widgets'
    fields are Markdown of their own, rendered here with the site's
    extensions)."""
    navigators = page_navigators(text)
    md = None

    def widget(m):
        nonlocal md
        if m["lang"] not in ("exercise", "predict"):
            return m.group(0)
        md = md or markdown_renderer(config)
        line = text.count("\n", 0, m.start()) + 1 + offset
        if m["lang"] == "exercise":
            html_out = render_exercise(exercise(m["body"], ns, where, line), md)
        else:
            html_out = render_predict(predict(m["body"], ns, where, line,
                                              navigators), md)
        return f"{m['indent']}{put(html_out)}"

    return FENCE.sub(widget, text)
