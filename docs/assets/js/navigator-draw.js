// Drawing only: the landscape (filled contours, contour lines, minima, axes), the
// trajectories lesson_code returned, and the start handle, on a devicePixelRatio-aware
// <canvas>. Nothing here computes a step or a loss: the grid values and the points come
// from lesson_code (contour and race ops); this module only maps them to pixels.

// Each optimizer's style, its colour (per theme) AND its dash AND its marker, never colour
// alone, is lesson_code's (the optimizer registry; navigator-url.js contractOf). Each run
// carries its style (run.style, see styleRuns) when it is drawn.

export const THEMES = {
  light: { ramp: ["#fbfaf5", "#e6e9ee", "#b7c0cf"], line: "rgba(80,92,112,0.55)", text: "#2b2f36",
    frame: "#6b7280", halo: "rgba(255,255,255,0.85)", star: "#f5c542", starEdge: "#333",
    handle: "#ffffff", handleEdge: "#111111", focus: "#c2185b" },
  dark: { ramp: ["#1a1f2c", "#283046", "#3d4866"], line: "rgba(170,182,206,0.45)", text: "#dde1ea",
    frame: "#9aa3b5", halo: "rgba(10,12,18,0.85)", star: "#f5c542", starEdge: "#111",
    handle: "#1a1f2c", handleEdge: "#ffffff", focus: "#ff80ab" },
};

/**
 * Matches drawer.canvas to its CSS box and the screen's pixel ratio (capped at 3); keeps
 * width, height (CSS pixels) and dpr on drawer. False when nothing changed.
 */
export function fitCanvas(drawer) {
  const rect = drawer.canvas.getBoundingClientRect();
  const dpr = Math.min(window.devicePixelRatio || 1, 3);
  const width = Math.max(1, Math.round(rect.width)), height = Math.max(1, Math.round(rect.height));
  if (width === drawer.width && height === drawer.height && dpr === drawer.dpr) return false;
  Object.assign(drawer, { width, height, dpr });
  drawer.canvas.width = Math.round(width * dpr);
  drawer.canvas.height = Math.round(height * dpr);
  return true;
}

export function themeName() {
  return document.body?.getAttribute("data-md-color-scheme") === "slate" ? "dark" : "light";
}

/**
 * One style per run: its optimizer's (contract.styles), and for a repeated name the next of
 * contract.extra.
 */
export function styleRuns(runs, { styles, extra }) {
  const seen = new Map();
  return runs.map(({ name }) => {
    const count = seen.get(name) ?? 0;
    seen.set(name, count + 1);
    return count === 0 && styles[name] ? styles[name] : extra[(count + (styles[name] ? -1 : 0)) % extra.length];
  });
}

/** base64 little-endian float64s (lesson_code's packed payloads) -> Float64Array. */
export function decode(packed) {
  const text = atob(packed);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return new Float64Array(bytes.buffer);
}

const hex = (c) => [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16));
function rampColors(ramp, n) {
  const stops = ramp.map(hex);
  return Array.from({ length: n }, (_, i) => {
    const t = n === 1 ? 0 : (i / (n - 1)) * (stops.length - 1);
    const k = Math.min(stops.length - 2, Math.floor(t));
    const f = t - k;
    return stops[k].map((c, j) => Math.round(c + (stops[k + 1][j] - c) * f));
  });
}

// ImageData holds RGBA bytes; written a 32-bit word at a time, a pixel's bytes are in the
// platform's order.
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** An opaque colour [r, g, b] as one pixel word of pixelWords(). */
export function pixelWord([r, g, b]) {
  return (LITTLE_ENDIAN ? (255 << 24) | (b << 16) | (g << 8) | r : (r << 24) | (g << 16) | (b << 8) | 255) >>> 0;
}

/** An ImageData's pixels, one 32-bit word each, row by row. */
export function pixelWords(image) {
  return new Uint32Array(image.data.buffer, image.data.byteOffset, image.width * image.height);
}

/**
 * Paints each pixel of image (which spans the grid's bounds, y up) with the word of its
 * band: words[b] where b levels (ascending) are at or below the value there, the value
 * bilinear in the grid. Each pixel row is one interpolated grid row, and the band is
 * walked from its neighbour's, not searched: the bands of interpolating each pixel from
 * its four nodes (up to rounding, on a level), in about two thirds of the time (Chromium
 * at 4x CPU, 532,000 pixels: 46 ms against 71).
 */
