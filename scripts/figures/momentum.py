"""Static figures of the Momentum lesson (docs/optimizers/momentum.md).

The settings (η, the start, the page's βs, the EMA's βs, the run lengths) are the page's
own `define:` values, read from its front matter; every value drawn comes from
lesson_code: the race and its contours (through the shared draw_race helper in
common.py), the EMA weights, predicted and measured rates, and the rate map. Rendered by
scripts/render_figures.py.
"""

import ast
import pathlib
import sys

import matplotlib.pyplot as plt
import numpy
from matplotlib.ticker import MaxNLocator

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from common import (LESSONS, STYLES, draw_race, fewer_ticks, narrow,  # noqa: E402
                    page_define, size, title)

from lesson_code import (effective_window, ema_weights,  # noqa: E402
                         momentum, momentum_contraction, momentum_max_lr,
                         narrow_ravine, optimal_gd, optimal_momentum,
                         critical_beta, measured_rate, rate_map, regime, run,
                         sgd)

RAVINE = narrow_ravine()
LAM_MIN, LAM_MAX = RAVINE.eigenvalues
DEFINE = page_define(LESSONS / "momentum.md")
LR, START = DEFINE["lr"], ast.literal_eval(DEFINE["start"])
BETA, BETA_SHORT, BETA_LONG = DEFINE["beta"], DEFINE["beta_short"], DEFINE["beta_long"]
# the rate figure's βs: the page's short memory and its β, and one between them (the
# figure's own)
BETAS = (BETA_SHORT, 0.75, BETA)
EMA_BETAS = tuple(DEFINE["ema_betas"])
RATE_STEPS, DIR_STEPS = DEFINE["rate_steps"], DEFINE["dir_steps"]
INK = "#333333"


def predicted(lr, beta):
    """Worst contraction over the ravine's two directions."""
    return max(momentum_contraction(lr, beta, lam) for lam in RAVINE.eigenvalues)


def measured(lr, beta, num_steps=RATE_STEPS):
    """Rate measured from the second half of a long run's losses (the page's
    rate_steps), or None if it diverged."""
    opt = sgd(lr) if beta == 0 else momentum(lr, beta)
    traj = run(opt, RAVINE, START, num_steps, tol=0.0)
    if traj.status == "diverged":
        return None
    return measured_rate(traj)


def zigzag():
    fig, ax = plt.subplots(figsize=size((7, 3.8), 2.4), layout="constrained")
    traj = run(sgd(LR), RAVINE, START, 60)
    draw_race(ax, RAVINE, [traj._replace(label=f"GD, η = {LR:g}, first 60 steps")],
              names=["sgd"])
    title(ax, "Gradient descent bounces across the ravine and crawls along it")
    fewer_ticks(ax)
    return fig


def ema_figure():
    fig, ax = plt.subplots(figsize=size((7, 3.6), 4.4), layout="constrained")
    colours = ["#0072b2", "#d55e00", "#009e73"]
    for beta, colour in zip(EMA_BETAS, colours, strict=True):
        n = 10_000
        weights = ema_weights(beta, n)
        ks = range(1, n + 1)  # k + 1, so the newest value sits at 1 on a log axis
        ax.plot(ks, weights, color=colour, linewidth=2,
                label=f"β = {beta:g}: window 1/(1−β) = {effective_window(beta):.0f}")
        window = effective_window(beta)
        ax.axvline(window, color=colour, linestyle=(0, (4, 3)), linewidth=1)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_ylim(1e-6, 0.3)
    ax.set_xlabel("how many steps ago (k + 1, log scale)")
    ax.set_ylabel("weight (1 − β) βᵏ (log scale)")
    title(ax, "EMA weights: flat over about 1/(1−β) steps, then a fast fall")
    if narrow():
        ax.set_xticks([1, 10, 100, 1000, 10000])
        ax.set_yticks([1e-6, 1e-4, 1e-2])
        ax.legend(frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.24))
    else:
        ax.legend(frameon=False, loc="lower left")
    return fig


