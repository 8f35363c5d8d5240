"""The Momentum lesson states only what is true: every number on the page, checked.

Two layers. First, every `{{ … }}` of docs/optimizers/momentum.md is evaluated as the hook
does and must show, in page order, in the built HTML. Second, each fact the lesson states
is recomputed here independently (hand-written loops, closed forms, numpy eigenvalues) and
looked up in the built page's text: a test fails when the prose and the mathematics part.
Needs the built site (`make site`, or RAVINE_BUILD=<folder> after `make site BUILD=...`).
"""

import contextlib
import html
import inspect
import io
import json
import math
import os
import re

import nbformat
import numpy as np
import pytest
import yaml
from nbclient import NotebookClient
from lesson_pages import article_text, assert_numbers_in_page_order, setting_lines
from mkdocs.utils.meta import get_data
from paths import DOCS, SITE, load_figures

from scripts import lesson_hook as hook

PAGE = DOCS / "optimizers" / "momentum.md"
SOURCE = PAGE.read_text()
BODY, META = get_data(SOURCE)
BUILT = SITE / "optimizers" / "momentum" / "index.html"

LAM_MIN, LAM_MAX = 0.1, 10.0   # the ravine ½(0.1 x² + 10 y²), read off its formula
LR, START, STEPS, TOL = 0.18, (-8.0, 2.0), 2000, 1e-6


@pytest.fixture(scope="module")
def built_html():
    if not BUILT.is_file():
        pytest.fail(f"no built page at {BUILT}: run `make site`")
    return BUILT.read_text()


@pytest.fixture(scope="module")
def text(built_html):
    """The article's text (alt texts in place), as tests/lesson_pages.py reads it."""
    return article_text(built_html)


def says(text, phrase, *values):
    """The page text contains phrase, with {} filled by values, ignoring whitespace
    (removing tags leaves spaces where the source had none)."""
    wanted = phrase.format(*values)
    assert re.sub(r"\s+", "", wanted) in re.sub(r"\s+", "", text), \
        f"the page does not say: {wanted!r}"


# ---------------------------------------------------------------- the hook's numbers

def test_every_build_time_number_shows_in_page_order(text, built_html):
    """A widget's settings (the navigator's state, a prediction's race) are not text a
    reader sees: test_the_numbers_in_fences_agree_with_the_page_settings checks them."""
    ns = hook.namespace(META, "momentum.md")
    found = hook.expressions(BODY)
    skip = setting_lines(BODY)
    assert len(found) > 60, "the page states its numbers with {{ … }}"
    assert assert_numbers_in_page_order(BODY, ns, text, "momentum.md", skip) == \
        [(line, inner) for line, inner in found if line not in skip]
    assert "{{" not in built_html and "RAVINE-LESSON-SLOT" not in built_html


def test_the_numbers_in_fences_agree_with_the_page_settings():
    define = META["define"]
    assert (define["lr"], define["steps"]) == (LR, STEPS)
    assert eval(define["start"]) == START
    assert (define["beta"], define["beta_short"], define["beta_long"]) == (0.9, 0.5, 0.99)
    # the races take the page's names ({{ lr }}, {{ beta }}, …), never a typed copy
    for m in hook.FENCE.finditer(BODY):
        if m["lang"] in ("navigator", "predict"):
            assert not re.search(r"\b(lr|beta|num_steps): *[\d.]", m["body"]), m["body"]
    substituted = hook.substitute(BODY, hook.namespace(META, "momentum.md", PAGE))
    fences = {m["lang"] + str(i): yaml.safe_load(m["body"])
              for i, m in enumerate(hook.FENCE.finditer(substituted))
              if m["lang"] in ("navigator", "predict")}
    nav = next(f for k, f in fences.items() if k.startswith("navigator"))
    assert (nav["landscape"], nav["lr"], tuple(nav["start"]), nav["num_steps"]) == \
        ("ravine", LR, START, STEPS)
    setups = [f["setup"] for k, f in fences.items() if k.startswith("predict")]
    assert len(setups) == 3
    for setup in setups:
        assert (setup["lr"], tuple(setup["start"]), setup["num_steps"]) == (LR, START, STEPS)
    assert setups[0]["optimizers"] == ["sgd"]
    assert setups[1]["optimizers"] == ["sgd", "momentum"] and setups[1]["beta"] == 0.9
    assert [r["beta"] for r in setups[2]["runs"]] == [0.5, 0.99]
    assert nav["beta"] == 0.9


