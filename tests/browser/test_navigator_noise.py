"""Noisy gradients and learning-rate schedules in the navigator, as a reader meets them on
the playground: the number box "Gradient noise" (σ), the button "New noise" (a new seed,
and a run) and the select "Learning-rate schedule".

The page computes its races in Pyodide; here the same race is run in CPython with
lesson_code, from the state read back from the page's URL, and every final loss must be
the same float. "Copy as Python", executed here, gives the same numbers again.

Bit for bit holds where every operation is IEEE-exact in both: the noise sampler's
math.log (glibc here, musl in Pyodide) differs in the last bit for about 3 inputs in
20,000, so about one seed in ten gives a race a last-bit apart; the cosine and warm-up
schedules (math.cos) and exponential decay (pow) differ likewise. So the test pins the
seed "New noise" draws (Math.random) to one whose race agrees, and races the inverse-time
schedule, 1/(1 + k t), exact arithmetic.
"""

import contextlib
import io
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from harness import check_axe, open_context
from test_navigator import listen as listen_to
from test_navigator import loss_in, scores, seen, wait_seen, wait_state

from lesson_code import get_landscape, make_optimizer, race

PAGE = "optimizers/playground/"
ID = "playground-navigator"
pytestmark = pytest.mark.browser


def open_playground(page, site_root, query=""):
    page.goto(site_root + PAGE + query)
    page.locator(f"#{ID}.navigator-live").wait_for(timeout=60_000)
    return page.locator(f"#{ID}")


def listen(page, event):
    """Collects the detail of every `event` the playground's navigator dispatches."""
    listen_to(page, event, f"#{ID}")


def noise_box(nav):
    return nav.get_by_role("spinbutton", name="Gradient noise")


def schedule_menu(nav):
    return nav.get_by_role("combobox", name="Learning-rate schedule")


def description(page, element):
    """The accessible description: the text of every element aria-describedby names."""
    ids = element.get_attribute("aria-describedby").split()
    return " ".join(page.locator(f"#{i}").text_content() for i in ids)


def url_state(url):
    """The navigator's state as the URL holds it (its own small format, read here)."""
    text = parse_qs(urlsplit(url).query)[f"nav-{ID}"][0]
    fields = dict(part.split(":", 1) for part in text.split(";") if part)
    assert "r" not in fields  # one η and β for every run in these tests
    schedule = fields["sched"]
    assert re.fullmatch(r"[a-z-]+", schedule)  # a schedule by its name, at its defaults
    return {"landscape": fields["l"], "lr": float(fields["lr"]), "beta": float(fields["b"]),
            "start": (float(fields["x"]), float(fields["y"])), "optimizers": fields["o"].split("~"),
            "num_steps": int(fields["n"]), "noise": float(fields["noise"]), "seed": int(fields["seed"]),
            "schedule": schedule}


def cpython_race(state):
    """The race of a URL state, run here with lesson_code: momentum and Nesterov take β."""
    opts = [make_optimizer(name, lr=state["lr"],
                           **({"beta": state["beta"]} if name in ("momentum", "nesterov") else {}))
            for name in state["optimizers"]]
    return race(opts, get_landscape(state["landscape"]), state["start"], state["num_steps"],
                noise=state["noise"], seed=state["seed"], schedule=state["schedule"])


def assert_page_is(nav, finished, expected):
    """The finished race (event detail) and the scoreboard equal the CPython runs."""
    assert [r["label"] for r in finished["runs"]] == [t.label for t in expected]
    for run, traj in zip(finished["runs"], expected):
        assert run["loss"] == traj.losses[-1], run["label"]  # the same float, bit for bit
        assert (run["status"], run["step"], run["message"]) == (traj.status, traj.step, traj.message)
    lines = scores(nav)
    for traj in expected:
        assert traj.message in lines[traj.label]
        assert loss_in(lines[traj.label]) == pytest.approx(traj.losses[-1], rel=6e-3, abs=1e-12)


def finish(page, nav, count):
    nav.get_by_role("button", name="Run", exact=True).click()
    return wait_seen(page, "navigator:finished", count, timeout=60_000)[-1]


