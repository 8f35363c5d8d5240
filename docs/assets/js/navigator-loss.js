// The loss panel under the navigator's map: f − f_min against step on a log scale, one
// line per run in its map style (colour AND dash), the tolerance the runner judged arrival
// by, and each run's first step within it and the step it stayed from. Drawing and reading
// out only: the losses, f_min, tol, first, step and message all come from lesson_code's race
// reply; this module maps them to pixels and words, and computes no step and no loss.
import { THEMES, fitCanvas, marker, niceTicks } from "./navigator-draw.js";

const TOL_LABEL = "tol";
const FONT = "12px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
const MARGIN = { right: 10, top: 10, bottom: 34 };
const Y_LABEL_BAND = 18, TICK = 4, TICK_GAP = 2;
// Gaps at or below the floor, FLOOR decades under the tolerance's (10⁻¹² for 10⁻⁶), zero,
// negative and NaN ones included, are drawn on it: a log scale has no room for them.
const FLOOR = 6;
// A diverging run is followed up to this many decades above the highest start, then leaves
// the top of the panel, so it does not squash the part where runs arrive.
const HEADROOM = 6;
const BAND = { light: "rgba(90,110,140,0.13)", dark: "rgba(190,205,230,0.12)" };
const GRID = { light: "rgba(80,92,112,0.14)", dark: "rgba(170,182,206,0.14)" };

const SUPER = { "-": "⁻", 0: "⁰", 1: "¹", 2: "²", 3: "³", 4: "⁴", 5: "⁵", 6: "⁶", 7: "⁷", 8: "⁸", 9: "⁹" };
const power = (n) => `10${String(n).replace(/./g, (c) => SUPER[c])}`;
/** A tolerance as a reader writes it: 10⁻⁶, or 2.5e−4 when it is not a power of ten. */
export function tolText(tol) {
  const n = Math.round(Math.log10(tol));
  return 10 ** n === tol ? power(n) : tol.toExponential().replace("-", "−").replace("e+", "e");
}

/**
 * What the panel says about one run: its first step within tolerance and the step it stays
 * from, or that it left again or never arrived, in lesson_code's words (message) and steps.
 */
export function runSentence({ label, status, first, step, message }) {
  if (first === null || first === undefined) return `${label}: ${message}, never within tolerance.`;
  if (status === "converged") {
    return first < step ? `${label}: ${message}.` : `${label}: ${message}, also its first step within tolerance.`;
  }
  // running (within tolerance at the end but not yet shown to stay, or out again), or diverged
  return `${label}: first within tolerance at step ${first}; ${message}.`;
}

const h = (tag, props = {}, ...children) => {
  const el = Object.assign(document.createElement(tag), props);
  el.append(...children);
  return el;
};

export class LossPanel {
  /** The panel's elements (this.el) for the navigator with this id; nothing drawn yet. */
  constructor(id) {
    this.canvas = h("canvas", { className: "navigator-loss-canvas" });
    this.canvas.setAttribute("role", "img");
    this.canvas.setAttribute("aria-label", "Loss against step");
    this.note = h("p", { className: "navigator-loss-note", id: `${id}-loss-note` });
    this.text = h("p", { className: "ravine-sr-only", id: `${id}-loss-text` });
    this.canvas.setAttribute("aria-describedby", `${id}-loss-note ${id}-loss-text`);
    this.el = h("div", { className: "navigator-loss" }, h("div", { className: "navigator-loss-box" }, this.canvas),
      this.note, this.text);
    this.ctx = this.canvas.getContext("2d");
    this.width = this.height = this.dpr = 0;
  }

  /** A new race ({runs, f_min, tol}): its scale, once, and its words. */
  setRace({ runs, f_min: fMin, tol }) {
    this.race = { runs, fMin, tol, log: fMin !== null && fMin !== undefined };
    this.scale = this.race.log ? logScale(runs, fMin, tol) : symlogScale(runs);
    this.steps = Math.max(1, ...runs.map((run) => run.losses.length - 1));
    const floor = this.scale.clamped ? ` Gaps of ${power(this.scale.bottom)} or less are drawn on the floor.` : "";
    const marks = " Hollow marker: a run's first step within tolerance; filled marker: the step it stays from.";
    this.note.replaceChildren(h("strong", { textContent: "Loss against step" }), this.race.log
      ? `: f − f_min on a log scale. Shaded, below the line marked tol: within the tolerance ${tolText(tol)} ` +
        `by which the runner judges arrival.${marks}${floor}`
      : ": f itself, on a symmetric log scale. This surface has no minimum, so there is no gap f − f_min " +
        `to draw; here the runner judges arrival by the gradient norm (tolerance ${tolText(tol)}), which ` +
        `the race does not report, so no tolerance line is drawn.${marks}`);
    this.text.textContent = `Step 0 to ${this.steps}. ${runs.map(runSentence).join(" ")}`;
  }

