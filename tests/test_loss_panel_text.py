"""The loss panel's words for each run (docs/assets/js/navigator-loss.js runSentence), run
in Node on races lesson_code computes here: every way a run can end is told with the steps
CPython found, the first touch of the tolerance as well as the step a run stays from."""

import json
import shutil
import subprocess

import pytest
from paths import ROOT

from lesson_code.browser import call

MODULE = (ROOT / "docs" / "assets" / "js" / "navigator-loss.js").as_uri()
SCRIPT = f"""
import {{ runSentence, tolText }} from {json.dumps(MODULE)};
let input = "";
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {{
  const {{ runs, tols }} = JSON.parse(input);
  console.log(JSON.stringify({{ sentences: runs.map(runSentence), tols: tols.map(tolText) }}));
}});
"""


def node(runs, tols=()):
    exe = shutil.which("node")
    if exe is None:
        pytest.fail("node is needed (npm's prerequisite): install nodejs")
    payload = json.dumps({"runs": runs, "tols": list(tols)})
    done = subprocess.run([exe, "--input-type=module", "-e", SCRIPT], input=payload,
                          capture_output=True, text=True, timeout=60, check=True)
    return json.loads(done.stdout)


def one(landscape, optimizer, num_steps):
    run = call("race", {"landscape": landscape, "optimizers": [optimizer],
                        "num_steps": num_steps})["runs"][0]
    return {k: run[k] for k in ("label", "status", "first", "step", "message")}


def test_every_ending_is_told_with_lesson_codes_steps():
    stays_later = one("ravine", {"name": "momentum", "lr": 0.18, "beta": 0.9}, 300)
    stays_at_once = one("bowl", {"name": "sgd", "lr": 0.5}, 100)
    out_again = one("ravine", {"name": "momentum", "lr": 0.18, "beta": 0.9}, 150)
    back_in = one("ravine", {"name": "adam", "lr": 0.18}, 300)
    never = one("ravine", {"name": "sgd", "lr": 0.05}, 100)
    diverged = one("ravine", {"name": "sgd", "lr": 0.25}, 300)
    runs = [stays_later, stays_at_once, out_again, back_in, never, diverged]
    # the cases are what their names say
    assert stays_later["status"] == "converged" and stays_later["first"] < stays_later["step"]
    assert stays_at_once["status"] == "converged" and stays_at_once["first"] == stays_at_once["step"]
    assert out_again["status"] == back_in["status"] == never["status"] == "running"
    assert out_again["first"] is not None and back_in["first"] is not None and never["first"] is None
    assert diverged["status"] == "diverged" and diverged["first"] is None

    said = node(runs)["sentences"]
    assert said[0] == (f"Momentum: converged: first within tolerance at step {stays_later['first']}, "
                       f"for good from step {stays_later['step']}.")
    assert said[1] == (f"GD: converged at step {stays_at_once['step']}, "
                       "also its first step within tolerance.")
    assert said[2] == (f"Momentum: first within tolerance at step {out_again['first']}; "
                       f"still running: within tolerance at step {out_again['first']}, then out again.")
    assert said[3] == f"Adam: first within tolerance at step {back_in['first']}; {back_in['message']}."
    assert said[4] == "GD: still running, never within tolerance."
    assert said[5] == f"GD: diverged at step {diverged['step']}, never within tolerance."


def test_a_tolerance_reads_as_a_power_of_ten_or_in_full():
    assert node([], [1e-6, 1e-3, 1, 2.5e-4])["tols"] == ["10⁻⁶", "10⁻³", "10⁰", "2.5e−4"]