def rate_figure():
    if narrow():  # one above the other
        fig, (left, right) = plt.subplots(2, 1, figsize=(3.6, 7.4), layout="constrained")
    else:
        fig, (left, right) = plt.subplots(1, 2, figsize=(7, 3.8), layout="constrained",
                                          sharey=True)
    lrs = [0.01 + 0.39 * i / 199 for i in range(200)]
    dots = [0.02 + 0.02 * i for i in range(20)]
    series = [(0.0, "GD (β = 0)", STYLES["sgd"][0])] + [
        (b, f"momentum, β = {b:g}", c)
        for b, c in zip(BETAS, ["#56b4e9", "#009e73", STYLES["momentum"][0]])]
    for beta, label, colour in series:
        left.plot(lrs, [predicted(lr, beta) for lr in lrs], color=colour,
                  linewidth=1.6, label=label)
        pts = [(lr, measured(lr, beta)) for lr in dots]
        pts = [(lr, m) for lr, m in pts if m is not None]
        left.plot([p[0] for p in pts], [p[1] for p in pts], "o", color=colour,
                  markersize=4, markeredgecolor=INK, markeredgewidth=0.5)
    left.axhline(1.0, color=INK, linewidth=0.8)
    left.set_ylim(0.8, 1.05)
    left.set_xlabel("learning rate η")
    left.set_ylabel("error shrink factor per step")
    left.set_title("Against η: lines predicted, dots measured")
    left.legend(frameon=False, loc="lower left")

    betas = [0.99 * i / 199 for i in range(200)]
    right.plot(betas, [predicted(LR, b) for b in betas], color=STYLES["momentum"][0],
               linewidth=1.6, label="predicted")
    bdots = [0.05 * i for i in range(20)]
    right.plot(bdots, [measured(LR, b) for b in bdots], "o",
               color=STYLES["momentum"][0], markersize=4, markeredgecolor=INK,
               markeredgewidth=0.5, label="measured")
    bc = critical_beta(LR, LAM_MIN)
    right.axvline(bc, color=INK, linestyle=(0, (4, 3)), linewidth=1)
    right.annotate(f"critical β = {bc:.3f}\nrate {predicted(LR, bc):.3f}",
                   (bc, predicted(LR, bc)), xytext=(0.2, 0.89) if narrow() else (0.25, 0.83),
                   arrowprops={"arrowstyle": "->", "color": INK})
    right.set_xlabel("momentum β")
    right.set_title(f"Against β at η = {LR:g}")
    right.legend(frameon=False, loc="lower right")
    if narrow():
        right.set_ylim(left.get_ylim())
        right.set_ylabel("error shrink factor per step")
    fewer_ticks(left, right)
    return fig


def rate_map_figure():
    fig, ax = plt.subplots(figsize=size((6.8, 4.6), 6.4), layout="constrained")
    nx, ny = 161, 100
    lrs = [0.4 * (i + 0.5) / nx for i in range(nx)]
    betas = [0.99 * j / (ny - 1) for j in range(ny)]
    rows = rate_map(LAM_MIN, LAM_MAX, lrs, betas)
    # (η, β) pairs that do not converge are drawn grey, not as a colour of the scale
    shown = numpy.ma.masked_greater_equal(numpy.array(rows), 1.0)
    cmap = plt.get_cmap("viridis").with_extremes(bad="#d0d0d0")
    image = ax.pcolormesh(lrs, betas, shown, cmap=cmap, vmin=0.8, vmax=1.0,
                          shading="nearest", rasterized=True)
    fig.colorbar(image, ax=ax, label="rate per step" + ("\n" if narrow() else " ")
                 + "(grey: no convergence)")
    ax.contour(lrs, betas, rows, levels=[1.0], colors="black", linewidths=2)
    ax.plot([momentum_max_lr(b, LAM_MAX) for b in betas], betas,
            color="#e69f00", linestyle=(0, (3, 2)), linewidth=1.2,
            label="theory's edge: η = (2 + 2β)/λ_max")
    lr_gd, rate_gd = optimal_gd(LAM_MIN, LAM_MAX)
    lr_m, beta_m, rate_m = optimal_momentum(LAM_MIN, LAM_MAX)
    ax.plot([lr_gd], [0.0], marker="o", markersize=9, color="#d55e00",
            markeredgecolor="white", linestyle="none", clip_on=False,
            label=f"best GD: η = {lr_gd:.3f}, rate {rate_gd:.3f}")
    ax.plot([lr_m], [beta_m], marker="*", markersize=15, color="#f5c542",
            markeredgecolor=INK, linestyle="none",
            label=f"best momentum: η = {lr_m:.3f}, β = {beta_m:.3f}, rate {rate_m:.3f}")
    walk = (BETA_SHORT, BETA, BETA_LONG)
    ax.plot([LR] * 3, walk, marker="s", markersize=6, color="white",
            markeredgecolor=INK, linestyle="none",
            label=f"the walk-through: η = {LR:g}, β = " + ", ".join(f"{b:g}" for b in walk))
    ax.set_xlim(0, 0.4)
    ax.set_ylim(0, 1.0)
    ax.set_xlabel("learning rate η")
    ax.set_ylabel("momentum β")
    title(ax, "Rate per step on the ravine (κ = 100); black line: edge of stability", 34)
    if narrow():  # one entry a line, the long ones over two
        handles, labels = ax.get_legend_handles_labels()
        labels = [label.replace(": ", ":\n", 1) if len(label) > 34 else label
                  for label in labels]
        ax.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=1,
                  frameon=False)
    else:
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2, frameon=False)
    fewer_ticks(ax)
    return fig


