"""The optimizers module's own pages (index, ravine, adaptive, playground, lab) state facts;
each test here checks one of them by running lesson_code, with an independent
computation wherever there is one.

The pages state numbers through the lesson hook's build-time syntax (`{{ expr | spec }}`),
so the text cannot drift from the code; these tests check that every such expression
evaluates, that the built pages show its value, and that the *claims* the prose makes
about those values (who wins, what grows, what stays the same) hold.
"""

import ast
import contextlib
import copy
import functools
import io
import html as html_lib
import json
import math
import re
import struct

import pytest
import yaml
from lesson_pages import article_text, assert_numbers_in_page_order, reader_prose, \
    setting_lines
from mkdocs_build import mkdocs_build
from paths import DOCS, ROOT, SITE, load_figures

from lesson_code import (adam, condition_number, ema, gd_contraction, gd_max_lr,
                         get_landscape, make_optimizer, momentum, momentum_contraction,
                         momentum_max_lr, narrow_ravine, nesterov, optimal_gd, race,
                         rmsprop, rotated_ravine, run, sgd, steps_to_shrink)
from lesson_code.runner import FAR
from scripts import lesson_hook
from scripts.lessons.numbers import split_spec

# Pages whose numbers and claims have a test file of their own; every other page of the
# module is checked here (PAGES), so a new lesson is checked without being listed.
OWN_TESTS = {"momentum.md": "tests/test_momentum_lesson.py"}
PAGES = sorted({p.name for p in (DOCS / "optimizers").glob("*.md")} - set(OWN_TESTS))
RAVINE = get_landscape("ravine")


def page_source(name):
    return (DOCS / "optimizers" / name).read_text()


def page_namespace(name):
    """(namespace, body, meta) as the hook makes them; each call gets its own dicts."""
    ns, body, meta = _page_namespace(name)
    return dict(ns), body, copy.deepcopy(meta)


@functools.cache
def _page_namespace(name):
    # computed once per page and process: evaluating a page's `define:` runs its races
    # (practice.md's take seconds) and some thirty tests ask for the same page
    text = page_source(name)
    body, meta = lesson_hook.get_data(text)
    return (lesson_hook.namespace(meta, name, DOCS / "optimizers" / name),
            body, meta)


def page_text(name):
    """A page's Markdown body with its build-time numbers substituted, as the hook
    hands it to Markdown (widget fences then parse as on the site)."""
    ns, body, _ = page_namespace(name)
    return lesson_hook.substitute(body, ns, name)


def page_fences(name, lang):
    return [m for m in lesson_hook.FENCE.finditer(page_text(name)) if m["lang"] == lang]


def built_page(name):
    path = SITE / "optimizers" / name.replace(".md", "").replace("index", "") / "index.html"
    if not path.is_file():
        pytest.fail(f"no built page at {path}: run `make site`")
    return path.read_text()


FIGURES = load_figures("module")


def steps(runs, label):
    return next(t.step for t in runs if t.label == label)


# ------------------------------------------------------------ every stated number

@pytest.mark.parametrize("name", PAGES)
def test_every_build_time_number_shows_in_page_order(name):
    """Each {{ }} value shows after the previous one, so a short value ("1", "0.1")
    cannot pass by matching anywhere on the page. A widget's settings (navigator state,
    a prediction's race, an exercise's answer expression, a button's race) are not text
    a reader sees; they are checked by the tests of what those races do."""
    ns, body, _ = page_namespace(name)
    html = built_page(name)
    skip = setting_lines(body) | {k + 1 for k, line in enumerate(body.split("\n"))
                                  if "data-ravine-race=" in line}
    checked = assert_numbers_in_page_order(body, ns, article_text(html), name, skip)
    assert checked, f"{name} states no computed number"
    assert "{{" not in html and "RAVINE-LESSON-SLOT" not in html


LESSON_PAGES = sorted(p.name for p in (DOCS / "optimizers").glob("*.md"))
NUMBER = re.compile(r"(?<![\w.])[−-]?\d+(?:,\d{3})*(?:\.\d+)?(?!\w)")
QUANTITY_WORDS = re.compile(
    r"\b(two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozen|hundred|thousand"
    r"|million|billion|tenfold|hundredfold|thousandfold|twice|thrice|double|triple"
    r"|hundredth|thousandth|millionth)\b", re.I)

# Numbers a page may type, each with why it is not a result to compute. Everything else
# that looks like a number in the prose, the math, the alt texts, the captions and the
# widgets' prose must come from {{ }}.
STRUCTURAL = {
    "0": "the minimum's coordinate and the zero start of the averages",
    "1": "constants of the formulas (1 − β, 1 − ηλ, a gradient of 1) and exponents",
    "2": "constants of the formulas (2/λ_max, x², β₂) and the start's y",
    "-1": "the factor 1 − ηλ_max at the ceiling, a definition",
}
RAVINE_DEFINITION = {  # the ravine ½(0.1x² + 10y²) from (−8, 2): its definition
    "0.1": RAVINE.eigenvalues[0], "10": RAVINE.eigenvalues[1], "-8": RAVINE.start[0],
}
ALLOWED = {
    "index.md": {**STRUCTURAL, **RAVINE_DEFINITION},
    "ravine.md": {**STRUCTURAL, **RAVINE_DEFINITION},
    "momentum.md": {**STRUCTURAL, **RAVINE_DEFINITION,
                    "-6": "the runner's tolerance 10⁻⁶ (run's default tol), the definition of arrival",
                    "3": "the number of a race and of a derivation step (**3. …**)",
                    "4": "the formulas' constant (η* = 4/(√λ_max + √λ_min)², 4β, ηλ < 4) "
                         "and a derivation step (**4. …**, Using step 4)",
                    "60": "the heading's \"60-second refresher\", a manner of speaking",
                    "2004": "a citation's year", "2.1": "Theorem 2.1.13 of the 2004 citation",
                    "2017": "a citation's year",
                    "0.01": "the rate figure's η axis from 0.01 (scripts/figures/momentum.py)",
                    "0.4": "the rate figures' η axes to 0.4 (scripts/figures/momentum.py)",
                    "0.75": "the rate figure's middle β (momentum.py BETAS)",
                    "0.99": "the rate-map and regime figures' β axes to 0.99",
                    "0.001": "the regime figure's ηλ axis from 0.001",
                    "5": "the regime figure's ηλ axis to about 5 (10^0.7)"},
    "adaptive.md": {**STRUCTURAL, **RAVINE_DEFINITION,
                    "0.01": "the learning rate of the first-step demos and exercise",
                    "0.99": "torch's default α", "0.9": "torch's default β₁",
                    "3": "the three steps of the bias table and its exercise"},
    "playground.md": {**STRUCTURAL},  # plus each experiment's own button settings
    "practice.md": {**STRUCTURAL,
                    "-6": "the runner's tolerance 10⁻⁶, the definition of arrival",
                    "4": "the formula's constant (ησ²/4 for small ηλ)",
                    "10": "the warm-up's default length T/10, its definition",
                    "3": "the number of a race (3. Heavy ball against look-ahead)",
                    "5": "the number of a race (5. Adaptive methods, decayed)",
                    "1951": "a citation's year", "2013": "a citation's year",
                    "2017": "a citation's year"},
}
ALLOWED_WORDS = {
    "index.md": {"five": "the course's optimizers"},
    "ravine.md": {"two": "the ravine's two directions (a 2-D landscape)",
                  "tenfold": "a tenfold shrink, the definition of `tenfold` and its exercise",
                  "ten": "the cost table's condition numbers are factors of ten (its test)"},
    "momentum.md": {"two": "the ravine's two directions (a 2-D landscape), a quadratic's two "
                           "roots, the two conventions, two-panel figures",
                    "three": "the three gradients of the by-hand exercise (claimed), the "
                             "walk-through's three races, three decimals (claimed)",
                    "four": "lesson_code.REGIMES (claimed: len(REGIMES) == 4), the "
                            "derivation's four steps",
                    "ten": "the effective window of β = 0.9 (claimed: ema_window == 10)",
                    "tenfold": "steps_to_shrink's default factor 10, the unit of the step counts",
                    "dozen": "the bounce is gone within the first few dozen steps (claimed: "
                             "24 <= calm(gd_run) < 48)",
                    "hundred": "κ = 100 (claimed); the effective window of β = 0.99 (claimed)",
                    "thousand": "the embedding model's λ ratio (claimed: lam_the / lam_rare)",
                    "thousandth": "calm_level, the bounce threshold (claimed: == 1e-3)",
                    "millionth": "dir_level, the error figure's threshold (claimed: == 1e-6)"},
    "adaptive.md": {"five": "the course's optimizers", "two": "the two ravines / averages",
                    "three": "the three steps of the bias table and its exercise"},
    "playground.md": {"five": "the course's optimizers", "four": "Himmelblau's minima"},
    "practice.md": {"two": "error and velocity; two standard deviations in a figure",
                    "three": "the page's three topics; a 2×2 covariance's three entries",
                    "four": "four times the batch: σ halves (√4 = 2) and the floor quarters",
                    "six": "the six schedules of lesson_code.schedules"},
}


