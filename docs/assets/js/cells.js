// Runnable cells: mounts on the inert HTML of a ```python run fence (cells_hook.py).
//
// - The highlighted code becomes a CodeMirror editor (cells-editor.js) on a click, or when
//   the reader focuses it and types. Edits are saved per page and cell (cells-store.js).
// - Cells run in the tab's one Python worker (python.js), in one namespace per page, one at
//   a time. Running a cell first runs the earlier cells of the page that have not run in
//   this worker, and says so.
// - Stop (or the cell's time limit) terminates the worker, starts a new one and runs the
//   page's earlier cells again, and says so; navigators' pending calls are re-sent by
//   python.js. Stop works whatever a cell did to the worker, and python.js's watchdog
//   replaces a worker that stops answering or can no longer run Python (os._exit).
// - Printed output is drawn by cells-output.js: once per frame, the first and last lines
//   of a run kept in the page, the lines between counted.
import { getPython } from "./python.js";
import { damage, dropEdit, loadEdit, saveEdit } from "./cells-store.js";
import { OutputView, scrollable } from "./cells-output.js";

const MAX_SVG = 2_000_000; // characters; lesson_code.cells.MAX_SVG
const cells = new WeakMap(); // element -> Cell
let queue = Promise.resolve(); // one run at a time, across the tab
let executing = null; // the Cell whose code the worker runs now

export function mountCell(el) {
  cells.set(el, new Cell(el));
}

function pageCells() {
  return [...document.querySelectorAll("[data-ravine-cell]")].map((el) => cells.get(el)).filter(Boolean);
}

function names(list) {
  const numbers = list.map((cell) => cell.number);
  const words = numbers.length > 1 ? `${numbers.slice(0, -1).join(", ")} and ${numbers.at(-1)}` : `${numbers[0]}`;
  return `${numbers.length > 1 ? "cells" : "cell"} ${words}`;
}

function capital(text) {
  return text[0].toUpperCase() + text.slice(1);
}

