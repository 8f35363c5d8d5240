"""JSON in, JSON out: the one entry point the web worker calls.

    handle('{"op": "race", "args": {...}}') -> '{"ok": true, "result": ...}'

One call computes a whole race or contour grid and returns flat lists, so
the worker crosses the JS/Python boundary once per redraw. Bad input never
raises: the reply is {"ok": false, "error": <words for a learner>, "field":
<the argument at fault>, "loc": <where it sits in the request>}. Replies
never contain NaN or Infinity (json.dumps(allow_nan=False); in step_detail
a value that overflowed is null); floats are not rounded.

The field is the argument at fault, as lesson_code's validators raise it
(ArgumentError.field): "lr", "beta", "alpha", "eps", "beta1", "beta2" (a
run's hyperparameter), "optimizers" (the list, a run's shape or its name),
"landscape" (its name or one of its parameters), "start", "num_steps",
"tol", "noise", "seed", "schedule" (its name or one of its parameters),
"packed", "step", "nx", "ny", "levels", "op",
"args" (an argument the op does not take), or "request" (too long, nested
too deep, not JSON, not an object). loc is the path to it, e.g.
["optimizers", 1, "lr"] or ["args", "nun_steps"]. The page routes a message
by its field alone, so messages may be reworded freely.

Work per request is bounded (a reader's typo must not freeze the page; the
page itself never asks for more):

    MAX_RUNS = 8            runs per race (the navigator sends at most 8)
    MAX_STEPS = 5000        steps per run, and the largest step_detail step
    MAX_GRID = 400          contour points per side (160,000 in all)
    MAX_MAP_CELLS = 20_000  rate-map cells (nx × ny; each side at most MAX_GRID)
    MAX_LEVELS = 100        contour levels
    MAX_REQUEST = 1_000_000 characters of request (a page's is under 2 KB)
    MAX_DEPTH = 32          levels of nesting in the request (a page's: 4)

The largest race (8 × 5,000 steps) or grid then takes about 0.15 s in
CPython and 0.5 s in Pyodide on this project's machines, the largest rate
map about 0.25 s in CPython (the page's, 8,000 cells, 0.1 s).

Ops and their args (a landscape is a registry name, or {"name": ...,
"kappa": ...} for a parameterised one):

    landscapes  {}
    contour     {landscape, nx=81, ny=61, levels=14, packed=false}
    race        {landscape, optimizers: [{name, lr, beta?, ...}],
                 start=[x, y] (landscape's default), num_steps=200,
                 tol=1e-6, noise=0, seed=0, schedule="constant",
                 packed=false}  (schedule: a name of lesson_code.SCHEDULES
                 or {"name": ..., param: value}; total = num_steps)
    step_detail {race args + step: k}
    rate_map    {landscape, lr=[0.005, 0.4], beta=[0, 0.99], nx=80, ny=100,
                 packed=false}  -> momentum's rate over (η, β), see op_rate_map
    snippet     {race args}  -> Python source reproducing the race

A race replies {"runs": [...], "limits": {...}, "f_min", "tol", "noise",
"seed", "schedule": {name, label, params}}: the landscape's f_min (null
where it has none: there the tolerance applies to the gradient norm) and the
tolerance the runs were judged by, so the page's loss panel draws f − f_min
against the very line the runner used; the noise and the schedule the runs
had (its label in words, its total filled in).

With "packed": true a race returns xs, ys and losses (and a contour its
values) as base64 strings of little-endian float64 instead of lists: the
same numbers bit for bit, about 20 times cheaper to encode than JSON floats.
In JS: new Float64Array(Uint8Array.from(atob(s), c => c.charCodeAt(0))
.buffer).
"""

import base64
import json
import math
import re
import struct
from typing import NamedTuple

from . import theory
from .grid import contour_levels, grid
from .errors import ArgumentError, finite_number, shown
from .landscapes import (LANDSCAPES, check_point, get_landscape,
                         make_landscape)
# The navigator's state rules live in lesson_code.navigator; these names stay
# importable from here for the build hooks.
from .navigator import (LIMITS, RACE_DEFAULTS, navigator_state,
                        race_request)
