"""lesson_code gives the same answers inside Pyodide (Python 3.14, under Node)
as in CPython: the browser shows exactly what the tests check.

Pyodide comes from build/assets/vendor/pyodide/ (the site's vendored core) or
node_modules/pyodide/; lesson_code from the source tree. Missing Node or
Pyodide is a failure, not a skip.
"""

import json
import os
import pathlib
import shutil
import subprocess

import pytest

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent
RUNNER = HERE / "run_pyodide.mjs"
PROBE = HERE / "probe.py"
CANDIDATES = [ROOT / os.environ.get("RAVINE_BUILD", "build") / "assets" / "vendor" / "pyodide",
              ROOT / "node_modules" / "pyodide"]
CORE = ["pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm",
        "python_stdlib.zip", "pyodide-lock.json"]

# one Pyodide start for the module: its tests stay on one pytest-xdist worker
pytestmark = [pytest.mark.pyodide, pytest.mark.xdist_group("pyodide")]


def run_in_pyodide(script):
    """RESULT of script run in Pyodide under Node, as a dict."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js is missing: the Pyodide tests need `node` on "
                    "PATH (Debian: apt-get install nodejs)")
    if not any(all((d / f).exists() for f in CORE) for d in CANDIDATES):
        pytest.fail(f"Pyodide is missing: no complete core ({', '.join(CORE)})"
                    " in " + " or ".join(str(d) for d in CANDIDATES)
                    + "; run `make setup` (npm ci) or `make site`")
    done = subprocess.run([node, str(RUNNER), str(script)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        pytest.fail(f"Pyodide run failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_in_cpython(script):
    namespace = {"__name__": "__probe__"}
    exec(compile(script.read_text(encoding="utf-8"), str(script), "exec"),
         namespace)
    return json.loads(namespace["RESULT"])


@pytest.fixture(scope="module")
def pyodide():
    return run_in_pyodide(PROBE)


@pytest.fixture(scope="module")
def cpython():
    return run_in_cpython(PROBE)


def test_the_probe_really_ran_on_pyodides_python_3_14(pyodide, cpython):
    assert pyodide["python"] >= [3, 14]
    assert pyodide["version"] == cpython["version"] == "0.1.0"


def test_importing_lesson_code_in_pyodide_pulls_in_only_the_stdlib(pyodide):
    assert pyodide["non_stdlib_imports"] == []


def test_the_lessons_default_race_payload_is_identical(pyodide, cpython):
    assert pyodide["race"] == cpython["race"]
    runs = json.loads(pyodide["race"])["result"]["runs"]
    assert [r["status"] for r in runs] == ["converged", "converged"]


@pytest.mark.parametrize("key", ["race_packed", "race_divergent",
                                 "race_every_optimizer_rosenbrock",
                                 "race_noisy_rotated", "race_himmelblau",
                                 "sampler", "schedule_factors", "race_noisy_scheduled"])
def test_every_optimizer_and_seeded_noise_agree(pyodide, cpython, key):
    assert pyodide[key] == cpython[key]


def test_the_probe_races_every_registered_optimizer(pyodide):
    """A course author's new optimizer is checked in Pyodide with no edit here."""
    from lesson_code.optimizers import REGISTRY
    runs = json.loads(pyodide["race_every_optimizer_rosenbrock"])["result"]["runs"]
    assert [run["name"] for run in runs] == list(REGISTRY)


@pytest.mark.parametrize("key", ["contour", "contour_saddle", "landscapes",
                                 "step_detail", "errors", "hostile"])
def test_contours_details_and_error_replies_agree(pyodide, cpython, key):
    assert pyodide[key] == cpython[key]


def test_hostile_requests_are_refused_in_pyodide_with_their_field(pyodide):
    """Pyodide survives them (the probe finished) and answers in words."""
    replies = [json.loads(reply) for reply in pyodide["hostile"]]
    assert [r.get("field") for r in replies] == [
        "request", "request", "lr", "optimizers", "start", None]
    assert replies[-1]["ok"] and replies[-1]["result"]["limits"]["gd"] is None


def test_the_snippet_runs_in_pyodide_and_reproduces_the_race(pyodide,
                                                              cpython):
    assert pyodide["snippet"] == cpython["snippet"]
    runs = json.loads(pyodide["race"])["result"]["runs"]
    xs = [[p[0] for p in points] for points in pyodide["snippet"]["points"]]
    assert xs == [r["xs"] for r in runs]


def test_theory_values_agree(pyodide, cpython):
    ours, theirs = pyodide["theory"], cpython["theory"]
    assert ours.keys() == theirs.keys()
    for key in ours:
        assert flat(ours[key]) == pytest.approx(flat(theirs[key]), rel=1e-12,
                                                abs=0), key


def flat(value):
    if isinstance(value, list):
        return [x for item in value for x in flat(item)]
    return [value]
