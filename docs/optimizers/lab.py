# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Lab: the ravine in a real model
#
# The lessons built their ravine on purpose: $\tfrac12(0.1\,x^2 + 10\,y^2)$ was chosen to
# be narrow. In this lab a ravine appears without anyone asking for it. We fit a linear
# regression to a small synthetic data set whose three features are measured on
# different scales, look at the Hessian of its loss, and train it with mini-batch
# gradient descent, momentum and Adam, all taken from `lesson_code`. Then we rescale the
# features and watch the ravine, and most of the difficulty, disappear.
#
# Everything below runs in plain CPython with `numpy`, `matplotlib` and `lesson_code`
# (`pip install` the course's `lesson_code` wheel, or run it from a clone of the
# repository). Every number printed on this page was computed when the site was built,
# and every sentence that compares runs is checked by a `claim(...)` line in the cell
# after it: if a run ever disagrees with the text, the notebook stops there (and the
# site does not build).

# %%
import base64
import html
import io

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import HTML, display

from lesson_code import (adam, condition_number, gd_contraction, gd_max_lr, momentum,
                         momentum_contraction, run, sgd)

matplotlib.rcParams.update({"figure.dpi": 110, "font.size": 10})


def claim(holds, sentence):
    """A sentence of this lab, checked against the runs above it."""
    if not holds:
        raise AssertionError(f"the lab says {sentence!r}, but the runs say otherwise")


