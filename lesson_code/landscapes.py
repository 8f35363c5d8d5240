"""Loss landscapes: each one small value with f, its gradient and facts.

A `Landscape` carries everything a lesson, a figure or the navigator needs:
the function, its gradient, plotting bounds, its minima, a default start and,
where the Hessian is constant (quadratics), its exact eigenvalues. Points are
tuples of floats; `f(w) -> float`, `grad(w) -> tuple`.

The lessons' main stage is the narrow ravine

    f(x, y) = ½ (0.1 x² + 10 y²)      λ_min = 0.1 along x, λ_max = 10 along y,

so κ = λ_max / λ_min = 100, starting at (−8, 2).

The registry: `@registered` above a factory adds the landscape it builds with
its defaults to LANDSCAPES (name -> Landscape) and the factory to FACTORIES
(name -> factory, for make_landscape's parameters), under the landscape's own
name, in menu order. The navigator, the figures and the tests look them up
there.

The functions multiply (x * x) rather than raise to a power: float ** float
raises OverflowError on huge inputs, while products overflow quietly to inf,
which the runner then reports as a divergence.
"""

import math
import numbers
from typing import Callable, NamedTuple

from .errors import ArgumentError, finite_number, shown

__all__ = [
    "Landscape", "quadratic", "narrow_ravine", "round_bowl", "rotated_ravine",
    "rosenbrock", "saddle", "himmelblau", "LANDSCAPES", "FACTORIES",
    "get_landscape", "make_landscape", "check_point", "registered",
]


class Landscape(NamedTuple):
    """One loss surface in the plane (a value; build it with a factory below).

    name: registry key ("ravine"); title: words for a heading; formula: LaTeX.
    f(w) -> float and grad(w) -> tuple of floats, w a tuple (x, y).
    bounds: ((xmin, xmax), (ymin, ymax)), the plotting window.
    minima: tuple of points (empty when f is unbounded below).
    start: the default starting point.
    eigenvalues: (λ_min, λ_max) of the Hessian when it is constant, else None.
    f_min: the minimum value of f, or None when f has no minimum.
    hessian: the constant Hessian ((a, c), (c, b)) of a quadratic, else None
    (the runner uses it to prove that a run stays arrived).
    """
    name: str
    title: str
    formula: str
    f: Callable
    grad: Callable
    bounds: tuple
    minima: tuple
    start: tuple
    eigenvalues: tuple | None
    f_min: float | None
    hessian: tuple | None = None


def check_point(w, name="start", dim=None):
    """Return w as a tuple of finite floats, or raise ArgumentError (a
    ValueError) naming it. A string ("12") or booleans are not numbers."""
    wrong = ArgumentError(f"{name} must be a list of numbers such as "
                          f"[-8, 2], got {shown(w)}", name)
    if isinstance(w, (str, bytes, bytearray, dict)):
        raise wrong
    try:
        coords = tuple(w)
    except TypeError:
        raise wrong from None
    if not coords or (dim is not None and len(coords) != dim):
        raise ArgumentError(f"{name} must have {dim or 'at least one'} "
                            f"coordinates, got {len(coords)}", name)
    if any(isinstance(c, bool) or not isinstance(c, numbers.Real)
           for c in coords):
        raise wrong
    try:
        point = tuple([float(c) for c in coords])
    except OverflowError:  # an integer of hundreds of digits
        point = (math.inf,)
    if not all(math.isfinite(c) for c in point):
        raise ArgumentError(f"{name} must be finite numbers (no NaN or "
                            f"infinity), got {shown(w)}", name)
    return point


def _positive(name, x):
    if isinstance(x, bool) or not isinstance(x, numbers.Real) \
            or not math.isfinite(_float(x)) or x <= 0:
        raise ArgumentError(f"{name} must be a positive finite number, "
                            f"got {shown(x)}", name)
    return float(x)


def _float(x):
    """float(x), or ∞ for an integer too large for a float."""
    try:
        return float(x)
    except OverflowError:
        return math.inf


LANDSCAPES = {}  # name -> the Landscape built with its factory's defaults
FACTORIES = {}   # name -> its factory (make_landscape passes parameters)


