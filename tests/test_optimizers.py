"""Facts about the optimizers: torch's update rules, and the momentum forms.

The oracle is `TorchRule`, written straight from the pseudo-code in the
torch.optim documentation (SGD, RMSprop, Adam), in a different style from
lesson_code: numpy arrays, one explicit loop, torch's own variable names.
"""

import numpy as np
import pytest

from lesson_code import (OPTIMIZERS, adam, get_landscape, make_optimizer,
                         momentum, nesterov, rmsprop, sgd)
from lesson_code.optimizers import REGISTRY, state_words


class TorchRule:
    """torch.optim's documented algorithms for one parameter tensor."""

    def __init__(self, kind, lr, momentum=0.0, nesterov=False, alpha=0.99,
                 betas=(0.9, 0.999), eps=1e-8):
        self.kind, self.lr, self.mu, self.nesterov = kind, lr, momentum, \
            nesterov
        self.alpha, self.betas, self.eps = alpha, betas, eps
        self.t, self.b = 0, None
        self.square_avg = self.exp_avg = self.exp_avg_sq = None

    def step(self, theta, g):
        self.t += 1
        if self.kind == "sgd":
            if self.mu != 0:
                # b_t = g_t at t = 1, else μ b_{t−1} + (1 − τ) g_t, τ = 0
                self.b = g.copy() if self.t == 1 else self.mu * self.b + g
                g = g + self.mu * self.b if self.nesterov else self.b
            return theta - self.lr * g
        if self.kind == "rmsprop":
            if self.square_avg is None:
                self.square_avg = np.zeros_like(g)
            self.square_avg = (self.alpha * self.square_avg
                               + (1 - self.alpha) * g * g)
            return theta - self.lr * g / (np.sqrt(self.square_avg) + self.eps)
        b1, b2 = self.betas
        if self.exp_avg is None:
            self.exp_avg, self.exp_avg_sq = np.zeros_like(g), np.zeros_like(g)
        self.exp_avg = b1 * self.exp_avg + (1 - b1) * g
        self.exp_avg_sq = b2 * self.exp_avg_sq + (1 - b2) * g * g
        m_hat = self.exp_avg / (1 - b1 ** self.t)
        v_hat = self.exp_avg_sq / (1 - b2 ** self.t)
        return theta - self.lr * m_hat / (np.sqrt(v_hat) + self.eps)


def iterate(opt, grad, w, num_steps):
    """lesson_code's iterates, with a plain loop (the runner is tested
    elsewhere)."""
    state, out = opt.init(w), [w]
    for _ in range(num_steps):
        step, state = opt.update(grad(w), state)
        w = tuple(wi + si for wi, si in zip(w, step))
        out.append(w)
    return np.array(out)


def reference(rule, grad, w, num_steps):
    theta, out = np.array(w, dtype=float), [np.array(w, dtype=float)]
    for _ in range(num_steps):
        theta = rule.step(theta, np.array(grad(tuple(theta))))
        out.append(theta)
    return np.array(out)


def quadratic5(w):
    """Gradient of ½ Σ λ_i w_i² with five different curvatures."""
    return tuple(lam * wi for lam, wi in zip((0.5, 1.0, 2.0, 4.0, 8.0), w))


# (ours, the torch call it stands for); a fresh TorchRule per test
PAIRS = [
    (sgd(0.15), dict(kind="sgd", lr=0.15)),
    (momentum(0.1, 0.9), dict(kind="sgd", lr=0.1, momentum=0.9)),
    (momentum(0.05, 0.5), dict(kind="sgd", lr=0.05, momentum=0.5)),
    (nesterov(0.1, 0.9), dict(kind="sgd", lr=0.1, momentum=0.9,
                              nesterov=True)),
    (rmsprop(), dict(kind="rmsprop", lr=0.01)),
    (rmsprop(0.05, 0.9, 1e-6), dict(kind="rmsprop", lr=0.05, alpha=0.9,
                                    eps=1e-6)),
    (adam(), dict(kind="adam", lr=0.001)),
    (adam(0.1, 0.8, 0.99, 1e-7), dict(kind="adam", lr=0.1, betas=(0.8, 0.99),
                                      eps=1e-7)),
]
CASES = [("ravine", get_landscape("ravine").grad, (-8.0, 2.0)),
         ("rosenbrock", get_landscape("rosenbrock").grad, (-1.2, 1.0)),
         ("5-d quadratic", quadratic5, (1.0, -2.0, 3.0, -0.5, 0.25))]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c[0])
