// Drawing only: the rate map lesson_code computed (the rate_map op of
// lesson_code/browser.py) on a devicePixelRatio-aware <canvas>: each grid node's rate as
// a colour, the nodes that do not converge grey AND hatched, the edge of stability, the
// critical-damping curves, the optima, the navigator's races and the reader's cursor.
// Nothing here computes a rate: every value and every curve point comes from lesson_code;
// this module maps them to pixels and colours.
import { fitCanvas, niceTicks, pixelWord, pixelWords } from "./navigator-draw.js";

// Viridis, dark (fast) to yellow (slow), as the static figure: readable in both themes,
// since the map fills its plot area; only the frame, text and the grey change with theme.
const VIRIDIS = ["#440154", "#482878", "#3e4989", "#31688e", "#26828e", "#1f9e89", "#35b779",
  "#6ece58", "#b5de2b", "#fde725"].map((c) => [1, 3, 5].map((k) => parseInt(c.slice(k, k + 2), 16)));
const THEMES = {
  light: { text: "#2b2f36", frame: "#6b7280", unstable: [214, 214, 214], hatch: "#6e6e6e",
    cursor: "#c2185b", cursorHalo: "#ffffff" },
  dark: { text: "#dde1ea", frame: "#9aa3b5", unstable: [62, 67, 82], hatch: "#b4bccb",
    cursor: "#ff80ab", cursorHalo: "#111111" },
};
// Lines over the map: each with its own dash, never colour alone.
const LINES = {
  edge: { color: "#000000", halo: "#ffffff", width: 2.2, dash: [] },
  slow: { color: "#ffffff", halo: "#000000", width: 1.6, dash: [7, 4] },
  steep: { color: "#ffffff", halo: "#000000", width: 1.6, dash: [1.5, 3] },
};
const MARGIN = { left: 50, right: 22, top: 10, bottom: 40 };
const FONT = "12px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
const HATCH_GAP = 7;

/** The lower end of the colour scale: the fastest rate on the map, down to a 0.05 step. */
export function scaleFloor(rates) {
  let low = 1;
  for (const r of rates) if (r < low) low = r;
  return Math.min(0.95, Math.floor(low * 20) / 20);
}

/** [r, g, b] for a rate below 1 on the scale [floor, 1]. */
function rateColor(rate, floor) {
  const t = Math.min(1, Math.max(0, (rate - floor) / (1 - floor))) * (VIRIDIS.length - 1);
  const k = Math.min(VIRIDIS.length - 2, Math.floor(t)), f = t - k;
  return VIRIDIS[k].map((c, n) => Math.round(c + (VIRIDIS[k + 1][n] - c) * f));
}

export class RateMapPlot {
  constructor(canvas) {
    this.canvas = canvas;
    this.ctx = canvas.getContext("2d");
    this.grid = null;
    this.background = document.createElement("canvas");
    this.key = "";
    this.width = this.height = this.dpr = 0;
  }

  /** grid: the rate_map reply with rates decoded (a Float64Array). */
  setGrid(grid) {
    this.grid = grid;
    this.floor = scaleFloor(grid.rates);
    this.key = "";
  }

  resize() {
    fitCanvas(this);
  }

  get area() {
    return { left: MARGIN.left, top: MARGIN.top, width: Math.max(1, this.width - MARGIN.left - MARGIN.right),
      height: Math.max(1, this.height - MARGIN.top - MARGIN.bottom) };
  }

  /** (η, β) -> CSS pixels: the first and last grid nodes sit on the frame. */
  toPixel(lr, beta) {
    const { lrs, betas } = this.grid, a = this.area;
    const x = (lr - lrs[0]) / (lrs[lrs.length - 1] - lrs[0]);
    const y = (beta - betas[0]) / (betas[betas.length - 1] - betas[0]);
    return [a.left + x * a.width, a.top + (1 - y) * a.height];
  }

  /** CSS pixels -> the nearest grid node [i, j], or null outside the plot area. */
  toNode(px, py) {
    const a = this.area, { nx, ny } = this.grid;
    const x = (px - a.left) / a.width, y = 1 - (py - a.top) / a.height;
    if (x < -0.02 || x > 1.02 || y < -0.02 || y > 1.02) return null;
    const clamp = (v, n) => Math.min(n - 1, Math.max(0, Math.round(v * (n - 1))));
    return [clamp(x, nx), clamp(y, ny)];
  }

  /** Draws the map, then markers [{lr, beta, shape}] and the cursor node [i, j] (or null). */
  draw({ markers = [], cursor = null, theme = "light" }) {
    if (!this.grid) return;
    this.resize();
    this.#paintBackground(theme);
    const ctx = this.ctx, a = this.area;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    ctx.drawImage(this.background, 0, 0);
    ctx.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    for (const { lr, beta, shape } of markers) {
      const [x, y] = this.toPixel(lr, beta);
      if (x >= a.left - 6 && x <= a.left + a.width + 6 && y >= a.top - 6 && y <= a.top + a.height + 6) {
        glyph(ctx, shape, x, y);
      }
    }
    if (cursor) {
      const [i, j] = cursor;
      const [x, y] = this.toPixel(this.grid.lrs[i], this.grid.betas[j]);
      glyph(ctx, "cursor", x, y, THEMES[theme]);
    }
  }

