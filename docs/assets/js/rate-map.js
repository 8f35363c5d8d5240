// The rate map: momentum's rate per step over (η, β), every number from lesson_code in
// the tab's one Python worker (the rate_map op), that sets a navigator's race.
// mountRateMap(el) mounts on the inert HTML scripts/ratemap_hook.py renders from a
// ```ratemap fence (data-ravine-ratemap: {id, navigator, optimizers, request}; the static
// figure, which stands until the map is drawn; a status line).
//
// The map is one focusable canvas with role="application", named "Rate map". Screen
// readers pass an application's keys to the page (with role="img" they keep the arrow
// keys for reading, and the map could not be moved), and a 2-D point is not a slider's
// one value. What the reader points at is said in a polite status line, at most once per
// READ_MS; the keys are in its description.
//   reading: pointer over the map, or the arrow keys (Shift: ten steps), Home/End (first,
//            last η), Page Up/Down (β by ten steps): η, β, the rate, each direction's regime;
//   acting:  a click, a tap, Enter or Space sends navigator:set {landscape, lr, beta, optimizers,
//            start, num_steps, run: true} to the navigator; its navigator:finished result
//            is said in words under the map;
//   following: each navigator:result moves the markers of the navigator's races.
import { findNavigator } from "./find-navigator.js";
import { decode, themeName } from "./navigator-draw.js";
import { NearScreen } from "./near-screen.js";
import { getPython } from "./python.js";
import { RateMapPlot, swatch } from "./rate-map-draw.js";

const READ_MS = 300;
const BIG = 10;
const fmt = (n) => String(Number(Number(n).toPrecision(3)));
const WORDS = { creep: "creeps (never changes sign)", spiral: "spirals", flip: "flips sign every step",
  diverge: "diverges" };
const h = (tag, props = {}, ...children) => {
  const el = Object.assign(document.createElement(tag), props);
  el.append(...children);
  return el;
};

export function mountRateMap(el) {
  el.rateMap = new RateMap(el);
  el.ravineTeardown = () => el.rateMap.destroy(); // ravine.js, once el has left the page
}

class RateMap {
  constructor(el) {
    this.el = el;
    this.spec = JSON.parse(el.dataset.ravineRatemap);
    this.id = this.spec.id;
    this.grid = null;
    this.cursor = null; // [i, j]: the grid node being read
    this.hover = false;
    this.racing = null; // {lr, beta} sent, until the navigator has run it
    this.python = getPython();
    this.nav = findNavigator(this.spec.navigator);
    this.navState = this.#declared();
    this.#build();
    this.onResult = (event) => this.#followed(event.detail?.state);
    this.onFinished = (event) => this.#finished(event.detail);
    this.nav?.addEventListener("navigator:result", this.onResult);
    this.nav?.addEventListener("navigator:finished", this.onFinished);
    this.unsubscribe = this.python.onStatus((status) => this.#status(status));
    this.#ask();
  }

  /** Lets go of everything that outlives the element (after an instant navigation). */
  destroy() {
    if (this.destroyed) return;
    this.destroyed = true;
    this.unsubscribe?.();
    this.nav?.removeEventListener("navigator:result", this.onResult);
    this.nav?.removeEventListener("navigator:finished", this.onFinished);
    this.resizeObserver.disconnect();
    this.themeObserver.disconnect();
    this.nearScreen.disconnect();
    clearTimeout(this.readTimer);
  }

  /** The navigator's declared state (its fence), until its first navigator:result. */
  #declared() {
    try {
      const { landscape, lr, beta, start, num_steps, optimizers } = JSON.parse(this.nav.dataset.navigator);
      return { landscape, lr, beta, start, num_steps, optimizers, runs: null };
    } catch {
      return null;
    }
  }

