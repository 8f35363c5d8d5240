"""Learning-rate schedules: η_t = η · factor(t), a pure function of the step.

A `Schedule` is a value with `factor(t)`, the multiplier of the optimizer's
η at step t (t = 0 is the first update). The runner scales each update by
it: every optimizer of `lesson_code.optimizers` moves by a step that is η
times something computed without η (the velocity, the averaged gradient,
g/(√s + ε)), so `factor(t) · step` is exactly the update at η · factor(t).
That is also what torch's `torch.optim.lr_scheduler` does: it changes the
param group's lr and leaves the momentum buffer and the moments alone.

    constant          1
    step              factor^⌊t / every⌋                    (StepLR)
    exponential       gamma^t                               (ExponentialLR)
    inverse-time      1 / (1 + k t)
    cosine            floor + (1 − floor) (1 + cos(π t / total)) / 2,
                      floor after total                     (CosineAnnealingLR)
    warmup            (t + 1) / steps for t < steps (default total/10), then
                      cosine over the remaining total − steps steps

`total` (cosine, warmup) defaults to None: the run's num_steps, filled in by
`schedule_for(spec, num_steps)`. Powers and the cosine come from lesson_code.exact, so a
scheduled race has the same bits in CPython and Pyodide.
"""

import math
from typing import Callable, NamedTuple

from . import exact
from .errors import ArgumentError, finite_number, shown

__all__ = ["Schedule", "constant", "step_decay", "exponential",
           "inverse_time", "cosine", "warmup", "SCHEDULES", "make_schedule",
           "schedule_for"]


class Schedule(NamedTuple):
    """name: registry key; label: words for a legend or a caption;
    params: dict; factor: t ↦ the multiplier of η at step t; halt: the step
    from which factor is 0 for good (None if never): from there on the
    point cannot move."""
    name: str
    label: str
    params: dict
    factor: Callable
    halt: int = None


def _positive(value, name, whole=False):
    if whole:
        if isinstance(value, bool) or not isinstance(value, int) \
                or value < 1:
            raise ArgumentError(f"{name} must be a whole number of steps "
                                f"≥ 1, got {shown(value)}", name)
        return value
    value = finite_number(value, name)
    if value <= 0:
        raise ArgumentError(f"{name} must be positive, got {value!r}", name)
    return value


def _fraction(value, name, low_open=True):
    """A number in (0, 1] (or [0, 1) when low_open is False)."""
    value = finite_number(value, name)
    ok = 0 < value <= 1 if low_open else 0 <= value < 1
    if not ok:
        span = "above 0 and at most 1" if low_open else "at least 0 and below 1"
        raise ArgumentError(f"{name} must be {span}, got {value!r}", name)
    return value


def _steps(n):
    """"1 step", "100 steps": a count of steps in a label."""
    return f"{n} step" if n == 1 else f"{n} steps"


def _total(total):
    return None if total is None else _positive(total, "total", whole=True)


def constant():
    """η_t = η: no schedule."""
    return Schedule("constant", "constant η", {}, lambda t: 1.0)