def settings_numbers(obj):
    """Every number in a widget's settings (a button's race detail), as the page writes it."""
    if isinstance(obj, dict):
        return set().union(*(settings_numbers(v) for v in obj.values())) if obj else set()
    if isinstance(obj, list):
        return set().union(*(settings_numbers(v) for v in obj)) if obj else set()
    if isinstance(obj, (int, float)) and not isinstance(obj, bool):
        return {format(obj, "g")}
    return set()


def test_the_allowed_definitions_are_the_landscapes_and_optimizers_they_name():
    assert RAVINE_DEFINITION == {"0.1": 0.1, "10": 10.0, "-8": -8.0}
    assert RAVINE.start == (-8.0, 2.0) and RAVINE.minima == ((0.0, 0.0),)
    assert rmsprop().hyperparams["alpha"] == 0.99 and adam().hyperparams["beta1"] == 0.9
    assert len(FIGURES.race_settings()) == 5  # "five optimizers"
    assert len(get_landscape("himmelblau").minima) == 4  # "four minima"
    assert len(ema([1, 1, 1], 0.9)) == 3  # the bias table's three steps


def test_every_page_has_its_numbers_checked_here_or_in_its_own_file():
    assert {"index.md", "ravine.md", "adaptive.md", "playground.md", "practice.md"} <= set(PAGES)
    for name, tests in OWN_TESTS.items():
        assert (DOCS / "optimizers" / name).is_file() and (ROOT / tests).is_file()
        assert "def test_every_build_time_number_shows_in_page_order" in (ROOT / tests).read_text()


def test_every_lesson_page_is_covered_by_the_typed_number_scan():
    assert set(ALLOWED) == set(ALLOWED_WORDS) == set(LESSON_PAGES)
    assert all(ALLOWED[name] is not None for name in LESSON_PAGES)


def test_the_scan_reads_the_prose_between_two_inequalities_in_math():
    """`<` and `>` in math are not a tag: the prose between them is scanned (a pattern
    that took `< 2/λ$ … $|y| >` for one tag once hid 115 lines of the ravine lesson)."""
    body = ("Stable for $\\eta < 2/\\lambda_{\\max}$, and $x<y$.\n\nIt took 116 steps.\n\n"
            "Then $|y| > 1$ and <em class=\"x\">twelve</em> <!-- 13 --> <br/> more.")
    prose = reader_prose(body)
    assert NUMBER.findall(prose) == ["2", "116", "1"]
    assert "twelve" in prose and "<em" not in prose and "<br" not in prose


def test_the_scan_reads_every_field_a_reader_reads_in_a_widget():
    """An exercise's choices are read like its question; settings are not."""
    body = ("```exercise\nid: e\nquestion: Which?\nchoices: [\"0.2\", \"7\"]\n"
            "answer: nearest(x, [0.2, 7])\n```\n")
    assert sorted(NUMBER.findall(reader_prose(body))) == ["0.2", "7"]


def literal_only(expression):
    """True when a `{{ }}` expression types a number and names no value: `2000`,
    `1 - 0.9`, `effective_window(0.99)` compute nothing from the page's definitions, so
    the number is typed all the same. (An index, `[-1]`, a name in quotes,
    `sched('step')`, and the STRUCTURAL constants 0, 1 and 2 are not typed numbers.)"""
    tree = ast.parse(split_spec(expression)[0].strip(), mode="eval")
    nodes = list(ast.walk(tree))
    called = {id(n.func) for n in nodes if isinstance(n, ast.Call)}
    indices = {id(i) for n in nodes if isinstance(n, ast.Subscript) for i in ast.walk(n.slice)}
    names = [n for n in nodes if isinstance(n, ast.Name) and id(n) not in called]
    numbers = [n for n in nodes if isinstance(n, ast.Constant) and id(n) not in indices
               and type(n.value) in (int, float) and str(n.value) not in STRUCTURAL]
    return bool(numbers) and not names


def test_the_literal_check_tells_a_typed_value_from_a_computed_one():
    for typed in (" 2000 | , ", " 1 - 0.9 | .1f ", " effective_window(0.99) | .0f ",
                  " 0.9 * velocity_after([1.0, -1.0] * 24, 0.9) "):
        assert literal_only(typed), typed
    for computed in (" lr ", " 1 / lam_max | g ", " effective_window(beta) | .0f ",
                     " defaults_rms['alpha'] ", " best_gd(kappas[1]).step | , ",
                     " sched('step')['every'] ", " race_button('rotated-ravine') ",
                     " clean('step').losses[-1] ", " rot_first(0, 'adam') "):
        assert not literal_only(computed), computed


@pytest.mark.parametrize("name", LESSON_PAGES)
def test_a_number_typed_inside_braces_is_still_typed(name):
    """`{{ 2000 | , }}` or `{{ 1 - 0.9 }}` computes nothing: the value is named once in
    `define:` and the page uses the name."""
    _, body, _ = page_namespace(name)
    literal = [(line, inner) for line, inner in lesson_hook.expressions(body)
               if literal_only(inner)]
    assert not literal, (name, literal)


