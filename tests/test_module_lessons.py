"""The optimizers module's own pages (index, ravine, adaptive, playground, lab) state facts;
each test here checks one of them by running lesson_code, with an independent
computation wherever there is one.

The pages state numbers through the lesson hook's build-time syntax (`{{ expr | spec }}`),
so the text cannot drift from the code; these tests check that every such expression
evaluates, that the built pages show its value, and that the *claims* the prose makes
about those values (who wins, what grows, what stays the same) hold.
"""

import contextlib
import importlib.util
import io
import math
import re
import subprocess
import sys

import pytest
import yaml
from paths import DOCS, ROOT, SITE

from lesson_code import (adam, condition_number, ema, gd_contraction, gd_max_lr,
                         get_landscape, momentum, momentum_max_lr, narrow_ravine,
                         nesterov, optimal_gd, race, rmsprop, rotated_ravine, run, sgd,
                         steps_to_shrink)
from scripts import lesson_hook

PAGES = ["index.md", "ravine.md", "adaptive.md", "playground.md"]
RAVINE = get_landscape("ravine")


def page_source(name):
    return (DOCS / "optimizers" / name).read_text()


def page_namespace(name):
    text = page_source(name)
    body, meta = lesson_hook.get_data(text)
    return lesson_hook.namespace(meta, name), body, meta


