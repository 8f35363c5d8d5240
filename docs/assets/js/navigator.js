// The navigator: races optimizers across a landscape, every number from lesson_code in
// the tab's one Python worker. mountNavigator(el) mounts on the inert HTML that
// scripts/navigator_hook.py renders from a ```navigator fence (data-navigator: the
// declared state and the offered landscapes' facts; a static figure; a status line).
//
// Events (see /docs/dev/navigator.md):
//   in:  "navigator:set"  detail {landscape, lr, beta, start, num_steps, optimizers | runs,
//                                noise, seed, schedule, run}
//   out: "navigator:result" after each recomputation, "navigator:finished" after a Run,
//        both bubbling with detail {state, runs: [{label, name, status, step, message, loss}]}.
import { getPython } from "./python.js";
import { buildControls, fmt, usedValues } from "./navigator-controls.js";
import { Plot, decode, prepareGrid, stretchWords, styleRuns, swatch, themeName } from "./navigator-draw.js";
import { LossPanel } from "./navigator-loss.js";
import { checkState, contractOf, readUrl, scheduleName, writeUrl } from "./navigator-url.js";
import { NearScreen } from "./near-screen.js";
import { keepReachable } from "./scroll-box.js";

const grids = new Map(); // landscape name -> Promise of a prepared contour grid (per tab)
const SITE_ROOT = new URL("../../", import.meta.url); // this file is <root>/assets/js/
/** A file the build wrote, parsed; rejects on any answer but 200-299 or on bad JSON. */
const fetchJson = (url) => fetch(url).then((response) => {
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response.json();
});
const h = (tag, props = {}, ...children) => {
  const el = Object.assign(document.createElement(tag), props);
  el.append(...children);
  return el;
};
const num = (n) => fmt(n).replace(/-/g, "−");
/** A message from elsewhere (lesson_code's, an Error's) as a sentence: its full stop added
 * unless it ends one already. */
