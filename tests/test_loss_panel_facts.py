"""What the navigator's loss panel is drawn from: each race reply carries the
landscape's f_min and the tolerance its runs were judged by, from lesson_code,
so the page never keeps its own copy (docs/assets/js/navigator-loss.js)."""

import json

import pytest

from lesson_code import LANDSCAPES, make_landscape
from lesson_code.browser import handle

NESTEROV = {"name": "nesterov", "lr": 0.05, "beta": 0.9}


def race(**args):
    reply = json.loads(handle(json.dumps({"op": "race", "args": {
        "optimizers": [NESTEROV], "num_steps": 50, **args}})))
    assert reply["ok"], reply
    return reply["result"]


@pytest.mark.parametrize("name", sorted(LANDSCAPES))
def test_a_race_names_its_landscapes_f_min_and_the_default_tolerance(name):
    reply = race(landscape=name)
    assert reply["f_min"] == LANDSCAPES[name].f_min
    assert reply["tol"] == 1e-6


def test_the_saddle_has_no_f_min_and_a_parameterised_landscape_its_own():
    assert race(landscape="saddle")["f_min"] is None
    spec = {"name": "rotated-ravine", "kappa": 10.0}
    own = make_landscape("rotated-ravine", kappa=10.0).f_min
    assert own is not None and race(landscape=spec)["f_min"] == own


def test_the_tolerance_is_the_one_the_runs_were_judged_by():
    loose = race(landscape="ravine", tol=1e-3, num_steps=400)
    strict = race(landscape="ravine", num_steps=400)
    assert loose["tol"] == 1e-3
    # a looser tolerance is reached earlier: the reply's tol is the one in force
    assert loose["runs"][0]["first"] < strict["runs"][0]["first"]
