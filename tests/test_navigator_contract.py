"""One source for the navigator's contract: lesson_code's registries reach the page.

An optimizer or a landscape registered in lesson_code shows up in what the build writes
into the page (the navigator's data-navigator: its offered landscapes' facts and
lesson_code.navigator.page_data()), with no list in the JavaScript to update. The page's
checkState (navigator-url.js, run here in Node) applies a navigator:set detail by the rules
of lesson_code.navigator.navigator_state: both run on the same cases.
"""

import html
import inspect
import json
import re
import shutil
import subprocess
import sys
from typing import Annotated, NamedTuple

import pytest

from lesson_code import LANDSCAPES, quadratic, registered
from lesson_code.navigator import LIMITS, navigator_state, page_data
from lesson_code.optimizers import (OPTIMIZERS, REGISTRY, EmptyState, Style, check_lr, made,
                                    register, run_styles)
from paths import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import navigator_hook  # noqa: E402


@pytest.fixture
def throwaway(registries):
    """A throwaway optimizer ("walk", takes β) and landscape ("trough") registered the
    way the README says; the registries are as they were afterwards."""
    @register("walk", "Random walk", Style("#123456", "#abcdef", (5, 5), "star"),
              EmptyState)
    def walk(lr, beta=0.5):
        lr = check_lr(lr)
        return made("walk", {"lr": lr, "beta": beta}, lambda w: EmptyState(),
                    lambda g, state: (tuple(-lr * gi for gi in g), state))

    @registered
    def trough(lam=2.0):
        return quadratic("trough", "Trough", lam, 4 * lam)


def page_data_of(fence):
    """The data-navigator the build writes for a ```navigator fence body."""
    out = navigator_hook.format_navigator(fence, "navigator", "navigator", {}, None)
    found = re.search(r'data-navigator="([^"]*)"', out)
    assert found, out
    return json.loads(html.unescape(found.group(1)))


def test_a_registered_optimizer_and_landscape_reach_the_page(throwaway):
    data = page_data_of("id: added\nlandscape: trough\nlr: 0.05\n"
                        "optimizers: [walk, sgd]\nnum_steps: 20\nlandscapes: all\n")
    walk = next(o for o in data["contract"]["optimizers"] if o["name"] == "walk")
    assert walk == {"name": "walk", "label": "Random walk", "beta": True,
                    "style": {"light": "#123456", "dark": "#abcdef", "dash": [5, 5],
                              "marker": "star"}, "state": {}}
    assert data["optimizers"] == ["walk", "sgd"]
    assert "trough" in data["facts"] and data["facts"]["trough"]["title"] == "Trough"
    assert data["facts"]["trough"]["eigenvalues"] == [2.0, 8.0]


class DriftState(NamedTuple):
    """A state field no registered optimizer has."""
    total: Annotated[tuple, "running total of the gradients G"]
    k: Annotated[int, "steps counted k"]


def test_the_words_for_a_new_state_field_reach_the_step_details(registries):
    """navigator.js names each field of a run's state in the step details by the words
    its optimizer's state declares: a new field needs no word list in the page."""
    @register("drift", "Drift", Style("#654321", "#fedcba", (), "ring"), DriftState)
    def drift(lr):
        def update(g, state):
            total = tuple(a + gi for a, gi in zip(state.total, g))
            return tuple(-lr * a for a in total), DriftState(total, state.k + 1)
        return made("drift", {"lr": lr}, lambda w: DriftState((0.0,) * len(w), 0), update)

    data = page_data_of("id: drifting\noptimizers: [drift, momentum]\n")
    entries = {o["name"]: o for o in data["contract"]["optimizers"]}
    assert list(entries["drift"]["state"].items()) == [
        ("total", "running total of the gradients G"), ("k", "steps counted k")]
    assert entries["momentum"]["state"] == {"v": "velocity v"}


def test_a_state_field_without_words_is_refused_when_registered(registries):
    class Bare(NamedTuple):
        v: tuple

    with pytest.raises(TypeError, match=r"Bare\.v needs the words"):
        register("bare", "Bare", Style("#000000", "#ffffff", (), "circle"), Bare)
    assert "bare" not in REGISTRY