const sentence = (text) => {
  const words = String(text).trim();
  return /[.!?…]["'”’)\]]*$/.test(words) ? words : `${words}.`;
};
const loss = (n) => (Math.abs(n) >= 1e-3 && Math.abs(n) < 1e4 ? fmt(n) : Number(n).toExponential(2)).replace(/-/g, "−");

export function mountNavigator(el) {
  el.navigator = new Navigator(el);
  el.ravineTeardown = () => el.navigator.destroy(); // ravine.js, once el has left the page
}

/**
 * The lesson_code race request for a state: the same as lesson_code.navigator.race_request
 * (which both build hooks use). The state is always complete: the navigator hook fills a
 * fence's gaps with lesson_code.navigator.RACE_DEFAULTS, and checkState only applies
 * changes on top of it, so there are no defaults here to drift; which optimizers take β is
 * the registry's (contract.withBeta).
 */
export function raceArgs(state, contract, packed = false) {
  const runs = state.runs ?? state.optimizers.map((name) => ({ name }));
  return {
    landscape: state.landscape, start: state.start, num_steps: state.num_steps, packed,
    optimizers: runs.map((run) => ({ name: run.name, lr: run.lr ?? state.lr,
      ...(contract.withBeta.has(run.name) ? { beta: run.beta ?? state.beta } : {}) })),
    // noise and a schedule only when on, as lesson_code.navigator.race_request asks
    ...(state.noise ? { noise: state.noise, seed: state.seed } : {}),
    ...(state.schedule !== "constant" ? { schedule: state.schedule } : {}),
  };
}

/** Whether two states ask Python for the same race (what lesson_code is handed). */
const sameRace = (a, b, contract) => JSON.stringify(raceArgs(a, contract)) === JSON.stringify(raceArgs(b, contract));

class Navigator {
  constructor(el) {
    this.el = el;
    const declared = JSON.parse(el.dataset.navigator);
    this.id = declared.id;
    // the page this navigator belongs to: its URL state is written there and nowhere else
    this.pagePath = location.pathname;
    this.facts = declared.facts;
    this.contract = contractOf(declared.contract);
    this.declared = { landscape: declared.landscape, lr: declared.lr, beta: declared.beta, start: declared.start,
      optimizers: declared.optimizers, num_steps: declared.num_steps, runs: null,
      noise: declared.noise, seed: declared.seed, schedule: declared.schedule };
    this.noiseAndSchedule = Boolean(declared.noise_and_schedule);
    this.builtRace = declared.race; // the declared race as the build computed it (a URL)
    this.state = structuredClone(this.declared);
    this.result = null; // the last good race: {state, runs, limits}
    this.shown = Infinity; // steps drawn
    this.animating = false;
    this.wanted = null; // the newest state waiting for Python (coalesced)
    // a box being typed in (its name) -> the state before its typing began, until the
    // reader leaves the box or any other change is made
    this.typedFrom = new Map();
    this.busy = false;
    this.asking = null; // the state of the race in flight
    this.timings = []; // ms from a change to its redraw (read by the benchmark)
    this.profile = []; // the same, split: waiting, in Python (round trip), in the page
    this.python = getPython();
    this.#build();
    const fromUrl = readUrl(this.id, this.declared, this.facts, this.contract);
    if (fromUrl) {
      this.state = fromUrl.state;
      const general = [...fromUrl.messages, ...this.#fieldNotes(fromUrl.fields, "From the link: ")];
      if (general.length) this.note(`From the link: ${general.join(" ")}`);
      // a link the page corrected (clamped, dropped): the address says what is raced
      if (general.length || Object.keys(fromUrl.fields).length) this.#urlSoon(true);
    }
    this.controls.reflect(this.state);
    this.controls.setEnabled(false);
    el.addEventListener("navigator:set", (event) => this.set(event.detail));
    this.unsubscribe = this.python.onStatus((status) => this.#status(status));
    // Ask at once: the worker answers as soon as Python is up, which saves a round trip.
    if (this.python.status.phase === "loading") this.request();
  }

  /**
   * Lets go of everything that outlives the element (after an instant navigation): the
   * status listener, the observers, an animation frame and a pending URL write.
   */
  destroy() {
    if (this.destroyed) return;
    this.destroyed = true;
    this.unsubscribe?.();
    this.resizeObserver.disconnect();
    this.themeObserver.disconnect();
    this.nearScreen.disconnect();
    this.animating = false;
    cancelAnimationFrame(this.frame);
    clearTimeout(this.urlTimer);
    this.wanted = null;
  }

  #build() {
    const el = this.el;
    this.figure = el.querySelector(".navigator-figure");
    this.box = el.querySelector(".navigator-plot-box");
    this.img = el.querySelector(".navigator-static");
    this.#pictureTheme();
    this.loading = el.querySelector("[data-nav-loading]");
    this.loading.setAttribute("role", "status");
    this.canvas = h("canvas", { className: "navigator-canvas", tabIndex: 0, hidden: true });
    this.canvas.setAttribute("role", "img");
    this.canvas.setAttribute("aria-label", "Optimizer race (loading)");
    this.canvas.setAttribute("aria-describedby", `${this.id}-keys`);
    this.box.append(this.canvas);
    // The legend, the buttons, the scoreboard and the keys line are in the page's HTML
    // (navigator_hook.py), empty or disabled until now: nothing above the loading line moves.
    this.legend = el.querySelector(".navigator-legend");
    this.lossPanel = new LossPanel(this.id); // shown once live (ravine.css)
    this.legend.after(this.lossPanel.el);
    this.general = h("p", { className: "navigator-msg navigator-general", id: `${this.id}-general` });
    this.general.setAttribute("aria-live", "polite");
    el.prepend(this.general);
    this.controls = buildControls(el, {
      id: this.id, facts: this.facts, contract: this.contract, noiseAndSchedule: this.noiseAndSchedule,
      onChange: (patch, how) => this.change(patch, how),
      onRevert: (name, keys, how) => this.revert(name, keys, how),
      onAction: (name) => this[name](),
    });
    this.scoreboard = el.querySelector(".navigator-scoreboard");
    keepReachable(this.scoreboard); // on a phone it scrolls (ravine.css)
    this.detail = h("div", { className: "navigator-detail" });
    this.detail.setAttribute("aria-live", "polite");
    const keys = el.querySelector("[data-nav-keys]");
    // Layout: what a race needs in one screen comes first, the plot, Run and the scoreboard
    // (the caption above the plot); then how to move the start, the loss panel and the
    // settings (issue 15: at 1280×800 and 375×740 the three are in view together).
    let caption = this.figure.querySelector("figcaption");
    if (!caption) caption = h("figcaption", {});
    this.figure.prepend(caption);
    this.captionNow = h("span", { className: "navigator-now", hidden: true });
    caption.append(this.captionNow);
    const copyNote = el.querySelector(`#${CSS.escape(this.id)}-copy-msg`);
    this.controls.buttons.run.parentElement.after(copyNote, this.controls.copyArea, this.scoreboard, keys,
      this.lossPanel.el);
    el.append(this.detail); // after the controls: pressing Step does not move them
    this.plot = new Plot(this.canvas);
    this.#pointer();
    this.canvas.addEventListener("keydown", (event) => this.#key(event));
    this.canvas.addEventListener("focus", () => this.draw());
    this.canvas.addEventListener("blur", () => this.draw());
    this.resizeObserver = new ResizeObserver(() => (this.el.isConnected ? this.draw() : this.destroy()));
    this.resizeObserver.observe(this.box);
    this.resizeObserver.observe(this.lossPanel.canvas);
    this.themeObserver = new MutationObserver(() => {
      if (!this.el.isConnected) return this.destroy();
      this.#pictureTheme();
      this.draw();
      this.#legend();
      this.#scoreboard(); // its swatches too are in the theme's colours
    });
    this.themeObserver.observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });
    this.nearScreen = new NearScreen(this.el, () => this.draw()); // drawn once near the screen
  }

  #status({ phase, percent, message }) {
    if (!this.el.isConnected) return queueMicrotask(() => this.destroy()); // a page we left
    if (this.live) {
      // after python.restart(): carry on with the newest change
      if (phase === "ready" && this.wanted && !this.busy) this.#next();
      return;
    }
    if (phase === "loading") this.#loadingLine(message, percent);
    else if (phase === "error") {
      this.#loadingLine(`${message} The figure shows the declared race; the controls need Python.`);
      this.el.classList.add("navigator-failed");
    } else if (phase === "ready") {
      this.#loadingLine("Python is ready: computing the race…");
      if (!this.busy) this.request(); // else the first race is already on its way
    }
  }

  /** The loading line: a phase change is announced (a polite status), its percent is only
   * shown, so a screen reader hears "Downloading Python…" once, not every percent. */
  #loadingLine(words, percent = null) {
    this.loadingWords ??= h("span", {});
    this.loadingPercent ??= h("span", { ariaHidden: "true" });
    if (this.loadingWords.parentNode !== this.loading) this.loading.replaceChildren(this.loadingWords, this.loadingPercent);
    if (this.loadingWords.textContent !== words) this.loadingWords.textContent = words;
    this.loadingPercent.textContent = percent === null ? "" : ` ${percent}%`;
  }

  /** Shows a sentence in the navigator's general message line (text only). */
  note(text) {
    this.general.textContent = text;
  }

  /**
   * A change from a control: already checked there. `typing`: a box's name, while the
   * reader types in it (the value is raced as it stands, and can still be undone: revert).
   */
  change(patch, { live, typing = null }) {
    if (!typing) this.typedFrom.clear();
    else if (!this.typedFrom.has(typing)) this.typedFrom.set(typing, this.state);
    const next = { ...this.state, ...patch };
    if (patch.landscape && patch.landscape !== this.state.landscape) next.start = [...this.facts[patch.landscape].start];
    if (patch.optimizers) next.runs = null;
    // one η (or β) for every run again, once the reader sets it
    for (const key of ["lr", "beta"]) {
      if (key in patch && next.runs) next.runs = next.runs.map(({ [key]: _, ...run }) => run);
    }
    this.state = next;
    // Nothing new to race: a typed value is raced as it is typed, so its change event
    // (Enter, leaving the box) only tidies the box and writes the URL; so does a value
    // typed again ("0.10" after "0.1").
    // A typed value is shown by the slider (and the caption) as it is raced; a slider being
    // dragged is not set again under the pointer.
    const reflect = !live || Boolean(typing) || Boolean(patch.landscape);
    if (this.#coming(next)) {
      if (reflect) this.controls.reflect(next);
      this.#captionNow();
      this.#urlSoon(!live);
      return;
    }
    if (!this.animating) this.shown = Infinity;
    this.request({ reflect });
    this.#urlSoon(!live);
  }

  /**
   * A box holds text that is not a valid value: refused, or not finished ("1e", "-"). The
   * fields it sets (keys) go back to what they were before the reader began typing in it,
   * and that race is the one drawn: never a race at a prefix of the text. live: still
   * typing; else the reader left the box (the URL is written now).
   */
  revert(name, keys, { live }) {
    const before = this.typedFrom.get(name);
    if (!live) this.typedFrom.delete(name);
    if (before) {
      const next = { ...this.state };
      for (const key of keys) next[key] = structuredClone(before[key]);
      this.state = next;
      this.controls.reflect(next, { keep: name }); // the box keeps the reader's text
      if (this.#coming(next)) this.#captionNow();
      else {
        if (!this.animating) this.shown = Infinity;
        this.request();
      }
    }
    if (before || !live) this.#urlSoon(!live);
  }

  /** Whether the race drawn now is state's. */
  #drawn(state) {
    return Boolean(this.result) && sameRace(state, this.result.state, this.contract);
  }

  /**
   * Whether state's race is the one the reader will see with nothing more asked: the newest
   * asked for (waiting, else in flight), or, with none, the one drawn (unless Python's last
   * reply failed: then asking again is the retry).
   */
  #coming(state) {
    const newest = this.wanted?.state ?? (this.busy ? this.asking : null);
    if (newest) return sameRace(newest, state, this.contract);
    return this.#drawn(state) && !this.stale;
  }

  /**
   * navigator:set: the declared state with the detail's fields applied (checked), so the
   * same event always sets up the same race; resets the race, and runs it if asked. No
   * detail (an event made without one) sets up the declared race.
   */
  set(detail) {
    const asked = detail ?? {};
    this.typedFrom.clear();
    const { state, messages, fields } = checkState(asked, this.declared, this.facts, this.contract);
    for (const name of ["noise", "schedule"]) this.controls.show(name, "");
    const general = [...messages, ...this.#fieldNotes(fields)];
    this.note(general.length ? general.join(" ") : "");
    this.state = state;
    this.controls.reflect(state);
    this.stopAnimation();
    this.pendingRun = Boolean(typeof asked === "object" && asked.run);
    this.shown = this.pendingRun ? 0 : Infinity;
    this.request();
    this.#urlSoon(true);
  }

  /**
   * Shows checkState's messages about the noise, the seed and the schedule beside their
   * controls (prefixed); returns those that have no control on this page.
   */
  #fieldNotes(fields = {}, prefix = "") {
    return Object.entries(fields).filter(([field, text]) => !this.controls.showField(field, prefix + text))
      .map(([, text]) => text);
  }

  /** New noise: the same race with another seed for the gradient noise, run at once. */
  newNoise() {
    const [low, high] = this.contract.limits.seed;
    let seed = this.state.seed;
    while (seed === this.state.seed) seed = low + Math.floor(Math.random() * (high - low + 1));
    this.typedFrom.clear();
    this.state = { ...this.state, seed };
    this.controls.reflect(this.state);
    if (!this.state.noise) this.controls.show("noise", "New noise drew seed " + seed + ", but σ = 0: set a gradient noise to see it.");
    this.stopAnimation();
    this.pendingRun = true;
    this.shown = 0;
    this.request();
    this.#urlSoon(true);
  }

  /** Asks Python for the race of this.state; while a call is out, keeps only the newest. */
  request({ reflect = false } = {}) {
    if (reflect) this.controls.reflect(this.state);
    this.#captionNow();
    this.wanted = { state: structuredClone(this.state), since: performance.now() };
    this.drawHandleOnly();
    if (!this.busy && this.python.status.phase !== "error") this.#next();
  }

  async #next() {
    const job = this.wanted;
    this.wanted = null;
    if (!job) return;
    this.busy = true;
    this.asking = job.state;
    try {
      job.asked = performance.now();
      // The contour grid (once per landscape) and the race are asked for together.
      const [grid, reply] = await Promise.all([this.#grid(job.state.landscape), this.#race(job.state)]);
      job.answered = performance.now();
      if (!this.el.isConnected) return;
      if (reply.ok) this.#accept(job, grid, reply.result);
      else this.#refused(reply, job);
    } catch (error) {
      // When Python could not start, the loading line already says so: one failure, one line.
      if (this.el.isConnected && this.python.status.phase !== "error") {
        this.note(`Python stopped: ${sentence(error.message)} The last race stays drawn.`);
        this.stale = true; // said until a race comes back
      }
    } finally {
      this.busy = false;
      this.asking = null;
      if (this.wanted && this.el.isConnected) this.#next();
    }
  }

  /**
   * lesson_code's reply to a race. The first race of a navigator still showing its declared
   * state while Python starts is the one the build computed with lesson_code's own race op
   * (scripts/navigator_hook.py): it is fetched, and handed over once Python is ready, so the
   * navigator goes live then, without waiting for Python's first (slowest) call. If it
   * cannot be fetched, or Python cannot start, Python is asked, as for every other race.
   */
  #race(state) {
    const ask = () => this.python.lesson("race", raceArgs(state, this.contract, true));
    const declared = JSON.stringify(state) === JSON.stringify(this.declared);
    const url = this.builtRace;
    this.builtRace = null; // tried once
    if (!url || !declared || this.result || this.python.status.phase !== "loading") return ask();
    const ready = new Promise((resolve, reject) => {
      const stop = this.python.onStatus(({ phase }) => {
        if (phase === "loading") return;
        queueMicrotask(() => stop());
        (phase === "ready" ? resolve : reject)();
      });
    });
    ready.catch(() => {}); // Python that cannot start is said by the loading line
    return fetchJson(new URL(url, location.href))
      .then((result) => {
        if (!Array.isArray(result?.runs) || !result.runs.length) throw new Error("not a race");
        return ready.then(() => ({ ok: true, result }));
      })
      .catch(ask);
  }

  /**
   * A landscape's contour grid, once per tab. While Python is still starting, the grid the
   * build computed with lesson_code's own contour op (scripts/navigator_hook.py) is
   * fetched instead: one download beats Python's first call, its slowest. A grid that
   * cannot be fetched or is not whole is asked of Python, as is every grid once Python runs.
   */
  #grid(name) {
    if (!grids.has(name)) {
      const { nx, ny, levels, dir } = this.contract.contour;
      const fromPython = () => this.python.lesson("contour", { landscape: name, nx, ny, levels, packed: true })
        .then((reply) => {
          if (!reply.ok) throw new Error(reply.error);
          return prepareGrid(reply.result);
        });
      const fromBuild = () => fetchJson(new URL(`${dir}/${encodeURIComponent(name)}.json`, SITE_ROOT))
        .then(async (grid) => {
          const prepared = await prepareGrid(grid);
          if (prepared.values.length !== nx * ny || !prepared.values.every(Number.isFinite)) {
            throw new Error("not a whole grid");
          }
          return prepared;
        });
      const pending = this.python.status.phase === "ready" ? fromPython() : fromBuild().catch(fromPython);
      pending.catch(() => grids.delete(name));
      grids.set(name, pending);
    }
    return grids.get(name);
  }

  #accept(job, grid, result) {
    const styles = styleRuns(result.runs, this.contract);
    const runs = result.runs.map((run, i) => ({ ...run, xs: decode(run.xs), ys: decode(run.ys), losses: decode(run.losses),
      style: styles[i] }));
    const finite = runs.every((run) => [run.xs, run.ys, run.losses].every((a) => a.every(Number.isFinite)));
    if (!finite) return this.note("lesson_code returned a value that is not finite; the last race stays drawn.");
    this.result = { state: job.state, runs, limits: result.limits, f_min: result.f_min, tol: result.tol,
      noise: result.noise, seed: result.seed, schedule: result.schedule };
    this.lossPanel.setRace(this.result);
    if (this.stale) this.note("");
    this.stale = false;
    this.detail.replaceChildren(); // a step's arithmetic belongs to the race it came from
    this.plot.setGrid(grid);
    if (!this.live) this.#goLive();
    if (this.shown !== Infinity && !this.animating && !this.pendingRun) this.shown = Math.min(this.shown, this.maxSteps);
    const limitsKey = JSON.stringify([result.limits, job.state.lr, job.state.runs]);
    if (limitsKey !== this.limitsKey) this.controls.setLimits(result.limits, job.state.lr, job.state);
    this.limitsKey = limitsKey;
    this.#legend();
    this.#captionNow(); // a schedule with parameters of its own: now in lesson_code's words
    this.draw();
    this.#scoreboard();
    const done = performance.now();
    this.timings.push(done - job.since);
    this.profile.push({ wait: job.asked - job.since, python: job.answered - job.asked, page: done - job.answered });
    if (this.timings.length > 500) this.timings.shift(), this.profile.shift();
    this.#emit("navigator:result");
    if (this.pendingRun) {
      this.pendingRun = false;
      this.run();
    }
  }

  /**
   * A refusal goes beside the control of the field it names (never by its words). Before
   * any race was drawn (a link with a schedule lesson_code refuses), that field goes back
   * to the declared one, and the race is asked again: the rest of the link is kept. Once a
   * race is drawn, it stays, and so do its settings: the controls (but the box being typed
   * in), the caption and the URL say the race drawn, not the refused one, unless a newer
   * race is already asked for.
   */
  #refused({ error, field }, job) {
    const fallback = !this.result && ["noise", "seed", "schedule"].includes(field)
      && JSON.stringify(this.state[field]) !== JSON.stringify(this.declared[field]);
    const text = `lesson_code refused this race: ${sentence(error)} ` +
      (fallback ? "Used the page's own setting instead." : "The last race stays drawn.");
    if (fallback) {
      this.state = { ...this.state, [field]: this.declared[field] };
      this.controls.reflect(this.state);
      this.request();
    } else if (this.result && !this.wanted && sameRace(job.state, this.state, this.contract)) {
      this.state = structuredClone(this.result.state);
      this.controls.reflect(this.state);
      this.#captionNow();
    }
    if (!this.controls.showField(field, text)) this.note(text);
    this.#urlSoon(true); // the address shares what is raced
  }

  /** The race as built (shown until Python is ready) in the page's theme. The build's
   * <source> picked by the system's preference; from here on Material's switch decides.
   * Once live, the picture is hidden for good: no need to fetch the other file. */
  #pictureTheme() {
    const { img } = this;
    if (!img?.dataset.dark || this.live) return;
    img.parentElement.querySelector(":scope > source")?.remove();
    const src = themeName() === "dark" ? img.dataset.dark : img.dataset.light;
    if (img.getAttribute("src") !== src) img.setAttribute("src", src);
  }

  #goLive() {
    this.live = true;
    this.img.hidden = true;
    this.canvas.hidden = false;
    this.el.classList.add("navigator-live");
    this.loading.textContent = "";
    this.loading.hidden = true;
    this.controls.setEnabled(true);
  }

  get maxSteps() {
    return Math.max(0, ...(this.result?.runs ?? []).map((run) => run.xs.length - 1));
  }

  draw() {
    if (!this.live || !this.result || !this.nearScreen.allows()) return;
    this.plot.draw({ runs: this.result.runs, shown: this.shown, start: this.state.start,
      focused: document.activeElement === this.canvas, theme: themeName() });
    this.#nameMap();
    this.lossPanel.draw({ shown: this.shown, theme: themeName() });
  }

  /** While Python computes, the handle already follows the pointer. */
  drawHandleOnly() {
    if (this.live && this.result) this.draw();
  }

  #legend() {
    if (!this.result) return;
    const key = JSON.stringify([this.result.runs.map((run) => [run.name, run.label]), themeName()]);
    if (key === this.legendKey) return;
    this.legendKey = key;
    this.legend.replaceChildren(...this.result.runs.map((run) =>
      h("li", {}, swatch(run.style), h("span", { textContent: run.label }))));
  }

  #scoreboard() {
    if (!this.result) return;
    // A run not yet at its end is running (Run), or stands still: at the start (Reset) or
    // paused (Pause, Step).
    const still = this.animating ? ["running…", "animating"] : this.shown <= 0 ? ["at the start.", "start"] : ["paused.", "paused"];
    const lines = this.result.runs.map((run) => {
      const last = run.xs.length - 1, at = Math.max(0, Math.min(last, this.shown));
      const done = at >= last;
      return [`: step ${at}, loss ${loss(run.losses[at])}, ${done ? `${run.message}.` : still[0]}`,
        done ? run.explanation : "", done ? run.status : still[1]];
    });
    const conditions = this.#conditions();
    const key = JSON.stringify([this.legendKey, lines, conditions]);
    if (key !== this.scoreKey) {
      this.scoreKey = key;
      const items = this.result.runs.map((run, i) => {
        const [text, explanation, status] = lines[i];
        const li = h("li", { className: `navigator-score navigator-${run.status}` });
        li.dataset.name = run.name;
        li.dataset.status = status;
        li.append(swatch(run.style), h("strong", { textContent: run.label }), h("span", { textContent: text }));
        if (explanation) li.append(" ", h("span", { className: "navigator-explanation", textContent: explanation }));
        return li;
      });
      this.scoreboard.replaceChildren(
        ...(conditions ? [h("p", { className: "navigator-conditions", textContent: conditions })] : []), h("ul", {}, ...items));
    }
    // the map's name says the race it draws
    const s = this.result.state, title = this.facts[s.landscape].title;
    const summary = this.result.runs.map((run) => `${run.label} ${run.message}`).join("; ");
    this.mapName = [title, `contour map. Start (${num(s.start[0])}, ${num(s.start[1])}), ` +
      `${settings(s, this.contract, this.#scheduleWords(s))}, ${steps(s.num_steps)}: ${summary}.`];
    this.#nameMap();
  }

  /** The map's name: the race it draws, and a stretch of y when the plot has one (a plot
   * too thin at equal scales, navigator-draw.js); the size of the canvas can change it. */
  #nameMap() {
    if (!this.mapName) return;
    const [title, rest] = this.mapName, stretched = stretchWords(this.plot.stretch);
    const name = `${title}${stretched ? ` (${stretched})` : ""}, ${rest}`;
    if (this.canvas.getAttribute("aria-label") !== name) this.canvas.setAttribute("aria-label", name);
  }

  /**
   * The caption says what the author set up. Once the reader's race differs (a dragged
   * start, another η, a set-up button), a line under it says what is racing now.
   */
  #captionNow() {
    if (!this.captionNow) return;
    const s = this.state;
    this.controls.labelSchedule(scheduleName(s.schedule), this.#scheduleWords(s));
    const changed = !sameRace(s, this.declared, this.contract);
    this.captionNow.hidden = !changed;
    if (!changed) return;
    const runs = s.runs ?? s.optimizers.map((name) => ({ name }));
    const who = runs.map((run) => {
      const own = [run.lr != null && `η = ${num(run.lr)}`, run.beta != null && `β = ${num(run.beta)}`].filter(Boolean);
      const label = this.contract.labels[run.name];
      return own.length ? `${label} (${own.join(", ")})` : label;
    });
    this.captionNow.textContent = `Now racing: ${who.join(", ")} on ${this.facts[s.landscape].title} from ` +
      `(${num(s.start[0])}, ${num(s.start[1])}), ${settings(s, this.contract, this.#scheduleWords(s))}, ${steps(s.num_steps)}.`;
  }

  /**
   * A state's learning-rate schedule in words. By its name: the registry's label (at its
   * defaults). With parameters of its own (a link, an event): lesson_code's label once a
   * race with it is drawn, and until then its name and parameters.
   */
  #scheduleWords(s) {
    const schedule = s.schedule, name = scheduleName(schedule);
    if (typeof schedule === "string") return this.contract.schedules.find((one) => one.name === name)?.label ?? name;
    const r = this.result;
    if (r?.schedule && r.state.num_steps === s.num_steps && JSON.stringify(r.state.schedule) === JSON.stringify(schedule)) {
      return r.schedule.label;
    }
    const { name: _, ...params } = schedule;
    return `${name} (${Object.entries(params).map(([key, value]) => `${key} = ${num(value)}`).join(", ")})`;
  }

  /** The race's noise and schedule in words, as lesson_code ran it; "" when neither is on. */
  #conditions() {
    const r = this.result;
    const parts = [];
    if (r.noise) parts.push(`Gradient noise σ = ${num(r.noise)} (seed ${r.seed}): each run settles into a cloud rather than a point.`);
    if (r.schedule && r.schedule.name !== "constant") parts.push(`Learning-rate schedule: ${r.schedule.label}.`);
    return parts.join(" ");
  }

  #emit(type) {
    const runs = this.result.runs.map(({ label, name, status, step, message, losses }) =>
      ({ label, name, status, step, message, loss: losses[losses.length - 1] }));
    this.el.dispatchEvent(new CustomEvent(type, { bubbles: true, detail: { state: structuredClone(this.result.state), runs } }));
  }

  // The buttons.
  run() {
    if (!this.result) return;
    // Run pressed right after a change: the race on its way is the one asked for, and runs
    // when it arrives (#accept), not the one still drawn.
    if (!this.#drawn(this.state) && (this.busy || this.wanted)) {
      this.pendingRun = true;
      return;
    }
    this.stopAnimation();
    this.detail.replaceChildren();
    if (this.shown >= this.maxSteps) this.shown = 0;
    if (matchMedia("(prefers-reduced-motion: reduce)").matches) {
      this.shown = Infinity;
      this.draw();
      this.#scoreboard();
      return this.#emit("navigator:finished");
    }
    this.animating = true;
    this.scoreboard.setAttribute("aria-busy", "true");
    const rate = Math.max(30, this.maxSteps / 4); // steps per second: a whole race in ≤ 4 s
    let last = performance.now(), carry = this.shown;
    const frame = (now) => {
      if (!this.animating || !this.el.isConnected) return;
      // A frame's time is when the frame began, which can be before Run was pressed (a
      // click handled after the frame began): time never runs backwards here, so the
      // animation never shows step −1, whose loss does not exist (NaN).
      carry = Math.min(this.maxSteps, carry + (Math.max(0, now - last) / 1000) * rate);
      last = Math.max(last, now);
      this.shown = Math.floor(carry);
      this.draw();
      this.#scoreboard();
      if (this.shown >= this.maxSteps) {
        this.stopAnimation();
        this.shown = Infinity;
        this.#scoreboard();
        this.#emit("navigator:finished");
      } else this.frame = requestAnimationFrame(frame);
    };
    this.frame = requestAnimationFrame(frame);
  }

  stopAnimation() {
    this.animating = false;
    cancelAnimationFrame(this.frame);
    this.scoreboard.removeAttribute("aria-busy");
  }

  pause() {
    if (this.animating) {
      this.stopAnimation();
      this.#scoreboard();
    }
  }

  reset() {
    this.stopAnimation();
    this.shown = 0;
    this.detail.replaceChildren();
    this.draw();
    this.#scoreboard();
  }

  async step() {
    if (!this.result) return;
    this.stopAnimation();
    if (this.shown >= this.maxSteps) this.shown = 0;
    const k = this.shown;
    this.shown = k + 1;
    this.draw();
    this.#scoreboard();
    let reply;
    try {
      reply = await this.python.lesson("step_detail", { ...raceArgs(this.result.state, this.contract), step: k });
    } catch (error) {
      return this.note(`Python stopped before it could show step ${k + 1}: ${sentence(error.message)}`);
    }
    if (!reply.ok) return this.note(`lesson_code could not show step ${k + 1}: ${sentence(reply.error)}`);
    this.#detail(k, reply.result.runs);
  }

  #detail(k, runs) {
    const vec = (v) => `(${v.map(num).join(", ")})`;
    const rows = runs.map((run) => {
      const lines = [`w${sub(run.step)} = ${vec(run.w)}, loss ${loss(run.loss)}`];
      if (run.update) {
        lines.push(`gradient ∇f(w${sub(run.step)}) = ${vec(run.grad_used)}`);
        for (const [key, value] of Object.entries(run.state_next)) {
          const name = this.contract.stateWords[run.name]?.[key] ?? key;
          lines.push(`${name} = ${Array.isArray(value) ? vec(value) : value}`);
        }
        lines.push(`update Δw = ${vec(run.update)}`, `w${sub(run.step + 1)} = w${sub(run.step)} + Δw = ${vec(run.w_next)}, loss ${loss(run.loss_next)}`);
      } else lines.push("this run has ended: no further step.");
      return h("li", {}, h("strong", { textContent: `${run.label}, step ${k + 1}` }),
        h("ul", {}, ...lines.map((line) => h("li", { textContent: line }))));
    });
    this.detail.replaceChildren(h("p", { className: "navigator-detail-title", textContent: `The arithmetic of step ${k + 1}:` }),
      h("ul", {}, ...rows));
  }

  async copy() {
    let reply;
    try {
      reply = await this.python.lesson("snippet", raceArgs(this.result?.state ?? this.state, this.contract));
    } catch (error) {
      return this.controls.show("copy", `Python stopped before it could write the code: ${sentence(error.message)}`);
    }
    if (!reply.ok) return this.controls.show("copy", `lesson_code could not write the code: ${sentence(reply.error)}`);
    const area = this.controls.copyArea;
    try {
      await navigator.clipboard.writeText(reply.result);
      area.hidden = true;
      this.controls.showOk("copy", "Copied the Python for this race to the clipboard.");
    } catch {
      area.value = reply.result;
      area.hidden = false;
      area.focus();
      area.select();
      this.controls.show("copy", "The clipboard is not available here: the code is selected below, copy it with Ctrl+C (⌘C).");
    }
  }

  // Moving the start point: pointer (mouse, pen, touch) and keyboard.
  moveStart(x, y, { commit }) {
    const [[x0, x1], [y0, y1]] = this.facts[this.state.landscape].bounds;
    const round = (v, lo, hi) => {
      const step = 10 ** Math.floor(Math.log10((hi - lo) / 400));
      return Number((Math.round(Math.min(hi, Math.max(lo, v)) / step) * step).toFixed(Math.max(0, -Math.log10(step))));
    };
    this.typedFrom.clear();
    this.state = { ...this.state, start: [round(x, x0, x1), round(y, y0, y1)] };
    this.controls.show("start", "");
    this.controls.reflect(this.state);
    // an arrow key against the edge, or a drag within one rounding step: nothing new to race
    if (!this.#coming(this.state)) {
      if (!this.animating) this.shown = Infinity;
      this.request();
    }
    this.#urlSoon(commit);
  }

  #urlSoon(now) {
    clearTimeout(this.urlTimer);
    // never into another page's URL: after an instant navigation this element is gone
    // (instant navigation changes the URL before it removes this element)
    const write = () => this.el.isConnected && location.pathname === this.pagePath
      && writeUrl(this.id, this.state);
    if (now) write();
    else this.urlTimer = setTimeout(write, 300);
  }

  /**
   * Mouse and pen: press anywhere on the map to put the start there, and drag. Touch: only
   * a touch that starts on the handle drags it (its touchstart is cancelled, so the page
   * does not scroll); a swipe anywhere else scrolls the page (touch-action: pan-y, see
   * ravine.css), and a tap without a swipe puts the start where it was tapped.
   */
  #pointer() {
    const canvas = this.canvas;
    const HANDLE_REACH = 22; // CSS px around the handle's centre a finger may land on
    const TAP_SLOP = 10; // CSS px a tap may wander and still be a tap
    const local = (event) => {
      const rect = canvas.getBoundingClientRect();
      return [event.clientX - rect.left, event.clientY - rect.top];
    };
    const at = (event) => this.plot.toData(...local(event));
    const onHandle = (px, py) => {
      if (!this.live || !this.plot.grid) return false;
      const [hx, hy] = this.plot.toPixel(...this.state.start);
      return Math.hypot(px - hx, py - hy) <= HANDLE_REACH;
    };
    canvas.addEventListener("touchstart", (event) => {
      const rect = canvas.getBoundingClientRect();
      const t = event.touches[0];
      if (event.touches.length === 1 && onHandle(t.clientX - rect.left, t.clientY - rect.top)) event.preventDefault();
    }, { passive: false });
    canvas.addEventListener("touchmove", (event) => {
      if (this.dragging != null) event.preventDefault();
    }, { passive: false });
    canvas.addEventListener("pointerdown", (event) => {
      if (!this.live || event.button > 0) return;
      if (event.pointerType === "touch" && !onHandle(...local(event))) {
        this.tap = { id: event.pointerId, x: event.clientX, y: event.clientY };
        return; // the browser scrolls, or it is a tap (pointerup)
      }
      event.preventDefault();
      canvas.focus({ preventScroll: true });
      canvas.setPointerCapture(event.pointerId);
      this.dragging = event.pointerId;
      if (event.pointerType !== "touch") this.moveStart(...at(event), { commit: false });
    });
    canvas.addEventListener("pointermove", (event) => {
      if (this.dragging !== event.pointerId) return;
      this.moveStart(...at(event), { commit: false });
    });
    const end = (event) => {
      const tap = this.tap;
      if (tap?.id === event.pointerId) {
        this.tap = null;
        const still = Math.hypot(event.clientX - tap.x, event.clientY - tap.y) <= TAP_SLOP;
        if (event.type === "pointerup" && still && this.live) this.moveStart(...at(event), { commit: true });
      }
      if (this.dragging !== event.pointerId) return;
      this.dragging = null;
      this.#urlSoon(true);
    };
    canvas.addEventListener("pointerup", end);
    canvas.addEventListener("pointercancel", end);
  }

  #key(event) {
    const moves = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] };
    if (!this.live || !(event.key in moves)) return;
    event.preventDefault();
    // one step is as long across as up (the plot draws x and y at one scale): 2 % of the
    // landscape's shorter side, 10 % with Shift
    const [[x0, x1], [y0, y1]] = this.facts[this.state.landscape].bounds;
    const size = (event.shiftKey ? 0.1 : 0.02) * Math.min(x1 - x0, y1 - y0);
    const [dx, dy] = moves[event.key];
    this.moveStart(this.state.start[0] + dx * size, this.state.start[1] + dy * size, { commit: false });
  }
}

/**
 * "η = 0.18, β = 0.9", or per run: "η = 0.05, β = 0.5 and 0.99" (the values the runs use);
 * then the noise and the schedule (in scheduleWords), when on.
 */
function settings(s, contract, scheduleWords) {
  const lrs = usedValues(s, "lr", contract), betas = usedValues(s, "beta", contract);
  const schedule = scheduleName(s.schedule), label = scheduleWords;
  return [`η = ${lrs.map(num).join(" and ")}`, betas.length ? `β = ${betas.map(num).join(" and ")}` : "",
    s.noise ? `gradient noise σ = ${num(s.noise)} (seed ${s.seed})` : "",
    schedule !== "constant" ? `learning-rate schedule ${label}` : ""]
    .filter(Boolean).join(", ");
}

/** "1 step", "300 steps" */
const steps = (n) => `${n} ${n === 1 ? "step" : "steps"}`;
const sub = (k) => String(k).replace(/\d/g, (d) => "₀₁₂₃₄₅₆₇₈₉"[d]);
