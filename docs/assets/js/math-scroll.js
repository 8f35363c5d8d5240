// A display equation too wide for the screen scrolls sideways in its own box, never cut
// and never widening the page; this makes that box reachable by keyboard (WCAG 2.1.1,
// axe: scrollable-region-focusable) and names it. The formulas themselves are typeset
// when the site builds (scripts/katex_hook.py): no KaTeX script runs in the page.
//
// The box that scrolls is Material's div.arithmatex around the display (it shrinks the
// display to its content's width and scrolls it, overflow: auto); a display outside one
// scrolls itself (ravine.css).
//
// Whether a box is too wide is read in one ResizeObserver's report, for every box whose
// size changed, after the browser has laid the page out: all the widths are read first,
// then the boxes marked. Reading each at mount, between another box's marks, made the
// browser lay the page out again for each (on a phone, a long task at load; issue 16).
const boxOf = (el) => el.closest("div.arithmatex") ?? el;

function mark(box, wide) {
  if (wide && !box.hasAttribute("tabindex")) {
    box.tabIndex = 0;
    box.setAttribute("role", "region");
    box.setAttribute("aria-label", "Wide equation, scrolls sideways");
    box.classList.add("ravine-math-wide");
  } else if (!wide && box.hasAttribute("tabindex")) {
    box.removeAttribute("tabindex");
    box.removeAttribute("role");
    box.removeAttribute("aria-label");
    box.classList.remove("ravine-math-wide");
  }
}

const observer = new ResizeObserver((entries) => {
  const boxes = new Set(entries.map((entry) => boxOf(entry.target)));
  const wide = [...boxes].map((box) => [box, box.scrollWidth > box.clientWidth + 1]);
  for (const [box, isWide] of wide) mark(box, isWide);
});

export function mountMathScroll(display) {
  const box = boxOf(display);
  observer.observe(box);
  observer.observe(display);
  display.ravineTeardown = () => {
    observer.unobserve(box);
    observer.unobserve(display);
  };
}
