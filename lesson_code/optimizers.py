"""Optimizers as pure `init`/`update` pairs over immutable NamedTuple state.

An `Optimizer` is a value: `init(w) -> state` and
`update(grad, state) -> (step, new_state)`, with the new point `w + step`.
Vectors are tuples of floats of any length. State fields are the lessons'
symbols: `v` (velocity), `m` (first moment), `s` (second moment), `t` (step
count). Every rule follows the update torch.optim documents, so with the same
hyperparameters on the same function the iterates equal torch's to rounding.

Symbols: η = lr, β = beta (torch SGD's `momentum`), α = alpha,
β₁, β₂ = beta1, beta2 (torch Adam's `betas`), ε = eps.

Momentum and Nesterov, which the navigator races most, have a 2-D fast path
(the lessons' plane) next to the general loop; both compute the same
expression in the same order. GD, RMSProp and Adam have the general loop
only.

The registry is the one home of what every page, figure and test knows about
an optimizer: `@register(name, label, style, state)` above a factory puts it
in OPTIMIZERS (name -> factory, in menu order) and REGISTRY (name -> its label
for legends and check boxes, whether it takes the navigator's β, its line
style and its state class). Each state field carries the words a reader sees
for it (`v: Annotated[tuple, "velocity v"]`, read by state_words). The
navigator, the figures and lesson_code.plot read them from here
(lesson_code.navigator hands them to the page), so a new optimizer needs its factory, that one line and
its tests.
"""

import math
from typing import Annotated, Callable, NamedTuple, get_type_hints

from .errors import ArgumentError, finite_number, shown

__all__ = [
    "Optimizer", "EmptyState", "MomentumState", "RMSpropState", "AdamState",
    "sgd", "momentum", "nesterov", "rmsprop", "adam", "OPTIMIZERS",
    "make_optimizer", "check_lr", "check_beta", "Style", "Registered",
    "REGISTRY", "EXTRA_STYLES", "register", "made", "state_words",
    "run_styles",
]


class Optimizer(NamedTuple):
    """name: registry key; label: words for a legend; hyperparams: dict."""
    name: str
    label: str
    hyperparams: dict
    init: Callable
    update: Callable


class Style(NamedTuple):
    """How the navigator and the figures draw an optimizer's runs: a colour
    per theme AND a dash AND a marker, never colour alone. dash: the dash
    pattern in CSS pixels of the navigator's 2.2 px line (() is solid);
    marker: circle, square, triangle, diamond, cross, plus, star or ring."""
    light: str
    dark: str
    dash: tuple
    marker: str


class Registered(NamedTuple):
    """A registered optimizer: name (registry key), label (words for a legend
    or a check box), takes_beta (whether the navigator's β applies), style,
    factory, state (the NamedTuple class its init returns)."""
    name: str
    label: str
    takes_beta: bool
    style: Style
    factory: Callable
    state: type


REGISTRY = {}    # name -> Registered, in menu order
OPTIMIZERS = {}  # name -> factory, in menu order

# A second or third run of the same optimizer in one race (β = 0.5 against
# β = 0.99) is drawn in one of these, in turn.
EXTRA_STYLES = [
    Style("#8c4a2f", "#e0b08c", (3, 2, 9, 2), "plus"),
    Style("#5f5f5f", "#c8c8c8", (14, 3, 3, 3), "star"),
    Style("#6b6b00", "#d6d66b", (2, 2), "ring"),
]


def run_styles(names):
    """The Style of each run of a plot, given its optimizer's registry name
    (None for a line that is no optimizer's), by the navigator's rule
    (navigator-draw.js styleRuns; the figures' draw_race alike for
    registered optimizers): the first run of a registered optimizer gets its
    registry style; a further run of it (β = 0.5 against β = 0.99), or a run
    of no registered optimizer, gets the next of EXTRA_STYLES, counted per
    name, so it differs in colour, dash and marker."""
    seen = {}
    styles = []
    for name in names:
        count = seen.get(name, 0)
        seen[name] = count + 1
        entry = REGISTRY.get(name)
        if entry and count == 0:
            styles.append(entry.style)
        else:
            styles.append(EXTRA_STYLES[(count - (1 if entry else 0))
                                       % len(EXTRA_STYLES)])
    return styles


