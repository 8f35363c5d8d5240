"""Static figures of the optimizers module's lessons 1 and 3 (ravine.md, adaptive.md).

Every value comes from lesson_code. Lesson 1's condition numbers and lesson 3's race
settings and rotation angles are stated once, in the `define:` front matter of
docs/optimizers/ravine.md and adaptive.md, and read from there (the tests in tests/test_module_lessons.py check the figures against the pages).
"""

import pathlib
import sys

import matplotlib.pyplot as plt

from lesson_code import (adaptive_limit, condition_number, effective_lr, gd_max_lr,
                         make_optimizer, narrow_ravine, optimal_gd, rotated_ravine, run, sgd,
                         steps_to_shrink)

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from common import (LESSONS, STYLES, fewer_ticks, narrow, page_define,  # noqa: E402
                    size, title)  # (loaded by path)

RAVINE, ADAPTIVE = LESSONS / "ravine.md", LESSONS / "adaptive.md"

# Lesson 1: the condition numbers of the cost table, as ravine.md states them, and the
# tolerance on the loss.
KAPPAS = tuple(page_define(RAVINE)["kappas"])
TOL = 1e-6
# Lesson 3: the race settings (one learning rate per optimizer) and the rotation angles,
# as adaptive.md states them.
RACE_RUNS = tuple(page_define(ADAPTIVE)["race_runs"])
ANGLES = tuple(page_define(ADAPTIVE)["rotation_angles"])


def race_settings():
    return [make_optimizer(**r) for r in RACE_RUNS]


def predicted_steps(kappa):
    """GD at its best η on narrow_ravine(kappa): each direction's error shrinks by exactly
    (κ − 1)/(κ + 1) per step, so the loss shrinks by its square."""
    scape = narrow_ravine(kappa)
    lam_min, lam_max = scape.eigenvalues
    _, rate = optimal_gd(lam_min, lam_max)
    return steps_to_shrink(rate, (scape.f(scape.start) / TOL) ** 0.5)


def measured_steps(kappa):
    scape = narrow_ravine(kappa)
    lr, _ = optimal_gd(*scape.eigenvalues)
    return run(sgd(lr=lr), scape, num_steps=100_000, tol=TOL).step


def contraction_figure():
    scape = narrow_ravine()
    lam_min, lam_max = scape.eigenvalues
    lr_max = gd_max_lr(lam_max)
    lr_best, rate = optimal_gd(lam_min, lam_max)
    lrs = [0.25 * k / 500 for k in range(1, 501)]
    flat = [abs(1 - lr * lam_min) for lr in lrs]
    steep = [abs(1 - lr * lam_max) for lr in lrs]
    fig, ax = plt.subplots(figsize=size((6.4, 3.6), 3.6), layout="constrained")
    ax.plot(lrs, steep, color="#c2410c", label=f"steep direction, |1 − 10η|")
    ax.plot(lrs, flat, color="#1d4ed8", label=f"flat direction, |1 − 0.1η|")
    ax.axhline(1, color="0.3", lw=0.8)
    ax.axvspan(lr_max, lrs[-1], color="0.85", lw=0)
    ax.axvline(lr_max, color="0.3", ls="--", lw=1)
    ax.annotate(f"ceiling 2/λ_max = {lr_max:g};\nbeyond it GD diverges", (lr_max, 1.55),
                xytext=(-8, 0), textcoords="offset points", ha="right", va="top")
    ax.plot([lr_best], [rate], "ko")
    ax.annotate(f"best η = {lr_best:.3f},\nfactor {rate:.3f}", (lr_best, rate),
                xytext=(-70 if narrow() else -92, -38), textcoords="offset points",
                arrowprops={"arrowstyle": "-", "color": "0.3"})
    ax.set_xlim(0, lrs[-1])
    ax.set_ylim(0, 1.6)
    ax.set_xlabel("learning rate η")
    ax.set_ylabel("error factor per step")
    title(ax, "Gradient descent on ½(0.1x² + 10y²): one η, two directions")
    ax.legend(loc="lower left")
    fewer_ticks(ax)
    return fig


def cost_figure():
    measured = [measured_steps(k) for k in KAPPAS]
    predicted = [predicted_steps(k) for k in KAPPAS]
    fig, ax = plt.subplots(figsize=size((6.4, 3.6), 4.4), layout="constrained")
    ax.loglog(KAPPAS, predicted, color="#1d4ed8", lw=1.5,
              label="predicted: loss × ((κ − 1)/(κ + 1))²" + ("\n" if narrow() else " ")
              + "per step")
    ax.loglog(KAPPAS, measured, "o", color="#c2410c", ms=7, mfc="none", mew=1.8,
              label="measured: lesson_code.run")
    for k, m in zip(KAPPAS, measured):
        ax.annotate(f"{m:,}", (k, m), xytext=(8, -4), textcoords="offset points",
                    va="top")
    ax.set_xlim(0.6, 3e4)
    ax.set_xlabel("condition number κ = λ_max/λ_min")
    ax.set_ylabel("steps until loss ≤ 10⁻⁶")
    title(ax, "Gradient descent at its best η: steps grow in proportion to κ")
    if narrow():
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), frameon=False)
    else:
        ax.legend(loc="upper left")
    ax.grid(True, which="major", alpha=0.3)
    return fig


