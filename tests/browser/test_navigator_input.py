"""What a reader types, presses and links into the navigator, and what the page then
says and races (an audit of the built site, on the playground, optimizers/playground/).

- A value typed key by key is raced as it stands whenever its whole text is valid; a text
  the page refuses (or an unfinished one: "1e", "-") never leaves the race run at a prefix
  of it: the settings before the typing stay, and the race drawn, the slider, the caption,
  the map's label and the URL all say them.
- A refused field is marked invalid (aria-invalid="true", not "") and its message is its
  error message, in a polite live region, so a screen reader hears it.
- The scoreboard never shows a negative step or NaN, and says "paused" or "at the start"
  when nothing moves.
- A schedule with its own parameters is described with them everywhere; a refused part of
  a link is said in whole sentences and leaves the address bar.
"""

import re
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from test_navigator import HOLD_URL_WRITES, box, listen, wait_seen
from test_navigator_noise import ID, description, noise_box, open_playground, schedule_menu

pytestmark = pytest.mark.browser
NAV = f"#{ID}"

SETTLED = f"""() => {{ const n = document.querySelector('{NAV}').navigator;
    return !!n.result && !n.busy && !n.wanted; }}"""


def settled(page):
    """Waits until the navigator has drawn the newest race it asked for; returns that
    race's state."""
    page.wait_for_function(SETTLED, timeout=30_000)
    return page.evaluate(f"document.querySelector('{NAV}').navigator.result.state")


def url_fields(page):
    """The navigator's parameter in the address bar, as {key: text}; {} when absent."""
    text = parse_qs(urlsplit(page.url).query).get(f"nav-{ID}", [""])[0]
    return dict(part.split(":", 1) for part in text.split(";") if part)


def flush_url_writes(page):
    """Time passes: every debounced URL write still pending lands now (HOLD_URL_WRITES)."""
    page.evaluate("() => { for (const fire of heldUrlWrites.values()) fire(); }")


def field(nav, name):
    return noise_box(nav) if name == "Gradient noise" else box(nav, name)


def type_keys(page, control, text):
    """Replaces a box's text key by key, as a reader types, then leaves it with Tab."""
    control.focus()
    page.keyboard.press("ControlOrMeta+a")
    control.press_sequentially(text)
    page.keyboard.press("Tab")


def reader_view(nav):
    """What the reader sees of the race: the scoreboard, the map's label, the sliders and
    the caption's "Now racing" line (None while it is hidden)."""
    now = nav.locator(".navigator-now")
    return {"scoreboard": nav.get_by_role("status", name="Scoreboard").inner_text(),
            "map": nav.get_by_role("img", name="contour map").get_attribute("aria-label"),
            "lr slider": nav.get_by_role("slider", name="Learning rate").get_attribute("aria-valuetext"),
            "beta slider": nav.get_by_role("slider", name="Momentum β").get_attribute("aria-valuetext"),
            "now racing": now.inner_text() if now.is_visible() else None}


# (the box, what is typed, the message) — each text is refused, and a prefix of it is not
REFUSED = [
    ("Learning rate value", "1e9", "η must be from 0.0001 to 10."),
    ("Learning rate value", "0.5e", "Type a number for η"),
    ("Momentum β value", "-0.5", "β cannot be negative."),
    ("Momentum β value", "0.95.", "Type a number for β"),
    ("Start x", "-11", "Start x must be inside the plot"),
    ("Start x", "1e9", "Start x must be inside the plot"),
    ("Start y", "33", "Start y must be inside the plot"),
    ("Steps", "1.5", "Steps must be a whole number from 1 to 5000."),
    ("Steps", "50000", "Steps must be a whole number from 1 to 5000."),
    ("Gradient noise", "1e9", "σ must be at most 100."),
]


@pytest.mark.parametrize("name, text, words", REFUSED, ids=[f"{n}={t}" for n, t, _ in REFUSED])
def test_a_refused_typed_value_leaves_the_race_that_was_there(page, site_root, name, text, words):
    nav = open_playground(page, site_root)
    before = settled(page)
    view = reader_view(nav)
    page.evaluate(HOLD_URL_WRITES)
    control = field(nav, name)
    type_keys(page, control, text)
    assert words in description(page, control.element_handle())
    if name != "Gradient noise":  # a number box holds no text that is not a number
        assert control.input_value() == text  # the reader's text stays, to be corrected
    assert settled(page) == before, "the race drawn is not the one of the settings in place"
    assert reader_view(nav) == view
    flush_url_writes(page)
    fields = url_fields(page)
    if fields:  # the address shares the race drawn
        assert (fields["lr"], fields["b"], fields["x"], fields["y"], fields["n"], fields["noise"]) == tuple(
            str(v) for v in (before["lr"], before["beta"], *before["start"], before["num_steps"], before["noise"]))


