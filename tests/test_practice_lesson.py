""""Momentum in practice" says what is true: each fact it states about noise, Nesterov
and schedules is recomputed here with loops, closed forms and numpy written in this file
(not lesson_code's runner or theory), then looked up in the built page's text.

Every `{{ … }}` of the page showing in page order is checked by
tests/test_module_lessons.py (the page is in its PAGES); its typed numbers are scanned there
too. Needs the built site (`make site`).
"""

import re

import numpy as np
import pytest
from lesson_pages import article_text
from mkdocs.utils.meta import get_data
from paths import DOCS, SITE

PAGE = DOCS / "optimizers" / "practice.md"
BODY, META = get_data(PAGE.read_text())
DEFINE = META["define"]
BUILT = SITE / "optimizers" / "practice" / "index.html"
H = np.array([0.1, 10.0])          # the ravine ½(0.1 x² + 10 y²), read off its formula
START = np.array([-8.0, 2.0])
SIGMA, LR, SMALL_LR, BETA = (DEFINE[k] for k in ("sigma", "lr", "small_lr", "beta"))


@pytest.fixture(scope="module")
def text():
    if not BUILT.is_file():
        pytest.fail(f"no built page at {BUILT}: run `make site`")
    return article_text(BUILT.read_text())


def says(text, phrase, *values):
    wanted = phrase.format(*values)
    assert re.sub(r"\s+", "", wanted) in re.sub(r"\s+", "", text), \
        f"the page does not say: {wanted!r}"


def gd_var(lr, lam, sigma=SIGMA):
    return lr * sigma ** 2 / (lam * (2 - lr * lam))


def momentum_var(lr, beta, lam, sigma=SIGMA):
    return lr * sigma ** 2 * (1 + beta) / (lam * (1 - beta) * (2 + 2 * beta - lr * lam))


def floor(var_of):
    """Σ ½ λ V over the ravine's two directions."""
    return sum(0.5 * lam * var_of(lam) for lam in H)


def loop(kind, lr, beta=0.0, steps=1000, sigma=0.0, seed=0, factors=None,
         start=START):
    """A run written out: losses per step, numpy noise, η_t = lr · factors[t]."""
    rng = np.random.default_rng(seed)
    w, v, m, s = start.copy(), np.zeros(2), np.zeros(2), np.zeros(2)
    losses = [0.5 * H @ (w * w)]
    for t in range(steps):
        eta = lr * (1.0 if factors is None else factors[t])
        g = H * w + sigma * rng.standard_normal(2)
        if kind == "sgd":
            w = w - eta * g
        elif kind == "momentum":
            v = beta * v + g
            w = w - eta * v
        elif kind == "nesterov":
            v = beta * v + g
            w = w - eta * (g + beta * v)
        elif kind == "rmsprop":
            s = 0.99 * s + 0.01 * g * g
            w = w - eta * g / (np.sqrt(s) + 1e-8)
        elif kind == "adam":
            m = 0.9 * m + 0.1 * g
            s = 0.999 * s + 0.001 * g * g
            w = w - eta * (m / (1 - 0.9 ** (t + 1))) / (
                np.sqrt(s / (1 - 0.999 ** (t + 1))) + 1e-8)
        if not np.all(np.isfinite(w)) or np.max(np.abs(w)) > 1e6:
            return np.array(losses + [np.inf])
        losses.append(0.5 * H @ (w * w))
    return np.array(losses)


def cosine(steps):
    t = np.arange(steps)
    return 0.5 * (1 + np.cos(np.pi * t / steps))


# ------------------------------------------------------------------ noise

def test_the_noise_table_shows_the_closed_forms(text):
    rows = [("GD", lambda lam: gd_var(LR, lam)),
            ("momentum, LR", lambda lam: momentum_var(LR, BETA, lam)),
            ("momentum, SMALL", lambda lam: momentum_var(SMALL_LR, BETA, lam))]
    for _, var_of in rows:
        says(text, "{:.4f} | {:.3f} | {:.3f}".replace(" | ", " "),
             var_of(H[1]), var_of(H[0]), floor(var_of))


def test_a_long_noisy_run_measures_the_predicted_floor():
    """The page's 'within 3%' claim, with numpy's noise instead of lesson_code's."""
    for kind, lr, beta, var_of in (
            ("sgd", LR, 0.0, lambda lam: gd_var(LR, lam)),
            ("momentum", SMALL_LR, BETA, lambda lam: momentum_var(SMALL_LR, BETA, lam))):
        losses = loop(kind, lr, beta, steps=100_000, sigma=SIGMA, seed=2, start=np.zeros(2))
        assert losses[1000:].mean() == pytest.approx(floor(var_of), rel=0.03)


def test_momentum_at_the_same_eta_sits_higher_and_at_a_tenth_lower(text):
    gd = floor(lambda lam: gd_var(LR, lam))
    assert floor(lambda lam: momentum_var(LR, BETA, lam)) > gd
    fair = floor(lambda lam: momentum_var(SMALL_LR, BETA, lam))
    assert fair < gd / 4
    says(text, "by a factor of about {:.0f}", gd / fair)
    # along the floor the two agree within 1%; across the walls momentum's is about a tenth
    assert momentum_var(SMALL_LR, BETA, H[0]) / gd_var(SMALL_LR / (1 - BETA), H[0]) == \
        pytest.approx(1, abs=0.01)
    ratio = momentum_var(SMALL_LR, BETA, H[1]) / gd_var(SMALL_LR / (1 - BETA), H[1])
    assert 0.09 < ratio < 1 / 9
    says(text, "gradient descent's variance is {:.4f} and momentum's {:.4f}, about a tenth",
         gd_var(SMALL_LR / (1 - BETA), H[1]), momentum_var(SMALL_LR, BETA, H[1]))