  #resize() {
    fitCanvas(this);
  }

  /** Draws every run up to step `shown` (the map's animation), in the theme's colours. */
  draw({ shown = Infinity, theme }) {
    if (!this.race) return;
    this.#resize();
    const ctx = this.ctx, colors = THEMES[theme], { runs, tol, log } = this.race, scale = this.scale;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    ctx.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    ctx.font = FONT;
    const height = Math.max(1, this.height - MARGIN.top - MARGIN.bottom);
    const yTicks = spaced(scale.ticks(Math.max(2, Math.floor(height / 24))),
      (t) => ((t - scale.bottom) / (scale.top - scale.bottom)) * height);
    const widest = Math.max(0, ...yTicks.map(([, label]) => ctx.measureText(label).width));
    const left = Math.ceil(widest) + TICK + TICK_GAP + Y_LABEL_BAND;
    // right: half of the last step label ("1000", centred on its tick) and the "tol" label,
    // which sits beside the frame so that it never hides a run arriving at the right
    const right = Math.max(MARGIN.right, Math.ceil(ctx.measureText(String(this.steps)).width / 2) + 2,
      log ? Math.ceil(ctx.measureText(TOL_LABEL).width) + TICK + TICK_GAP : 0);
    const a = { left, top: MARGIN.top, width: Math.max(1, this.width - left - right), height };
    const px = (k) => a.left + (k / this.steps) * a.width;
    const py = (t) => Math.max(-1e5, Math.min(1e5, a.top + (1 - (t - scale.bottom) / (scale.top - scale.bottom)) * a.height));
    // Grid, and the tolerance: a shaded band below its line, labelled in the right margin.
    ctx.strokeStyle = GRID[theme];
    ctx.lineWidth = 1;
    for (const [t] of yTicks) line(ctx, a.left, py(t), a.left + a.width, py(t));
    if (log) {
      const y = py(Math.log10(tol));
      ctx.fillStyle = BAND[theme];
      ctx.fillRect(a.left, y, a.width, a.top + a.height - y);
      ctx.strokeStyle = colors.text;
      line(ctx, a.left, y, a.left + a.width + TICK, y);
      ctx.textAlign = "left";
      ctx.textBaseline = "middle";
      ctx.fillStyle = colors.text;
      ctx.fillText(TOL_LABEL, a.left + a.width + TICK + TICK_GAP, y);
    }
    // The runs, then their marks, clipped to the plot (a diverging run leaves the top).
    ctx.save();
    ctx.beginPath();
    ctx.rect(a.left, a.top - 8, a.width + 8, a.height + 16);
    ctx.clip();
    const styles = runs.map((run) => run.style);
    runs.forEach((run, r) => {
      const last = Math.min(run.losses.length - 1, shown);
      if (last < 1) return;
      ctx.beginPath();
      for (let k = 0; k <= last; k++) ctx[k ? "lineTo" : "moveTo"](px(k), py(scale.at(run.losses[k])));
      ctx.lineJoin = "round";
      ctx.setLineDash(styles[r].dash);
      ctx.strokeStyle = styles[r][theme];
      ctx.lineWidth = 2;
      ctx.stroke();
      ctx.setLineDash([]);
    });
    runs.forEach((run, r) => {
      const style = styles[r], color = style[theme], at = (k) => [px(k), py(scale.at(run.losses[k]))];
      const arrived = run.status === "converged" && run.step <= shown;
      if (run.first !== null && run.first !== undefined && run.first <= shown && !(arrived && run.first === run.step)) {
        marker(ctx, style.marker, ...at(run.first), 4.5, colors.halo, color); // hollow: first touch
      }
      if (arrived) marker(ctx, style.marker, ...at(run.step), 5, color, colors.halo); // filled: for good
    });
    ctx.restore();
    // Frame, ticks and labels.
    ctx.strokeStyle = colors.frame;
    ctx.lineWidth = 1;
    ctx.strokeRect(a.left + 0.5, a.top + 0.5, a.width - 1, a.height - 1);
    ctx.fillStyle = colors.text;
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    for (const [k, label] of niceTicks(0, this.steps, Math.max(2, Math.round(a.width / 80)))) {
      if (!Number.isInteger(k)) continue;
      line(ctx, px(k), a.top + a.height, px(k), a.top + a.height + TICK);
      ctx.fillText(label, px(k), a.top + a.height + 6);
    }
    ctx.fillText("step", a.left + a.width / 2, a.top + a.height + 20);
    ctx.textAlign = "right";
    ctx.textBaseline = "middle";
    for (const [t, label] of yTicks) {
      line(ctx, a.left - TICK, py(t), a.left, py(t));
      ctx.fillText(label, a.left - TICK - TICK_GAP, py(t));
    }
    ctx.save();
    ctx.translate(Y_LABEL_BAND / 2, a.top + a.height / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textAlign = "center";
    ctx.fillText(log ? "f − f_min" : "f (symlog)", 0, 0);
    ctx.restore();
  }
}

