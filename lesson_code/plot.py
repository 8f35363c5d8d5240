"""Small plots as SVG, in pure Python: loss curves and trajectories.

For the page's Python, where matplotlib does not exist. A figure shows
itself in an in-page cell and in Jupyter (through `_repr_svg_`):

    from lesson_code import get_landscape, momentum, run, sgd
    from lesson_code.plot import landscape_plot, loss_plot
    ravine = get_landscape("ravine")
    runs = [run(sgd(0.18), ravine, num_steps=300),
            run(momentum(0.18, 0.9), ravine, num_steps=300)]
    loss_plot(*runs)            # loss per step, log scale
    landscape_plot(ravine, *runs)   # contours and the two paths

Build one by hand with `Plot(title, xlabel, ylabel, logy)` and its
`line`, `path` and `contours` methods (each returns the plot). Points that
are not finite (or not positive on a log axis) are left out, never drawn.

Each run is drawn in its optimizer's Style from the registry
(lesson_code.optimizers: the light-theme colour, on this white background,
its dash and its marker), so an optimizer looks the same here, in the
build's figures and in the navigator. A second run of the same optimizer in
one plot (β = 0.5 against β = 0.99), and a line that is no optimizer's, get
the next of EXTRA_STYLES (run_styles, the navigator's rule): another colour,
dash and marker, never colour alone.
"""

import itertools
import math
from html import escape

from .grid import contour_levels, grid
from .optimizers import run_styles

__all__ = ["Plot", "loss_plot", "landscape_plot", "nice_ticks"]

# Style.dash is in pixels of the navigator's 2.2 px line; here it is scaled to
# each line's width, as the figures scale it, so the pattern keeps its shape.
NAVIGATOR_LINE, LINE, LEGEND_LINE = 2.2, 1.8, 2.5
MARKS = 12  # about this many markers along a run, as in the figures
HALO = "#ffffff"
_ids = itertools.count(1)


