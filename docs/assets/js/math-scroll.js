// A display equation too wide for the screen scrolls sideways; this makes it reachable
// by keyboard (WCAG 2.1.1) and says why. The formulas themselves are typeset when the
// site builds (scripts/katex_hook.py): no KaTeX script runs in the page.
export function mountMathScroll(display) {
  const check = () => {
    const wide = display.scrollWidth > display.clientWidth + 1;
    if (wide && !display.hasAttribute("tabindex")) {
      display.tabIndex = 0;
      display.setAttribute("role", "group");
      display.setAttribute("aria-label", "Wide equation: scroll sideways to read it");
    } else if (!wide && display.hasAttribute("tabindex")) {
      display.removeAttribute("tabindex");
      display.removeAttribute("role");
      display.removeAttribute("aria-label");
    }
  };
  check();
  const observer = new ResizeObserver(check);
  observer.observe(display);
  display.ravineTeardown = () => observer.disconnect();
}