def show(fig, alt):
    """Display fig as an image with a text alternative, then close it."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight")
    plt.close(fig)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    display(HTML(f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt)}" '
                 'style="max-width: 100%">'))


# %% [markdown]
# ## The data: three features, three scales
#
# Each of the 512 examples is a house with a floor area (in tens of square metres, so
# around 12), a number of rooms (around 4) and an age (in decades, around 3). The price
# is a linear function of the three plus noise. The numbers are synthetic and seeded, so
# every run of this notebook sees the same houses.

# %%
rng = np.random.default_rng(7)
N = 512
area = rng.normal(12.0, 4.0, N)
rooms = rng.normal(4.0, 1.2, N)
age = rng.normal(3.0, 1.5, N)
features = np.column_stack([area, rooms, age])
price = 3.0 * area + 10.0 * rooms - 5.0 * age + 20.0 + rng.normal(0.0, 3.0, N)

print("feature means:", features.mean(axis=0).round(2))
print("feature standard deviations:", features.std(axis=0).round(2))
print(f"mean price: {price.mean():.1f}")

# %% [markdown]
# ## The model and its loss, as a landscape `lesson_code` can run on
#
# The model predicts $\hat y = w_1 x_1 + w_2 x_2 + w_3 x_3 + b$. Stacking a column of ones
# next to the features gives a design matrix $X$ and a weight vector
# $w = (w_1, w_2, w_3, b)$, and the mean squared error is
#
# $$L(w) = \frac{1}{2N}\,\lVert Xw - y\rVert^2 .$$
#
# `lesson_code.run` accepts any object with `f(w)` and `grad(w)` on tuples of floats, and
# uses `f_min` when it has one. Here `f` is the loss on the whole data set (so the curves
# measure real progress), while `grad` draws a fresh mini-batch of 64 examples on every
# call: that is mini-batch stochastic gradient descent. `f_min` is the exact least-squares
# minimum, so `f(w) - f_min` is how far a run still is from the best possible fit.

# %%
class LeastSquares:
    """½·mean squared error of a linear model, with mini-batch gradients."""

    def __init__(self, X, y, batch_size=64, seed=0):
        self.X, self.y, self.batch_size = X, y, batch_size
        self.rng = np.random.default_rng(seed)
        # The Hessian of L is constant: H = XᵀX / N
        self.hessian = X.T @ X / len(y)
        self.best = np.linalg.lstsq(X, y, rcond=None)[0]
        self.f_min = self.f(self.best)

    def f(self, w):
        # L(w) = ‖Xw − y‖² / (2N), on every example
        residual = self.X @ np.asarray(w) - self.y
        return float(residual @ residual / (2 * len(self.y)))

    def grad(self, w):
        # ∇L ≈ X_Bᵀ(X_B w − y_B) / |B| on a random mini-batch B
        batch = self.rng.integers(0, len(self.y), self.batch_size)
        Xb, yb = self.X[batch], self.y[batch]
        g = Xb.T @ (Xb @ np.asarray(w) - yb) / self.batch_size
        return tuple(g.tolist())


def with_intercept(x):
    return np.column_stack([x, np.ones(len(x))])


raw = LeastSquares(with_intercept(features), price)

# %% [markdown]
# ## The ravine: the spectrum of the Hessian
#
# Because the loss is quadratic in $w$, its Hessian $H = X^\top X / N$ is the same
# everywhere, and its eigenvalues are the curvatures along its four principal directions,
# exactly as in the ravine lesson. `lesson_code` turns the extreme ones into the two
# numbers that matter: the condition number $\kappa = \lambda_{\max}/\lambda_{\min}$ and
# gradient descent's ceiling $2/\lambda_{\max}$ on the learning rate.

# %%
def spectrum(model):
    eigenvalues = np.linalg.eigvalsh(model.hessian)
    return float(eigenvalues[0]), float(eigenvalues[-1]), eigenvalues


lam_min, lam_max, raw_eigenvalues = spectrum(raw)
print("eigenvalues of H:", np.array2string(raw_eigenvalues, precision=4))
print(f"condition number κ = {condition_number(lam_min, lam_max):.0f}")
print(f"largest stable learning rate 2/λ_max = {gd_max_lr(lam_max):.5f}")
flattest = np.linalg.eigh(raw.hessian)[1][:, 0]
print("flattest direction (w1, w2, w3, b):", flattest.round(3))

# %% [markdown]
# The steepest direction is dominated by the floor area, the feature with the largest
# values, and the flattest direction is mostly the intercept $b$ traded against the
# weights: because no feature is centred, raising $b$ and lowering the weights a little
# changes the predictions hardly at all. Gradient descent must keep its step below
# $2/\lambda_{\max}$ to stay stable along the steep direction, and along the flat one it
# then shrinks the error by only $1 - \eta\lambda_{\min}$ per step. This model is a
# ravine with a large $\kappa$.

# %% [markdown]
# ## Training on the raw features
#
# Three optimizers from `lesson_code`, each from $w = 0$ for 300 mini-batch steps, each
# with its learning rate set from the spectrum rather than by trial and error:
#
# * mini-batch SGD with $\eta = 1/\lambda_{\max}$, half of its ceiling;
# * momentum with $\beta = 0.9$ and the same $\eta$, well inside its own ceiling
#   $(2 + 2\beta)/\lambda_{\max}$;
# * Adam with PyTorch's default $\beta_1 = 0.9$, $\beta_2 = 0.999$ and $\eta = 0.5$.
#   Its steps are about $\eta$ per coordinate whatever the curvature, so the spectrum
#   gives no rule for it.
#
# Each run draws its mini-batches from the same seed.

# %%
STEPS = 300
BETA = 0.9
ADAM_LR = 0.5


def train(X, y, lam_max, batch_size=64):
    runs = {}
    for optimizer in (sgd(lr=1 / lam_max),
                      momentum(lr=1 / lam_max, beta=BETA),
                      adam(lr=ADAM_LR)):
        model = LeastSquares(X, y, batch_size=batch_size, seed=1)
        trajectory = run(optimizer, model, start=(0.0, 0.0, 0.0, 0.0),
                         num_steps=STEPS, tol=1e-9)
        gaps = np.array(trajectory.losses) - model.f_min
        runs[optimizer.label] = gaps
    return runs


def plot_gaps(runs, title):
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    for label, gaps in runs.items():
        ax.semilogy(np.maximum(gaps, 1e-6), label=label)
    ax.set_xlabel("step")
    ax.set_ylabel("loss minus best loss")
    ax.set_title(title)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend()
    return fig


def report(runs, title, which):
    """Plots the runs' loss gaps and prints them after 50 steps and at the end."""
    show(plot_gaps(runs, title),
         f"Loss minus the best loss, on a log scale, over {STEPS} mini-batch steps on the "
         f"{which} features. " + ", ".join(
             f"{label} is at {gaps[50]:.1f} after 50 steps and ends near "
             f"{np.median(gaps[-100:]):.1f}" for label, gaps in runs.items()) + ".")
    print("loss minus best loss:   after 50 steps   median of the last 100")
    for label, gaps in runs.items():
        print(f"{label:>20s}   {gaps[50]:14.3f}   {np.median(gaps[-100:]):22.3f}")


