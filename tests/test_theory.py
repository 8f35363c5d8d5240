"""Facts the lessons state about quadratics, checked against numpy and runs."""

import math

import numpy as np
import pytest

from lesson_code import momentum, nesterov, sgd
from lesson_code import (critical_beta, effective_window, ema, ema_weights,
                         gd_contraction, gd_max_lr, get_landscape, momentum,
                         momentum_contraction, momentum_max_lr,
                         nesterov_contraction, nesterov_max_lr, optimal_gd,
                         optimal_momentum, rate_map, run, steps_to_shrink,
                         velocity_after)

GRID = [(lr, beta, lam) for lr in (0.01, 0.1, 0.19, 0.3) for beta in
        (0.0, 0.3, 0.9, 0.99) for lam in (0.1, 1.0, 10.0)]


def spectral_radius(matrix):
    """numpy's answer; for a defective matrix (a double root, e.g. ηλ = 1)
    its eigenvalues carry errors of order √ε ≈ 1e-8, hence abs=1e-7 below."""
    return max(abs(np.linalg.eigvals(np.array(matrix, dtype=float))))


@pytest.mark.parametrize("lr, beta, lam", GRID)
def test_momentum_contraction_is_the_iteration_matrix_spectral_radius(
        lr, beta, lam):
    matrix = [[1 + beta - lr * lam, -beta], [1, 0]]
    assert momentum_contraction(lr, beta, lam) == pytest.approx(
        spectral_radius(matrix), rel=1e-7, abs=1e-7)


@pytest.mark.parametrize("lr, beta, lam", GRID)
def test_nesterov_contraction_is_its_update_matrix_spectral_radius(
        lr, beta, lam):
    # state (v, w): v' = βv + λw, w' = w − η(λw + βv')
    matrix = [[beta, lam], [-lr * beta * beta, 1 - lr * lam * (1 + beta)]]
    assert nesterov_contraction(lr, beta, lam) == pytest.approx(
        spectral_radius(matrix), rel=1e-7, abs=1e-7)


def test_gd_contraction_is_one_minus_lr_lam_in_absolute_value():
    assert gd_contraction(0.1, 10.0) == 0.0
    assert gd_contraction(0.3, 10.0) == pytest.approx(2.0)
    assert gd_contraction(0.1, 0.1) == pytest.approx(0.99)


def test_momentum_with_beta_zero_contracts_like_gd():
    for lr, _, lam in GRID:
        assert momentum_contraction(lr, 0.0, lam) == pytest.approx(
            gd_contraction(lr, lam))


@pytest.mark.parametrize("beta", [0.0, 0.5, 0.9, 0.99])
def test_stability_limits_are_where_the_contraction_crosses_one(beta):
    lam = 10.0
    assert gd_max_lr(lam) == 0.2
    limit = momentum_max_lr(beta, lam)
    assert limit == pytest.approx((2 + 2 * beta) / lam)
    assert momentum_contraction(limit * (1 - 1e-6), beta, lam) < 1
    assert momentum_contraction(limit * (1 + 1e-6), beta, lam) > 1
    limit = nesterov_max_lr(beta, lam)
    assert nesterov_contraction(limit * (1 - 1e-6), beta, lam) < 1
    assert nesterov_contraction(limit * (1 + 1e-6), beta, lam) > 1


@pytest.mark.parametrize("kappa", [1.0, 10.0, 100.0, 1000.0])
def test_optimal_gd_rate_is_kappa_minus_one_over_kappa_plus_one(kappa):
    lr, rate = optimal_gd(1.0, kappa)
    assert lr == 2 / (1 + kappa)
    assert rate == pytest.approx((kappa - 1) / (kappa + 1))
    assert max(gd_contraction(lr, 1.0), gd_contraction(lr, kappa)) == \
        pytest.approx(rate)


@pytest.mark.parametrize("kappa", [10.0, 100.0, 1000.0])
def test_optimal_momentum_rate_is_root_kappa_version(kappa):
    lr, beta, rate = optimal_momentum(1.0, kappa)
    root = math.sqrt(kappa)
    assert rate == pytest.approx((root - 1) / (root + 1))
    assert beta == pytest.approx(rate ** 2)
    assert lr == pytest.approx(4 / (root + 1) ** 2)
    worst = rate_map(1.0, kappa, [lr], [beta])[0][0]
    assert worst == pytest.approx(rate, rel=1e-6)


