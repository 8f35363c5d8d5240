"""The one loop over steps: (optimizer, landscape, start, num_steps) →
Trajectory.

Nothing else in Ravine iterates an optimizer. `run` accepts any object with
`f(w)` and `grad(w)` (tuples of floats of any length), and uses `f_min` and
`bounds` when it has them, so a lab can pass a small model's loss.

How a run ends (`status`, `step`, `message`):

* "converged" at step k: the run is within tolerance at step k and at every
  step after it ("arrived for good"). Within tolerance means
  f(w) − f_min ≤ tol (default 1e-6), or ‖∇f(w)‖ ≤ tol where there is no
  f_min. A spiralling run can dip under the tolerance and climb back out, so
  the first such step (`first`) is not enough. The runner goes on until it
  knows the run stays:
  - proof, on a quadratic with a linear optimizer (GD, momentum, Nesterov)
    and no noise: along each eigen-direction the error obeys
    e_{t+1} = a e_t + b e_{t−1} (theory.recurrence), so no later error is
    larger than power_bound(a, b) · ‖(e_t, e_{t−1})‖. Once that bound keeps
    every later loss within tolerance, k is where the present stretch
    within tolerance began;
  - proof too, whatever the landscape, once a learning-rate schedule has
    brought η to 0 for good (Schedule.halt): the point can no longer move;
  - otherwise, a confirmation: the run stays within tolerance for
    hold_steps(optimizer, k) more steps, the larger of k (as long again as
    it took), HOLD_MIN and HOLD_MEMORY times the optimizer's longest memory
    1/(1 − β) (β, α or β₂). A confirmation is evidence, not proof: the
    tests check it against long independent runs on every landscape the
    lessons use.
  `first` is the first step within tolerance (k when it never left).
* "diverged" at step k: w_k or f(w_k) is not finite (NaN, ±inf, overflow),
  or w_k is far outside the plotting bounds: more than FAR = 1000 plot
  widths beyond an edge, in any coordinate.
* "running": num_steps steps taken without either ("still running"); the
  message says when the run is within tolerance but not yet known to stay,
  or was within it once and left.

points[0] is the start and points[k] the point after k steps; losses[k] is
f(points[k]). Points and losses are always finite: a run that diverges to a
non-finite value stops at the last finite point (a point that flew far but
stayed finite is kept, to show the leap).
"""

import math
import random
from typing import NamedTuple

from . import exact
from .errors import ArgumentError, finite_number, shown
from .landscapes import check_point
from .optimizers import Optimizer, check_beta, check_lr
from .schedules import schedule_for
from .theory import power_bound, recurrence

__all__ = ["Trajectory", "run", "race", "check_steps", "race_labels",
           "normal_sampler", "arrival_proof", "hold_steps", "stretches",
           "classical_nesterov",
           "MAX_STEPS", "FAR", "HOLD_MIN", "HOLD_MEMORY"]

# Learners type step counts; a cap keeps a typo from freezing the page.
MAX_STEPS = 100_000
# "Far outside" the bounds: this many plot widths beyond an edge.
FAR = 1000.0
# Without a proof, a run counts as arrived once it has stayed within
# tolerance for at least HOLD_MIN steps and HOLD_MEMORY memories.
HOLD_MIN = 100
HOLD_MEMORY = 20
INF = math.inf


class Trajectory(NamedTuple):
    """A finished run. status is "converged", "diverged" or "running";
    step is where it converged for good (or diverged, or num_steps); first
    is the first step within tolerance (None if never); name is the
    optimizer's registry name (its style in lesson_code.plot)."""
    label: str
    points: tuple
    losses: tuple
    status: str
    step: int
    message: str
    # Only with run(..., record=True): states[k] is the optimizer state
    # after k steps, grads[k] the gradient used for step k + 1.
    states: tuple | None = None
    grads: tuple | None = None
    first: int | None = None
    name: str | None = None


