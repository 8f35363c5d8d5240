"""What the lessons state about GD and momentum on a quadratic, as functions.

On f(w) = ½ wᵀ H w each eigen-direction of H (eigenvalue λ) evolves alone.
GD multiplies its error by (1 − ηλ) per step. Momentum (v ← βv + g,
w ← w − ηv) makes the error obey

    w_{t+1} = (1 + β − ηλ) w_t − β w_{t−1},

so per step it shrinks by the spectral radius of [[1 + β − ηλ, −β], [1, 0]],
the larger |z| of the roots of z² − (1 + β − ηλ) z + β = 0.
A contraction factor below 1 converges; 1 or more does not. Rates here are
per step, for the error ‖w − w*‖ (the loss gap shrinks by rate² per step).
"""

import cmath
import math

from .errors import ArgumentError, finite_number, shown
from .optimizers import check_beta, check_lr

__all__ = [
    "gd_contraction", "momentum_contraction", "nesterov_contraction",
    "gd_max_lr", "momentum_max_lr", "nesterov_max_lr",
    "condition_number", "optimal_gd", "optimal_momentum", "critical_beta",
    "steps_to_shrink", "ema", "ema_weights", "effective_window",
    "velocity_after", "rate_map", "measured_rate", "recurrence",
    "power_bound", "effective_lr", "adaptive_limit", "regime", "REGIMES",
    "noise_matrices", "noise_variance", "noise_floor",
]


def _eig(lam, name="lam"):
    try:
        return finite_number(lam, name)
    except ArgumentError:
        raise ArgumentError(f"{name} (an eigenvalue λ) must be a finite "
                            f"number, got {shown(lam)}", name) from None


def _spectrum(lam_min, lam_max):
    lam_min, lam_max = _eig(lam_min, "lam_min"), _eig(lam_max, "lam_max")
    if not 0 < lam_min <= lam_max:
        raise ArgumentError(f"need 0 < lam_min ≤ lam_max (a convex "
                            f"quadratic), got {lam_min!r} and {lam_max!r}",
                            "lam_min")
    return lam_min, lam_max


def gd_contraction(lr, lam):
    """|1 − ηλ|: how much one GD step scales the error along eigenvalue λ."""
    lr, lam = check_lr(lr), _eig(lam)
    # e_{t+1} = (1 − ηλ) e_t
    return abs(1.0 - lr * lam)


def momentum_contraction(lr, beta, lam):
    """Spectral radius of momentum's iteration matrix [[1+β−ηλ, −β], [1, 0]].

    Its eigenvalues are the roots z of z² − (1 + β − ηλ) z + β = 0.
    """
    lr, beta, lam = check_lr(lr), check_beta(beta), _eig(lam)
    trace = 1.0 + beta - lr * lam
    # z = (tr ± √(tr² − 4β)) / 2
    root = cmath.sqrt(trace * trace - 4.0 * beta)
    return max(abs((trace + root) / 2), abs((trace - root) / 2))


def _positive(name, lam):
    lam = _eig(lam, name)
    if lam <= 0:
        raise ArgumentError(f"{name} must be positive, got {lam!r}", name)
    return lam


def nesterov_contraction(lr, beta, lam):
    """Spectral radius for Nesterov in torch's form (v ← βv + g,
    w ← w − η(g + βv)): the roots of z² − (1 + β)(1 − ηλ) z + β(1 − ηλ)."""
    lr, beta, lam = check_lr(lr), check_beta(beta), _eig(lam)
    trace, det = (1.0 + beta) * (1.0 - lr * lam), beta * (1.0 - lr * lam)
    # z = (tr ± √(tr² − 4 det)) / 2
    root = cmath.sqrt(trace * trace - 4.0 * det)
    return max(abs((trace + root) / 2), abs((trace - root) / 2))


def gd_max_lr(lam_max):
    """2/λ_max: GD converges on a quadratic iff η < 2/λ_max."""
    # |1 − ηλ_max| < 1  ⇔  η < 2/λ_max
    return 2.0 / _positive("lam_max", lam_max)


def momentum_max_lr(beta, lam_max):
    """(2 + 2β)/λ_max: momentum converges on a quadratic iff η is below it."""
    beta = check_beta(beta)
    # the root z = −1 appears when 1 + β − ηλ = −(1 + β)
    return (2.0 + 2.0 * beta) / _positive("lam_max", lam_max)