def load_figures():
    spec = importlib.util.spec_from_file_location("module_figures",
                                                  ROOT / "scripts" / "figures" / "module.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


FIGURES = load_figures()


def steps(runs, label):
    return next(t.step for t in runs if t.label == label)


# ------------------------------------------------------------ every stated number

@pytest.mark.parametrize("name", PAGES)
def test_every_build_time_number_evaluates_and_is_in_the_built_page(name):
    ns, body, _ = page_namespace(name)
    found = lesson_hook.expressions(body)
    html = (SITE / "optimizers" / name.replace(".md", "").replace("index", "")
            / "index.html").read_text()
    html = re.sub(r"<[^>]+>", "", html).replace("&amp;", "&")
    for line, inner in found:
        text = lesson_hook.evaluate(inner, ns, name, line)
        assert text and "nan" not in text.lower(), (name, line, inner)
        if "\n" not in inner:
            assert text in html, f"{name}:{line}: {{{{{inner}}}}} = {text!r} not in the built page"
    if name != "playground.md":
        assert found, f"{name} states no computed number"


def test_no_page_states_a_bare_computed_number_the_hook_did_not_produce():
    """The tables' step counts appear only through {{ }}: no digit group of 3+ digits is
    typed into the prose of the lessons (outside code, math and YAML fences)."""
    for name in ("ravine.md", "adaptive.md"):
        _, body, _ = page_namespace(name)
        prose = lesson_hook.FENCE.sub("", body)
        prose = re.sub(r"\{\{.*?\}\}|\$[^$]*\$|`[^`]*`|\]\([^)]*\)", "", prose, flags=re.S)
        typed = re.findall(r"(?<![\w.])\d{3,}(?:,\d{3})*(?![\w.])", prose)
        assert set(typed) <= {"000", "100", "1000", "10000", "2,000", "1,000", "1,000,"}, \
            (name, typed)


# ------------------------------------------------------------ lesson 1: the ravine

def test_the_ravine_curvatures_and_kappa_from_the_hessian_itself():
    a, c, b = 0.1, 0.0, 10.0  # H = [[a, c], [c, b]] read off ½(0.1x² + 10y²)
    half = math.hypot((a - b) / 2, c)
    lam = ((a + b) / 2 - half, (a + b) / 2 + half)
    assert RAVINE.eigenvalues == pytest.approx(lam)
    assert condition_number(*RAVINE.eigenvalues) == pytest.approx(lam[1] / lam[0]) == 100


def test_the_ceiling_is_where_the_steep_direction_stops_shrinking():
    ns, _, _ = page_namespace("ravine.md")
    assert ns["lr_max"] == gd_max_lr(10.0) == pytest.approx(0.2)
    assert gd_contraction(ns["lr_max"], 10.0) == pytest.approx(1.0)
    assert ns["steep_demo"] == pytest.approx(0.9) and ns["flat_demo"] == pytest.approx(0.981)
    assert ns["floor_rate"] == pytest.approx(1 - 2 * 0.1 / 10)
    # below the ceiling converges, at it oscillates forever, above it diverges
    assert run(sgd(lr=0.19), RAVINE, num_steps=2000).status == "converged"
    at = run(sgd(lr=0.2), RAVINE, num_steps=2000)
    assert at.status == "running"
    assert {round(abs(p[1]), 9) for p in at.points[1:]} == {2.0}  # "between 2 and −2"
    assert run(sgd(lr=0.201), RAVINE, num_steps=2000).status == "diverged"


def test_close_to_the_ceiling_is_slower_than_a_little_below_it():
    ns, _, _ = page_namespace("ravine.md")
    assert ns["sweep"](0.199).step > ns["sweep"](0.19).step


def test_the_best_learning_rate_balances_the_two_directions():
    lr, rate = optimal_gd(0.1, 10.0)
    assert gd_contraction(lr, 0.1) == pytest.approx(gd_contraction(lr, 10.0)) == \
        pytest.approx(rate) == pytest.approx(99 / 101)
    # any other η is worse in one direction
    for other in (lr * 0.98, lr * 1.02):
        assert max(gd_contraction(other, 0.1), gd_contraction(other, 10.0)) > rate


@pytest.mark.parametrize("kappa", FIGURES.KAPPAS)
def test_measured_steps_equal_the_prediction_for_every_kappa(kappa):
    ns, _, _ = page_namespace("ravine.md")
    measured, predicted = ns["best_gd"](kappa).step, ns["predicted"](kappa)
    assert ns["best_gd"](kappa).status == "converged"
    assert measured == predicted == FIGURES.measured_steps(kappa) == FIGURES.predicted_steps(kappa)
    # independent count: the loss is f0 · r^(2n) at the best η
    scape = narrow_ravine(kappa)
    lam_min, lam_max = scape.eigenvalues
    r = (lam_max - lam_min) / (lam_max + lam_min)
    f0, n = scape.f(scape.start), 0
    while f0 * r ** (2 * n) > 1e-6:
        n += 1
    assert abs(measured - n) <= 1


def test_steps_grow_in_proportion_to_kappa():
    counts = [FIGURES.measured_steps(k) for k in FIGURES.KAPPAS]
    assert counts[0] == 1  # "one step lands exactly on the minimum"
    for small, large in zip(counts[1:], counts[2:]):
        assert 8 < large / small < 12  # "about ten times the steps"


def test_ravine_exercise_answers():
    ns, body, _ = page_namespace("ravine.md")
    exercises = {m["body"] and yaml.safe_load(m["body"])["id"]:
                 lesson_hook.exercise(m["body"], ns)
                 for m in lesson_hook.FENCE.finditer(body) if m["lang"] == "exercise"}
    assert exercises["largest-stable-lr"]["answer"] == pytest.approx(2 / 10)
    n = next(n for n in range(1, 1000) if (99 / 101) ** n <= 0.1)
    assert exercises["tenfold-steps"]["answer"] == n == 116
    assert math.log(10) / math.log(101 / 99) == pytest.approx(115.1, abs=0.05)


def test_ravine_prediction_past_the_ceiling_diverges():
    traj = run(sgd(lr=0.21), RAVINE, num_steps=300)
    assert traj.status == "diverged"
    ns, body, _ = page_namespace("ravine.md")
    fence = next(m for m in lesson_hook.FENCE.finditer(body) if m["lang"] == "predict")
    p = lesson_hook.predict(fence["body"], ns)
    assert p["choices"][p["answer"]].startswith("It zig-zags ever wider")


# ------------------------------------------------------------ lesson 3: RMSProp and Adam

def run_page_blocks(name):
    from tests.test_docs_blocks import python_blocks
    namespace = {"__name__": "__main__"}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for _, source in python_blocks(page_source(name)):
            exec(compile(source, name, "exec"), namespace)
    return namespace, out.getvalue()


def test_rare_parameters_catch_up_under_rmsprop():
    ns, printed = run_page_blocks("adaptive.md")
    gd_freq, gd_rare = ns["distance_moved"](sgd(lr=0.01))
    rms_freq, rms_rare = ns["distance_moved"](rmsprop(lr=0.01))
    assert gd_freq / gd_rare == pytest.approx(1000)  # "a thousand times as far"
    assert rms_freq / rms_rare > 1  # "it does not close"
    assert 8 < (gd_freq / gd_rare) / (rms_freq / rms_rare) < 12  # "shrinks about tenfold"
    # each rare step is η/√(1 − α) = 10 η: s has decayed to almost nothing in between
    assert rms_rare / 10 == pytest.approx(0.01 / math.sqrt(1 - 0.99), rel=1e-3)
    assert "GD" in printed and "RMSProp" in printed


def test_rmsprop_first_step_is_ten_eta_in_every_coordinate_and_adam_one_eta():
    rms = run(rmsprop(lr=0.01), RAVINE, num_steps=1).points[1]
    ad = run(adam(lr=0.01), RAVINE, num_steps=1).points[1]
    assert rms == pytest.approx((-7.9, 1.9), abs=1e-6)
    assert ad == pytest.approx((-7.99, 1.99), abs=1e-6)
    assert 0.01 / math.sqrt(1 - 0.99) == pytest.approx(0.1)
    g = RAVINE.grad(RAVINE.start)
    assert g == (-0.8, 20.0) and -g[1] / g[0] == 25


def test_bias_correction_table():
    m, s = ema([1, 1, 1], 0.9), ema([1, 1, 1], 0.999)
    assert m == pytest.approx([0.1, 0.19, 0.271])
    assert s == pytest.approx([0.001, 0.001999, 0.002997001])
    assert ema([1, 1, 1], 0.9, debias=True) == pytest.approx([1, 1, 1])
    assert ema([1, 1, 1], 0.999, debias=True) == pytest.approx([1, 1, 1])
    ratios = [a / math.sqrt(b) for a, b in zip(m, s)]
    assert ratios[0] > 3 and ratios[0] < ratios[1] < ratios[2]  # "too big, keeps growing"
    # the uncorrected step's peak, by running the recursions directly
    mt = st = 0.0
    best = (0.0, 0)
    for t in range(1, 5000):
        mt, st = 0.9 * mt + 0.1, 0.999 * st + 0.001
        best = max(best, (mt / math.sqrt(st), t))
    ns, _, _ = page_namespace("adaptive.md")
    assert (ns["peak_ratio"], ns["peak_step"]) == (pytest.approx(best[0]), best[1])


def test_adaptive_exercise_answers():
    ns, body, _ = page_namespace("adaptive.md")
    exercises = {yaml.safe_load(m["body"])["id"]: lesson_hook.exercise(m["body"], ns)
                 for m in lesson_hook.FENCE.finditer(body) if m["lang"] == "exercise"}
    assert exercises["rmsprop-first-step"]["answer"] == pytest.approx(0.1, abs=1e-6)
    m = 0.0
    for g in (2, 2, 2):
        m = 0.9 * m + 0.1 * g
    assert exercises["bias-correction"]["answer"] == pytest.approx(m) == pytest.approx(0.542)


def test_the_race_settings_are_the_figures_and_the_pages():
    ns, body, _ = page_namespace("adaptive.md")
    page = [(o.name, o.hyperparams) for o in ns["settings"]()]
    assert page == [(o.name, o.hyperparams) for o in FIGURES.race_settings()]
    for m in lesson_hook.FENCE.finditer(body):
        if m["lang"] == "predict":
            runs = yaml.safe_load(m["body"])["setup"]["runs"]
            assert [(r["name"], r["lr"]) for r in runs] == \
                [(name, h["lr"]) for name, h in page]


def test_nesterov_wins_the_aligned_race_and_tuned_momentum_keeps_up_with_adam():
    runs = race(FIGURES.race_settings(), RAVINE, num_steps=5000)
    assert all(t.status == "converged" for t in runs)
    assert lesson_hook.first_to_converge(runs) == 2  # Nesterov
    assert steps(runs, "Momentum") <= steps(runs, "Adam")
    assert steps(runs, "Nesterov") < steps(runs, "Adam")


def test_a_rotation_changes_nothing_for_gd_and_momentum_and_slows_the_adaptive_ones():
    aligned = race(FIGURES.race_settings(), RAVINE, num_steps=5000)
    turned = race(FIGURES.race_settings(), rotated_ravine(), num_steps=5000)
    for label in ("GD", "Momentum", "Nesterov"):
        assert steps(turned, label) == steps(aligned, label)
    for label in ("RMSProp", "Adam"):
        assert steps(turned, label) > 2 * steps(aligned, label)
    ns, body, _ = page_namespace("adaptive.md")
    rotated = [m for m in lesson_hook.FENCE.finditer(body) if m["lang"] == "predict"][1]
    p = lesson_hook.predict(rotated["body"], ns)
    assert p["choices"][p["answer"]].startswith("They need far more steps")


def test_the_rotation_figure_claims():
    rows = FIGURES.rotation_steps()
    for label in ("GD", "Momentum", "Nesterov"):
        assert len(set(rows[label])) == 1  # flat lines
    for label in ("RMSProp", "Adam"):
        assert rows[label][0] < 1.25 * rows["Momentum"][0]  # "start near momentum"
        assert rows[label][-1] >= 0.95 * rows["GD"][-1]  # "reaching or passing GD"
        assert all(s is not None for s in rows[label])


def test_where_adam_wins_and_where_it_does_not():
    ns, _, _ = page_namespace("adaptive.md")
    table = {(k, name): ns["kappa_table"](k, name)
             for k in (100, 1000, 10000, -100, -1000, -10000)
             for name in ("momentum", "adam")}
    assert all(t.status == "converged" for t in table.values())
    s = {key: t.step for key, t in table.items()}
    adam_aligned = [s[(k, "adam")] for k in (100, 1000, 10000)]
    assert max(adam_aligned) / min(adam_aligned) < 1.5  # "hardly moves"
    mom = [s[(k, "momentum")] for k in (100, 1000, 10000)]
    assert all(8 < b / a < 12 for a, b in zip(mom, mom[1:]))  # "roughly tenfold per decade"
    for k in (100, 1000, 10000):  # rotation invariance of momentum
        assert s[(-k, "momentum")] == s[(k, "momentum")]
    adam_turned = [s[(-k, "adam")] for k in (100, 1000, 10000)]
    assert adam_turned[0] < adam_turned[1] < adam_turned[2]  # "climbs with κ too"
    assert s[(-10000, "adam")] < s[(-10000, "momentum")]  # "still beats momentum ... largest κ"
    assert all(s[(-k, "adam")] > s[(k, "adam")] for k in (100, 1000, 10000))  # shrinks
    # the rotated table entries are the registry's 30° ravine
    assert rotated_ravine(100).eigenvalues == RAVINE.eigenvalues


# ------------------------------------------------------------ the playground

def test_playground_experiments_do_what_their_sentences_say():
    text = page_source("playground.md")
    specs = [yaml.safe_load(s.replace("&#39;", "'")) for s in
             re.findall(r"data-ravine-race='([^']*)'", text)]
    assert len(specs) == 7
    for spec in specs:
        assert spec["navigator"] == "playground-navigator" and spec["detail"]["run"] is True
        req = lesson_hook.race_request(spec["detail"])
        from lesson_code.browser import call
        assert call("race", req)["runs"]  # a valid race for the worker
    # 1: at the ceiling the bounce neither grows nor shrinks
    assert run(sgd(lr=0.2), RAVINE, num_steps=300).status == "running"
    # 2: at η = 0.3 GD diverges, momentum (β = 0.9, ceiling 0.38) converges
    assert momentum_max_lr(0.9, 10.0) == pytest.approx(0.38)
    assert run(sgd(lr=0.3), RAVINE, num_steps=300).status == "diverged"
    assert run(momentum(lr=0.3, beta=0.9), RAVINE, num_steps=300).status == "converged"
    # 4: the rotated race slows RMSProp and Adam only (checked above with the same settings)
    assert specs[3]["detail"]["landscape"] == "rotated-ravine"
    # 7: from the origin the optimizers do not all agree on the minimum
    ends = {tuple(round(c) for c in t.points[-1]) for t in race(
        [sgd(lr=0.01), momentum(lr=0.01, beta=0.9), adam(lr=0.01)],
        get_landscape("himmelblau"), start=(0, 0), num_steps=1000)}
    assert len(ends) > 1


# ------------------------------------------------------------ the lab

def lab_namespace():
    import jupytext
    import matplotlib
    matplotlib.use("Agg")
    nb = jupytext.read(DOCS / "optimizers" / "lab.py")
    namespace = {"__name__": "__main__"}
    with contextlib.redirect_stdout(io.StringIO()):
        for cell in nb.cells:
            if cell.cell_type == "code":
                exec(compile(cell.source, "lab.py", "exec"), namespace)
    return namespace


@pytest.fixture(scope="module")
def lab():
    return lab_namespace()


def test_the_lab_finds_a_ravine_and_standardizing_removes_it(lab):
    assert lab["kappa_raw"] > 1000
    assert lab["kappa_scaled"] < 1.5
    assert abs(lab["flattest"][3]) > 0.9  # "mostly the intercept"
    import numpy as np
    steepest = np.linalg.eigh(lab["raw"].hessian)[1][:, -1]
    assert np.argmax(np.abs(steepest)) == 0  # "dominated by the floor area"
    assert gd_max_lr(lab["lam_max_s"]) > 100 * gd_max_lr(lab["lam_max"])


def test_the_lab_curves_say_what_its_text_says(lab):
    import numpy as np
    raw, scaled = lab["raw_runs"], lab["scaled_runs"]
    final = {k: np.median(v[-100:]) for k, v in raw.items()}
    assert raw["Momentum"][50] < raw["GD"][50] / 2  # "far lower after 50 steps"
    assert raw["Adam"][50] == max(g[50] for g in raw.values())  # "Adam starts slowest"
    assert final["Adam"] == min(final.values())  # "it ends lowest"
    final_s = {k: np.median(v[-100:]) for k, v in scaled.items()}
    assert final_s["GD"] == min(final_s.values())  # "plain SGD is now the fastest"
    assert final_s["Momentum"] > final_s["GD"]  # "momentum now hurts"
    assert scaled["Adam"][50] == max(g[50] for g in scaled.values())  # "slowest to start"
    assert final_s["GD"] < final["GD"] / 10
    assert lab["price"].mean() / 0.5 > 100  # Adam's intercept: "well over a hundred steps of 0.5"


def test_the_lab_is_a_jupytext_notebook_with_a_python_kernel():
    import jupytext
    nb = jupytext.read(DOCS / "optimizers" / "lab.py")
    assert nb.metadata["kernelspec"]["language"] == "python"
    assert sum(c.cell_type == "code" for c in nb.cells) >= 6


# ------------------------------------------------------------ the lab in the build

def jupyter_plugin_config():
    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    config = yaml.load((ROOT / "mkdocs.yml").read_text(), Loader=Loader)
    entry = next(p for p in config["plugins"] if isinstance(p, dict) and "mkdocs-jupyter" in p)
    return entry["mkdocs-jupyter"]


def test_the_jupyter_plugin_executes_only_the_lab_and_refuses_errors():
    options = jupyter_plugin_config()
    assert options["include"] == ["optimizers/lab.py"]
    assert options["execute"] is True and options["allow_errors"] is False
    assert options["custom_mathjax_url"] == "" and options["cache"] is False


def build_lab(tmp_path, lab_source):
    docs = tmp_path / "docs" / "optimizers"
    docs.mkdir(parents=True)
    (tmp_path / "docs" / "index.md").write_text("# Home\n")
    (docs / "lab.py").write_text(lab_source)
    config = {"site_name": "lab check", "docs_dir": str(tmp_path / "docs"),
              "theme": {"name": "material", "font": False},
              "site_dir": str(tmp_path / "site"),
              "plugins": [{"mkdocs-jupyter": jupyter_plugin_config()}],
              "hooks": [str(ROOT / "scripts" / "lab_hook.py")],
              "nav": [{"Home": "index.md"}, {"Lab": "optimizers/lab.py"}]}
    (tmp_path / "mkdocs.yml").write_text(yaml.safe_dump(config))
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f",
                           str(tmp_path / "mkdocs.yml")], cwd=tmp_path, capture_output=True,
                          text=True, timeout=300)


