"""The worker's entry point: JSON in, JSON out, the same numbers as Python."""

import base64
import contextlib
import io
import json
import struct

import pytest

from lesson_code import LANDSCAPES, get_landscape, make_optimizer, race
from lesson_code.browser import (MAX_GRID, MAX_MAP_CELLS, MAX_STEPS, call,
                                 handle)
from lesson_code.errors import ArgumentError

DEFAULT_RACE = {"landscape": "ravine", "num_steps": 500,
                "optimizers": [{"name": "sgd", "lr": 0.19},
                               {"name": "momentum", "lr": 0.1, "beta": 0.9}]}


def ask(op, args=None):
    reply = json.loads(handle(json.dumps({"op": op, "args": args or {}})),
                       parse_constant=lambda c: pytest.fail(f"JSON had {c}"))
    return reply


def result(op, args=None):
    reply = ask(op, args)
    assert reply["ok"], reply
    return reply["result"]


def test_race_payload_is_the_runners_trajectory_as_flat_lists():
    runs = result("race", DEFAULT_RACE)["runs"]
    opts = [make_optimizer("sgd", lr=0.19),
            make_optimizer("momentum", lr=0.1, beta=0.9)]
    for payload, traj in zip(runs, race(opts, get_landscape("ravine"),
                                        num_steps=500)):
        assert payload["xs"] == [p[0] for p in traj.points]
        assert payload["ys"] == [p[1] for p in traj.points]
        assert payload["losses"] == list(traj.losses)
        assert (payload["status"], payload["step"], payload["message"]) == (
            traj.status, traj.step, traj.message)


def test_limits_are_two_over_lam_max_and_two_plus_two_beta_over_lam_max():
    limits = result("race", DEFAULT_RACE)["limits"]
    assert limits["gd"] == 0.2
    assert limits["momentum"] == pytest.approx(0.38)
    rosen = result("race", {**DEFAULT_RACE, "landscape": "rosenbrock"})
    assert rosen["limits"]["gd"] is None
    assert "no single stability limit" in rosen["limits"]["note"]
    assert limits["note"] is None


def test_a_saddle_has_no_stability_limit():
    """λ = (−1, 1): along x the run drifts away at every η, so no η is stable."""
    saddle = get_landscape("saddle")
    assert saddle.eigenvalues[0] < 0 < saddle.eigenvalues[1]
    reply = result("race", {**DEFAULT_RACE, "landscape": "saddle"})
    assert {k: reply["limits"][k] for k in ("gd", "momentum", "nesterov")} == \
        {"gd": None, "momentum": None, "nesterov": None}
    assert "λ_min = -1 ≤ 0" in reply["limits"]["note"]
    assert "no η is stable" in reply["limits"]["note"]
    # and indeed: even a tiny η leaves, a limit's η would have been 2/λ_max = 2
    for lr in (0.01, 1.0):
        runs = result("race", {"landscape": "saddle", "num_steps": 2000,
                               "optimizers": [{"name": "sgd", "lr": lr}]})["runs"]
        assert runs[0]["status"] == "diverged", lr


def test_divergent_gd_is_explained_by_lr_times_lam_max_above_two():
    run = result("race", {"optimizers": [{"name": "sgd", "lr": 0.23}],
                          "num_steps": 500})["runs"][0]
    assert run["status"] == "diverged"
    assert "η·λ_max = 2.3 > 2" in run["explanation"]
    assert "overshoots the steep direction" in run["explanation"]


def test_divergent_momentum_is_compared_with_two_plus_two_beta():
    run = result("race", {"optimizers": [{"name": "momentum", "lr": 0.4,
                                          "beta": 0.9}]})["runs"][0]
    assert run["status"] == "diverged"
    assert "η·λ_max = 4 > 2 + 2β = 3.8" in run["explanation"]


def test_slow_runs_are_told_the_theoretical_rate():
    run = result("race", {"optimizers": [{"name": "sgd", "lr": 0.1}],
                          "num_steps": 20})["runs"][0]
    assert run["message"] == "still running"
    assert "0.99 per step" in run["explanation"]


