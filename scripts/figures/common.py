"""Shared plotting helpers for static figures (no FIGURES here: nothing to render).

    draw_race(ax, landscape, trajectories)   contours + trajectories + minimum + legend

Every value comes from lesson_code: the contour grid and its levels from
lesson_code.grid, as the navigator's `contour` op, the trajectories from `race`. The line
styles are the optimizer registry's (lesson_code.optimizers.REGISTRY), which the navigator
draws with too, so a static figure and the live widget show each optimizer alike: colour
*and* dash *and* marker.

Use it from another figure module (render_figures.py loads them by path):

    import sys, pathlib
    sys.path.insert(0, str(pathlib.Path(__file__).parent))
    from common import draw_race
"""

import pathlib

import yaml
from matplotlib.colors import BoundaryNorm, LinearSegmentedColormap

from lesson_code import get_landscape, make_landscape
from lesson_code.optimizers import EXTRA_STYLES, REGISTRY
from lesson_code.grid import contour_levels, grid

LESSONS = pathlib.Path(__file__).resolve().parents[2] / "docs" / "optimizers"


def page_define(path):
    """The plain `define:` values of a lesson page's front matter: a figure draws the
    settings its page states, from the page (the Makefile's figure rule lists the pages
    read, so a changed setting redraws the figure)."""
    front = path.read_text().split("---")[1]
    return yaml.safe_load(front)["define"]


# Each optimizer's style is lesson_code's (the optimizer registry, which the navigator
# draws with too), turned into matplotlib's terms: the dash pattern, given in pixels of the
# navigator's 2.2 px line, in units of line width; the marker by name.
MARKERS = {"circle": "o", "square": "s", "triangle": "^", "diamond": "D", "cross": "X",
           "plus": "P", "star": "*", "ring": "o"}
NAVIGATOR_LINE = 2.2


def _mpl(style, theme):
    """(colour, dash, marker) of a lesson_code Style in theme "light" or "dark"."""
    dash = (0, tuple(d / NAVIGATOR_LINE for d in style.dash)) if style.dash else (None, None)
    return getattr(style, theme), dash, MARKERS[style.marker]


def _styles(theme):
    return ({name: _mpl(entry.style, theme) for name, entry in REGISTRY.items()},
            [_mpl(style, theme) for style in EXTRA_STYLES])


# name -> (colour, dash, marker); a second run of the same optimizer (β = 0.5 against
# β = 0.99) gets one of EXTRA.
STYLES, EXTRA = _styles("light")
# The navigator's light-theme ramp: pale near the minimum, slate far from it.
CMAP = LinearSegmentedColormap.from_list("ravine", ["#fbfaf5", "#e6e9ee", "#b7c0cf"])
CONTOUR_LINE, HANDLE, HANDLE_EDGE = "#8791a3", "white", "#222222"

# Dark theme (Material's slate): the navigator's dark colours (navigator-draw.js THEMES and
# the `dark` of each style), set by use_theme("dark") while render_figures.py renders the
# `-dark.svg` twin of each figure inside DARK_RC. STYLES and EXTRA change in place, so the
# figure modules that imported them draw in the theme too.
_LIGHT = {"cmap": CMAP, "marks": (CONTOUR_LINE, HANDLE, HANDLE_EDGE)}
_DARK = {"cmap": LinearSegmentedColormap.from_list("ravine-dark", ["#1a1f2c", "#283046", "#3d4866"]),
         "marks": ("#8a94aa", "#1a1f2c", "#f4f6fa")}
DARK_TEXT = "#dde1ea"
DARK_RC = {"figure.facecolor": "none", "axes.facecolor": "none", "savefig.transparent": True,
           "text.color": DARK_TEXT, "axes.labelcolor": DARK_TEXT, "axes.edgecolor": "#9aa3b5",
           "xtick.color": DARK_TEXT, "ytick.color": DARK_TEXT, "grid.color": "#4a5268",
           "legend.labelcolor": DARK_TEXT, "legend.facecolor": "#1e2129",
           "legend.edgecolor": "#4a5268"}


# Layout. Every figure is drawn for two column widths (render_figures.py): "wide" (at most
# 7 in, for a column of 640 CSS px or more) and "narrow" (NAME-narrow.svg, 3.6 in, for a
# phone's column of about 343 px; figures-theme.js picks it). In both, text is at least
# TEXT_MIN points: a figure's width in points maps onto the column's CSS px, so 9 pt of a
# 7 in (504 pt) figure in a 640 px column, or of a 3.6 in (259 pt) figure in a 343 px
# column, is 11.4 to 11.9 px on screen (tests/browser/test_figures_legible.py measures it).
TEXT_MIN = 9
TEXT_RC = {"font.size": 10, "axes.titlesize": 10, "axes.labelsize": 10,
           "xtick.labelsize": TEXT_MIN, "ytick.labelsize": TEXT_MIN,
           "legend.fontsize": TEXT_MIN, "legend.title_fontsize": TEXT_MIN,
           "figure.titlesize": 10}
NARROW_WIDTH = 3.6
_LAYOUT = {"narrow": False}