raw_runs = train(raw.X, raw.y, lam_max)
kappa_raw = condition_number(lam_min, lam_max)
report(raw_runs, f"Raw features (κ = {kappa_raw:.0f})", "raw")

# %% [markdown]
# Gradient descent pays for the ravine exactly as the first lesson predicts: its step is
# pinned by the steep direction, so it crawls along the flat one. Momentum, with the same
# $\eta$, builds up speed along the flat direction and is far lower after 50 steps. Adam
# starts slowest, because each of its steps moves a coordinate by about $\eta = 0.5$
# and the best weights lie many such steps from the start at 0 (the cell below prints
# how many). It ends lowest: dividing each
# coordinate by its own gradient size undoes the difference in scale between the
# features. It cannot undo the coupling between the intercept and the weights, because
# that part of the ravine does not lie along a coordinate axis.

# %%
end = {label: np.median(gaps[-100:]) for label, gaps in raw_runs.items()}
far = np.abs(raw.best).max() / ADAM_LR
print(f"best weights on the raw features: {np.array2string(raw.best, precision=2)}; "
      f"the farthest is {far:.0f} of Adam's steps of {ADAM_LR} from 0")
claim(far > 20, "the best weights lie many of Adam's steps from the start")
claim(raw_runs["Momentum"][50] < raw_runs["GD"][50] / 2,
      "momentum is far lower than gradient descent after 50 steps")
claim(raw_runs["Adam"][50] == max(g[50] for g in raw_runs.values()), "Adam starts slowest")
claim(end["Adam"] == min(end.values()), "Adam ends lowest")

# %% [markdown]
# ## Rescaling the features
#
# Standardizing each feature (subtract its mean, divide by its standard deviation)
# removes both causes at once: the scales become equal, and with centred features the
# intercept no longer trades off against the weights. Look at what it does to the
# spectrum.

# %%
standardized = (features - features.mean(axis=0)) / features.std(axis=0)
scaled = LeastSquares(with_intercept(standardized), price)
lam_min_s, lam_max_s, scaled_eigenvalues = spectrum(scaled)
print("eigenvalues of H:", np.array2string(scaled_eigenvalues, precision=4))
print(f"condition number κ = {condition_number(lam_min_s, lam_max_s):.2f}")
print(f"largest stable learning rate 2/λ_max = {gd_max_lr(lam_max_s):.3f}")

fig, ax = plt.subplots(figsize=(6.4, 2.8))
ax.scatter(raw_eigenvalues, [1] * 4, marker="o", s=60, label="raw features")
ax.scatter(scaled_eigenvalues, [0] * 4, marker="s", s=60, label="standardized")
ax.set_xscale("log")
ax.set_yticks([0, 1], ["standardized", "raw"])
ax.set_ylim(-0.7, 1.7)
ax.set_xlabel("eigenvalue of the Hessian (curvature), log scale")
ax.set_title("The spectrum before and after standardizing")
ax.grid(True, axis="x", alpha=0.3)
show(fig, "The four eigenvalues of the Hessian on a log scale. For the raw features they "
     f"spread from {raw_eigenvalues[0]:.3g} to {raw_eigenvalues[-1]:.3g}; after "
     f"standardizing they all lie between {scaled_eigenvalues[0]:.2f} and "
     f"{scaled_eigenvalues[-1]:.2f}.")