export function fillBands(image, { nx, ny, values, levels }, words) {
  const W = image.width, H = image.height, n = levels.length, pixels = pixelWords(image);
  const columns = new Int32Array(W), weights = new Float64Array(W), row = new Float64Array(nx);
  for (let px = 0; px < W; px++) {
    const gx = ((px + 0.5) / W) * (nx - 1);
    columns[px] = Math.min(nx - 2, Math.floor(gx));
    weights[px] = gx - columns[px];
  }
  let band = 0;
  for (let py = 0; py < H; py++) {
    const gy = (1 - (py + 0.5) / H) * (ny - 1);
    const j = Math.min(ny - 2, Math.floor(gy)), fy = gy - j;
    for (let i = 0, k = j * nx; i < nx; i++, k++) row[i] = values[k] + (values[k + nx] - values[k]) * fy;
    for (let px = 0, o = py * W; px < W; px++, o++) {
      const i = columns[px], fx = weights[px];
      const v = row[i] + (row[i + 1] - row[i]) * fx; // exact where the nodes are equal
      if (v !== v) band = 0; // NaN: below every level, as a search would say
      else {
        while (band < n && levels[band] <= v) band++;
        while (band > 0 && levels[band - 1] > v) band--;
      }
      pixels[o] = words[band];
    }
  }
}

/** "Nice" tick values covering [lo, hi], about count of them. */
export function niceTicks(lo, hi, count) {
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  const step = (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * mag;
  const ticks = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) {
    ticks.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  }
  const digits = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  return ticks.map((v) => [v, v.toFixed(digits).replace("-", "−")]);
}

// Marching squares: contour segments of one level on the grid, in data coordinates.
// Each cell's corners a (i, j), b (i + 1, j), c (i + 1, j + 1), d (i, j + 1); its edges
// 0 bottom (a-b), 1 right (b-c), 2 top (d-c), 3 left (a-d). PAIRS[code]: the edges each
// segment joins, for the corners above the level (bit 1 a, 2 b, 4 c, 8 d); the two saddles
// (5 and 10) are split by the cell's mean. No allocation per cell: a grid of a few
// hundred thousand cells and a dozen levels is prepared while the page loads.
const PAIRS = [
  [], [3, 0], [0, 1], [3, 1], [1, 2], null, [0, 2], [3, 2],
  [2, 3], [0, 2], null, [1, 2], [1, 3], [0, 1], [3, 0], [],
];
const SADDLES = { 5: [[3, 2, 0, 1], [3, 0, 1, 2]], 10: [[0, 3, 1, 2], [0, 1, 2, 3]] };

function isoSegments(grid, level) {
  const { nx, ny, values, bounds } = grid;
  const [[x0, x1], [y0, y1]] = bounds;
  const dx = (x1 - x0) / (nx - 1), dy = (y1 - y0) / (ny - 1);
  const out = [];
  let a, b, c, d, xa, ya;
  const push = (edge) => {
    if (edge === 0) out.push(xa + ((level - a) / (b - a)) * dx, ya);
    else if (edge === 1) out.push(xa + dx, ya + ((level - b) / (c - b)) * dy);
    else if (edge === 2) out.push(xa + ((level - d) / (c - d)) * dx, ya + dy);
    else out.push(xa, ya + ((level - a) / (d - a)) * dy);
  };
  for (let j = 0; j < ny - 1; j++) {
    for (let i = 0; i < nx - 1; i++) {
      const k = j * nx + i;
      a = values[k]; b = values[k + 1]; c = values[k + nx + 1]; d = values[k + nx];
      const code = (a > level) | ((b > level) << 1) | ((c > level) << 2) | ((d > level) << 3);
      if (code === 0 || code === 15) continue;
      xa = x0 + i * dx; ya = y0 + j * dy;
      const edges = PAIRS[code] ?? SADDLES[code][(a + b + c + d) / 4 > level ? 0 : 1];
      for (let e = 0; e < edges.length; e++) push(edges[e]);
    }
  }
  return out;
}