from .optimizers import check_beta, check_lr, make_optimizer
from .runner import arrival_proof, check_steps, hold_steps, race
from .schedules import schedule_for

__all__ = ["handle", "call", "OPS", "ArgumentError", "MAX_RUNS",
           "MAX_STEPS", "MAX_GRID", "MAX_MAP_CELLS", "MAX_LEVELS",
           "MAX_REQUEST", "MAX_DEPTH",
           "RACE_DEFAULTS", "navigator_state", "race_request"]

# Bounded work per request (see the module docstring). The navigator keeps to
# the same bounds: lesson_code.navigator.LIMITS holds them, for the page too.
MAX_RUNS = LIMITS["runs"]
MAX_STEPS = LIMITS["num_steps"][1]
MAX_GRID = 400
MAX_MAP_CELLS = 20_000
MAX_LEVELS = 100
MAX_REQUEST = 1_000_000
# Checked before json.loads, without recursion: in Pyodide, JSON nested about
# 100,000 deep overflows the JavaScript stack and kills the runtime before
# Python can raise RecursionError.
MAX_DEPTH = 32


def _landscape(args):
    """The request's landscape: a registry name, or {"name": ..., param:
    value}. Any error is the landscape's (loc: ["landscape", param])."""
    spec = args.get("landscape", "ravine")
    if not isinstance(spec, dict):
        return get_landscape(spec)
    params = dict(spec)
    name = params.pop("name", None)
    try:
        return make_landscape(name, **params)
    except ArgumentError as err:
        loc = ("landscape", err.field) if err.field in params else (
            "landscape",)
        raise ArgumentError(str(err), "landscape", loc) from None


def _optimizers(args):
    """The race's optimizers: [{name, lr, ...}], at most MAX_RUNS. An error
    in one names its hyperparameter (an unknown name: "optimizers")."""
    specs = args.get("optimizers")
    if not isinstance(specs, list) or not specs:
        raise ArgumentError("optimizers must be a non-empty list such as "
                            '[{"name": "sgd", "lr": 0.1}]', "optimizers")
    if len(specs) > MAX_RUNS:
        raise ArgumentError(f"a race takes at most {MAX_RUNS} runs, got "
                            f"{len(specs)}", "optimizers")
    opts = []
    for i, spec in enumerate(specs):
        if not isinstance(spec, dict) or "name" not in spec:
            raise ArgumentError('each optimizer must look like {"name": '
                                '"sgd", "lr": 0.1}', "optimizers",
                                ("optimizers", i))
        params = {k: v for k, v in spec.items() if k != "name"}
        try:
            opts.append(make_optimizer(spec["name"], **params))
        except ArgumentError as err:
            field = "optimizers" if err.field == "name" else err.field
            raise ArgumentError(str(err), field,
                                ("optimizers", i, err.field)) from None
    return opts


def _number(args, key, default, low=0.0):
    value = args.get(key, default)
    try:
        ok = finite_number(value, key) >= low
    except ArgumentError:
        ok = False
    if not ok:
        raise ArgumentError(f"{key} must be a finite number ≥ {low:g}, "
                            f"got {shown(value)}", key)
    return value


RACE_ARGS = {"landscape", "optimizers", "start", "num_steps", "tol", "noise",
             "seed", "schedule", "packed"}
CONTOUR_ARGS = {"landscape", "nx", "ny", "levels", "packed"}


def _known(args, names):
    """Refuse an argument the op does not take (a typo would be ignored)."""
    for key in args:
        if key not in names:
            listed = ", ".join(sorted(names)) or "no arguments"
            raise ArgumentError(f"unknown argument {shown(key)}; it takes "
                                f"{listed}", "args", ("args", key))


def _packed(args):
    packed = args.get("packed", False)
    if not isinstance(packed, bool):
        raise ArgumentError(f"packed must be true or false, got "
                            f"{shown(packed)}", "packed")
    return packed


def floats(values, packed=False):
    """values as a list, or packed: base64 of little-endian float64s."""
    if not packed:
        return list(values)
    raw = struct.pack(f"<{len(values)}d", *values)
    return base64.b64encode(raw).decode("ascii")