def step_decay(every=100, factor=0.5):
    """η_t = η · factor^⌊t/every⌋: drop by `factor` every `every` steps."""
    every = _positive(every, "every", whole=True)
    factor = _fraction(factor, "factor")
    # η_t / η = factor^⌊t / every⌋
    return Schedule("step", f"η × {factor:g} every {_steps(every)}",
                    {"every": every, "factor": factor},
                    lambda t: exact.powi(factor, t // every))


def exponential(gamma=0.99):
    """η_t = η · γ^t: a fixed fraction off every step."""
    gamma = _fraction(gamma, "gamma")
    # η_t / η = γ^t
    return Schedule("exponential", f"η × {gamma:g}^t", {"gamma": gamma},
                    lambda t: exact.powi(gamma, t))


def inverse_time(k=0.01):
    """η_t = η / (1 + k t): the classical decay that lets noisy SGD
    converge (Σ η_t = ∞, Σ η_t² < ∞)."""
    k = _positive(k, "k")
    # η_t / η = 1 / (1 + k t)
    return Schedule("inverse-time", f"η / (1 + {k:g} t)", {"k": k},
                    lambda t: 1.0 / (1.0 + k * t))


def _cosine_factor(total, floor):
    def factor(t):
        if t >= total:
            return floor
        # floor + (1 − floor) (1 + cos(π t / total)) / 2
        return floor + (1.0 - floor) * 0.5 * (1.0 + exact.cos(math.pi * t /
                                                              total))
    return factor


def cosine(total=None, floor=0.0):
    """η_t = η · (floor + (1 − floor)(1 + cos(π t/total))/2) for t < total,
    η · floor after: from η down to floor · η along half a cosine."""
    total = _total(total)
    floor = _fraction(floor, "floor", low_open=False)
    params = {"total": total, "floor": floor}
    if total is None:
        return Schedule("cosine", "cosine", params, None)
    end = f" to {floor:g} η" if floor else ""
    return Schedule("cosine", f"cosine over {_steps(total)}{end}", params,
                    _cosine_factor(total, floor), None if floor else total)


def warmup(steps=None, total=None, floor=0.0):
    """η_t = η · (t + 1)/steps for the first `steps` steps (default: a tenth
    of total, at least 1), then a cosine from η over the remaining
    total − steps steps."""
    total = _total(total)
    if steps is None and total is not None:
        steps = max(1, total // 10)
    if steps is not None:
        steps = _positive(steps, "steps", whole=True)
    floor = _fraction(floor, "floor", low_open=False)
    params = {"steps": steps, "total": total, "floor": floor}
    if total is None:
        return Schedule("warmup", "warm-up then cosine", params, None)
    if total <= steps:
        raise ArgumentError(f"total ({total}) must be longer than the "
                            f"warm-up ({_steps(steps)})", "total")
    after = _cosine_factor(total - steps, floor)

    def factor(t):
        # a linear ramp (t + 1)/steps, then the cosine from η
        return (t + 1) / steps if t < steps else after(t - steps)

    return Schedule("warmup", f"{steps}-step warm-up, then cosine over "
                    f"{_steps(total - steps)}", params, factor,
                    None if floor else total)


SCHEDULES = {"constant": constant, "step": step_decay,
             "exponential": exponential, "inverse-time": inverse_time,
             "cosine": cosine, "warmup": warmup}


def make_schedule(name, **params):
    """Build a registered schedule by name, e.g. make_schedule("step",
    every=100, factor=0.5). ArgumentError names an unknown schedule (field
    "schedule") or the parameter at fault."""
    if not isinstance(name, str) or name not in SCHEDULES:
        raise ArgumentError(f"unknown schedule {shown(name)} (schedule must "
                            f"be one of {', '.join(SCHEDULES)})", "schedule")
    factory = SCHEDULES[name]
    code = factory.__code__
    allowed = code.co_varnames[:code.co_argcount]
    for key in params:
        if key not in allowed:
            said = key if isinstance(key, str) and len(key) <= 40 \
                else shown(key)
            takes = ", ".join(allowed) or "no parameters"
            raise ArgumentError(f"{said} is not a parameter of the {name} "
                                f"schedule (it takes {takes})", key)
    return factory(**params)


def schedule_for(spec, num_steps):
    """A Schedule from None (constant), a name, {"name": ..., param: value}
    or a Schedule, with `total` (cosine, warmup) taken from num_steps when
    not given."""
    if spec is None:
        return constant()
    if isinstance(spec, Schedule):
        name, params = spec.name, dict(spec.params)
    elif isinstance(spec, dict):
        params = dict(spec)
        name = params.pop("name", None)
    else:
        name, params = spec, {}
    if "total" in (SCHEDULES.get(name).__code__.co_varnames
                   if isinstance(name, str) and name in SCHEDULES else ()):
        if params.get("total") is None:
            params["total"] = max(1, num_steps)
    return make_schedule(name, **params)
