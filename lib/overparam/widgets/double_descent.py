"""Explorer of lesson 02: isotropic double descent as the noise and the signal change.

The isotropic model of Hastie, Montanari, Rosset & Tibshirani (2022): features ``x ~ N(0, I_p)``, ``||beta||^2 = r^2`` (``signal``),
label noise ``sigma^2`` (``noise_var``), ``gamma = p / n``, min-norm least squares. The explorer
draws the asymptotic excess risk and its bias and variance against ``gamma`` for the slider values
of ``sigma^2`` and ``r^2``, marks the best ratio beyond the threshold
(:func:`overparam.theory.isotropic_optimal_ratio`; an orange star with a black outline) and the
underparameterized ratio ``gamma_0`` with the same excess risk
(:func:`overparam.theory.isotropic_break_even_ratio`; a white diamond with a black outline at the left
end of an orange dash-dot line), so that neither is confused with the round simulation markers.

Simulation markers, honestly at every slider setting: for one drawn design ``X`` the excess risk
averaged over the label noise is ``r^2 b(X) + sigma^2 v(X)`` with ``b(X) = ||(I - P) u||^2``
(``u = beta / r``, ``P`` the projector on the row space of ``X``) and ``v(X) = tr((X^T X)^+)``.
Neither ``b`` nor ``v`` depends on ``r`` or ``sigma``, so one bias–variance sweep
(:func:`overparam.experiments.isotropic_bias_variance_sweep`) gives the simulated excess risk of
the *same* designs at any ``(r^2, sigma^2)`` by exact rescaling (:func:`rescaled_excess`). No new
designs are drawn when a slider moves; the callback only rescales cached numbers and evaluates
closed forms.

Used by lesson 02 (``lessons/02_double_descent.ipynb``).
"""

from __future__ import annotations

import numpy as np
from matplotlib.ticker import NullLocator

from .. import plots, theory
from .._validate import as_float, as_int
from ..experiments import Summary, isotropic_bias_variance_sweep
from . import Explorer, slider

__all__ = [
    "GAMMA_MIN",
    "GAMMA_MAX",
    "Y_LIMITS",
    "model_sizes",
    "rescaled_excess",
    "draw",
    "make_explorer",
]

#: Range of ``gamma = p / n`` shown by the explorer (and swept by lesson 02).
GAMMA_MIN, GAMMA_MAX = 0.1, 10.0
#: Fixed y-range of the explorer (excess risk, log scale), so that slider moves compare visually.
Y_LIMITS = (1e-3, 1e2)
# 400 log-spaced ratios plus points close to 1 on both sides, so that the curve reaches the top of
# the plot at the threshold whatever the noise level (the excess risk is infinite there).
_NEAR_ONE = np.geomspace(1e-4, 0.05, 40)
_THEORY_GAMMAS = np.unique(np.concatenate([np.geomspace(GAMMA_MIN, GAMMA_MAX, 400), 1.0 - _NEAR_ONE, 1.0 + _NEAR_ONE]))
_NEAR_PEAK = (0.9, 0.95, 1.05, 1.1)


def model_sizes(n: int = 100, points: int = 25, gamma_min: float = GAMMA_MIN, gamma_max: float = GAMMA_MAX) -> np.ndarray:
    """Model sizes ``p`` for a sweep of ``gamma = p / n``: log-spaced, denser at the peak, never ``p = n``.

    ``points`` ratios log-spaced from ``gamma_min`` to ``gamma_max``, plus ``gamma`` = 0.9, 0.95,
    1.05 and 1.1 to resolve the peak, rounded to integers; ``p = n`` (where min-norm least squares
    has an infinite expected risk) and duplicates are dropped.

    Parameters
    ----------
    n : int
        Training samples (at least 2).
    points : int
        Number of log-spaced ratios (at least 2).
    gamma_min, gamma_max : float
        Range of ratios, ``0 < gamma_min < gamma_max``.

    Returns
    -------
    ndarray of int
        Sorted distinct sizes ``p >= 1``, none equal to ``n``.

    Examples
    --------
    >>> model_sizes(100)[:5].tolist()
    [10, 12, 15, 18, 22]
    """
    n = as_int(n, "n", minimum=2)
    points = as_int(points, "points", minimum=2)
    gamma_min = as_float(gamma_min, "gamma_min", minimum=0.0, strict=True)
    gamma_max = as_float(gamma_max, "gamma_max", minimum=0.0, strict=True)
    if gamma_max <= gamma_min:
        raise ValueError(f"gamma_max must exceed gamma_min = {gamma_min}, got {gamma_max}")
    ratios = np.concatenate([np.geomspace(gamma_min, gamma_max, points), _NEAR_PEAK])
    ratios = ratios[(ratios >= gamma_min) & (ratios <= gamma_max)]
    sizes = np.unique(np.maximum(np.round(ratios * n), 1).astype(int))
    return sizes[sizes != n]