class RaceSetup(NamedTuple):
    """A race request, validated."""
    scape: object
    opts: list
    start: tuple
    num_steps: int
    tol: float
    noise: float
    seed: int
    schedule: object  # a lesson_code Schedule, total filled in

    def run(self, num_steps=None, record=False):
        return race(self.opts, self.scape, self.start,
                    num_steps or self.num_steps, self.tol, self.noise,
                    self.seed, record=record, schedule=self.schedule)


def _schedule(args, num_steps):
    """The request's learning-rate schedule (a name or {"name": ...,
    param: value}; none: constant). Any error is the schedule's (loc:
    ["schedule", param])."""
    spec = args.get("schedule")
    try:
        return schedule_for(spec, num_steps)
    except ArgumentError as err:
        loc = ("schedule",) if err.field == "schedule" else (
            "schedule", err.field)
        raise ArgumentError(str(err), "schedule", loc) from None


def _race_setup(args, extra=()):
    """The validated RaceSetup of a race request."""
    _known(args, RACE_ARGS | set(extra))
    scape = _landscape(args)
    opts = _optimizers(args)
    start = args.get("start")
    start = check_point(scape.start if start is None else start, "start", 2)
    num_steps = check_steps(args.get("num_steps", 200), MAX_STEPS)
    seed = args.get("seed", 0)
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ArgumentError(f"seed must be a whole number, got {shown(seed)}",
                            "seed")
    return RaceSetup(scape, opts, start, num_steps, _number(args, "tol", 1e-6),
                     _number(args, "noise", 0.0), seed,
                     _schedule(args, num_steps))


def limits(scape, opts):
    """Largest stable η on this landscape: {"gd": 2/λ_max, "momentum":
    (2+2β)/λ_max and "nesterov" for the race's first β of each}, null where
    unknown (no such optimizer in the race), and all null, with a sentence
    saying why in "note", when no η is stable or no single η limit exists:
    a Hessian that is not constant, or a λ_min ≤ 0 (a saddle: along that
    direction every run drifts away whatever η is)."""
    eig = scape.eigenvalues
    none = {"gd": None, "momentum": None, "nesterov": None}
    if eig is None:
        return {**none, "note": "This surface's curvature changes from place "
                "to place: no single stability limit for η."}
    if eig[0] <= 0:
        return {**none, "note": f"λ_min = {eig[0]:g} ≤ 0: along that "
                "direction the surface never curves up, so no η is stable "
                "and there is no stability limit."}
    found = {}
    for o in opts:
        found.setdefault(o.name, o.hyperparams.get("beta"))
    lam_max = eig[1]
    found = {"note": None, "gd": theory.gd_max_lr(lam_max),
             "momentum": theory.momentum_max_lr(found["momentum"], lam_max)
             if "momentum" in found else None,
             "nesterov": theory.nesterov_max_lr(found["nesterov"], lam_max)
             if "nesterov" in found else None}
    if not math.isfinite(found["gd"]):
        return {**none, "note": f"λ_max = {lam_max:g} is so small that the "
                "stability limit for η is beyond any number we can write."}
    return found


def _bound(opt, beta):
    """The largest stable η·λ_max for opt, in words, or None."""
    if opt.name == "sgd":
        return "2"
    if opt.name == "momentum":
        return f"2 + 2β = {2.0 + 2.0 * beta:.3g}"
    if opt.name == "nesterov":
        return f"(2 + 2β)/(1 + 2β) = {(2 + 2 * beta) / (1 + 2 * beta):.3g}"
    return None


def _rate(opt, lr, beta, eig):
    """Theory's per-step contraction on a quadratic with spectrum eig."""
    contraction = (theory.nesterov_contraction if opt.name == "nesterov"
                   else theory.momentum_contraction)
    return max(contraction(lr, beta, lam) for lam in eig)


def _within(traj, scape, tol):
    """Whether the run's last point is within tolerance (judged on the
    loss; False without f_min)."""
    return scape.f_min is not None and traj.losses[-1] - scape.f_min <= tol


