"""Property-based fuzzing of the worker's entry point, lesson_code.browser.handle.

Hypothesis builds requests that are mostly plausible (the ops, arguments and
names the page sends) with any field replaced at random by junk: huge
integers, NaN, infinities, strings, lists, objects, deep nesting. For every
request:

* no exception escapes handle;
* the reply is JSON a strict parser reads (no NaN, no Infinity);
* a refusal has ok: false, words for a learner (never "internal error"), a
  field and a loc;
* no call takes more than CALL_BOUND seconds of CPU (the caps make the
  largest race or grid about 0.2 s here). CPU time, not wall time: the
  machine may be shared; hypothesis' own deadline (wall time, DEADLINE) only
  stops a runaway call.

The figures (requests tried, refused, escaped exceptions, slowest call) are
printed at the end: `pytest tests/test_fuzz_handle.py -s`.
"""

import json
import math
import os
from collections import Counter
import time
from datetime import timedelta

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from test_hostile_input import nested

from lesson_code.browser import (MAX_GRID, MAX_LEVELS, MAX_MAP_CELLS,
                                 MAX_RUNS, MAX_STEPS, OPS, handle)
from lesson_code.landscapes import FACTORIES

CALL_BOUND = 2.0  # CPU seconds; about 10 times the largest race allowed
DEADLINE = timedelta(seconds=10)
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", 400))  # more: a longer hunt

HUGE = st.integers(min_value=-10 ** 400, max_value=10 ** 400)
NUMBERS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True), st.integers(-10, 10 ** 6),
    HUGE, st.sampled_from([0, 1, 0.5, 1e-300, 5e-324, 1e300, 1.7e308, -0.0]))