/** Lets the browser handle input and paint before the next piece of work. */
function yieldToPage() {
  return globalThis.scheduler?.yield ? globalThis.scheduler.yield() : new Promise((resolve) => setTimeout(resolve, 0));
}

/** Prepares a contour payload (values decoded) for drawing: its lines, once. One level at
 * a time, yielding between them, so a page that is loading stays responsive (each level
 * is a few milliseconds; a dozen at once is one long task on a phone). */
export async function prepareGrid(grid) {
  const values = typeof grid.values === "string" ? decode(grid.values) : Float64Array.from(grid.values);
  const prepared = { ...grid, values, lines: [] };
  for (const level of grid.levels) {
    await yieldToPage();
    prepared.lines.push(isoSegments(prepared, level));
  }
  return prepared;
}

const MARGIN = { left: 44, right: 10, top: 10, bottom: 34 };
const FONT = "12px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
// Left of the y tick labels: a band for the rotated "y" (a 12px glyph centred in it).
const Y_LABEL_BAND = 18;
const TICK = 4, TICK_GAP = 2;
// Equal scales on x and y, so the geometry the course teaches is drawn as it is (a round
// bowl round, a rotated ravine at its angle, a step across the contours): the plot is the
// largest rectangle of the landscape's proportions inside the room the margins leave,
// centred. Only a plot thinner than this share of that room's height (a landscape far
// wider than the room) is stretched in y, by the least factor that reaches it; the map's
// name then says so (Plot.stretch).
const MIN_FILL = 0.45;

/** "y stretched ×1.24" when y is drawn more than 5% larger than x, else "". */
export function stretchWords(stretch) {
  return stretch > 1.05 ? `y stretched ×${stretch.toFixed(2)}` : "";
}

export class Plot {
  constructor(canvas) {
    this.canvas = canvas;
    this.ctx = canvas.getContext("2d");
    this.grid = null;
    this.background = null;
    this.key = "";
    this.width = this.height = 0;
    this.marginLeft = MARGIN.left;
  }