def registered(factory):
    """Decorator: registers factory (every argument has a default) under the
    name of the landscape it builds."""
    scape = factory()
    LANDSCAPES[scape.name] = scape
    FACTORIES[scape.name] = factory
    return factory


def quadratic(name, title, a, b, c=0.0, start=(-8.0, 2.0),
              bounds=((-10.0, 10.0), (-4.0, 4.0))):
    """The quadratic f(x, y) = ½ (a x² + 2c x y + b y²), minimum 0 at (0, 0).

    Its Hessian [[a, c], [c, b]] is constant, so its eigenvalues are exact:
    λ = (a + b)/2 ∓ √(((a − b)/2)² + c²).
    """
    mean, half_gap = (a + b) / 2, math.hypot((a - b) / 2, c)
    eigenvalues = (mean - half_gap, mean + half_gap)
    if c == 0:
        # axis-aligned: the eigenvalues are a and b exactly
        eigenvalues = (min(a, b), max(a, b))
    sign = "+" if c >= 0 else "-"
    cross = f" {sign} {2 * abs(c):g}\\,xy" if c else ""
    formula = f"\\tfrac12\\left({a:g}\\,x^2{cross} + {b:g}\\,y^2\\right)"

    def f(w):
        x, y = w
        # f = ½ (a x² + 2c x y + b y²)
        return 0.5 * (a * x * x + 2.0 * c * x * y + b * y * y)

    def grad(w):
        x, y = w
        # ∇f = (a x + c y, c x + b y)
        return (a * x + c * y, c * x + b * y)

    return Landscape(name, title, formula, f, grad, bounds, ((0.0, 0.0),),
                     tuple(start), eigenvalues, 0.0, ((a, c), (c, b)))


@registered
def narrow_ravine(kappa=100.0, lam_max=10.0):
    """The ravine ½(λ_min x² + λ_max y²), λ_min = λ_max/κ (x: the floor)."""
    kappa, lam_max = _positive("kappa", kappa), _positive("lam_max", lam_max)
    if kappa < 1:
        raise ArgumentError(f"kappa is λ_max/λ_min and must be at least 1, "
                            f"got {kappa!r}", "kappa")
    return quadratic("ravine", f"Narrow ravine (κ = {kappa:g})",
                     lam_max / kappa, lam_max)


@registered
def round_bowl(lam=1.0):
    """The round bowl ½ λ (x² + y²): κ = 1, every direction equally steep."""
    lam = _positive("lam", lam)
    return quadratic("bowl", "Round bowl (κ = 1)", lam, lam,
                     start=(-3.0, 2.0), bounds=((-4.0, 4.0), (-4.0, 4.0)))


@registered
def rotated_ravine(kappa=100.0, angle_deg=30.0, lam_max=10.0):
    """The ravine turned by angle_deg: the floor runs along (cos θ, sin θ).

    Same eigenvalues as narrow_ravine(kappa, lam_max), but the eigenvectors
    are off the axes, so per-coordinate methods (RMSProp, Adam) lose their
    advantage. H = R diag(λ_min, λ_max) Rᵀ with R the rotation by θ.
    """
    kappa, lam_max = _positive("kappa", kappa), _positive("lam_max", lam_max)
    angle_deg = finite_number(angle_deg, "angle_deg")
    if kappa < 1:
        raise ArgumentError(f"kappa is λ_max/λ_min and must be at least 1, "
                            f"got {kappa!r}", "kappa")
    lam_min, theta = lam_max / kappa, math.radians(angle_deg)
    cos, sin = math.cos(theta), math.sin(theta)
    # H = R diag(λ_min, λ_max) Rᵀ
    a = lam_min * cos * cos + lam_max * sin * sin
    b = lam_min * sin * sin + lam_max * cos * cos
    c = (lam_min - lam_max) * sin * cos
    # the ravine's start (−8, 2), turned with it
    start = (-8.0 * cos - 2.0 * sin, -8.0 * sin + 2.0 * cos)
    # a 20 × 14 window, widened if the turned start would fall outside it
    half_x, half_y = max(10.0, 1.25 * abs(start[0])), max(7.0,
                                                          1.25 * abs(start[1]))
    scape = quadratic("rotated-ravine",
                      f"Rotated ravine (κ = {kappa:g}, {angle_deg:g}°)",
                      a, b, c, start=start,
                      bounds=((-half_x, half_x), (-half_y, half_y)))
    # report the eigenvalues we built it from, not the re-derived ones
    return scape._replace(eigenvalues=(lam_min, lam_max))