LAB_HEAD = ("# ---\n# jupyter:\n#   kernelspec:\n#     display_name: Python 3\n"
            "#     language: python\n#     name: python3\n# ---\n\n"
            "# %% [markdown]\n# # A lab\n\n# %%\nprint('first cell ran')\n\n")


def test_a_lab_that_runs_builds_with_its_outputs_and_a_relative_download(tmp_path):
    result = build_lab(tmp_path, LAB_HEAD + "# %%\nprint(6 * 7)\n")
    assert result.returncode == 0, result.stdout + result.stderr
    html = (tmp_path / "site" / "optimizers" / "lab" / "index.html").read_text()
    assert "first cell ran" in html and "42" in html
    assert 'href="../lab.ipynb"' in html and (tmp_path / "site" / "optimizers" /
                                              "lab.ipynb").is_file()
    assert "cdnjs" not in html and "mathjax" not in html.lower()


def test_a_failing_lab_cell_fails_the_build(tmp_path):
    result = build_lab(tmp_path, LAB_HEAD + "# %%\nraise RuntimeError('this cell is broken')\n")
    assert result.returncode != 0
    assert "this cell is broken" in result.stdout + result.stderr


def test_the_built_lab_page_has_its_outputs_and_its_notebook():
    html = (SITE / "optimizers" / "lab" / "index.html").read_text()
    images = re.findall(r'<img alt="([^"]+)"[^>]*src="data:image/png;base64,', html)
    assert len(images) == 3 and all(len(alt) > 80 for alt in images)
    assert 'href="../lab.ipynb"' in html
    assert "condition number κ =" in html and "Traceback" not in html
    import json
    nb = json.loads((SITE / "optimizers" / "lab.ipynb").read_text())
    assert nb["nbformat"] == 4 and any("LeastSquares" in "".join(c["source"])
                                       for c in nb["cells"])


@pytest.mark.parametrize("name", ["ravine", "adaptive"])
def test_the_lesson_notebooks_run_top_to_bottom(name):
    import json
    nb = json.loads((SITE / "optimizers" / f"{name}.ipynb").read_text())
    namespace = {"__name__": "__main__"}
    with contextlib.redirect_stdout(io.StringIO()):
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                source = "".join(cell["source"])
                exec(compile(source.replace("your_answer = None", "your_answer = 0"),
                             name, "exec"), namespace)


def test_the_downloaded_lab_notebook_holds_the_code_the_page_ran():
    import json

    import jupytext
    nb = json.loads((SITE / "optimizers" / "lab.ipynb").read_text())
    downloaded = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
    page = [c.source for c in jupytext.read(DOCS / "optimizers" / "lab.py").cells
            if c.cell_type == "code"]
    assert downloaded == page