def _check_pair(bias, variance) -> None:
    for name, value in (("bias", bias), ("variance", variance)):
        if not isinstance(value, Summary):
            raise TypeError(
                f"{name} must be an overparam.experiments.Summary (from isotropic_bias_variance_sweep), "
                f"got {type(value).__name__}"
            )
    if bias.values.shape != variance.values.shape or not np.array_equal(bias.x, variance.x):
        raise ValueError(
            "bias and variance must come from the same sweep (same sizes and trials), got shapes "
            f"{bias.values.shape} and {variance.values.shape}"
        )


def rescaled_excess(bias: Summary, variance: Summary, signal: float, noise_var: float, new_signal: float, new_noise_var: float) -> Summary:
    """Simulated excess risk of the same designs at another signal and noise level (exact).

    Given a design, the noise-averaged bias is proportional to ``r^2`` and the variance to
    ``sigma^2`` (module docstring), so the excess risk at ``(new_signal, new_noise_var)`` of every
    simulated design is ``new_signal * bias / signal + new_noise_var * variance / noise_var``.
    Round-off below zero in the bias (``p < n``, where it is exactly 0) is set to 0.

    Parameters
    ----------
    bias, variance : Summary
        The pair returned by :func:`overparam.experiments.isotropic_bias_variance_sweep`.
    signal, noise_var : float
        The ``r^2`` and ``sigma^2`` that sweep was run with (both positive).
    new_signal, new_noise_var : float
        Where to evaluate (non-negative).

    Returns
    -------
    Summary
        Same ``x`` (sizes ``p``); values of shape ``(trials, k)``.
    """
    _check_pair(bias, variance)
    signal = as_float(signal, "signal", minimum=0.0, strict=True)
    noise_var = as_float(noise_var, "noise_var", minimum=0.0, strict=True)
    new_signal = as_float(new_signal, "new_signal", minimum=0.0)
    new_noise_var = as_float(new_noise_var, "new_noise_var", minimum=0.0)
    values = (new_signal / signal) * np.maximum(bias.values, 0.0) + (new_noise_var / noise_var) * variance.values
    return Summary(x=bias.x, values=values)


def draw(noise_var: float, signal: float, simulation: Summary | None = None, n: int | None = None):
    """The explorer's figure: excess risk, bias and variance vs ``gamma`` for one ``(sigma^2, r^2)``.

    Parameters
    ----------
    noise_var, signal : float
        ``sigma^2 > 0`` and ``r^2 > 0``.
    simulation : Summary, optional
        Simulated excess risk at these values (``x`` = sizes ``p``), drawn as markers.
    n : int, optional
        Training samples of the simulation (needed with ``simulation``, to plot against ``p / n``).

    Returns
    -------
    matplotlib.figure.Figure
    """
    noise_var = as_float(noise_var, "noise_var", minimum=0.0, strict=True)
    signal = as_float(signal, "signal", minimum=0.0, strict=True)
    fig, ax = plots.new_figure(width=10.0, height=7.0)
    # Fixed margins instead of constrained layout: the layout solver would double the redraw time.
    fig.set_layout_engine("none")
    ax.set_position([0.1, 0.27, 0.87, 0.66])
    g = _THEORY_GAMMAS
    bias, variance = theory.isotropic_bias_variance(g, signal, noise_var)
    plots.theory_line(ax, g, bias + variance, label="theory (n → ∞): excess risk")
    plots.theory_line(ax, g[g > 1], bias[g > 1], label="theory: bias", color=plots.COLORS["bias"], linestyle="--", linewidth=2)
    plots.theory_line(ax, g, variance, label="theory: variance", color=plots.COLORS["variance"], linestyle=":", linewidth=2.5)
    if simulation is not None:
        if n is None:
            raise ValueError("n (training samples of the simulation) is needed to plot it against p/n")
        plots.simulation_points(ax, simulation, label=f"simulation, n = {n}, rescaled", x_scale=n, zorder=4)
    ax.axhline(signal, color=plots.PALETTE["black"], linestyle=(0, (1, 3)), linewidth=1.5,
               label=f"predict zero: excess r² = {signal:.2f}")
    g_star, best = theory.isotropic_optimal_ratio(signal, noise_var)
    g_zero = theory.isotropic_break_even_ratio(signal, noise_var)
    if np.isfinite(g_star):
        ax.plot([g_star], [best], marker="*", markersize=20, color=plots.PALETTE["orange"],
                markeredgecolor="black", linestyle="none", zorder=5,
                label=f"best γ > 1: γ* = {g_star:.2f}, excess {best:.3f}")
        ax.plot([g_zero, g_star], [best, best], color=plots.PALETTE["orange"], linewidth=1.5, linestyle="-.",
                marker="D", markevery=[0], markersize=9, markerfacecolor="white", markeredgecolor="black",
                markeredgewidth=1.5, zorder=5,
                label=f"same excess below the threshold at γ₀ = {g_zero:.2f}")
        verdict = (f"best γ > 1 (excess {best:.3f}) beats the\n"
                   f"γ < 1 models only for {g_zero:.2f} < γ < 1")
    else:
        verdict = ("r ≤ σ: beyond the threshold the excess risk only falls\n"
                   f"towards r² (predict zero); only γ < {g_zero:.2f} beats predicting zero")
    plots.mark_threshold(ax)
    snr = signal / noise_var
    plots.finish(
        ax, "γ = p / n  (log scale)", "excess risk  R − σ²  (log scale)",
        title=f"noise σ² = {noise_var:.2f},  signal r² = {signal:.2f},  SNR r²/σ² = {snr:.3g}",
        logx=True, logy=True, ylim=Y_LIMITS, legend=False,
    )
    ax.text(0.98, 0.03, verdict, transform=ax.transAxes, ha="right", va="bottom", fontsize=12, multialignment="left",
            bbox={"boxstyle": "round", "facecolor": "white", "edgecolor": "#bbbbbb"})
    ax.set_xlim(GAMMA_MIN * 0.95, GAMMA_MAX * 1.05)
    ax.yaxis.set_minor_locator(NullLocator())  # 40 unlabelled minor ticks over 5 decades cost ~1/3 of a redraw
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2, fontsize=11)
    return fig


