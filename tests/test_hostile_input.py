"""Hostile input, as a reader (or a broken page) could send it: lesson_code
answers in words and names the field at fault; nothing escapes, nothing is
reported as an internal error, every reply is strict JSON."""

import json
import re
import time
from pathlib import Path

import pytest

import lesson_code.browser as browser
import lesson_code.optimizers as optimizers
from lesson_code import (gd_max_lr, get_landscape, make_optimizer, momentum,
                         momentum_contraction, race, run, sgd)
from lesson_code.browser import (MAX_DEPTH, MAX_GRID, MAX_LEVELS,
                                 MAX_REQUEST, MAX_RUNS, MAX_STEPS, handle)
from lesson_code.errors import ArgumentError
from lesson_code.runner import race_labels

RAVINE = get_landscape("ravine")
SGD = [{"name": "sgd", "lr": 0.1}]
HUGE = 10 ** 400  # hundreds of digits: float(HUGE) raises OverflowError


def strict(reply):
    """The reply parsed by a parser that refuses NaN and Infinity."""
    def refuse(constant):
        raise AssertionError(f"the reply contains {constant}")
    return json.loads(reply, parse_constant=refuse)


def ask(op, args):
    return strict(handle(json.dumps({"op": op, "args": args})))


def race_with(**args):
    return {"optimizers": SGD, **args}


# (what, raw request, field at fault); each escaped handle or was answered as
# an internal error before.
HOSTILE = [
    ("nested 1000 deep", '{"op": "race", "args": {"start": '
     + "[" * 1000 + "]" * 1000 + "}}", "request"),
    ("nested 100000 deep", "[" * 100_000, "request"),
    ("huge lr", race_with(optimizers=[{"name": "sgd", "lr": HUGE}]), "lr"),
    ("huge beta", race_with(optimizers=[{"name": "momentum", "lr": 0.1,
                                         "beta": HUGE}]), "beta"),
    ("huge eps", race_with(optimizers=[{"name": "adam", "eps": HUGE}]),
     "eps"),
    ("huge start", race_with(start=[HUGE, 0]), "start"),
    ("huge tol", race_with(tol=HUGE), "tol"),
    ("huge noise", race_with(noise=HUGE), "noise"),
    ("huge kappa", race_with(landscape={"name": "ravine", "kappa": HUGE}),
     "landscape"),
    ("huge angle", race_with(landscape={"name": "rotated-ravine",
                                        "angle_deg": HUGE}), "landscape"),
    ("huge rosenbrock a", race_with(landscape={"name": "rosenbrock",
                                               "a": HUGE}), "landscape"),
    ("optimizer name a list", race_with(optimizers=[{"name": ["sgd"],
                                                     "lr": 0.1}]),
     "optimizers"),
    ("optimizer name an object", race_with(optimizers=[{"name": {"a": 1},
                                                        "lr": 0.1}]),
     "optimizers"),
    ("landscape name a list", race_with(landscape={"name": ["ravine"]}),
     "landscape"),
    ("op a list", {"op": ["race"], "args": {}}, "op"),
    ("op an object", {"op": {"race": 1}, "args": {}}, "op"),
    ("loss at the start not finite", race_with(start=[1e200, 0]), "start"),
    ("start a string", race_with(start="12"), "start"),
    ("start booleans", race_with(start=[True, False]), "start"),
    ("start a number", race_with(start=0), "start"),
    ("start an empty list", race_with(start=[]), "start"),
    ("contour with an unknown argument", {"op": "contour",
                                          "args": {"nxx": 5}}, "args"),
    ("landscapes with an argument", {"op": "landscapes",
                                     "args": {"x": 1}}, "args"),
    ("too many runs", race_with(optimizers=SGD * (MAX_RUNS + 1)),
     "optimizers"),
    ("too many steps", race_with(num_steps=MAX_STEPS + 1), "num_steps"),
    ("too fine a grid", {"op": "contour", "args": {"nx": MAX_GRID + 1}},
     "nx"),
    ("too many levels", {"op": "contour", "args": {"levels": MAX_LEVELS + 1}},
     "levels"),
    ("huge step", {"op": "step_detail", "args": race_with(step=HUGE)},
     "step"),
    ("huge grid", {"op": "contour", "args": {"ny": HUGE}}, "ny"),
]