def test_a_valid_value_is_raced_as_typed_and_a_refused_one_goes_back_to_the_settings_before(page, site_root):
    """Live typing is kept: each whole valid text is raced at once, the slider with it; a
    refused text at the end brings back what was there before the typing began."""
    nav = open_playground(page, site_root)
    before = settled(page)
    lr = box(nav, "Learning rate value")
    lr.focus()
    page.keyboard.press("ControlOrMeta+a")
    lr.press_sequentially("0.02")
    assert settled(page)["lr"] == 0.02
    assert nav.get_by_role("slider", name="Learning rate").get_attribute("aria-valuetext") == "η = 0.02"
    assert "η = 0.02" in nav.locator(".navigator-now").inner_text()
    lr.press_sequentially("e")  # "0.02e": not a number; the settings before the typing return
    assert settled(page)["lr"] == before["lr"]
    lr.press("Backspace")  # "0.02" again: raced again
    assert settled(page)["lr"] == 0.02
    page.keyboard.press("Tab")
    assert settled(page)["lr"] == 0.02
    page.wait_for_function("location.search.includes('lr:0.02')")
    # a later refusal goes back to 0.02, the value committed since
    type_keys(page, lr, "1e9")
    assert settled(page)["lr"] == 0.02
    assert nav.get_by_role("slider", name="Learning rate").get_attribute("aria-valuetext") == "η = 0.02"
    assert "lr:0.02" in page.url


def test_a_slider_key_steps_from_the_raced_value_not_from_refused_text(page, site_root):
    nav = open_playground(page, site_root)
    settled(page)
    type_keys(page, box(nav, "Learning rate value"), "1e9")
    settled(page)
    nav.get_by_role("slider", name="Learning rate").press("ArrowRight")  # one notch above 0.05
    assert settled(page)["lr"] == pytest.approx(0.053)
    assert box(nav, "Learning rate value").input_value() == "0.053"
    type_keys(page, box(nav, "Momentum β value"), "-0.5")
    settled(page)
    nav.get_by_role("slider", name="Momentum β").press("ArrowRight")  # one notch above 0.9
    assert settled(page)["beta"] == pytest.approx(0.91)
    assert box(nav, "Momentum β value").input_value() == "0.91"


def invalid_as_read(page, control):
    """aria-invalid as Chromium's accessibility tree reads it: "true", "false", ..."""
    cdp = page.context.new_cdp_session(page)
    try:
        found = cdp.send("Runtime.evaluate", {"expression": f"document.getElementById({control.get_attribute('id')!r})"})
        node = cdp.send("Accessibility.getPartialAXTree", {"objectId": found["result"]["objectId"],
                                                           "fetchRelatives": False})["nodes"][0]
        return next((p["value"]["value"] for p in node.get("properties", []) if p["name"] == "invalid"), "false")
    finally:
        cdp.detach()


def assert_announced(page, control, words):
    """control is invalid as Chromium reads it, and the message is its error message,
    part of its description, in a polite live region."""
    assert control.get_attribute("aria-invalid") == "true"
    assert invalid_as_read(page, control) == "true"
    ref = control.get_attribute("aria-errormessage")
    assert ref, "no aria-errormessage"
    message = page.locator(f"#{ref}")
    assert words in message.inner_text()
    assert ref in (control.get_attribute("aria-describedby") or "").split()
    assert message.evaluate("m => m.closest('[aria-live=polite], [role=status]') !== null"), "not announced"


def assert_valid_again(page, control):
    assert control.get_attribute("aria-invalid") is None
    assert invalid_as_read(page, control) == "false"


# (the control, a refused text, its message, a valid text)
FIELDS = [
    ("Learning rate value", "abc", "Type a number for η", "0.1"),
    ("Momentum β value", "2", "β must be below 1", "0.5"),
    ("Start x", "500", "Start x must be inside the plot", "-7"),
    ("Start y", "abc", "Type a number for Start y", "1.5"),
    ("Steps", "0", "Steps must be a whole number", "120"),
    ("Gradient noise", "-1", "σ cannot be negative", "0.2"),
]