def explain(traj, opt, scape, tol, noise=0.0, schedule=None):
    """One or two plain sentences on why the run ended as it did. They follow
    the run's message ("converged at step 135") on the page, so they do not
    repeat its status or step."""
    scheduled = schedule is not None and schedule.name != "constant"
    eig, lr = scape.eigenvalues, opt.hyperparams["lr"]
    beta = opt.hyperparams.get("beta", 0.0)
    bound = _bound(opt, beta) if eig is not None else None
    if traj.status == "diverged":
        if eig is not None and eig[0] < 0:
            return (f"λ_min = {eig[0]:g} < 0: along that direction the "
                    "surface falls away forever, so the run leaves the "
                    "plot whatever the step size.")
        if bound:
            return (f"η·λ_max = {lr * eig[1]:.3g} > {bound}: every step "
                    "overshoots the steep direction further, so the "
                    "bounce grows until the numbers blow up.")
        return ("The steps grew without bound: the run left the plot far "
                "behind. Try a smaller learning rate η.")
    what = ("the gap f − f_min" if scape.f_min is not None else
            "the gradient norm")
    if traj.status == "converged":
        last, hold = len(traj.points) - 1, hold_steps(opt, traj.step)
        if scheduled and schedule.halt is not None and last >= schedule.halt \
                and last - traj.step < hold:
            how = (f"and from step {schedule.halt} on the schedule holds η at "
                   "0, so the point can no longer move")
        elif not scheduled and arrival_proof(opt, scape, tol,
                                             noise) is not None:
            how = ("and the iteration's algebra proves that no later step "
                   "can climb back out")
        else:
            how = (f"and stayed there for {hold_steps(opt, traj.step)} "
                   "more steps, the runner's test that it stays")
        return f"{what.capitalize()} fell below the tolerance {tol:g} {how}."
    if traj.first is not None and _within(traj, scape, tol):
        return (f"{what.capitalize()} is below the tolerance {tol:g}, but "
                "not yet for long enough to be sure it stays.")
    if traj.first is not None:
        text = (f"It dipped below the tolerance {tol:g} and climbed back "
                "out: arriving means staying.")
    else:
        text = f"Not yet within the tolerance {tol:g}."
    if noise:
        return text + (f" With gradient noise σ = {noise:g} a run settles "
                       "into a cloud around the minimum instead of arriving "
                       "there; a smaller η (or a decaying schedule) shrinks "
                       "the cloud.")
    if scheduled:
        return text + (f" The schedule ({schedule.label}) changes η at "
                       "every step, so no single rate per step applies.")
    if bound and eig[0] > 0:
        rate = _rate(opt, lr, beta, eig)
        if rate >= 1:
            return text + (f" η·λ_max = {lr * eig[1]:.3g} sits on the "
                           "stability limit: the bounce neither grows nor "
                           "shrinks.")
        return text + (f" Theory: the error shrinks by a factor {rate:.4g} "
                       "per step, so it converges if you let it run.")
    return text


def op_landscapes(args):
    _known(args, set())
    return [{"name": s.name, "title": s.title, "formula": s.formula,
             "bounds": s.bounds, "start": s.start, "minima": s.minima,
             "eigenvalues": s.eigenvalues, "f_min": s.f_min}
            for s in LANDSCAPES.values()]


def _grid_size(args, key, default):
    n = check_steps(args.get(key, default), MAX_GRID, key)
    if n < 2:
        raise ArgumentError(f"{key} must be at least 2", key)
    return n


def op_contour(args):
    _known(args, CONTOUR_ARGS)
    scape = _landscape(args)
    nx, ny = _grid_size(args, "nx", 81), _grid_size(args, "ny", 61)
    count = check_steps(args.get("levels", 14), MAX_LEVELS, "levels")
    packed = _packed(args)
    xs, ys, values = grid(scape, nx, ny)
    if not all(map(math.isfinite, values)):
        raise ArgumentError("f is not finite somewhere on this grid",
                            "landscape")
    levels = contour_levels(values, scape.f_min, max(count, 2))
    if not all(map(math.isfinite, levels + [c for m in scape.minima
                                            for c in m])):
        raise ArgumentError("this landscape's values span too wide a range "
                            "to draw its contours", "landscape")
    return {"bounds": scape.bounds, "nx": nx, "ny": ny, "xs": xs, "ys": ys,
            "values": floats(values, packed), "minima": scape.minima,
            "levels": levels}


