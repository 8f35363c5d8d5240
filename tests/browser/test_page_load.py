"""What loading a page costs after its HTML: Material's start-up must not make Chromium
load the page's stylesheets again once the body is read (each time restyles every element,
and KaTeX's fonts load again: scripts/mkdocs_hooks.py ABSOLUTE_SHEETS)."""

import pytest
from harness import open_context

# Runs before the page's scripts: records every change of a stylesheet link's href, and
# whether the page's body had been read then.
OBSERVE = """
window.__sheetChanges = [];
new MutationObserver((records) => {
  for (const r of records) {
    if (r.target.matches('link[rel="stylesheet"]')) {
      window.__sheetChanges.push({from: r.oldValue, to: r.target.getAttribute('href'),
                                  bodyRead: Boolean(document.body && document.body.childElementCount)});
    }
  }
}).observe(document, {subtree: true, attributes: true, attributeFilter: ['href'], attributeOldValue: true});
"""

# Material's instant navigation has started: it makes the header logo's href absolute.
INSTANT_STARTED = """() => /^https?:\\/\\//.test(
  document.querySelector('.md-header__button.md-logo').getAttribute('href'))"""


@pytest.mark.browser
@pytest.mark.parametrize("path", ["", "optimizers/momentum/"])
def test_stylesheets_are_loaded_once_before_the_body_is_read(browser, site_root, path):
    context, guard = open_context(browser, site_root)
    try:
        context.add_init_script(OBSERVE)
        page = context.new_page()
        page.goto(site_root + path)
        page.wait_for_function(INSTANT_STARTED)
        changes = page.evaluate("window.__sheetChanges")
        sheets = page.evaluate("""[...document.querySelectorAll('link[rel="stylesheet"]')]
                                  .map((link) => link.getAttribute('href'))""")
    finally:
        context.close()
    guard.check()
    assert len(sheets) >= 4 and all(href.startswith(site_root) for href in sheets), sheets
    # each sheet's href made absolute once, while only the head had been read
    assert sorted(change["to"] for change in changes) == sorted(sheets), changes
    assert not [change for change in changes if change["bodyRead"]], changes