def test_the_optima_are_the_minima_of_the_rate_map():
    lam_min, lam_max = get_landscape("ravine").eigenvalues
    lrs = [0.4 * i / 400 for i in range(1, 400)]
    betas = [i / 200 for i in range(200)]
    rates = np.array(rate_map(lam_min, lam_max, lrs, betas))
    gd_best = optimal_gd(lam_min, lam_max)[1]
    heavy_best = optimal_momentum(lam_min, lam_max)[2]
    assert rates[0].min() >= gd_best - 1e-12          # β = 0 row is GD
    assert rates[0].min() == pytest.approx(gd_best, abs=1e-3)
    assert rates.min() >= heavy_best - 1e-9
    assert rates.min() == pytest.approx(heavy_best, abs=2e-3)
    assert heavy_best < gd_best


def test_rate_map_says_unstable_exactly_where_runs_diverge():
    ravine = get_landscape("ravine")
    lrs, betas = [0.05, 0.15, 0.25, 0.35], [0.0, 0.5, 0.9]
    rates = rate_map(*ravine.eigenvalues, lrs, betas)
    for row, beta in zip(rates, betas):
        for rate, lr in zip(row, lrs):
            traj = run(momentum(lr, beta), ravine, num_steps=5000)
            assert (rate < 1) == (traj.status == "converged"), (lr, beta)


@pytest.mark.parametrize("lr, lam", [(0.01, 1.0), (0.1, 0.1), (1.0, 2.0)])
def test_critical_damping_gives_rate_one_minus_root_lr_lam(lr, lam):
    beta = critical_beta(lr, lam)
    rate = momentum_contraction(lr, beta, lam)
    assert rate == pytest.approx(abs(1 - math.sqrt(lr * lam)), rel=1e-6)
    # the roots coincide: no other β does better for this η and λ
    for other in (beta * 0.9, min(beta * 1.1 + 1e-3, 0.999)):
        assert momentum_contraction(lr, other, lam) > rate


@pytest.mark.parametrize("beta, n", [(0.9, 10), (0.5, 3), (0.99, 100)])
def test_ema_weights_sum_to_one_minus_beta_to_the_n(beta, n):
    weights = ema_weights(beta, n)
    assert weights[0] == pytest.approx(1 - beta)
    assert sum(weights) == pytest.approx(1 - beta ** n)
    assert weights == sorted(weights, reverse=True)


def test_ema_of_a_constant_needs_debiasing_and_matches_its_weights():
    xs = [3.0] * 5
    assert ema(xs, 0.9) == pytest.approx([3 * (1 - 0.9 ** t)
                                          for t in range(1, 6)])
    assert ema(xs, 0.9, debias=True) == pytest.approx([3.0] * 5)
    values = [1.0, -2.0, 5.0, 0.5]
    weights = ema_weights(0.8, 4)
    assert ema(values, 0.8)[-1] == pytest.approx(
        sum(w * x for w, x in zip(weights, reversed(values))))


def test_effective_window_is_one_over_one_minus_beta():
    assert effective_window(0.9) == pytest.approx(10.0)
    assert effective_window(0.99) == pytest.approx(100.0)
    assert effective_window(0.0) == 1.0


def test_velocity_after_constant_gradients_is_a_geometric_sum():
    beta, g = 0.9, 2.0
    for n in (1, 5, 50):
        assert velocity_after([g] * n, beta) == pytest.approx(
            g * (1 - beta ** n) / (1 - beta))
    assert velocity_after([g] * 1000, beta) == pytest.approx(g / (1 - beta))


def test_velocity_after_equals_the_optimizers_velocity():
    grads = [(1.0, -1.0), (0.5, 2.0), (-3.0, 0.0)]
    opt = momentum(0.1, 0.7)
    state = opt.init((0.0, 0.0))
    for g in grads:
        _, state = opt.update(g, state)
    assert velocity_after(grads, 0.7) == pytest.approx(state.v)


def test_steps_to_shrink_counts_whole_steps():
    assert steps_to_shrink(0.5, 1000) == 10        # 0.5¹⁰ = 1/1024
    assert steps_to_shrink(0.5, 1024) == 10
    assert steps_to_shrink(0.9, 10) == 22          # 0.9²² ≈ 0.098
    # the lessons' ravine: GD at its best needs ~115 steps per digit
    rate = optimal_gd(0.1, 10.0)[1]
    assert steps_to_shrink(rate, 10) == 116


