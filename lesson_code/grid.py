"""A landscape's values on a grid over its bounds, and the contour levels
that show it: one source for the navigator's map (browser.op_contour), the
in-page SVG plots (plot.py) and the static figures (scripts/figures)."""

import math

__all__ = ["grid", "contour_levels"]


def grid(scape, nx, ny):
    """(xs, ys, values): nx × ny points evenly over scape.bounds, and f at
    each, row by row (values[j * nx + i] = f(xs[i], ys[j]))."""
    (x0, x1), (y0, y1) = scape.bounds
    xs = [x0 + (x1 - x0) * i / (nx - 1) for i in range(nx)]
    ys = [y0 + (y1 - y0) * j / (ny - 1) for j in range(ny)]
    f = scape.f
    return xs, ys, [f((x, y)) for y in ys for x in xs]


def contour_levels(values, f_min, count):
    """Levels that show a ravine: geometric above f_min from the 2% to the
    98% quantile of f − f_min (quantiles when there is no f_min)."""
    ordered = sorted(values)
    q = lambda p: ordered[min(len(ordered) - 1, int(p * len(ordered)))]
    if f_min is None:
        lo, hi = q(0.02), q(0.98)
        return [lo + (hi - lo) * i / (count - 1) for i in range(count)]
    lo, hi = max(q(0.02) - f_min, 1e-12), max(q(0.98) - f_min, 2e-12)
    if math.isfinite(hi / lo):
        ratio = (hi / lo) ** (1.0 / (count - 1))
        return [f_min + lo * ratio ** i for i in range(count)]
    # hi/lo overflows: the same geometric levels, in logarithms
    step = (math.log(hi) - math.log(lo)) / (count - 1)
    return [f_min + math.exp(math.log(lo) + step * i) for i in range(count)]