def op_race(args):
    setup = _race_setup(args)
    scape, opts, tol = setup.scape, setup.opts, setup.tol
    packed = _packed(args)
    runs = setup.run()
    return {"runs": [{"label": t.label, "name": o.name,
                      "hyperparams": o.hyperparams,
                      "xs": floats([p[0] for p in t.points], packed),
                      "ys": floats([p[1] for p in t.points], packed),
                      "losses": floats(t.losses, packed), "status": t.status,
                      "step": t.step, "first": t.first,
                      "message": t.message,
                      "explanation": explain(t, o, scape, tol, setup.noise,
                                             setup.schedule)}
                     for t, o in zip(runs, opts)],
            "limits": limits(scape, opts), "f_min": scape.f_min, "tol": tol,
            "noise": setup.noise, "seed": setup.seed,
            "schedule": {"name": setup.schedule.name,
                         "label": setup.schedule.label,
                         "params": setup.schedule.params}}


def _step_number(args):
    k = args.get("step", 0)
    if isinstance(k, float) and k.is_integer():
        k = int(k)
    if isinstance(k, bool) or not isinstance(k, int) \
            or not 0 <= k <= MAX_STEPS:
        raise ArgumentError(f"step must be a whole number from 0 to "
                            f"{MAX_STEPS}, got {shown(k)}", "step")
    return k


def op_step_detail(args):
    """Per run, step k in full: w_k, the gradient, the state, the update
    Δw and w_{k+1} = w_k + Δw (or the run's last point if it ended first)."""
    setup = _race_setup(args, extra=("step",))
    k = _step_number(args)
    runs = setup.run(max(setup.num_steps, k + 1), record=True)
    return {"runs": [_detail(t, o, setup.scape, k, setup.schedule)
                     for t, o in zip(runs, setup.opts)]}


def _detail(traj, opt, scape, k, schedule):
    last = len(traj.points) - 1
    i = min(k, last)
    w, state = traj.points[i], traj.states[i]
    detail = {"label": traj.label, "name": opt.name, "step": i,
              "ended": i < k or i == last, "w": w, "loss": traj.losses[i],
              "grad": scape.grad(w), "state": state._asdict()}
    if i < last:
        g = traj.grads[i]
        update, new_state = opt.update(g, state)
        if schedule.name != "constant":
            # the update at η_i = η · factor(i), as the runner takes it
            c = schedule.factor(i)
            update = tuple([c * u for u in update])
        detail.update(grad_used=g, update=update, w_next=traj.points[i + 1],
                      loss_next=traj.losses[i + 1],
                      state_next=new_state._asdict())
    return _finite_or_null(detail)


