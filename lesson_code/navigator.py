"""The navigator's contract: what the page and the build must agree on, once.

A navigator's state (a ```navigator fence, a navigator:set detail, a predict
setup, the URL) names its race by the fields of RACE_DEFAULTS; what a fence
leaves out comes from there (start: the landscape's own). The navigator hook
(scripts/navigator_hook.py) writes the completed state into the page together
with page_data(): the optimizers (name, label, whether they take β, style and
the words for each field of their state, from the registry in
lesson_code.optimizers), the extra styles for repeated runs and
the LIMITS a value from outside (a link, an event, a typed number) must keep
to. navigator.js derives every list and range it uses from that data, so the
page has no copy of its own to drift; navigator-url.js checkState applies a
detail on top of a state by the rules of navigator_state below
(tests/test_navigator_contract.py runs both on the same cases).
"""

from .landscapes import get_landscape
from .optimizers import EXTRA_STYLES, REGISTRY, state_words
from .schedules import SCHEDULES, make_schedule

__all__ = ["RACE_DEFAULTS", "LIMITS", "STATE_KEYS", "CONTOUR_GRID",
           "CONTOURS_DIR", "navigator_state", "race_request", "contour_request",
           "page_data", "optimizer_order", "with_beta"]

# noise: the gradient noise σ (0: exact gradients) and seed its seed, as in
# lesson_code.run; schedule: a name of lesson_code.SCHEDULES or {"name": ...,
# param: value}, its `total` (cosine, warm-up) the race's num_steps unless given.
RACE_DEFAULTS = {"landscape": "ravine", "start": None, "lr": 0.1,
                 "beta": 0.9, "num_steps": 300,
                 "optimizers": ["sgd", "momentum"], "runs": None,
                 "noise": 0.0, "seed": 0, "schedule": "constant"}
# The fields a fence or a navigator:set detail may declare (runs, betas: see
# navigator_state).
STATE_KEYS = ("landscape", "start", "lr", "beta", "optimizers", "num_steps",
              "noise", "seed", "schedule")

# What a value from outside may be: [low, high] (a value outside is clamped,
# with a sentence, on the page; refused in a fence at build time), and the
# most runs in one race. num_steps and runs are lesson_code.browser's bounds
# on one request (MAX_STEPS, MAX_RUNS).
LIMITS = {"lr": [1e-4, 10.0], "beta": [0.0, 0.999], "num_steps": [1, 5000],
          "runs": 8, "noise": [0.0, 100.0], "seed": [0, 999_999_999]}

# The contour grid the navigator draws behind a race (points per side, levels).
# The build writes each landscape's grid, computed by lesson_code.browser's own
# contour op with these arguments, to CONTOURS_DIR/<landscape>.json in the site
# (scripts/navigator_hook.py): a page fetches the grid while Python is still
# starting instead of computing it as Python's first, slowest call.
CONTOUR_GRID = {"nx": 121, "ny": 91, "levels": 14}
CONTOURS_DIR = "navigator/contours"


def optimizer_order():
    """The registered optimizers' names, in menu order."""
    return list(REGISTRY)


def with_beta():
    """The registered optimizers that take the navigator's β."""
    return [name for name, entry in REGISTRY.items() if entry.takes_beta]


def navigator_state(fields, base=None):
    """base (default: RACE_DEFAULTS) with the fields of a navigator:set
    detail applied, as navigator.js applies them: a new landscape brings its
    own start unless one is given; `optimizers` (put in registry order)
    replaces the runs; `runs` ([{name, lr?, beta?}], or `betas` beside
    `optimizers`) gives each run its own hyperparameters. Values are taken
    as they are (the build checks its fences; the page checks its input)."""
    order = optimizer_order()
    state = {**RACE_DEFAULTS, **(base or {})}
    fields = fields or {}
    if "landscape" in fields and fields["landscape"] != state["landscape"]:
        state["start"] = None
    for key in ("landscape", "lr", "beta", "num_steps", "noise", "seed",
                "schedule"):
        if key in fields:
            state[key] = fields[key]
    if fields.get("start") is not None:
        state["start"] = list(fields["start"])
    if state["start"] is None:
        state["start"] = list(get_landscape(state["landscape"]).start)
    if "optimizers" in fields:
        state["optimizers"] = [n for n in order if n in fields["optimizers"]]
        state["runs"] = None
    runs = fields.get("runs")
    if runs is None and "betas" in fields and "optimizers" in fields:
        runs = [{"name": n, "beta": b}
                for n, b in zip(fields["optimizers"], fields["betas"])]
    if runs is not None:
        state["runs"] = [dict(r) for r in runs]
        state["optimizers"] = [n for n in order
                               if any(r["name"] == n for r in runs)]
    return state


def race_request(state):
    """The race args for a navigator state (navigator.js raceArgs builds the
    same): every run gets the state's η, and its β if it takes one, unless the
    run carries its own. Missing fields are completed by navigator_state
    first."""
    state = navigator_state({}, state)
    runs = state["runs"] or [{"name": n} for n in state["optimizers"]]
    beta_takers = with_beta()
    opts = []
    for r in runs:
        opt = {"name": r["name"], "lr": r.get("lr", state["lr"])}
        if r["name"] in beta_takers:
            opt["beta"] = r.get("beta", state["beta"])
        opts.append(opt)
    request = {"landscape": state["landscape"], "start": state["start"],
               "num_steps": state["num_steps"], "optimizers": opts}
    # noise and a schedule only when on: a race without them is asked as before
    if state["noise"]:
        request.update(noise=state["noise"], seed=state["seed"])
    if state["schedule"] != "constant":
        request["schedule"] = state["schedule"]
    return request


def contour_request(landscape):
    """The contour op's arguments for a landscape's navigator grid."""
    return {"landscape": landscape, **CONTOUR_GRID, "packed": True}


def page_data():
    """What the page needs from lesson_code before Python is running, as
    JSON-ready values: each optimizer {name, label, beta (takes β), style:
    {light, dark, dash, marker}, state: {field: its words for the step
    details}} in menu order, the extra styles, LIMITS, and
    each learning-rate schedule {name, label (at its defaults), params (the
    names it takes)} in menu order; contour: the grid's arguments and where
    the build put each landscape's grid (a path from the site's root)."""
    def style(s):
        return {"light": s.light, "dark": s.dark, "dash": list(s.dash),
                "marker": s.marker}
    return {"optimizers": [{"name": e.name, "label": e.label,
                            "beta": e.takes_beta, "style": style(e.style),
                            "state": state_words(e.state)}
                           for e in REGISTRY.values()],
            "extra_styles": [style(s) for s in EXTRA_STYLES],
            "limits": {k: list(v) if isinstance(v, list) else v
                       for k, v in LIMITS.items()},
            "schedules": [{"name": name, "label": make_schedule(name).label,
                           "params": list(_params(factory))}
                          for name, factory in SCHEDULES.items()],
            "contour": {**CONTOUR_GRID, "dir": CONTOURS_DIR}}


def _params(factory):
    code = factory.__code__
    return code.co_varnames[:code.co_argcount]