def check_steps(num_steps, cap=MAX_STEPS, name="num_steps"):
    """num_steps as an int; ArgumentError (a ValueError naming `name`)
    unless 1 ≤ num_steps ≤ cap."""
    if isinstance(num_steps, float) and num_steps.is_integer():
        num_steps = int(num_steps)
    if isinstance(num_steps, bool) or not isinstance(num_steps, int):
        raise ArgumentError(f"{name} must be a whole number of steps, "
                            f"got {shown(num_steps)}", name)
    if not 1 <= num_steps <= cap:
        raise ArgumentError(f"{name} must be between 1 and {cap}, "
                            f"got {shown(num_steps)}", name)
    return num_steps


def _far_box(bounds, dim):
    """Per-coordinate (lo, hi) FAR plot widths beyond the bounds
    (−∞, ∞ without bounds)."""
    if bounds is None or len(bounds) != dim:
        return [(-INF, INF)] * dim
    box = []
    for lo, hi in bounds:
        width = hi - lo
        box.append((lo - FAR * width, hi + FAR * width))
    return box


def _ending(status, step, first=None, since=None):
    if status == "converged":
        if first is not None and first < step:
            return (f"converged: first within tolerance at step {first}, "
                    f"for good from step {step}")
        return f"converged at step {step}"
    if status == "diverged":
        return f"diverged at step {step}"
    if since is not None:
        return (f"still running: within tolerance since step {since}, "
                "not yet shown to stay")
    if first is not None:
        return (f"still running: within tolerance at step {first}, "
                "then out again")
    return "still running"


def hold_steps(optimizer, since):
    """How long a run without a proof must stay within tolerance, from step
    since, to count as arrived: the larger of since, HOLD_MIN and
    HOLD_MEMORY times the optimizer's longest memory 1/(1 − β) (its largest
    decay β, α or β₂; 1 for GD)."""
    decays = [value for key, value in optimizer.hyperparams.items()
              if key in ("beta", "alpha", "beta1", "beta2")]
    memory = 1.0 / (1.0 - max(decays, default=0.0))
    return max(since, HOLD_MIN, math.ceil(HOLD_MEMORY * memory))


def arrival_proof(optimizer, landscape, tol, noise=0.0):
    """A function (w_prev, w) -> True when no later loss can leave the
    tolerance, or None when the runner has no proof for this run (see the
    module docstring)."""
    hessian = getattr(landscape, "hessian", None)
    f_min = getattr(landscape, "f_min", None)
    minima = getattr(landscape, "minima", ())
    if noise or hessian is None or f_min is None or not minima \
            or not hasattr(optimizer, "hyperparams"):
        return None
    (a, c), (_, b) = hessian
    # eigenvectors of the symmetric H = [[a, c], [c, b]]: angle θ
    theta = 0.5 * math.atan2(2.0 * c, a - b)
    axes = [(math.cos(theta), math.sin(theta)),
            (-math.sin(theta), math.cos(theta))]
    terms = []
    for u in axes:
        # λ = uᵀ H u
        lam = a * u[0] * u[0] + 2.0 * c * u[0] * u[1] + b * u[1] * u[1]
        if lam < 0:
            return None
        coefficients = recurrence(optimizer, lam)
        if coefficients is None:
            return None
        if lam > 0:
            size = power_bound(*coefficients)
            if size == INF:
                return None
            # ½ λ e_{t+n}² ≤ ½ λ S² (e_t² + e_{t−1}²)
            terms.append((u, 0.5 * lam * size * size))
    w_star = minima[0]

    def stays(w_prev, w):
        bound = 0.0
        for (ux, uy), scale in terms:
            e = ux * (w[0] - w_star[0]) + uy * (w[1] - w_star[1])
            e_prev = (ux * (w_prev[0] - w_star[0])
                      + uy * (w_prev[1] - w_star[1]))
            bound += scale * (e * e + e_prev * e_prev)
        return bound <= tol

    return stays


_UNCHECKED = object()


