"""Static figures of the lesson "Momentum in practice" (docs/optimizers/practice.md).

The settings (σ, η, β, the run lengths) are the page's own `define:` values, read from its
front matter; every point, level and ellipse comes from lesson_code (runs, noise_variance,
the schedules). tests/test_practice_lesson.py checks the page against the same numbers.
"""

import math
import pathlib
import sys

import matplotlib.pyplot as plt
from matplotlib.patches import Ellipse

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from common import (LESSONS, STYLES, draw_contours, fewer_ticks, narrow,  # noqa: E402
                    page_define, size, title)

from lesson_code import (SCHEDULES, momentum, narrow_ravine, noise_floor,  # noqa: E402
                         noise_variance, run, schedule_for, sgd)

PAGE = LESSONS / "practice.md"
DEFINE = page_define(PAGE)
SIGMA, LR, SMALL_LR, BETA = (DEFINE[k] for k in ("sigma", "lr", "small_lr", "beta"))
SCHED_STEPS, SEEDS, FIG_STEPS = DEFINE["sched_steps"], DEFINE["seeds"], DEFINE["fig_steps"]
CLOUD_STEPS, CLOUD_BURN = DEFINE["cloud_steps"], DEFINE["cloud_burn"]
RAVINE = narrow_ravine()
INK = "#333333"


def cloud_runs():
    """GD at η and momentum at η(1 − β): the same pace along the floor."""
    return [("sgd", sgd(LR)), ("momentum", momentum(SMALL_LR, BETA))]


def noise_cloud():
    # one above the other: drawn at one scale on both axes, the ravine's floor is long
    # and its clouds are flat, which side by side would leave two thin strips
    # dpi: the resolution of the clouds' raster (below); the SVG's text and lines stay vector
    fig, axes = plt.subplots(2, 1, figsize=size((7, 5.0), 3.4), layout="constrained",
                             sharex=True, dpi=200)
    for ax, (name, opt) in zip(axes, cloud_runs()):
        draw_contours(ax, RAVINE)
        ax.set_xlim(-4, 4)
        ax.set_ylim(-1.2, 1.2)
        traj = run(opt, RAVINE, start=(0.0, 0.0), num_steps=CLOUD_STEPS, noise=SIGMA, seed=11)
        pts = traj.points[CLOUD_BURN + 1:]
        colour = STYLES[name][0]
        # ~5,000 points each: drawn as one embedded image, not 10,000 SVG elements that a
        # phone's browser styles (twice: the wide file, then the narrow one) on every load
        ax.plot([p[0] for p in pts], [p[1] for p in pts], linestyle="none", marker=".",
                markersize=2, color=colour, alpha=0.35, rasterized=True)
        # two standard deviations along each direction, from the closed form
        sx, sy = (math.sqrt(noise_variance(opt, lam, SIGMA)) for lam in RAVINE.eigenvalues)
        ax.add_patch(Ellipse((0, 0), 4 * sx, 4 * sy, fill=False, edgecolor=INK,
                             linewidth=1.6, linestyle=(0, (5, 3))))
        hp = opt.hyperparams
        label = f"GD, η = {hp['lr']:g}" if name == "sgd" else \
            f"momentum, η = {hp['lr']:g}, β = {hp['beta']:g}"
        ax.set_title(f"{label}\nexpected loss {noise_floor(opt, RAVINE, SIGMA):.3f}")
        fewer_ticks(ax)
    axes[0].set_xlabel("")
    fig.suptitle(f"{CLOUD_STEPS - CLOUD_BURN:,} noisy steps (σ = {SIGMA:g})"
                 + ("\n" if narrow() else "; ") + "dashed: 2 standard deviations, predicted")
    return fig


def schedules_figure():
    fig, ax = plt.subplots(figsize=size((7, 4.2), 5.6), layout="constrained")
    total = FIG_STEPS
    styles = ["-", (0, (6, 3)), (0, (1.5, 2)), (0, (6, 2, 1.5, 2)),
              (0, (10, 3)), (0, (3, 2, 9, 2))]
    colours = ["#555555", "#0072b2", "#009e73", "#b8509a", "#d55e00", "#8c4a2f"]
    for name, dash, colour in zip(SCHEDULES, styles, colours):
        schedule = schedule_for(name, total)
        ts = range(total + 1)
        ax.plot(ts, [schedule.factor(t) for t in ts], color=colour, linewidth=2,
                linestyle=dash,
                label=name if narrow() else f"{name}: {schedule.label}")
    ax.set_xlabel("step t")
    ax.set_ylabel("η_t / η")
    ax.set_ylim(0, 1.05)
    title(ax, f"The six schedules over {total} steps, with their default settings")
    fewer_ticks(ax)
    ax.legend(frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=2)
    return fig


def decay_figure():
    fig, ax = plt.subplots(figsize=size((7, 3.8), 5.0), layout="constrained")
    for name, colour, dash in (("constant", "#555555", "-"), ("cosine", "#d55e00", "--"),
                               ("step", "#0072b2", ":")):
        runs = [run(sgd(LR), RAVINE, num_steps=SCHED_STEPS, noise=SIGMA, seed=s,
                    schedule=name, tol=0.0) for s in range(SEEDS)]
        mean = [sum(t.losses[k] for t in runs) / SEEDS for k in range(SCHED_STEPS + 1)]
        ax.plot(range(SCHED_STEPS + 1), mean, color=colour, linestyle=dash, linewidth=1.8,
                label=name if narrow() else
                f"{name} ({schedule_for(name, SCHED_STEPS).label})")
    floor = noise_floor(sgd(LR), RAVINE, SIGMA)
    ax.axhline(floor, color=INK, linewidth=1, linestyle=(0, (2, 2)),
               label=(f"noise floor, predicted: {floor:.3f}" if narrow() else
                      f"predicted noise floor at constant η: {floor:.3f}"))
    ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_ylabel("loss, mean of the runs (log scale)")
    title(ax, f"GD at η = {LR:g} with noise σ = {SIGMA:g}: mean of {SEEDS} seeds")
    fewer_ticks(ax)
    if narrow():
        ax.legend(frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2)
    else:
        ax.legend(frameon=False, loc="lower left")
    return fig


FIGURES = {
    "practice-noise-cloud.svg": noise_cloud,
    "practice-schedules.svg": schedules_figure,
    "practice-decay.svg": decay_figure,
}