# The four regimes: a colour, a hatch and a word each (never colour alone), and one
# (ηλ, β) point whose 1-D error is drawn as an example.
REGIME_STYLE = {
    "creep": ("#cfe3f3", "", "creeps: no sign change"),
    "spiral": ("#f6e2b3", "..", "spirals: complex roots, |z| = √β"),
    "flip": ("#d9ecd3", "//", "flips sign every step"),
    "diverge": ("#d0d0d0", "xx", "diverges"),
}
LABEL_BOX = {"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.9}
EXAMPLES = {"creep": (0.02, 0.5), "spiral": (0.5, 0.5), "flip": (2.5, 0.3),
            "diverge": (3.3, 0.5)}


def error_path(x, beta, steps=25):
    """e_t along a direction with ηλ = x, from e_0 = 1 (runs lesson_code's momentum on
    the 1-D quadratic ½ λ e² with λ = 1, η = x)."""
    from lesson_code import quadratic
    line = quadratic("line", "1-D", 1.0, 1.0, start=(1.0, 0.0))
    traj = run(momentum(x, beta) if beta else sgd(x), line, (1.0, 0.0), steps,
               tol=0.0)
    return [p[0] for p in traj.points]


def regimes_figure():
    for name, (x, b) in EXAMPLES.items():
        assert regime(x, b, 1.0) == name, (name, x, b)
    if narrow():  # the map, then the four examples two by two
        fig = plt.figure(figsize=(3.6, 9.0), layout="constrained")
        grid = fig.add_gridspec(4, 2, height_ratios=[3.4, 0.1, 1.3, 1.3])
        cells = [grid[2, 0], grid[2, 1], grid[3, 0], grid[3, 1]]
    else:
        fig = plt.figure(figsize=(7, 6.4), layout="constrained")
        grid = fig.add_gridspec(3, 4, height_ratios=[3.2, 0.1, 1.3])
        cells = [grid[2, k] for k in range(4)]
    ax = fig.add_subplot(grid[0, :])
    nx, ny = 300, 120
    xs = [10 ** (-3 + 3.7 * (i + 0.5) / nx) for i in range(nx)]
    betas = [0.99 * j / (ny - 1) for j in range(ny)]
    names = list(REGIME_STYLE)
    codes = numpy.array([[names.index(regime(x, b, 1.0)) for x in xs] for b in betas])
    for k, name in enumerate(names):
        colour, hatch, label = REGIME_STYLE[name]
        ax.contourf(xs, betas, (codes == k).astype(float), levels=[0.5, 1.5],
                    colors=[colour], hatches=[hatch])
        ax.plot([], [], "s", color=colour, markersize=10, label=label)
    root = numpy.sqrt(betas)
    ax.plot((1 - root) ** 2, betas, color=INK, lw=1)
    ax.plot((1 + root) ** 2, betas, color=INK, lw=1, label="critical damping, ηλ = (1 ± √β)²")
    ax.plot([2 + 2 * b for b in betas], betas, color=INK, lw=2, label="edge of stability, ηλ = 2 + 2β")
    for lam, where, side in zip(RAVINE.eigenvalues, ("floor (x)", "walls (y)"),
                                ("left", "right")):
        ax.plot([LR * lam], [BETA], marker="o", markersize=9, color="white",
                markeredgecolor=INK, markeredgewidth=2, linestyle="none")
        # on the narrow map the two labels would meet: the floor's goes lower
        drop = -44 if narrow() and side == "left" else -12
        ax.annotate(f"ravine's {where}:\nηλ = {LR * lam:g}, β = {BETA:g}", (LR * lam, BETA),
                    xytext=(8 if side == "left" else -8, drop), textcoords="offset points",
                    fontsize=9, ha=side, va="top", bbox=LABEL_BOX)
    for name, (x, b) in EXAMPLES.items():
        ax.plot([x], [b], marker="D", markersize=6, color=INK, linestyle="none")
        ax.annotate(name, (x, b), xytext=(5, 4), textcoords="offset points", fontsize=9,
                    bbox=LABEL_BOX)
    ax.set_xscale("log")
    ax.set_xlim(xs[0], xs[-1])
    ax.set_ylim(0, 0.99)
    ax.set_xlabel("ηλ (learning rate × curvature), log scale")
    ax.set_ylabel("momentum β")
    ax.set_title("What momentum does along one direction")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16 * (1.5 if narrow() else 1)),
              ncol=1 if narrow() else 2, frameon=False)
    if narrow():
        ax.set_xticks([1e-3, 1e-2, 1e-1, 1])
    for k, name in enumerate(names):
        x, b = EXAMPLES[name]
        small = fig.add_subplot(cells[k])
        path = error_path(x, b)
        small.axhline(0, color="0.6", lw=0.8)
        small.plot(range(len(path)), path, marker="o", markersize=2.5, color=INK, lw=1)
        small.set_title(f"{name}\nηλ = {x:g}, β = {b:g}", fontsize=9)
        small.set_xticks([0, len(path) - 1])
        if name == "diverge":
            small.set_yscale("symlog")
            small.set_yticks([-1e3, 0, 1e3])
        else:
            small.yaxis.set_major_locator(MaxNLocator(3))
        small.set_xlabel("step", fontsize=9, labelpad=-2)
    return fig


