"""log, cos and integer powers built from IEEE-754 arithmetic alone, so that a seeded
race gives the same bits in CPython and in Pyodide.

The C libraries under the two (glibc, and the one Pyodide compiles to WebAssembly) round
`math.log`, `math.cos` and `**` differently in the last bit for a few inputs in ten
thousand: seeded noise or a cosine schedule then drifts apart after some steps. Addition,
subtraction, multiplication, division and `math.sqrt` are correctly rounded everywhere,
and `math.frexp` / `math.ldexp` are exact; these functions use nothing else, in a fixed
order, so their results agree to the bit on every platform. They are within a few units
in the last place of the true values (tests/test_exact.py).
"""

import math

__all__ = ["log", "cos", "powi"]

_LN2_HI = 6.93147180369123816490e-01   # ln 2 split in two, so e·ln 2 keeps its bits
_LN2_LO = 1.90821492927058770002e-10
_SQRT_HALF = 0.7071067811865476
_HALF_PI = 1.5707963267948966
_QUARTER_PI = 0.7853981633974483


def log(x):
    """The natural logarithm of x > 0 (a finite float)."""
    if not x > 0.0 or x == math.inf:
        raise ValueError(f"log needs a finite x > 0, got {x!r}")
    m, e = math.frexp(x)          # x = m · 2^e, 0.5 ≤ m < 1 (exact)
    if m < _SQRT_HALF:
        m, e = m * 2.0, e - 1     # now √½ ≤ m < √2 (exact)
    # ln m = 2 atanh(f) = 2 (f + f³/3 + f⁵/5 + …), f = (m − 1)/(m + 1), |f| < 0.172
    f = (m - 1.0) / (m + 1.0)
    f2 = f * f
    series, term = 0.0, f
    for k in range(1, 40, 2):     # f^39/39 < 1e-31: far below one ulp of ln m
        series += term / k
        term *= f2
    return e * _LN2_HI + (e * _LN2_LO + 2.0 * series)


def _sin_small(y):
    # y − y³/3! + y⁵/5! − …, |y| ≤ π/4
    y2, term, total = y * y, y, 0.0
    for k in range(1, 24, 2):
        total += term
        term *= -y2 / ((k + 1) * (k + 2))
    return total


def _cos_small(y):
    # 1 − y²/2! + y⁴/4! − …, |y| ≤ π/4
    y2, term, total = y * y, 1.0, 0.0
    for k in range(0, 24, 2):
        total += term
        term *= -y2 / ((k + 1) * (k + 2))
    return total


def cos(x):
    """cos x for 0 ≤ x ≤ π (what the schedules need: half a cosine)."""
    if not 0.0 <= x <= math.pi:
        raise ValueError(f"cos here takes 0 ≤ x ≤ π, got {x!r}")
    if x > _HALF_PI:                     # cos x = −cos(π − x)
        return -cos(math.pi - x)
    if x > _QUARTER_PI:                  # cos x = sin(π/2 − x)
        return _sin_small(_HALF_PI - x)
    return _cos_small(x)


def powi(x, n):
    """x ** n for a whole n ≥ 0, by repeated squaring."""
    result = 1.0
    while n:
        if n & 1:
            result *= x
        x *= x
        n >>= 1
    return result
