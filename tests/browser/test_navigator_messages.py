"""What the navigator says about its own input: navigator:set events and links (issue 12
§3) and failures (issue 15), on its harness page docs/dev/navigator.md.

Messages echo text from the URL: they must stay short, readable and free of characters
that reorder or hide text; every change the page makes to a value is said.
"""

import re
from urllib.parse import quote

import pytest
from harness import guarded_page, wait_python_failed
from test_navigator import box, listen, open_harness, wait_seen

PAGE = "dev/navigator/"
pytestmark = pytest.mark.browser

# Bidi controls and marks, C0/C1 controls, zero-width and line/paragraph separators.
HIDDEN = re.compile("[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")


def general(nav):
    return nav.locator(".navigator-general").inner_text()


def test_navigator_set_without_a_detail_sets_up_the_declared_race(page, site_root):
    nav = open_harness(page, site_root)
    box(nav, "Steps").fill("100")
    box(nav, "Steps").press("Enter")
    # the 100-step race back first, so the next result seen is the event's
    page.wait_for_function("document.querySelector('#harness').navigator.result?.state.num_steps === 100")
    listen(page, "navigator:result")
    page.evaluate("document.querySelector('#harness').dispatchEvent(new CustomEvent('navigator:set'))")
    detail = wait_seen(page, "navigator:result")[0]
    assert detail["state"]["num_steps"] == 300  # the declared race, as with an empty detail
    assert general(nav) == ""
    # A detail that is not an object is refused in words, and the race stays sane.
    page.evaluate("document.querySelector('#harness').dispatchEvent("
                  "new CustomEvent('navigator:set', {detail: 'fast'}))")
    assert "not an object" in general(nav)


def test_text_from_the_link_is_shown_without_direction_or_control_characters(page, site_root):
    evil = "\u202egpj.exe\u202c\u200f\u0007\u2066x\u2069"
    nav = open_harness(page, site_root, f"?nav-harness=l:{quote(evil)};o:{quote(evil)};{quote(evil)}:1")
    message = general(nav)
    assert "Unknown landscape" in message and "Unknown optimizer" in message and "Ignored" in message
    # each one written as its escape: it neither acts on the message nor vanishes from it
    assert '"\\u202egpj.exe\\u202c\\u200f\\u0007\\u2066x\\u2069"' in message, message
    assert not HIDDEN.search(message), ascii(message)


def test_a_rounded_step_count_is_said(page, site_root):
    nav = open_harness(page, site_root, "?nav-harness=n:2.5")
    assert "Steps = 2.5 is not a whole number; used 3." in general(nav)
    assert box(nav, "Steps").input_value() == "3"


def test_many_junk_keys_in_the_link_give_one_short_summary(page, site_root):
    junk = ";".join(f"k{i}" for i in range(120))  # within the 600 characters a link may use
    nav = open_harness(page, site_root, f"?nav-harness={junk};o:{'~'.join(f'q{i}' for i in range(20))}")
    message = general(nav)
    assert len(message) < 400, message
    assert "Ignored 120 settings" in message and '"k0"' in message
    assert "20 unknown optimizers" in message


def test_one_failure_gives_one_error_line(browser, site_root):
    with guarded_page(browser, site_root, python=False) as page:
        page.goto(site_root + PAGE)
        nav = page.locator("#harness")
        wait_python_failed(nav)
        # Let any call made before the failure come back before counting what is shown.
        page.wait_for_function("document.documentElement.dataset.python === 'error'")
        page.evaluate("new Promise(r => setTimeout(r, 0))")
        lines = [t for t in nav.locator(".navigator-msg, [data-nav-loading]").all_inner_texts()
                 if "Python" in t]
        assert len(lines) == 1, lines
