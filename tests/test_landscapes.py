"""Facts about the landscapes, checked by evaluating them."""

import math

import numpy as np
import pytest

from lesson_code import (FACTORIES, LANDSCAPES, get_landscape, make_landscape,
                         narrow_ravine, rotated_ravine)

EVERY = list(LANDSCAPES.values()) + [narrow_ravine(25.0, 4.0),
                                     rotated_ravine(10.0, -60.0)]


def sample_points(scape, n=7):
    """A fixed scatter of points inside the plotting bounds."""
    (x0, x1), (y0, y1) = scape.bounds
    return [(x0 + (x1 - x0) * (i + 0.5) / n,
             y0 + (y1 - y0) * ((3 * i) % n + 0.5) / n) for i in range(n)]


def numeric_grad(f, w, h=1e-5):
    """Central differences, the oracle for every analytic gradient."""
    out = []
    for i in range(len(w)):
        up, down = list(w), list(w)
        up[i] += h
        down[i] -= h
        out.append((f(tuple(up)) - f(tuple(down))) / (2 * h))
    return out


@pytest.mark.parametrize("scape", EVERY, ids=lambda s: s.title)
def test_analytic_gradient_matches_finite_differences(scape):
    for w in sample_points(scape) + [scape.start]:
        analytic, numeric = scape.grad(w), numeric_grad(scape.f, w)
        scale = max(1.0, max(abs(g) for g in numeric))
        assert np.allclose(analytic, numeric, rtol=1e-6, atol=1e-6 * scale)


@pytest.mark.parametrize("scape", EVERY, ids=lambda s: s.title)
def test_start_lies_inside_the_plotting_bounds(scape):
    (x0, x1), (y0, y1) = scape.bounds
    assert x0 < scape.start[0] < x1 and y0 < scape.start[1] < y1


@pytest.mark.parametrize("scape", EVERY, ids=lambda s: s.title)
def test_minima_are_flat_and_attain_f_min(scape):
    for w in scape.minima:
        assert scape.f(w) == pytest.approx(scape.f_min, abs=1e-12)
        assert max(abs(g) for g in scape.grad(w)) < 1e-10


@pytest.mark.parametrize("scape", [s for s in EVERY if s.eigenvalues],
                         ids=lambda s: s.title)
def test_quadratic_eigenvalues_are_the_hessians(scape):
    """The stated (λ_min, λ_max) are the eigenvalues of the (constant)
    Hessian, measured by differencing the gradient; numpy is the oracle."""
    hessian = np.array([numeric_grad(lambda w: scape.grad(w)[i], (0.3, -0.7))
                        for i in range(2)])
    lam = sorted(np.linalg.eigvalsh((hessian + hessian.T) / 2))
    assert np.allclose(scape.eigenvalues, lam, rtol=1e-7, atol=1e-7)
    assert scape.eigenvalues[0] <= scape.eigenvalues[1]


def test_the_ravine_is_half_of_point_one_x_squared_plus_ten_y_squared():
    ravine = get_landscape("ravine")
    assert ravine.f((2.0, 3.0)) == 0.5 * (0.1 * 4 + 10 * 9)
    assert ravine.eigenvalues == (0.1, 10.0)
    assert ravine.eigenvalues[1] / ravine.eigenvalues[0] == pytest.approx(100)
    assert ravine.start == (-8.0, 2.0)
    assert ravine.f_min == 0.0 and ravine.minima == ((0.0, 0.0),)


def test_narrow_ravine_keeps_lam_max_and_sets_lam_min_to_lam_max_over_kappa():
    scape = narrow_ravine(kappa=400.0, lam_max=10.0)
    assert scape.eigenvalues == (10.0 / 400.0, 10.0)


def test_round_bowl_has_condition_number_one():
    lam_min, lam_max = get_landscape("bowl").eigenvalues
    assert lam_min == lam_max


def test_rotated_ravine_has_the_ravines_eigenvalues_off_the_axes():
    scape = rotated_ravine(kappa=100.0, angle_deg=30.0)
    assert scape.eigenvalues == (0.1, 10.0)
    # along the axes the curvature is neither 0.1 nor 10: the axes are not
    # eigenvectors, so one coordinate's gradient depends on the other
    assert scape.grad((1.0, 0.0))[1] != 0.0
    floor = (math.cos(math.radians(30)), math.sin(math.radians(30)))
    assert scape.f(floor) == pytest.approx(0.05)


def test_himmelblau_has_four_distinct_minima():
    minima = get_landscape("himmelblau").minima
    assert len(set(minima)) == 4


def test_saddle_has_no_minimum_and_a_negative_eigenvalue():
    saddle = get_landscape("saddle")
    assert saddle.f_min is None and saddle.minima == ()
    assert saddle.eigenvalues == (-1.0, 1.0)
    assert saddle.f((0.0, 3.0)) < saddle.f((0.0, 0.0)) < saddle.f((3.0, 0.0))


def test_each_registered_landscape_is_its_factorys_default():
    assert list(LANDSCAPES) == list(FACTORIES)
    for name, scape in LANDSCAPES.items():
        assert scape.name == name
        fresh = FACTORIES[name]()
        assert fresh._replace(f=None, grad=None) == scape._replace(f=None, grad=None)


def test_unknown_landscape_error_names_the_known_ones():
    with pytest.raises(ValueError, match="unknown landscape 'valley'.*ravine"):
        get_landscape("valley")


def test_make_landscape_builds_a_parameterised_ravine():
    assert make_landscape("ravine", kappa=50).eigenvalues == (0.2, 10.0)
    with pytest.raises(ValueError, match="no parameter 'kapa'"):
        make_landscape("ravine", kapa=50)
    with pytest.raises(ValueError, match="kappa must be a number"):
        make_landscape("ravine", kappa="50")


@pytest.mark.parametrize("kwargs, words", [
    ({"kappa": 0.5}, "at least 1"),
    ({"kappa": float("nan")}, "kappa must be a positive finite"),
    ({"lam_max": -1.0}, "lam_max must be a positive"),
    ({"kappa": float("inf")}, "kappa must be a positive finite"),
])
def test_bad_ravine_parameters_are_refused_with_words(kwargs, words):
    with pytest.raises(ValueError, match=words):
        narrow_ravine(**kwargs)


def test_huge_points_overflow_to_inf_rather_than_raising():
    """The runner reads inf as divergence; x ** 2 would raise instead."""
    for scape in EVERY:
        value = scape.f((1e200, 1e200))
        assert math.isinf(value) or math.isnan(value)


def test_rosenbrocks_minimum_moves_with_a():
    scape = make_landscape("rosenbrock", a=2.0)
    assert scape.minima == ((2.0, 4.0),) and scape.f((2.0, 4.0)) == 0.0
    with pytest.raises(ValueError, match="b must be a positive"):
        make_landscape("rosenbrock", b=-1.0)