def test_what_the_page_may_type_is_what_lesson_code_defines():
    """The few numbers and words momentum.md types (tests/test_module_lessons.py, ALLOWED
    and ALLOWED_WORDS) are definitions, checked here against lesson_code."""
    from lesson_code import REGIMES, run, steps_to_shrink
    assert inspect.signature(run).parameters["tol"].default == TOL == 1e-6  # 10^{-6}
    assert inspect.signature(steps_to_shrink).parameters["factor"].default == 10  # tenfold
    assert len(REGIMES) == 4  # "four regimes", "Four ways a direction can move"


def test_the_velocity_cell_is_the_one_the_prose_reports():
    """The cell of "What β controls" is plain Python (no {{ }}); the prose after it quotes
    its output at the page's β and number of gradients, so the cell must use those."""
    cell = next(m["body"] for m in hook.FENCE.finditer(BODY)
                if m["lang"] == "python" and "flipping" in m["body"])
    ns = {}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(cell, ns)
    define = META["define"]
    beta, n = define["beta"], define["demo_n"]
    assert ns["beta"] == beta == 0.9 and n == 50
    assert ns["steady"] == pytest.approx(sum(beta ** k for k in range(n)))
    assert ns["flipping"] == pytest.approx(sum((-1) ** (k + 1) * beta ** k for k in range(n)))