def _check_run(landscape, start, num_steps, tol, noise, optimizer=_UNCHECKED):
    """Validated (num_steps, start point, tol, noise) for run; ArgumentError
    (a ValueError) names the argument of the wrong type or value (the
    optimizer too, when given)."""
    if optimizer is not _UNCHECKED and not all(
            callable(getattr(optimizer, key, None))
            for key in ("init", "update")):
        raise ArgumentError(f"optimizer must be an Optimizer such as "
                            f"sgd(0.1), got {shown(optimizer)}", "optimizer")
    if not all(callable(getattr(landscape, key, None))
               for key in ("f", "grad")):
        hint = (f" (get_landscape({landscape!r}) gives the registered one)"
                if isinstance(landscape, str) and len(landscape) < 40 else "")
        raise ArgumentError(f"landscape must be a Landscape, or any object "
                            f"with f(w) and grad(w), got {shown(landscape)}"
                            f"{hint}", "landscape")
    num_steps = check_steps(num_steps)
    bounds = getattr(landscape, "bounds", None)
    if start is None:
        start = getattr(landscape, "start", None)
        if start is None:
            raise ArgumentError("start is needed: this landscape has no "
                                "default start", "start")
    w = check_point(start, "start", len(bounds) if bounds else None)
    checked = []
    for name, value in (("tol", tol), ("noise", noise)):
        try:
            checked.append(finite_number(value, name))
        except ArgumentError:
            checked.append(-1.0)
        if checked[-1] < 0:
            raise ArgumentError(f"{name} must be a finite number ≥ 0, "
                                f"got {shown(value)}", name)
    return (num_steps, w, *checked)


def run(optimizer, landscape, start=None, num_steps=100, tol=1e-6,
        noise=0.0, seed=0, label=None, record=False, schedule=None):
    """Run optimizer on landscape from start (default: landscape.start).

    noise > 0 adds seeded Gaussian noise of that standard deviation to each
    gradient coordinate (normal_sampler(seed)): a stochastic-gradient
    variant, bit-identical in CPython and Pyodide.
    schedule (a Schedule, a name such as "cosine", or {"name": ...}; see
    lesson_code.schedules) scales update t by schedule.factor(t), which is
    the update at η · factor(t); None keeps η constant.
    Convergence is still judged on the true loss (or true gradient).
    record=True also keeps every optimizer state and gradient used.
    """
    num_steps, w, tol, noise = _check_run(landscape, start, num_steps, tol,
                                          noise, optimizer)
    schedule = schedule_for(schedule, num_steps)
    scale = None if schedule.name == "constant" else schedule.factor
    # from step `halt` on the schedule's η is 0: the point cannot move, so a
    # run within tolerance there stays (a proof, whatever the landscape)
    halt = schedule.halt
    f, grad, update = landscape.f, landscape.grad, optimizer.update
    f_min = getattr(landscape, "f_min", None)
    inf = INF
    # f − f_min ≤ tol  ⇔  loss ≤ stop; without f_min, judge ‖∇f‖ instead
    stop = -inf if f_min is None else f_min + tol
    box = _far_box(getattr(landscape, "bounds", None), len(w))
    two_d = len(w) == 2
    if two_d:
        (xlo, xhi), (ylo, yhi) = box
    gauss = normal_sampler(seed)

    loss = f(w)
    if not -INF < loss < INF:
        raise ArgumentError(f"the loss at the start {w} is not finite",
                            "start")
    # the algebra assumes one η for every step
    proof = None if scale else arrival_proof(optimizer, landscape, tol, noise)
    state = optimizer.init(w)
    points, losses, states, grads = [w], [loss], [state], []
    keep_point, keep_loss = points.append, losses.append
    status, k = "running", num_steps
    # first: the first step within tolerance; since: where the present
    # stretch within tolerance began (None while outside it)
    first = since = None
    for i in range(num_steps + 1):
        try:
            g = grad(w)
            inside = loss <= stop or (f_min is None and _norm(g) <= tol)
            if inside:
                if since is None:
                    since = i
                    if first is None:
                        first = i
                if (proof is not None and i > 0 and proof(points[-2], w)) \
                        or (halt is not None and i >= halt) \
                        or (proof is None
                            and i - since >= hold_steps(optimizer, since)):
                    status, k = "converged", since
                    break
            else:
                since = None
            if i == num_steps:
                break
            if noise:
                g = tuple([gi + noise * gauss() for gi in g])
            step, state = update(g, state)
            if scale:
                # the update at η_t = η · factor(t)
                c = scale(i)
                step = tuple([c * si for si in step])
            if two_d:
                # w_{k+1} = w_k + Δw
                w = (w[0] + step[0], w[1] + step[1])
                # strict comparisons are False for NaN and ±inf too
                near = xlo < w[0] < xhi and ylo < w[1] < yhi
            else:
                w = tuple([wi + si for wi, si in zip(w, step)])
                near = all([lo < c < hi for c, (lo, hi) in zip(w, box)])
            loss = f(w)
        except OverflowError:
            status, k = "diverged", i + 1
            break
        if record:
            states.append(state)
            grads.append(g)
        if not (near and -inf < loss < inf):
            status, k = "diverged", i + 1
            if -inf < loss < inf and all(map(math.isfinite, w)):
                keep_point(w)
                keep_loss(loss)
            break
        keep_point(w)
        keep_loss(loss)
    if record:
        n = len(points)
        states, grads = tuple(states[:n]), tuple(grads[:n - 1])
    else:
        states = grads = None
    message = _ending(status, k, first, since if status == "running"
                      else None)
    name = getattr(optimizer, "name", None)
    return Trajectory(label or optimizer.label, tuple(points), tuple(losses),
                      status, k, message, states, grads, first,
                      name if isinstance(name, str) else None)


