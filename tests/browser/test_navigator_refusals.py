"""A race lesson_code refuses: the navigator shows the message beside the control
of the field the refusal names (ArgumentError.field), whatever its words.

The test rewrites a validator inside the page's own Python worker so that it
refuses with new words (which name other controls on purpose), then changes a
control so the navigator asks for a race, and finds the words beside the
control of the field, and nowhere else.
"""

import pytest
from test_navigator import box, open_harness, type_into

pytestmark = pytest.mark.browser

WORDS = "Reworded: this sentence names beta, start, steps and landscape, not η."

# Run in the page's worker: from now on `module.name` refuses with WORDS and `field`.
REWORD = """
import {module} as _module
from lesson_code.errors import ArgumentError as _ArgumentError

def _refuse(*args, **kwargs):
    raise _ArgumentError({words!r}, {field!r})

_module.{name} = _refuse
"""

EXEC_IN_WORKER = """async (source) => {
    const {getPython} = await import(new URL("../../assets/js/python.js", location).href);
    return await getPython().send("exec", {page: "refusal-test", cell: "cell 1", source});
}"""


def control(nav, name):
    """A text box, or the select "Landscape", by its accessible name."""
    return nav.get_by_role("combobox", name="Landscape") if name == "Landscape" else box(nav, name)


def message_of(nav, name):
    """The message element beside a control: a text box or the landscape menu (by its
    accessible name, through aria-describedby) or the group "Optimizers"."""
    if name == "Optimizers":
        return nav.get_by_role("group", name="Optimizers").locator(".navigator-msg")
    return nav.page.locator(f"#{control(nav, name).get_attribute('aria-describedby').split()[-1]}")


PLACES = ["Learning rate value", "Momentum β value", "Start x", "Optimizers", "Landscape"]


@pytest.mark.parametrize("module, name, field, typed, place", [
    ("lesson_code.optimizers", "check_lr", "lr",
     ("Learning rate value", "0.15"), "Learning rate value"),
    ("lesson_code.optimizers", "check_beta", "beta",
     ("Momentum β value", "0.8"), "Momentum β value"),
    ("lesson_code.browser", "check_point", "start", ("Start x", "-7"), "Start x"),
    ("lesson_code.browser", "check_steps", "num_steps", ("Steps", "120"), "Start x"),
    ("lesson_code.browser", "_landscape", "landscape", ("Start x", "-7"), "Landscape"),
    # the field, not the function that raised nor the words, decides the place:
    ("lesson_code.optimizers", "check_lr", "optimizers",
     ("Learning rate value", "0.15"), "Optimizers"),
    ("lesson_code.optimizers", "check_lr", "noise",
     ("Learning rate value", "0.15"), None),
])
def test_a_refusal_is_shown_beside_the_control_of_its_field(page, site_root, module, name,
                                                           field, typed, place):
    nav = open_harness(page, site_root)
    source = REWORD.format(module=module, name=name, words=WORDS, field=field)
    reply = page.evaluate(EXEC_IN_WORKER, source)
    assert reply["ok"], reply
    type_into(nav, *typed)
    general = nav.locator(".navigator-general")
    shown = general if place is None else message_of(nav, place)
    shown.get_by_text(WORDS, exact=False).wait_for(timeout=30_000)
    if place not in (None, "Optimizers"):
        # the box at fault is marked invalid, with the message as its error message
        at_fault = control(nav, "Steps" if field == "num_steps" else place)
        assert at_fault.get_attribute("aria-invalid") == "true"
        assert at_fault.get_attribute("aria-errormessage") == message_of(nav, place).get_attribute("id")
        assert message_of(nav, place).get_attribute("aria-live") == "polite"
    for other in PLACES + [None]:
        if other != place:
            where = general if other is None else message_of(nav, other)
            assert WORDS not in where.inner_text(), other