def test_a_fence_cannot_race_what_is_not_registered():
    # names no registry holds, whatever an author has added
    missing_optimizer, missing_landscape = "+".join(REGISTRY), "+".join(LANDSCAPES)
    with pytest.raises(ValueError, match="optimizers must be some of"):
        navigator_hook.check({"id": "x", "optimizers": [missing_optimizer]})
    with pytest.raises(ValueError, match="unknown landscape"):
        navigator_hook.check({"id": "x", "landscape": missing_landscape})


@pytest.mark.parametrize("added", [False, True], ids=["as built", "with a throwaway added"])
def test_the_page_data_is_the_registry_in_menu_order(request, added):
    if added:  # what a course author's new optimizer and landscape must not break
        request.getfixturevalue("throwaway")
    data = page_data()
    assert [o["name"] for o in data["optimizers"]] == list(REGISTRY)
    assert {o["name"]: o["label"] for o in data["optimizers"]}["sgd"] == "GD"
    # The rule the README states: the navigator's β applies to an optimizer whose factory
    # has a beta argument. Of the course's own, momentum and Nesterov.
    takes_beta = {o["name"] for o in data["optimizers"] if o["beta"]}
    assert takes_beta == {name for name, factory in OPTIMIZERS.items()
                          if "beta" in inspect.signature(factory).parameters}
    assert {"momentum", "nesterov"} <= takes_beta and not {"sgd", "rmsprop", "adam"} & takes_beta
    assert data["limits"]["runs"] == LIMITS["runs"]
    json.dumps(data, allow_nan=False)  # JSON as it stands


def test_a_fence_outside_the_limits_is_refused():
    low, high = LIMITS["lr"]
    with pytest.raises(ValueError, match="lr must be from"):
        navigator_hook.check({"id": "x", "lr": high * 2})
    with pytest.raises(ValueError, match="num_steps must be from"):
        navigator_hook.check({"id": "x", "num_steps": LIMITS["num_steps"][1] + 1})


# navigator:set details, each applied to the declared base by the page and by Python.
BASE = {"landscape": "ravine", "start": [-8.0, 2.0], "lr": 0.18, "beta": 0.9,
        "optimizers": ["sgd", "momentum"], "num_steps": 300, "runs": None,
        "noise": 0.0, "seed": 0, "schedule": "constant"}
CASES = [
    {},
    {"lr": 0.05},
    {"landscape": "bowl"},
    {"landscape": "bowl", "start": [1.0, -1.0]},
    {"optimizers": ["adam", "sgd"]},
    {"optimizers": ["momentum", "momentum"], "betas": [0.5, 0.99]},
    {"runs": [{"name": "nesterov", "lr": 0.02}, {"name": "sgd", "beta": 0.3}]},
    {"num_steps": 1000, "beta": 0.5, "lr": 0.3},
    {"noise": 0.5, "seed": 7},
    {"schedule": "cosine"},
    {"schedule": {"name": "step", "every": 50, "factor": 0.25}, "noise": 0.1},
]


def test_the_page_applies_a_detail_as_lesson_code_does(tmp_path):
    for case, page in zip(CASES, run_check_state(tmp_path, CASES), strict=True):
        assert page["messages"] == [] and page["fields"] == {}, case
        assert page["state"] == navigator_state(case, BASE), case


# Garbled values from outside: the page keeps the rest, and says why beside the control.
GARBLED = [
    ({"noise": -1}, "noise", 0.0),
    ({"noise": "NaN"}, "noise", 0.0),
    ({"noise": "abc"}, "noise", 0.0),
    ({"schedule": "bogus"}, "schedule", "constant"),
    ({"schedule": {"name": "step", "every": "x"}}, "schedule", "step"),
    ({"seed": 2.4}, "seed", 2),
]


