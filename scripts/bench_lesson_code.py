"""Time lesson_code's hot path in CPython and in Pyodide (under Node), side by side.

Usage: python scripts/bench_lesson_code.py [--repeats 7] [--pyodide DIR]

Prints, for each optimizer, µs per `update` call and µs per runner step
(grad + update + loss + checks), and the time to compute one race payload:
`browser.handle` of a race op with sgd and momentum on the ravine, 500 steps
each (the navigator's redraw), with JSON float lists and with
"packed": true (base64 float64). Figures are medians of --repeats runs (≥ 5).
The goal is a payload in ≤ 5 ms in Pyodide. Pyodide is found as in
tests/pyodide/run_pyodide.mjs (vendored core, else node_modules/pyodide).
"""

import argparse
import json
import pathlib
import shutil
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
RUNNER = ROOT / "tests" / "pyodide" / "run_pyodide.mjs"
GOAL_MS = 5.0

# Runs unchanged in CPython and Pyodide; REPEATS is set before it runs.
BENCH = '''
import json, statistics, time
from lesson_code import get_landscape, make_optimizer, run
from lesson_code.browser import handle

RAVINE = get_landscape("ravine")
SETTINGS = {"sgd": {"lr": 0.01}, "momentum": {"lr": 0.01, "beta": 0.9},
            "nesterov": {"lr": 0.01, "beta": 0.9}, "rmsprop": {"lr": 0.01},
            "adam": {"lr": 0.01}}
RACE_ARGS = {"landscape": "ravine", "num_steps": 500,
             "optimizers": [{"name": "sgd", "lr": 0.1},
                            {"name": "momentum", "lr": 0.01, "beta": 0.9}]}
RACE = json.dumps({"op": "race", "args": RACE_ARGS})
PACKED = json.dumps({"op": "race", "args": {**RACE_ARGS, "packed": True}})


def median_time(fn, repeats):
    fn()  # warm up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def update_loop(opt, n=20000):
    def loop():
        update, state, g = opt.update, opt.init((-8.0, 2.0)), (-0.8, 20.0)
        for _ in range(n):
            step, state = update(g, state)
    return loop


def bench(repeats):
    out = {"update_us": {}, "run_step_us": {}}
    for name, params in SETTINGS.items():
        opt = make_optimizer(name, **params)
        out["update_us"][name] = median_time(update_loop(opt), repeats) / 20000 * 1e6
        traj = run(opt, RAVINE, None, 2000, tol=0.0)
        assert traj.step == 2000, traj.message
        out["run_step_us"][name] = median_time(
            lambda: run(opt, RAVINE, None, 2000, tol=0.0), repeats) / 2000 * 1e6
    runs = json.loads(handle(RACE))["result"]["runs"]
    assert [len(r["xs"]) for r in runs] == [501, 501], "race must run 2 x 500 steps"
    handle(RACE)
    out["race_ms"] = median_time(lambda: handle(RACE), max(repeats, 15)) * 1e3
    out["packed_ms"] = median_time(lambda: handle(PACKED),
                                   max(repeats, 15)) * 1e3
    return out


RESULT = json.dumps(bench(REPEATS))
'''


def in_cpython(repeats):
    sys.path.insert(0, str(ROOT))
    namespace = {"REPEATS": repeats}
    exec(BENCH, namespace)
    return json.loads(namespace["RESULT"])


def in_pyodide(repeats, pyodide_dir):
    node = shutil.which("node")
    if node is None:
        sys.exit("bench: Node.js is missing (needed to run Pyodide)")
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as script:
        script.write(f"REPEATS = {repeats}\n" + BENCH)
    cmd = [node, str(RUNNER), script.name]
    if pyodide_dir:
        cmd += ["--pyodide", pyodide_dir]
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    pathlib.Path(script.name).unlink()
    if done.returncode != 0:
        sys.exit(f"bench: the Pyodide run failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def report(cpy, pyo):
    print(f"{'':26}{'CPython ' + sys.version.split()[0]:>18}{'Pyodide':>12}")
    for key, title in (("update_us", "update()"), ("run_step_us", "runner step")):
        for name in cpy[key]:
            print(f"  {name + ' ' + title:24}{cpy[key][name]:15.2f} µs"
                  f"{pyo[key][name]:9.2f} µs")
    verdict = "within" if pyo["race_ms"] <= GOAL_MS else "OVER"
    print(f"  {'race payload (2 × 500)':24}{cpy['race_ms']:15.2f} ms"
          f"{pyo['race_ms']:9.2f} ms   ({verdict} the {GOAL_MS:g} ms goal)")
    print(f"  {'  the same, packed: true':24}{cpy['packed_ms']:15.2f} ms"
          f"{pyo['packed_ms']:9.2f} ms")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--pyodide", help="directory holding pyodide.mjs")
    args = parser.parse_args()
    if args.repeats < 5:
        parser.error("--repeats must be at least 5 (the figures are medians)")
    report(in_cpython(args.repeats), in_pyodide(args.repeats, args.pyodide))


if __name__ == "__main__":
    main()
