"""Learning-rate schedules and the noise a run settles into, against formulas
and loops written here (not lesson_code's)."""

import math

import numpy as np
import pytest

from lesson_code import (ArgumentError, SCHEDULES, adam, get_landscape,
                         make_schedule, momentum, nesterov, noise_floor,
                         noise_variance, rmsprop, run, schedule_for, sgd)

T = np.arange(0, 700)


def textbook(name, t, total=500):
    """Each schedule's multiplier of η, as the usual formulas write it."""
    if name == "constant":
        return np.ones_like(t, dtype=float)
    if name == "step":          # StepLR(step_size=100, gamma=0.5)
        return 0.5 ** np.floor(t / 100)
    if name == "exponential":   # ExponentialLR(gamma=0.99)
        return 0.99 ** t
    if name == "inverse-time":
        return 1 / (1 + 0.01 * t)
    if name == "cosine":        # CosineAnnealingLR(T_max=total, eta_min=0)
        return np.where(t < total, 0.5 * (1 + np.cos(np.pi * t / total)), 0.0)
    if name == "warmup":        # linear warm-up over total/10, then cosine
        w = total // 10
        after = 0.5 * (1 + np.cos(np.pi * (t - w) / (total - w)))
        return np.where(t < w, (t + 1) / w, np.where(t < total, after, 0.0))
    raise AssertionError(name)


def test_the_menu_is_the_six_schedules_in_order():
    assert list(SCHEDULES) == ["constant", "step", "exponential",
                               "inverse-time", "cosine", "warmup"]


@pytest.mark.parametrize("name", ["constant", "step", "exponential",
                                  "inverse-time", "cosine", "warmup"])
def test_each_schedule_follows_its_formula(name):
    schedule = schedule_for(name, 500)
    got = np.array([schedule.factor(int(t)) for t in T])
    assert got == pytest.approx(textbook(name, T), rel=1e-12, abs=1e-15)


def test_total_comes_from_the_run_unless_given():
    assert schedule_for("cosine", 300).params["total"] == 300
    assert schedule_for({"name": "cosine", "total": 50}, 300).params[
        "total"] == 50
    assert schedule_for("cosine", 300).label == "cosine over 300 steps"
    assert schedule_for(None, 300).name == "constant"


def test_a_label_counts_one_step_in_the_singular():
    assert schedule_for("cosine", 1).label == "cosine over 1 step"
    assert schedule_for({"name": "step", "every": 1}, 300).label == "η × 0.5 every 1 step"
    assert schedule_for({"name": "warmup", "steps": 1}, 2).label == \
        "1-step warm-up, then cosine over 1 step"
    with pytest.raises(ArgumentError, match=r"warm-up \(1 step\)"):
        schedule_for({"name": "warmup", "steps": 1}, 1)


def manual(optimizer_kind, lrs, steps, start=(-8.0, 2.0)):
    """Momentum or Adam written out with η_t = lrs[t] inside the update, on
    the ravine ½(0.1 x² + 10 y²), as torch applies an lr scheduler."""
    h = np.array([0.1, 10.0])
    w, v, m, s = np.array(start), np.zeros(2), np.zeros(2), np.zeros(2)
    path = [w.copy()]
    for t in range(steps):
        g = h * w
        if optimizer_kind == "momentum":
            v = 0.9 * v + g
            w = w - lrs[t] * v
        else:
            m = 0.9 * m + 0.1 * g
            s = 0.999 * s + 0.001 * g * g
            mhat, shat = m / (1 - 0.9 ** (t + 1)), s / (1 - 0.999 ** (t + 1))
            w = w - lrs[t] * mhat / (np.sqrt(shat) + 1e-8)
        path.append(w.copy())
    return np.array(path)


@pytest.mark.parametrize("kind, opt", [("momentum", momentum(0.18, 0.9)),
                                       ("adam", adam(0.3))])
@pytest.mark.parametrize("name", ["step", "cosine", "warmup"])
def test_a_scheduled_run_is_the_update_at_eta_t(kind, opt, name):
    steps = 200
    lrs = opt.hyperparams["lr"] * textbook(name, np.arange(steps),
                                           total=steps)
    traj = run(opt, get_landscape("ravine"), num_steps=steps,
               schedule=name, tol=0.0)
    assert np.array(traj.points) == pytest.approx(manual(kind, lrs, steps),
                                                  rel=1e-9, abs=1e-12)


def test_once_eta_is_zero_for_good_a_run_within_tolerance_has_arrived():
    # RMSProp at a fixed η keeps bouncing on the ravine; a cosine to 0
    # lets it settle, and from step `total` on nothing can move
    ravine = get_landscape("ravine")
    fixed = run(rmsprop(0.1), ravine, num_steps=3000)
    assert fixed.status == "running"
    decayed = run(rmsprop(0.1), ravine, num_steps=3000, schedule="cosine")
    assert decayed.status == "converged"
    losses = decayed.losses
    assert max(losses[decayed.step:]) <= 1e-6 < losses[decayed.step - 1]
    assert len(set(decayed.points[3000:])) == 1