@pytest.mark.parametrize("name", [n for n in LESSON_PAGES if ALLOWED[n] is not None])
def test_no_page_types_a_number_the_hook_did_not_compute(name):
    """Numbers and quantity words a reader sees (prose, $…$ math, alt texts, captions,
    the prose fields of widgets) are computed with {{ }} unless allowed above."""
    _, body, _ = page_namespace(name)
    prose = reader_prose(body)
    prose = re.sub(r"^\s*\d+\. ", "", prose, flags=re.M)  # list item numbers
    allowed = set(ALLOWED[name])
    if name == "playground.md":
        items = zip(re.split(r"^\d+\. ", body, flags=re.M)[1:],
                    re.split(r"^\d+\. ", page_text(name), flags=re.M)[1:])
        for item, done in items:
            specs = re.findall(r"data-ravine-race='([^']*)'", done)
            local = allowed | set().union(*(settings_numbers(json.loads(x)) for x in specs))
            text = re.sub(r"^\s*\d+\. ", "", reader_prose(item), flags=re.M)
            typed = {n.replace("−", "-") for n in NUMBER.findall(text)}
            assert typed <= local, (name, item[:60], typed - local)
        prose = prose.split("## Experiments worth trying")[0]
    typed = {n.replace("−", "-") for n in NUMBER.findall(prose)}
    assert typed <= allowed, (name, sorted(typed - allowed))
    words = {w.lower() for w in QUANTITY_WORDS.findall(prose)}
    assert words <= set(ALLOWED_WORDS[name]), (name, sorted(words - set(ALLOWED_WORDS[name])))


# ------------------------------------------------------------ lesson 1: the ravine

def test_the_ravine_curvatures_and_kappa_from_the_hessian_itself():
    a, c, b = 0.1, 0.0, 10.0  # H = [[a, c], [c, b]] read off ½(0.1x² + 10y²)
    half = math.hypot((a - b) / 2, c)
    lam = ((a + b) / 2 - half, (a + b) / 2 + half)
    assert RAVINE.eigenvalues == pytest.approx(lam)
    assert condition_number(*RAVINE.eigenvalues) == pytest.approx(lam[1] / lam[0]) == 100


def test_the_ceiling_is_where_the_steep_direction_stops_shrinking():
    ns, _, _ = page_namespace("ravine.md")
    assert ns["lr_max"] == gd_max_lr(10.0) == pytest.approx(0.2)
    assert gd_contraction(ns["lr_max"], 10.0) == pytest.approx(1.0)
    assert ns["steep_demo"] == pytest.approx(0.9) and ns["flat_demo"] == pytest.approx(0.981)
    assert ns["floor_rate"] == pytest.approx(1 - 2 * 0.1 / 10)
    # below the ceiling converges, at it oscillates forever, above it diverges
    assert run(sgd(lr=0.19), RAVINE, num_steps=2000).status == "converged"
    at = run(sgd(lr=0.2), RAVINE, num_steps=2000)
    assert at.status == "running"
    assert {round(abs(p[1]), 9) for p in at.points[1:]} == {2.0}  # "between 2 and −2"
    assert run(sgd(lr=0.201), RAVINE, num_steps=2000).status == "diverged"


def test_close_to_the_ceiling_is_slower_than_a_little_below_it():
    ns, _, _ = page_namespace("ravine.md")
    assert ns["sweep"](0.199).step > ns["sweep"](0.19).step


def test_the_best_learning_rate_balances_the_two_directions():
    lr, rate = optimal_gd(0.1, 10.0)
    assert gd_contraction(lr, 0.1) == pytest.approx(gd_contraction(lr, 10.0)) == \
        pytest.approx(rate) == pytest.approx(99 / 101)
    # any other η is worse in one direction
    for other in (lr * 0.98, lr * 1.02):
        assert max(gd_contraction(other, 0.1), gd_contraction(other, 10.0)) > rate


@pytest.mark.parametrize("kappa", FIGURES.KAPPAS)
def test_measured_steps_equal_the_prediction_for_every_kappa(kappa):
    ns, _, _ = page_namespace("ravine.md")
    measured, predicted = ns["best_gd"](kappa).step, ns["predicted"](kappa)
    assert ns["best_gd"](kappa).status == "converged"
    assert measured == predicted == FIGURES.measured_steps(kappa) == FIGURES.predicted_steps(kappa)
    # independent count: the loss is f0 · r^(2n) at the best η
    scape = narrow_ravine(kappa)
    lam_min, lam_max = scape.eigenvalues
    r = (lam_max - lam_min) / (lam_max + lam_min)
    f0, n = scape.f(scape.start), 0
    while f0 * r ** (2 * n) > 1e-6:
        n += 1
    assert abs(measured - n) <= 1


def test_steps_grow_in_proportion_to_kappa():
    assert FIGURES.KAPPAS == (1, 10, 100, 1000, 10000)  # the table's rows, factors of ten
    counts = [FIGURES.measured_steps(k) for k in FIGURES.KAPPAS]
    assert counts[0] == 1  # "one step lands exactly on the minimum"
    assert counts[1] / counts[0] > 40  # "from there to κ = 10 the count jumps 45-fold"
    for small, large in zip(counts[1:], counts[2:]):
        assert 8 < large / small < 12  # "after that, about ten times the steps"


def test_ravine_exercise_answers():
    ns, body, _ = page_namespace("ravine.md")
    exercises = {m["body"] and yaml.safe_load(m["body"])["id"]:
                 lesson_hook.exercise(m["body"], ns)
                 for m in lesson_hook.FENCE.finditer(body) if m["lang"] == "exercise"}
    assert exercises["largest-stable-lr"]["answer"] == pytest.approx(2 / 10)
    n = next(n for n in range(1, 1000) if (99 / 101) ** n <= 0.1)
    assert exercises["tenfold-steps"]["answer"] == n == 116
    assert math.log(10) / math.log(101 / 99) == pytest.approx(115.1, abs=0.05)


def test_ravine_prediction_past_the_ceiling_diverges():
    traj = run(sgd(lr=0.21), RAVINE, num_steps=300)
    assert traj.status == "diverged"
    ns, _, _ = page_namespace("ravine.md")
    fence = page_fences("ravine.md", "predict")[0]
    p = lesson_hook.predict(fence["body"], ns)
    assert p["choices"][p["answer"]].startswith("It zig-zags ever wider")
    assert p["setup"]["lr"] == 0.21 and p["setup"]["num_steps"] == 300