@pytest.mark.parametrize("pair", PAIRS,
                         ids=lambda p: f"{p[0].name}{p[0].hyperparams}")
def test_iterates_equal_torch_optims_documented_rule(pair, case):
    ours, torch_args = pair
    rule = TorchRule(**torch_args)
    _, grad, w0 = case
    lr = ours.hyperparams["lr"]
    num_steps = 300 if case[0] != "rosenbrock" or lr < 0.01 else 40
    if case[0] == "rosenbrock" and ours.name in ("sgd", "momentum",
                                                 "nesterov"):
        # plain steps at these rates blow up on the banana: compare a stable
        # rate (same rule, smaller η)
        ours = make_optimizer(ours.name, **{**ours.hyperparams, "lr": 1e-3})
        rule.lr = 1e-3
    a = iterate(ours, grad, w0, num_steps)
    b = reference(rule, grad, w0, num_steps)
    assert np.all(np.isfinite(a))
    assert np.allclose(a, b, rtol=1e-12, atol=1e-12)


def test_momentum_with_beta_zero_is_gradient_descent_exactly():
    grad = get_landscape("ravine").grad
    a = iterate(momentum(0.15, 0.0), grad, (-8.0, 2.0), 100)
    b = iterate(sgd(0.15), grad, (-8.0, 2.0), 100)
    assert (a == b).all()


@pytest.mark.parametrize("beta", [0.5, 0.9, 0.99])
def test_velocity_under_a_constant_gradient_tends_to_g_over_one_minus_beta(
        beta):
    opt, g = momentum(0.1, beta), (1.0, -3.0)
    state = opt.init((0.0, 0.0))
    for _ in range(5000):
        _, state = opt.update(g, state)
    assert state.v == pytest.approx((1.0 / (1 - beta), -3.0 / (1 - beta)),
                                    rel=1e-9)


@pytest.mark.parametrize("lr, beta", [(0.1, 0.9), (0.03, 0.5), (0.3, 0.95)])
def test_sutskever_form_gives_our_iterates_with_v_scaled_by_lr(lr, beta):
    """Sutskever et al.: v ← βv + ηg, w ← w − v. Same w, v_s = η·v_ours."""
    grad = get_landscape("ravine").grad
    opt = momentum(lr, beta)
    w, state = (-8.0, 2.0), opt.init((-8.0, 2.0))
    ws, vs = np.array(w), np.zeros(2)
    for _ in range(200):
        g = grad(w)
        step, state = opt.update(g, state)
        w = (w[0] + step[0], w[1] + step[1])
        vs = beta * vs + lr * np.array(grad(tuple(ws)))
        ws = ws - vs
        assert np.allclose(ws, w, rtol=1e-12, atol=1e-12)
        assert np.allclose(vs, lr * np.array(state.v), rtol=1e-12,
                           atol=1e-12)


@pytest.mark.parametrize("lr, beta", [(0.1, 0.9), (0.03, 0.5)])
def test_ema_form_with_lr_over_one_minus_beta_gives_our_iterates(lr, beta):
    """v ← βv + (1 − β)g with η' = η/(1 − β): same iterates, v_ema = (1−β)v."""
    grad = get_landscape("ravine").grad
    ours = iterate(momentum(lr, beta), grad, (-8.0, 2.0), 200)
    w, v, lr_ema = np.array([-8.0, 2.0]), np.zeros(2), lr / (1 - beta)
    for k in range(1, 201):
        v = beta * v + (1 - beta) * np.array(grad(tuple(w)))
        w = w - lr_ema * v
        assert np.allclose(w, ours[k], rtol=1e-10, atol=1e-12)