def nesterov_max_lr(beta, lam_max):
    """(2 + 2β)/((1 + 2β) λ_max): the stability limit of torch's Nesterov."""
    beta = check_beta(beta)
    # the root z = −1 appears when ηλ (1 + 2β) = 2 + 2β
    return (2.0 + 2.0 * beta) / ((1.0 + 2.0 * beta) *
                                 _positive("lam_max", lam_max))


def condition_number(lam_min, lam_max):
    """κ = λ_max / λ_min."""
    lam_min, lam_max = _spectrum(lam_min, lam_max)
    return lam_max / lam_min


def optimal_gd(lam_min, lam_max):
    """(η*, rate) for GD: η* = 2/(λ_min + λ_max), rate = (κ − 1)/(κ + 1)."""
    lam_min, lam_max = _spectrum(lam_min, lam_max)
    kappa = lam_max / lam_min
    # η* balances |1 − ηλ_min| = |1 − ηλ_max|
    return 2.0 / (lam_min + lam_max), (kappa - 1.0) / (kappa + 1.0)


def optimal_momentum(lam_min, lam_max):
    """(η*, β*, rate) for momentum (Polyak's heavy ball):

    η* = 4/(√λ_max + √λ_min)², β* = ((√κ − 1)/(√κ + 1))²,
    rate = (√κ − 1)/(√κ + 1).
    """
    lam_min, lam_max = _spectrum(lam_min, lam_max)
    root_kappa = math.sqrt(lam_max / lam_min)
    rate = (root_kappa - 1.0) / (root_kappa + 1.0)
    # η* = 4 / (√λ_max + √λ_min)²
    lr = 4.0 / (math.sqrt(lam_max) + math.sqrt(lam_min)) ** 2
    return lr, rate * rate, rate


def critical_beta(lr, lam):
    """β = (1 − √(ηλ))²: critical damping along eigenvalue λ.

    There the two roots coincide and the contraction is exactly
    |1 − √(ηλ)| (the smallest any β achieves for this η and λ); below it the
    error decays without oscillating, above it it spirals. Needs 0 < ηλ < 4.
    """
    lr, lam = check_lr(lr), _eig(lam)
    if not 0 < lr * lam < 4:
        raise ArgumentError(f"critical damping needs 0 < η·λ < 4, "
                            f"got η·λ = {lr * lam:g}", "lr")
    # β_c = (1 − √(ηλ))²
    return (1.0 - math.sqrt(lr * lam)) ** 2


def steps_to_shrink(rate, factor=10.0):
    """Steps for the error to shrink by factor at a per-step rate:
    the smallest n with rateⁿ ≤ 1/factor, i.e. n = ⌈ln(factor)/ln(1/rate)⌉."""
    if not (isinstance(rate, (int, float)) and 0 <= rate < 1):
        raise ValueError(f"rate must be in [0, 1) to shrink anything, "
                         f"got {rate!r}")
    if not (isinstance(factor, (int, float)) and 1 < factor < math.inf):
        raise ValueError(f"factor must be a finite number above 1, "
                         f"got {factor!r}")
    if rate == 0:
        return 1
    n = math.ceil(math.log(factor) / -math.log(rate))
    # guard the ceiling against rounding in the logarithms
    while n > 1 and rate ** (n - 1) <= 1.0 / factor:
        n -= 1
    return n


def ema(xs, beta, debias=False):
    """Running averages e_t = β e_{t−1} + (1 − β) x_t from e_0 = 0, one per x.

    debias=True divides by (1 − βᵗ), Adam's bias correction.
    """
    beta = check_beta(beta)
    out, e = [], 0.0
    for t, x in enumerate(xs, start=1):
        # e_t = β e_{t−1} + (1 − β) x_t
        e = beta * e + (1.0 - beta) * x
        out.append(e / (1.0 - beta ** t) if debias else e)
    return out


def ema_weights(beta, n):
    """Weights (1 − β) βᵏ of x_{t−k}, k = 0 … n−1, in e_t (sum: 1 − βⁿ)."""
    beta = check_beta(beta)
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"n must be a positive whole number, got {n!r}")
    return [(1.0 - beta) * beta ** k for k in range(n)]