def nice_ticks(lo, hi, count=5):
    """About count round numbers (1, 2 or 5 times 10^k) in [lo, hi]."""
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return [lo]
    raw = (hi - lo) / max(count, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = math.ceil(lo / step - 1e-9)
    return [round(k * step, 12) for k in
            range(first, math.floor(hi / step + 1e-9) + 1)]


def _label(v):
    return f"{v:g}" if abs(v) < 1e5 else f"{v:.0e}"


class Plot:
    """A 2-D figure: lines, paths and contours, drawn as SVG."""

    def __init__(self, title="", xlabel="", ylabel="", logy=False,
                 width=480, height=320, equal=False):
        self.title, self.xlabel, self.ylabel = title, xlabel, ylabel
        self.logy, self.width, self.height = logy, width, height
        self.equal = equal
        self.series = []    # (label, [(x, y), ...], kind, optimizer name)
        self.segments = []  # contour line segments ((x0, y0), (x1, y1))
        self.window = None  # fixed ((xmin, xmax), (ymin, ymax)) or None
        self.levels = []    # the contour levels drawn

    def _keep(self, x, y):
        return (math.isfinite(x) and math.isfinite(y)
                and not (self.logy and y <= 0))

    def line(self, ys, xs=None, label=None, name=None):
        """A line through (xs[i], ys[i]); xs defaults to 0, 1, 2, ...;
        name: the optimizer (registry name) whose style it takes."""
        xs = range(len(ys)) if xs is None else xs
        points = [(float(x), float(y)) for x, y in zip(xs, ys)]
        self.series.append((label, points, "line", name))
        return self

    def path(self, points, label=None, name=None):
        """A trajectory: a Trajectory (in its optimizer's style) or a list of
        (x, y), with its start."""
        label = label or getattr(points, "label", None)
        name = name or getattr(points, "name", None)
        points = getattr(points, "points", points)
        self.series.append((label, [(float(p[0]), float(p[1]))
                                    for p in points], "path", name))
        return self

    def contours(self, landscape, levels=12, n=61):
        """Level lines of landscape.f over its bounds (marching squares)."""
        self.window = landscape.bounds
        xs, ys, values = grid(landscape, n, n)
        rows = [values[j * n:(j + 1) * n] for j in range(n)]
        finite = [v for v in values if math.isfinite(v)]
        self.levels = contour_levels(finite, landscape.f_min, levels)
        for level in self.levels:
            self.segments += _march(xs, ys, rows, level)
        self.equal = True
        return self

    def _limits(self):
        if self.window:
            return self.window
        pts = [p for _, points, *_ in self.series for p in points
               if self._keep(*p)] or [(0.0, 1.0), (1.0, 2.0)]
        lim = [[min(c), max(c)] for c in zip(*pts)]
        if self.logy:
            lim[1] = [math.log10(v) for v in lim[1]]
        for pair in lim:
            if pair[1] - pair[0] < 1e-12:
                pair[0], pair[1] = pair[0] - 0.5, pair[1] + 0.5
        if self.logy:
            lim[1] = [10 ** math.floor(lim[1][0]), 10 ** math.ceil(lim[1][1])]
        return lim

    def _repr_svg_(self):
        return self.to_svg()

    def to_svg(self):
        """The figure as a standalone SVG document (a string)."""
        (xmin, xmax), (ymin, ymax) = self._limits()
        left, top, right, bottom = 64, 34 if self.title else 14, 14, 46
        w, h = self.width - left - right, self.height - top - bottom
        width, height = self.width, self.height
        if self.equal:  # one unit is as long on both axes; the figure fits
            scale = min(w / (xmax - xmin), h / (ymax - ymin))
            w, h = scale * (xmax - xmin), scale * (ymax - ymin)
            width, height = round(left + w + right), round(top + h + bottom)
        fy = (lambda y: math.log10(y)) if self.logy else (lambda y: y)
        y_lo, y_hi = fy(ymin), fy(ymax)

        def px(x, y):
            return (left + (x - xmin) / (xmax - xmin) * w,
                    top + h - (fy(y) - y_lo) / (y_hi - y_lo) * h)

        clip = f"ravine-plot-{next(_ids)}"
        out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" '
               f'height="{height}" viewBox="0 0 {width} {height}" '
               'role="img" font-family="sans-serif" font-size="12">'
               f'<title>{escape(self.describe())}</title>',
               f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
               f'<clipPath id="{clip}"><rect x="{left}" y="{top}" '
               f'width="{w:.1f}" height="{h:.1f}"/></clipPath>']
        out += self._axes(px, xmin, xmax, ymin, ymax, left, top, w, h)
        if self.segments:
            d = "".join("M{:.1f},{:.1f}L{:.1f},{:.1f}".format(*px(*a),
                                                               *px(*b))
                        for a, b in self.segments)
            out.append(f'<path d="{d}" stroke="#9aa5b1" stroke-width="0.8" '
                       f'fill="none" clip-path="url(#{clip})"/>')
        styles = run_styles([name for *_, name in self.series])
        for (label, points, kind, _), style in zip(self.series, styles):
            out.append(self._series(px, points, style, kind, clip))
        out += self._legend(left, top, w, styles)
        out.append("</svg>")
        return "\n".join(out)

    def _axes(self, px, xmin, xmax, ymin, ymax, left, top, w, h):
        out = [f'<rect x="{left}" y="{top}" width="{w:.1f}" '
               f'height="{h:.1f}" fill="none" stroke="#333"/>']
        if self.logy:
            yticks = [10.0 ** k for k in range(round(math.log10(ymin)),
                                               round(math.log10(ymax)) + 1)]
            step = max(1, len(yticks) // 6)
            yticks = yticks[::step]
        else:
            yticks = nice_ticks(ymin, ymax)
        for x in nice_ticks(xmin, xmax):
            X = px(x, ymin if not self.logy else ymin)[0]
            out.append(f'<line x1="{X:.1f}" x2="{X:.1f}" y1="{top + h:.1f}" '
                       f'y2="{top + h + 4:.1f}" stroke="#333"/><text '
                       f'x="{X:.1f}" y="{top + h + 16:.1f}" '
                       f'text-anchor="middle" fill="#222">{_label(x)}</text>')
        for y in yticks:
            Y = px(xmin, y)[1]
            out.append(f'<line x1="{left - 4}" x2="{left}" y1="{Y:.1f}" '
                       f'y2="{Y:.1f}" stroke="#333"/><text x="{left - 6}" '
                       f'y="{Y + 4:.1f}" text-anchor="end" fill="#222">'
                       f'{_label(y)}</text>')
        if self.title:
            out.append(f'<text x="{left + w / 2:.1f}" y="20" '
                       'text-anchor="middle" font-size="14" fill="#111">'
                       f'{escape(self.title)}</text>')
        if self.xlabel:
            out.append(f'<text x="{left + w / 2:.1f}" y="{top + h + 36:.1f}"'
                       f' text-anchor="middle" fill="#222">'
                       f'{escape(self.xlabel)}</text>')
        if self.ylabel:
            out.append(f'<text transform="translate(14,{top + h / 2:.1f}) '
                       'rotate(-90)" text-anchor="middle" fill="#222">'
                       f'{escape(self.ylabel)}</text>')
        return out

    def _series(self, px, points, style, kind, clip):
        d, pen, drawn = [], "M", []
        for x, y in points:
            if not self._keep(x, y):
                pen = "M"  # a gap where a point cannot be drawn
                continue
            drawn.append(px(x, y))
            d.append("{}{:.1f},{:.1f}".format(pen, *drawn[-1]))
            pen = "L"
        color = style.light
        out = (f'<path d="{"".join(d)}" stroke="{color}" '
               f'stroke-width="{LINE}"{_dasharray(style.dash, LINE)} '
               f'fill="none" clip-path="url(#{clip})"/>')
        if kind == "path" and d:
            x, y = d[0][1:].split(",")
            out += (f'<circle cx="{x}" cy="{y}" r="3.5" fill="{color}" '
                    f'clip-path="url(#{clip})"/>')
        every = max(1, len(drawn) // MARKS)
        marks = "".join(_marker(style.marker, x, y, 3, color)
                        for x, y in drawn[every::every])
        if marks:
            out += f'<g clip-path="url(#{clip})">{marks}</g>'
        return out

    def _legend(self, left, top, w, styles):
        labels = [(style, s[0]) for s, style in zip(self.series, styles)
                  if s[0]]
        out = []
        for row, (style, label) in enumerate(labels):
            y = top + 14 + 16 * row
            x0, x1 = left + w - 136, left + w - 112
            mark = _marker(style.marker, (x0 + x1) / 2, y - 4, 3.5,
                           style.light)
            out.append(f'<line x1="{x0:.1f}" x2="{x1:.1f}" y1="{y - 4}" '
                       f'y2="{y - 4}" stroke="{style.light}" stroke-width='
                       f'"{LEGEND_LINE}"{_dasharray(style.dash, LEGEND_LINE)}'
                       f'/>{mark}<text x="{left + w - 106:.1f}" y="{y}" '
                       f'fill="#111">{escape(str(label)[:18])}</text>')
        return out

    def describe(self):
        """One sentence for a screen reader (the SVG title, an img's alt)."""
        names = [f"{label or 'unnamed'} ({len(points)} points)"
                 for label, points, *_ in self.series]
        what = "Contours" + (" with " if names else "") \
            if self.segments else "Plot" + (" of " if names else "")
        words = f"{self.title}: " if self.title else ""
        scale = ", log scale" if self.logy else ""
        return f"{words}{what}{', '.join(names)}{scale}."

    def save(self, filename):
        """Write the SVG to a file."""
        with open(filename, "w", encoding="utf-8") as out:
            out.write(self.to_svg())


def _dasharray(dash, width):
    """The stroke-dasharray attribute of a Style's dash for a line of width
    px ("" when solid)."""
    if not dash:
        return ""
    scaled = ",".join(f"{d * width / NAVIGATOR_LINE:.2f}" for d in dash)
    return f' stroke-dasharray="{scaled}"'


def _marker(shape, x, y, r, color):
    """One marker of a Style centred at (x, y), radius r, in the shapes of
    the navigator's (navigator-draw.js marker): a filled shape edged in
    white, or strokes (cross, plus, star) over a white halo."""
    if shape in ("circle", "ring"):
        fill, edge, width = ((HALO, color, 2) if shape == "ring"
                             else (color, HALO, 1.5))
        return (f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r}" fill="{fill}" '
                f'stroke="{edge}" stroke-width="{width}" '
                'paint-order="stroke"/>')
    corners = {"square": [(-0.85, -0.85), (0.85, -0.85), (0.85, 0.85),
                          (-0.85, 0.85)],
               "triangle": [(0, -1.1), (1, 0.8), (-1, 0.8)],
               "diamond": [(0, -1.2), (1, 0), (0, 1.2), (-1, 0)]}.get(shape)
    if corners:
        d = "".join(f"{'L' if k else 'M'}{x + u * r:.1f},{y + v * r:.1f}"
                    for k, (u, v) in enumerate(corners))
        return (f'<path d="{d}Z" fill="{color}" stroke="{HALO}" '
                'stroke-width="1.5" paint-order="stroke"/>')
    arms = {"plus": [(1, 0), (0, 1)],
            "star": [(1, 0), (0, 1), (0.7, 0.7), (0.7, -0.7)]}.get(
                shape, [(1, 1), (1, -1)])  # a cross
    d = "".join(f"M{x - u * r:.1f},{y - v * r:.1f}"
                f"L{x + u * r:.1f},{y + v * r:.1f}" for u, v in arms)
    return (f'<path d="{d}" stroke="{HALO}" stroke-width="4.5" fill="none"/>'
            f'<path d="{d}" stroke="{color}" stroke-width="2.2" '
            'fill="none"/>')


def _march(xs, ys, grid, level):
    """Segments of the level line through a grid (marching squares)."""
    segments = []
    for j in range(len(ys) - 1):
        for i in range(len(xs) - 1):
            corners = [(xs[i], ys[j], grid[j][i]),
                       (xs[i + 1], ys[j], grid[j][i + 1]),
                       (xs[i + 1], ys[j + 1], grid[j + 1][i + 1]),
                       (xs[i], ys[j + 1], grid[j + 1][i])]
            if not all(math.isfinite(c[2]) for c in corners):
                continue
            cuts = []
            for (xa, ya, va), (xb, yb, vb) in zip(corners,
                                                  corners[1:] + corners[:1]):
                if (va < level) != (vb < level):
                    t = (level - va) / (vb - va)
                    cuts.append((xa + t * (xb - xa), ya + t * (yb - ya)))
            segments += zip(cuts[::2], cuts[1::2])
    return segments


def loss_plot(*trajectories, logy=True, title="Loss per step"):
    """The loss of each trajectory per step, on a log axis by default."""
    plot = Plot(title, "step", "loss", logy=logy)
    for traj in trajectories:
        plot.line(traj.losses, label=traj.label,
                  name=getattr(traj, "name", None))
    return plot


def landscape_plot(landscape, *trajectories, levels=12, title=None):
    """Contours of a landscape with each trajectory's path over them."""
    plot = Plot(title or landscape.title, "x", "y")
    plot.contours(landscape, levels=levels)
    for traj in trajectories:
        plot.path(traj)
    return plot