JUNK = st.recursive(
    st.none() | st.booleans() | NUMBERS | st.text(max_size=12),
    lambda inner: (st.lists(inner, max_size=4)
                   | st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=12)
DEEP = st.integers(1, 3000).map(lambda n: "[" * n + "]" * n)  # raw text


NESTED = st.integers(1, 600).map(nested)  # a value inside a request


def maybe(plausible):
    """A plausible value nine times in ten, junk otherwise."""
    return st.integers(0, 9).flatmap(lambda k: plausible if k < 9 else JUNK)


def run_spec(name, lr, beta, extra):
    spec = {"name": name, "lr": lr, **extra}
    if name in ("momentum", "nesterov"):
        spec["beta"] = beta
    return spec


RUN = st.builds(
    run_spec, maybe(st.sampled_from(["sgd", "gd", "momentum", "nesterov",
                                     "rmsprop", "adam", "adamw"])),
    maybe(st.floats(1e-4, 1.5)), maybe(st.floats(0, 0.999)),
    st.dictionaries(st.sampled_from(["alpha", "eps", "beta1", "beta2",
                                     "momentum"]), JUNK, max_size=1)
    | st.just({}) | st.just({}))
SCAPE_PARAMS = st.sampled_from(["kappa", "lam_max", "angle_deg", "a", "b",
                                "lam", "kapa"])
LANDSCAPE = maybe(
    st.sampled_from(sorted(FACTORIES) + ["valley"])
    | st.builds(lambda name, params: {"name": name, **params},
                maybe(st.sampled_from(["ravine", "rotated-ravine",
                                       "rosenbrock", "bowl"])),
                st.dictionaries(SCAPE_PARAMS, NUMBERS | st.floats(1, 100),
                                max_size=2)))
START = maybe(st.tuples(st.floats(-10, 10), st.floats(-4, 4)).map(list)
              | st.lists(NUMBERS, max_size=3) | NESTED)
STEPS = maybe(st.integers(1, 400) | st.integers(-2, 0)
              | st.integers(MAX_STEPS - 2, MAX_STEPS + 2))
GRID = maybe(st.integers(2, 40) | st.integers(-1, 1)
             | st.integers(MAX_GRID - 1, MAX_GRID + 1))
RUNS = maybe(st.lists(RUN, min_size=1, max_size=MAX_RUNS + 2))
RACE = {
    "landscape": LANDSCAPE, "start": START, "num_steps": STEPS, "tol": maybe(st.floats(0, 1e-2)),
    "noise": maybe(st.floats(0, 1)), "seed": maybe(st.integers()),
    "packed": maybe(st.booleans()),
}
CONTOUR = {"landscape": LANDSCAPE, "nx": GRID, "ny": GRID,
           "levels": maybe(st.integers(2, 20) | st.integers(
               MAX_LEVELS - 1, MAX_LEVELS + 1)),
           "packed": maybe(st.booleans())}
RANGE = maybe(st.lists(st.floats(0, 1.5), min_size=2, max_size=2)
              | st.lists(NUMBERS, max_size=3))
RATE_MAP = {"landscape": LANDSCAPE, "lr": RANGE, "beta": RANGE, "nx": GRID,
            "ny": GRID, "packed": maybe(st.booleans())}
OP_ARGS = {"race": RACE, "snippet": RACE, "step_detail": {**RACE,
                                                          "step": STEPS},
           "contour": CONTOUR, "landscapes": {}, "rate_map": RATE_MAP}
assert set(OP_ARGS) == set(OPS)


def request(op, args):
    """{"op", "args"} for op (a race with its optimizers nine times in ten),
    with one time in ten an argument op does not take."""
    required = {"optimizers": RUNS} if "start" in args else {}
    args = st.fixed_dictionaries(required, optional=args)
    extra = st.integers(0, 9).flatmap(
        lambda k: st.dictionaries(st.text(max_size=8), JUNK, min_size=1,
                                  max_size=1) if k == 9 else st.just({}))
    return st.builds(lambda a, b: json.dumps({"op": op, "args": {**a, **b}}),
                     args, extra)


REQUEST = st.one_of(
    *[request(op, args) for op, args in OP_ARGS.items()],
    request("race", RACE), request("race", RACE),
    st.builds(lambda op, args: json.dumps({"op": op, "args": args}),
              JUNK, JUNK),
    st.text(max_size=40), DEEP, JUNK.map(json.dumps))


# The largest work the caps allow, always among the requests tried: MAX_RUNS
# runs of MAX_STEPS steps that never converge (η tiny on Rosenbrock), the
# same recorded step by step, and the finest contour grid.
SLOW_RUNS = [{"name": name, "lr": 1e-5} for name in
             ["adam", "rmsprop", "sgd"] * MAX_RUNS][:MAX_RUNS]
LARGEST = [
    json.dumps({"op": "race", "args": {
        "landscape": "rosenbrock", "num_steps": MAX_STEPS, "noise": 0.01,
        "optimizers": SLOW_RUNS}}),
    json.dumps({"op": "step_detail", "args": {
        "landscape": "rosenbrock", "num_steps": MAX_STEPS, "step": MAX_STEPS,
        "optimizers": SLOW_RUNS}}),
    json.dumps({"op": "contour", "args": {
        "landscape": "himmelblau", "nx": MAX_GRID, "ny": MAX_GRID,
        "levels": MAX_LEVELS}}),
    json.dumps({"op": "rate_map", "args": {
        "nx": MAX_GRID, "ny": MAX_MAP_CELLS // MAX_GRID}}),
]


def strict_json(text):
    def refuse(constant):
        raise ValueError(f"the reply contains {constant}")
    return json.loads(text, parse_constant=refuse)


def test_handle_answers_every_request_in_strict_json_and_bounded_time():
    figures = {"tried": 0, "ok": 0, "refused": 0, "escaped": 0,
               "slowest": 0.0, "slowest_request": "", "fields": Counter()}
    failures = []

    @settings(max_examples=EXAMPLES, deadline=DEADLINE,
              database=None, print_blob=True,
              suppress_health_check=[HealthCheck.too_slow,
                                     HealthCheck.data_too_large])
    @given(REQUEST)
    @example(LARGEST[0])
    @example(LARGEST[1])
    @example(LARGEST[2])
    @example(LARGEST[3])
    def one(request):
        figures["tried"] += 1
        began = time.process_time()
        try:
            reply = handle(request)
        except BaseException as err:  # what must never happen
            figures["escaped"] += 1
            failures.append(f"{type(err).__name__} escaped for {request[:200]}")
            raise
        spent = time.process_time() - began
        if spent > figures["slowest"]:
            figures["slowest"], figures["slowest_request"] = spent, request
        parsed = strict_json(reply)
        assert isinstance(parsed, dict) and parsed["ok"] in (True, False)
        if parsed["ok"]:
            figures["ok"] += 1
            assert "result" in parsed
        else:
            figures["refused"] += 1
            figures["fields"][parsed["field"]] += 1
            assert isinstance(parsed["error"], str) and parsed["error"]
            assert "internal error" not in parsed["error"], parsed["error"]
            assert isinstance(parsed["field"], str) and parsed["field"]
            assert isinstance(parsed["loc"], list) and parsed["loc"]
        assert spent < CALL_BOUND, f"{spent:.2f} s for {request[:200]}"

    began = time.perf_counter()
    one()
    figures["seconds"] = round(time.perf_counter() - began, 1)
    print(f"\nfuzz of handle: {figures['tried']} requests tried, "
          f"{figures['ok']} answered, {figures['refused']} refused, "
          f"{figures['escaped']} escaped exceptions; slowest call "
          f"{figures['slowest'] * 1000:.0f} ms of CPU "
          f"({figures['slowest_request'][:120]}); "
          f"{figures['seconds']} s in all; refusals by field: "
          f"{dict(figures['fields'].most_common())}")
    assert not failures and figures["escaped"] == 0
    assert figures["tried"] >= EXAMPLES
    # the strategies reach the computations, not only the refusals
    assert figures["ok"] >= EXAMPLES // 20, figures
    assert math.isfinite(figures["slowest"]) and figures["slowest"] < CALL_BOUND
