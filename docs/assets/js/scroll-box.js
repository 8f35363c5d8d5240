// A box that scrolls must be reachable by keyboard (WCAG 2.1.1; axe:
// scrollable-region-focusable). keepReachable(box) gives it a tab stop while its content
// overflows it, and takes the tab stop away when everything fits; the box keeps its own
// role and name (the navigator's scoreboard: a status named "Scoreboard").
export function keepReachable(box) {
  const check = () => {
    const overflows = box.scrollHeight > box.clientHeight + 1 || box.scrollWidth > box.clientWidth + 1;
    if (overflows && !box.hasAttribute("tabindex")) box.tabIndex = 0;
    else if (!overflows && box.hasAttribute("tabindex")) box.removeAttribute("tabindex");
  };
  const resized = new ResizeObserver(check);
  resized.observe(box);
  const changed = new MutationObserver(check);
  changed.observe(box, { childList: true, subtree: true, characterData: true });
  check();
  return () => {
    resized.disconnect();
    changed.disconnect();
  };
}