def test_update_is_pure_and_state_fields_are_the_lessons_symbols():
    w, g = (1.0, 2.0, 3.0), (0.5, -0.5, 1.0)
    for opt, fields in [(momentum(0.1), ("v",)), (nesterov(0.1), ("v",)),
                        (rmsprop(), ("s",)), (adam(), ("t", "m", "s"))]:
        state = opt.init(w)
        assert state._fields == fields
        first = opt.update(g, state)
        assert opt.update(g, state) == first        # same input, same output
        assert state == opt.init(w)                 # the old state is intact


def test_each_optimizer_registers_the_state_its_steps_carry():
    """The registry's state class is what init and update return, so the words the
    step details show (state_words) are those of the fields the reader sees."""
    for name, entry in REGISTRY.items():
        opt = make_optimizer(name, lr=0.01)
        state = opt.init((0.0, 0.0))
        assert type(state) is entry.state, name
        assert type(opt.update((1.0, -1.0), state)[1]) is entry.state, name
        assert list(state_words(entry.state)) == list(state._fields), name


def test_vectors_of_any_length_work():
    for name in OPTIMIZERS:
        opt = make_optimizer(name, lr=0.01)
        for n in (1, 2, 3, 10):
            step, _ = opt.update((1.0,) * n, opt.init((0.0,) * n))
            assert len(step) == n and all(s < 0 for s in step)


def test_adam_first_step_has_size_lr_in_every_coordinate():
    """Bias correction makes Adam's first step ±η whatever the gradient."""
    step, _ = adam(lr=0.01).update((1e-3, -250.0), adam().init((0.0, 0.0)))
    assert step == pytest.approx((-0.01, 0.01), rel=1e-4)


def test_defaults_are_torchs():
    assert rmsprop().hyperparams == {"lr": 0.01, "alpha": 0.99, "eps": 1e-8}
    assert adam().hyperparams == {"lr": 0.001, "beta1": 0.9, "beta2": 0.999,
                                  "eps": 1e-8}
    assert momentum(0.1).hyperparams["beta"] == 0.9


def test_momentum_docstring_names_the_conventions():
    doc = momentum.__doc__
    for words in ("momentum_buffer", "Sutskever", "η / (1 − β)",
                  "v_sutskever = η · v_ours"):
        assert words in doc


def test_make_optimizer_builds_by_name_and_knows_gd():
    assert make_optimizer("gd", lr=0.1).name == "sgd"
    assert make_optimizer("momentum", lr=0.1, beta=0.5).hyperparams == {
        "lr": 0.1, "beta": 0.5}


@pytest.mark.parametrize("call, words", [
    (lambda: sgd(0.0), "lr .*must be positive"),
    (lambda: sgd(-0.1), "lr .*must be positive"),
    (lambda: sgd(float("nan")), "lr must be finite"),
    (lambda: sgd(float("inf")), "lr must be finite"),
    (lambda: sgd("0.1"), "lr must be a number"),
    (lambda: sgd(True), "lr must be a number"),
    (lambda: momentum(0.1, 1.0), "beta must be at least 0 and below 1"),
    (lambda: momentum(0.1, -0.1), "beta must be at least 0 and below 1"),
    (lambda: nesterov(0.1, 1.5), "beta must be at least 0 and below 1"),
    (lambda: rmsprop(alpha=1.0), "alpha must be at least 0 and below 1"),
    (lambda: rmsprop(eps=0.0), "eps must be a small positive number"),
    (lambda: adam(beta2=1.0), "beta2 must be at least 0 and below 1"),
    (lambda: adam(beta1=float("nan")), "beta1 must be finite"),
    (lambda: make_optimizer("adamw"), "unknown optimizer 'adamw'.*momentum"),
    (lambda: make_optimizer("sgd", lr=0.1, beta=0.9),
     "beta is not a hyperparameter of sgd"),
    (lambda: make_optimizer("momentum"), "lr is missing"),
])
def test_bad_hyperparameters_raise_valueerror_in_words(call, words):
    with pytest.raises(ValueError, match=words):
        call()