@pytest.mark.parametrize("raw, field", [h[1:] for h in HOSTILE],
                         ids=[h[0] for h in HOSTILE])
def test_hostile_input_gets_words_and_its_field_never_an_exception(raw,
                                                                   field):
    if isinstance(raw, dict) and "op" not in raw:
        raw = {"op": "race", "args": raw}
    text = raw if isinstance(raw, str) else json.dumps(raw)
    reply = strict(handle(text))
    assert reply["ok"] is False
    assert reply["field"] == field, reply
    assert reply["error"] and "internal error" not in reply["error"]
    assert len(reply["error"]) < 400  # a huge input is quoted cut short


def nested(depth):
    value = []
    for _ in range(depth):
        value = [value]
    return value


def test_nesting_is_refused_past_max_depth_before_json_reads_it():
    """{"op": …, "args": {"start": [[…]]}}: two levels of objects, then the
    lists. In Pyodide json.loads overflowed the JS stack at 100,000 levels."""
    at_cap = ask("race", race_with(start=nested(MAX_DEPTH - 3)))
    assert at_cap["field"] == "start"  # read, then refused as a start
    past_cap = ask("race", race_with(start=nested(MAX_DEPTH - 2)))
    assert past_cap["field"] == "request" and "nests" in past_cap["error"]


@pytest.mark.parametrize("start", ["[" * 100, '\\"' + "{" * 100,
                                   '\\' + '"' + "[" * 100, "]" * 50])
def test_brackets_inside_strings_are_not_nesting(start):
    reply = ask("race", race_with(start=start))
    assert reply["field"] == "start", reply


def test_a_request_longer_than_max_request_is_refused_unread():
    reply = strict(handle(" " * (MAX_REQUEST + 1)))
    assert reply["field"] == "request" and f"{MAX_REQUEST:,}" in reply["error"]


def test_a_surface_too_flat_for_a_finite_stability_limit_still_answers():
    """λ_max = 1e-310: 2/λ_max is beyond the largest float."""
    reply = ask("race", race_with(landscape={"name": "ravine",
                                             "lam_max": 1e-310, "kappa": 1}))
    assert reply["ok"], reply
    limits = reply["result"]["limits"]
    assert (limits["gd"], limits["momentum"], limits["nesterov"]) == (
        None, None, None)
    assert "so small" in limits["note"]


def test_a_gradient_that_overflows_at_the_last_point_is_sent_as_null():
    """Rosenbrock with b = 1e308 at (0, 1.2): f = 1 + 1.44e308 is finite,
    but ∂f/∂y = 2b(y − x²) = 2.4e308 is not, and ∂f/∂x = −2(1 − x) −
    4bx(y − x²) computes 4b = ∞ times x = 0: NaN."""
    args = {"landscape": {"name": "rosenbrock", "b": 1e308},
            "start": [0, 1.2], "optimizers": SGD, "step": 0}
    reply = ask("step_detail", args)
    assert reply["ok"], reply
    detail = reply["result"]["runs"][0]
    assert detail["ended"] and detail["grad"] == [None, None]
    assert detail["loss"] == pytest.approx(1 + 1.44e308)


def test_contours_of_a_surface_spanning_every_float_are_still_finite():
    """f − f_min from 1e-12 to 1e301: hi/lo overflows, the levels do not."""
    grid = ask("contour", {"landscape": {"name": "ravine", "lam_max": 1e300},
                           "nx": 11, "ny": 11})
    assert grid["ok"], grid
    levels = grid["result"]["levels"]
    assert levels == sorted(levels) and levels[-1] > 1e300


def test_the_caps_themselves_are_allowed():
    runs = ask("race", race_with(optimizers=SGD * MAX_RUNS, num_steps=10))
    assert runs["ok"] and len(runs["result"]["runs"]) == MAX_RUNS
    grid = ask("contour", {"nx": MAX_GRID, "ny": 2, "levels": MAX_LEVELS})
    assert grid["ok"] and len(grid["result"]["levels"]) == MAX_LEVELS