def test_converged_runs_get_a_plain_sentence():
    run = result("race", DEFAULT_RACE)["runs"][1]
    assert run["status"] == "converged"
    # the page shows the explanation right after the message: it says why, and does
    # not repeat "converged at step N"
    assert run["message"] == (f"converged: first within tolerance at step {run['first']}, "
                              f"for good from step {run['step']}")
    assert run["explanation"] == ("The gap f − f_min fell below the tolerance 1e-06 and the "
                                  "iteration's algebra proves that no later step can climb "
                                  "back out.")
    assert str(run["step"]) not in run["explanation"]


def test_runs_without_a_proof_say_how_long_they_held():
    race = {"landscape": "rosenbrock", "optimizers": [{"name": "momentum", "lr": 0.001}],
            "num_steps": 5000}
    run = result("race", race)["runs"][0]
    assert run["status"] == "converged"
    assert run["explanation"].endswith(
        f"stayed there for {max(run['step'], 200)} more steps, the runner's test that it stays.")


def test_a_run_that_dipped_and_climbed_out_is_told_so():
    race = {"landscape": "ravine", "optimizers": [{"name": "momentum", "lr": 0.18,
                                                   "beta": 0.99}], "num_steps": 1000}
    run = result("race", race)["runs"][0]
    assert run["status"] == "running" and run["first"] < 1000
    assert "dipped below the tolerance 1e-06 and climbed back out" in run["explanation"]


@pytest.mark.parametrize("num_steps", [20, 500])
def test_no_explanation_repeats_its_runs_message(num_steps):
    for name in ("ravine", "bowl", "rosenbrock", "saddle", "himmelblau"):
        runs = result("race", {**DEFAULT_RACE, "landscape": name,
                               "num_steps": num_steps})["runs"]
        for run in runs:
            assert run["message"].lower() not in run["explanation"].lower(), run
            assert f"step {run['step']}" not in run["explanation"]
            assert f"after {run['step']} steps" not in run["explanation"]


def test_snippet_reproduces_the_race_when_executed():
    source = result("snippet", DEFAULT_RACE)
    namespace = {}
    with contextlib.redirect_stdout(io.StringIO()) as out:
        exec(source, namespace)
    runs = result("race", DEFAULT_RACE)["runs"]
    for traj, payload in zip(namespace["runs"], runs):
        assert [p[0] for p in traj.points] == payload["xs"]
        assert [p[1] for p in traj.points] == payload["ys"]
    assert "GD: converged at step" in out.getvalue()
    assert max(len(line) for line in source.splitlines()) <= 78


def test_snippet_of_a_parameterised_landscape_with_noise_reproduces_it():
    args = {**DEFAULT_RACE, "landscape": {"name": "ravine", "kappa": 50},
            "noise": 0.3, "seed": 7, "start": [-5, 1.5]}
    namespace = {}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(result("snippet", args), namespace)
    runs = result("race", args)["runs"]
    assert [[p[1] for p in t.points] for t in namespace["runs"]] == [
        r["ys"] for r in runs]


def test_contour_values_are_f_on_a_row_major_grid_of_y_rows():
    grid = result("contour", {"landscape": "ravine", "nx": 5, "ny": 4})
    f = get_landscape("ravine").f
    assert len(grid["values"]) == 5 * 4
    for j, y in enumerate(grid["ys"]):
        for i, x in enumerate(grid["xs"]):
            assert grid["values"][j * 5 + i] == f((x, y))
    assert grid["xs"][0] == -10 and grid["ys"][-1] == 4


def test_contour_levels_climb_geometrically_above_f_min():
    levels = result("contour", {"landscape": "ravine"})["levels"]
    ratios = [b / a for a, b in zip(levels, levels[1:])]
    assert all(r > 1 for r in ratios)
    assert max(ratios) == pytest.approx(min(ratios))
    saddle = result("contour", {"landscape": "saddle"})["levels"]
    assert saddle == sorted(saddle) and saddle[0] < 0 < saddle[-1]


