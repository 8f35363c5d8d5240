// A canvas drawn where the reader cannot see it is work for nobody, and on a phone the
// first drawing of a navigator or a rate map is a long task (issue 16): on the Momentum
// page both sit screens below the first one, and both went live, and drew, while the
// reader was still at the top. A widget asks allows() before it draws; far from the
// screen the answer is no, the drawing is owed, and it is made (redraw()) once the widget
// nears the screen. "Near" is within half a screen's height, as Chromium's margin for
// laying out what content-visibility: auto skips: near enough that the drawing is done
// before the reader scrolls it into view.
const MARGIN = "50% 0px";

export class NearScreen {
  constructor(el, redraw) {
    this.near = false; // until the first report, which comes with the next frame
    this.owed = false;
    this.observer = new IntersectionObserver((entries) => {
      this.near = entries[entries.length - 1].isIntersecting;
      if (this.near && this.owed) {
        this.owed = false;
        redraw();
      }
    }, { rootMargin: MARGIN });
    this.observer.observe(el);
  }

  /** Whether to draw now; if not, the drawing is owed until the element nears the screen. */
  allows() {
    if (!this.near) this.owed = true;
    return this.near;
  }

  disconnect() {
    this.observer.disconnect();
  }
}