  #build() {
    const el = this.el, id = this.id;
    this.figure = el.querySelector(".ratemap-figure");
    this.box = el.querySelector(".ratemap-box");
    this.img = this.box.querySelector("img");
    this.status = el.querySelector("[data-ratemap-status]");
    this.status.setAttribute("role", "status");
    this.canvas = h("canvas", { className: "ratemap-canvas", tabIndex: 0, hidden: true });
    this.canvas.setAttribute("role", "application");
    this.canvas.setAttribute("aria-label", "Rate map");
    this.canvas.setAttribute("aria-describedby", `${id}-keys ${id}-navigator`);
    this.box.append(this.canvas);
    this.readout = h("p", { className: "ratemap-readout", hidden: true });
    this.raceLine = h("p", { className: "ratemap-race", hidden: true });
    for (const line of [this.readout, this.raceLine]) line.setAttribute("role", "status"); // polite
    this.legend = h("ul", { className: "ratemap-legend", hidden: true });
    this.legend.setAttribute("aria-label", "Legend of the rate map");
    this.box.after(this.readout, this.raceLine, this.legend);
    this.keys = h("p", { className: "ratemap-keys", id: `${id}-keys`, hidden: true, textContent:
      "Arrow keys move one step (Shift: ten); Home and End go to the first and last η; Page Up " +
      "and Page Down move β by ten steps. Enter (or Space), a click or a tap races that η and β in the navigator." });
    this.figure.after(this.keys);
    this.plot = new RateMapPlot(this.canvas);
    this.canvas.addEventListener("keydown", (event) => this.#key(event));
    this.canvas.addEventListener("focus", () => {
      if (this.grid && !this.cursor) this.#moveTo(this.#home());
      this.draw();
    });
    this.canvas.addEventListener("blur", () => this.draw());
    this.#pointer();
    this.resizeObserver = new ResizeObserver(() => (this.el.isConnected ? this.draw() : this.destroy()));
    this.resizeObserver.observe(this.box);
    this.themeObserver = new MutationObserver(() => {
      if (!this.el.isConnected) return this.destroy();
      this.#legend();
      this.draw();
    });
    this.themeObserver.observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });
    this.nearScreen = new NearScreen(this.el, () => this.draw()); // drawn once near the screen
  }

  #status({ phase, percent, message }) {
    if (!this.el.isConnected) return queueMicrotask(() => this.destroy()); // a page we left
    if (this.grid) return;
    if (phase === "loading") this.status.textContent = percent === null ? message : `${message} ${percent}%`;
    else if (phase === "ready") this.status.textContent = "Python is ready: computing the rate map…";
    else if (phase === "error") this.#stay(message);
  }

  /** The static figure stays; say why. */
  #stay(why) {
    this.status.textContent = `${why} The figure shows the rate map computed when the page was built.`;
    this.el.classList.add("ratemap-failed");
  }

  /** Asks at once: the worker answers as soon as Python is up. */
  async #ask() {
    try {
      const reply = await this.python.lesson("rate_map", { ...this.spec.request, packed: true });
      if (this.destroyed || !this.el.isConnected) return;
      if (!reply.ok) return this.#stay(`lesson_code refused the rate map: ${reply.error}`);
      this.#live({ ...reply.result, rates: decode(reply.result.rates) });
    } catch (error) {
      if (!this.destroyed && this.el.isConnected) this.#stay(`Python stopped: ${error.message}.`);
    }
  }

  #live(grid) {
    this.grid = grid;
    this.plot.setGrid(grid);
    this.img.hidden = true;
    this.canvas.hidden = false;
    this.status.hidden = true;
    for (const part of [this.readout, this.legend, this.keys]) part.hidden = false;
    this.el.classList.add("ratemap-live");
    this.#legend();
    this.draw();
    this.el.dataset.ready = "true";
  }

  draw() {
    if (!this.grid || this.canvas.hidden || !this.nearScreen.allows()) return;
    const showCursor = this.hover || document.activeElement === this.canvas;
    this.plot.draw({ markers: this.#markers(), cursor: showCursor ? this.cursor : null, theme: themeName() });
  }

  /** The navigator's races on this map: momentum at its (η, β), GD at (η, 0). */
  #markers() {
    const s = this.navState;
    if (!s || !this.grid || s.landscape !== this.grid.landscape) return [];
    const runs = s.runs ?? s.optimizers.map((name) => ({ name }));
    return runs.filter((run) => run.name === "sgd" || run.name === "momentum").map((run) => ({
      name: run.name, lr: run.lr ?? s.lr, beta: run.name === "sgd" ? 0 : run.beta ?? s.beta, shape: "navigator" }));
  }

  #navigatorText() {
    const s = this.navState;
    if (!s) return "The navigator is not on this page.";
    if (s.landscape !== this.grid.landscape) return "The navigator is on another landscape: its races are not on this map.";
    const marks = this.#markers().map((m) => (m.name === "sgd" ? `GD at η = ${fmt(m.lr)} (β = 0)`
      : `momentum at η = ${fmt(m.lr)}, β = ${fmt(m.beta)}`));
    return marks.length ? `The navigator's race (white squares): ${marks.join("; ")}.`
      : "The navigator races neither GD nor momentum now.";
  }

  #legend() {
    if (!this.grid) return;
    const theme = themeName(), { optimum: o, gd_optimum: gd, eigenvalues: [slow, steep] } = this.grid;
    const item = (kind, text, id) => h("li", id ? { id } : {}, swatch(kind, theme, this.plot.floor), h("span", { textContent: text }));
    this.navigatorItem = item("navigator", this.#navigatorText(), `${this.id}-navigator`);
    this.legend.replaceChildren(
      item("scale", `rate per step, from ${fmt(this.plot.floor)} (fastest, dark) to 1 (slowest, yellow)`),
      item("unstable", "hatched grey: rate 1 or more, no convergence"),
      item("edge", "edge of stability, η = (2 + 2β)/λ_max"),
      item("slow", `critical damping along the slow direction, β = (1 − √(ηλ_min))², λ_min = ${fmt(slow)}`),
      item("steep", `critical damping along the steep direction, β = (1 − √(ηλ_max))², λ_max = ${fmt(steep)}`),
      item("optimum", `best momentum: η = ${fmt(o.lr)}, β = ${fmt(o.beta)}, rate ${fmt(o.rate)}`),
      item("gd", `best GD (β = 0): η = ${fmt(gd.lr)}, rate ${fmt(gd.rate)}`),
      this.navigatorItem,
      item("cursor", "the point you are reading"));
  }

  /** navigator:result: the markers follow the navigator's state. */
  #followed(state) {
    if (!state) return;
    this.navState = state;
    if (!this.grid) return;
    this.navigatorItem.lastChild.textContent = this.#navigatorText();
    this.draw();
  }

  /** navigator:finished: the race this map asked for, in words. */
  #finished(detail) {
    const s = detail?.state, asked = this.racing;
    if (!asked || !s || s.lr !== asked.lr || s.beta !== asked.beta) return;
    this.racing = null;
    const results = (detail.runs ?? []).map((run) => `${run.label} ${run.message}`).join("; ");
    // a button, not a #fragment link: Material's instant navigation takes over fragment
    // links (it moved no focus to the navigator, and then took the focus away)
    const show = h("button", { type: "button", className: "ratemap-show", textContent: "See the race in the navigator" });
    show.addEventListener("click", () => this.#show());
    this.raceLine.replaceChildren(`Raced at η = ${fmt(asked.lr)}, β = ${fmt(asked.beta)}: ${results}. `, show);
  }

  /** The navigator into view, its plot focused (its name tells the race). */
  #show() {
    if (!this.nav?.isConnected) return;
    const reduce = matchMedia("(prefers-reduced-motion: reduce)").matches;
    this.nav.scrollIntoView({ behavior: reduce ? "auto" : "smooth", block: "start" });
    this.nav.querySelector("canvas[tabindex]")?.focus({ preventScroll: true });
  }

  /** The node to start reading from: the navigator's momentum race, else the optimum. */
  #home() {
    const mark = this.#markers().find((m) => m.name === "momentum");
    const { lr, beta } = mark ?? this.grid.optimum;
    return this.#nearest(lr, beta);
  }

  #nearest(lr, beta) {
    const { lrs, betas, nx, ny } = this.grid;
    const at = (v, axis, n) => Math.min(n - 1, Math.max(0, Math.round(((v - axis[0]) / (axis[n - 1] - axis[0])) * (n - 1))));
    return [at(lr, lrs, nx), at(beta, betas, ny)];
  }

  #moveTo(node) {
    const same = this.cursor && node[0] === this.cursor[0] && node[1] === this.cursor[1];
    this.cursor = node;
    this.draw();
    if (!same) this.#read(this.#describe(node));
  }

  #describe([i, j]) {
    const { lrs, betas, rates, regimes, nx, eigenvalues: [slow, steep] } = this.grid;
    const k = j * nx + i, rate = rates[k];
    const how = (key) => WORDS[regimes.names[Number(regimes[key][k])]];
    const speed = rate < 1 ? `rate ${rate.toPrecision(4)} per step`
      : `rate ${rate.toPrecision(4)} per step: no convergence`;
    return `η = ${fmt(lrs[i])}, β = ${fmt(betas[j])}: ${speed}. Along the slow direction ` +
      `(λ = ${fmt(slow)}) the error ${how("lam_min")}; along the steep one (λ = ${fmt(steep)}) it ${how("lam_max")}.`;
  }

  /** The status line, at most once per READ_MS (the last text always gets said). */
  #read(text) {
    this.nextRead = text;
    if (this.readTimer) return;
    const flush = () => {
      this.readTimer = null;
      if (this.readout.textContent === this.nextRead) return;
      this.readout.textContent = this.nextRead;
      this.readTimer = setTimeout(flush, READ_MS);
    };
    flush();
  }

  /** Sets the navigator's race to the cursor's (η, β) and runs it. */
  #race() {
    if (!this.grid || !this.cursor) return;
    this.nav = findNavigator(this.spec.navigator) ?? this.nav;
    this.raceLine.hidden = false;
    if (!this.nav || !this.nav.isConnected) {
      this.raceLine.textContent = "The navigator is missing from this page, so the race cannot run here.";
      return;
    }
    const [i, j] = this.cursor, lr = this.grid.lrs[i], beta = this.grid.betas[j];
    const detail = { landscape: this.grid.landscape, lr, beta, optimizers: this.spec.optimizers, run: true };
    const s = this.navState;
    if (s && s.landscape === this.grid.landscape) Object.assign(detail, { start: s.start, num_steps: s.num_steps });
    this.racing = { lr, beta };
    this.raceLine.textContent = `Racing η = ${fmt(lr)}, β = ${fmt(beta)} in the navigator…`;
    this.nav.dispatchEvent(new CustomEvent("navigator:set", { detail }));
  }

  #key(event) {
    if (!this.grid || event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      if (!this.cursor) this.#moveTo(this.#home());
      return this.#race();
    }
    const { nx, ny } = this.grid, step = event.shiftKey ? BIG : 1;
    let [i, j] = this.cursor ?? this.#home();
    const moves = { ArrowLeft: () => (i -= step), ArrowRight: () => (i += step), ArrowUp: () => (j += step),
      ArrowDown: () => (j -= step), Home: () => (i = 0), End: () => (i = nx - 1), PageUp: () => (j += BIG),
      PageDown: () => (j -= BIG) };
    if (!(event.key in moves)) return;
    event.preventDefault();
    moves[event.key]();
    this.#moveTo([Math.min(nx - 1, Math.max(0, i)), Math.min(ny - 1, Math.max(0, j))]);
  }

  // Pointer: a mouse or pen reads where it hovers; a click or a tap races. Touch does not
  // read on move: the canvas lets the browser pan vertically (touch-action: pan-y), so a
  // swipe over the map scrolls the page.
  #pointer() {
    const canvas = this.canvas;
    const nodeAt = (event) => {
      const rect = canvas.getBoundingClientRect();
      return this.plot.toNode(event.clientX - rect.left, event.clientY - rect.top);
    };
    canvas.addEventListener("pointermove", (event) => {
      if (!this.grid || event.pointerType === "touch") return;
      const node = nodeAt(event);
      this.hover = Boolean(node);
      if (node) this.#moveTo(node);
      else this.draw();
    });
    canvas.addEventListener("pointerleave", () => {
      this.hover = false;
      this.draw();
    });
    canvas.addEventListener("click", (event) => {
      const node = this.grid && nodeAt(event);
      if (!node) return;
      canvas.focus({ preventScroll: true });
      this.#moveTo(node);
      this.#race();
    });
  }
}