def test_landscapes_op_lists_the_registry_with_eigenvalues():
    listed = {s["name"]: s for s in result("landscapes")}
    assert list(listed) == list(LANDSCAPES)  # every registered one, in menu order
    assert listed["ravine"]["eigenvalues"] == [0.1, 10.0]
    assert listed["ravine"]["start"] == [-8.0, 2.0]


def test_step_detail_shows_w_next_equals_w_plus_update():
    args = {**DEFAULT_RACE, "step": 3}
    for detail in result("step_detail", args)["runs"]:
        w, update, w_next = detail["w"], detail["update"], detail["w_next"]
        assert w_next == [w[0] + update[0], w[1] + update[1]]
        assert detail["step"] == 3 and not detail["ended"]
    momentum_detail = result("step_detail", args)["runs"][1]
    assert momentum_detail["state_next"]["v"] == [
        0.9 * v + g for v, g in zip(momentum_detail["state"]["v"],
                                    momentum_detail["grad"])]


def test_step_detail_past_the_end_shows_the_last_point():
    detail = result("step_detail", {**DEFAULT_RACE, "step": 4000})["runs"][1]
    assert detail["ended"] and "update" not in detail


def test_a_diverging_race_still_emits_strict_json():
    reply = handle(json.dumps({"op": "race", "args": {
        "landscape": "rosenbrock", "num_steps": 5000,
        "optimizers": [{"name": "sgd", "lr": 0.5}]}}))
    assert "NaN" not in reply and "Infinity" not in reply
    assert json.loads(reply)["result"]["runs"][0]["status"] == "diverged"


def with_optimizer(**spec):
    return {**DEFAULT_RACE, "optimizers": [{"name": "sgd", "lr": 0.1}, spec]}


RUN_1 = ["optimizers", 1]

# (op, args, field, loc, words): the field names the argument at fault (the page
# routes the message by it), loc where it sits in the request.
BAD = [
    ("race", with_optimizer(name="momentum", lr=0), "lr", RUN_1 + ["lr"],
     "must be positive"),
    ("race", with_optimizer(name="momentum", lr=-1), "lr", RUN_1 + ["lr"],
     "must be positive"),
    ("race", with_optimizer(name="momentum", lr=0.1, beta=1.0), "beta",
     RUN_1 + ["beta"], "below 1"),
    ("race", with_optimizer(name="momentum", lr=0.1, beta=-0.2), "beta",
     RUN_1 + ["beta"], "at least 0"),
    ("race", with_optimizer(name="momentum", lr="fast"), "lr", RUN_1 + ["lr"],
     "must be a number"),
    ("race", with_optimizer(name="adamw", lr=0.1), "optimizers",
     RUN_1 + ["name"], "unknown optimizer"),
    ("race", with_optimizer(name="sgd", lr=0.1, beta=0.9), "beta",
     RUN_1 + ["beta"], "not a hyperparameter"),
    ("race", with_optimizer(name="momentum"), "lr", RUN_1 + ["lr"],
     "lr is missing"),
    ("race", with_optimizer(lr=0.1), "optimizers", RUN_1, "must look like"),
    ("race", {**DEFAULT_RACE, "optimizers": []}, "optimizers", ["optimizers"],
     "non-empty"),
    ("race", {**DEFAULT_RACE, "landscape": "valley"}, "landscape",
     ["landscape"], "unknown landscape"),
    ("race", {**DEFAULT_RACE, "landscape": {"name": "ravine", "kappa": 0}},
     "landscape", ["landscape", "kappa"], "kappa must be a positive"),
    ("race", {**DEFAULT_RACE, "landscape": {"name": "ravine", "kappa": 0.5}},
     "landscape", ["landscape", "kappa"], "at least 1"),
    ("race", {**DEFAULT_RACE, "landscape": {"name": "ravine", "kapa": 5}},
     "landscape", ["landscape"], "no parameter 'kapa'"),
    ("race", {**DEFAULT_RACE, "start": [1, "a"]}, "start", ["start"],
     "numbers"),
    ("race", {**DEFAULT_RACE, "start": [1, 2, 3]}, "start", ["start"],
     "2 coordinates"),
    ("race", {**DEFAULT_RACE, "num_steps": 0}, "num_steps", ["num_steps"],
     "between 1"),
    ("race", {**DEFAULT_RACE, "num_steps": 2.5}, "num_steps", ["num_steps"],
     "whole"),
    ("race", {**DEFAULT_RACE, "num_steps": "500"}, "num_steps", ["num_steps"],
     "whole"),
    ("race", {**DEFAULT_RACE, "num_steps": MAX_STEPS + 1}, "num_steps",
     ["num_steps"], f"between 1 and {MAX_STEPS}"),
    ("race", {**DEFAULT_RACE, "noise": -1}, "noise", ["noise"], "≥ 0"),
    ("race", {**DEFAULT_RACE, "seed": 1.5}, "seed", ["seed"], "whole number"),
    ("race", {**DEFAULT_RACE, "nun_steps": 5}, "args", ["args", "nun_steps"],
     "unknown argument"),
    ("contour", {"nx": 1}, "nx", ["nx"], "at least 2"),
    ("contour", {"ny": 100000}, "ny", ["ny"], "between 1 and"),
    ("step_detail", {**DEFAULT_RACE, "step": -1}, "step", ["step"],
     "whole number"),
    ("teleport", {}, "op", ["op"], "unknown op 'teleport'"),
]