  #paintBackground(theme) {
    const key = `${this.width}x${this.height}@${this.dpr}:${theme}`;
    if (key === this.key) return;
    this.key = key;
    const colors = THEMES[theme], bg = this.background, dpr = this.dpr, a = this.area;
    bg.width = this.canvas.width;
    bg.height = this.canvas.height;
    const ctx = bg.getContext("2d");
    const { nx, ny, rates, lrs, betas, edge, critical, optimum, gd_optimum: gd } = this.grid;
    // Each device pixel takes the colour of its nearest grid node.
    const W = Math.round(a.width * dpr), H = Math.round(a.height * dpr);
    const image = ctx.createImageData(W, H);
    const column = Int32Array.from({ length: W }, (_, px) => Math.round(((px + 0.5) / W) * (nx - 1)));
    const cells = Uint32Array.from(rates, (r) => pixelWord(r < 1 ? rateColor(r, this.floor) : colors.unstable));
    const pixels = pixelWords(image);
    for (let py = 0, o = 0; py < H; py++) {
      const row = Math.round((1 - (py + 0.5) / H) * (ny - 1)) * nx;
      for (let px = 0; px < W; px++, o++) pixels[o] = cells[row + column[px]];
    }
    ctx.putImageData(image, Math.round(a.left * dpr), Math.round(a.top * dpr));
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.save();
    ctx.beginPath();
    ctx.rect(a.left, a.top, a.width, a.height);
    ctx.clip();
    this.#hatch(ctx, colors);
    line(ctx, edge.lrs.map((lr, k) => this.toPixel(lr, edge.betas[k])), LINES.edge);
    critical.forEach((curve, k) => line(ctx, curve.lrs.map((lr, n) => this.toPixel(lr, curve.betas[n])),
      k === 0 ? LINES.slow : LINES.steep));
    ctx.restore();
    glyph(ctx, "optimum", ...this.toPixel(optimum.lr, optimum.beta));
    glyph(ctx, "gd", ...this.toPixel(gd.lr, 0));
    this.#axes(ctx, colors, lrs, betas);
  }

  /** Diagonal lines over the nodes that do not converge (rate ≥ 1), row by row. */
  #hatch(ctx, colors) {
    const { nx, ny, rates } = this.grid, a = this.area;
    const edgeX = (i) => a.left + (Math.min(nx - 1, Math.max(0, i)) / (nx - 1)) * a.width;
    const edgeY = (j) => a.top + (1 - Math.min(ny - 1, Math.max(0, j)) / (ny - 1)) * a.height;
    const region = new Path2D();
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        if (rates[j * nx + i] < 1) continue;
        let end = i;
        while (end + 1 < nx && rates[j * nx + end + 1] >= 1) end++;
        const x0 = edgeX(i - 0.5), x1 = edgeX(end + 0.5), y1 = edgeY(j - 0.5), y0 = edgeY(j + 0.5);
        region.rect(x0, y0, x1 - x0, y1 - y0);
        i = end;
      }
    }
    ctx.save();
    ctx.clip(region);
    ctx.strokeStyle = colors.hatch;
    ctx.lineWidth = 1;
    ctx.beginPath();
    for (let k = -a.height; k < a.width; k += HATCH_GAP) {
      ctx.moveTo(a.left + k, a.top + a.height);
      ctx.lineTo(a.left + k + a.height, a.top);
    }
    ctx.stroke();
    ctx.restore();
  }

  #axes(ctx, colors, lrs, betas) {
    const a = this.area;
    ctx.strokeStyle = colors.frame;
    ctx.lineWidth = 1;
    ctx.strokeRect(a.left + 0.5, a.top + 0.5, a.width - 1, a.height - 1);
    ctx.fillStyle = colors.text;
    ctx.font = FONT;
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    const ticks = (lo, hi, n) => niceTicks(lo, hi, n).filter(([v]) => v >= lo - 1e-12 && v <= hi + 1e-12);
    for (const [v, label] of ticks(lrs[0], lrs[lrs.length - 1], Math.max(2, Math.round(a.width / 90)))) {
      const [x] = this.toPixel(v, betas[0]);
      ctx.beginPath();
      ctx.moveTo(x, a.top + a.height);
      ctx.lineTo(x, a.top + a.height + 4);
      ctx.stroke();
      ctx.fillText(label, x, a.top + a.height + 6);
    }
    ctx.fillText("learning rate η", a.left + a.width / 2, a.top + a.height + 22);
    ctx.textAlign = "right";
    ctx.textBaseline = "middle";
    for (const [v, label] of ticks(betas[0], betas[betas.length - 1], Math.max(2, Math.round(a.height / 50)))) {
      const [, y] = this.toPixel(lrs[0], v);
      ctx.beginPath();
      ctx.moveTo(a.left - 4, y);
      ctx.lineTo(a.left, y);
      ctx.stroke();
      ctx.fillText(label, a.left - 6, y);
    }
    ctx.save();
    ctx.translate(10, a.top + a.height / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textAlign = "center";
    ctx.fillText("momentum β", 0, 0);
    ctx.restore();
  }
}