def stretches(trajectory, tol=1e-6, f_min=0.0):
    """(start, stop) of every stretch of steps whose loss is within tol of
    f_min, stop exclusive (len(losses) while the last one is still open):
    where a run dipped under the tolerance, and for how long."""
    out, start = [], None
    for k, loss in enumerate(trajectory.losses):
        if loss - f_min <= tol:
            start = k if start is None else start
        elif start is not None:
            out.append((start, k))
            start = None
    if start is not None:
        out.append((start, len(trajectory.losses)))
    return out


def classical_nesterov(lr, beta, landscape, start=None, num_steps=100):
    """Nesterov's method in its classical form (Sutskever et al., 2013),
    which takes the gradient at the looked-ahead point w_t + β v_t:

        v_{t+1} = β v_t − η ∇f(w_t + β v_t),   w_{t+1} = w_t + v_{t+1}.

    Returns (points, lookaheads): the w_t and the w_t + β v_t, t = 0..n.
    The runner's `nesterov` (torch's form) moves exactly the look-ahead
    points: with p_t = w_t + β v_t, p_{t+1} = p_t − η (g + β b_t),
    b_t = β b_{t−1} + g, g = ∇f(p_t), b_t = −v_{t+1}/η. Kept beside the
    runner only so a lesson can show the two forms agree; races use
    `nesterov`."""
    lr, beta = check_lr(lr), check_beta(beta)
    num_steps, w, _, _ = _check_run(landscape, start, num_steps, 0.0, 0.0)
    v = (0.0,) * len(w)
    points, ahead = [w], [w]
    for _ in range(num_steps):
        look = tuple([wi + beta * vi for wi, vi in zip(w, v)])
        g = landscape.grad(look)
        # v_{t+1} = β v_t − η ∇f(w_t + β v_t);  w_{t+1} = w_t + v_{t+1}
        v = tuple([beta * vi - lr * gi for vi, gi in zip(v, g)])
        w = tuple([wi + vi for wi, vi in zip(w, v)])
        points.append(w)
        ahead.append(tuple([wi + beta * vi for wi, vi in zip(w, v)]))
    return points, ahead