def state_words(state):
    """field -> the words a reader sees for it (the navigator's step
    details), in field order, from the Annotated type of each field of a
    state class; TypeError names a field without words."""
    hints = get_type_hints(state, include_extras=True)
    words = {}
    for field in state._fields:
        said = getattr(hints.get(field), "__metadata__", ())
        if not (said and isinstance(said[0], str)):
            raise TypeError(f"{state.__name__}.{field} needs the words "
                            f"readers see for it: "
                            f'{field}: Annotated[type, "words"]')
        words[field] = said[0]
    return words


def register(name, label, style, state):
    """Decorator: registers an optimizer factory under name, with the label
    readers see, its style and the state class its init returns (each field
    with its words, see state_words). It takes the navigator's β if it has
    a `beta` argument."""
    state_words(state)  # a field without words fails here, at import

    def add(factory):
        code = factory.__code__
        takes_beta = "beta" in code.co_varnames[:code.co_argcount]
        REGISTRY[name] = Registered(name, label, takes_beta, style, factory,
                                    state)
        OPTIMIZERS[name] = factory
        return factory
    return add


def made(name, hyperparams, init, update):
    """The Optimizer value of the registered optimizer `name` (its label from
    the registry)."""
    return Optimizer(name, REGISTRY[name].label, hyperparams, init, update)


class EmptyState(NamedTuple):
    """Plain gradient descent remembers nothing."""


# A state field's Annotated words are what the navigator's step details call
# it (state_words).
class MomentumState(NamedTuple):
    """v: the velocity (torch: `momentum_buffer`)."""
    v: Annotated[tuple, "velocity v"]


class RMSpropState(NamedTuple):
    """s: running average of g² (torch: `square_avg`)."""
    s: Annotated[tuple, "second moment s"]


class AdamState(NamedTuple):
    """t: steps taken; m: average of g (torch `exp_avg`);
    s: average of g² (torch `exp_avg_sq`)."""
    t: Annotated[int, "step count t"]
    m: Annotated[tuple, "first moment m"]
    s: Annotated[tuple, "second moment s"]


def check_lr(lr, name="lr"):
    """The learning rate η as a float; ArgumentError (a ValueError naming
    `name`) unless 0 < η < ∞."""
    lr = finite_number(lr, name)
    if lr <= 0:
        raise ArgumentError(f"{name} (the learning rate η) must be positive, "
                            f"got {lr!r}", name)
    return lr


def check_beta(beta, name="beta"):
    """A decay rate β as a float; ArgumentError unless 0 ≤ β < 1."""
    beta = finite_number(beta, name)
    if not 0 <= beta < 1:
        raise ArgumentError(f"{name} must be at least 0 and below 1 (β = 1 "
                            f"never forgets, β > 1 blows up), got {beta!r}",
                            name)
    return beta


def _check_eps(eps):
    eps = finite_number(eps, "eps")
    if eps <= 0:
        raise ArgumentError(f"eps must be a small positive number such as "
                            f"1e-8 (it keeps the division finite), got "
                            f"{eps!r}", "eps")
    return eps


# NamedTuple(...) runs a Python-level __new__; the per-step path builds state
# with tuple.__new__(State, fields) instead: the same value, about twice as
# fast (it matters in Pyodide, where a race takes thousands of steps).
_new = tuple.__new__


def _zeros(w):
    return (0.0,) * len(w)


@register("sgd", "GD",
          Style("#d55e00", "#ff9a4d", (), "circle"),
          EmptyState)