def test_the_run_past_the_ceiling_leaves_the_plot_long_before_it_is_declared_diverged():
    """The plot is the landscape's bounds (|y| ≤ 4 on the ravine); the runner says
    "diverged" only once a point is more than FAR plot widths beyond an edge."""
    traj = run(sgd(lr=0.21), RAVINE, num_steps=300)
    (x_lo, x_hi), (y_lo, y_hi) = RAVINE.bounds
    assert (y_lo, y_hi) == (-4, 4)
    # independent: y_k = 2 · (1 − 0.21 · 10)^k, x stays inside
    k = next(k for k in range(1, 300) if abs(2 * (1 - 2.1) ** k) > y_hi)
    leaves = next(i for i, (x, y) in enumerate(traj.points)
                  if not (x_lo <= x <= x_hi and y_lo <= y <= y_hi))
    assert leaves == k
    far = next(i for i, (x, y) in enumerate(traj.points)
               if abs(y) > y_hi + FAR * (y_hi - y_lo))
    assert traj.step == far and leaves < far / 10
    text = article_text(built_page("ravine.md"))
    assert rf"leaves the plot ( \(|y| > {y_hi:g}\) ) at step {leaves};" in text
    assert re.search(rf"declares it diverged only at step {far}, once it is more than "
                     rf"1,000 plot widths beyond the edge", text)
    assert f"leaves the plot at step {far}" not in text


# ------------------------------------------------------------ lesson 3: RMSProp and Adam

def run_page_blocks(name):
    from tests.test_docs_blocks import python_blocks
    namespace = {"__name__": "__main__"}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for _, source in python_blocks(page_source(name)):
            exec(compile(source, name, "exec"), namespace)
    return namespace, out.getvalue()


def test_rare_parameters_catch_up_under_rmsprop():
    ns, printed = run_page_blocks("adaptive.md")
    gd_freq, gd_rare = ns["distance_moved"](sgd(lr=0.01))
    rms_freq, rms_rare = ns["distance_moved"](rmsprop(lr=0.01))
    assert gd_freq / gd_rare == pytest.approx(1000)  # "a thousand times as far"
    assert rms_freq / rms_rare > 1  # "it does not close"
    assert 8 < (gd_freq / gd_rare) / (rms_freq / rms_rare) < 12  # "shrinks about tenfold"
    # each rare step is η/√(1 − α) = 10 η: s has decayed to almost nothing in between
    assert rms_rare / 10 == pytest.approx(0.01 / math.sqrt(1 - 0.99), rel=1e-3)
    assert "GD" in printed and "RMSProp" in printed


def test_rmsprop_first_step_is_ten_eta_in_every_coordinate_and_adam_one_eta():
    rms = run(rmsprop(lr=0.01), RAVINE, num_steps=1).points[1]
    ad = run(adam(lr=0.01), RAVINE, num_steps=1).points[1]
    assert rms == pytest.approx((-7.9, 1.9), abs=1e-6)
    assert ad == pytest.approx((-7.99, 1.99), abs=1e-6)
    assert 0.01 / math.sqrt(1 - 0.99) == pytest.approx(0.1)
    g = RAVINE.grad(RAVINE.start)
    assert g == (-0.8, 20.0) and -g[1] / g[0] == 25


def test_adam_keeps_the_equal_first_step_and_removes_only_the_factor_ten():
    """Adam's first step is η·sign(g) in both coordinates: like RMSProp's it ignores the
    25-fold difference of the gradients; what it removes is the factor 1/√(1 − α)."""
    start = RAVINE.start
    rms = [p - s for p, s in zip(run(rmsprop(lr=0.01), RAVINE, num_steps=1).points[1], start)]
    ad = [p - s for p, s in zip(run(adam(lr=0.01), RAVINE, num_steps=1).points[1], start)]
    g = RAVINE.grad(start)
    assert abs(ad[0]) == pytest.approx(abs(ad[1])) == pytest.approx(0.01)
    assert [math.copysign(1, d) for d in ad] == [-math.copysign(1, c) for c in g]
    assert abs(rms[0]) / abs(ad[0]) == pytest.approx(1 / math.sqrt(1 - 0.99))
    text = article_text(built_page("adaptive.md"))
    assert "Adam fixes that first-step size" not in text
    assert re.search(r"Adam's first step, as we will see, has the same shape: it too moves both "
                     r"coordinates by the same amount whatever their gradients\. What Adam "
                     r"removes is the factor", text)
    assert f"but only a {abs(rms[0]) / abs(ad[0]):.0f}th as far as RMSProp's first step" in text


def test_bias_correction_table():
    m, s = ema([1, 1, 1], 0.9), ema([1, 1, 1], 0.999)
    assert m == pytest.approx([0.1, 0.19, 0.271])
    assert s == pytest.approx([0.001, 0.001999, 0.002997001])
    assert ema([1, 1, 1], 0.9, debias=True) == pytest.approx([1, 1, 1])
    assert ema([1, 1, 1], 0.999, debias=True) == pytest.approx([1, 1, 1])
    ratios = [a / math.sqrt(b) for a, b in zip(m, s)]
    assert ratios[0] > 3 and ratios[0] < ratios[1] < ratios[2]  # "too big, keeps growing"
    # the uncorrected step's peak, by running the recursions directly
    mt = st = 0.0
    best = (0.0, 0)
    for t in range(1, 5000):
        mt, st = 0.9 * mt + 0.1, 0.999 * st + 0.001
        best = max(best, (mt / math.sqrt(st), t))
    ns, _, _ = page_namespace("adaptive.md")
    assert (ns["peak_ratio"], ns["peak_step"]) == (pytest.approx(best[0]), best[1])


def test_adaptive_exercise_answers():
    ns, body, _ = page_namespace("adaptive.md")
    exercises = {yaml.safe_load(m["body"])["id"]: lesson_hook.exercise(m["body"], ns)
                 for m in lesson_hook.FENCE.finditer(body) if m["lang"] == "exercise"}
    assert exercises["rmsprop-first-step"]["answer"] == pytest.approx(0.1, abs=1e-6)
    m = 0.0
    for g in (2, 2, 2):
        m = 0.9 * m + 0.1 * g
    assert exercises["bias-correction"]["answer"] == pytest.approx(m) == pytest.approx(0.542)


def test_the_race_settings_are_stated_once_and_used_everywhere():
    """adaptive.md's `race_runs` is the one statement of the race settings: its
    predictions, the figure module and the playground's rotated race all read it."""
    ns, body, meta = page_namespace("adaptive.md")
    assert ns["race_runs"] == meta["define"]["race_runs"] == list(FIGURES.RACE_RUNS)
    page = [(o.name, o.hyperparams) for o in ns["settings"]()]
    assert page == [(o.name, o.hyperparams) for o in FIGURES.race_settings()]
    assert FIGURES.ANGLES == tuple(ns["rotation_angles"])
    predicts = page_fences("adaptive.md", "predict")
    assert len(predicts) == 2
    for m in predicts:
        assert yaml.safe_load(m["body"])["setup"]["runs"] == ns["race_runs"]
    assert len(re.findall(r"\{name: \w+, lr:", body)) == 0  # no copy typed in the body
    playground = page_namespace("playground.md")[0]
    assert playground["race_runs"] == ns["race_runs"]
    assert playground["race_steps"] == ns["race_steps"]
    specs = [json.loads(x) for x in re.findall(r"data-ravine-race='([^']*)'",
                                               page_text("playground.md"))]
    rotated = next(x for x in specs if x["detail"]["landscape"] == "rotated-ravine")
    assert rotated["detail"]["runs"] == ns["race_runs"]
    assert "lr=0.19" not in (ROOT / "scripts" / "figures" / "module.py").read_text()
    # the page's 30° is the registered rotated ravine's angle
    turned = get_landscape("rotated-ravine")
    assert ns["turned_deg"] == 30
    assert turned.f((1.0, 2.0)) == pytest.approx(rotated_ravine(angle_deg=30).f((1.0, 2.0)))


