// The lab's code and printed tables scroll sideways rather than wrap (ravine.css). A
// region that scrolls must be reachable by keyboard (WCAG 2.1.1; axe:
// scrollable-region-focusable): each one that overflows gets a tab stop and a name.
// Material's wrapper of a wide table scrolls too (on a phone) and is not focusable.
const REGIONS = ".ravine-lab .highlight-ipynb pre, .ravine-lab .jp-OutputArea-output pre, .md-typeset__scrollwrap";

// Every region's overflow is read first, then the new tab stops set: a change between two
// reads would make the browser lay the page out again for the next (issue 16).
function focusable() {
  const overflowing = [...document.querySelectorAll(REGIONS)].filter((pre) => pre.scrollWidth > pre.clientWidth + 1);
  for (const pre of overflowing) {
    if (!pre.hasAttribute("tabindex")) {
      pre.tabIndex = 0;
      pre.setAttribute("role", "region");
      pre.setAttribute("aria-label", pre.matches(".md-typeset__scrollwrap") ? "Table, scrolls sideways"
        : pre.closest(".jp-OutputArea-output") ? "Output, scrolls sideways" : "Code, scrolls sideways");
    }
  }
}

const resized = new ResizeObserver(focusable);
// Each region's first report, once it is laid out, checks them all (and so does every resize).
const watch = () => {
  resized.disconnect();
  for (const pre of document.querySelectorAll(REGIONS)) resized.observe(pre);
};
if (typeof document$ !== "undefined") document$.subscribe(watch);
else watch();