# The public API: a wrong type is a ValueError naming the argument.
@pytest.mark.parametrize("call, field", [
    (lambda: run(sgd(0.1), "ravine"), "landscape"),
    (lambda: run("sgd", RAVINE), "optimizer"),
    (lambda: race(sgd(0.1), RAVINE), "optimizers"),
    (lambda: race([sgd(0.1), "momentum"], RAVINE), "optimizers"),
    (lambda: race([], RAVINE), "optimizers"),
    (lambda: make_optimizer(["sgd"]), "name"),
    (lambda: make_optimizer({"name": "sgd"}), "name"),
    (lambda: sgd(HUGE), "lr"),
    (lambda: momentum(0.1, beta=HUGE), "beta"),
    (lambda: run(sgd(0.1), RAVINE, start="12"), "start"),
    (lambda: run(sgd(0.1), RAVINE, start=[True, False]), "start"),
    (lambda: run(sgd(0.1), RAVINE, start=[HUGE, 0]), "start"),
    (lambda: run(sgd(0.1), RAVINE, start=[1e200, 0]), "start"),
    (lambda: run(sgd(0.1), RAVINE, tol=HUGE), "tol"),
    (lambda: run(sgd(0.1), RAVINE, noise=[0.1]), "noise"),
    (lambda: run(sgd(0.1), RAVINE, num_steps="10"), "num_steps"),
    (lambda: gd_max_lr(HUGE), "lam_max"),
    (lambda: momentum_contraction(0.1, 0.9, [10.0]), "lam"),
])
def test_a_wrong_argument_is_a_valueerror_that_names_it(call, field):
    with pytest.raises(ValueError) as raised:
        call()
    assert isinstance(raised.value, ArgumentError)
    assert raised.value.field == field
    assert field in str(raised.value)


def test_duplicate_runs_are_numbered_from_one():
    labels = race_labels([sgd(0.1), momentum(0.1), sgd(0.1), sgd(0.1)])
    assert labels == ["GD #1", "Momentum", "GD #2", "GD #3"]
    # told apart by a hyperparameter first, numbered only where still alike
    labels = race_labels([momentum(0.1, 0.5), momentum(0.1, 0.9),
                          momentum(0.1, 0.5)])
    assert labels == ["Momentum (β = 0.5) #1", "Momentum (β = 0.9)",
                      "Momentum (β = 0.5) #2"]


def test_labelling_many_runs_takes_linear_time():
    """30,000 identical runs took 10 s when labelling was quadratic."""
    many = [sgd(0.1)] * 30_000 + [sgd(0.2)] * 30_000
    began = time.process_time()
    labels = race_labels(many)
    spent = time.process_time() - began
    assert labels[0] == "GD (η = 0.1) #1" and labels[-1] == "GD (η = 0.2) #30000"
    assert len(set(labels)) == len(many)
    assert spent < 1.0, f"labelling 60,000 runs took {spent:.2f} s of CPU"


# Errors carry their field: reword any message, it is still routed by field.
REWORDED = "Reworded: nothing about lr, beta, start, steps or landscape here."


def reword(module, name, monkeypatch):
    """Replace module.name by a wrapper that rewords its ArgumentError."""
    original = getattr(module, name)

    def reworded(*args, **kwargs):
        try:
            return original(*args, **kwargs)
        except ArgumentError as err:
            raise ArgumentError(REWORDED, err.field) from None

    monkeypatch.setattr(module, name, reworded)


@pytest.mark.parametrize("module, name, args, field", [
    (optimizers, "check_lr", race_with(optimizers=[{"name": "sgd",
                                                    "lr": -1}]), "lr"),
    (optimizers, "check_beta", race_with(optimizers=[{
        "name": "momentum", "lr": 0.1, "beta": 2}]), "beta"),
    (browser, "check_point", race_with(start="12"), "start"),
    (browser, "check_steps", race_with(num_steps=0), "num_steps"),
    (browser, "get_landscape", race_with(landscape="valley"), "landscape"),
])
def test_rewording_a_message_keeps_its_field(module, name, args, field,
                                             monkeypatch):
    before = ask("race", args)
    reword(module, name, monkeypatch)
    after = ask("race", args)
    assert after["error"] == REWORDED != before["error"]
    assert after["field"] == before["field"] == field