@pytest.mark.parametrize("name, bad, words, good", FIELDS, ids=[f[0] for f in FIELDS])
def test_a_field_error_is_marked_invalid_and_announced(page, site_root, name, bad, words, good):
    nav = open_playground(page, site_root)
    control = field(nav, name)
    control.fill(bad)
    control.press("Enter")
    assert_announced(page, control, words)
    control.fill(good)
    control.press("Enter")
    assert_valid_again(page, control)
    assert words not in description(page, control.element_handle())


def test_the_schedule_and_optimizers_messages_are_announced(page, site_root):
    nav = open_playground(page, site_root, f"?nav-{ID}=sched:bogus")
    menu = schedule_menu(nav)
    assert_announced(page, menu, "Unknown learning-rate schedule")
    menu.select_option("step")
    assert_valid_again(page, menu)
    # the last optimizer cannot be left out: said, in the group's live message
    group = nav.get_by_role("group", name="Optimizers")
    for label in ["GD", "Momentum", "Nesterov", "RMSProp"]:
        group.get_by_role("checkbox", name=label, exact=True).uncheck()
    group.get_by_role("checkbox", name="Adam", exact=True).click()
    message = group.locator(".navigator-msg")
    assert "Keep at least one optimizer" in message.inner_text()
    assert message.evaluate("m => m.closest('[aria-live=polite], [role=status]') !== null")
    assert message.get_attribute("id") in group.get_attribute("aria-describedby").split()


# Records every scoreboard text with NaN or a negative step, from now on.
WATCH_SCOREBOARD = """(board) => { window.badScores = [];
    new MutationObserver(() => { const text = board.innerText;
        if (/NaN|step -\\d|step −\\d/.test(text)) window.badScores.push(text); })
    .observe(board, {subtree: true, childList: true, characterData: true}); }"""
# Clicks Run in the first task after an animation frame has begun and its frame time has
# passed, as a reader's click lands on a busy page: the next frame's time is then earlier
# than the moment Run was pressed.
LATE_CLICK = """(run) => new Promise((done) => requestAnimationFrame((t) => {
    while (performance.now() < t + 20) {}
    run.click(); done(); }))"""


def test_the_scoreboard_never_shows_a_negative_step_or_nan(page, site_root):
    nav = open_playground(page, site_root)
    board = nav.get_by_role("status", name="Scoreboard")
    page.evaluate(WATCH_SCOREBOARD, board.element_handle())
    run = nav.get_by_role("button", name="Run", exact=True)
    for _ in range(6):  # Run, Pause, Reset, as the auditor pressed them
        run.evaluate(LATE_CLICK)
        page.wait_for_function(f"document.querySelector('{NAV}').navigator.shown > 0")
        nav.get_by_role("button", name="Pause", exact=True).click()
        nav.get_by_role("button", name="Reset", exact=True).click()
    assert page.evaluate("window.badScores") == []


def test_the_scoreboard_says_paused_and_at_the_start_when_nothing_moves(page, site_root):
    nav = open_playground(page, site_root)
    board = nav.get_by_role("status", name="Scoreboard")
    nav.get_by_role("button", name="Run", exact=True).click()
    page.wait_for_function(f"() => {{ const n = document.querySelector('{NAV}').navigator;"
                           " return n.animating && n.shown >= 20; }")
    assert "running…" in board.inner_text()
    nav.get_by_role("button", name="Pause", exact=True).click()
    # a run that has not ended says it is paused (one that ended says how it ended)
    text = board.inner_text()
    assert "paused" in text and "running" not in text, text
    nav.get_by_role("button", name="Reset", exact=True).click()
    lines = list(scores_of(board).values())
    assert all("step 0," in line and "at the start" in line and "running" not in line for line in lines), lines
    nav.get_by_role("button", name="Step", exact=True).click()
    lines = list(scores_of(board).values())
    assert all("step 1," in line and "paused" in line and "running" not in line for line in lines), lines
    listen(page, "navigator:finished", NAV)
    nav.get_by_role("button", name="Run", exact=True).click()
    wait_seen(page, "navigator:finished")
    assert not re.search("paused\\.|at the start\\.|running…", board.inner_text())


def scores_of(board):
    return {li.locator("strong").inner_text(): li.inner_text() for li in board.locator("li").all()}


def selected_text(menu):
    return menu.evaluate("s => s.selectedOptions[0].textContent")


