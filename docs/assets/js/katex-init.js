// Typesets the math that pymdownx.arithmatex (generic mode) leaves in the page, with the
// vendored KaTeX, after every page load and instant navigation.
document$.subscribe(({ body }) => {
  renderMathInElement(body, {
    delimiters: [
      { left: "$$", right: "$$", display: true },
      { left: "$", right: "$", display: false },
      { left: "\\(", right: "\\)", display: false },
      { left: "\\[", right: "\\]", display: true },
    ],
    throwOnError: false,
  });
  // A display too wide for the screen scrolls; make it reachable by keyboard (WCAG 2.1.1).
  for (const display of body.querySelectorAll(".katex-display")) {
    if (display.scrollWidth > display.clientWidth + 1) {
      display.tabIndex = 0;
      display.setAttribute("role", "group");
      display.setAttribute("aria-label", "Wide equation: scroll sideways to read it");
    }
  }
});