  /** The y axis's tick values and labels for the current grid and height. */
  #yTicks() {
    const [, [y0, y1]] = this.grid.bounds;
    return niceTicks(y0, y1, Math.max(3, Math.round(this.area.height / 50)));
  }

  /** The left margin fits the widest y tick label and, left of it, the "y" band, so the
   * axis label never overlaps a tick label (wide plots get longer labels such as −7.5). */
  #layout() {
    if (!this.grid) return;
    this.ctx.save();
    this.ctx.font = FONT;
    const widest = Math.max(0, ...this.#yTicks().map(([, label]) => this.ctx.measureText(label).width));
    this.ctx.restore();
    const left = Math.max(MARGIN.left, Math.ceil(widest) + TICK + TICK_GAP + Y_LABEL_BAND);
    if (left !== this.marginLeft) {
      this.marginLeft = left;
      this.key = "";
    }
  }

  /** Matches the canvas to its CSS box and the screen's pixel ratio. */
  resize() {
    if (!fitCanvas(this)) return false;
    this.#layout();
    return true;
  }

  /** The room inside the margins (CSS px): the plot is letterboxed in it. */
  get room() {
    const left = this.marginLeft;
    return { left, top: MARGIN.top, width: Math.max(1, this.width - left - MARGIN.right),
      height: Math.max(1, this.height - MARGIN.top - MARGIN.bottom) };
  }

  /**
   * The plot (CSS px): the grid's bounds at equal scales on x and y, as large as the room
   * allows and centred in it; y stretched only up to MIN_FILL of the room's height. Every
   * mapping, the filled bands, the lines, the frame and the ticks go through it.
   */
  get area() {
    const { width, height, marginLeft, grid } = this;
    const cached = this.fitted;
    if (cached && cached.width === width && cached.height === height && cached.marginLeft === marginLeft
      && cached.grid === grid) return cached.area;
    const room = this.room;
    let area = room, stretch = 1;
    if (grid) {
      const [[x0, x1], [y0, y1]] = grid.bounds;
      const scale = Math.min(room.width / (x1 - x0), room.height / (y1 - y0));
      const w = scale * (x1 - x0), equal = scale * (y1 - y0);
      const h = Math.min(room.height, Math.max(equal, MIN_FILL * room.height));
      stretch = h / equal;
      area = { left: room.left + Math.round((room.width - w) / 2), top: room.top + Math.round((room.height - h) / 2),
        width: Math.max(1, w), height: Math.max(1, h) };
    }
    this.fitted = { width, height, marginLeft, grid, area, stretch };
    return area;
  }

  /** How much y is stretched against x (1: equal scales, and before the canvas is sized). */
  get stretch() {
    if (!this.width || !this.grid) return 1;
    this.area; // fits the plot, and with it the stretch
    return this.fitted.stretch;
  }

  /** Data (x, y) -> CSS pixels, clamped far off-canvas so a leap never overflows. */
  toPixel(x, y) {
    const [[x0, x1], [y0, y1]] = this.grid.bounds;
    const a = this.area;
    const px = a.left + ((x - x0) / (x1 - x0)) * a.width;
    const py = a.top + (1 - (y - y0) / (y1 - y0)) * a.height;
    return [Math.max(-1e5, Math.min(1e5, px)), Math.max(-1e5, Math.min(1e5, py))];
  }

  toData(px, py) {
    const [[x0, x1], [y0, y1]] = this.grid.bounds;
    const a = this.area;
    return [x0 + ((px - a.left) / a.width) * (x1 - x0), y1 - ((py - a.top) / a.height) * (y1 - y0)];
  }

  /** Inside the plot widened by half its size on each side. */
  #near(x, y) {
    const [[x0, x1], [y0, y1]] = this.grid.bounds;
    const w = (x1 - x0) / 2, h = (y1 - y0) / 2;
    return x > x0 - w && x < x1 + w && y > y0 - h && y < y1 + h;
  }

  setGrid(grid) {
    if (grid === this.grid) return;
    this.grid = grid;
    this.key = "";
    if (this.width) this.#layout(); // else resize() lays it out when the canvas is sized
  }

  #paintBackground(theme) {
    const key = `${this.width}x${this.height}@${this.dpr}:${theme}`;
    if (this.key === key && this.background) return;
    this.key = key;
    const colors = THEMES[theme];
    const bg = (this.background ??= document.createElement("canvas"));
    bg.width = this.canvas.width;
    bg.height = this.canvas.height;
    const ctx = bg.getContext("2d");
    const { levels, bounds: [[x0, x1], [y0, y1]] } = this.grid;
    const a = this.area, dpr = this.dpr;
    // Filled bands, pixel by pixel at device resolution.
    const W = Math.round(a.width * dpr), H = Math.round(a.height * dpr);
    const image = ctx.createImageData(W, H);
    fillBands(image, this.grid, rampColors(colors.ramp, levels.length + 1).map(pixelWord));
    ctx.putImageData(image, Math.round(a.left * dpr), Math.round(a.top * dpr));
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    // Contour lines.
    ctx.save();
    ctx.beginPath();
    ctx.rect(a.left, a.top, a.width, a.height);
    ctx.clip();
    ctx.strokeStyle = colors.line;
    ctx.lineWidth = 0.8;
    ctx.beginPath();
    for (const segs of this.grid.lines) {
      for (let s = 0; s < segs.length; s += 4) {
        const [p, q] = this.toPixel(segs[s], segs[s + 1]);
        const [r, t] = this.toPixel(segs[s + 2], segs[s + 3]);
        ctx.moveTo(p, q);
        ctx.lineTo(r, t);
      }
    }
    ctx.stroke();
    // Minima: a star each.
    for (const [mx, my] of this.grid.minima ?? []) {
      const [px, py] = this.toPixel(mx, my);
      star(ctx, px, py, 8, colors.star, colors.starEdge);
    }
    ctx.restore();
    // Frame, ticks and labels.
    ctx.strokeStyle = colors.frame;
    ctx.lineWidth = 1;
    ctx.strokeRect(a.left + 0.5, a.top + 0.5, a.width - 1, a.height - 1);
    ctx.fillStyle = colors.text;
    ctx.font = FONT;
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    for (const [v, label] of niceTicks(x0, x1, Math.max(3, Math.round(a.width / 80)))) {
      const [px] = this.toPixel(v, y0);
      ctx.beginPath();
      ctx.moveTo(px, a.top + a.height);
      ctx.lineTo(px, a.top + a.height + 4);
      ctx.stroke();
      ctx.fillText(label, px, a.top + a.height + 6);
    }
    ctx.fillText("x", a.left + a.width / 2, a.top + a.height + 20);
    const stretched = stretchWords(this.stretch);
    if (stretched) {
      ctx.textAlign = "right";
      ctx.fillText(stretched, a.left + a.width, a.top + a.height + 20);
    }
    ctx.textAlign = "right";
    ctx.textBaseline = "middle";
    for (const [v, label] of this.#yTicks()) {
      const [, py] = this.toPixel(x0, v);
      ctx.beginPath();
      ctx.moveTo(a.left - TICK, py);
      ctx.lineTo(a.left, py);
      ctx.stroke();
      ctx.fillText(label, a.left - TICK - TICK_GAP, py);
    }
    ctx.save();
    ctx.translate(a.left - this.marginLeft + Y_LABEL_BAND / 2, a.top + a.height / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textAlign = "center";
    ctx.fillText("y", 0, 0);
    ctx.restore();
  }

  /**
   * Draws the landscape, then runs[i] (xs, ys Float64Arrays, style) up to point `shown`, then
   * the start handle at `start`. `focused` rings the handle (keyboard focus on the plot).
   */
  draw({ runs = [], shown = Infinity, start, focused = false, theme = themeName() }) {
    if (!this.grid) return;
    this.resize();
    this.#paintBackground(theme);
    const ctx = this.ctx, colors = THEMES[theme], a = this.area;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    ctx.drawImage(this.background, 0, 0);
    ctx.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    ctx.save();
    ctx.beginPath();
    ctx.rect(a.left, a.top, a.width, a.height);
    ctx.clip();
    runs.forEach((run) => {
      const style = run.style, color = style[theme];
      let last = Math.min(run.xs.length - 1, shown);
      const pts = [];
      for (let i = 0; i <= last; i++) {
        pts.push(this.toPixel(run.xs[i], run.ys[i]));
        // a run that leaves the plot is drawn up to where it leaves, not on to infinity
        if (!this.#near(run.xs[i], run.ys[i])) {
          last = i;
          break;
        }
      }
      if (pts.length > 1) {
        ctx.lineJoin = "round";
        ctx.beginPath();
        pts.forEach(([px, py], i) => (i ? ctx.lineTo(px, py) : ctx.moveTo(px, py)));
        ctx.setLineDash([]);
        ctx.strokeStyle = colors.halo;
        ctx.lineWidth = 4.5;
        ctx.stroke();
        ctx.setLineDash(style.dash);
        ctx.strokeStyle = color;
        ctx.lineWidth = 2.2;
        ctx.stroke();
        ctx.setLineDash([]);
      }
      const every = Math.max(1, Math.ceil((run.xs.length - 1) / 14));
      for (let i = every; i <= last; i += every) marker(ctx, style.marker, ...pts[i], 4, color, colors.halo);
      if (last > 0) marker(ctx, style.marker, ...pts[last], 6, color, colors.halo);
    });
    ctx.restore();
    if (start) {
      const [px, py] = this.toPixel(...start);
      if (focused) {
        ctx.beginPath();
        ctx.arc(px, py, 13, 0, 2 * Math.PI);
        ctx.strokeStyle = colors.focus;
        ctx.lineWidth = 3;
        ctx.stroke();
      }
      ctx.beginPath();
      ctx.arc(px, py, 7, 0, 2 * Math.PI);
      ctx.fillStyle = colors.handle;
      ctx.fill();
      ctx.strokeStyle = colors.handleEdge;
      ctx.lineWidth = 2.5;
      ctx.stroke();
    }
  }
}