@pytest.mark.parametrize("link, words, default", [
    ("sched:step_every10_factor0.9", "η × 0.9 every 10 steps", "η × 0.5 every 100 steps"),
    ("sched:exponential_gamma0.5", "η × 0.5^t", "η × 0.99^t"),
])
def test_a_schedule_from_a_link_is_described_as_it_is_raced(page, site_root, link, words, default):
    nav = open_playground(page, site_root, f"?nav-{ID}={link}")
    settled(page)
    view = reader_view(nav)
    assert f"Learning-rate schedule: {words}." in view["scoreboard"]
    assert f"learning-rate schedule {words}" in view["now racing"]
    assert f"learning-rate schedule {words}" in view["map"]
    menu = schedule_menu(nav)
    assert selected_text(menu) == words
    assert default not in nav.inner_text()
    # chosen again from the menu, the schedule is the registry's own, and said so
    menu.select_option("constant")
    settled(page)
    menu.select_option(scheduled := link.split(":")[1].split("_")[0])
    assert settled(page)["schedule"] == scheduled
    assert selected_text(menu) == default
    assert f"Learning-rate schedule: {default}." in reader_view(nav)["scoreboard"]
    assert words not in nav.inner_text()


def test_a_schedule_lesson_code_refuses_in_a_link_is_said_in_sentences_and_leaves_the_address(page, site_root):
    nav = open_playground(page, site_root, f"?nav-{ID}=lr:0.02;sched:step_every0_factor-1")
    menu = schedule_menu(nav)
    nav.get_by_text("lesson_code refused this race").wait_for()
    state = settled(page)
    said = description(page, menu)
    assert re.search(r"got 0\. Used the page's own setting instead\.", said), said
    assert (state["lr"], state["schedule"]) == (0.02, "constant")
    fields = url_fields(page)
    assert (fields["lr"], fields["sched"]) == ("0.02", "constant"), page.url
    nav.get_by_role("button", name="Run", exact=True).click()
    assert url_fields(page)["sched"] == "constant"


def test_a_link_the_page_corrects_leaves_the_address_with_what_is_raced(page, site_root):
    nav = open_playground(page, site_root, f"?nav-{ID}=x:1e9;noise:NaN;zz:1;n:2.5")
    assert "Start x = 1000000000 is outside" in nav.locator(".navigator-general").inner_text()
    state = settled(page)
    assert (state["start"], state["noise"], state["num_steps"]) == ([10, 2], 0, 3)
    fields = url_fields(page)
    assert (fields["x"], fields["noise"], fields["n"]) == ("10", "0", "3") and "zz" not in fields, page.url


def test_a_race_lesson_code_refuses_after_a_link_leaves_the_race_drawn_in_every_word(page, site_root):
    """A navigator:set lesson_code refuses once a race is drawn: the last race stays, and
    the menu, the caption and the address say that race, not the refused one."""
    nav = open_playground(page, site_root)
    before = settled(page)
    view = reader_view(nav)
    page.evaluate(f"""() => document.querySelector('{NAV}').dispatchEvent(new CustomEvent('navigator:set',
        {{detail: {{schedule: {{name: 'step', every: 0}}}}}}))""")
    nav.get_by_text("The last race stays drawn.").wait_for()
    assert settled(page) == before
    assert schedule_menu(nav).input_value() == "constant"
    assert reader_view(nav) == view
    assert url_fields(page).get("sched", "constant") == "constant"


def test_one_step_is_singular(page, site_root):
    nav = open_playground(page, site_root)
    steps = box(nav, "Steps")
    steps.fill("1")
    steps.press("Enter")
    page.wait_for_function(f"document.querySelector('{NAV}').navigator.result?.state.num_steps === 1")
    settled(page)
    view = reader_view(nav)
    assert view["now racing"].endswith(", 1 step."), view["now racing"]
    assert ", 1 step:" in view["map"], view["map"]
    # lesson_code's own words for a schedule over one step
    nav = open_playground(page, site_root, f"?nav-{ID}=n:1;sched:cosine")
    settled(page)
    assert "Learning-rate schedule: cosine over 1 step." in reader_view(nav)["scoreboard"]


HIDDEN = re.compile("[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")


def test_a_bidi_override_in_a_linked_name_is_shown_not_applied_or_dropped(page, site_root):
    nav = open_playground(page, site_root, f"?nav-{ID}=l:{quote(chr(0x202e))}bowl;o:sgd{quote(chr(0x200b))}")
    message = nav.locator(".navigator-general").inner_text()
    assert 'Unknown landscape "\\u202ebowl"' in message, message
    assert 'Unknown optimizer "sgd\\u200b"' in message, message
    assert not HIDDEN.search(message), ascii(message)