def make_explorer(
    bias: Summary | None = None,
    variance: Summary | None = None,
    *,
    n: int = 100,
    signal: float = 1.0,
    noise_var: float = 0.25,
    trials: int = 20,
    seed=0,
) -> Explorer:
    """Sliders for the noise ``sigma^2`` and the signal ``r^2`` over the isotropic double descent.

    Parameters
    ----------
    bias, variance : Summary, optional
        A cached :func:`overparam.experiments.isotropic_bias_variance_sweep` run with ``n``,
        ``signal`` and ``noise_var`` (lesson 02 passes its own). If omitted, one is run here once
        (``n``, :func:`model_sizes` of ``n``, ``trials``, ``seed``; about a second).
    n : int
        Training samples of that sweep.
    signal, noise_var : float
        ``r^2`` and ``sigma^2`` of that sweep (positive); also the sliders' starting values.
    trials : int
        Trials of the sweep run here when ``bias`` and ``variance`` are omitted.
    seed : int or numpy.random.Generator
        Seed of that sweep.

    Returns
    -------
    Explorer
        Controls ``noise_var`` (``sigma^2`` from 0.01 to 2) and ``signal`` (``r^2`` from 0.1 to 4).
        Every redraw uses closed forms and the cached designs rescaled exactly
        (:func:`rescaled_excess`); no new simulation is run.

    Examples
    --------
    >>> explorer = make_explorer(trials=2)
    >>> sorted(explorer.values)
    ['noise_var', 'signal']

    In a notebook, ``explorer.show()`` displays the sliders and the figure.
    """
    n = as_int(n, "n", minimum=2)
    signal = as_float(signal, "signal", minimum=0.0, strict=True)
    noise_var = as_float(noise_var, "noise_var", minimum=0.0, strict=True)
    if (bias is None) != (variance is None):
        raise ValueError("pass both bias and variance (one cached sweep), or neither")
    if bias is None:
        bias, variance = isotropic_bias_variance_sweep(n, model_sizes(n), signal, noise_var, trials=trials, seed=seed)
    _check_pair(bias, variance)
    if not 0.01 <= noise_var <= 2.0 or not 0.1 <= signal <= 4.0:
        raise ValueError(
            f"the sweep's noise_var must lie in [0.01, 2] and signal in [0.1, 4] (the slider ranges), "
            f"got noise_var = {noise_var}, signal = {signal}"
        )
    cached = (bias, variance, signal, noise_var)

    def redraw(noise_var: float, signal: float):
        simulation = rescaled_excess(*cached, new_signal=signal, new_noise_var=noise_var)
        return draw(noise_var, signal, simulation=simulation, n=n)

    controls = {
        "noise_var": slider("noise σ²", 0.01, 2.0, 0.01, noise_var),
        "signal": slider("signal r² = ‖β‖²", 0.1, 4.0, 0.05, signal),
    }
    return Explorer(redraw, controls)