@pytest.mark.parametrize("spec, field", [
    ("nope", "schedule"), (["cosine"], "schedule"),
    ({"name": "step", "every": 0}, "every"),
    ({"name": "step", "factor": 1.5}, "factor"),
    ({"name": "exponential", "gamma": float("nan")}, "gamma"),
    ({"name": "inverse-time", "k": -1}, "k"),
    ({"name": "cosine", "floor": 1}, "floor"),
    ({"name": "warmup", "steps": 40, "total": 30}, "total"),
    ({"name": "cosine", "speed": 2}, "speed"),
])
def test_bad_schedules_name_their_field(spec, field):
    with pytest.raises(ArgumentError) as err:
        schedule_for(spec, 300)
    assert err.value.field == field


def test_run_refuses_a_bad_schedule_by_its_field():
    with pytest.raises(ArgumentError) as err:
        run(sgd(0.1), get_landscape("ravine"), schedule="fast")
    assert err.value.field == "schedule"
    assert "constant" in str(err.value)
    assert make_schedule("constant").factor(10) == 1.0


# The noise a run settles into

def closed_gd(lr, lam, sigma):
    """Stationary E[e²] of e' = (1 − ηλ) e − ησξ: η σ² / (λ (2 − ηλ))."""
    return lr * sigma ** 2 / (lam * (2 - lr * lam))


def closed_momentum(lr, beta, lam, sigma):
    """Of e' = (1 + β − ηλ) e − β e₋ − ησξ (an AR(2) process)."""
    return (lr * sigma ** 2 * (1 + beta)
            / (lam * (1 - beta) * (2 + 2 * beta - lr * lam)))


@pytest.mark.parametrize("lr, beta, lam", [(lr, beta, lam)
                                           for lr in (0.01, 0.05, 0.18)
                                           for beta in (0.0, 0.5, 0.9)
                                           for lam in (0.1, 1.0, 10.0)
                                           if lr * lam < 2 + 2 * beta])
def test_noise_variance_has_the_closed_forms(lr, beta, lam):
    assert noise_variance(momentum(lr, beta), lam, 0.7) == pytest.approx(
        closed_momentum(lr, beta, lam, 0.7), rel=1e-9)
    if lr * lam < 2:
        assert noise_variance(sgd(lr), lam, 0.7) == pytest.approx(
            closed_gd(lr, lam, 0.7), rel=1e-9)


def measured_variance(kind, lr, beta, lam, sigma, steps=400_000, seed=5):
    """E[e²] of a long 1-D noisy run written out here, after a burn-in."""
    xi = np.random.default_rng(seed).standard_normal(steps)
    e, v, out = 0.0, 0.0, np.empty(steps)
    for t in range(steps):
        g = lam * e + sigma * xi[t]
        if kind == "sgd":
            e = e - lr * g
        elif kind == "momentum":
            v = beta * v + g
            e = e - lr * v
        else:  # nesterov, torch's form
            v = beta * v + g
            e = e - lr * (g + beta * v)
        out[t] = e * e
    return out[2000:].mean()


@pytest.mark.parametrize("kind, make, lr, beta, lam", [
    ("sgd", lambda: sgd(0.1), 0.1, 0.0, 1.0),
    ("sgd", lambda: sgd(0.18), 0.18, 0.0, 10.0),
    ("momentum", lambda: momentum(0.05, 0.5), 0.05, 0.5, 1.0),
    ("momentum", lambda: momentum(0.18, 0.9), 0.18, 0.9, 10.0),
    ("nesterov", lambda: nesterov(0.05, 0.9), 0.05, 0.9, 10.0),
])
def test_the_closed_form_noise_level_is_what_a_long_run_measures(
        kind, make, lr, beta, lam):
    predicted = noise_variance(make(), lam, 0.5)
    assert measured_variance(kind, lr, beta, lam, 0.5) == pytest.approx(
        predicted, rel=0.04)


@pytest.mark.parametrize("opt", [sgd(0.18), momentum(0.18, 0.9),
                                 momentum(0.02, 0.9)])
def test_a_long_noisy_run_on_the_ravine_settles_at_the_noise_floor(opt):
    ravine = get_landscape("ravine")
    traj = run(opt, ravine, start=(0.0, 0.0), num_steps=100_000, noise=0.5,
               seed=3)
    assert traj.status == "running"
    settled = np.mean(traj.losses[2000:])
    assert settled == pytest.approx(noise_floor(opt, ravine, 0.5), rel=0.05)


def test_noise_beyond_the_ceiling_has_no_floor():
    assert noise_variance(sgd(0.21), 10.0, 1.0) == math.inf
    assert noise_floor(adam(0.1), get_landscape("ravine"), 1.0) is None
    assert noise_floor(sgd(0.1), get_landscape("rosenbrock"), 1.0) is None