@pytest.mark.parametrize("op, args, field, loc, words", BAD,
                         ids=[f"{b[0]}-{b[3]}-{b[4]}" for b in BAD])
def test_bad_input_gets_a_learners_message_and_the_field(op, args, field, loc,
                                                         words):
    reply = ask(op, args)
    assert reply["ok"] is False
    assert (reply["field"], reply["loc"]) == (field, loc)
    assert words in reply["error"]
    assert "internal error" not in reply["error"]
    with pytest.raises(ArgumentError) as raised:
        call(op, args)
    assert raised.value.field == field


@pytest.mark.parametrize("raw", ['{"op": "race", "args": {"optimizers": '
                                 '[{"name": "sgd", "lr": NaN}]}}',
                                 '{"op": "race", "args": {"optimizers": [{"name"'
                                 ': "sgd", "lr": 0.1}], "start": [Infinity, 0]'
                                 '}}'])
def test_non_finite_numbers_in_the_request_are_refused(raw):
    reply = json.loads(handle(raw))
    assert reply["ok"] is False and "finite" in reply["error"]


@pytest.mark.parametrize("raw, words", [("{", "not valid JSON"),
                                        ("[1, 2]", "JSON object"),
                                        (None, "JSON string"),
                                        ('{"op": "race", "args": 3}',
                                         "args must be")])
def test_malformed_requests_get_an_error_reply_not_an_exception(raw, words):
    reply = json.loads(handle(raw))
    assert reply["ok"] is False and words in reply["error"]


def test_divergent_nesterov_is_compared_with_its_own_limit():
    run = result("race", {"optimizers": [{"name": "nesterov", "lr": 0.2,
                                          "beta": 0.9}]})["runs"][0]
    assert run["status"] == "diverged"
    assert "η·λ_max = 2 > (2 + 2β)/(1 + 2β) = 1.36" in run["explanation"]


def test_a_run_on_the_stability_limit_neither_grows_nor_shrinks():
    run = result("race", {"optimizers": [{"name": "sgd", "lr": 0.2}],
                          "num_steps": 300})["runs"][0]
    assert run["status"] == "running"
    assert "sits on the stability limit" in run["explanation"]
    assert run["ys"][-1] == pytest.approx(2.0)   # y bounces: 2, −2, 2, …


def unpack(text):
    import base64
    import struct
    raw = base64.b64decode(text)
    return list(struct.unpack(f"<{len(raw) // 8}d", raw))


def test_packed_race_carries_the_same_floats_bit_for_bit():
    plain = result("race", DEFAULT_RACE)["runs"]
    packed = result("race", {**DEFAULT_RACE, "packed": True})["runs"]
    for a, b in zip(plain, packed):
        for key in ("xs", "ys", "losses"):
            assert isinstance(b[key], str) and unpack(b[key]) == a[key]