def effective_window(beta):
    """1/(1 − β): roughly how many recent values an EMA averages over."""
    return 1.0 / (1.0 - check_beta(beta))


def velocity_after(grads, beta, v0=0.0):
    """Velocity after the gradients in grads (oldest first), in the lessons'
    convention v_t = β v_{t−1} + g_t. Scalars, or tuples for vectors."""
    beta = check_beta(beta)
    v = v0
    for g in grads:
        if isinstance(g, (int, float)):
            # v_t = β v_{t−1} + g_t
            v = beta * v + g
        else:
            if isinstance(v, (int, float)):
                v = (float(v),) * len(g)
            v = tuple(beta * vi + gi for vi, gi in zip(v, g))
    return v


def rate_map(lam_min, lam_max, lrs, betas):
    """Rows (one per β in betas) of the worst momentum contraction over the
    spectrum, max(ρ(λ_min), ρ(λ_max)), for each η in lrs. β = 0 is GD.
    Values ≥ 1 mean that (η, β) does not converge."""
    lam_min, lam_max = _spectrum(lam_min, lam_max)
    return [[max(momentum_contraction(lr, beta, lam_min),
                 momentum_contraction(lr, beta, lam_max)) for lr in lrs]
            for beta in betas]


def measured_rate(trajectory, f_min=0.0, first=None, last=None):
    """Per-step error contraction measured from a run's losses.

    On a quadratic f − f_min is quadratic in the error, so the error rate is
    ((L_last − f_min)/(L_first − f_min)) ** (1/(2 (last − first))).
    Defaults: the second half of the losses (after the transient).
    Accepts a Trajectory or a sequence of losses.
    """
    losses = getattr(trajectory, "losses", trajectory)
    last = len(losses) - 1 if last is None else last
    first = last // 2 if first is None else first
    if not 0 <= first < last < len(losses):
        raise ValueError("need at least two losses to measure a rate")
    gap0, gap1 = losses[first] - f_min, losses[last] - f_min
    if gap0 <= 0 or gap1 <= 0:
        raise ValueError("the loss reached f_min exactly; no rate to measure")
    return (gap1 / gap0) ** (1.0 / (2 * (last - first)))


def recurrence(optimizer, lam):
    """(a, b) with e_{t+1} = a e_t + b e_{t−1} for every t ≥ 1: how the
    optimizer moves the error e along an eigen-direction with eigenvalue λ
    of a quadratic (from v_0 = 0, e_1 = (1 − ηλ) e_0 for GD and momentum).
    None for optimizers that are not linear (RMSProp, Adam).

        GD        e_{t+1} = (1 − ηλ) e_t
        momentum  e_{t+1} = (1 + β − ηλ) e_t − β e_{t−1}
        Nesterov  e_{t+1} = (1 + β)(1 − ηλ) e_t − β (1 − ηλ) e_{t−1}
    """
    lam = _eig(lam)
    lr, beta = optimizer.hyperparams.get("lr"), \
        optimizer.hyperparams.get("beta", 0.0)
    if optimizer.name == "sgd":
        return 1.0 - lr * lam, 0.0
    if optimizer.name == "momentum":
        return 1.0 + beta - lr * lam, -beta
    if optimizer.name == "nesterov":
        return (1.0 + beta) * (1.0 - lr * lam), -beta * (1.0 - lr * lam)
    return None


def _norm2x2(m):
    """The spectral norm (largest singular value) of a 2 × 2 matrix."""
    (p, q), (r, s) = m
    # σ_max² is the larger eigenvalue of MᵀM: (T + √(T² − 4 D²)) / 2
    t = p * p + q * q + r * r + s * s
    d = p * s - q * r
    return math.sqrt((t + math.sqrt(max(t * t - 4.0 * d * d, 0.0))) / 2.0)


