"""Facts about runs: the stability thresholds, how runs end, the rate."""

import math

import numpy as np
import pytest

from lesson_code import (adam, get_landscape, momentum, momentum_contraction,
                         measured_rate, narrow_ravine, nesterov,
                         nesterov_max_lr, race, rmsprop, run, sgd)
from lesson_code.runner import FAR, MAX_STEPS

RAVINE = get_landscape("ravine")
LAM_MIN, LAM_MAX = RAVINE.eigenvalues


@pytest.mark.parametrize("scape", [RAVINE, narrow_ravine(kappa=10.0)],
                         ids=["kappa 100", "kappa 10"])
def test_gd_converges_just_below_two_over_lam_max_and_diverges_above(scape):
    limit = 2.0 / scape.eigenvalues[1]
    below = run(sgd(0.99 * limit), scape, num_steps=5000)
    above = run(sgd(1.01 * limit), scape, num_steps=5000)
    assert below.status == "converged", below.message
    assert above.status == "diverged", above.message


@pytest.mark.parametrize("beta", [0.0, 0.5, 0.9, 0.99])
def test_momentum_converges_below_2_plus_2beta_over_lam_max_not_above(beta):
    limit = (2.0 + 2.0 * beta) / LAM_MAX
    below = run(momentum(0.99 * limit, beta), RAVINE, num_steps=5000)
    above = run(momentum(1.01 * limit, beta), RAVINE, num_steps=5000)
    assert below.status == "converged", below.message
    assert above.status == "diverged", above.message


@pytest.mark.parametrize("beta", [0.5, 0.9])
def test_nesterov_is_stable_up_to_its_own_smaller_limit(beta):
    limit = nesterov_max_lr(beta, LAM_MAX)
    assert limit < (2 + 2 * beta) / LAM_MAX
    assert run(nesterov(0.99 * limit, beta), RAVINE,
               num_steps=5000).status == "converged"
    assert run(nesterov(1.01 * limit, beta), RAVINE,
               num_steps=5000).status == "diverged"


@pytest.mark.parametrize("lr, beta", [(0.1, 0.0), (0.15, 0.0), (0.1, 0.5),
                                      (0.05, 0.8), (0.02, 0.3)])
def test_measured_rate_matches_the_spectral_radius(lr, beta):
    """The error shrinks per step by max over λ of the iteration matrix's
    spectral radius (the slow mode dominates once the fast one has died)."""
    theory = max(momentum_contraction(lr, beta, lam)
                 for lam in RAVINE.eigenvalues)
    traj = run(momentum(lr, beta), RAVINE, num_steps=3000, tol=1e-200)
    assert measured_rate(traj) == pytest.approx(theory, rel=1e-3)


def test_w_iterates_obey_the_two_step_recurrence_on_a_quadratic():
    """w_{t+1} = (1 + β − ηλ) w_t − β w_{t−1}, coordinate by coordinate."""
    lr, beta = 0.12, 0.7
    pts = np.array(run(momentum(lr, beta), RAVINE, num_steps=60).points)
    for axis, lam in enumerate((LAM_MIN, LAM_MAX)):
        w = pts[:, axis]
        predicted = (1 + beta - lr * lam) * w[1:-1] - beta * w[:-2]
        assert np.allclose(w[2:], predicted, rtol=1e-12, atol=1e-12)


def test_a_run_that_never_left_reports_one_step():
    traj = run(sgd(0.1), RAVINE, num_steps=1000, tol=1e-6)
    assert traj.status == "converged" and traj.first == traj.step
    assert traj.message == f"converged at step {traj.step}"
    # the runner goes on past k until it can prove the run stays
    assert len(traj.points) > traj.step + 1
    assert max(traj.losses[traj.step:]) <= 1e-6 < min(traj.losses[:traj.step])


def test_a_spiral_that_dips_under_the_tolerance_is_not_arrived_yet():
    traj = run(momentum(0.18, 0.9), RAVINE, num_steps=1000, tol=1e-6)
    assert traj.status == "converged" and traj.first < traj.step
    assert traj.message == (f"converged: first within tolerance at step "
                            f"{traj.first}, for good from step {traj.step}")
    assert traj.losses[traj.first] <= 1e-6 < traj.losses[traj.step - 1]


