// The printed output of one cell run (cells.js), linear in what is printed however much
// that is: chunks are queued and drawn once per animation frame, text is appended as new
// text nodes (never by rewriting what is there), and the DOM keeps only the first
// HEAD_LINES lines and the last TAIL_LINES, with a note that counts the lines between.
//
//   const view = new OutputView(outputElement);
//   view.write("stdout", "text");   // as the worker streams it
//   view.flush();                   // draw now (at the end of a run)
export const HEAD_LINES = 1000;
export const HEAD_CHARS = 100_000;
export const TAIL_LINES = 100;
export const TAIL_CHARS = 10_000;

const newlines = (text) => {
  let n = 0;
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) n++;
  return n;
};

/** A block that scrolls (the CSS caps its height) is a tab stop, so the keyboard can
 * scroll it (WCAG 2.1.1; axe's scrollable-region-focusable). */
export function scrollable(block) {
  if (block.scrollHeight > block.clientHeight) block.tabIndex = 0;
  else block.removeAttribute("tabindex");
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export class OutputView {
  constructor(parent) {
    this.parent = parent;
    this.pending = [];
    this.frame = null;
    this.head = null; // <pre>: the first lines, appended to
    this.headLines = 0;
    this.headChars = 0;
    this.headFull = false;
    this.tail = []; // {stream, text, lines}: the last lines, redrawn at each flush
    this.tailLines = 0;
    this.tailChars = 0;
    this.cutLines = 0; // lines between head and tail that are not kept
    this.cutChars = 0;
  }

  write(stream, text) {
    this.pending.push([stream, text]);
    this.frame ??= requestAnimationFrame(() => this.flush());
  }

  flush() {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = null;
    const chunks = this.pending;
    this.pending = [];
    if (!chunks.length) return;
    let tailChanged = false;
    for (let [stream, text] of chunks) {
      if (!this.headFull) text = this.#toHead(stream, text);
      if (text) {
        this.#toTail(stream, text);
        tailChanged = true;
      }
    }
    if (tailChanged) this.#drawTail();
    for (const block of [this.head, this.tailPre]) if (block) scrollable(block);
  }

  /** Appends what fits of text to the head; returns the rest. */
  #toHead(stream, text) {
    let room = Math.min(text.length, HEAD_CHARS - this.headChars);
    let lines = 0;
    for (let i = text.indexOf("\n"); i >= 0 && i < room; i = text.indexOf("\n", i + 1)) {
      if (++lines === HEAD_LINES - this.headLines) room = i + 1; // the head is full after this line
    }
    const kept = text.slice(0, room);
    if (kept) {
      this.head ??= this.parent.appendChild(element("pre", "ravine-cell__stream"));
      const last = this.head.lastChild;
      if (last?.dataset.stream === stream) last.append(kept); // a new text node: no copy
      else {
        const span = element("span", `ravine-cell__${stream}`, kept);
        span.dataset.stream = stream;
        this.head.append(span);
      }
      this.headChars += kept.length;
      this.headLines += newlines(kept);
    }
    this.headFull = this.headLines >= HEAD_LINES || this.headChars >= HEAD_CHARS;
    return this.headFull ? text.slice(room) : "";
  }

  /** Keeps the last TAIL_LINES lines (at most TAIL_CHARS characters); counts what it drops.
   * Linear: whole segments are dropped, and at most one is cut, once. */
  #toTail(stream, text) {
    const lines = newlines(text);
    const last = this.tail.at(-1);
    if (last?.stream === stream) (last.text += text), (last.lines += lines);
    else this.tail.push({ stream, text, lines });
    this.tailLines += lines;
    this.tailChars += text.length;
    let extraLines = this.tailLines - TAIL_LINES;
    while (extraLines > 0) {
      const first = this.tail[0];
      if (first.lines <= extraLines) {
        this.#drop(this.tail.shift(), first.text.length, first.lines);
        extraLines -= first.lines;
        continue;
      }
      let at = -1;
      for (let k = 0; k < extraLines; k++) at = first.text.indexOf("\n", at + 1);
      this.#drop(first, at + 1, extraLines);
      extraLines = 0;
    }
    while (this.tailChars > TAIL_CHARS) {
      const first = this.tail[0], extra = this.tailChars - TAIL_CHARS;
      if (first.text.length <= extra) this.#drop(this.tail.shift(), first.text.length, first.lines);
      else this.#drop(first, extra, newlines(first.text.slice(0, extra)));
    }
  }

  #drop(segment, chars, lines) {
    segment.text = segment.text.slice(chars);
    segment.lines -= lines;
    this.tailLines -= lines;
    this.tailChars -= chars;
    this.cutLines += lines;
    this.cutChars += chars;
  }

  #drawTail() {
    this.tailPre ??= this.parent.appendChild(element("pre", "ravine-cell__stream"));
    this.tailPre.replaceChildren(...this.tail.map(({ stream, text }) => element("span", `ravine-cell__${stream}`, text)));
    if (!this.cutChars) return;
    if (!this.note) {
      this.note = element("p", "ravine-cell__msg ravine-cell__msg--note");
      this.tailPre.before(this.note);
      // A live region redrawn every frame would be read out every frame: the log waits
      // until the run ends (cells.js clears aria-busy).
      this.parent.setAttribute("aria-busy", "true");
    }
    const lines = this.cutLines.toLocaleString("en");
    const chars = this.cutChars.toLocaleString("en");
    this.note.textContent = `Output truncated: ${lines} lines (${chars} characters) not shown. `
      + `The page keeps the first ${HEAD_LINES.toLocaleString("en")} lines of a run and the last ${TAIL_LINES}.`;
  }
}