function line(ctx, points, { color, halo, width, dash }) {
  if (points.length < 2) return;
  const path = new Path2D();
  points.forEach(([x, y], k) => (k ? path.lineTo(x, y) : path.moveTo(x, y)));
  ctx.save();
  ctx.lineJoin = "round";
  ctx.strokeStyle = halo;
  ctx.lineWidth = width + 2;
  ctx.stroke(path);
  ctx.setLineDash(dash);
  ctx.strokeStyle = color;
  ctx.lineWidth = width;
  ctx.stroke(path);
  ctx.restore();
}

/** The map's glyphs, each a shape of its own: optimum (star), gd (circle), navigator
 * (square), cursor (ring); the same in the legend's swatches. */
function glyph(ctx, shape, x, y, colors = THEMES.light) {
  ctx.save();
  ctx.lineJoin = "round";
  ctx.beginPath();
  if (shape === "optimum") {
    for (let k = 0; k < 10; k++) {
      const r = k % 2 ? 4 : 9.5, t = -Math.PI / 2 + (k * Math.PI) / 5;
      ctx.lineTo(x + r * Math.cos(t), y + r * Math.sin(t));
    }
    ctx.closePath();
    Object.assign(ctx, { fillStyle: "#f5c542", strokeStyle: "#222222", lineWidth: 1.4 });
    ctx.fill();
    ctx.stroke();
  } else if (shape === "gd") {
    ctx.arc(x, y, 6, 0, 2 * Math.PI);
    Object.assign(ctx, { fillStyle: "#d55e00", strokeStyle: "#ffffff", lineWidth: 1.6 });
    ctx.fill();
    ctx.stroke();
  } else if (shape === "navigator") {
    ctx.rect(x - 5, y - 5, 10, 10);
    Object.assign(ctx, { fillStyle: "#ffffff", strokeStyle: "#000000", lineWidth: 2 });
    ctx.fill();
    ctx.stroke();
  } else if (shape === "cursor") {
    ctx.arc(x, y, 8, 0, 2 * Math.PI);
    Object.assign(ctx, { strokeStyle: colors.cursorHalo, lineWidth: 5 });
    ctx.stroke();
    Object.assign(ctx, { strokeStyle: colors.cursor, lineWidth: 2.5 });
    ctx.stroke();
  }
  ctx.restore();
}

/** A small canvas for the legend: a glyph, a line, the hatch or the colour scale. */
export function swatch(kind, theme, floor = 0.8) {
  const wide = kind === "scale" ? 96 : 36, tall = 20;
  const canvas = document.createElement("canvas");
  const dpr = Math.min(window.devicePixelRatio || 1, 3);
  canvas.width = wide * dpr;
  canvas.height = tall * dpr;
  canvas.className = `ratemap-swatch ratemap-swatch-${kind}`;
  canvas.setAttribute("aria-hidden", "true");
  const ctx = canvas.getContext("2d");
  ctx.scale(dpr, dpr);
  const colors = THEMES[theme];
  if (kind === "scale") {
    for (let x = 0; x < wide; x++) {
      const [r, g, b] = rateColor(floor + ((1 - floor) * (x + 0.5)) / wide, floor);
      ctx.fillStyle = `rgb(${r},${g},${b})`;
      ctx.fillRect(x, 2, 1, tall - 4);
    }
  } else if (kind === "unstable") {
    ctx.fillStyle = `rgb(${colors.unstable.join(",")})`;
    ctx.fillRect(0, 1, wide, tall - 2);
    ctx.beginPath();
    ctx.rect(0, 1, wide, tall - 2);
    ctx.clip();
    ctx.strokeStyle = colors.hatch;
    ctx.beginPath();
    for (let k = -tall; k < wide; k += HATCH_GAP) {
      ctx.moveTo(k, tall);
      ctx.lineTo(k + tall, 0);
    }
    ctx.stroke();
  } else if (kind in LINES) {
    ctx.fillStyle = `rgb(${rateColor(0.9, 0.8).join(",")})`; // the map under the line
    ctx.fillRect(0, 1, wide, tall - 2);
    line(ctx, [[2, tall / 2], [wide - 2, tall / 2]], LINES[kind]);
  } else {
    glyph(ctx, kind, wide / 2, tall / 2, colors);
  }
  return canvas;
}