def sgd(lr):
    """Gradient descent w ← w − η g.  torch: `SGD(params, lr)`."""
    lr = check_lr(lr)

    def update(g, state):
        # Δw = −η g
        return tuple([-lr * gi for gi in g]), state

    return made("sgd", {"lr": lr}, lambda w: EmptyState(), update)


@register("momentum", "Momentum",
          Style("#0072b2", "#6cc4ff", (7, 4), "square"),
          MomentumState)
def momentum(lr, beta=0.9):
    """Heavy-ball momentum in torch's convention (the lessons' convention):

        v_t = β v_{t−1} + g_t,   w_{t+1} = w_t − η v_t,   v_0 = 0,

    which is `torch.optim.SGD(params, lr=η, momentum=β)` (dampening 0);
    the state's `v` is torch's `momentum_buffer` (torch sets v_1 = g_1, the
    same as v_0 = 0 here). Other books write the same method two other ways:

    * Sutskever et al. (2013): v ← β v + η g, w ← w − v. Same iterates,
      with v_sutskever = η · v_ours (for a fixed η).
    * EMA form: v ← β v + (1 − β) g, w ← w − η' v. Same iterates when
      η' = η / (1 − β), with v_ema = (1 − β) · v_ours.

    With β = 0 it is plain gradient descent. Stable on a quadratic iff
    η < (2 + 2β) / λ_max.
    """
    lr, beta = check_lr(lr), check_beta(beta)

    def update(g, state):
        v = state.v
        if len(g) == 2:
            # v_t = β v_{t−1} + g_t
            v0, v1 = beta * v[0] + g[0], beta * v[1] + g[1]
            # Δw = −η v_t
            return (-lr * v0, -lr * v1), _new(MomentumState, ((v0, v1),))
        # v_t = β v_{t−1} + g_t
        v = tuple([beta * vi + gi for vi, gi in zip(v, g)])
        # Δw = −η v_t
        return tuple([-lr * vi for vi in v]), _new(MomentumState, (v,))

    return made("momentum", {"lr": lr, "beta": beta},
                lambda w: MomentumState(_zeros(w)), update)


@register("nesterov", "Nesterov",
          Style("#009e73", "#38d9a9", (1.5, 3), "triangle"),
          MomentumState)
def nesterov(lr, beta=0.9):
    """Nesterov momentum as torch implements it (`SGD(lr, momentum=β,
    nesterov=True)`): v_t = β v_{t−1} + g_t, then w ← w − η (g_t + β v_t).
    The step looks ahead along the fresh velocity. `v` is `momentum_buffer`.
    """
    lr, beta = check_lr(lr), check_beta(beta)

    def update(g, state):
        v = state.v
        if len(g) == 2:
            # v_t = β v_{t−1} + g_t
            v0, v1 = beta * v[0] + g[0], beta * v[1] + g[1]
            # Δw = −η (g_t + β v_t)
            step = (-lr * (g[0] + beta * v0), -lr * (g[1] + beta * v1))
            return step, _new(MomentumState, ((v0, v1),))
        # v_t = β v_{t−1} + g_t
        v = tuple([beta * vi + gi for vi, gi in zip(v, g)])
        # Δw = −η (g_t + β v_t)
        step = tuple([-lr * (gi + beta * vi) for gi, vi in zip(g, v)])
        return step, _new(MomentumState, (v,))

    return made("nesterov", {"lr": lr, "beta": beta},
                lambda w: MomentumState(_zeros(w)), update)


@register("rmsprop", "RMSProp",
          Style("#b8509a", "#f08ad6", (7, 3, 1.5, 3), "diamond"),
          RMSpropState)
