"""The lab at 375 px (issue 15): code and printed tables keep their lines and scroll
sideways (a wrapped Python line makes its indentation ambiguous), each scrolling region
is reachable by keyboard, and the page itself never scrolls sideways."""

import json

import pytest
from harness import check_axe, guarded_page
from paths import BUILD

pytestmark = pytest.mark.browser
REGIONS = ".ravine-lab .highlight-ipynb pre, .ravine-lab .jp-OutputArea-output pre"


def test_lab_code_scrolls_sideways_and_the_keyboard_reaches_it(browser, site_root):
    with guarded_page(browser, site_root, viewport={"width": 375, "height": 740},
                      has_touch=True, is_mobile=True) as page:
        page.goto(site_root + "optimizers/lab/")
        regions = page.locator(REGIONS)
        assert regions.count() > 5
        styles = regions.evaluate_all("els => els.map(e => getComputedStyle(e).whiteSpace)")
        assert set(styles) == {"pre"}, set(styles)
        page.wait_for_function("""sel => [...document.querySelectorAll(sel)]
            .filter(e => e.scrollWidth > e.clientWidth + 1).every(e => e.tabIndex === 0 && e.getAttribute('aria-label'))""",
                               arg=REGIONS)
        wide = regions.evaluate_all("els => els.filter(e => e.scrollWidth > e.clientWidth + 1).length")
        assert wide >= 1, "at 375 px some code is wider than the column"
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        check_axe(page)
        first = page.locator(REGIONS).and_(page.locator("[tabindex='0']")).first
        first.focus()
        page.keyboard.press("ArrowRight")
        page.wait_for_function("el => el.scrollLeft > 0", arg=first.element_handle())


# Every computed property (custom properties aside: one that nothing uses styles nothing)
# of every element of the page, and of its ::before and ::after where they are drawn.
STYLES = """() => [...document.querySelectorAll('*')].flatMap((el, i) => [null, '::before', '::after'].map(pseudo => {
  const style = getComputedStyle(el, pseudo);
  if (pseudo && style.content === 'none') return `${i}${pseudo} none`;
  return `${i}${pseudo ?? ''} ${el.localName}.${el.className}: ` +
    [...style].filter(p => !p.startsWith('--')).map(p => `${p}=${style.getPropertyValue(p)}`).join(';');
}))"""

# Fonts in, and no transition running (Material's colours and header ease in as it loads).
SETTLED = "document.fonts.status === 'loaded' && document.getAnimations().every(a => a.playState !== 'running')"
# The styles once two snapshots a frame apart agree: on a busy machine the page may still
# be settling after SETTLED (the header's margins were once caught mid-change). A style
# that the sheets change stays changed, so it is still found.
STABLE = f"""async () => {{
  const snapshot = {STYLES};
  let last = snapshot();
  for (let tries = 0; tries < 20; tries++) {{
    await new Promise((done) => requestAnimationFrame(() => setTimeout(done, 50)));
    const now = snapshot();
    if (now.length === last.length && now.every((style, i) => style === last[i])) return now;
    last = now;
  }}
  throw new Error("the page's styles never settled");
}}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_trimmed_stylesheets_style_the_lab_as_the_whole_ones_did(browser, site_root, scheme):
    """The build keeps only the rules of JupyterLab's CSS that can match the lab
    (scripts/unused_css.py). Put the whole sheets back in their place: no computed style of
    any element of the page changes."""
    whole = json.loads((BUILD / "lab-whole-styles.json").read_text())
    # the policy allows the trimmed sheets' hashes only: this test puts other text in them
    with guarded_page(browser, site_root, color_scheme=scheme, bypass_csp=True,
                      viewport={"width": 1280, "height": 900}) as page:
        page.goto(site_root + "optimizers/lab/")
        sheets = page.locator("article style")
        assert sheets.count() == len(whole) >= 2
        trimmed = sum(len(t) for t in sheets.evaluate_all("els => els.map(e => e.textContent)"))
        assert trimmed < sum(len(t) for t in whole) / 10, "most of JupyterLab's CSS matches nothing"
        page.wait_for_function(SETTLED)
        count = page.evaluate(f"async () => (window.__before = await ({STABLE})()).length")
        sheets.evaluate_all("(els, whole) => els.forEach((e, i) => { e.textContent = whole[i]; })", whole)
        page.wait_for_function(SETTLED)
        changed = page.evaluate(f"""async () => {{
          const after = await ({STABLE})();
          return [after.length, after.filter((a, i) => a !== window.__before[i]).slice(0, 3)
            .map(a => [window.__before[after.indexOf(a)], a])];
        }}""")
    assert changed[0] == count > 3000
    assert not changed[1], f"styles differ, e.g. {changed[1][0][0][:200]}: " + "; ".join(
        f"{x} -> {y}" for x, y in zip(changed[1][0][0].split(";"), changed[1][0][1].split(";")) if x != y)