def test_the_figures_draw_what_their_alt_texts_say():
    """The alt texts name the page's η and β with {{ }} and type a few axis ranges; the
    figures (scripts/figures/momentum.py) read the settings from the page's `define:` and
    must draw them: checked here on what each figure draws, against the page."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig_module = load_figures("momentum")
    define = META["define"]
    lr, beta, start = define["lr"], define["beta"], eval(define["start"])
    # the zigzag: GD at the page's η from the page's start
    fig = fig_module.zigzag()
    path = [line for line in fig.axes[0].get_lines() if "GD" in line.get_label()][0]
    assert (path.get_xdata()[0], path.get_ydata()[0]) == start
    assert f"η = {lr:g}" in path.get_label()
    plt.close(fig)
    # "for momentum with beta 0.5, 0.75 and 0.9" (0.75 is the figure's own, typed)
    fig = fig_module.rate_figure()
    labels = [line.get_label() for line in fig.axes[0].get_lines()]
    assert [label for label in labels if label.startswith("momentum")] == [
        f"momentum, β = {b:g}" for b in (define["beta_short"], 0.75, beta)]
    assert fig.axes[1].get_title() == f"Against β at η = {lr:g}"
    plt.close(fig)
    # the EMA weights: one curve per β of the page's EMA demo
    fig = fig_module.ema_figure()
    labels = [line.get_label() for line in fig.axes[0].get_lines()]
    assert [label.split(":")[0] for label in labels if label.startswith("β")] == [
        f"β = {b:g}" for b in define["ema_betas"]]
    plt.close(fig)
    # the errors by direction: the page's dir_steps of GD and of momentum at its η and β
    fig = fig_module.error_by_direction_figure()
    assert [ax.get_title() for ax in fig.axes] == [f"GD, η = {lr:g}",
                                                  f"momentum, β = {beta:g}, η = {lr:g}"]
    assert {len(line.get_xdata()) for ax in fig.axes for line in ax.get_lines()} == {
        define["dir_steps"] + 1}
    plt.close(fig)
    # the rate figure: "the learning rate from 0.01 to 0.4"
    fig = fig_module.rate_figure()
    xs = [x for line in fig.axes[0].get_lines() for x in line.get_xdata()
          if len(line.get_xdata()) > 20]
    assert (min(xs), max(xs)) == pytest.approx((0.01, 0.4))
    plt.close(fig)
    # the rate map: "(horizontal, 0 to 0.4) and beta (vertical, 0 to 0.99)"
    fig = fig_module.rate_map_figure()
    ax = fig.axes[0]
    assert ax.get_xlim() == pytest.approx((0, 0.4))
    walk = [line for line in ax.get_lines() if "walk-through" in line.get_label()][0]
    assert sorted(walk.get_ydata()) == [define["beta_short"], define["beta"],
                                        define["beta_long"]]  # "the three races"
    mesh = [c for c in ax.collections if hasattr(c, "get_coordinates")][0]
    betas = mesh.get_coordinates()[:, 0, 1]
    assert (min(betas), max(betas)) == pytest.approx((0, 0.99), abs=0.01)
    plt.close(fig)
    # the regimes: "log scale from 0.001 to about 5", "beta (vertical, 0 to 0.99)", the
    # ravine's directions at the page's η and β
    fig = fig_module.regimes_figure()
    ax = fig.axes[0]
    low, high = ax.get_xlim()
    assert low == pytest.approx(0.001, rel=0.05) and round(high) == 5
    assert ax.get_ylim() == pytest.approx((0, 0.99))
    notes = [t.get_text() for t in ax.texts if "ravine" in t.get_text()]
    assert notes and all(f"β = {define['beta']:g}" in t for t in notes)
    plt.close(fig)


# ---------------------------------------------------------------- independent oracles

def f(x, y):
    return 0.5 * (LAM_MIN * x * x + LAM_MAX * y * y)


def heavy_ball(lr, beta, num_steps=STEPS, tol=TOL, start=START):
    """Momentum written out by hand (beta = 0: gradient descent): the points of
    num_steps steps, and the step from which f stays within tol for good, judged on a
    run ten times as long (None if that is not within num_steps)."""
    points, first = first_within(lr, beta, 10 * num_steps, tol, start)
    gaps = [f(x, y) for x, y in points]
    outside = [k for k, gap in enumerate(gaps) if gap > tol]
    good = outside[-1] + 1 if outside else 0
    return points[:num_steps + 1], (good if good <= num_steps else None)


def first_within(lr, beta, num_steps=STEPS, tol=TOL, start=START):
    """The points of num_steps steps of momentum written out by hand, and the first
    step at which f is within tol (None if never)."""
    x, y = start
    vx = vy = 0.0
    points = [(x, y)]
    for _ in range(num_steps):
        vx, vy = beta * vx + LAM_MIN * x, beta * vy + LAM_MAX * y
        x, y = x - lr * vx, y - lr * vy
        points.append((x, y))
    first = next((k for k, (x, y) in enumerate(points) if f(x, y) <= tol), None)
    return points, first


def spectral_radius(lr, beta, lam):
    """numpy's eigenvalues of momentum's 2 × 2 iteration matrix along eigenvalue lam."""
    return max(abs(np.linalg.eigvals([[1 + beta - lr * lam, -beta], [1.0, 0.0]])))


def tenfold(rate):
    """Smallest n with rateⁿ ≤ 1/10, by counting."""
    n, e = 0, 1.0
    while e > 0.1:
        e *= rate
        n += 1
    return n


def test_the_ravine_its_eigenvalues_and_condition_number(text):
    says(text, r"f(x, y) = \tfrac12\left({}\,x^2 + {}\,y^2\right)", "0.1", "10")
    # the Hessian by finite differences of the gradient the page writes down
    grad = lambda x, y: np.array([LAM_MIN * x, LAM_MAX * y])
    h = 1e-4
    hessian = np.column_stack([(grad(h, 0) - grad(-h, 0)) / (2 * h),
                               (grad(0, h) - grad(0, -h)) / (2 * h)])
    lam = sorted(np.linalg.eigvalsh(hessian))
    assert lam == pytest.approx([LAM_MIN, LAM_MAX])
    says(text, r"\lambda_{{\min}} = {}\) along \(x\)", "0.1")
    says(text, r"\kappa = \lambda_{{\max}}/\lambda_{{\min}} = {}\)", f"{lam[1] / lam[0]:.0f}")


def test_why_gradient_descent_bounces_and_crawls(text):
    across, along = 1 - LR * LAM_MAX, 1 - LR * LAM_MIN
    says(text, r"1 - 0.18 \times 10 = {}", f"{across:.1f}")
    says(text, r"1 - 0.18 \times 0.1 = {}", f"{along:.3f}")
    says(text, "removes only {} of the remaining distance", f"{LR * LAM_MIN:.1%}")
    says(text, "in \\(y\\) tenfold takes {} steps; in \\(x\\) it takes {}.",
         tenfold(abs(across)), tenfold(along))
    says(text, r"\eta > 2/\lambda_{{\max}} = {}\)", f"{2 / LAM_MAX:.1f}")
    assert abs(1 - (2 / LAM_MAX + 1e-9) * LAM_MAX) > 1  # past it, the bounce grows
    _, steps = heavy_ball(LR, 0.0)
    says(text, "gradient descent needs {} steps to bring the loss within", steps)


def test_the_ema_facts(text):
    weights = [(1 - 0.9) * 0.9 ** k for k in range(11)]
    says(text, "the newest value gets {}, and the one from ten steps back gets {}, about "
         "a third as much", f"{weights[0]:.1f}", f"{weights[10]:.4f}")
    assert 0.3 < weights[10] / weights[0] < 0.37
    says(text, "{} for \\(\\beta = 0.9\\) , {} for \\(\\beta = 0.99\\) and {} for",
         *(f"{1 / (1 - b):.0f}" for b in (0.9, 0.99, 0.999)))
    says(text, "the newest ten values hold {} of the total weight",
         f"{sum(weights[:10]):.0%}")


def test_exercise_ema_by_hand(built_html):
    ex = exercise(built_html, "ema-by-hand")
    assert float(ex["data-answer"]) == pytest.approx(1 / (1 - 0.95))
    assert float(ex["data-tolerance"]) == 0.5
    assert "0.95" in ex["html"] and "readings" in ex["html"]
    third = 0.05 * 0.95 ** 20
    assert f"{third:.4f}" in ex["html"] and 0.3 < third / 0.05 < 0.37


def test_exercise_momentum_by_hand(built_html):
    v1 = 0.9 * 1.0 + 3.0
    v2 = 0.9 * v1 + 1.0
    v3 = 0.9 * v2 - 2.0
    ex = exercise(built_html, "momentum-by-hand")
    assert float(ex["data-answer"]) == pytest.approx(v3)
    assert float(ex["data-tolerance"]) == 0.01
    for value in (f"{v1:.2f}", f"{v2:.2f}", f"{v3:.6g}", f"{-0.05 * v3:.5f}"):
        assert value in ex["html"], value
    assert v3 > 0 and -0.05 * v3 < 0  # "still moves in the negative direction"


def exercise(built_html, name):
    m = re.search(rf'<section class="ravine-exercise" id="{name}"(.*?)</section>',
                  built_html, re.S)
    attrs = dict(re.findall(r'(data-[a-z-]+)="([^"]*)"', m.group(1).split(">", 1)[0]))
    return {**attrs, "html": html.unescape(m.group(1))}


def test_the_two_conventions_give_the_same_iterates(text):
    beta = 0.9
    lr_ema = LR / (1 - beta)
    says(text, r"\eta = 0.18\) corresponds to \(\eta' = {}\)", f"{lr_ema:.1f}")
    ours, _ = heavy_ball(LR, beta, num_steps=50, tol=-1)
    x, y = START
    mx = my = 0.0
    for k in range(50):
        mx, my = beta * mx + (1 - beta) * LAM_MIN * x, beta * my + (1 - beta) * LAM_MAX * y
        x, y = x - lr_ema * mx, y - lr_ema * my
        assert (x, y) == pytest.approx(ours[k + 1], rel=1e-9, abs=1e-12)


def test_the_walkthrough_races(text, built_html):
    gd_points, gd_steps = heavy_ball(LR, 0.0)
    mom_points, mom_steps = heavy_ball(LR, 0.9)
    half, _ = heavy_ball(LR, 0.5)
    long_, _ = heavy_ball(LR, 0.99)
    half_steps, long_steps = heavy_ball(LR, 0.5)[1], heavy_ball(LR, 0.99)[1]
    assert mom_steps < gd_steps and half_steps < long_steps
    says(text, "Gradient descent arrives after {} steps", gd_steps)
    overshoot = max(p[0] for p in mom_points)
    assert overshoot > 0 and all(p[0] <= 0 for p in gd_points)
    says(text, r"reaching \(x \approx {}\)", f"{overshoot:.1f}")
    mom_first = first_within(LR, 0.9)[1]
    assert mom_first < mom_steps
    # "while the spiral is still crossing the minimum": x changes sign after mom_first
    assert any(p[0] * q[0] < 0 for p, q in zip(mom_points[mom_first:mom_steps],
                                             mom_points[mom_first + 1:mom_steps + 1]))
    says(text, r"first dips within \(10^{{-6}}\) at step {}, while the spiral is still "
         "crossing the minimum, and stays from step {}: that is when it has arrived, "
         "against step {} for gradient descent", mom_first, mom_steps, gd_steps)
    says(text, r"\(\beta = 0.5\) arrives after {} steps, \(\beta = 0.99\) after {}",
         half_steps, f"{long_steps:,}")
    long_first = first_within(LR, 0.99)[1]
    assert long_[long_first - 1][0] * long_[long_first][0] < 0  # "as the orbit crosses"
    assert round(1 / (1 - 0.99)) == 100
    says(text, r"With \(\beta = 0.99\) the velocity remembers about a hundred steps")
    says(text, r"first dips within \(10^{{-6}}\) at step {}, as the orbit crosses the "
         "minimum, and climbs back out: it stays only from step {}", long_first,
         f"{long_steps:,}")
    says(text, r"\(x \approx {}\)", f"{max(p[0] for p in long_):.1f}")
    # "The bouncing across the ravine is gone within the first few dozen" (steps)
    calm = next(k for k in range(len(gd_points))
                if all(abs(p[1]) < 1e-3 for p in gd_points[k:]))
    assert 24 <= calm < 48
    says(text, "The bouncing across the ravine is gone within the first few dozen;")
    # the predictions' answers: About 400; yes, it overshoots; β = 0.5
    answers = [int(a) for a in re.findall(r'data-ravine-predict data-navigator-id="'
                                          r'walkthrough"[^>]*data-answer="(\d)"', built_html)]
    closest = min(range(3), key=lambda i: abs(math.log([40, 400, 4000][i] / gd_steps)))
    assert answers == [closest, 0, 0] == [1, 0, 0]
    for choice in ("About 40", "About 400", "About 4000", "β = 0.5", "β = 0.99"):
        assert f"> {choice}</label>" in built_html, choice


def test_what_beta_controls(text):
    beta = 0.9
    says(text, r"\(\beta = 0.9\) means {} of each update is the previous update",
         f"{beta:.0%}")
    says(text, "The velocity keeps {} of its old value", f"{beta:.0%}")
    steady = sum(beta ** k for k in range(50))
    flipping = sum((-1) ** (k + 1) * beta ** k for k in range(50))
    says(text, r"\(v = {}\) , close to the limit {}", f"{steady:.3f}", f"{1 / (1 - beta):.0f}")
    says(text, r"\(v = {}\)", f"{flipping:.3f}")
    # alternating gradients: v settles at ±g/(1+β), a limit and not a bound (v₁ = g is
    # above it; odd steps come down to it, even steps up to it)
    limit = 1 / (1 + beta)
    assert limit < 0.55  # "about half a gradient"
    vs, v = [], 0.0
    for t in range(1, 51):
        v = beta * v + (1.0 if t % 2 else -1.0)
        vs.append(v)
    assert vs[0] == 1.0 > limit
    for t, v in enumerate(vs, start=1):
        assert abs(v) == pytest.approx(limit * (1 + (beta ** t if t % 2 else -beta ** t)))
        assert (abs(v) > limit) == (t % 2 == 1)
    gaps = [abs(abs(v) - limit) for v in vs]
    assert all(b < a for a, b in zip(gaps, gaps[1:])) and gaps[-1] < 0.01 * limit
    assert vs[-1] == pytest.approx(flipping)
    says(text, r"That is a limit, not a ceiling: the first step already gives \(v_1 = g\)")
    assert "never grows beyond" not in text
    says(text, r"near the limit \(-{}\)", f"{limit:.3f}")
    # the memory β·v₄₉ cancels about half of the newest gradient −1
    memory = beta * vs[-2]
    assert memory - 1.0 == pytest.approx(flipping) and 0.4 < memory < 0.6
    says(text, r"\(\beta v_{{49}} = {}\) cancels {} of the newest gradient, \(-1\) , so the "
         "velocity ends up about half a gradient", f"{memory:.3f}", f"{memory:.0%}")
    assert "barely dented" not in text
    says(text, r"which is {} times \(\eta\)", f"{1 / (1 - beta):.0f}")


def test_the_convergence_story(text):
    beta = 0.9
    says(text, r"(here \({}\))", f"{2 / LAM_MAX:.1f}")
    # momentum's ceiling: stable just below (2 + 2β)/λ_max, unstable just above
    ceiling = (2 + 2 * beta) / LAM_MAX
    assert spectral_radius(ceiling * 0.999, beta, LAM_MAX) < 1 < \
        spectral_radius(ceiling * 1.001, beta, LAM_MAX)
    says(text, r"rises by a factor \(1 + \beta\) , to \({}\) at \(\beta = 0.9\)",
         f"{ceiling:.2f}")
    # complex roots have |z| = √β in both directions
    for lam in (LAM_MIN, LAM_MAX):
        assert spectral_radius(LR, beta, lam) == pytest.approx(math.sqrt(beta))
    says(text, r"\sqrt{{0.9}} \approx {}\)", f"{math.sqrt(beta):.4f}")
    # critical damping: the best β for this η along λ_min, with rate 1 − √(ηλ)
    beta_c = (1 - math.sqrt(LR * LAM_MIN)) ** 2
    grid = np.linspace(0, 0.99, 991)
    best = grid[np.argmin([spectral_radius(LR, b, LAM_MIN) for b in grid])]
    assert best == pytest.approx(beta_c, abs=2e-3)
    assert spectral_radius(LR, beta_c, LAM_MIN) == pytest.approx(1 - math.sqrt(LR * LAM_MIN),
                                                                 rel=1e-6)
    _, crit_steps = heavy_ball(LR, beta_c)
    _, gd_steps = heavy_ball(LR, 0.0)
    says(text, r"exactly \(|1 - \sqrt{{\eta\lambda}}|\) (for \(0 < \eta\lambda < 4\) )")
    for lr_lam in (0.01, 0.5, 1.0, 2.5, 3.9):  # also where 1 − √(ηλ) < 0
        b = (1 - math.sqrt(lr_lam)) ** 2
        assert spectral_radius(lr_lam, b, 1.0) == pytest.approx(abs(1 - math.sqrt(lr_lam)),
                                                                abs=1e-6)
    says(text, r"that is \(\beta = {}\) with rate \({}\) in place of \({}\) , and the race "
         r"from \((-8, 2)\) then arrives after {} steps instead of {}.",
         f"{beta_c:.3f}", f"{1 - math.sqrt(LR * LAM_MIN):.3f}", f"{1 - LR * LAM_MIN:.3f}",
         crit_steps, gd_steps)


def test_the_optimal_rates_and_the_square_root(text):
    kappa = LAM_MAX / LAM_MIN
    gd_rate, mom_rate = (kappa - 1) / (kappa + 1), (math.sqrt(kappa) - 1) / (math.sqrt(kappa) + 1)
    assert gd_rate == pytest.approx(99 / 101) and mom_rate == pytest.approx(9 / 11)
    says(text, r"\frac{{\kappa - 1}}{{\kappa + 1}} = \frac{{99}}{{101}} \approx {}",
         f"{gd_rate:.3f}")
    says(text, r"\frac{{\sqrt\kappa - 1}}{{\sqrt\kappa + 1}} = \frac{{9}}{{11}} \approx {}",
         f"{mom_rate:.3f}")
    lr_gd = 2 / (LAM_MIN + LAM_MAX)
    says(text, r"= {}\) , balances", f"{lr_gd:.3f}")
    # a search over (η, β) finds nothing better than the closed forms
    lrs, betas = np.linspace(0.01, 0.39, 153), np.linspace(0, 0.95, 96)
    worst = lambda lr, b: max(spectral_radius(lr, b, LAM_MIN), spectral_radius(lr, b, LAM_MAX))
    assert min(worst(lr, b) for lr in lrs for b in betas) >= mom_rate - 1e-9
    assert min(worst(lr, 0.0) for lr in lrs) >= gd_rate - 1e-9
    lr_m = 4 / (math.sqrt(LAM_MAX) + math.sqrt(LAM_MIN)) ** 2
    assert worst(lr_m, mom_rate ** 2) == pytest.approx(mom_rate, abs=1e-6)
    says(text, r"= {}\) and \(\beta^* = ", f"{lr_m:.3f}")
    says(text, r"= {}\) give the rate", f"{mom_rate ** 2:.3f}")
    says(text, "the best gradient descent needs {} steps and the best momentum {}.",
         tenfold(gd_rate), tenfold(mom_rate))


def test_measured_rates_match_the_prediction(text):
    def rate(beta):
        points, _ = heavy_ball(LR, beta, num_steps=600, tol=-1)
        l0, l1 = f(*points[300]), f(*points[600])
        return (l1 / l0) ** (1 / 600)
    says(text, r"steps 300 to 600 shrink the error by \({}\) per step for gradient descent "
         r"(predicted \({}\))",
         f"{rate(0.0):.4f}", f"{1 - LR * LAM_MIN:.4f}")
    says(text, r"and \({}\) for momentum with \(\beta = 0.9\) (predicted \({}\))",
         f"{rate(0.9):.4f}", f"{math.sqrt(0.9):.4f}")
    assert rate(0.0) == pytest.approx(1 - LR * LAM_MIN, abs=1e-4)
    assert rate(0.9) == pytest.approx(math.sqrt(0.9), abs=5e-3)


def test_the_embedding_example(text):
    lam_the, lam_rare = 10.0, 0.01
    says(text, r'\(\lambda = {}\) for "the" and \(\lambda = {}\) for the rare word, a '
         "condition number of {}.", "10", "0.01", f"{lam_the / lam_rare:.0f}")
    says(text, r"\eta < 2/10 = {}\)", f"{2 / lam_the:.1f}")
    slow = 1 - LR * lam_rare
    says(text, r"shrinks its error by only \({}\) per step: {} steps", f"{slow:.4f}",
         f"{tenfold(slow):,}")
    # momentum at η*, β* for λ = 10 and 0.01 (Polyak): rate (√κ − 1)/(√κ + 1)
    root = math.sqrt(lam_the / lam_rare)
    best = (root - 1) / (root + 1)
    says(text, r"\(\eta^* = {}\) and \(\beta^* = {}\) , contracts both rows by "
         r"\((\sqrt\kappa - 1)/(\sqrt\kappa + 1) = {}\) per step: {} steps",
         f"{4 / (math.sqrt(lam_the) + math.sqrt(lam_rare)) ** 2:.3f}", f"{best ** 2:.3f}",
         f"{best:.3f}", tenfold(best))
    assert tenfold(best) > 3 * tenfold(0.8)
    says(text, r"(\(|1 - \eta\lambda| = {}\) )", f"{abs(1 - 10 * lam_the):.0f}")
    # η_i = 1.8/λ_i gives every row the factor |1 − 1.8| = 0.8
    says(text, r"\eta_i = {}/\lambda_i\) , both would contract by \({}\) per step and "
         "improve tenfold in {} steps", "1.8", "0.8", tenfold(0.8))


def test_links_to_the_neighbouring_lessons_and_further_reading(built_html):
    assert 'href="../ravine/"' in built_html and 'href="../adaptive/"' in built_html
    assert 'href="https://distill.pub/2017/momentum/"' in built_html


# ---------------------------------------------------------------- the notebook

def test_the_page_links_its_notebook_relatively(built_html):
    link = re.search(r'<a[^>]*class="ravine-notebook"[^>]*>', built_html).group(0)
    href = re.search(r'href="([^"]+)"', link).group(1)
    assert href == "../momentum.ipynb" and "download" in link
    assert (BUILT.parent / href).resolve() == (SITE / "optimizers" / "momentum.ipynb")


def test_the_notebook_runs_top_to_bottom(tmp_path, monkeypatch):
    path = SITE / "optimizers" / "momentum.ipynb"
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert "{{" not in path.read_text()
    # links to the neighbouring lessons point at their pages on the site
    prose = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert re.search(r"\]\(https?://[^)]*/optimizers/ravine/\)", prose)
    assert re.search(r"\]\(https?://[^)]*/optimizers/adaptive/\)", prose)
    kinds = [c.cell_type for c in nb.cells]
    assert kinds.count("code") >= 6 and kinds[0] == "markdown"
    for name in ("HOME", "IPYTHONDIR", "JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR",
                 "JUPYTER_RUNTIME_DIR"):
        monkeypatch.setenv(name, str(tmp_path / name.lower()))
    NotebookClient(nb, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    out = "\n".join(o.get("text", "") for c in nb.cells if c.cell_type == "code"
                    for o in c.outputs)
    assert not [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
                if o.output_type == "error"]
    _, gd_steps = heavy_ball(LR, 0.0)
    assert f"GD: converged at step {gd_steps}" in out
    assert "constant: v = 9.948" in out


def test_momentum_bounces_longer_across_the_ravine_than_gd(text):
    """At η = 0.18, β = 0.9 the y error shrinks by √β ≈ 0.949 per step against GD's
    |1 − ηλ_max| = 0.8: momentum makes its own, slower oscillation across the walls."""
    assert spectral_radius(LR, 0.9, LAM_MAX) == pytest.approx(math.sqrt(0.9))
    assert spectral_radius(LR, 0.9, LAM_MAX) > abs(1 - LR * LAM_MAX)
    gd, _ = first_within(LR, 0.0)
    mom, _ = first_within(LR, 0.9)
    says(text, r"gradient descent's bounce is down to \(|y| = {}\) and momentum's is still "
         r"\(|y| = {}\)", f"{abs(gd[30][1]):.4f}", f"{abs(mom[30][1]):.2f}")

    def calm(points):
        return next(k for k in range(len(points))
                    if all(abs(p[1]) < 1e-3 for p in points[k:]))
    says(text, "stays below a thousandth from step {} on, momentum's only from step {}",
         calm(gd), calm(mom))
    # β up to (1 − ηλ)² … 0.64 beats GD across (√β < 0.8 once the roots are complex)
    limit = max(b / 1000 for b in range(1000)
                if spectral_radius(LR, b / 1000, LAM_MAX) < abs(1 - LR * LAM_MAX))
    assert 0.8 ** 2 - 0.0015 < limit < 0.8 ** 2   # the grid point just below 0.64
    says(text, r"any \(\beta\) up to {} shrinks the \(y\) error faster", f"{limit:.3f}")


# ---------------------------------------------------------------- the deeper lesson

def exercises_by_id():
    ns = hook.namespace(META, "momentum.md", PAGE)
    return {yaml.safe_load(m["body"])["id"]: hook.exercise(m["body"], ns)
            for m in hook.FENCE.finditer(BODY) if m["lang"] == "exercise"}


def test_the_derivation_exercises_have_independent_answers():
    ex = exercises_by_id()
    # β* for κ = 25: ((√25 − 1)/(√25 + 1))² = (4/6)²
    assert ex["derive-beta-star"]["answer"] == pytest.approx((4 / 6) ** 2)
    # critical damping at η = 0.05, λ = 2: (1 − √0.1)²
    assert ex["critical-beta"]["answer"] == pytest.approx((1 - math.sqrt(0.1)) ** 2)
    # η* for λ = 1 and 16: 4/(4 + 1)²; and both ends on the window's edges
    lr = ex["best-learning-rate"]["answer"]
    assert lr == pytest.approx(4 / 25)
    root_beta = (4 - 1) / (4 + 1)
    assert lr * 1 == pytest.approx((1 - root_beta) ** 2)
    assert lr * 16 == pytest.approx((1 + root_beta) ** 2)
    # the ceiling with β = 0.8 on the ravine: found by bisection on numpy's roots
    lo, hi = 0.1, 1.0
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if spectral_radius(mid, 0.8, LAM_MAX) < 1 else (lo, mid)
    assert ex["momentum-ceiling"]["answer"] == pytest.approx(lo, abs=1e-9)
    # at the ceiling itself the run never converges (|z| = 1): no largest η exists, so
    # the question asks for the rate below which it converges
    assert spectral_radius((2 + 2 * 0.8) / LAM_MAX, 0.8, LAM_MAX) == pytest.approx(1.0)
    question = ex["momentum-ceiling"]["question"]
    assert "learning rate below" in question and "largest" not in question
    # κ = 10,000: tenfold steps for best GD over best momentum, by counting
    ratio = tenfold((1e4 - 1) / (1e4 + 1)) / tenfold((100 - 1) / (100 + 1))
    assert ex["kappa-against-root-kappa"]["answer"] == pytest.approx(ratio)
    assert 90 < ratio < 110  # "close to √κ = 100"


def test_the_regime_exercise_is_a_spiral_near_the_edge():
    ex = exercises_by_id()["predict-regime"]
    x, beta = 3.85, 0.95
    roots = np.roots([1, -(1 + beta - x), beta])
    assert np.all(np.abs(roots.imag) > 0) and max(abs(roots)) < 1  # complex: a spiral
    assert ex["choices"][ex["answer"]] == "It spirals in"
    assert x < 2 + 2 * beta < x + 0.1  # "close to the edge of stability"


def test_the_square_root_derivation(text):
    # step 1: the recurrence's coefficients, from the update written out by hand
    lam, beta = LAM_MAX, 0.9
    e0 = 1.0
    v1 = lam * e0
    e1 = e0 - LR * v1
    v2 = beta * v1 + lam * e1
    e2 = e1 - LR * v2
    assert e2 == pytest.approx((1 + beta - LR * lam) * e1 - beta * e0)
    says(text, r"along the walls they are \({}\) and \({}\)", f"{1 + beta - LR * lam:.1f}",
         f"{-beta:g}")
    # step 2: the window of complex roots at β = 0.9, and both ravine directions in it
    low, high = (1 - math.sqrt(beta)) ** 2, (1 + math.sqrt(beta)) ** 2
    says(text, r"that window runs from \({}\) to \({}\)", f"{low:.4f}", f"{high:.2f}")
    for lam in (LAM_MIN, LAM_MAX):
        assert low < LR * lam < high
        assert spectral_radius(LR, beta, lam) == pytest.approx(math.sqrt(beta))
    # step 4: the optimum puts both ends on the window's edges (numpy roots equal there)
    lr_star = 4 / (math.sqrt(LAM_MAX) + math.sqrt(LAM_MIN)) ** 2
    beta_star = ((10 - 1) / (10 + 1)) ** 2
    for lam in (LAM_MIN, LAM_MAX):
        roots = np.roots([1, -(1 + beta_star - lr_star * lam), beta_star])
        assert roots[0] == pytest.approx(roots[1], abs=1e-6)
    says(text, r"\(\beta^* = {}\) , \(\eta^* = {}\)", f"{beta_star:.3f}", f"{lr_star:.3f}")


def test_the_error_by_direction_claims(text):
    gd, _ = first_within(LR, 0.0, num_steps=300, tol=-1)
    mom, _ = first_within(LR, 0.9, num_steps=300, tol=-1)
    below = next(k for k in range(301) if all(abs(p[1]) < 1e-6 for p in gd[k:]))
    assert below < 100 and abs(gd[-1][0]) > 0.01  # "the floor alone sets the pace"
    rate = (abs(mom[300][0]) / abs(mom[100][0])) ** (1 / 200)
    assert rate == pytest.approx(math.sqrt(0.9), abs=1e-3)
    says(text, r"from step 100 to step 300 the error along the floor shrinks by \({}\) per "
         "step", f"{rate:.4f}")
