"""JSON in, JSON out: the one entry point the web worker calls.

    handle('{"op": "race", "args": {...}}') -> '{"ok": true, "result": ...}'

One call computes a whole race or contour grid and returns flat lists, so
the worker crosses the JS/Python boundary once per redraw. Bad input never
raises: the reply is {"ok": false, "error": <words for a learner>,
"field": <the argument at fault, or null>}. Replies never contain NaN or
Infinity (json.dumps(allow_nan=False)); floats are not rounded.

Ops and their args (a landscape is a registry name, or {"name": ...,
"kappa": ...} for a parameterised one):

    landscapes  {}
    contour     {landscape, nx=81, ny=61, levels=14}
    race        {landscape, optimizers: [{name, lr, beta?, ...}],
                 start=[x, y] (landscape's default), num_steps=200,
                 tol=1e-6, noise=0, seed=0, packed=false}
    step_detail {race args + step: k}
    snippet     {race args}  -> Python source reproducing the race

A race replies {"runs": [...], "limits": {...}, "f_min", "tol"}: the
landscape's f_min (null where it has none: there the tolerance applies to
the gradient norm) and the tolerance the runs were judged by, so the page's
loss panel draws f − f_min against the very line the runner used.

With "packed": true a race returns xs, ys and losses (and a contour its
values) as base64 strings of little-endian float64 instead of lists: the
same numbers bit for bit, about 20 times cheaper to encode than JSON floats.
In JS: new Float64Array(Uint8Array.from(atob(s), c => c.charCodeAt(0))
.buffer).
"""

import base64
import json
import math
import struct

from . import theory
from .landscapes import (LANDSCAPES, check_point, get_landscape,
                         make_landscape)
from .optimizers import make_optimizer
from .runner import arrival_proof, check_steps, hold_steps, race

__all__ = ["handle", "call", "OPS", "BadRequest", "MAX_STEPS", "MAX_GRID",
           "RACE_DEFAULTS", "OPTIMIZER_ORDER", "WITH_BETA", "navigator_state",
           "race_request"]

# A page asks for at most this many steps per run and grid points per side.
MAX_STEPS = 5000
MAX_GRID = 400


# A navigator's state (a ```navigator fence, a navigator:set detail, a
# predict setup) names its race by these fields; what a fence leaves out
# comes from RACE_DEFAULTS (start: the landscape's own). The navigator hook
# writes the completed state into the page, and navigator.js only ever
# applies changes on top of it (docs/assets/js/navigator-url.js checkState,
# which navigator_state below follows), so the page needs no defaults of its
# own. OPTIMIZER_ORDER and WITH_BETA must equal OPTIMIZERS and WITH_BETA in
# navigator-url.js (tests/test_browser_module.py checks it).
RACE_DEFAULTS = {"landscape": "ravine", "start": None, "lr": 0.1,
                 "beta": 0.9, "num_steps": 300,
                 "optimizers": ["sgd", "momentum"], "runs": None}
OPTIMIZER_ORDER = ["sgd", "momentum", "nesterov", "rmsprop", "adam"]
WITH_BETA = ["momentum", "nesterov"]  # the optimizers that take a β


def navigator_state(fields, base=None):
    """base (default: RACE_DEFAULTS) with the fields of a navigator:set
    detail applied, as navigator.js applies them: a new landscape brings its
    own start unless one is given; `optimizers` (put in OPTIMIZER_ORDER)
    replaces the runs; `runs` ([{name, lr?, beta?}], or `betas` beside
    `optimizers`) gives each run its own hyperparameters. Values are taken
    as they are (the build checks its fences; the page checks its input)."""
    state = {**RACE_DEFAULTS, **(base or {})}
    fields = fields or {}
    if "landscape" in fields and fields["landscape"] != state["landscape"]:
        state["start"] = None
    for key in ("landscape", "lr", "beta", "num_steps"):
        if key in fields:
            state[key] = fields[key]
    if fields.get("start") is not None:
        state["start"] = list(fields["start"])
    if state["start"] is None:
        state["start"] = list(get_landscape(state["landscape"]).start)
    if "optimizers" in fields:
        state["optimizers"] = [n for n in OPTIMIZER_ORDER
                               if n in fields["optimizers"]]
        state["runs"] = None
    runs = fields.get("runs")
    if runs is None and "betas" in fields and "optimizers" in fields:
        runs = [{"name": n, "beta": b}
                for n, b in zip(fields["optimizers"], fields["betas"])]
    if runs is not None:
        state["runs"] = [dict(r) for r in runs]
        state["optimizers"] = [n for n in OPTIMIZER_ORDER
                               if any(r["name"] == n for r in runs)]
    return state