# %% [markdown]
# The eigenvalues now sit close together near one: the ravine has become a round bowl,
# and the ceiling on the learning rate has risen accordingly. The same three rules give
# new learning rates, and the same seeds give the same mini-batches.

# %%
scaled_runs = train(scaled.X, scaled.y, lam_max_s)
kappa_scaled = condition_number(lam_min_s, lam_max_s)
report(scaled_runs, f"Standardized features (κ = {kappa_scaled:.2f})", "standardized")

# %%
end_s = {label: np.median(gaps[-100:]) for label, gaps in scaled_runs.items()}
claim(kappa_scaled < 1.5, "the eigenvalues now sit close together near one")
claim(end_s["GD"] == min(end_s.values())
      and all(scaled_runs["GD"][k] == min(g[k] for g in scaled_runs.values())
              for k in (10, 25, 50, 100, 200)),
      "plain mini-batch SGD is now the fastest, all the way")
claim(end_s["Momentum"] > end_s["GD"] and scaled_runs["Momentum"][50] > scaled_runs["GD"][50],
      "momentum now hurts")
claim(scaled_runs["Adam"][50] == max(g[50] for g in scaled_runs.values()),
      "Adam is the slowest to start")

# %% [markdown]
# Three things to take from this plot.
#
# 1. **Plain mini-batch SGD is now the fastest.** With $\kappa$ close to one, the rule
#    $\eta = 1/\lambda_{\max}$ makes $\eta\lambda$ close to one in *every* direction, so each
#    step removes most of the error everywhere at once: the factor $|1 - \eta\lambda|$ is
#    small for all four eigenvalues (the cell below prints them). The curve then flattens
#    at a floor set by the mini-batch noise, not by the ravine.
# 2. **Momentum now hurts, for two reasons.** The first is the dynamics, and it acts
#    even without noise. With $\eta\lambda \approx 1$ and $\beta$ as large as this, the
#    heavy-ball iteration's two roots $z$ of $z^2 - (1 + \beta - \eta\lambda)\,z + \beta = 0$
#    are complex, of modulus $\sqrt\beta$: the error spirals around the minimum and
#    shrinks by only $\sqrt\beta$ per step in every direction, where gradient descent
#    shrinks it by $|1 - \eta\lambda|$, a small number here. The second is the mini-batch
#    noise: a spiral that damps so little keeps every noisy kick for many steps, so
#    momentum's loss stays far above its noiseless path, early and on its plateau. The
#    cell below computes the contraction factors with `lesson_code`, and runs both
#    optimizers again with exact (full-batch) gradients to separate the two causes.
# 3. **Adam is the slowest to start.** Its steps are about $\eta$ per coordinate, and
#    the intercept has to travel from 0 to the mean price printed at the top, which takes
#    at least the number of steps printed below. Its adaptivity buys nothing when the
#    problem is already well scaled.

# %%
lr_s = 1 / lam_max_s
gd_factor = max(gd_contraction(lr_s, lam) for lam in scaled_eigenvalues)
momentum_factor = max(momentum_contraction(lr_s, BETA, lam) for lam in scaled_eigenvalues)
print(f"per step, worst direction: GD |1 - ηλ| ≤ {gd_factor:.3f}, "
      f"momentum {momentum_factor:.3f} (√β = {BETA ** 0.5:.3f})")
EARLY = 50


class FullBatch(LeastSquares):
    """The same loss with exact gradients: no mini-batch noise."""

    def grad(self, w):
        # ∇L = Xᵀ(Xw − y) / N, on every example
        g = self.X.T @ (self.X @ np.asarray(w) - self.y) / len(self.y)
        return tuple(g.tolist())