function star(ctx, x, y, r, fill, edge) {
  ctx.beginPath();
  for (let i = 0; i < 10; i++) {
    const angle = -Math.PI / 2 + (i * Math.PI) / 5, rr = i % 2 ? r * 0.45 : r;
    ctx[i ? "lineTo" : "moveTo"](x + rr * Math.cos(angle), y + rr * Math.sin(angle));
  }
  ctx.closePath();
  ctx.fillStyle = fill;
  ctx.fill();
  ctx.strokeStyle = edge;
  ctx.lineWidth = 1;
  ctx.stroke();
}

const STROKED = new Set(["cross", "plus", "star"]); // drawn as strokes, not filled

/** A marker's outline as SVG path data, centred at (x, y) with radius r: one geometry for
 * the canvas (Path2D) and the legend's swatches (SVG). */
function markerPath(shape, x, y, r) {
  const n = (v) => +v.toFixed(3);
  const poly = (points) => `M${points.map(([u, v]) => `${n(x + u)} ${n(y + v)}`).join("L")}Z`;
  if (shape === "circle" || shape === "ring") {
    return `M${n(x - r)} ${n(y)}A${n(r)} ${n(r)} 0 1 0 ${n(x + r)} ${n(y)}A${n(r)} ${n(r)} 0 1 0 ${n(x - r)} ${n(y)}Z`;
  }
  if (shape === "square") return poly([[-0.85 * r, -0.85 * r], [0.85 * r, -0.85 * r], [0.85 * r, 0.85 * r], [-0.85 * r, 0.85 * r]]);
  if (shape === "triangle") return poly([[0, -1.1 * r], [r, 0.8 * r], [-r, 0.8 * r]]);
  if (shape === "diamond") return poly([[0, -1.2 * r], [r, 0], [0, 1.2 * r], [-r, 0]]);
  const d = shape === "plus" ? [[r, 0], [0, r]] : shape === "star" ? [[r, 0], [0, r], [r * 0.7, r * 0.7], [r * 0.7, -r * 0.7]] : [[r, r], [r, -r]];
  return d.map(([u, v]) => `M${n(x - u)} ${n(y - v)}L${n(x + u)} ${n(y + v)}`).join("");
}