def race_request(state):
    """The race args for a navigator state (navigator.js raceArgs builds the
    same): every run gets the state's η, and its β if it takes one
    (WITH_BETA), unless the run carries its own. Missing fields are
    completed by navigator_state first."""
    state = navigator_state({}, state)
    runs = state["runs"] or [{"name": n} for n in state["optimizers"]]
    opts = []
    for r in runs:
        opt = {"name": r["name"], "lr": r.get("lr", state["lr"])}
        if r["name"] in WITH_BETA:
            opt["beta"] = r.get("beta", state["beta"])
        opts.append(opt)
    return {"landscape": state["landscape"], "start": state["start"],
            "num_steps": state["num_steps"], "optimizers": opts}


class BadRequest(ValueError):
    """A ValueError that knows which request field was at fault."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.field = field


def _guard(field, fn, *args, **kwargs):
    """Call fn; re-raise its ValueError as a BadRequest naming field."""
    try:
        return fn(*args, **kwargs)
    except BadRequest:
        raise
    except ValueError as err:
        raise BadRequest(str(err), field) from None


def _landscape(args):
    spec = args.get("landscape", "ravine")
    if isinstance(spec, dict):
        params = dict(spec)
        name = params.pop("name", None)
        try:
            return make_landscape(name, **params)
        except ValueError as err:
            word = str(err).split(" ", 1)[0]
            field = f"landscape.{word}" if word in params else "landscape"
            raise BadRequest(str(err), field) from None
    return _guard("landscape", get_landscape, spec)


def _optimizers(args):
    specs = args.get("optimizers")
    if not isinstance(specs, list) or not specs:
        raise BadRequest("optimizers must be a non-empty list such as "
                         '[{"name": "sgd", "lr": 0.1}]', "optimizers")
    opts = []
    for i, spec in enumerate(specs):
        field = f"optimizers[{i}]"
        if not isinstance(spec, dict) or "name" not in spec:
            raise BadRequest('each optimizer must look like {"name": "sgd", '
                             '"lr": 0.1}', field)
        params = {k: v for k, v in spec.items() if k != "name"}
        try:
            opts.append(make_optimizer(spec["name"], **params))
        except ValueError as err:
            # messages start with the argument at fault ("lr must be ...")
            word = str(err).split(" ", 1)[0]
            key = word if word in params or word == "lr" else (
                "name" if str(err).startswith("unknown optimizer") else None)
            raise BadRequest(str(err), f"{field}.{key}" if key else field)
    return opts


def _number(args, key, default, low=0.0):
    value = args.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) \
            or not math.isfinite(value) or value < low:
        raise BadRequest(f"{key} must be a finite number ≥ {low:g}, "
                         f"got {value!r}", key)
    return value


RACE_ARGS = {"landscape", "optimizers", "start", "num_steps", "tol", "noise",
             "seed", "packed"}


def _packed(args):
    packed = args.get("packed", False)
    if not isinstance(packed, bool):
        raise BadRequest(f"packed must be true or false, got {packed!r}",
                         "packed")
    return packed


def floats(values, packed=False):
    """values as a list, or packed: base64 of little-endian float64s."""
    if not packed:
        return list(values)
    raw = struct.pack(f"<{len(values)}d", *values)
    return base64.b64encode(raw).decode("ascii")


def _race_setup(args, extra=()):
    """Validated (landscape, optimizers, start, num_steps, tol, noise,
    seed)."""
    for key in args:
        if key not in RACE_ARGS and key not in extra:
            raise BadRequest(f"unknown argument {key!r}; a race takes "
                             f"{', '.join(sorted(RACE_ARGS))}", key)
    scape = _landscape(args)
    opts = _optimizers(args)
    start = args.get("start") or scape.start
    start = _guard("start", check_point, start, "start", 2)
    num_steps = _guard("num_steps", check_steps, args.get("num_steps", 200),
                       MAX_STEPS)
    seed = args.get("seed", 0)
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise BadRequest(f"seed must be a whole number, got {seed!r}", "seed")
    return (scape, opts, start, num_steps, _number(args, "tol", 1e-6),
            _number(args, "noise", 0.0), seed)


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
    return {"note": None, "gd": theory.gd_max_lr(lam_max),
            "momentum": theory.momentum_max_lr(found["momentum"], lam_max)
            if "momentum" in found else None,
            "nesterov": theory.nesterov_max_lr(found["nesterov"], lam_max)
            if "nesterov" in found else None}


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


def explain(traj, opt, scape, tol, noise=0.0):
    """One or two plain sentences on why the run ended as it did. They follow
    the run's message ("converged at step 135") on the page, so they do not
    repeat its status or step."""
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
        if arrival_proof(opt, scape, tol, noise) is not None:
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
    return [{"name": s.name, "title": s.title, "formula": s.formula,
             "bounds": s.bounds, "start": s.start, "minima": s.minima,
             "eigenvalues": s.eigenvalues, "f_min": s.f_min}
            for s in LANDSCAPES.values()]


def _grid_size(args, key, default):
    n = _guard(key, check_steps, args.get(key, default), MAX_GRID, key)
    if n < 2:
        raise BadRequest(f"{key} must be at least 2", key)
    return n


def contour_levels(values, f_min, count):
    """Levels that show a ravine: geometric above f_min from the 2% to the
    98% quantile of f − f_min (quantiles when there is no f_min)."""
    ordered = sorted(values)
    q = lambda p: ordered[min(len(ordered) - 1, int(p * len(ordered)))]
    if f_min is None:
        lo, hi = q(0.02), q(0.98)
        return [lo + (hi - lo) * i / (count - 1) for i in range(count)]
    lo, hi = max(q(0.02) - f_min, 1e-12), max(q(0.98) - f_min, 2e-12)
    ratio = (hi / lo) ** (1.0 / (count - 1))
    return [f_min + lo * ratio ** i for i in range(count)]


def op_contour(args):
    scape = _landscape(args)
    nx, ny = _grid_size(args, "nx", 81), _grid_size(args, "ny", 61)
    count = _guard("levels", check_steps, args.get("levels", 14), 100,
                   "levels")
    (x0, x1), (y0, y1) = scape.bounds
    xs = [x0 + (x1 - x0) * i / (nx - 1) for i in range(nx)]
    ys = [y0 + (y1 - y0) * j / (ny - 1) for j in range(ny)]
    f = scape.f
    values = [f((x, y)) for y in ys for x in xs]
    if not all(map(math.isfinite, values)):
        raise BadRequest("f is not finite somewhere on this grid",
                         "landscape")
    return {"bounds": scape.bounds, "nx": nx, "ny": ny, "xs": xs, "ys": ys,
            "values": floats(values, _packed(args)), "minima": scape.minima,
            "levels": contour_levels(values, scape.f_min, max(count, 2))}


def op_race(args):
    scape, opts, start, num_steps, tol, noise, seed = _race_setup(args)
    packed = _packed(args)
    runs = race(opts, scape, start, num_steps, tol, noise, seed)
    return {"runs": [{"label": t.label, "name": o.name,
                      "hyperparams": o.hyperparams,
                      "xs": floats([p[0] for p in t.points], packed),
                      "ys": floats([p[1] for p in t.points], packed),
                      "losses": floats(t.losses, packed), "status": t.status,
                      "step": t.step, "first": t.first,
                      "message": t.message,
                      "explanation": explain(t, o, scape, tol, noise)}
                     for t, o in zip(runs, opts)],
            "limits": limits(scape, opts), "f_min": scape.f_min, "tol": tol}


def _step_number(args):
    k = args.get("step", 0)
    if isinstance(k, float) and k.is_integer():
        k = int(k)
    if isinstance(k, bool) or not isinstance(k, int) \
            or not 0 <= k <= MAX_STEPS:
        raise BadRequest(f"step must be a whole number from 0 to {MAX_STEPS}, "
                         f"got {k!r}", "step")
    return k


def op_step_detail(args):
    """Per run, step k in full: w_k, the gradient, the state, the update
    Δw and w_{k+1} = w_k + Δw (or the run's last point if it ended first)."""
    scape, opts, start, num_steps, tol, noise, seed = _race_setup(
        args, extra=("step",))
    k = _step_number(args)
    runs = race(opts, scape, start, max(num_steps, k + 1), tol, noise, seed,
                record=True)
    return {"runs": [_detail(t, o, scape, k) for t, o in zip(runs, opts)]}


def _detail(traj, opt, scape, k):
    last = len(traj.points) - 1
    i = min(k, last)
    w, state = traj.points[i], traj.states[i]
    detail = {"label": traj.label, "name": opt.name, "step": i,
              "ended": i < k or i == last, "w": w, "loss": traj.losses[i],
              "grad": scape.grad(w), "state": state._asdict()}
    if i < last:
        g = traj.grads[i]
        update, new_state = opt.update(g, state)
        detail.update(grad_used=g, update=update, w_next=traj.points[i + 1],
                      loss_next=traj.losses[i + 1],
                      state_next=new_state._asdict())
    return detail


def op_snippet(args):
    scape, opts, start, num_steps, tol, noise, seed = _race_setup(args)
    spec = args.get("landscape", "ravine")
    if isinstance(spec, dict):
        params = ", ".join(f"{k}={v!r}" for k, v in spec.items()
                           if k != "name")
        land = f"make_landscape({scape.name!r}, {params})"
    else:
        land = f"get_landscape({scape.name!r})"
    lines = ["from lesson_code import (get_landscape, make_landscape,",
             "                         make_optimizer, race)", "",
             f"landscape = {land}", "optimizers = ["]
    for o in opts:
        params = ", ".join(f"{k}={v!r}" for k, v in o.hyperparams.items())
        lines.append(f"    make_optimizer({o.name!r}, {params}),")
    extra = "".join(f", {k}={v!r}" for k, v, d in
                    (("tol", tol, 1e-6), ("noise", noise, 0.0),
                     ("seed", seed, 0)) if v != d)
    lines += ["]", f"runs = race(optimizers, landscape, start={start!r},",
              f"            num_steps={num_steps}{extra})",
              "for run in runs:",
              '    print(f"{run.label}: {run.message}, "',
              '          f"final loss {run.losses[-1]:.3g}")', ""]
    return "\n".join(lines)


OPS = {"landscapes": op_landscapes, "contour": op_contour, "race": op_race,
       "step_detail": op_step_detail, "snippet": op_snippet}


def call(op, args=None):
    """Run one op on Python values; BadRequest (a ValueError) on bad input."""
    if op not in OPS:
        raise BadRequest(f"unknown op {op!r}; known ops: {', '.join(OPS)}",
                         "op")
    if args is None:
        args = {}
    if not isinstance(args, dict):
        raise BadRequest("args must be a JSON object", "args")
    return OPS[op](args)


def handle(request_json):
    """The worker's entry point: a JSON request string -> a JSON reply."""
    if not isinstance(request_json, (str, bytes, bytearray)):
        return _error("the request must be a JSON string", None)
    try:
        request = json.loads(request_json)
    except ValueError as err:
        return _error(f"the request is not valid JSON ({err})", None)
    try:
        if not isinstance(request, dict):
            raise BadRequest('the request must be a JSON object like '
                             '{"op": "race", "args": {...}}')
        result = call(request.get("op"), request.get("args"))
        return json.dumps({"ok": True, "result": result}, allow_nan=False)
    except BadRequest as err:
        return _error(str(err), err.field)
    except Exception as err:  # a bug: still answer, never hang the worker
        return _error(f"internal error (please report it): "
                      f"{type(err).__name__}: {err}", None)


def _error(message, field):
    return json.dumps({"ok": False, "error": message, "field": field})
