"""lesson_code.plot: small SVG plots that work where matplotlib does not."""

import math
import re
import xml.etree.ElementTree as ET

import pytest

from lesson_code import get_landscape, momentum, race, run, sgd
from lesson_code.optimizers import EmptyState, Style, made, register
from lesson_code.plot import Plot, landscape_plot, loss_plot, nice_ticks

SVG = "{http://www.w3.org/2000/svg}"


def parse(plot):
    root = ET.fromstring(plot.to_svg())  # well-formed XML, or this raises
    assert root.tag == SVG + "svg"
    return root


def path_points(d):
    """The subpaths of an SVG path's d attribute, as lists of (x, y)."""
    parts = re.findall(r"([ML])([-\d.]+),([-\d.]+)", d)
    subpaths = []
    for pen, x, y in parts:
        if pen == "M":
            subpaths.append([])
        subpaths[-1].append((float(x), float(y)))
    return subpaths


def series_paths(root):
    return [p for p in root.iter(SVG + "path") if p.get("stroke-width") == "1.8"]


def test_nice_ticks_are_round_numbers_inside_the_range():
    assert nice_ticks(0, 300) == [0, 100, 200, 300]
    assert nice_ticks(-4, 4) == [-4, -2, 0, 2, 4]
    assert nice_ticks(0.03, 0.97) == [0.2, 0.4, 0.6, 0.8]


def test_a_loss_plot_draws_each_run_with_every_drawable_point():
    ravine = get_landscape("ravine")
    runs = [run(sgd(0.18), ravine, num_steps=300), run(momentum(0.18, 0.9), ravine, num_steps=300)]
    plot = loss_plot(*runs)
    root = parse(plot)
    paths = series_paths(root)
    assert len(paths) == 2
    for path, traj in zip(paths, runs):
        drawn = sum(len(sub) for sub in path_points(path.get("d")))
        assert drawn == sum(1 for v in traj.losses if math.isfinite(v) and v > 0)
    texts = [t.text for t in root.iter(SVG + "text")]
    assert {"GD", "Momentum", "step", "loss", "Loss per step"} <= set(texts)
    same = re.compile(r"ravine-plot-\d+")  # each drawing has its own clip id
    assert same.sub("id", plot._repr_svg_()) == same.sub("id", plot.to_svg())


def test_log_axis_ticks_are_decades_and_the_curve_falls_like_the_loss():
    losses = [10.0 ** -k for k in range(7)]
    root = parse(Plot(logy=True).line(losses, label="decay"))
    labels = [t.text for t in root.iter(SVG + "text") if t.get("text-anchor") == "end"]
    assert labels[0] == "1e-06" and labels[-1] == "1"
    (points,) = path_points(series_paths(root)[0].get("d"))
    ys = [y for _, y in points]
    steps = [b - a for a, b in zip(ys, ys[1:])]
    assert all(abs(s - steps[0]) < 0.2 for s in steps)  # equal decades, equal steps down the page


def test_points_that_cannot_be_drawn_leave_gaps_never_nan():
    plot = Plot(logy=True).line([1.0, float("nan"), float("inf"), 0.0, 2.0, 3.0])
    svg = plot.to_svg()
    assert "nan" not in svg.lower() and "inf" not in svg.lower()
    subpaths = path_points(series_paths(ET.fromstring(svg))[0].get("d"))
    assert [len(s) for s in subpaths] == [1, 2]


def test_contour_lines_lie_on_their_levels():
    bowl = get_landscape("bowl")
    plot = Plot().contours(bowl, levels=5, n=81)
    assert plot.segments
    assert len(plot.levels) == 5
    for a, b in plot.segments:
        level = min(plot.levels, key=lambda v: abs(v - bowl.f(a)))
        for point in (a, b):  # both ends on the same level line
            assert abs(bowl.f(point) - level) < 0.01 * level