def within(points, scape, tol=1e-6):
    return [scape.f(p) - scape.f_min <= tol for p in points]


def test_at_fixed_settings_rmsprop_and_adam_dip_but_do_not_stay():
    """Momentum and Nesterov arrive for good; RMSProp and Adam reach the tolerance first
    and then leave it: an independent loop (tests/test_runner.py) shows where."""
    from tests.test_runner import _loop
    runs = race(FIGURES.race_settings(), RAVINE, num_steps=5000)
    by = {t.label: t for t in runs}
    assert [by[n].status for n in ("GD", "Momentum", "Nesterov")] == ["converged"] * 3
    assert by["RMSProp"].status == by["Adam"].status == "running"
    assert lesson_hook.first_to_converge(runs) == 2  # Nesterov
    assert max(by["RMSProp"].first, by["Adam"].first) < by["Momentum"].step
    text = article_text(built_page("adaptive.md"))
    for opt in FIGURES.race_settings():
        if opt.name not in ("rmsprop", "adam"):
            continue
        inside = within(_loop(opt.name, opt.hyperparams, RAVINE.grad, RAVINE.start, 10000),
                        RAVINE)
        first = inside.index(True)
        # the longest stretch within tolerance, and where it ends
        stretches, k = [], first
        while k < len(inside):
            if inside[k]:
                j = k
                while j < len(inside) and inside[j]:
                    j += 1
                stretches.append((k, j))
                k = j
            k += 1
        left = max(stretches, key=lambda st: st[1] - st[0])[1]
        assert left < len(inside) and not all(inside[left:])
        assert first == by[opt.label].first
        said = (f"{opt.label} climbs back out at step {left:,}" if opt.name == "rmsprop" else
                f"climbs out at step {left:,}")
        assert said in text


def test_the_effective_rate_passes_its_ceiling_before_the_run_leaves():
    """η_eff = η/(√ŝ + ε) across the ravine, by hand: RMSProp's passes 2/λ_max, Adam's
    (2 + 2β₁)/((1 − β₁) λ_max), shortly before each run leaves the tolerance."""
    lam = RAVINE.eigenvalues[1]
    text = article_text(built_page("adaptive.md"))
    for spec in FIGURES.RACE_RUNS:
        if spec["name"] not in ("rmsprop", "adam"):
            continue
        opt = make_optimizer(**spec)
        hp = opt.hyperparams
        decay = hp.get("alpha", hp.get("beta2"))
        ceiling = 2 / lam if opt.name == "rmsprop" else \
            (2 + 2 * hp["beta1"]) / ((1 - hp["beta1"]) * lam)
        y, s_y, m_y, crossing = RAVINE.start[1], 0.0, 0.0, None
        for t in range(1, 10001):
            g = lam * y
            s_y = decay * s_y + (1 - decay) * g * g
            s_hat = s_y / (1 - decay ** t) if opt.name == "adam" else s_y
            rate = hp["lr"] / (math.sqrt(s_hat) + hp["eps"])
            if rate > ceiling:
                crossing = t
                break
            if opt.name == "adam":
                m_y = hp["beta1"] * m_y + (1 - hp["beta1"]) * g
                y -= rate * m_y / (1 - hp["beta1"] ** t)
            else:
                y -= rate * g
        assert crossing is not None
        assert f"passes \\({ceiling:.1f}\\) at step {crossing:,}" in text.replace(" ,", ",") \
            or f"passes \\({ceiling:.1f}\\) at step {crossing:,}" in text
    # with ε = 0.1, η/ε = 3 is below Adam's ceiling 3.8: it arrives and stays
    ns, _, _ = page_namespace("adaptive.md")
    calm = ns["calm_adam"]
    assert calm.status == "converged" and 0.3 / 0.1 < (2 + 2 * 0.9) / (0.1 * lam)
    from tests.test_runner import _loop
    points = _loop("adam", calm_hp := dict(adam(0.3, eps=0.1).hyperparams), RAVINE.grad,
                   RAVINE.start, 40000)
    assert calm_hp["eps"] == 0.1
    inside = within(points, RAVINE)
    assert all(inside[calm.step:]) and not inside[calm.step - 1]


def test_tuned_momentum_is_the_fastest_aligned_or_turned():
    """η*, β* from Polyak's formulas; Nesterov's best on a grid of its own 2 × 2 matrix
    (numpy eigenvalues); both races by the runner on both ravines."""
    import numpy as np
    lam_min, lam_max = RAVINE.eigenvalues
    root = math.sqrt(lam_max / lam_min)
    lr_star, beta_star = 4 / (math.sqrt(lam_max) + math.sqrt(lam_min)) ** 2, \
        ((root - 1) / (root + 1)) ** 2

    def nesterov_rate(lr, beta):
        return max(max(abs(np.linalg.eigvals([[(1 + beta) * (1 - lr * lam),
                                                -beta * (1 - lr * lam)], [1, 0]])))
                   for lam in (lam_min, lam_max))
    ns, _, _ = page_namespace("adaptive.md")
    _, lr_n, beta_n = ns["nest_grid"]
    assert nesterov_rate(lr_n, beta_n) == pytest.approx(ns["nest_grid"][0])
    for lr in (lr_n - 0.001, lr_n + 0.001):
        assert nesterov_rate(lr, beta_n) >= nesterov_rate(lr_n, beta_n)
    for beta in (beta_n - 0.01, beta_n + 0.01):
        assert nesterov_rate(lr_n, beta) >= nesterov_rate(lr_n, beta_n)
    assert nesterov_rate(lr_n, beta_n) > (root - 1) / (root + 1)
    for scape in (RAVINE, rotated_ravine()):
        mom = run(momentum(lr_star, beta_star), scape, num_steps=500)
        nest = run(nesterov(lr_n, beta_n), scape, num_steps=500)
        assert mom.status == nest.status == "converged" and mom.step < nest.step
    text = article_text(built_page("adaptive.md"))
    assert f"it arrives for good at step {mom.step}, aligned or turned" in text


def test_a_rotation_changes_nothing_for_gd_and_momentum_and_slows_the_adaptive_ones():
    aligned = race(FIGURES.race_settings(), RAVINE, num_steps=5000)
    turned = race(FIGURES.race_settings(), rotated_ravine(), num_steps=5000)
    first = {(key, t.label): t.first for key, runs in (("a", aligned), ("t", turned))
             for t in runs}
    for label in ("GD", "Momentum", "Nesterov"):
        assert steps(turned, label) == steps(aligned, label)
        assert first[("t", label)] == first[("a", label)]
    for label in ("RMSProp", "Adam"):
        assert first[("t", label)] > 2 * first[("a", label)]
    ns, _, _ = page_namespace("adaptive.md")
    rotated = page_fences("adaptive.md", "predict")[1]
    p = lesson_hook.predict(rotated["body"], ns)
    assert p["choices"][p["answer"]].startswith("Far more steps than before")