def rmsprop(lr=0.01, alpha=0.99, eps=1e-8):
    """RMSProp as `torch.optim.RMSprop(params, lr, alpha, eps)` (not centered,
    no momentum): s_t = α s_{t−1} + (1 − α) g_t², s_0 = 0,
    w ← w − η g_t / (√s_t + ε). `s` is torch's `square_avg`. Defaults are
    torch's.
    """
    lr, alpha, eps = check_lr(lr), check_beta(alpha, "alpha"), _check_eps(eps)
    sqrt = math.sqrt

    def update(g, state):
        # s_t = α s_{t−1} + (1 − α) g_t²
        s = tuple([alpha * si + (1 - alpha) * gi * gi
                   for si, gi in zip(state.s, g)])
        # Δw = −η g_t / (√s_t + ε)
        step = tuple([-lr * gi / (sqrt(si) + eps) for gi, si in zip(g, s)])
        return step, _new(RMSpropState, (s,))

    return made("rmsprop", {"lr": lr, "alpha": alpha, "eps": eps},
                lambda w: RMSpropState(_zeros(w)), update)


@register("adam", "Adam",
          Style("#222222", "#f0e442", (12, 4), "cross"),
          AdamState)
def adam(lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
    """Adam as `torch.optim.Adam(params, lr, betas=(β₁, β₂), eps)` (no
    amsgrad, no weight decay), with bias correction and ε added after the
    square root of the corrected second moment:

        m_t = β₁ m_{t−1} + (1 − β₁) g_t      (torch `exp_avg`)
        s_t = β₂ s_{t−1} + (1 − β₂) g_t²     (torch `exp_avg_sq`)
        w ← w − η m̂ / (√ŝ + ε),  m̂ = m_t/(1 − β₁ᵗ), ŝ = s_t/(1 − β₂ᵗ).

    Defaults are torch's.
    """
    lr, eps = check_lr(lr), _check_eps(eps)
    beta1, beta2 = check_beta(beta1, "beta1"), check_beta(beta2, "beta2")
    sqrt = math.sqrt

    def update(g, state):
        t = state.t + 1
        # m_t = β₁ m_{t−1} + (1 − β₁) g_t
        m = tuple([beta1 * mi + (1 - beta1) * gi
                   for mi, gi in zip(state.m, g)])
        # s_t = β₂ s_{t−1} + (1 − β₂) g_t²
        s = tuple([beta2 * si + (1 - beta2) * gi * gi
                   for si, gi in zip(state.s, g)])
        c1, c2 = 1 - beta1 ** t, 1 - beta2 ** t
        # Δw = −η m̂ / (√ŝ + ε)
        step = tuple([-lr * (mi / c1) / (sqrt(si / c2) + eps)
                      for mi, si in zip(m, s)])
        return step, _new(AdamState, (t, m, s))

    return made("adam",
                {"lr": lr, "beta1": beta1, "beta2": beta2, "eps": eps},
                lambda w: AdamState(0, _zeros(w), _zeros(w)), update)


# Other names a learner may type for the same factory.
ALIASES = {"gd": "sgd"}


def make_optimizer(name, **hyperparams):
    """Build a registered optimizer by name, e.g. make_optimizer("momentum",
    lr=0.1, beta=0.9). ArgumentError (a ValueError) names an unknown
    optimizer (field "name") or the hyperparameter at fault."""
    key = ALIASES.get(name, name) if isinstance(name, str) else None
    if key not in OPTIMIZERS:
        raise ArgumentError(f"unknown optimizer {shown(name)} (name must be "
                            f"one of {', '.join(OPTIMIZERS)})", "name")
    factory = OPTIMIZERS[key]
    params = factory.__code__.co_varnames[:factory.__code__.co_argcount]
    for arg in hyperparams:
        if arg not in params:
            said = arg if len(arg) <= 40 else shown(arg)
            raise ArgumentError(f"{said} is not a hyperparameter of {key} "
                                f"(it takes {', '.join(params)})", arg)
    required = params[:len(params) - len(factory.__defaults__ or ())]
    for arg in required:
        if arg not in hyperparams:
            raise ArgumentError(f"{arg} is missing: {key} needs a learning "
                                f"rate η", arg)
    return factory(**hyperparams)
