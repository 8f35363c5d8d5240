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


def test_every_landscape_is_drawn_at_one_scale_on_both_axes(monkeypatch):
    """A unit across is as long on the page as a unit up, in every figure that draws a
    landscape (and in the picture a navigator shows before Python, draw_race), as in the
    live navigator: stretched, the ravine's walls look gentler than they are and a
    gradient step does not meet its contour at a right angle."""
    import sys
    load_figures("momentum")  # puts the figure scripts' own `common` in sys.modules
    shared = sys.modules["common"]
    drawn, real = [], shared.draw_contours

    def recording(ax, *args, **kwargs):
        drawn.append(ax)
        return real(ax, *args, **kwargs)

    monkeypatch.setattr(shared, "draw_contours", recording)
    makers = [make for stem in ("momentum", "practice", "module")
              for make in load_figures(stem).FIGURES.values()]
    makers.append(lambda: shared.draw_race(plt.subplots(figsize=(8, 5), layout="constrained")[1],
                                           "ravine", [run(sgd(0.1), get_landscape("ravine"),
                                                          num_steps=5)], names=["sgd"]).figure)
    scales = []
    try:
        for layout in ("wide", "narrow"):
            shared.use_layout(layout)
            for make in makers:
                before = len(drawn)
                fig = make()
                fig.canvas.draw()
                for ax in drawn[before:]:
                    (x0, y0), (x1, _), (_, y1) = ax.transData.transform([(0, 0), (1, 0), (0, 1)])
                    scales.append((layout, ax.get_title(), x1 - x0, y1 - y0))
                plt.close(fig)
    finally:
        shared.use_layout("wide")
    # the zigzag, the two noise clouds and the navigator's picture, at both widths
    assert len(scales) >= 8, scales
    unequal = [s for s in scales if s[2] != pytest.approx(s[3], rel=1e-6)]
    assert not unequal, f"(layout, title, px per unit across, px per unit up): {unequal}"
