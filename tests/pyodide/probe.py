"""Compute a fixed set of lesson_code results and store them as JSON in RESULT.

Usage: node tests/pyodide/run_pyodide.mjs tests/pyodide/probe.py   (in Pyodide)
       python -c "exec(open('tests/pyodide/probe.py').read())"     (in CPython)

test_pyodide.py runs it in both and asserts the results agree exactly: the
lesson's default race payload, divergent and noisy races, a contour grid,
a step detail, the snippet (executed), the theory values, error replies
(hostile ones too), and
that importing lesson_code pulled in only the standard library.
"""

import contextlib
import io
import json
import sys

BEFORE = set(sys.modules)

import lesson_code  # noqa: E402  (after BEFORE, to see what it imports)
from lesson_code import theory  # noqa: E402
from lesson_code.browser import handle  # noqa: E402

ADDED = sorted({m.split(".")[0] for m in set(sys.modules) - BEFORE}
               - set(sys.stdlib_module_names) - {"lesson_code"})


def ask(op, **args):
    return handle(json.dumps({"op": op, "args": args}))


DEFAULT_RACE = {"landscape": "ravine", "num_steps": 500,
                "optimizers": [{"name": "sgd", "lr": 0.19},
                               {"name": "momentum", "lr": 0.1, "beta": 0.9}]}
# Every registered optimizer, a course author's new one included (Pyodide and CPython
# both import this source tree's lesson_code), with β where it takes one.
EVERY_OPTIMIZER = [{"name": name, "lr": 0.05 if name == "adam" else 0.01,
                    **({"beta": 0.9} if entry.takes_beta else {})}
                   for name, entry in lesson_code.optimizers.REGISTRY.items()]


def snippet_runs():
    namespace = {}
    with contextlib.redirect_stdout(io.StringIO()) as out:
        exec(json.loads(ask("snippet", **DEFAULT_RACE))["result"], namespace)
    return {"printed": out.getvalue(),
            "points": [list(map(list, t.points)) for t in namespace["runs"]]}


def theory_values():
    lrs, betas = [0.05, 0.1, 0.2, 0.3], [0.0, 0.5, 0.9]
    return {
        "optimal_gd": theory.optimal_gd(0.1, 10.0),
        "optimal_momentum": theory.optimal_momentum(0.1, 10.0),
        "critical_beta": theory.critical_beta(0.1, 0.1),
        "rate_map": theory.rate_map(0.1, 10.0, lrs, betas),
        "nesterov": [theory.nesterov_contraction(lr, 0.9, 10.0)
                     for lr in lrs],
        "limits": [theory.momentum_max_lr(b, 10.0) for b in betas],
        "ema": theory.ema([1.0, -2.0, 3.0], 0.9, debias=True),
        "ema_weights": theory.ema_weights(0.9, 5),
        "steps_to_shrink": theory.steps_to_shrink(0.98, 10.0),
        # issue 14: the noise floor, the schedules, a scheduled noisy run
        "noise": [theory.noise_variance(opt, lam, 0.5)
                  for opt in (lesson_code.sgd(0.1), lesson_code.momentum(0.05, 0.9),
                              lesson_code.nesterov(0.05, 0.9))
                  for lam in (0.1, 10.0)],
        "noise_floor": theory.noise_floor(lesson_code.momentum(0.018, 0.9),
                                          lesson_code.get_landscape("ravine"), 1.0),
        "schedules": [lesson_code.schedule_for(name, 300).factor(t)
                      for name in lesson_code.SCHEDULES for t in (0, 7, 150, 299, 300)],
        "scheduled_run": [list(lesson_code.run(
            lesson_code.make_optimizer(name, lr=0.1), lesson_code.get_landscape("ravine"),
            num_steps=400, noise=0.5, seed=5, schedule=schedule).points[-1])
            for name, schedule in (("adam", "warmup"), ("momentum", "cosine"),
                                   ("rmsprop", "step"))],
        "measured_rate": theory.measured_rate(lesson_code.run(
            lesson_code.momentum(0.05, 0.8), lesson_code.get_landscape(
                "ravine"), num_steps=1000, tol=1e-200)),
    }


RESULT = json.dumps({
    "python": list(sys.version_info[:2]),
    "non_stdlib_imports": ADDED,
    "version": lesson_code.__version__,
    "race": ask("race", **DEFAULT_RACE),
    "race_packed": ask("race", packed=True, **DEFAULT_RACE),
    "race_divergent": ask("race", optimizers=[
        {"name": "sgd", "lr": 0.23}, {"name": "momentum", "lr": 0.4,
                                      "beta": 0.9}]),
    "race_every_optimizer_rosenbrock": ask(
        "race", landscape="rosenbrock", num_steps=2000,
        optimizers=EVERY_OPTIMIZER),
    "race_noisy_rotated": ask("race", landscape="rotated-ravine",
                              num_steps=300, noise=0.5, seed=11,
                              optimizers=EVERY_OPTIMIZER),
    # issue 14: seeded noise and the schedules, to the bit (a seed whose math.log once
    # differed between glibc and Pyodide's libm is among them)
    "sampler": [[sample() for _ in range(100)] for sample in
                (lesson_code.runner.normal_sampler(seed)
                 for seed in list(range(200)) + [55555])],
    "schedule_factors": [lesson_code.schedule_for(name, 1000).factor(t)
                         for name in lesson_code.SCHEDULES for t in range(0, 1001, 3)],
    "race_noisy_scheduled": [ask("race", num_steps=1000, noise=1.0, seed=seed,
                                 schedule=schedule, optimizers=EVERY_OPTIMIZER)
                             for seed, schedule in ((55555, "cosine"), (0, "cosine"),
                                                    (3, "warmup"), (7, "exponential"),
                                                    (11, "step"))],
    "race_himmelblau": ask("race", landscape="himmelblau", num_steps=1000,
                           optimizers=EVERY_OPTIMIZER),
    "contour": ask("contour", landscape="ravine"),
    "contour_saddle": ask("contour", landscape="saddle", nx=21, ny=21),
    "landscapes": ask("landscapes"),
    "step_detail": ask("step_detail", step=7, **DEFAULT_RACE),
    "snippet": snippet_runs(),
    "theory": theory_values(),
    "errors": [ask("race", optimizers=[{"name": "sgd", "lr": -1}]),
               ask("race", landscape="valley",
                   optimizers=[{"name": "sgd", "lr": 0.1}]),
               handle("{not json")],
    # hostile requests (issue 12): JSON nested 100,000 deep once overflowed
    # Pyodide's JavaScript stack and killed the runtime
    "hostile": [handle("[" * 100_000), handle('{"a":' * 5000 + "1"
                                              + "}" * 5000),
                ask("race", optimizers=[{"name": "sgd", "lr": 10 ** 400}]),
                ask("race", optimizers=[{"name": ["sgd"], "lr": 0.1}]),
                ask("race", start="12",
                    optimizers=[{"name": "sgd", "lr": 0.1}]),
                ask("race", landscape={"name": "ravine", "lam_max": 1e-310,
                                       "kappa": 1},
                    optimizers=[{"name": "sgd", "lr": 0.1}])],
})