def in_node(tmp_path, imports, body, args):
    """What `body` prints, run in Node after importing {module: [names]} from the page's
    docs/assets/js/<module>.js, with `args` (JSON) as `args`."""
    node = shutil.which("node")
    assert node, "Node is needed (npm installs the site's packages with it)"
    lines = []
    for stem, names in imports.items():
        module = tmp_path / f"{stem}.mjs"
        module.write_text((ROOT / "docs" / "assets" / "js" / f"{stem}.js").read_text())
        lines.append(f"import {{ {', '.join(names)} }} from {json.dumps(module.as_uri())};")
    script = "\n".join([*lines, "const args = JSON.parse(process.argv[1]);", body])
    out = subprocess.run([node, "--input-type=module", "-e", script, json.dumps(args)],
                         capture_output=True, text=True, check=True, timeout=60)
    return json.loads(out.stdout)


def run_check_state(tmp_path, cases):
    facts = navigator_hook.landscape_facts(list(LANDSCAPES))
    return in_node(tmp_path, {"navigator-url": ["checkState", "contractOf"]},
                   "const [cases, base, facts, data] = args;\n"
                   "const contract = contractOf(data);\n"
                   "console.log(JSON.stringify(cases.map((c) => checkState(c, base, facts, contract))));",
                   [cases, BASE, facts, page_data()])


def test_the_page_styles_runs_as_lesson_code_plot_does(tmp_path):
    """navigator-draw.js styleRuns and lesson_code's run_styles (plot.py's SVGs) give each
    run the same style: an optimizer looks the same in the navigator and in a cell's plot."""
    races = [["sgd", "momentum"], ["momentum", "momentum", "momentum", "momentum"],
             ["adam", "nesterov", "adam", "rmsprop", "nesterov"], ["unknown", "unknown", "sgd"]]
    page = in_node(tmp_path, {"navigator-url": ["contractOf"], "navigator-draw": ["styleRuns"]},
                   "const [races, data] = args;\n"
                   "console.log(JSON.stringify(races.map((names) =>"
                   " styleRuns(names.map((name) => ({ name })), contractOf(data)))));",
                   [races, page_data()])
    for names, styles in zip(races, page, strict=True):
        assert [(s["light"], s["dark"], tuple(s["dash"]), s["marker"]) for s in styles] \
            == [tuple(s) for s in run_styles(names)], names


def test_garbled_noise_seed_or_schedule_keeps_the_rest_with_a_message(tmp_path):
    cases = [{**case, "lr": 0.05} for case, _, _ in GARBLED]
    for (case, field, value), page in zip(GARBLED, run_check_state(tmp_path, cases), strict=True):
        assert page["messages"] == [], case
        assert page["fields"][field], case  # a sentence for the control of that field
        assert page["state"]["lr"] == 0.05, case  # the good field is applied
        got = page["state"][field]
        assert (got["name"] if isinstance(got, dict) else got) == value, case


def test_the_pre_python_picture_is_drawn_again_when_its_drawing_code_changes(tmp_path, monkeypatch):
    """The picture a navigator shows before Python is cached by what draws it. A change to
    navigator_hook.py (which draws it) must draw it anew, not serve the old picture: the
    legend taken out of it stayed in every cached one until the key included this file."""
    import pathlib
    monkeypatch.setattr(navigator_hook, "CACHE", tmp_path)
    spec = navigator_hook.check({"id": "cached", "lr": 0.1, "num_steps": 20})
    first, _ = navigator_hook.render_figure(spec)
    again, _ = navigator_hook.render_figure(spec)
    assert again == first and set(first) == {"light", "dark"}
    assert all(png.parent == tmp_path and png.is_file() for png in first.values())

    hook, read = pathlib.Path(navigator_hook.__file__).resolve(), pathlib.Path.read_bytes
    monkeypatch.setattr(pathlib.Path, "read_bytes", lambda self: read(self) + (
        b"\n# edited" if self.resolve() == hook else b""))
    edited, _ = navigator_hook.render_figure(spec)
    for theme in ("light", "dark"):
        assert edited[theme] != first[theme] and edited[theme].is_file(), theme