def rotation_steps():
    """{label: [steps until the loss first comes within tolerance, at each angle]} for
    the race settings (RMSProp and Adam never stay there; the others arrive for good)."""
    rows = {}
    for angle in ANGLES:
        scape = rotated_ravine(angle_deg=angle)
        for opt in race_settings():
            traj = run(opt, scape, num_steps=5000)
            rows.setdefault(opt.label, []).append(traj.first)
    return rows


def rotation_figure():
    fig, ax = plt.subplots(figsize=size((6.4, 3.8), 4.4), layout="constrained")
    names = {opt.label: opt.name for opt in race_settings()}
    for label, steps in rotation_steps().items():
        # each optimizer in its registry style, as in the navigator
        color, dash, marker = STYLES[names[label]]
        ax.plot(ANGLES, steps, marker=marker, color=color, label=label,
                linestyle=dash if dash[0] is not None else "-")
    ax.set_xlabel("rotation of the ravine (degrees)")
    ax.set_ylabel("steps until loss first ≤ 10⁻⁶")
    kappa = condition_number(*rotated_ravine().eigenvalues)
    title(ax, f"The same ravine (κ = {kappa:g}), turned: who notices?")
    ax.set_ylim(bottom=0)
    ax.set_xticks(ANGLES[::3] if narrow() else ANGLES)
    ax.grid(True, alpha=0.3)
    if narrow():
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=3, frameon=False)
    else:
        ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5))
    return fig


# Lesson 3: how long the effective-rate figure follows RMSProp and Adam.
LONG_STEPS = page_define(ADAPTIVE)["long_steps"]  # the long race of the lesson


def effective_rate_figure():
    """RMSProp's and Adam's effective learning rate across the ravine against its
    ceiling (top), and their loss gap against the tolerance (bottom), over the steps."""
    scape = narrow_ravine()
    lam_max = scape.eigenvalues[1]
    fig, (top, bottom) = plt.subplots(2, 1, figsize=size((6.4, 5.2), 5.6), sharex=True,
                                      layout="constrained")
    for spec in RACE_RUNS:
        if spec["name"] not in ("rmsprop", "adam"):
            continue
        opt = make_optimizer(**spec)
        colour, dash, _ = STYLES[opt.name]
        traj = run(opt, scape, num_steps=LONG_STEPS, tol=0.0, record=True)
        steps = range(1, len(traj.states))
        rates = [effective_lr(opt, state)[1] for state in traj.states[1:]]
        limit = adaptive_limit(opt, lam_max)
        top.semilogy(steps, rates, color=colour, linestyle=dash, label=opt.label)
        top.axhline(limit, color=colour, linestyle=":", lw=1.2)
        top.annotate(f"{opt.label}'s ceiling {limit:.1f}", (LONG_STEPS, limit),
                     xytext=(-4, 3), textcoords="offset points", ha="right", color=colour)
        gaps = [max(loss - scape.f_min, 1e-30) for loss in traj.losses]
        bottom.semilogy(range(len(gaps)), gaps, color=colour, linestyle=dash, lw=0.9,
                        label=opt.label)
    bottom.axhline(TOL, color="0.3", linestyle="--", lw=1)
    bottom.annotate(f"tolerance {TOL:g}", (LONG_STEPS, TOL), xytext=(-4, 3),
                    textcoords="offset points", ha="right")
    top.set_ylabel("effective rate across (η_eff)")
    title(top, "A fixed η: the effective rate grows until it passes its ceiling")
    top.legend(loc="upper left")
    bottom.set_ylim(1e-20, 1e3)
    bottom.set_ylabel("loss gap f − f_min")
    bottom.set_xlabel("step")
    bottom.set_xlim(0, LONG_STEPS)
    for ax in (top, bottom):
        ax.grid(True, alpha=0.3)
    fewer_ticks(bottom)
    if narrow():
        bottom.set_yticks([1e-20, 1e-10, 1e0])
    return fig


FIGURES = {
    "lesson1-contraction.svg": contraction_figure,
    "lesson1-cost.svg": cost_figure,
    "lesson3-rotation.svg": rotation_figure,
    "lesson3-effective-rate.svg": effective_rate_figure,
}