function enqueue(task) {
  const next = queue.then(task, task);
  queue = next.catch(() => {});
  return next;
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

class Cell {
  constructor(el) {
    this.el = el;
    this.original = el.dataset.source;
    this.hash = el.dataset.hash;
    this.timeout = Number(el.dataset.timeout) || 10;
    this.page = location.pathname;
    this.number = [...document.querySelectorAll("[data-ravine-cell]")].indexOf(el) + 1;
    this.name = `cell ${this.number}`; // how Python names it in tracebacks
    this.key = el.dataset.cellId || `cell-${this.number}`;
    this.code = this.original;
    this.editor = null;
    this.busy = false;
    this.stopReason = null;

    this.static = el.querySelector("[data-cell-code]");
    this.runButton = el.querySelector("[data-cell-run]");
    this.stopButton = el.querySelector("[data-cell-stop]");
    this.resetButton = el.querySelector("[data-cell-reset]");
    this.note = el.querySelector("[data-cell-note]");
    this.notice = el.querySelector("[data-cell-notice]");
    this.output = el.querySelector("[data-cell-output]");
    this.view = new OutputView(this.output);

    el.setAttribute("aria-label", `Python cell ${this.number}`);
    this.runButton.setAttribute("aria-label", `Run cell ${this.number}`);
    this.stopButton.setAttribute("aria-label", `Stop cell ${this.number}`);
    this.resetButton.setAttribute("aria-label", `Reset cell ${this.number} to the lesson's code`);
    this.output.setAttribute("aria-label", `Output of cell ${this.number}`);
    this.note.textContent = `Cell ${this.number} · Ctrl/Cmd+Enter runs · Esc then Tab leaves the editor · stops after ${this.timeout} s`;
    this.state = element("span", "ravine-cell__state");
    this.note.after(this.state);

    this.static.tabIndex = 0;
    this.static.setAttribute("role", "textbox");
    this.static.setAttribute("aria-multiline", "true");
    this.static.setAttribute("aria-label", `Code of cell ${this.number} (type to edit)`);
    this.static.addEventListener("click", (event) => this.#activateAt(event));
    this.static.addEventListener("keydown", (event) => this.#staticKey(event));
    this.runButton.addEventListener("click", () => this.run());
    this.stopButton.addEventListener("click", () => this.stop());
    this.resetButton.addEventListener("click", () => this.reset());
    this.#restoreEdit();
    const damaged = damage(this.page); // the first cell to read the page's edits tells
    if (damaged) this.#say(damaged);
    el.dataset.cellReady = "true";
  }

  // ----- editing -----

  #staticKey(event) {
    if (event.target.closest("button, a")) return; // Material's copy button keeps its keys
    if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
      event.preventDefault();
      this.run();
    } else if (event.key === "Enter" || (event.key.length === 1 && !event.ctrlKey && !event.metaKey && !event.altKey)) {
      event.preventDefault();
      const typed = event.key === "Enter" ? "" : event.key;
      this.edit().then((editor) => {
        editor.focus(editor.code.length);
        if (typed) editor.view.dispatch(editor.view.state.replaceSelection(typed));
      });
    }
  }

  #activateAt(event) {
    if (this.editor || event.target.closest("button, a")) return;
    if (window.getSelection()?.toString()) return; // let readers select and copy text
    const offset = this.#offsetAt(event.clientX, event.clientY);
    this.edit().then((editor) => editor.focus(offset));
  }

  /** The character offset in the source under a point of the static block. */
  #offsetAt(x, y) {
    const code = this.static.querySelector("code");
    const caret = document.caretRangeFromPoint?.(x, y);
    if (!code || !caret || !code.contains(caret.startContainer)) return undefined;
    const walker = document.createTreeWalker(code, NodeFilter.SHOW_TEXT);
    let offset = 0;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node === caret.startContainer) return offset + caret.startOffset;
      offset += node.length;
    }
    return undefined;
  }

  /** Turns the highlighted block into an editor (once); resolves with it. */
  edit() {
    this.editing ??= this.#createEditor();
    return this.editing;
  }

  async #createEditor() {
    const holder = element("div", "ravine-cell__editor");
    this.static.after(holder);
    const options = {
      doc: this.code,
      label: `Code of cell ${this.number}`,
      onChange: (code) => this.#changed(code),
      onRun: () => this.run(),
    };
    try {
      const { createEditor } = await import("./cells-editor.js");
      this.editor = createEditor(holder, options);
    } catch (error) {
      console.warn("Ravine cells: CodeMirror did not load, using a plain text box", error);
      this.editor = plainEditor(holder, options);
    }
    const hadFocus = this.static.contains(document.activeElement);
    this.static.hidden = true;
    if (hadFocus) this.editor.focus();
    return this.editor;
  }

  #changed(code) {
    this.code = code;
    clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => this.#save(), 250);
    this.resetButton.hidden = code === this.original;
  }

  #save() {
    const kept = this.code === this.original ? dropEdit(this.page, this.key)
      : saveEdit(this.page, this.key, this.code, this.hash);
    this.el.dataset.saved = kept ? "true" : "false";
    if (!kept) this.state.textContent = "This browser does not let the page save your edit.";
  }

  #restoreEdit() {
    const saved = loadEdit(this.page, this.key);
    if (!saved || saved.code === this.original) return;
    if (saved.hash === this.hash) {
      this.code = saved.code;
      this.resetButton.hidden = false;
      this.edit();
      return;
    }
    this.#askWhichToKeep(saved);
  }

  /** The lesson's code changed since the reader's edit was saved: show both, let them pick. */
  #askWhichToKeep(saved) {
    const when = new Date(saved.saved);
    const date = Number.isNaN(when.getTime()) ? "earlier" : `on ${when.toLocaleString()}`;
    const text = element("p", "", `The lesson has changed this cell since you edited it (your edit was saved ${date}). `
      + "The lesson's new code is shown. Which do you want to keep?");
    const details = element("details");
    details.append(element("summary", "", "Show your saved edit"), element("pre", "", saved.code));
    const mine = element("button", "md-button", "Keep my edit");
    const theirs = element("button", "md-button", "Use the new lesson code");
    for (const button of [mine, theirs]) button.type = "button";
    mine.addEventListener("click", () => {
      saveEdit(this.page, this.key, saved.code, this.hash);
      this.code = saved.code;
      this.resetButton.hidden = false;
      this.notice.hidden = true;
      this.edit().then((editor) => {
        editor.code = saved.code;
        editor.focus();
      });
      this.#say("Your edit is back; Reset restores the lesson's code.");
    });
    theirs.addEventListener("click", () => {
      dropEdit(this.page, this.key);
      this.notice.hidden = true;
      this.runButton.focus();
      this.#say("Kept the lesson's new code; your old edit is deleted.");
    });
    const buttons = element("div", "ravine-cell__choices");
    buttons.append(mine, theirs);
    this.notice.replaceChildren(text, details, buttons);
    this.notice.setAttribute("role", "alert");
    this.notice.hidden = false;
  }

  reset() {
    clearTimeout(this.saveTimer);
    dropEdit(this.page, this.key);
    this.code = this.original;
    if (this.editor) this.editor.code = this.original;
    this.resetButton.hidden = true;
    this.notice.hidden = true;
    this.runButton.focus();
    this.#say("Restored the lesson's code.");
  }

  // ----- running -----

  /** Runs this cell, after the earlier cells of the page that have not run yet. */
  run() {
    if (this.busy) return Promise.resolve(false);
    this.#clear();
    this.#busy(true, "Waiting…");
    // Stopped, it stays busy: stop() restores the earlier cells next (Stop keeps the focus)
    return enqueue(() => this.#runAfterEarlier()).finally(() => this.stopReason || this.#busy(false));
  }

  async #runAfterEarlier(rerun = false, again = false) {
    const python = getPython();
    const page = pageCells();
    const earlier = page.slice(0, page.indexOf(this));
    try {
      // while Python starts, the cell says which phase it is in
      const unsubscribe = python.onStatus(({ phase, percent, message }) => {
        if (phase === "loading") this.state.textContent = percent === null ? message : `${message} ${percent}%`;
      });
      const { ran } = await python.send("cells", { page: this.page }).finally(unsubscribe);
      const missing = rerun ? earlier : earlier.filter((cell) => !ran.includes(cell.name));
      if (missing.length && !rerun) this.#say(`First running ${names(missing)}, which this cell builds on.`);
      for (const cell of missing) {
        if (!(await cell.#execute(this))) {
          if (!this.stopReason) this.#say(`${capital(names([cell]))} did not finish, so ${rerun ? "the page's names are not all back" : "this cell did not run"}. `
            + `Fix ${names([cell])} (or Reset it) and run again.`, "error");
          return false;
        }
      }
      if (rerun) {
        this.#say(missing.length ? `${capital(names(missing))} ran again; their names are back.` : "Python is ready again.");
        return true;
      }
      return await this.#execute(this);
    } catch (error) {
      if (this.stopReason) return false; // Stop has said what happened
      if (error.restarted && !again) {
        // The worker stopped answering while this cell waited: it is a new one now.
        this.#say(`${error.message} Running this cell on the new Python…`);
        return this.#runAfterEarlier(rerun, true);
      }
      this.#say(error.message, "error");
      this.state.textContent = python.status.phase === "error" ? "Did not run: Python could not start" : "Did not run";
      return false;
    }
  }

  /** Runs this cell's code in the worker; true when it ran to the end. */
  async #execute(requester) {
    const python = getPython();
    const started = { at: 0 };
    let timer = null;
    if (this !== requester) this.#clear();
    this.#busy(true, "Running…");
    executing = this;
    this.requester = requester;
    const onStream = (stream, text) => {
      if (stream === "start") {
        started.at = performance.now();
        this.state.textContent = "Running…";
        timer = setTimeout(() => this.stop(`time limit`), this.timeout * 1000);
      } else this.#write(stream, text);
    };
    try {
      // The page's own timer stops the cell at its time limit; the watchdog's deadline is
      // a backstop should that timer not fire.
      const reply = await python.send("exec", { page: this.page, cell: this.name, source: this.code },
        { onStream, deadline: this.timeout * 1000 + 2000 });
      this.#flush();
      const ms = performance.now() - started.at;
      const seconds = ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
      if (reply.svg) this.#figure(reply.svg, reply.alt);
      else if (reply.value !== null) this.#value(reply.value);
      if (reply.note) this.#say(reply.note);
      if (!reply.ok) {
        this.#block("pre", "ravine-cell__error", reply.error);
        this.state.textContent = `Error after ${seconds}`;
      } else this.state.textContent = `Ran in ${seconds}`;
      this.el.dataset.ran = reply.ok ? "ok" : "error";
      return reply.ok;
    } catch (error) {
      this.#flush();
      if (!this.stopReason) {
        this.#say(`This run did not finish: ${error.message}`, "error");
        this.state.textContent = "Did not finish";
        this.el.dataset.ran = "error";
      }
      return false;
    } finally {
      this.output.removeAttribute("aria-busy"); // set by the output view while it cuts
      clearTimeout(timer);
      if (executing === this) executing = null;
      this.requester = null;
      if (this !== requester) this.#busy(false);
    }
  }

  /**
   * Stop: terminate the worker, start a new one, run the page's earlier cells again.
   * Works from any state: with a cell running, or with this cell still waiting for a
   * worker that no longer answers (then the restart is what unblocks it).
   */
  stop(reason = "stop") {
    const target = executing ?? (this.busy ? this : null);
    if (!target) return;
    const requester = target === executing ? (target.requester ?? target) : this;
    const pressed = performance.now();
    this.el.dataset.stopPressedAt = String(pressed);
    target.stopReason = requester.stopReason = reason;
    getPython().restart(`Python was restarted to stop ${target.name}.`);
    const page = pageCells();
    const rerun = page.indexOf(requester) > 0;
    const why = reason === "time limit" ? `${capital(target.name)} reached its time limit of ${target.timeout} s, so the page stopped it`
      : `Stopped ${target.name}`;
    requester.#say(`${why}: Python was restarted, which ends any running code.${rerun ? " Running the page's earlier cells again…" : ""}`, "error");
    if (this !== requester && this !== target) this.#say(`Stopped ${target.name}, which this cell was waiting for.`, "error");
    requester.el.dataset.stoppedAt = String(performance.now());
    requester.el.dataset.stopPressedAt = String(pressed);
    requester.state.textContent = reason === "time limit" ? "Stopped (time limit)" : "Stopped";
    queue.finally(() => {
      target.stopReason = requester.stopReason = null;
      requester.#busy(true, "Restoring…");
      return enqueue(() => requester.#runAfterEarlier(true)).finally(() => {
        if (requester.stopReason) return; // stopped again: the next restore follows
        requester.#busy(false);
        requester.state.textContent = reason === "time limit" ? "Stopped (time limit)" : "Stopped";
      });
    });
  }

  // ----- output -----

  /** Run is disabled and Stop shown while the cell is busy. The keyboard focus on the
   * one that goes away moves to the other (read before either changes: a focused button
   * that is disabled or hidden hands the focus to the page), so a keyboard or screen
   * reader user carries on from where they were. */
  #busy(on, words) {
    const from = on ? this.runButton : this.stopButton;
    const had = from === document.activeElement;
    this.busy = on;
    this.runButton.disabled = on;
    this.stopButton.hidden = !on;
    this.el.dataset.busy = on ? "true" : "false";
    if (words) this.state.textContent = words;
    if (had) (on ? this.stopButton : this.runButton).focus({ preventScroll: true });
  }

  #clear() {
    // A reader reading the output (a long one is a tab stop) as it is cleared, when Stop
    // or the time limit runs the page's earlier cells again: the focus stays in the cell.
    if (this.output.contains(document.activeElement)) {
      (this.busy ? this.stopButton : this.runButton).focus({ preventScroll: true });
    }
    this.output.replaceChildren();
    this.view = new OutputView(this.output);
    delete this.el.dataset.ran;
  }

  #say(text, kind = "note") {
    this.#block("p", `ravine-cell__msg ravine-cell__msg--${kind}`, text);
  }

  /** Appends a block after what is printed so far; later output goes below it. */
  #block(tag, className, text) {
    this.#flush();
    const node = element(tag, className, text);
    this.output.append(node);
    if (tag === "pre") scrollable(node); // a long traceback or value
    this.view = new OutputView(this.output);
    return node;
  }

  #write(stream, text) {
    this.view.write(stream, text);
  }

  #flush() {
    this.view?.flush();
  }

  #value(text) {
    const node = this.#block("pre", "ravine-cell__value", text);
    node.prepend(element("span", "ravine-cell__tag", "value: "));
  }

  /** SVG from _repr_svg_, shown as an image: no script in it can run. lesson_code.cells
   * refuses larger figures; this page refuses them too, whatever a cell did to it. */
  #figure(svg, alt) {
    if (svg.length > MAX_SVG) {
      return this.#say(`The figure is too large to show: its SVG has ${svg.length.toLocaleString("en")} characters, `
        + `and the page shows figures of up to ${MAX_SVG.toLocaleString("en")}.`);
    }
    const img = element("img", "ravine-cell__figure");
    img.alt = alt || "A figure drawn by the cell";
    img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
    const figure = this.#block("figure", "ravine-cell__plot");
    figure.append(img);
  }
}

/** A plain text box with the editor's interface, if CodeMirror cannot load. */
function plainEditor(parent, { doc, label, onChange, onRun }) {
  const area = element("textarea", "ravine-cell__plain");
  area.value = doc;
  area.rows = Math.max(3, doc.split("\n").length + 1);
  area.spellcheck = false;
  area.setAttribute("aria-label", label);
  area.addEventListener("input", () => onChange(area.value));
  area.addEventListener("keydown", (event) => {
    if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
      event.preventDefault();
      onRun();
    }
  });
  parent.append(area);
  return {
    view: { dispatch() {}, state: { replaceSelection: () => ({}) } },
    get code() {
      return area.value;
    },
    set code(code) {
      area.value = code;
      onChange(code);
    },
    focus(at) {
      area.focus();
      if (at !== undefined) area.setSelectionRange(at, at);
    },
  };
}