def power_bound(a, b, limit=100_000):
    """sup over n ≥ 0 of ‖Mⁿ‖ for M = [[a, b], [1, 0]], the companion matrix
    of e_{t+1} = a e_t + b e_{t−1}: no later (e_{t+n}, e_{t+n−1}) is longer
    than this times (e_t, e_{t−1}). math.inf when M does not contract.

    Once ‖M^N‖ ≤ 1, every Mⁿ = (M^N)^q M^r is no longer than some M^r with
    r < N, so the maximum over n < N is the supremum.
    """
    m = ((float(a), float(b)), (1.0, 0.0))
    power, best = ((1.0, 0.0), (0.0, 1.0)), 1.0
    for _ in range(limit):
        (p, q), (r, s) = power
        power = ((p * m[0][0] + q * m[1][0], p * m[0][1] + q * m[1][1]),
                 (r * m[0][0] + s * m[1][0], r * m[0][1] + s * m[1][1]))
        size = _norm2x2(power)
        if not size < math.inf:
            return math.inf
        if size <= 1.0:
            return best
        best = max(best, size)
    return math.inf


def effective_lr(optimizer, state):
    """RMSProp's and Adam's effective learning rate per coordinate in a state:
    the factor η/(√ŝ + ε) that multiplies the gradient (RMSProp) or the
    averaged gradient m̂ (Adam), with ŝ = s/(1 − β₂ᵗ) for Adam. None for
    optimizers without a second moment."""
    hp = optimizer.hyperparams
    if optimizer.name == "rmsprop":
        # η / (√s_t + ε)
        return tuple(hp["lr"] / (math.sqrt(si) + hp["eps"]) for si in state.s)
    if optimizer.name == "adam" and state.t > 0:
        c2 = 1.0 - hp["beta2"] ** state.t
        # η / (√ŝ_t + ε),  ŝ_t = s_t / (1 − β₂ᵗ)
        return tuple(hp["lr"] / (math.sqrt(si / c2) + hp["eps"])
                     for si in state.s)
    return None


def adaptive_limit(optimizer, lam):
    """The largest effective learning rate (effective_lr) that is stable along
    an eigen-direction with eigenvalue λ, holding the second moment fixed.

    RMSProp is then gradient descent: 2/λ. Adam is momentum in the averaged
    form, m ← β₁ m + (1 − β₁) g, which is the lessons' momentum with
    η = η_eff (1 − β₁): stable while η_eff (1 − β₁) λ < 2 + 2β₁.
    """
    lam = _positive("lam", lam)
    if optimizer.name == "rmsprop":
        return 2.0 / lam
    if optimizer.name == "adam":
        beta1 = optimizer.hyperparams["beta1"]
        return (2.0 + 2.0 * beta1) / ((1.0 - beta1) * lam)
    return None


# How one eigen-direction behaves under momentum, in the order they meet as
# ηλ grows (at β > 0), by the roots of
# z² − (1 + β − ηλ) z + β = 0 (see regime).
REGIMES = ("creep", "spiral", "flip", "diverge")


def regime(lr, beta, lam):
    """How momentum moves the error along eigenvalue λ, one of REGIMES:

    * "creep": two real roots, the larger positive: the error shrinks
      without changing sign (ηλ < (1 − √β)²);
    * "spiral": complex roots of modulus √β: the error swings through zero,
      shrinking by √β per step ((1 − √β)² < ηλ < (1 + √β)²);
    * "flip": real roots, the larger negative: the error changes sign at
      every step ((1 + √β)² < ηλ < 2 + 2β);
    * "diverge": a root of modulus ≥ 1 (ηλ ≥ 2 + 2β, or ηλ ≤ 0).

    The borders between creep, spiral and flip are critical damping, where
    the two roots are equal.
    """
    lr, beta, lam = check_lr(lr), check_beta(beta), _eig(lam)
    if momentum_contraction(lr, beta, lam) >= 1.0:
        return "diverge"
    trace = 1.0 + beta - lr * lam
    # complex roots when the discriminant tr² − 4β is negative
    if trace * trace - 4.0 * beta < 0:
        return "spiral"
    # the larger real root (tr ± √(tr² − 4β))/2 has the sign of tr (at
    # tr = 0, β = 0 both roots are 0: the error vanishes in one step)
    return "creep" if trace >= 0 else "flip"