def noiseless(optimizer):
    model = FullBatch(scaled.X, scaled.y)
    trajectory = run(optimizer, model, start=(0.0, 0.0, 0.0, 0.0), num_steps=STEPS,
                     tol=1e-9)
    return trajectory, np.array(trajectory.losses) - model.f_min


gd_exact, _ = noiseless(sgd(lr=lr_s))
momentum_exact, momentum_gaps = noiseless(momentum(lr=lr_s, beta=BETA))
decay = (momentum_gaps[2 * EARLY] / momentum_gaps[0]) ** (1 / (2 * EARLY))
print(f"exact gradients: GD {gd_exact.message}; momentum is at {momentum_gaps[EARLY]:.3g} "
      f"after {EARLY} steps, its loss shrinking by {decay:.3f} per step over the first "
      f"{2 * EARLY} (predicted: the error's factor squared, {momentum_factor ** 2:.3f})")
print(f"mini-batches: momentum is at {scaled_runs['Momentum'][EARLY]:.3g} after {EARLY} "
      f"steps, GD at {scaled_runs['GD'][EARLY]:.3g}")
adam_steps = int(np.ceil(price.mean() / ADAM_LR))
print(f"Adam's intercept travels {price.mean():.1f} at about {ADAM_LR} per step: "
      f"at least {adam_steps} steps")
claim(gd_factor < 0.2 < momentum_factor and abs(momentum_factor - BETA ** 0.5) < 1e-9,
      "GD's factor |1 - ηλ| is small, momentum's is √β")
claim(gd_exact.status == "converged" and momentum_exact.step > 10 * gd_exact.step
      and abs(decay - BETA) < 0.01, "without noise, momentum still spirals in slowly")
claim(scaled_runs["Momentum"][EARLY] > 100 * momentum_gaps[EARLY],
      "with mini-batches momentum stays far above its noiseless path")

# %% [markdown]
# ## Rescaling against switching optimizers
#
# The table compares each optimizer on the raw and on the standardized features, after 50
# steps and at the end. Rescaling helps plain mini-batch SGD most, and rescaled SGD ends
# lower than any optimizer did on the raw features: for gradient descent, changing the
# problem did more than any choice of optimizer. It does not help every optimizer.
# Momentum's early progress gets worse (the spiral and the noise above) and its plateau
# moves little; Adam is worse on both counts.

# %%
print(f"{'':>10s}  after 50 steps: raw → standardized   end (median of last 100): raw → "
      "standardized")
for label in raw_runs:
    before, after = raw_runs[label], scaled_runs[label]
    print(f"{label:>10s}  {before[50]:12.2f} → {after[50]:9.2f}"
          f"   {np.median(before[-100:]):22.2f} → {np.median(after[-100:]):9.2f}")
gain = {label: end[label] / end_s[label] for label in end}
early = {label: raw_runs[label][50] / scaled_runs[label][50] for label in end}
claim(gain["GD"] == max(gain.values()), "rescaling helps plain mini-batch SGD most")
claim(end_s["GD"] < min(end.values()),
      "rescaled SGD ends lower than any optimizer did on the raw features")
claim(early["Momentum"] < 1 and 1 / 2 < gain["Momentum"] < 2,
      "momentum's early progress gets worse and its plateau moves little")
claim(early["Adam"] < 1 and gain["Adam"] < 1, "Adam is worse on both counts")

# %% [markdown]
# ## Try it yourself
#
# * Scale the area feature by 10 more (`area * 10`) and rerun: how do $\kappa$ and the
#   gradient descent curve change?
# * Centre the features but do not divide by their standard deviations. Which of the
#   two causes of the ravine does that remove?
# * Change the batch size in `LeastSquares` from 64 to 8 or to 256 and watch the noise
#   floor move.
# * Give Adam a learning rate of 2 on the standardized features.
