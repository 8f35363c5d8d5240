"""lesson_code.exact: log, cos and powers from correctly rounded arithmetic alone, within a
few units in the last place of the math library's (which may differ by platform)."""

import math
import random

import pytest

from lesson_code import exact


def ulps(a, b):
    return abs(a - b) / math.ulp(b) if b else abs(a) / math.ulp(1.0)


def test_log_is_within_four_ulps_over_the_range_the_sampler_uses_and_beyond():
    rng = random.Random(1)
    xs = [rng.random() for _ in range(20_000)] + [2.0 ** k for k in range(-60, 61)] \
        + [1.0 + 1e-12, 1 - 1e-12, 0.7071067811865476, 1e300, 5e-324]
    worst = max(ulps(exact.log(x), math.log(x)) for x in xs if x > 0)
    assert worst <= 4, worst
    assert exact.log(1.0) == 0.0


def test_cos_is_within_two_ulps_on_half_a_period():
    worst = 0.0
    for t in range(0, 10_001):
        x = math.pi * t / 10_000
        value, truth = exact.cos(x), math.cos(x)
        worst = max(worst, abs(value - truth) / math.ulp(1.0))
    assert worst <= 2, worst
    assert exact.cos(0.0) == 1.0


@pytest.mark.parametrize("x", [0.5, 0.99, 0.9, 1.0, 0.123])
def test_powi_is_repeated_multiplication(x):
    for n in range(0, 2000, 7):
        assert exact.powi(x, n) == pytest.approx(x ** n, rel=1e-13, abs=1e-300)


@pytest.mark.parametrize("bad", [0.0, -1.0, math.inf, math.nan])
def test_log_refuses_what_has_no_real_log(bad):
    with pytest.raises(ValueError):
        exact.log(bad)
