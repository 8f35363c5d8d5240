// A box that scrolls must be reachable by keyboard (WCAG 2.1.1; axe:
// scrollable-region-focusable). keepReachable(box) gives it a tab stop while its content
// overflows it, and takes the tab stop away when everything fits; the box keeps its own
// role and name (the navigator's scoreboard: a status named "Scoreboard").
//
// The overflow is read when the browser has laid the page out anyway: in the
// ResizeObserver's report (it comes once the box is first laid out, and at each resize),
// and, after its content changes, in the next animation frame. Read at once, it made the
// browser lay out the whole page in the middle of the widget's own work (issue 16).
export function keepReachable(box) {
  const check = () => {
    const overflows = box.scrollHeight > box.clientHeight + 1 || box.scrollWidth > box.clientWidth + 1;
    if (overflows && !box.hasAttribute("tabindex")) box.tabIndex = 0;
    else if (!overflows && box.hasAttribute("tabindex")) box.removeAttribute("tabindex");
  };
  let frame = 0;
  const soon = () => (frame ||= requestAnimationFrame(() => ((frame = 0), check())));
  const resized = new ResizeObserver(check);
  resized.observe(box);
  const changed = new MutationObserver(soon);
  changed.observe(box, { childList: true, subtree: true, characterData: true });
  return () => {
    resized.disconnect();
    changed.disconnect();
    cancelAnimationFrame(frame);
  };
}