@pytest.mark.parametrize("call, words", [
    (lambda: gd_contraction(0.0, 1.0), "lr .*must be positive"),
    (lambda: gd_contraction(0.1, float("nan")), "lam .*finite"),
    (lambda: momentum_contraction(0.1, 1.0, 1.0), "beta must be at least"),
    (lambda: gd_max_lr(0.0), "lam_max must be positive"),
    (lambda: momentum_max_lr(-0.5, 1.0), "beta must be at least"),
    (lambda: optimal_gd(10.0, 1.0), "0 < lam_min ≤ lam_max"),
    (lambda: optimal_momentum(0.0, 1.0), "0 < lam_min ≤ lam_max"),
    (lambda: critical_beta(1.0, 5.0), "0 < η·λ < 4"),
    (lambda: steps_to_shrink(1.0), "rate must be in"),
    (lambda: steps_to_shrink(0.5, 0.5), "factor must be"),
    (lambda: ema_weights(0.9, 0), "n must be a positive"),
    (lambda: effective_window(1.0), "beta must be at least"),
    (lambda: rate_map(1.0, 0.5, [0.1], [0.5]), "0 < lam_min ≤ lam_max"),
])
def test_bad_theory_arguments_raise_valueerror_in_words(call, words):
    with pytest.raises(ValueError, match=words):
        call()


@pytest.mark.parametrize("opt", [sgd(0.18), momentum(0.18, 0.9),
                                 momentum(0.05, 0.99), nesterov(0.05, 0.9)],
                         ids=lambda o: f"{o.name}-{o.hyperparams}")
def test_the_error_recurrence_reproduces_the_runs(opt):
    """e_{t+1} = a e_t + b e_{t−1} along each axis of the ravine, t ≥ 1."""
    from lesson_code import get_landscape, run
    from lesson_code.theory import recurrence
    ravine = get_landscape("ravine")
    pts = np.array(run(opt, ravine, num_steps=80, tol=0.0).points)
    for axis, lam in enumerate(ravine.eigenvalues):
        a, b = recurrence(opt, lam)
        e = pts[:, axis]
        assert np.allclose(e[2:], a * e[1:-1] + b * e[:-2], rtol=1e-12,
                           atol=1e-12)


@pytest.mark.parametrize("a, b", [(1.882, -0.9), (0.1, -0.9), (-1.63, -0.67),
                                  (0.982, 0.0), (1.97, -0.99)])
def test_power_bound_is_the_largest_norm_of_any_power(a, b):
    from lesson_code.theory import power_bound
    m, power, norms = np.array([[a, b], [1.0, 0.0]]), np.eye(2), []
    for _ in range(5000):
        norms.append(np.linalg.norm(power, 2))
        power = power @ m
    assert power_bound(a, b) == pytest.approx(max(norms), rel=1e-9)


def test_power_bound_is_infinite_when_the_iteration_does_not_contract():
    from lesson_code.theory import power_bound
    assert power_bound(-1.1, 0.0) == math.inf
    assert power_bound(2.0, -1.0) == math.inf      # a double root at 1


def _behaviour(lr, beta, lam, steps=400):
    """What the error e_t does along λ, by iterating momentum by hand from e_0 = 1:
    diverge (grows past 10⁶), flip (changes sign at every late step), creep (never
    changes sign after the first steps) or spiral (changes sign, but not every step)."""
    e, v, es = 1.0, 0.0, []
    for _ in range(steps):
        v = beta * v + lam * e
        e = e - lr * v
        es.append(e)
        if abs(e) > 1e6:
            return "diverge"
    late = es[steps // 2:]
    changes = sum(a * b < 0 for a, b in zip(late, late[1:]))
    if changes == len(late) - 1:
        return "flip"
    return "creep" if changes == 0 else "spiral"


@pytest.mark.parametrize("x", [0.001, 0.01, 0.05, 0.3, 1.0, 1.8, 2.5, 3.3, 3.7,
                               3.85, 3.95])
@pytest.mark.parametrize("beta", [0.0, 0.2, 0.5, 0.9])
def test_the_four_regimes_are_what_the_iteration_does(x, beta):
    from lesson_code import regime
    lr, lam = 0.1, x / 0.1
    predicted = regime(lr, beta, lam)
    if predicted == "spiral" and momentum_contraction(lr, beta, lam) ** 200 < 1e-250:
        pytest.fail("choose a slower spiral: its late terms underflow")
    assert predicted == _behaviour(lr, beta, lam), (x, beta)


@pytest.mark.parametrize("beta", [0.2, 0.5, 0.9])
def test_regime_borders_are_critical_damping_and_the_ceiling(beta):
    from lesson_code import regime
    lower, upper = (1 - math.sqrt(beta)) ** 2, (1 + math.sqrt(beta)) ** 2
    ceiling = 2 + 2 * beta
    lam = 1.0
    assert regime(lower * 0.99, beta, lam) == "creep"
    assert regime(lower * 1.01, beta, lam) == "spiral"
    band = ceiling - upper          # the flip band: narrow when β is near 1
    assert regime(upper - 0.01 * band, beta, lam) == "spiral"
    assert regime(upper + 0.01 * band, beta, lam) == "flip"
    assert regime(ceiling - 0.01 * band, beta, lam) == "flip"
    assert regime(ceiling + 0.01 * band, beta, lam) == "diverge"
