"""Saved edits of cells when the browser's storage holds something else (issue 12 §3):
a damaged entry is repaired keeping what can be kept, the reader is told once, and the
next edit is saved; a browser that keeps nothing is not reported as having saved.
"""

import json

import pytest
from harness import check_axe, guarded_page
from test_cells import cell, open_cells, set_code

pytestmark = pytest.mark.browser


def reload(page):
    """Loads the page once more (open_cells would load it twice: the first load would
    repair the entry and tell, the second find nothing to tell)."""
    page.reload()
    page.wait_for_function("document.querySelectorAll('[data-cell-ready]').length === 6")


def state(page, n):
    return cell(page, n).locator(".ravine-cell__state").inner_text()


def store_key(page):
    return page.evaluate("'ravine:cells:' + location.pathname")


def put_raw(page, raw):
    page.evaluate("([key, raw]) => localStorage.setItem(key, raw)", [store_key(page), raw])


def stored(page):
    raw = page.evaluate("key => localStorage.getItem(key)", store_key(page))
    return None if raw is None else json.loads(raw)


def damage_notes(page):
    return page.get_by_text("saved edits on this page could not be read").count()


@pytest.mark.parametrize("raw", ["[]", '["print(1)"]', "{not json", "42", '"text"', "null"])
def test_a_corrupt_saved_edits_entry_is_reported_once_and_the_next_edit_is_saved(page, site_root, raw):
    open_cells(page, site_root)
    put_raw(page, raw)
    reload(page)
    if raw != "null":  # null reads as nothing saved: there is nothing to tell
        assert damage_notes(page) == 1
    set_code(page, 2, "print('mine')")
    page.wait_for_function("document.querySelectorAll('[data-ravine-cell]')[1].dataset.saved === 'true'")
    assert stored(page)["cell-2"]["code"] == "print('mine')"
    reload(page)
    assert damage_notes(page) == 0  # told once: the entry was repaired
    editor = cell(page, 2).get_by_role("textbox", name="Code of cell 2", exact=True)
    assert editor.inner_text() == "print('mine')"


def test_what_can_be_kept_of_a_damaged_entry_is_kept(page, site_root):
    open_cells(page, site_root)
    hash2 = cell(page, 2).get_attribute("data-hash")
    put_raw(page, json.dumps({"cell-1": 5, "cell-2": {"code": "print('kept')", "hash": hash2},
                              "cell-3": {"code": 7}, "loop": None}))
    reload(page)
    assert damage_notes(page) == 1
    editor = cell(page, 2).get_by_role("textbox", name="Code of cell 2", exact=True)
    assert editor.inner_text() == "print('kept')"
    assert list(stored(page)) == ["cell-2"]
    check_axe(page)


def test_a_browser_that_stores_nothing_is_not_reported_as_saved(browser, site_root):
    with guarded_page(browser, site_root) as page:
        page.context.add_init_script("Storage.prototype.setItem = function () {};")  # accepts, keeps nothing
        open_cells(page, site_root)
        set_code(page, 2, "print('mine')")
        page.wait_for_function("document.querySelectorAll('[data-ravine-cell]')[1].dataset.saved === 'false'")
        assert "does not let the page save your edit" in state(page, 2)
