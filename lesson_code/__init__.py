"""Ravine's lesson code: landscapes, optimizers, one runner and the theory.

Pure Python, standard library only, the single source of truth for every
figure, widget, notebook and test of the course. Quick start:

    from lesson_code import get_landscape, momentum, run
    traj = run(momentum(lr=0.1, beta=0.9), get_landscape("ravine"),
               num_steps=300)
    print(traj.message)

A bad argument raises `ArgumentError`, a ValueError whose `.field` names
the argument at fault ("lr", "start", ...).

`lesson_code.browser` (JSON in, JSON out, for the web worker) is imported
on its own: `from lesson_code.browser import handle`.
"""

from .errors import ArgumentError
from .landscapes import (FACTORIES, LANDSCAPES, Landscape, check_point,
                         get_landscape, himmelblau, make_landscape,
                         narrow_ravine, quadratic, rosenbrock,
                         rotated_ravine, round_bowl, saddle)
from .optimizers import (OPTIMIZERS, AdamState, EmptyState, MomentumState,
                         Optimizer, RMSpropState, adam, make_optimizer,
                         momentum, nesterov, rmsprop, sgd)
from .runner import Trajectory, classical_nesterov, race, run, stretches
from .schedules import (SCHEDULES, Schedule, constant, cosine, exponential,
                        inverse_time, make_schedule, schedule_for, step_decay,
                        warmup)
from .theory import (REGIMES, adaptive_limit, condition_number, critical_beta,
                     effective_lr, effective_window, ema, ema_weights,
                     gd_contraction, gd_max_lr, measured_rate,
                     momentum_contraction, momentum_max_lr,
                     nesterov_contraction, nesterov_max_lr, noise_floor,
                     noise_matrices, noise_variance, optimal_gd,
                     optimal_momentum, rate_map, recurrence, regime,
                     steps_to_shrink, velocity_after)

__version__ = "0.1.0"

__all__ = [
    # errors: a ValueError naming the argument at fault (.field)
    "ArgumentError",
    # landscapes
    "Landscape", "quadratic", "narrow_ravine", "round_bowl",
    "rotated_ravine", "rosenbrock", "saddle", "himmelblau", "LANDSCAPES",
    "FACTORIES", "get_landscape", "make_landscape", "check_point",
    # optimizers
    "Optimizer", "EmptyState", "MomentumState", "RMSpropState", "AdamState",
    "sgd", "momentum", "nesterov", "rmsprop", "adam", "OPTIMIZERS",
    "make_optimizer",
    # runner
    "Trajectory", "run", "race", "stretches", "classical_nesterov",
    # learning-rate schedules
    "Schedule", "SCHEDULES", "make_schedule", "schedule_for", "constant",
    "step_decay", "exponential", "inverse_time", "cosine", "warmup",
    # theory
    "gd_contraction", "momentum_contraction", "nesterov_contraction",
    "gd_max_lr", "momentum_max_lr", "nesterov_max_lr",
    "condition_number", "optimal_gd", "optimal_momentum", "critical_beta",
    "steps_to_shrink", "ema", "ema_weights", "effective_window",
    "velocity_after", "rate_map", "measured_rate", "effective_lr",
    "adaptive_limit", "regime", "REGIMES", "recurrence",
    "noise_matrices", "noise_variance", "noise_floor",
]

# The registries' metadata (labels, β, styles) and the navigator's contract,
# which the build hands to the page (lesson_code.navigator.page_data).
from . import navigator  # noqa: E402
from .landscapes import registered  # noqa: E402
from .optimizers import REGISTRY, Registered, Style, register  # noqa: E402

__all__ += ["navigator", "registered", "REGISTRY", "Registered", "Style",
            "register"]