def _finite_or_null(value):
    """value with every NaN or ±∞ float replaced by None (JSON null): at the
    last point of a diverging run the gradient itself can overflow."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite_or_null(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite_or_null(v) for v in value]
    return value


def op_snippet(args):
    setup = _race_setup(args)
    scape, opts, start, num_steps = (setup.scape, setup.opts, setup.start,
                                     setup.num_steps)
    spec = args.get("landscape", "ravine")
    if isinstance(spec, dict):
        params = ", ".join(f"{k}={v!r}" for k, v in spec.items()
                           if k != "name")
        land = f"make_landscape({scape.name!r}, {params})"
    else:
        land = f"get_landscape({scape.name!r})"
    scheduled = setup.schedule.name != "constant"
    names = "make_optimizer, make_schedule, race" if scheduled else \
        "make_optimizer, race"
    lines = ["from lesson_code import (get_landscape, make_landscape,",
             f"                         {names})", "",
             f"landscape = {land}", "optimizers = ["]
    for o in opts:
        params = ", ".join(f"{k}={v!r}" for k, v in o.hyperparams.items())
        lines.append(f"    make_optimizer({o.name!r}, {params}),")
    extra = "".join(f", {k}={v!r}" for k, v, d in
                    (("tol", setup.tol, 1e-6), ("noise", setup.noise, 0.0),
                     ("seed", setup.seed, 0)) if v != d)
    sched = setup.schedule
    if scheduled:
        params = "".join(f", {k}={v!r}" for k, v in sched.params.items())
        lines += ["]", f"schedule = make_schedule({sched.name!r}{params})"]
        extra += ",\n            schedule=schedule"
    lines += ["" if scheduled else "]",
              f"runs = race(optimizers, landscape, start={start!r},",
              f"            num_steps={num_steps}{extra})",
              "for run in runs:",
              '    print(f"{run.label}: {run.message}, "',
              '          f"final loss {run.losses[-1]:.3g}")', ""]
    return "\n".join(lines)


RATE_MAP_ARGS = {"landscape", "lr", "beta", "nx", "ny", "packed"}


def _range(args, key, default, check):
    """args[key] as (low, high), each checked as one value of key (check_lr
    or check_beta), low < high."""
    pair = args.get(key, default)
    if not isinstance(pair, (list, tuple)) or len(pair) != 2:
        raise ArgumentError(f"{key} must be a range [low, high], got "
                            f"{shown(pair)}", key)
    low, high = (check(value, key) for value in pair)
    if not low < high:
        raise ArgumentError(f"{key} must be a range [low, high] with low "
                            f"below high, got {shown(pair)}", key)
    return low, high


def _nodes(low, high, n):
    """n evenly spaced values from low to high, each rounded to 12
    significant digits (0.35, not 0.35000000000000003: the page shows and
    sends these values)."""
    return [float(f"{low + (high - low) * (i / (n - 1)):.12g}")
            for i in range(n)]


def op_rate_map(args):
    """Momentum's rate per step over an (η, β) grid on a quadratic landscape
    (theory.rate_map: the worst of its two directions; β = 0 is GD), with
    what the page draws over it, every number from theory:

    lrs (nx), betas (ny): the grid; rates: ny rows of nx, row j for betas[j]
    (packed like contour's values); ≥ 1 does not converge.
    regimes: per direction ("lam_min", "lam_max") a string of nx·ny digits in
    the order of rates, each the index in "names" (theory.REGIMES) of
    theory.regime there.
    edge: the edge of stability η = (2 + 2β)/λ_max at each β of betas.
    critical: per direction {lam, lrs, betas}, critical damping
    β = (1 − √(ηλ))² sampled at 4(nx − 1) + 1 values of η (those with
    0 < ηλ < 4).
    optimum: {lr, beta, rate} (theory.optimal_momentum); gd_optimum: {lr,
    rate} (theory.optimal_gd)."""
    _known(args, RATE_MAP_ARGS)
    scape = _landscape(args)
    eig = scape.eigenvalues
    if eig is None or not 0 < eig[0] <= eig[1]:
        raise ArgumentError(f"a rate map needs a quadratic whose curvatures "
                            f"are all positive: {scape.title} has "
                            f"eigenvalues {shown(eig)}", "landscape")
    lam_min, lam_max = eig
    lr_range = _range(args, "lr", [0.005, 0.4], check_lr)
    beta_range = _range(args, "beta", [0.0, 0.99], check_beta)
    nx, ny = _grid_size(args, "nx", 80), _grid_size(args, "ny", 100)
    if nx * ny > MAX_MAP_CELLS:
        raise ArgumentError(f"a rate map has at most {MAX_MAP_CELLS:,} cells,"
                            f" got nx × ny = {nx * ny:,}", "nx")
    packed = _packed(args)
    lrs, betas = _nodes(*lr_range, nx), _nodes(*beta_range, ny)
    rates = [r for row in theory.rate_map(lam_min, lam_max, lrs, betas)
             for r in row]
    if not all(map(math.isfinite, rates)):
        raise ArgumentError("the rates overflow on this range of η: choose "
                            "smaller learning rates", "lr")
    codes = {name: "".join(str(theory.REGIMES.index(
                 theory.regime(lr, beta, lam))) for beta in betas for lr in lrs)
             for name, lam in (("lam_min", lam_min), ("lam_max", lam_max))}
    samples = _nodes(*lr_range, 4 * (nx - 1) + 1)
    critical = []
    for lam in (lam_min, lam_max):
        inside = [lr for lr in samples if 0 < lr * lam < 4]
        critical.append({"lam": lam, "lrs": inside, "betas": [
            theory.critical_beta(lr, lam) for lr in inside]})
    best_lr, best_beta, best_rate = theory.optimal_momentum(lam_min, lam_max)
    gd_lr, gd_rate = theory.optimal_gd(lam_min, lam_max)
    result = {
        "landscape": scape.name, "eigenvalues": [lam_min, lam_max],
        "nx": nx, "ny": ny, "lrs": lrs, "betas": betas,
        "rates": floats(rates, packed),
        "regimes": {"names": list(theory.REGIMES), **codes},
        "edge": {"lrs": [theory.momentum_max_lr(b, lam_max) for b in betas],
                 "betas": betas},
        "critical": critical,
        "optimum": {"lr": best_lr, "beta": best_beta, "rate": best_rate},
        "gd_optimum": {"lr": gd_lr, "rate": gd_rate}}
    if _finite_or_null(result) != result:
        raise ArgumentError("this landscape's curvatures are too extreme to "
                            "draw a rate map", "landscape")
    return result


OPS = {"landscapes": op_landscapes, "contour": op_contour, "race": op_race,
       "step_detail": op_step_detail, "snippet": op_snippet,
       "rate_map": op_rate_map}


def call(op, args=None):
    """Run one op on Python values; ArgumentError (a ValueError naming the
    field at fault) on bad input."""
    if not isinstance(op, str) or op not in OPS:
        raise ArgumentError(f"unknown op {shown(op)}; known ops: "
                            f"{', '.join(OPS)}", "op")
    if args is None:
        args = {}
    if not isinstance(args, dict):
        raise ArgumentError("args must be a JSON object", "args")
    return OPS[op](args)


def handle(request_json):
    """The worker's entry point: a JSON request string -> a JSON reply.
    Never raises: bad input gets {"ok": false, "error", "field", "loc"}."""
    if not isinstance(request_json, (str, bytes, bytearray)):
        return _error("the request must be a JSON string", "request")
    if len(request_json) > MAX_REQUEST:
        return _error(f"the request is {len(request_json):,} characters long; "
                      f"a request has at most {MAX_REQUEST:,}", "request")
    try:
        if not isinstance(request_json, str):
            request_json = bytes(request_json).decode(
                json.detect_encoding(request_json))
        if _depth(request_json) > MAX_DEPTH:
            return _error(f"the request nests more than {MAX_DEPTH} levels "
                          f"deep", "request")
        request = json.loads(request_json)
    except ValueError as err:
        return _error(f"the request is not valid JSON ({err})", "request")
    try:
        if not isinstance(request, dict):
            return _error('the request must be a JSON object like '
                          '{"op": "race", "args": {...}}', "request")
        result = call(request.get("op"), request.get("args"))
        return json.dumps({"ok": True, "result": result}, allow_nan=False)
    except ArgumentError as err:
        return _error(str(err), err.field, err.loc)
    except Exception as err:  # a bug: still answer, never hang the worker
        return _error(f"internal error (please report it): "
                      f"{type(err).__name__}: {shown(str(err))}", None)


def _depth(text):
    """How deep JSON text nests, counted without recursion: exact for valid
    JSON, and for invalid JSON at least as deep as json.loads goes before it
    fails; when text has at most MAX_DEPTH brackets, their count."""
    brackets = text.count("[") + text.count("{")
    if brackets <= MAX_DEPTH:
        return brackets
    # drop escaped backslashes, then escaped quotes: the quotes left delimit
    # strings, and every other piece is outside them
    plain = text.replace("\\\\", "").replace('\\"', "")
    outside = "".join(plain.split('"')[::2])
    depth = deepest = 0
    for bracket in re.findall(r"[\[\]{}]", outside):
        depth += 1 if bracket in "[{" else -1
        deepest = max(deepest, depth)
        if deepest > MAX_DEPTH:
            break
    return deepest


def _error(message, field, loc=None):
    loc = list(loc) if loc else [field] if field else []
    return json.dumps({"ok": False, "error": message, "field": field,
                       "loc": loc})