def test_the_kappa_table_turns_the_ravine_with_an_explicit_argument():
    ns, body, meta = page_namespace("adaptive.md")
    assert "kappa_table(-" not in page_source("adaptive.md")
    turned = ns["kappa_table"](1000, "adam", turned=True)
    direct = run(adam(lr=0.3), rotated_ravine(1000), num_steps=20000)
    assert turned.first == direct.first and turned.points == direct.points
    assert ns["kappa_table"](1000, "adam").step == run(adam(lr=0.3), narrow_ravine(1000),
                                                        num_steps=20000).step


def test_the_rotation_figure_claims():
    rows = FIGURES.rotation_steps()
    for label in ("GD", "Momentum", "Nesterov"):
        assert len(set(rows[label])) == 1  # flat lines
    for label in ("RMSProp", "Adam"):
        assert rows[label][0] < 1.25 * rows["Momentum"][0]  # "start close to momentum"
        assert all(s is not None for s in rows[label])
    assert rows["RMSProp"][-1] > rows["GD"][-1]  # "more than gradient descent"
    assert 0.9 * rows["GD"][-1] < rows["Adam"][-1] < rows["GD"][-1]  # "nearly as many"


def test_where_adam_wins_and_where_it_does_not():
    ns, _, _ = page_namespace("adaptive.md")
    kappas = (100, 1000, 10000)
    fixed = {k: ns["kappa_table"](k, "momentum") for k in kappas}
    turned_mom = {k: ns["kappa_table"](k, "momentum", turned=True) for k in kappas}
    adam_aligned = {k: ns["kappa_table"](k, "adam") for k in kappas}
    adam_turned = {k: ns["kappa_table"](k, "adam", turned=True) for k in kappas}
    assert all(t.status == "converged" for t in fixed.values())
    assert all(t.status == "running" for t in [*adam_aligned.values(), *adam_turned.values()])
    firsts = [adam_aligned[k].first for k in kappas]
    assert max(firsts) / min(firsts) < 1.3  # "hardly moves"
    mom = [fixed[k].step for k in kappas]
    growth_fixed = (mom[-1] / mom[0]) ** 0.5
    assert growth_fixed == pytest.approx(ns["momentum_growth"])
    # "about {momentum_growth:.0f}-fold for each tenfold step": each decade within 15%
    assert all(0.85 * growth_fixed < b / a < 1.15 * growth_fixed for a, b in zip(mom, mom[1:]))
    for k in kappas:  # rotation invariance of momentum
        assert turned_mom[k].step == fixed[k].step
        assert adam_turned[k].first > 2 * adam_aligned[k].first  # "climbs with κ too"
    # tuned momentum: η*, β* by Polyak's formulas, steps growing about √10 per decade
    tuned = []
    for k in kappas:
        lam_min, lam_max = narrow_ravine(k).eigenvalues
        root = math.sqrt(k)
        opt = momentum(4 / (math.sqrt(lam_max) + math.sqrt(lam_min)) ** 2,
                       ((root - 1) / (root + 1)) ** 2)
        traj = run(opt, narrow_ravine(k), num_steps=20000)
        assert traj.status == "converged"
        tuned.append(traj.step)
    assert tuned == [ns["kappa_tuned"](k).step for k in kappas]
    growth = (tuned[-1] / tuned[0]) ** 0.5
    assert 2.5 < growth < 4 and abs(growth - math.sqrt(10)) < 0.5
    # the rotated table entries are the registry's 30° ravine
    assert rotated_ravine(100).eigenvalues == RAVINE.eigenvalues


# ------------------------------------------------------------ the playground

def playground_specs():
    return [json.loads(x) for x in re.findall(r"data-ravine-race='([^']*)'",
                                              page_text("playground.md"))]


def test_playground_experiments_do_what_their_sentences_say():
    specs = playground_specs()
    assert len(specs) == 9
    for spec in specs:
        assert spec["navigator"] == "playground-navigator" and spec["detail"]["run"] is True
        req = lesson_hook.race_request(spec["detail"])
        from lesson_code.browser import call
        assert call("race", req)["runs"]  # a valid race for the worker
    # 1: at the ceiling the bounce neither grows nor shrinks
    assert specs[0]["detail"]["lr"] == gd_max_lr(RAVINE.eigenvalues[1])
    assert run(sgd(lr=0.2), RAVINE, num_steps=300).status == "running"
    # 2: at η = 0.3 GD diverges, momentum (β = 0.9, ceiling 0.38) converges
    assert momentum_max_lr(0.9, 10.0) == pytest.approx(0.38)
    assert run(sgd(lr=0.3), RAVINE, num_steps=300).status == "diverged"
    assert run(momentum(lr=0.3, beta=0.9), RAVINE, num_steps=300).status == "converged"
    # 4: the rotated race slows RMSProp and Adam only (checked above with the same settings)
    assert specs[3]["detail"]["landscape"] == "rotated-ravine"
    # 3: β = 0.99 circles the minimum (its x swings past 0 again and again), β = 0.5
    # creeps up to it from one side
    def swings(points):
        xs = [p[0] for p in points]
        return sum(1 for a, b in zip(xs, xs[1:]) if a * b < 0)
    slow, spiral = race([momentum(lr=0.05, beta=0.5), momentum(lr=0.05, beta=0.99)], RAVINE,
                        num_steps=500)
    assert swings(spiral.points) > 5 and swings(slow.points) == 0
    # 7: from the origin the optimizers do not all agree on the minimum
    ends = {tuple(round(c) for c in t.points[-1]) for t in race(
        [sgd(lr=0.01), momentum(lr=0.01, beta=0.9), adam(lr=0.01)],
        get_landscape("himmelblau"), start=(0, 0), num_steps=1000)}
    assert len(ends) > 1
    # 8 and 9: the noisy race keeps its noise and seed, the second adds the cosine schedule
    for spec, schedule in ((specs[7], "constant"), (specs[8], "cosine")):
        req = lesson_hook.race_request(spec["detail"])
        assert (req["noise"], req["seed"], req.get("schedule", "constant")) == (1, 0, schedule)