def normal_sampler(seed):
    """A function returning standard normal samples, seeded.

    Marsaglia's polar method on random.Random(seed) (whose uniforms are
    integer arithmetic), with the log of lesson_code.exact: math.log, like
    the cos/sin of random.gauss, differs in the last bit between CPython and
    Pyodide for a few inputs in ten thousand, and seeded noisy races drifted
    apart; exact.log uses only correctly rounded arithmetic and sqrt.
    """
    uniform, spare = random.Random(seed).random, []
    log, sqrt = exact.log, math.sqrt

    def sample():
        if spare:
            return spare.pop()
        while True:
            u, v = 2.0 * uniform() - 1.0, 2.0 * uniform() - 1.0
            s = u * u + v * v
            if 0.0 < s < 1.0:
                break
        # (u, v) · √(−2 ln s / s) are two independent N(0, 1) samples
        factor = sqrt(-2.0 * log(s) / s)
        spare.append(v * factor)
        return u * factor

    return sample


def _norm(g):
    # ‖g‖ = √(Σ g_i²)
    return math.sqrt(sum([gi * gi for gi in g]))


_SYMBOLS = {"lr": "η", "beta": "β", "alpha": "α", "beta1": "β₁",
            "beta2": "β₂", "eps": "ε"}


def _value(x):
    return f"{x:g}" if isinstance(x, (int, float)) else repr(x)


def race_labels(optimizers):
    """Distinct legend labels: optimizers sharing a label get the
    hyperparameters that tell them apart, e.g. "Momentum (β = 0.5)", and
    runs still alike are numbered in order: "GD #1", "GD #2". Linear in the
    number of optimizers."""
    labels = [opt.label for opt in optimizers]
    groups = {}
    for i, label in enumerate(labels):
        groups.setdefault(label, []).append(i)
    for label, members in groups.items():
        if len(members) < 2:
            continue
        params = [optimizers[i].hyperparams for i in members]
        keys = [key for key in params[0]
                if len({repr(p.get(key)) for p in params}) > 1]
        if not keys:
            continue
        for i, p in zip(members, params):
            parts = [f"{_SYMBOLS.get(key, key)} = {_value(p.get(key))}"
                     for key in keys]
            labels[i] = f"{label} ({', '.join(parts)})"
    counts, seen = {}, {}
    for label in labels:
        counts[label] = counts.get(label, 0) + 1
    for i, label in enumerate(labels):
        if counts[label] > 1:
            seen[label] = seen.get(label, 0) + 1
            labels[i] = f"{label} #{seen[label]}"
    return labels


def race(optimizers, landscape, start=None, num_steps=100, tol=1e-6,
         noise=0.0, seed=0, record=False, schedule=None):
    """Run each optimizer from the same start (and the same noise seed and
    learning-rate schedule); one Trajectory each, with distinct labels.
    optimizers is a list (ArgumentError, field "optimizers", otherwise)."""
    if isinstance(optimizers, (Optimizer, str, bytes, dict)) \
            or not hasattr(optimizers, "__iter__"):
        raise ArgumentError(f"optimizers must be a list of optimizers such "
                            f"as [sgd(0.1), momentum(0.1)], got "
                            f"{shown(optimizers)}", "optimizers")
    optimizers = list(optimizers)
    if not optimizers:
        raise ArgumentError("optimizers is empty: a race needs at least one "
                            "optimizer", "optimizers")
    for opt in optimizers:
        if not (isinstance(getattr(opt, "label", None), str)
                and isinstance(getattr(opt, "hyperparams", None), dict)
                and callable(getattr(opt, "init", None))
                and callable(getattr(opt, "update", None))):
            raise ArgumentError(f"each of optimizers must be an Optimizer "
                                f"such as sgd(0.1), got {shown(opt)}",
                                "optimizers")
    labels = race_labels(optimizers)
    return [run(opt, landscape, start, num_steps, tol, noise, seed, label,
                record, schedule)
            for opt, label in zip(optimizers, labels)]