def test_a_run_that_dipped_and_left_is_still_running():
    traj = run(momentum(0.18, 0.99), RAVINE, num_steps=1000)
    assert traj.status == "running" and traj.first is not None
    assert traj.message == (f"still running: within tolerance at step "
                            f"{traj.first}, then out again")
    assert traj.losses[-1] > 1e-6


# ---- Arrival is for good: the runner against independent loops ----------

def _loop(name, hp, grad, w, n):
    """The optimizers' update rules, written out again from torch.optim's
    documentation, independently of lesson_code; the points of n steps."""
    lr = hp["lr"]
    v = m = s = [0.0] * len(w)
    points = [tuple(w)]
    for t in range(1, n + 1):
        g = grad(w)
        if name == "sgd":
            d = [lr * gi for gi in g]
        elif name in ("momentum", "nesterov"):
            v = [hp["beta"] * vi + gi for vi, gi in zip(v, g)]
            d = [lr * vi for vi in v] if name == "momentum" else \
                [lr * (gi + hp["beta"] * vi) for gi, vi in zip(g, v)]
        elif name == "rmsprop":
            s = [hp["alpha"] * si + (1 - hp["alpha"]) * gi * gi
                 for si, gi in zip(s, g)]
            d = [lr * gi / (math.sqrt(si) + hp["eps"])
                 for gi, si in zip(g, s)]
        else:
            b1, b2 = hp["beta1"], hp["beta2"]
            m = [b1 * mi + (1 - b1) * gi for mi, gi in zip(m, g)]
            s = [b2 * si + (1 - b2) * gi * gi for si, gi in zip(s, g)]
            d = [lr * (mi / (1 - b1 ** t))
                 / (math.sqrt(si / (1 - b2 ** t)) + hp["eps"])
                 for mi, si in zip(m, s)]
        w = [wi - di for wi, di in zip(w, d)]
        points.append(tuple(w))
    return points


# Every landscape the lessons race on, with the optimizers and settings the
# lessons, the navigator's defaults and the playground use.
LESSON_RUNS = [
    (RAVINE, momentum(0.18, 0.5)), (RAVINE, momentum(0.18, 0.9)),
    (RAVINE, momentum(0.18, 0.99)), (RAVINE, momentum(0.05, 0.9)),
    (RAVINE, nesterov(0.05, 0.9)), (RAVINE, nesterov(0.1, 0.5)),
    (RAVINE, sgd(0.18)), (RAVINE, rmsprop(0.1)), (RAVINE, adam(0.3)),
    (RAVINE, adam(0.3, eps=0.1)), (RAVINE, sgd(0.19)),
    (RAVINE, momentum(0.33057851239669417, 0.6694214876033059)),
    (get_landscape("rotated-ravine"), momentum(0.18, 0.9)),
    (get_landscape("rotated-ravine"), momentum(0.18, 0.99)),
    (get_landscape("rotated-ravine"), momentum(0.05, 0.5)),
    (get_landscape("rotated-ravine"), nesterov(0.05, 0.9)),
    (get_landscape("rotated-ravine"), nesterov(0.05, 0.99)),
    (get_landscape("rotated-ravine"), adam(0.3)),
    (get_landscape("rotated-ravine"), rmsprop(0.1)),
    (narrow_ravine(1000.0), momentum(0.05, 0.9)),
    (narrow_ravine(1000.0), nesterov(0.05, 0.9)),
    (get_landscape("bowl"), momentum(0.1, 0.9)),
    (get_landscape("rosenbrock"), momentum(0.001, 0.9)),
    (get_landscape("rosenbrock"), nesterov(0.001, 0.9)),
    (get_landscape("rosenbrock"), adam(0.05)),
    (get_landscape("himmelblau"), momentum(0.01, 0.9)),
    (get_landscape("himmelblau"), nesterov(0.01, 0.5)),
    (get_landscape("himmelblau"), sgd(0.01)),
]


@pytest.mark.parametrize("scape, opt", LESSON_RUNS, ids=[
    f"{s.name}-{o.name}-{'-'.join(f'{v:g}' for v in o.hyperparams.values())}"
    for s, o in LESSON_RUNS])