/** The ticks, in order of preference, without any closer than `gap` pixels to a kept one. */
function spaced(ticks, toPixel, gap = 16) {
  const kept = [];
  for (const tick of ticks) if (kept.every(([t]) => Math.abs(toPixel(t) - toPixel(tick[0])) >= gap)) kept.push(tick);
  return kept;
}

function line(ctx, x0, y0, x1, y1) {
  ctx.beginPath();
  ctx.moveTo(x0, y0);
  ctx.lineTo(x1, y1);
  ctx.stroke();
}

/** log10(f − f_min), whole decades from the floor (or the smallest gap) to the largest. */
function logScale(runs, fMin, tol) {
  const low10 = Math.floor(Math.log10(tol)) - FLOOR, floor = 10 ** low10;
  let low = Infinity, high = -Infinity, start = -Infinity, clamped = false;
  for (const run of runs) {
    run.losses.forEach((f, k) => {
      const gap = f - fMin;
      if (!(gap > floor)) clamped = true;
      else if (gap < Infinity) {
        low = Math.min(low, gap);
        high = Math.max(high, gap);
        if (k === 0) start = Math.max(start, gap);
      }
    });
  }
  let bottom = clamped ? low10 : Math.floor(Math.log10(Math.min(low, tol / 10)));
  let top = Math.ceil(Math.log10(Math.max(Math.min(high, start * 10 ** HEADROOM), tol * 10)));
  if (!Number.isFinite(bottom)) bottom = low10;
  if (!Number.isFinite(top)) top = bottom + 2;
  return {
    bottom, top, clamped,
    at: (f) => {
      const gap = f - fMin;
      return gap > floor ? (gap < Infinity ? Math.log10(gap) : top + 1) : low10; // ≤ floor, NaN: the floor
    },
    // decades every few, counted from the tolerance's, which comes first (then the floor)
    ticks: (most) => {
      const every = Math.max(1, Math.ceil((top - bottom) / most)), anchor = Math.floor(Math.log10(tol));
      const out = [[anchor, power(anchor)], ...(clamped ? [[bottom, `≤${power(bottom)}`]] : [])];
      for (let n = anchor + every; n <= top; n += every) out.push([n, power(n)]);
      for (let n = anchor - every; n > bottom || (n === bottom && !clamped); n -= every) out.push([n, power(n)]);
      return out;
    },
  };
}

/** sign(f)·log10(1 + |f|): f itself where there is no f_min (it may fall below zero). */
function symlogScale(runs) {
  const at = (f) => (Number.isNaN(f) ? 0 : Math.sign(f) * Math.log10(1 + Math.min(Math.abs(f), 1e300)));
  let low = 0, high = 0;
  for (const run of runs) for (const f of run.losses) {
    low = Math.min(low, at(f));
    high = Math.max(high, at(f));
  }
  const bottom = Math.floor(low), top = Math.max(Math.ceil(high), bottom + 1);
  return {
    bottom, top, clamped: false, at,
    ticks: (most) => {
      // 0, then ±1, ±10ⁿ… every few decades, as many as fit
      const every = Math.max(1, Math.ceil((top - bottom) / most));
      const out = [[0, "0"]]; // first: kept whatever else has to go for room
      for (let n = 0; Math.log10(1 + 10 ** n) <= Math.max(top, -bottom); n += every) {
        const t = Math.log10(1 + 10 ** n), label = n === 0 ? "1" : power(n);
        if (t <= top) out.push([t, label]);
        if (-t >= bottom) out.push([-t, `−${label}`]);
      }
      return out;
    },
  };
}
