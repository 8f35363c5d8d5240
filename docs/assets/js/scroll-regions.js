// The lab's code and printed tables scroll sideways rather than wrap (ravine.css). A
// region that scrolls must be reachable by keyboard (WCAG 2.1.1; axe:
// scrollable-region-focusable): each one that overflows gets a tab stop and a name.
// Material's wrapper of a wide table scrolls too (on a phone) and is not focusable.
const REGIONS = ".ravine-lab .highlight-ipynb pre, .ravine-lab .jp-OutputArea-output pre, .md-typeset__scrollwrap";

function focusable() {
  for (const pre of document.querySelectorAll(REGIONS)) {
    const overflows = pre.scrollWidth > pre.clientWidth + 1;
    if (overflows && !pre.hasAttribute("tabindex")) {
      pre.tabIndex = 0;
      pre.setAttribute("role", "region");
      pre.setAttribute("aria-label", pre.matches(".md-typeset__scrollwrap") ? "Table, scrolls sideways"
        : pre.closest(".jp-OutputArea-output") ? "Output, scrolls sideways" : "Code, scrolls sideways");
    }
  }
}

const resized = new ResizeObserver(focusable);
const watch = () => {
  focusable();
  resized.disconnect();
  for (const pre of document.querySelectorAll(REGIONS)) resized.observe(pre);
};
if (typeof document$ !== "undefined") document$.subscribe(watch);
else watch();
