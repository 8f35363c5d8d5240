"""The lesson hook (scripts/lesson_hook.py), piece by piece: build-time numbers, the
exercise and predict fences, the notebook, and the errors a course author sees."""

import json
import math
import os
import sys
import textwrap

import nbformat
import pytest
from mkdocs_build import mkdocs_build
from nbclient import NotebookClient
from paths import ROOT

from lesson_code import (effective_window, get_landscape, momentum, narrow_ravine, race, run,
                         sgd, velocity_after)
from scripts import lesson_hook as hook


@pytest.fixture
def ns():
    return hook.namespace({"define": {"lr": 0.18, "double": "2 * lr"}}, "page.md")


# ---------------------------------------------------------------- numbers

def test_a_number_is_computed_and_formatted(ns):
    text = "Window: {{ effective_window(0.9) | .0f }} steps; $\\eta = {{ lr }}$."
    assert hook.substitute(text, ns) == "Window: 10 steps; $\\eta = 0.18$."


def test_defaults_format_floats_compactly_and_define_sees_earlier_names(ns):
    assert hook.substitute("{{ double }} {{ 1/3 }} {{ 7 }}", ns) == "0.36 0.333333 7"


def test_the_standard_names_are_the_lessons_ravine(ns):
    assert (ns["lam_min"], ns["lam_max"], ns["kappa"]) == (0.1, 10.0, 100.0)
    assert ns["ravine"].name == "ravine"


def test_percent_and_python_bar_operator(ns):
    assert hook.substitute("{{ 0.651 | .0% }}", ns) == "65%"
    # the last `| spec` is a format; Python's own `|` needs parentheses
    assert hook.substitute("{{ (6 | 1) }} {{ 6 | 3 }}", ns) == "7   6"


def test_code_is_left_alone_but_widget_fences_are_substituted(ns):
    text = textwrap.dedent("""\
        `{{ lr }}` and {{ lr }}

        ```python
        print(f"{{lr}}")
        ```

        ```exercise
        question: At {{ lr }}?
        ```
        """)
    out = hook.substitute(text, ns)
    assert "`{{ lr }}` and 0.18" in out
    assert 'print(f"{{lr}}")' in out
    assert "question: At 0.18?" in out


def test_expressions_lists_what_substitute_replaces_with_lines(ns):
    text = "a {{ lr }}\n`{{ no }}`\n\nb {{ kappa | .0f }}\n"
    assert hook.expressions(text) == [(1, " lr "), (4, " kappa | .0f ")]


def test_a_bad_expression_names_the_page_and_line(ns):
    with pytest.raises(hook.LessonError, match=r"docs/x\.md:13: .*no_such_name"):
        hook.substitute("ok {{ lr }}\n\nbad {{ no_such_name + 1 }}", ns,
                        "docs/x.md", line_offset=10)


def test_a_bad_define_fails_too():
    with pytest.raises(hook.LessonError, match="define: lr"):
        hook.namespace({"define": {"lr": "1 / 0"}}, "page.md")