def test_packed_contour_values_are_the_same_grid():
    plain = result("contour", {"nx": 7, "ny": 5})
    packed = result("contour", {"nx": 7, "ny": 5, "packed": True})
    assert unpack(packed["values"]) == plain["values"]


def test_packed_must_be_a_boolean():
    reply = ask("race", {**DEFAULT_RACE, "packed": "yes"})
    assert (reply["ok"], reply["field"]) == (False, "packed")


# ---------------------------------------------------------------- the rate map

def heavy_ball_radius(lr, beta, lam):
    """numpy's spectral radius of momentum's 2 × 2 iteration along λ."""
    import numpy as np
    return max(abs(np.linalg.eigvals([[1 + beta - lr * lam, -beta], [1, 0]])))


def test_rate_map_is_the_worst_direction_on_a_grid_of_beta_rows():
    lam_min, lam_max = get_landscape("ravine").eigenvalues
    grid = result("rate_map", {"landscape": "ravine", "lr": [0.01, 0.4],
                               "beta": [0.0, 0.9], "nx": 40, "ny": 10})
    assert grid["eigenvalues"] == [lam_min, lam_max]
    assert grid["lrs"] == [round(0.01 * (i + 1), 2) for i in range(40)]
    assert grid["betas"] == [round(0.1 * j, 1) for j in range(10)]
    rates = grid["rates"]
    assert len(rates) == 40 * 10
    for j, beta in enumerate(grid["betas"]):
        for i, lr in enumerate(grid["lrs"]):
            worst = max(heavy_ball_radius(lr, beta, lam_min),
                        heavy_ball_radius(lr, beta, lam_max))
            assert rates[j * 40 + i] == pytest.approx(worst, abs=1e-9)


def test_rate_map_says_unstable_exactly_past_its_edge():
    lam_max = get_landscape("ravine").eigenvalues[1]
    grid = result("rate_map", {"landscape": "ravine", "nx": 80, "ny": 100})
    for j, (beta, edge) in enumerate(zip(grid["betas"], grid["edge"]["lrs"])):
        assert edge == pytest.approx((2 + 2 * beta) / lam_max)
        for i, lr in enumerate(grid["lrs"]):
            if abs(lr - edge) > 1e-9:
                assert (grid["rates"][j * 80 + i] < 1) == (lr < edge), (lr, beta)


def test_rate_map_optimum_is_where_the_two_critical_curves_cross():
    lam_min, lam_max = get_landscape("ravine").eigenvalues
    grid = result("rate_map", {"landscape": "ravine"})
    best = grid["optimum"]
    kappa = lam_max / lam_min
    assert best["rate"] == pytest.approx((kappa ** 0.5 - 1) / (kappa ** 0.5 + 1))
    assert best["lr"] == pytest.approx(4 / (lam_max ** 0.5 + lam_min ** 0.5) ** 2)
    # critical damping along both directions at once: β* = (1 − √(η*λ))² for each λ
    for lam in (lam_min, lam_max):
        assert best["beta"] == pytest.approx((1 - (best["lr"] * lam) ** 0.5) ** 2)
    assert min(grid["rates"]) >= best["rate"] - 1e-12
    assert min(grid["rates"]) == pytest.approx(best["rate"], abs=0.01)
    assert grid["gd_optimum"] == pytest.approx(
        {"lr": 2 / (lam_min + lam_max), "rate": (kappa - 1) / (kappa + 1)})
    for curve, lam in zip(grid["critical"], (lam_min, lam_max)):
        assert curve["lam"] == lam and len(curve["lrs"]) > 300
        for lr, beta in zip(curve["lrs"], curve["betas"]):
            assert 0 < lr * lam < 4
            assert beta == pytest.approx((1 - (lr * lam) ** 0.5) ** 2)
            # equal roots: the discriminant (1 + β − ηλ)² − 4β vanishes
            assert (1 + beta - lr * lam) ** 2 - 4 * beta == pytest.approx(0, abs=1e-9)