def noise_matrices(optimizer, lam, sigma):
    """(A, B) with x_{t+1} = A x_t + B ξ_t for x = (e, v): the error e and
    the velocity v along an eigen-direction with eigenvalue λ, when each
    gradient carries noise σ ξ_t (ξ_t independent, mean 0, variance 1).
    None for RMSProp and Adam (not linear in the gradient).

        GD        e' = e − η (λe + σξ)                       (v unused)
        momentum  v' = β v + λe + σξ,  e' = e − η v'
        Nesterov  v' = β v + λe + σξ,  e' = e − η (λe + σξ + β v')
    """
    lam, sigma = _eig(lam), finite_number(sigma, "sigma")
    if sigma < 0:
        raise ArgumentError(f"sigma (the noise's standard deviation) must "
                            f"be ≥ 0, got {sigma!r}", "sigma")
    name, hp = optimizer.name, optimizer.hyperparams
    lr, beta = hp.get("lr"), hp.get("beta", 0.0)
    if name == "sgd":
        return ((1.0 - lr * lam, 0.0), (0.0, 0.0)), (-lr * sigma, 0.0)
    if name == "momentum":
        # e' = e − η(βv + λe + σξ)
        return (((1.0 - lr * lam, -lr * beta), (lam, beta)),
                (-lr * sigma, sigma))
    if name == "nesterov":
        # e' = e − η((1 + β)(λe + σξ) + β² v)
        return (((1.0 - lr * (1.0 + beta) * lam, -lr * beta * beta),
                 (lam, beta)),
                (-lr * (1.0 + beta) * sigma, sigma))
    return None


def noise_variance(optimizer, lam, sigma):
    """The error's variance E[e²] that a run settles into along an
    eigen-direction with eigenvalue λ under gradient noise σ (constant η,
    GD, momentum or Nesterov): the (e, e) entry of the stationary
    covariance P = A P Aᵀ + B Bᵀ (noise_matrices), solved exactly as three
    linear equations in P's three entries. math.inf where the method does
    not contract along λ; None for RMSProp and Adam.

    In closed form, GD: η σ² / (λ (2 − ηλ)); momentum:
    η σ² (1 + β) / (λ (1 − β) (2 + 2β − ηλ)).
    """
    mats = noise_matrices(optimizer, lam, sigma)
    if mats is None:
        return None
    ((a, b), (c, d)), (p, q) = mats
    # spectral radius of A: the roots of z² − (a + d) z + (ad − bc)
    tr, det = a + d, a * d - b * c
    root = cmath.sqrt(tr * tr - 4.0 * det)
    if max(abs((tr + root) / 2), abs((tr - root) / 2)) >= 1.0:
        return math.inf
    # P = A P Aᵀ + Q, unknowns (x, y, z) = (P_ee, P_ev, P_vv), Q = B Bᵀ
    rows = [[1 - a * a, -2 * a * b, -b * b, p * p],
            [-a * c, 1 - (a * d + b * c), -b * d, p * q],
            [-c * c, -2 * c * d, 1 - d * d, q * q]]
    return _solve3(rows)[0]


def _solve3(rows):
    """Gaussian elimination with partial pivoting on a 3 × 4 augmented
    matrix; the solution (x, y, z)."""
    m = [list(r) for r in rows]
    for col in range(3):
        pivot = max(range(col, 3), key=lambda r: abs(m[r][col]))
        m[col], m[pivot] = m[pivot], m[col]
        for r in range(col + 1, 3):
            k = m[r][col] / m[col][col]
            m[r] = [x - k * y for x, y in zip(m[r], m[col])]
    out = [0.0, 0.0, 0.0]
    for r in (2, 1, 0):
        out[r] = (m[r][3] - sum(m[r][c] * out[c] for c in range(r + 1, 3))) \
            / m[r][r]
    return out


def noise_floor(optimizer, landscape, sigma):
    """E[f(w) − f_min] once a run on a quadratic landscape has settled under
    gradient noise σ in every coordinate: Σ ½ λ_i E[e_i²] over the
    Hessian's eigenvalues (noise σ per coordinate is noise σ along each
    eigen-direction too, in any rotation). math.inf when the run diverges;
    None for RMSProp and Adam, or a landscape that is not a quadratic."""
    if getattr(landscape, "hessian", None) is None:
        return None
    total = 0.0
    for lam in landscape.eigenvalues:
        var = noise_variance(optimizer, lam, sigma)
        if var is None:
            return None
        # ½ λ E[e²]
        total += 0.5 * lam * var
    return total