def test_a_bad_expression_fails_the_mkdocs_build(tmp_path):
    """End to end: mkdocs build stops with the page and line of the expression."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# Page\n\nFine: {{ lr_typo }}\n")
    config = tmp_path / "mkdocs.yml"
    config.write_text(f"site_name: t\ndocs_dir: {docs}\nsite_dir: {tmp_path / 'site'}\n"
                      f"hooks:\n  - {ROOT / 'scripts' / 'lesson_hook.py'}\n")
    result = mkdocs_build(config, strict=False)
    assert result.returncode != 0
    assert "index.md:3" in result.stderr and "lr_typo" in result.stderr


# ---------------------------------------------------------------- claims

CLAIM_DEFINES = {"define": {"gd": "run(sgd(0.18), ravine, (-8.0, 2.0), 1000)",
                            "mom": "run(momentum(0.18, 0.9), ravine, (-8.0, 2.0), 1000)"}}


def test_an_unclosed_number_fails_with_its_line():
    ns = hook.namespace({})
    with pytest.raises(hook.LessonError, match=r"page.md:3: `\{\{` is never closed"):
        hook.substitute("One {{ kappa }}.\n\nTwo {{ kappa\n}}.", ns, "page.md")


def test_a_navigator_value_wrong_after_substitution_fails_a_notebook_page_in_one_line(ns):
    page = ("# L\n\n```navigator\nid: n\nlandscape: {{ 'nope' }}\n"
            "optimizers: [sgd]\n```\n")
    with pytest.raises(hook.LessonError, match=r"p.md:3: navigator fence: .*nope"):
        hook.notebook(page, ns, "L", "", "p.md")


def test_a_predict_fence_naming_a_navigator_the_page_lacks_fails(ns):
    body = PREDICT.replace("navigator: walkthrough", "navigator: elsewhere")
    assert body != PREDICT
    with pytest.raises(hook.LessonError, match=r"p.md:7: predict fence: no navigator "
                                                r"'elsewhere' on this page \(its navigators: "
                                                r"walkthrough\)"):
        hook.predict(body, ns, "p.md", 7, {"walkthrough": {"landscape": "ravine"}})


def test_a_true_claim_renders_nothing():
    ns = hook.namespace(CLAIM_DEFINES)
    text = "Momentum arrives first{{ claim: mom.step < gd.step }}."
    assert hook.substitute(text, ns) == "Momentum arrives first."
    assert hook.expressions(text) == []
    assert hook.expressions(text, claims=True) == [(1, " claim: mom.step < gd.step ")]


def test_a_false_claim_names_its_line_and_the_values_involved():
    ns = hook.namespace(CLAIM_DEFINES)
    text = "One.\nGD wins{{ claim: gd.step < mom.step and gd.status == 'converged' }}."
    with pytest.raises(hook.LessonError) as error:
        hook.substitute(text, ns, "page.md", line_offset=4)
    # the values from lesson_code itself, not from the hook's namespace
    gd = run(sgd(0.18), narrow_ravine(), (-8.0, 2.0), 1000)
    mom = run(momentum(0.18, 0.9), narrow_ravine(), (-8.0, 2.0), 1000)
    assert str(error.value) == (
        f"page.md:6: claim failed: gd.step < mom.step and gd.status == 'converged', "
        f"where gd.step = {gd.step}, mom.step = {mom.step}, "
        f"gd.status = 'converged'")


def test_a_false_claim_fails_the_strict_mkdocs_build(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text(
        "---\ndefine:\n  lr: 0.18\n  gd: run(sgd(lr), ravine, num_steps=1000)\n---\n"
        "# Page\n\nGradient descent arrives within a hundred steps"
        "{{ claim: gd.step <= 100 }}.\n")
    config = tmp_path / "mkdocs.yml"
    config.write_text(f"site_name: t\ndocs_dir: {docs}\nsite_dir: {tmp_path / 'site'}\n"
                      f"hooks:\n  - {ROOT / 'scripts' / 'lesson_hook.py'}\n")
    result = mkdocs_build(config)
    assert result.returncode != 0
    gd = run(sgd(0.18), narrow_ravine(), num_steps=1000)  # lesson_code itself, not the hook
    assert gd.step > 100
    assert (f"index.md:8: claim failed: gd.step <= 100, where gd.step = "
            f"{gd.step}") in result.stderr


# ---------------------------------------------------------------- exercise

EXERCISE = textwrap.dedent("""\
    id: ema-window
    title: EMA by hand
    question: For $\\beta = 0.95$, what is the window?
    answer: effective_window(0.95)
    tolerance: 0.5
    unit: readings
    hint: It is $1/(1-\\beta)$.
    solution: |
      $1/0.05 = {answer}$; to one decimal {answer:.1f}.
    """)


def test_the_exercise_answer_is_computed_by_lesson_code(ns):
    ex = hook.exercise(EXERCISE, ns)
    assert ex["answer"] == effective_window(0.95)
    assert ex["tolerance"] == 0.5
    assert "$1/0.05 = 20$; to one decimal 20.0." in ex["solution"]


def test_the_exercise_renders_inert_accessible_html(ns):
    html = hook.render_exercise(hook.exercise(EXERCISE, ns), lambda t, inline=False: t)
    assert 'data-ravine-exercise' in html and f'data-answer="{effective_window(0.95)!r}"' in html
    assert '<label for="ema-window-input">' in html and 'id="ema-window-input"' in html
    assert 'role="status"' in html
    assert "<summary>Hint</summary>" in html and "<summary>Worked solution</summary>" in html
    assert "within ±0.5 readings" in html
    assert 'aria-labelledby="ema-window-title"' in html


@pytest.mark.parametrize("body, message", [
    (EXERCISE.replace("answer: effective_window(0.95)", "answer: effective_windw(0.95)"),
     "effective_windw"),
    (EXERCISE.replace("tolerance: 0.5\n", ""), "missing tolerance"),
    (EXERCISE.replace("tolerance: 0.5", "tolerance: -1"), "tolerance must be positive"),
    (EXERCISE + "colour: red\n", "unknown keys"),
    (EXERCISE.replace("answer: effective_window(0.95)", "answer: float('nan')"),
     "not a finite number"),
    ("- just a list", "YAML"),
])
def test_a_bad_exercise_is_a_located_error(ns, body, message):
    with pytest.raises(hook.LessonError, match=message):
        hook.exercise(body, ns, "page.md", 7)


# ---------------------------------------------------------------- predict

PREDICT = textwrap.dedent("""\
    id: which-first
    navigator: walkthrough
    question: Which arrives first?
    choices: [GD, Momentum]
    answer: first_to_converge(race([sgd(0.18), momentum(0.18, 0.9)], ravine, (-8, 2), 1000))
    setup: {optimizers: [sgd, momentum], lr: 0.18, beta: 0.9, start: [-8, 2], num_steps: 1000}
    explain: Momentum.
    """)


def test_predict_embeds_the_answer_and_the_expected_race(ns):
    p = hook.predict(PREDICT, ns)
    runs = race([sgd(0.18), momentum(0.18, 0.9)], get_landscape("ravine"), (-8, 2), 1000)
    assert p["answer"] == (0 if runs[0].step < runs[1].step else 1) == 1
    assert [(e["status"], e["step"]) for e in p["expected"]] == \
        [(t.status, t.step) for t in runs]
    html = hook.render_predict(p, lambda t, inline=False: t)
    assert 'data-navigator-id="walkthrough"' in html and "data-navigator=" not in html
    assert html.count('type="radio"') == 2 and 'role="status"' in html


def test_predict_runs_may_carry_their_own_beta():
    req = hook.race_request({"runs": [{"name": "momentum", "beta": 0.5},
                                      {"name": "momentum", "beta": 0.99}], "lr": 0.18})
    assert [o["beta"] for o in req["optimizers"]] == [0.5, 0.99]
    assert all(o["lr"] == 0.18 for o in req["optimizers"])


SPARSE_PAGE = textwrap.dedent("""\
    ```navigator
    id: walkthrough
    start: [-8, 2]
    lr: 0.18
    beta: 0.5
    optimizers: [sgd, momentum]
    num_steps: 1000
    ```

    ```predict
    id: sparse
    navigator: walkthrough
    question: Which arrives first?
    choices: [GD, Momentum]
    answer: 1
    setup: {optimizers: [momentum, sgd]}
    explain: Momentum.
    ```
    """)


def test_a_predict_setup_that_omits_fields_races_its_navigators_declared_state(ns):
    """On the page the navigator applies the setup on top of its declared state, so the
    build-time race must too: η 0.18, β 0.5 and 1000 steps from the fence, not defaults."""
    navigators = hook.page_navigators(SPARSE_PAGE)
    assert navigators == {"walkthrough": {"start": [-8, 2], "lr": 0.18, "beta": 0.5,
                                          "optimizers": ["sgd", "momentum"],
                                          "num_steps": 1000}}
    body = next(m for m in hook.FENCE.finditer(SPARSE_PAGE) if m["lang"] == "predict")["body"]
    p = hook.predict(body, ns, navigators=navigators)
    assert p["request"] == {"landscape": "ravine", "start": [-8.0, 2.0], "num_steps": 1000,
                            "optimizers": [{"name": "sgd", "lr": 0.18},
                                           {"name": "momentum", "lr": 0.18, "beta": 0.5}]}
    runs = race([sgd(0.18), momentum(0.18, 0.5)], get_landscape("ravine"), (-8, 2), 1000)
    assert [(e["status"], e["step"]) for e in p["expected"]] == \
        [(t.status, t.step) for t in runs]
    # the navigator hook's own race for a fence is the same function's
    sys.path.insert(0, str(ROOT / "scripts"))
    import navigator_hook
    fence = next(m for m in hook.FENCE.finditer(SPARSE_PAGE) if m["lang"] == "navigator")
    import yaml
    declared = navigator_hook.check({"id": "walkthrough", **yaml.safe_load(fence["body"])})
    assert navigator_hook.race_args(declared) == hook.race_request({}, navigators["walkthrough"])


def test_race_defaults_are_one_definition_shared_by_both_hooks():
    from lesson_code.browser import RACE_DEFAULTS
    sys.path.insert(0, str(ROOT / "scripts"))
    import navigator_hook
    declared = navigator_hook.check({"id": "bare"})
    for key in ("landscape", "lr", "beta", "num_steps", "optimizers"):
        assert declared[key] == RACE_DEFAULTS[key]
    assert declared["start"] == list(get_landscape("ravine").start)
    assert hook.race_request({}) == navigator_hook.race_args(declared)
    assert not hasattr(hook, "WITH_BETA") and not hasattr(navigator_hook, "WITH_BETA")


def test_predict_answer_must_index_a_choice(ns):
    with pytest.raises(hook.LessonError, match="not an index"):
        hook.predict(PREDICT.replace("answer: first", "answer: 5 + 0 * first"), ns)


def test_helpers():
    traj = race([momentum(0.18, 0.99)], get_landscape("ravine"), (-8, 2), 1000)[0]
    assert hook.crosses(traj, axis=0) is True
    assert hook.crosses(race([sgd(0.18)], get_landscape("ravine"), (-8, 2), 1000)[0]) is False
    assert hook.nearest(413, [40, 400, 4000]) == 1
    assert hook.first_to_converge([]) is None


# ---------------------------------------------------------------- notebook

PAGE = textwrap.dedent("""\
    # A lesson

    The window is {{ effective_window(0.9) | .0f }}; see ![a plot](../figures/x.svg).

    !!! note "Careful"
        Indented admonition text.

    ```python
    from lesson_code import velocity_after
    v = velocity_after([1.0, 1.0], 0.9)
    ```

    ```exercise
    """) + textwrap.indent(EXERCISE, "") + textwrap.dedent("""\
    ```

    ```navigator
    id: walkthrough
    landscape: ravine
    start: [-8, 2]
    lr: 0.18
    beta: 0.9
    optimizers: [sgd, momentum]
    num_steps: 300
    ```

    ```predict
    """) + PREDICT + textwrap.dedent("""\
    ```

    ```python run
    print(v)
    ```
    """)


def test_the_notebook_has_prose_and_code_in_page_order(ns):
    nb = hook.notebook(PAGE, ns, "A lesson", "https://example.org/ravine/",
                       names={"beta": "0.9", "steps": 300})
    kinds = [c["cell_type"] for c in nb["cells"]]
    sources = [c["source"] for c in nb["cells"]]
    # the first code cell defines the page's names, so exercise checks can use them
    setup = nb["cells"].pop(1)["source"]
    assert "beta = 0.9\nsteps = 300" in setup and "ravine = narrow_ravine()" in setup
    namespace = {}
    exec(setup, namespace)
    assert namespace["steps"] == 300 and namespace["kappa"] == 100
    kinds = [c["cell_type"] for c in nb["cells"]]
    sources = [c["source"] for c in nb["cells"]]
    assert kinds == ["markdown", "markdown", "code", "markdown", "code", "markdown",
                     "code", "markdown", "code", "code"]
    assert "The window is 10" in sources[1] and "{{" not in json.dumps(nb)
    assert "Figure on the lesson page: a plot" in sources[1]
    assert "> **Careful**" in sources[1] and "> Indented admonition" in sources[1]
    assert sources[2].startswith("from lesson_code import velocity_after")
    assert "effective_window(0.95)" in sources[4]
    assert "race(" in sources[6] and "race(" in sources[8]
    assert sources[9] == "print(v)"
    nbformat.validate(nbformat.from_dict(hook._with_ids(nb, "t")))


def test_notebook_links_to_other_pages_point_at_the_site(ns):
    page = "# L\n\nSee [the ravine](ravine.md#the-ceiling) and [home](../index.md).\n"
    nb = hook.notebook(page, ns, "L", "https://x.org/ravine/", "optimizers/momentum.md")
    prose = nb["cells"][2]["source"]  # after the intro and the names cell
    assert "[the ravine](https://x.org/ravine/optimizers/ravine/#the-ceiling)" in prose
    assert "[home](https://x.org/ravine/)" in prose


def execute(nb_dict, tmp_path):
    """Runs a notebook top to bottom in a fresh CPython kernel; returns it."""
    for name in ("IPYTHONDIR", "JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR",
                 "JUPYTER_RUNTIME_DIR"):
        os.environ[name] = str(tmp_path / name.lower())
    nb = nbformat.from_dict(nb_dict)
    NotebookClient(nb, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    return nb


def test_the_generated_notebook_runs_top_to_bottom(ns, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    nb = execute(hook._with_ids(hook.notebook(PAGE, ns, "A lesson"), "t"), tmp_path)
    outputs = [o.get("text", "") for c in nb.cells if c.cell_type == "code"
               for o in c.outputs]
    assert any("Type your answer above" in o for o in outputs)
    assert any("converged at step" in o for o in outputs)
    assert outputs[-1].strip() == repr(velocity_after([1.0, 1.0], 0.9))
    assert not math.isnan(velocity_after([1.0, 1.0], 0.9))


def test_define_from_reuses_another_pages_settings(tmp_path):
    """A setting stated once on one page is reused by another, not copied."""
    (tmp_path / "first.md").write_text("---\ndefine:\n  lr: 0.18\n  steps: 300\n---\n# First\n")
    page = tmp_path / "second.md"
    meta = {"define_from": ["first.md"], "define": {"double": "2 * lr"}}
    ns = hook.namespace(meta, "second.md", page)
    assert (ns["lr"], ns["steps"], ns["double"]) == (0.18, 300, 0.36)
    with pytest.raises(hook.LessonError, match="define_from: missing.md"):
        hook.namespace({"define_from": ["missing.md"]}, "second.md", page)