def test_a_landscape_plot_keeps_one_unit_equal_on_both_axes_and_marks_the_start():
    ravine = get_landscape("ravine")
    traj = run(momentum(0.18, 0.9), ravine, num_steps=200)
    plot = landscape_plot(ravine, traj)
    root = parse(plot)
    frame = next(r for r in root.iter(SVG + "rect") if r.get("stroke") == "#333")
    (x0, x1), (y0, y1) = ravine.bounds
    width, height = float(frame.get("width")), float(frame.get("height"))
    assert abs(width / height - (x1 - x0) / (y1 - y0)) < 0.01
    marker = next(root.iter(SVG + "circle"))
    left, top = float(frame.get("x")), float(frame.get("y"))
    sx, sy = traj.points[0]
    assert abs(float(marker.get("cx")) - (left + (sx - x0) / (x1 - x0) * width)) < 0.1
    assert abs(float(marker.get("cy")) - (top + height - (sy - y0) / (y1 - y0) * height)) < 0.1
    assert int(root.get("height")) < 320  # the figure fits its equal-aspect frame


def test_words_are_escaped_and_described_for_screen_readers(tmp_path):
    plot = Plot(title="loss < 1 & falling").line([3, 2, 1], label="<adam>")
    root = parse(plot)
    assert root.find(SVG + "title").text == plot.describe()
    assert plot.describe() == "loss < 1 & falling: Plot of <adam> (3 points)."
    plot.save(tmp_path / "plot.svg")
    assert ET.parse(tmp_path / "plot.svg").getroot().tag == SVG + "svg"


def test_a_long_legend_label_with_an_ampersand_stays_valid_svg():
    """The label is cut to its 18 characters first, then escaped: cutting the
    escaped text could split "&amp;" and break the SVG."""
    import xml.dom.minidom
    from lesson_code import get_landscape, run, sgd
    from lesson_code.plot import loss_plot
    label = "abcdefghijklmno & more"
    svg = loss_plot(run(sgd(0.1), get_landscape("ravine"), num_steps=5,
                        label=label))._repr_svg_()
    xml.dom.minidom.parseString(svg)
    assert "abcdefghijklmno &amp;" in svg


@pytest.fixture
def tracer(registries):
    """A throwaway optimizer registered with a colour, dash and marker no other has."""
    @register("tracer", "Tracer", Style("#13a57e", "#fedcba", (6, 2), "diamond"), EmptyState)
    def factory(lr, beta=0.0):
        return made("tracer", {"lr": lr, "beta": beta}, lambda w: EmptyState(),
                    lambda g, state: (tuple(-lr * gi for gi in g), state))
    return factory


def test_a_run_is_drawn_in_its_optimizers_registered_style(tracer):
    """The colour, dash and marker of a run come from its optimizer's registry entry
    (the same Style the navigator and the build's figures draw), not its position."""
    ravine = get_landscape("ravine")
    runs = race([sgd(0.1), tracer(0.1)], ravine, num_steps=60)
    for plot in (loss_plot(*runs), landscape_plot(ravine, *runs)):
        root = parse(plot)
        (path,) = [p for p in series_paths(root) if p.get("stroke") == "#13a57e"]
        assert path is series_paths(root)[1]  # the second run, whatever its place
        # the dash is given in pixels of the navigator's 2.2 px line: scaled to 1.8 px
        dashes = [float(d) for d in path.get("stroke-dasharray").split(",")]
        assert dashes == [round(6 * 1.8 / 2.2, 2), round(2 * 1.8 / 2.2, 2)]
        legend = [line for line in root.iter(SVG + "line") if line.get("stroke") == "#13a57e"]
        assert len(legend) == 1 and legend[0].get("stroke-dasharray")
        diamonds = [p for p in root.iter(SVG + "path")
                    if p.get("fill") == "#13a57e" and p.get("d", "").endswith("Z")]
        assert diamonds and all(len(path_points(m.get("d"))[0]) == 4 for m in diamonds)


def test_two_runs_of_one_optimizer_differ_in_colour_and_dash(tracer):
    runs = race([tracer(0.1, 0.0), tracer(0.1, 0.5)], get_landscape("bowl"), num_steps=40)
    first, second = series_paths(parse(loss_plot(*runs)))
    assert first.get("stroke") == "#13a57e"
    assert second.get("stroke") != "#13a57e"
    assert second.get("stroke-dasharray") != first.get("stroke-dasharray")
