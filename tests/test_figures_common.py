"""The static figures' shared helpers (scripts/figures/common.py)."""

import matplotlib
import pytest
from paths import load_figures

from lesson_code import get_landscape, narrow_ravine, run, sgd
from lesson_code.grid import contour_levels, grid

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


COMMON = load_figures("common")


def test_a_landscape_built_with_other_parameters_gets_its_own_contours():
    stretched = narrow_ravine(kappa=1000.0)
    fig, ax = plt.subplots()
    COMMON.draw_contours(ax, stretched, nx=31, ny=21, levels=8)
    drawn = sorted({round(level, 12) for c in ax.collections
                    for level in getattr(c, "levels", [])})
    plt.close(fig)
    _, _, values = grid(stretched, 31, 21)
    own = contour_levels(values, stretched.f_min, 8)
    _, _, default_values = grid(get_landscape("ravine"), 31, 21)
    default = contour_levels(default_values, 0.0, 8)
    assert own != default
    assert all(round(level, 12) in drawn for level in own)


def test_a_trajectory_without_its_optimizer_name_is_refused_not_guessed():
    traj = run(sgd(0.1), get_landscape("ravine"), num_steps=5)
    fig, ax = plt.subplots()
    with pytest.raises(ValueError, match="names="):
        COMMON.draw_race(ax, "ravine", [traj])
    COMMON.draw_race(ax, "ravine", [traj], names=["sgd"])
    line = next(l for l in ax.get_lines() if l.get_label() == traj.label)
    assert line.get_color() == COMMON.STYLES["sgd"][0]
    plt.close(fig)