def error_by_direction_figure():
    """|x_t| and |y_t| (the errors along the floor and across the walls) against the
    step, for GD and momentum at the page's η."""
    if narrow():  # one above the other
        fig, axes = plt.subplots(2, 1, figsize=(3.6, 6.4), sharex=True, layout="constrained")
    else:
        fig, axes = plt.subplots(1, 2, figsize=(7, 3.6), sharey=True, layout="constrained")
    runs = [("GD", "sgd", run(sgd(LR), RAVINE, START, DIR_STEPS, tol=0.0)),
            (f"momentum, β = {BETA:g}", "momentum",
             run(momentum(LR, BETA), RAVINE, START, DIR_STEPS, tol=0.0))]
    for ax, (heading, name, traj) in zip(axes, runs):
        colour, dash, _ = STYLES[name]
        steps = range(len(traj.points))
        ax.semilogy(steps, [max(abs(p[0]), 1e-30) for p in traj.points], color=colour,
                    lw=1.8, label=f"|x|, along the floor (λ = {LAM_MIN:g})")
        ax.semilogy(steps, [max(abs(p[1]), 1e-30) for p in traj.points], color=colour,
                    lw=1.2, linestyle=(0, (2, 2)),
                    label=f"|y|, across the walls (λ = {LAM_MAX:g})")
        ax.set_title(f"{heading}, η = {LR:g}")
        ax.set_ylim(1e-12, 1e2)
        ax.set_yticks([1e-12, 1e-8, 1e-4, 1])
        ax.grid(True, which="major", alpha=0.3)
        ax.legend(loc="lower left")
        if narrow():
            ax.set_ylabel("error along each direction")
    axes[-1].set_xlabel("step")
    if not narrow():
        axes[0].set_xlabel("step")
        axes[0].set_ylabel("error along each direction")
    fewer_ticks(*axes)
    return fig


FIGURES = {
    "momentum-regimes.svg": regimes_figure,
    "momentum-error-by-direction.svg": error_by_direction_figure,
    "momentum-zigzag.svg": zigzag,
    "momentum-ema-weights.svg": ema_figure,
    "momentum-measured-rate.svg": rate_figure,
    "momentum-rate-map.svg": rate_map_figure,
}