def test_converged_at_k_means_within_tolerance_from_k_on_for_good(scape,
                                                                  opt):
    tol = 1e-6
    traj = run(opt, scape, num_steps=30000, tol=tol)
    # an independent loop, run far past the runner's verdict
    horizon = max(40000, 4 * len(traj.points))
    points = _loop(opt.name, opt.hyperparams, scape.grad, scape.start,
                   horizon)
    gaps = [scape.f(p) - scape.f_min for p in points]
    inside = [gap <= tol for gap in gaps]
    assert traj.first == (inside.index(True) if any(inside) else None)
    if traj.status == "converged":
        # every later step of the long loop is within tolerance, and the
        # step before k is not: k is where the run arrived for good
        assert all(inside[traj.step:]), traj.message
        assert traj.step == 0 or not inside[traj.step - 1]
    else:
        assert traj.status == "running", traj.message
        # "running" is not a missed arrival: the long loop leaves the
        # tolerance after the runner's last step, or never arrives at all
        assert not all(inside[len(traj.points) - 1:]), traj.message


def test_running_out_of_steps_says_still_running():
    traj = run(sgd(0.01), RAVINE, num_steps=50)
    assert (traj.status, traj.step, traj.message) == ("running", 50,
                                                      "still running")
    assert len(traj.points) == len(traj.losses) == 51


def test_the_divergence_threshold_is_a_thousand_plot_widths():
    """The lessons state it ("more than 1,000 plot widths beyond the edge"): an
    independent count of GD's bounce at η = 0.21 pins FAR, and the step."""
    assert FAR == 1000
    (_, _), (y0, y1) = RAVINE.bounds
    y, k = RAVINE.start[1], 0
    while abs(y) <= y1 + 1000 * (y1 - y0):
        y, k = (1 - 0.21 * LAM_MAX) * y, k + 1     # the steep direction alone
    traj = run(sgd(0.21), RAVINE, num_steps=300)
    assert (traj.status, traj.step) == ("diverged", k)


def test_divergence_stops_far_outside_the_bounds_with_finite_numbers():
    traj = run(sgd(0.3), RAVINE, num_steps=5000)
    assert traj.status == "diverged"
    assert traj.message == f"diverged at step {traj.step}"
    (_, _), (y0, y1) = RAVINE.bounds
    assert abs(traj.points[-1][1]) > FAR * (y1 - y0)
    assert abs(traj.points[-2][1]) <= y1 + FAR * (y1 - y0)
    assert all(map(math.isfinite, traj.losses))
    assert all(math.isfinite(c) for p in traj.points for c in p)


class Blowup:
    """No bounds: only non-finite numbers reveal the divergence."""
    f_min = 0.0

    def f(self, w):
        return w[0] * w[0]

    def grad(self, w):
        return (w[0] * 1e300,)


def test_a_non_finite_step_ends_the_run_at_the_last_finite_point():
    traj = run(sgd(1.0), Blowup(), start=(2.0,), num_steps=100)
    # step 1 lands at −2e300, whose loss overflows to inf: not kept
    assert traj.status == "diverged" and traj.step == 1
    assert traj.points == ((2.0,),) and traj.losses == (4.0,)


class LinearRegression:
    """A lab's small model: least squares fit of y ≈ a x + b c (3 params),
    with no bounds and no f_min, just f and grad."""
    xs = [(x / 10, (x % 3) - 1.0) for x in range(20)]
    ys = [2.0 * x - 1.0 + 0.5 * c for x, c in xs]

    def f(self, w):
        a, b, c = w
        return sum((a * x + b + c * z - y) ** 2 for (x, z), y in
                   zip(self.xs, self.ys)) / len(self.ys)

    def grad(self, w):
        a, b, c = w
        n = len(self.ys)
        rs = [a * x + b + c * z - y for (x, z), y in zip(self.xs, self.ys)]
        return (sum(2 * r * x for r, (x, _) in zip(rs, self.xs)) / n,
                sum(2 * r for r in rs) / n,
                sum(2 * r * z for r, (_, z) in zip(rs, self.xs)) / n)