def test_rate_map_names_each_directions_regime_by_its_roots():
    lam_min, lam_max = get_landscape("ravine").eigenvalues
    grid = result("rate_map", {"landscape": "ravine", "nx": 30, "ny": 20})
    names = grid["regimes"]["names"]
    assert names == ["creep", "spiral", "flip", "diverge"]  # in the order ηλ meets them
    seen = set()
    for key, lam in (("lam_min", lam_min), ("lam_max", lam_max)):
        codes = grid["regimes"][key]
        assert len(codes) == 30 * 20
        for j, beta in enumerate(grid["betas"]):
            for i, lr in enumerate(grid["lrs"]):
                trace = 1 + beta - lr * lam
                if heavy_ball_radius(lr, beta, lam) >= 1:
                    want = "diverge"
                elif trace * trace < 4 * beta:
                    want = "spiral"
                else:
                    want = "creep" if trace >= 0 else "flip"
                got = names[int(codes[j * 30 + i])]
                assert got == want, (key, lr, beta)
                seen.add(got)
    assert seen == set(names)


def test_packed_rate_map_carries_the_same_rates():
    plain = result("rate_map", {"nx": 9, "ny": 7})
    packed = result("rate_map", {"nx": 9, "ny": 7, "packed": True})
    raw = base64.b64decode(packed["rates"])
    assert list(struct.unpack(f"<{len(raw) // 8}d", raw)) == plain["rates"]
    assert {k: v for k, v in packed.items() if k != "rates"} == \
        {k: v for k, v in plain.items() if k != "rates"}


BAD_MAP = [
    ({"lr": [0, 0.4]}, "lr", "must be positive"),
    ({"lr": [0.4, 0.1]}, "lr", "low below high"),
    ({"lr": 0.1}, "lr", "range [low, high]"),
    ({"lr": [1e300, 1.7e308]}, "lr", "overflow"),
    ({"beta": [0, 1]}, "beta", "below 1"),
    ({"beta": [0.2, "high"]}, "beta", "must be a number"),
    ({"nx": MAX_GRID + 1}, "nx", f"between 1 and {MAX_GRID}"),
    ({"nx": 200, "ny": 200}, "nx", f"at most {MAX_MAP_CELLS:,} cells"),
    ({"ny": 1}, "ny", "at least 2"),
    ({"landscape": "rosenbrock"}, "landscape", "curvatures are all positive"),
    ({"landscape": "saddle"}, "landscape", "curvatures are all positive"),
    ({"landscape": {"name": "ravine", "lam_max": 1e-310}}, "landscape", "too extreme"),
    ({"start": [0, 0]}, "args", "unknown argument"),
]


@pytest.mark.parametrize("args, field, words", BAD_MAP,
                         ids=[f"{b[1]}-{b[2]}" for b in BAD_MAP])
def test_a_bad_rate_map_request_is_refused_with_its_field(args, field, words):
    reply = ask("rate_map", args)
    assert reply["ok"] is False, reply
    assert reply["field"] == field and words in reply["error"], reply
    assert "internal error" not in reply["error"]


def test_the_largest_rate_map_allowed_answers():
    side = int(MAX_MAP_CELLS ** 0.5)
    grid = result("rate_map", {"nx": side, "ny": MAX_MAP_CELLS // side,
                               "packed": True})
    assert grid["nx"] * grid["ny"] <= MAX_MAP_CELLS


# ------------------------------------------------- noise and learning-rate schedules

def test_a_scheduled_race_is_gd_at_eta_times_the_factor():
    """GD with the cosine schedule, written out: w ← w − η (1 + cos(π t/T))/2 ∇f(w),
    T = num_steps (the schedule's total defaults to the race's steps)."""
    import math
    lr, steps = 0.15, 40
    args = {"landscape": "ravine", "num_steps": steps, "schedule": "cosine",
            "optimizers": [{"name": "sgd", "lr": lr}], "tol": 0}
    got = result("race", args)
    x, y = -8.0, 2.0
    xs, ys = [x], [y]
    for t in range(steps):
        c = (1 + math.cos(math.pi * t / steps)) / 2
        x, y = x - lr * c * 0.1 * x, y - lr * c * 10.0 * y
        xs.append(x)
        ys.append(y)
    assert got["runs"][0]["xs"] == pytest.approx(xs, rel=1e-12, abs=1e-300)
    assert got["runs"][0]["ys"] == pytest.approx(ys, rel=1e-12, abs=1e-300)
    assert got["schedule"]["name"] == "cosine"
    assert str(steps) in got["schedule"]["label"]
    assert got["schedule"]["params"]["total"] == steps