def test_playground_saddle_experiment():
    """Experiment 6: from just off the ridge both leave the saddle, momentum sooner; and
    the saddle has no curvature limits to show (λ_min < 0: no ceiling on η exists)."""
    spec = next(x for x in playground_specs() if x["detail"]["landscape"] == "saddle")
    detail = spec["detail"]
    from lesson_code.browser import call
    result = call("race", lesson_hook.race_request(detail))
    scape = get_landscape("saddle")
    assert scape.minima == () or not scape.minima
    lo, hi = scape.eigenvalues
    assert lo < 0 < hi
    start = scape.start
    assert abs(start[1]) < 0.1 < abs(start[0])  # "just off the ridge"
    runs = race([sgd(lr=detail["lr"]), momentum(lr=detail["lr"], beta=detail["beta"])], scape,
                num_steps=detail["num_steps"])
    left = []
    for traj in runs:
        out = next((i for i, point in enumerate(traj.points)
                    if any(not a <= c <= b for c, (a, b) in zip(point, scape.bounds))), None)
        assert out is not None, f"{traj.label} never leaves the plot"
        left.append(out)
    assert left[1] < left[0]  # momentum leaves sooner
    assert [r["status"] for r in result["runs"]] == [t.status for t in runs]
    # no stability limit drawn: none exists when a curvature is negative
    assert all(result["limits"].get(name) is None for name in ("gd", "momentum", "nesterov"))
    text = page_source("playground.md")
    assert "compare how soon gradient descent and momentum leave it" in text


# ------------------------------------------------------------ the lab

def lab_namespace():
    import jupytext
    import matplotlib
    matplotlib.use("Agg")
    nb = jupytext.read(DOCS / "optimizers" / "lab.py")
    namespace = {"__name__": "__main__"}
    with contextlib.redirect_stdout(io.StringIO()):
        for cell in nb.cells:
            if cell.cell_type == "code":
                exec(compile(cell.source, "lab.py", "exec"), namespace)
    return namespace


# the lab runs once per worker that asks for it: keep its tests on one pytest-xdist worker
LAB_GROUP = pytest.mark.xdist_group("lab")


@pytest.fixture(scope="module")
def lab():
    return lab_namespace()


@LAB_GROUP
def test_the_lab_finds_a_ravine_and_standardizing_removes_it(lab):
    assert lab["kappa_raw"] > 1000
    assert lab["kappa_scaled"] < 1.5
    assert abs(lab["flattest"][3]) > 0.9  # "mostly the intercept"
    import numpy as np
    steepest = np.linalg.eigh(lab["raw"].hessian)[1][:, -1]
    assert np.argmax(np.abs(steepest)) == 0  # "dominated by the floor area"
    assert gd_max_lr(lab["lam_max_s"]) > 100 * gd_max_lr(lab["lam_max"])


@LAB_GROUP
def test_the_lab_curves_say_what_its_text_says(lab):
    import numpy as np
    raw, scaled = lab["raw_runs"], lab["scaled_runs"]
    final = {k: np.median(v[-100:]) for k, v in raw.items()}
    assert raw["Momentum"][50] < raw["GD"][50] / 2  # "far lower after 50 steps"
    assert raw["Adam"][50] == max(g[50] for g in raw.values())  # "Adam starts slowest"
    assert final["Adam"] == min(final.values())  # "it ends lowest"
    final_s = {k: np.median(v[-100:]) for k, v in scaled.items()}
    assert final_s["GD"] == min(final_s.values())  # "plain SGD is now the fastest"
    assert final_s["Momentum"] > final_s["GD"]  # "momentum now hurts"
    assert scaled["Adam"][50] == max(g[50] for g in scaled.values())  # "slowest to start"
    assert final_s["GD"] < final["GD"] / 10
    assert lab["adam_steps"] == math.ceil(lab["price"].mean() / lab["ADAM_LR"])


@LAB_GROUP
def test_rescaling_helps_plain_sgd_most_and_not_every_optimizer(lab):
    """Raw against standardized features, for every optimizer of the lab."""
    import numpy as np
    raw, scaled = lab["raw_runs"], lab["scaled_runs"]
    assert set(raw) == set(scaled) == {"GD", "Momentum", "Adam"}

    def end(gaps):
        return np.median(gaps[-100:])

    gain = {k: end(raw[k]) / end(scaled[k]) for k in raw}
    early = {k: raw[k][50] / scaled[k][50] for k in raw}
    assert gain["GD"] == max(gain.values()) and gain["GD"] > 10 and early["GD"] > 10
    # "rescaled SGD ends lower than any optimizer did on the raw features"
    assert end(scaled["GD"]) < min(end(g) for g in raw.values())
    # "Momentum's early progress gets worse ... and its plateau moves little"
    assert early["Momentum"] < 1 / 10 and 1 / 2 < gain["Momentum"] < 2
    # "Adam is worse on both counts"
    assert early["Adam"] < 1 and gain["Adam"] < 1
    html = built_lab_text()
    assert "which helps every optimizer more" not in html
    assert "no choice of optimizer did as much" not in html
    assert "Rescaling helps plain mini-batch SGD most" in html
    assert "It does not help every optimizer." in html
    adaptive = article_text(built_page("adaptive.md"))
    assert "helps every optimizer more than switching" not in adaptive
    assert "That helps plain mini-batch gradient descent most" in adaptive
    assert "Adam ends further from the best fit than it did on the raw features" in adaptive


@LAB_GROUP
def test_momentum_hurts_for_two_reasons_the_spiral_and_the_noise(lab):
    """With standardized features η = 1/λ_max puts ηλ near 1 in every direction: GD's
    factor |1 − ηλ| is small, while heavy-ball momentum (β = 0.9) has complex roots of
    modulus √β. Without noise, momentum's loss still decays only by β per step; with
    mini-batches it sits far above that noiseless path."""
    import numpy as np
    lr, beta = 1 / lab["lam_max_s"], lab["BETA"]
    eig = lab["scaled_eigenvalues"]
    gd_worst = max(gd_contraction(lr, lam) for lam in eig)
    assert gd_worst == pytest.approx(lab["gd_factor"]) and gd_worst < 0.2
    for lam in eig:
        # the iteration matrix's eigenvalues, by numpy: complex, of modulus √β
        roots = np.linalg.eigvals([[1 + beta - lr * lam, -beta], [1, 0]])
        assert np.all(np.abs(roots.imag) > 0)
        assert np.abs(roots) == pytest.approx([math.sqrt(beta)] * 2)
        assert momentum_contraction(lr, beta, lam) == pytest.approx(math.sqrt(beta))
    assert lab["momentum_factor"] == pytest.approx(math.sqrt(beta))
    # the spiral, measured without noise: GD converges within a few steps, momentum's
    # loss shrinks by about β per step (its error by √β) and is still far off at step 50
    assert lab["gd_exact"].status == "converged" and lab["gd_exact"].step < 20
    assert lab["decay"] == pytest.approx(beta, abs=0.01)
    assert lab["momentum_gaps"][50] > 0.1
    assert lab["momentum_exact"].step > 10 * lab["gd_exact"].step
    # the noise: with mini-batches momentum sits far above its noiseless path at step 50
    assert lab["scaled_runs"]["Momentum"][50] > 100 * lab["momentum_gaps"][50]
    html = built_lab_text()
    assert "mainly amplifies the noise" not in html
    assert "Momentum now hurts, for two reasons." in html


def test_the_lab_is_a_jupytext_notebook_with_a_python_kernel():
    import jupytext
    nb = jupytext.read(DOCS / "optimizers" / "lab.py")
    assert nb.metadata["kernelspec"]["language"] == "python"
    assert sum(c.cell_type == "code" for c in nb.cells) >= 6


# ------------------------------------------------------------ the lab in the build

