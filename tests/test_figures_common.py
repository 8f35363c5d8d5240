"""The static figures' shared helpers (scripts/figures/common.py)."""

import re

import matplotlib
import pytest
from paths import BUILD, load_figures

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


# An SVG shown by <img> is a document of its own: the browser styles and lays out each of
# its elements as the page loads, and on a phone twice (the wide file first, then the narrow
# one, figures-theme.js). The noise cloud's 10,000 scatter points as SVG elements cost two
# ~20,000-element style passes on the Practice page; drawn as one embedded image
# (rasterized=True) the figure has ~540 elements and looks the same.
MAX_FIGURE_ELEMENTS = 2_000


def test_no_figure_makes_the_browser_style_thousands_of_elements():
    figures = sorted((BUILD / "assets" / "figures").glob("*.svg"))
    assert any(f.name == "practice-noise-cloud-narrow-dark.svg" for f in figures), figures[:3]
    counts = {f.name: len(re.findall(r"<[A-Za-z]", f.read_text(encoding="utf-8"))) for f in figures}
    heavy = {name: n for name, n in counts.items() if n > MAX_FIGURE_ELEMENTS}
    assert not heavy, f"SVG elements per figure (at most {MAX_FIGURE_ELEMENTS:,}): {heavy}"