def test_the_noisy_races_never_arrive(text):
    says(text, 'the scoreboard says "still running" for both')
    for kind, lr in (("sgd", LR), ("momentum", LR), ("momentum", SMALL_LR)):
        losses = loop(kind, lr, BETA, steps=DEFINE["noisy_steps"], sigma=SIGMA, seed=4)
        assert losses[-100:].min() > 1e-6


# ------------------------------------------------------------------ Nesterov

def nesterov_radius(eta_lam, beta):
    matrix = [[(1 + beta) * (1 - eta_lam), -beta * (1 - eta_lam)], [1, 0]]
    return max(abs(np.linalg.eigvals(np.array(matrix))))


def test_nesterov_ceiling_and_its_race_at_the_momentum_lessons_eta(text):
    # the ceiling: where numpy's spectral radius reaches 1 (bisection on ηλ)
    low, high = 0.01, 3.0
    for _ in range(60):
        mid = (low + high) / 2
        low, high = (mid, high) if nesterov_radius(mid, BETA) < 1 else (low, mid)
    ceiling = low / H[1]
    says(text, "Nesterov needs \\(\\eta < {:.4f}\\)", ceiling)
    assert np.isinf(loop("nesterov", LR, BETA, steps=1000)[-1])
    assert loop("momentum", LR, BETA, steps=1000)[-1] < 1e-6


def test_nesterov_damps_the_walls_and_wins_the_untuned_race(text):
    lr = DEFINE["nag_lr"]
    mom = [[1 + BETA - lr * H[1], -BETA], [1, 0]]
    assert nesterov_radius(lr * H[1], BETA) < max(abs(np.linalg.eigvals(np.array(mom))))
    says(text, "the rate across the walls is {:.3f} per step", nesterov_radius(lr * H[1], BETA))
    # arrival for good: the last step above the tolerance, over a long run
    arrive = {}
    for kind in ("momentum", "nesterov"):
        losses = loop(kind, lr, BETA, steps=3000)
        arrive[kind] = int(np.nonzero(losses > 1e-6)[0][-1]) + 1
    assert arrive["nesterov"] < arrive["momentum"]
    says(text, "Nesterov, at step {} against {}", arrive["nesterov"], arrive["momentum"])


# ------------------------------------------------------------------ schedules

def test_decay_shrinks_the_cloud_far_below_the_floor():
    steps, seeds = DEFINE["sched_steps"], DEFINE["seeds"]
    const = np.mean([loop("sgd", LR, steps=steps, sigma=SIGMA, seed=s)[-1]
                     for s in range(seeds)])
    cos = np.mean([loop("sgd", LR, steps=steps, sigma=SIGMA, seed=s, factors=cosine(steps))[-1]
                   for s in range(seeds)])
    step = np.mean([loop("sgd", LR, steps=steps, sigma=SIGMA, seed=s,
                         factors=0.5 ** (np.arange(steps) // 100))[-1] for s in range(seeds)])
    assert cos < const / 20 and step < const / 20


def test_what_decay_costs_without_noise(text):
    steps = DEFINE["sched_steps"]
    const = loop("sgd", LR, steps=steps)
    cos = loop("sgd", LR, steps=steps, factors=cosine(steps))
    first_for_good = {name: int(np.nonzero(ls > 1e-6)[0][-1]) + 1
                      for name, ls in (("const", const), ("cos", cos))}
    assert first_for_good["const"] < first_for_good["cos"]
    says(text, "arrives in {} steps at a constant rate and in {} with the cosine schedule",
         first_for_good["const"], first_for_good["cos"])
    frozen = loop("sgd", LR, steps=steps, factors=0.5 ** (np.arange(steps) // 100))
    assert frozen[-1] > 1e-3 and abs(frozen[-1] / frozen[-100] - 1) < 0.01  # frozen
    says(text, "gradient descent stops at loss {:.4f}", frozen[-1])


def test_rmsprop_and_adam_settle_under_the_cosine(text):
    steps = DEFINE["adaptive_steps"]
    # at a fixed η RMSProp dips under the tolerance and leaves it again
    fixed = loop("rmsprop", 0.1, steps=steps)
    assert fixed.min() < 1e-6 < fixed[-1]
    for kind, lr in (("rmsprop", 0.1), ("adam", 0.3)):
        decayed = loop(kind, lr, steps=steps, factors=cosine(steps))
        assert decayed[-1] <= 1e-6
        since = int(np.nonzero(decayed > 1e-6)[0][-1]) + 1
        says(text, f"for good from step {since}")


def test_the_exercise_answers_are_the_formulas():
    lr, lam, sigma = DEFINE["ex_lr"], DEFINE["ex_lam"], DEFINE["ex_sigma"]
    assert 0.5 * lam * gd_var(lr, lam, sigma) == pytest.approx(
        lr * sigma ** 2 / (2 * (2 - lr * lam)))
    beta = DEFINE["ex_beta"]
    low, high = 0.01, 3.0
    for _ in range(60):
        mid = (low + high) / 2
        low, high = (mid, high) if nesterov_radius(mid, beta) < 1 else (low, mid)
    assert low / H[1] == pytest.approx((2 + 2 * beta) / ((1 + 2 * beta) * H[1]), rel=1e-6)
    assert DEFINE["ex_eta0"] * 0.5 ** (DEFINE["ex_t"] // 100) == pytest.approx(0.05)