def test_noise_new_noise_and_a_schedule_race_as_in_cpython(browser, site_root):
    # reduced motion: the races' results, not their animation (harness.without_motion)
    context, guard = open_context(browser, site_root, reduced_motion="reduce")
    # no clipboard here: Copy as Python shows its code in a text box instead
    context.add_init_script("Object.defineProperty(navigator, 'clipboard', {value: {writeText: () =>"
                            " Promise.reject(new Error('no clipboard'))}})")
    # New noise draws its seed with Math.random: pinned, so the seed is 250,000,000
    context.add_init_script("Math.random = () => 0.25;")
    page = context.new_page()
    nav = open_playground(page, site_root)
    assert noise_box(nav).input_value() == "0"
    assert schedule_menu(nav).input_value() == "constant"
    listen(page, "navigator:finished")
    listen(page, "navigator:result")

    # Gradient noise σ = 0.5, then Run: the seed is the page's own (0)
    noise_box(nav).fill("0.5")
    noise_box(nav).press("Enter")
    page.wait_for_function("window.seen['navigator:result'].some((d) => d.state.noise === 0.5)")
    first = finish(page, nav, 1)
    assert first["state"]["noise"] == 0.5 and first["state"]["seed"] == 0
    page.wait_for_function("location.search.includes('noise:0.5')")
    assert_page_is(nav, first, cpython_race(url_state(page.url)))
    board = nav.get_by_role("status", name="Scoreboard").inner_text()
    assert "Gradient noise σ = 0.5 (seed 0)" in board

    # New noise: another seed, and the race runs again by itself
    nav.get_by_role("button", name="New noise").click()
    second = wait_seen(page, "navigator:finished", 2, timeout=60_000)[-1]
    seed = second["state"]["seed"]
    assert seed == 250_000_000 and second["state"]["noise"] == 0.5
    page.wait_for_function("seed => location.search.includes(`seed:${seed}`)", arg=seed)
    state = url_state(page.url)
    assert state["seed"] == seed
    renoised = cpython_race(state)
    assert_page_is(nav, second, renoised)
    assert [r["loss"] for r in second["runs"]] != [r["loss"] for r in first["runs"]]
    assert f"seed {seed}" in nav.get_by_role("status", name="Scoreboard").inner_text()

    # a learning-rate schedule, by its label from lesson_code, then Run
    schedule_menu(nav).select_option(label="η / (1 + 0.01 t)")
    page.wait_for_function("location.search.includes('sched:inverse-time')")
    third = finish(page, nav, 3)
    assert third["state"]["schedule"] == "inverse-time" and third["state"]["seed"] == seed
    state = url_state(page.url)
    assert (state["noise"], state["seed"], state["schedule"]) == (0.5, seed, "inverse-time")
    expected = cpython_race(state)
    assert_page_is(nav, third, expected)
    board = nav.get_by_role("status", name="Scoreboard").inner_text()
    assert "Learning-rate schedule: η / (1 + 0.01 t)" in board
    label = nav.get_by_role("img", name="contour map").get_attribute("aria-label")
    assert "gradient noise σ = 0.5" in label and "learning-rate schedule η / (1 + 0.01 t)" in label

    # Copy as Python, run here in CPython: the same final numbers
    nav.get_by_role("button", name="Copy as Python").click()
    area = nav.get_by_role("textbox", name="Python code for this race")
    area.wait_for()
    namespace = {}
    with contextlib.redirect_stdout(io.StringIO()) as out:
        exec(area.input_value(), namespace)
    assert [t.losses[-1] for t in namespace["runs"]] == [t.losses[-1] for t in expected]
    assert [t.message for t in namespace["runs"]] == [t.message for t in expected]
    assert f"{expected[0].label}: {expected[0].message}" in out.getvalue()

    # the URL keeps noise, seed and schedule: a reload races the same
    url, board = page.url, scores(nav)
    nav = open_playground(page, site_root, "?" + urlsplit(url).query)
    assert noise_box(nav).input_value() == "0.5"
    assert schedule_menu(nav).input_value() == "inverse-time"
    assert f"seed {seed}" in nav.locator(f"#{ID}-seed").inner_text()
    listen(page, "navigator:finished")
    reloaded = finish(page, nav, 1)
    assert_page_is(nav, reloaded, expected)
    assert scores(nav) == board
    check_axe(page)
    context.close()
    guard.check()


def test_a_garbled_link_gets_messages_beside_the_controls_and_keeps_the_rest(page, site_root):
    nav = open_playground(page, site_root, f"?nav-{ID}=lr:0.05;noise:-2;sched:bogus")
    assert "outside" in description(page, noise_box(nav)) and "Gradient noise" in description(page, noise_box(nav))
    assert "Unknown learning-rate schedule" in description(page, schedule_menu(nav))
    assert noise_box(nav).input_value() == "0" and schedule_menu(nav).input_value() == "constant"
    assert nav.get_by_role("textbox", name="Learning rate value").input_value() == "0.05"
    # the race is drawn and the page answers: a change is raced at once
    schedule_menu(nav).select_option("step")
    detail = wait_state(page, f"#{ID}", schedule="step")
    assert detail["state"]["lr"] == 0.05
    assert "Unknown" not in description(page, schedule_menu(nav))


def test_a_link_with_noise_that_is_not_a_number_or_a_schedule_lesson_code_refuses(page, site_root):
    nav = open_playground(page, site_root, f"?nav-{ID}=noise:NaN;seed:5;sched:step_every0")
    assert "not a number" in description(page, noise_box(nav))
    # every = 0 passes the page's check (a number) and lesson_code refuses it: the page
    # says so beside the schedule and races its own schedule instead
    page.wait_for_function(f"document.querySelector('#{ID}').navigator.result !== null")
    assert "lesson_code refused" in description(page, schedule_menu(nav))
    assert schedule_menu(nav).input_value() == "constant"
    assert nav.locator(f"#{ID}-seed").inner_text() == "seed 5"


def test_typed_negative_noise_is_refused_beside_the_box_and_changes_nothing(page, site_root):
    nav = open_playground(page, site_root)
    listen(page, "navigator:result")
    noise_box(nav).fill("-1")
    noise_box(nav).press("Enter")
    assert "cannot be negative" in description(page, noise_box(nav))
    assert noise_box(nav).get_attribute("aria-invalid") is not None
    assert all(d["state"]["noise"] == 0 for d in seen(page, "navigator:result"))
    noise_box(nav).fill("0.2")
    noise_box(nav).press("Enter")
    page.wait_for_function("window.seen['navigator:result'].some((d) => d.state.noise === 0.2)")
    assert "cannot be negative" not in description(page, noise_box(nav))