def jupyter_plugin_config():
    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    config = yaml.load((ROOT / "mkdocs.yml").read_text(), Loader=Loader)
    entry = next(p for p in config["plugins"] if isinstance(p, dict) and "mkdocs-jupyter" in p)
    return entry["mkdocs-jupyter"]


def test_the_jupyter_plugin_executes_only_the_lab_and_refuses_errors():
    options = jupyter_plugin_config()
    assert options["include"] == ["optimizers/lab.py"]
    assert options["execute"] is True and options["allow_errors"] is False
    assert options["custom_mathjax_url"] == "" and options["cache"] is False


def build_lab(tmp_path, lab_source):
    docs = tmp_path / "docs" / "optimizers"
    docs.mkdir(parents=True)
    (tmp_path / "docs" / "index.md").write_text("# Home\n")
    (docs / "lab.py").write_text(lab_source)
    config = {"site_name": "lab check", "docs_dir": str(tmp_path / "docs"),
              "theme": {"name": "material", "font": False},
              "site_dir": str(tmp_path / "site"),
              "plugins": [{"mkdocs-jupyter": jupyter_plugin_config()}],
              "hooks": [str(ROOT / "scripts" / "lab_hook.py")],
              "nav": [{"Home": "index.md"}, {"Lab": "optimizers/lab.py"}]}
    (tmp_path / "mkdocs.yml").write_text(yaml.safe_dump(config))
    return mkdocs_build(tmp_path / "mkdocs.yml", cwd=tmp_path, timeout=300)


LAB_HEAD = ("# ---\n# jupyter:\n#   kernelspec:\n#     display_name: Python 3\n"
            "#     language: python\n#     name: python3\n# ---\n\n"
            "# %% [markdown]\n# # A lab\n\n# %%\nprint('first cell ran')\n\n")


def test_a_lab_that_runs_builds_with_its_outputs_and_a_relative_download(tmp_path):
    result = build_lab(tmp_path, LAB_HEAD + "# %%\nprint(6 * 7)\n")
    assert result.returncode == 0, result.stdout + result.stderr
    html = (tmp_path / "site" / "optimizers" / "lab" / "index.html").read_text()
    assert "first cell ran" in html and "42" in html
    assert 'href="../lab.ipynb"' in html and (tmp_path / "site" / "optimizers" /
                                              "lab.ipynb").is_file()
    assert "cdnjs" not in html and "mathjax" not in html.lower()


def test_a_failing_lab_cell_fails_the_build(tmp_path):
    result = build_lab(tmp_path, LAB_HEAD + "# %%\nraise RuntimeError('this cell is broken')\n")
    assert result.returncode != 0
    assert "this cell is broken" in result.stdout + result.stderr


def built_lab_text():
    path = SITE / "optimizers" / "lab" / "index.html"
    if not path.is_file():
        pytest.fail(f"no built page at {path}: run `make site`")
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", path.read_text())).split())


def test_the_built_lab_page_has_its_outputs_and_its_notebook():
    html = (SITE / "optimizers" / "lab" / "index.html").read_text()
    # the notebook's figures are files beside the page, not base64 (scripts/lab_hook.py)
    assert not re.search(r'<img\b[^>]*src="data:image/png', html)
    images = re.findall(r'<img alt="([^"]+)"[^>]*src="(output-[0-9a-f]{12}\.png)" width="(\d+)" height="(\d+)"', html)
    assert len(images) == 3 and all(len(alt) > 80 for alt, *_ in images)
    for _, name, width, height in images:
        png = (SITE / "optimizers" / "lab" / name).read_bytes()
        assert png.startswith(b"\x89PNG") and (int(width), int(height)) == struct.unpack(">II", png[16:24])
    assert 'href="../lab.ipynb"' in html
    assert "condition number κ =" in html and "Traceback" not in html
    import json
    nb = json.loads((SITE / "optimizers" / "lab.ipynb").read_text())
    assert nb["nbformat"] == 4 and any("LeastSquares" in "".join(c["source"])
                                       for c in nb["cells"])


def test_every_page_with_exercises_downloads_as_a_notebook():
    for name in LESSON_PAGES:
        _, body, meta = page_namespace(name)
        if any(m["lang"] == "exercise" for m in lesson_hook.FENCE.finditer(body)):
            assert meta.get("notebook") is True, name
            assert (SITE / "optimizers" / name.replace(".md", ".ipynb")).is_file(), name


@pytest.mark.parametrize("name", LESSON_PAGES)
def test_each_notebook_exercise_check_works_on_its_own(name):
    """A notebook's check cell sees the notebook's first cell (the page's `define:` names
    and `from lesson_code import *`), as a reader who opens the notebook and runs the first
    cell does, and nothing else: run each check after that cell alone, with the page's own
    answer (or choice) typed in; it must say "Right", and a wrong answer "Not yet" (a check
    that used a name only the build hook has would raise NameError)."""
    ns, body, meta = page_namespace(name)
    exercises = [lesson_hook.exercise(m["body"], ns)
                 for m in lesson_hook.FENCE.finditer(page_text(name)) if m["lang"] == "exercise"]
    if not exercises:
        assert not meta.get("notebook"), f"{name}: a notebook without exercises"
        return
    nb = json.loads((SITE / "optimizers" / name.replace(".md", ".ipynb")).read_text())
    code = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
    names = {"__name__": "__main__"}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(code[0], f"{name} first cell", "exec"), names)
    checks = [c for c in code if re.match(r"your_(answer|choice) = None", c)]
    assert len(checks) == len(exercises)
    for source, ex in zip(checks, exercises):
        if "choices" in ex:
            blank, typed = "your_choice = None", [ex["answer"] + 1,
                                                 (ex["answer"] + 1) % len(ex["choices"]) + 1]
        else:
            blank, typed = "your_answer = None", [ex["answer"],
                                                 ex["answer"] + 10 * ex["tolerance"]]
        for value, verdict in zip(typed, ("Right", "Not yet")):
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                exec(compile(source.replace(blank, f"{blank.split(' =')[0]} = {value!r}"),
                             f"{name} exercise {ex['id']}", "exec"), dict(names))
            assert out.getvalue().startswith(verdict), (name, ex["id"], out.getvalue())


@pytest.mark.parametrize("name", ["ravine", "adaptive", "practice"])
def test_the_lesson_notebooks_run_top_to_bottom(name):
    import json
    nb = json.loads((SITE / "optimizers" / f"{name}.ipynb").read_text())
    namespace = {"__name__": "__main__"}
    with contextlib.redirect_stdout(io.StringIO()):
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                source = "".join(cell["source"])
                exec(compile(source.replace("your_answer = None", "your_answer = 0"),
                             name, "exec"), namespace)


def test_the_downloaded_lab_notebook_holds_the_code_the_page_ran():
    import json

    import jupytext
    nb = json.loads((SITE / "optimizers" / "lab.ipynb").read_text())
    downloaded = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
    page = [c.source for c in jupytext.read(DOCS / "optimizers" / "lab.py").cells
            if c.cell_type == "code"]
    assert downloaded == page