def use_layout(name):
    """Draw the next figures "wide" or "narrow"."""
    _LAYOUT["narrow"] = name == "narrow"


def narrow():
    return _LAYOUT["narrow"]


def size(wide, narrow_height):
    """figsize: wide (w, h) as given, narrow NARROW_WIDTH × narrow_height."""
    return (NARROW_WIDTH, narrow_height) if narrow() else wide


def title(ax, text, width=40):
    """A title that fits the narrow figure: wrapped onto lines of about `width` characters."""
    import textwrap
    ax.set_title("\n".join(textwrap.wrap(text, width)) if narrow() else text)


def fewer_ticks(*axes, nbins=4):
    """On the narrow figure, at most about nbins ticks on each linear axis."""
    if not narrow():
        return
    from matplotlib.ticker import MaxNLocator
    for ax in axes:
        if ax.get_xscale() == "linear":
            ax.xaxis.set_major_locator(MaxNLocator(nbins))
        if ax.get_yscale() == "linear":
            ax.yaxis.set_major_locator(MaxNLocator(nbins))


def use_theme(name):
    """Switch the shared colours to the "light" or "dark" theme."""
    global CMAP, CONTOUR_LINE, HANDLE, HANDLE_EDGE
    styles, extra = _styles(name)
    STYLES.update(styles)
    EXTRA[:] = extra
    theme = _LIGHT if name == "light" else _DARK
    CMAP = theme["cmap"]
    CONTOUR_LINE, HANDLE, HANDLE_EDGE = theme["marks"]


def _scape(landscape):
    if isinstance(landscape, str):
        return get_landscape(landscape)
    if isinstance(landscape, dict):
        params = {k: v for k, v in landscape.items() if k != "name"}
        return make_landscape(landscape["name"], **params)
    return landscape


def draw_contours(ax, landscape, nx=121, ny=91, levels=14):
    """Filled contours and contour lines of landscape (a name, spec or Landscape:
    one built with other parameters gets its own contours)."""
    scape = _scape(landscape)
    xs, ys, values = grid(scape, nx, ny)
    z = [values[j * nx:(j + 1) * nx] for j in range(ny)]
    levels = contour_levels(values, scape.f_min, levels)
    low, high = min(min(values), levels[0]), max(max(values), levels[-1])
    # one band below the first level and one above the last, as in the navigator
    edges = [low - 1e-9 * (1 + abs(low))] + levels + [high + 1e-9 * (1 + abs(high))]
    ax.contourf(xs, ys, z, levels=edges, cmap=CMAP,
                norm=BoundaryNorm(edges, CMAP.N))
    ax.contour(xs, ys, z, levels=levels, colors=CONTOUR_LINE,
               linewidths=0.6)
    for x, y in scape.minima:
        ax.plot([x], [y], marker="*", markersize=13, color="#f5c542",
                markeredgecolor="#333333", linestyle="none", zorder=5)
    (x0, x1), (y0, y1) = scape.bounds
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    # one unit is as long across as up, as in the navigator: a ravine's walls are as steep
    # as they are, and a gradient step meets its contour at a right angle
    ax.set_aspect("equal")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    return scape


def draw_race(ax, landscape, trajectories, names=None, legend=True):
    """Contours of landscape, then each trajectory (a lesson_code Trajectory, or a
    race-op run dict with xs/ys/label/name) in the navigator's style, the start
    point and a legend below the axes. names: the optimizer names (registry keys)
    when trajectories are Trajectory values, whose labels are words."""
    if names is None and any(not isinstance(t, dict) for t in trajectories):
        raise ValueError("draw_race needs names= (the optimizers' registry names) "
                         "for Trajectory values: a label does not say its style")
    draw_contours(ax, landscape)
    used = {}
    for i, t in enumerate(trajectories):
        if isinstance(t, dict):
            xs, ys, label, name = t["xs"], t["ys"], t["label"], t["name"]
        else:
            xs, ys = [p[0] for p in t.points], [p[1] for p in t.points]
            label, name = t.label, names[i]
        colour, dash, marker = STYLES.get(name, EXTRA[0])
        if used.get(name):
            colour, dash, marker = EXTRA[(used[name] - 1) % len(EXTRA)]
        used[name] = used.get(name, 0) + 1
        every = max(1, len(xs) // 12)
        ax.plot(xs, ys, color=colour, linestyle=dash if dash[0] is not None
                else "-", linewidth=1.8, marker=marker, markevery=every,
                markersize=5, label=label, zorder=4)
    if trajectories:
        first = trajectories[0]
        x, y = (first["xs"][0], first["ys"][0]) if isinstance(first, dict) \
            else first.points[0]
        ax.plot([x], [y], marker="o", markersize=9, color=HANDLE,
                markeredgecolor=HANDLE_EDGE, markeredgewidth=2, zorder=6,
                linestyle="none")
    if legend and trajectories:
        # below the axes and their x label, whatever height equal axes leave them
        # (the figure's constrained layout makes room)
        ax.figure.legend(*ax.get_legend_handles_labels(), loc="outside lower center",
                         ncol=min(2 if narrow() else 5, len(trajectories)), frameon=False)
    return ax