@registered
def rosenbrock(a=1.0, b=100.0):
    """Rosenbrock's banana (a − x)² + b (y − x²)², minimum 0 at (a, a²)."""
    b, a = _positive("b", b), finite_number(a, "a")

    def f(w):
        x, y = w
        # f = (a − x)² + b (y − x²)²
        return (a - x) * (a - x) + b * (y - x * x) * (y - x * x)

    def grad(w):
        x, y = w
        # ∂f/∂x = −2(a − x) − 4 b x (y − x²),  ∂f/∂y = 2 b (y − x²)
        return (-2.0 * (a - x) - 4.0 * b * x * (y - x * x),
                2.0 * b * (y - x * x))

    return Landscape("rosenbrock", "Rosenbrock's banana",
                     f"({a:g} - x)^2 + {b:g}\\,(y - x^2)^2", f, grad,
                     ((-2.0, 2.0), (-1.0, 3.0)), ((a, a * a),), (-1.5, 2.0),
                     None, 0.0)


@registered
def saddle():
    """The saddle ½ (x² − y²): a minimum along x, a maximum along y.

    Its Hessian is constant with eigenvalues −1 and 1; f is unbounded below,
    so there is no minimum (f_min None). Start just off the ridge to watch
    the escape.
    """
    f = quadratic("saddle", "Saddle", 1.0, -1.0)
    return f._replace(title="Saddle point", formula="\\tfrac12(x^2 - y^2)",
                      minima=(), start=(-3.0, 0.01), f_min=None,
                      bounds=((-4.0, 4.0), (-4.0, 4.0)))


# The four minima of Himmelblau's function (Newton-polished; f = 0 at each).
HIMMELBLAU_MINIMA = (
    (3.0, 2.0),
    (-2.805118086952745, 3.131312518250573),
    (-3.779310253377747, -3.283185991286169),
    (3.5844283403304917, -1.8481265269644034),
)


@registered
def himmelblau():
    """Himmelblau's (x² + y − 11)² + (x + y² − 7)²: four minima of 0."""

    def f(w):
        x, y = w
        p, q = x * x + y - 11.0, x + y * y - 7.0
        # f = p² + q²,  p = x² + y − 11,  q = x + y² − 7
        return p * p + q * q

    def grad(w):
        x, y = w
        p, q = x * x + y - 11.0, x + y * y - 7.0
        # ∇f = (4 x p + 2 q, 2 p + 4 y q)
        return (4.0 * x * p + 2.0 * q, 2.0 * p + 4.0 * y * q)

    return Landscape("himmelblau", "Himmelblau (four minima)",
                     "(x^2 + y - 11)^2 + (x + y^2 - 7)^2", f, grad,
                     ((-5.0, 5.0), (-5.0, 5.0)), HIMMELBLAU_MINIMA,
                     (0.0, 0.0), None, 0.0)


def get_landscape(name):
    """The registered landscape called name (ArgumentError, field
    "landscape", lists the known ones)."""
    if isinstance(name, Landscape):
        return name
    if isinstance(name, str) and name in LANDSCAPES:
        return LANDSCAPES[name]
    raise ArgumentError(f"unknown landscape {shown(name)}; known landscapes: "
                        f"{', '.join(LANDSCAPES)}", "landscape")


def make_landscape(name, **params):
    """A registered landscape built with parameters, e.g.
    make_landscape("ravine", kappa=50). No parameters: the registry's value.
    ArgumentError names the parameter at fault, or "landscape"."""
    scape = get_landscape(name)
    if not params:
        return scape
    factory = FACTORIES[scape.name]
    code = factory.__code__
    known = code.co_varnames[:code.co_argcount]
    for key, value in params.items():
        if key not in known:
            takes = ", ".join(known) or "no parameters"
            raise ArgumentError(f"landscape {shown(name)} has no parameter "
                                f"{shown(key)} (it takes {takes})",
                                "landscape")
        finite_number(value, key)
    return factory(**params)