def test_runner_trains_any_object_with_f_and_grad():
    traj = run(momentum(0.1, 0.9), LinearRegression(), start=(0.0, 0.0, 0.0),
               num_steps=5000, tol=1e-8)
    assert traj.status == "converged"          # by the gradient norm
    assert traj.points[-1] == pytest.approx((2.0, -1.0, 0.5), abs=1e-4)


def test_landscapes_without_f_min_converge_on_the_gradient_norm():
    saddle = get_landscape("saddle")
    traj = run(sgd(0.1), saddle, start=(-3.0, 0.0), num_steps=1000)
    assert traj.status == "converged"   # stuck exactly on the saddle point
    x, y = traj.points[-1]
    assert math.hypot(x, -y) <= 1e-6


def test_momentum_escapes_the_saddle_sooner_than_gd():
    saddle = get_landscape("saddle")
    gd = run(sgd(0.1), saddle, num_steps=5000)
    heavy = run(momentum(0.1, 0.9), saddle, num_steps=5000)
    assert gd.status == heavy.status == "diverged"
    assert heavy.step < gd.step


def test_noise_is_seeded_and_reproducible():
    a = run(sgd(0.1), RAVINE, num_steps=200, noise=0.5, seed=3)
    b = run(sgd(0.1), RAVINE, num_steps=200, noise=0.5, seed=3)
    c = run(sgd(0.1), RAVINE, num_steps=200, noise=0.5, seed=4)
    clean = run(sgd(0.1), RAVINE, num_steps=200)
    assert a == b and a.points != c.points and a.points != clean.points


def test_race_starts_everyone_together_and_labels_them_apart():
    runs = race([momentum(0.1, 0.5), momentum(0.1, 0.99), sgd(0.1),
                 sgd(0.1)], RAVINE, num_steps=100)
    labels = [t.label for t in runs]
    assert labels[:2] == ["Momentum (β = 0.5)", "Momentum (β = 0.99)"]
    assert len(set(labels)) == 4
    assert {t.points[0] for t in runs} == {RAVINE.start}


def test_record_keeps_states_that_replay_the_run():
    opt = momentum(0.1, 0.9)
    traj = run(opt, RAVINE, num_steps=20, record=True)
    for k in range(20):
        step, state = opt.update(traj.grads[k], traj.states[k])
        assert state == traj.states[k + 1]
        assert traj.points[k + 1] == (traj.points[k][0] + step[0],
                                      traj.points[k][1] + step[1])


@pytest.mark.parametrize("kwargs, words", [
    ({"num_steps": 0}, "num_steps must be between 1"),
    ({"num_steps": -5}, "num_steps must be between 1"),
    ({"num_steps": 2.5}, "num_steps must be a whole number"),
    ({"num_steps": "100"}, "num_steps must be a whole number"),
    ({"num_steps": True}, "num_steps must be a whole number"),
    ({"num_steps": MAX_STEPS + 1}, "num_steps must be between 1"),
    ({"start": (float("nan"), 0.0)}, "start must be finite"),
    ({"start": (1.0, float("inf"))}, "start must be finite"),
    ({"start": (1.0, 2.0, 3.0)}, "start must have 2 coordinates"),
    ({"start": "far away"}, "start must be a list of numbers"),
    ({"tol": -1.0}, "tol must be a finite number"),
    ({"noise": float("nan")}, "noise must be a finite number"),
])
def test_bad_run_arguments_raise_valueerror_in_words(kwargs, words):
    args = {"num_steps": 10, **kwargs}
    with pytest.raises(ValueError, match=words):
        run(sgd(0.1), RAVINE, **args)


def test_an_empty_race_is_refused():
    with pytest.raises(ValueError, match="at least one optimizer"):
        race([], RAVINE)


def test_seeded_noise_is_standard_normal():
    from lesson_code.runner import normal_sampler
    sample = normal_sampler(5)
    xs = [sample() for _ in range(20000)]
    mean = sum(xs) / len(xs)
    var = sum((x - mean) ** 2 for x in xs) / len(xs)
    assert abs(mean) < 0.03 and abs(var - 1) < 0.03
    assert sum(abs(x) < 1 for x in xs) / len(xs) == pytest.approx(0.6827,
                                                                  abs=0.01)