def test_a_schedule_with_parameters_and_the_reply_says_what_ran():
    args = {**DEFAULT_RACE, "num_steps": 60, "noise": 0.2, "seed": 4,
            "schedule": {"name": "step", "every": 20, "factor": 0.5}}
    got = result("race", args)
    assert (got["noise"], got["seed"]) == (0.2, 4)
    assert got["schedule"]["params"] == {"every": 20, "factor": 0.5}
    plain = result("race", {**args, "schedule": "constant"})
    # the first 20 steps are at η, the same as without a schedule
    assert got["runs"][0]["xs"][:21] == plain["runs"][0]["xs"][:21]
    assert got["runs"][0]["xs"][22] != plain["runs"][0]["xs"][22]


@pytest.mark.parametrize("schedule, loc", [
    ("bogus", ["schedule"]),
    (["cosine"], ["schedule"]),
    ({"every": 10}, ["schedule"]),
    ({"name": "step", "every": -1}, ["schedule", "every"]),
    ({"name": "step", "every": 2.5}, ["schedule", "every"]),
    ({"name": "exponential", "gamma": 1.5}, ["schedule", "gamma"]),
    ({"name": "cosine", "floor": "low"}, ["schedule", "floor"]),
    ({"name": "cosine", "speed": 2}, ["schedule", "speed"]),
    ({"name": "warmup", "steps": 600}, ["schedule", "total"]),
])
def test_a_bad_schedule_names_the_schedule_field(schedule, loc):
    for op in ("race", "snippet", "step_detail"):
        reply = ask(op, {**DEFAULT_RACE, "schedule": schedule})
        assert not reply["ok"], (op, schedule)
        assert reply["field"] == "schedule" and reply["loc"] == loc, reply
        assert reply["error"]


def test_snippet_with_noise_and_a_schedule_reproduces_the_race():
    args = {**DEFAULT_RACE, "num_steps": 300, "noise": 0.4, "seed": 11,
            "schedule": "warmup"}
    source = result("snippet", args)
    assert "make_schedule('warmup'" in source and "seed=11" in source
    namespace = {}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(source, namespace)
    runs = result("race", args)["runs"]
    assert [list(t.losses) for t in namespace["runs"]] == [r["losses"] for r in runs]
    assert max(len(line) for line in source.splitlines()) <= 78
    plain = result("snippet", DEFAULT_RACE)
    assert "schedule" not in plain  # nothing to import or pass without one


def test_step_detail_under_a_schedule_shows_the_scaled_update():
    args = {**DEFAULT_RACE, "schedule": {"name": "exponential", "gamma": 0.5},
            "step": 3}
    for detail in result("step_detail", args)["runs"]:
        w, dw, nxt = detail["w"], detail["update"], detail["w_next"]
        assert [a + b for a, b in zip(w, dw)] == pytest.approx(nxt, rel=1e-15)
    gd = result("step_detail", args)["runs"][0]
    # GD's update at step 3 is −η γ³ ∇f(w₃)
    assert gd["update"] == pytest.approx([-0.19 * 0.125 * g for g in gd["grad_used"]])


def test_a_navigator_state_carries_noise_seed_and_schedule_into_the_race():
    from lesson_code.navigator import navigator_state, race_request
    state = navigator_state({"noise": 0.5, "seed": 3, "schedule": "cosine"})
    assert (state["noise"], state["seed"], state["schedule"]) == (0.5, 3, "cosine")
    request = race_request(state)
    assert (request["noise"], request["seed"], request["schedule"]) == (0.5, 3, "cosine")
    # off: the request is the one a race without them always had
    quiet = race_request(navigator_state({"seed": 3}))
    assert not {"noise", "seed", "schedule"} & set(quiet)
    # a new detail on top of a noisy state keeps what it does not name
    assert navigator_state({"lr": 0.05}, state)["noise"] == 0.5
