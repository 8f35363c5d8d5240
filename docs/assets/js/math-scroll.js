// A display equation too wide for the screen scrolls sideways in its own box, never cut
// and never widening the page; this makes that box reachable by keyboard (WCAG 2.1.1,
// axe: scrollable-region-focusable) and names it. The formulas themselves are typeset
// when the site builds (scripts/katex_hook.py): no KaTeX script runs in the page.
//
// The box that scrolls is Material's div.arithmatex around the display (it shrinks the
// display to its content's width and scrolls it, overflow: auto); a display outside one
// scrolls itself (ravine.css).
export function mountMathScroll(display) {
  const box = display.closest("div.arithmatex") ?? display;
  const check = () => {
    const wide = box.scrollWidth > box.clientWidth + 1;
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
  };
  check();
  const observer = new ResizeObserver(check);
  observer.observe(box);
  observer.observe(display);
  display.ravineTeardown = () => observer.disconnect();
}