/** How a marker is painted, in order: [fill, stroke, lineWidth] layers (null: none). Filled
 * shapes are ringed by the halo; a ring is the halo filled and the colour stroked; the
 * stroked shapes (cross, plus, star) are the colour over a wider halo. */
function markerLayers(shape, color, halo) {
  if (STROKED.has(shape)) return [[null, halo, 4.5], [null, color, 2.2]];
  if (shape === "ring") return [[null, halo, 1.5], [halo, null, 0], [null, color, 2]];
  return [[null, halo, 1.5], [color, null, 0]];
}

/** One marker shape centred at (x, y), radius r, on a canvas (the map, the loss panel). */
export function marker(ctx, shape, x, y, r, color, halo) {
  const path = new Path2D(markerPath(shape, x, y, r));
  for (const [fill, stroke, width] of markerLayers(shape, color, halo)) {
    if (fill) {
      ctx.fillStyle = fill;
      ctx.fill(path);
    } else {
      ctx.strokeStyle = stroke;
      ctx.lineWidth = width;
      ctx.stroke(path);
    }
  }
}

const SVG = "http://www.w3.org/2000/svg";
const swatches = new Map(); // style + theme -> an <svg>, built once and cloned

function svg(name, attributes) {
  const el = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) el.setAttribute(key, value);
  return el;
}

/** A small picture of a run's line and marker, for the legend and the scoreboard: inline
 * SVG, so it costs no canvas and no image encoding when a navigator goes live. */
export function swatch(style, theme = themeName()) {
  const key = JSON.stringify([style, theme]);
  if (!swatches.has(key)) {
    const color = style[theme], picture = svg("svg", { class: "navigator-swatch", viewBox: "0 0 36 14",
      width: 36, height: 14, "aria-hidden": "true", focusable: "false" });
    picture.append(svg("path", { d: "M1 7H35", fill: "none", stroke: color, "stroke-width": 2.2,
      ...(style.dash.length ? { "stroke-dasharray": style.dash.join(" ") } : {}) }));
    const d = markerPath(style.marker, 18, 7, 4);
    for (const [fill, stroke, width] of markerLayers(style.marker, color, THEMES[theme].halo)) {
      picture.append(svg("path", { d, fill: fill ?? "none",
        ...(stroke ? { stroke, "stroke-width": width, "stroke-miterlimit": 10 } : {}) })); // canvas's miter limit
    }
    swatches.set(key, picture);
  }
  return swatches.get(key).cloneNode(true);
}
