"""The house figure style and the plotting helpers every lesson shares.

* readable when projected: large fonts, thick lines, 8 x 5 inch figures;
* colour-blind-safe: the Okabe–Ito palette, with a fixed colour per role (theory, simulation, …);
* theory is always a line, simulation always markers with spread (quartile bars) and the number of
  trials in the legend; the interpolation threshold is always marked.

Call :func:`use_style` once in a notebook's setup cell. Introduced in lesson 00.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

__all__ = [
    "PALETTE",
    "COLORS",
    "use_style",
    "new_figure",
    "subplots",
    "mark_threshold",
    "theory_line",
    "simulation_points",
    "finish",
]

#: Okabe & Ito (2008) colour-blind-safe palette.
PALETTE = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
}

#: The colour of each role, the same in every lesson.
COLORS = {
    "theory": PALETTE["blue"],
    "simulation": PALETTE["vermillion"],
    "bias": PALETTE["green"],
    "variance": PALETTE["purple"],
    "ridge": PALETTE["orange"],
    "small": PALETTE["black"],
    "oracle": PALETTE["green"],
    "hessian": PALETTE["sky"],
    "magnitude": PALETTE["orange"],
    "random": PALETTE["purple"],
    "dense": PALETTE["blue"],
    "threshold": "#777777",
}

_STYLE = {
    "figure.figsize": (8.0, 5.0),
    "figure.dpi": 90,
    "savefig.dpi": 90,
    "font.size": 14,
    "axes.titlesize": 16,
    "axes.labelsize": 15,
    "legend.fontsize": 12,
    "xtick.labelsize": 13,
    "ytick.labelsize": 13,
    "lines.linewidth": 2.5,
    "lines.markersize": 7,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "legend.frameon": False,
    "axes.prop_cycle": mpl.cycler(color=[PALETTE[k] for k in ("blue", "vermillion", "green", "orange", "purple", "sky", "black")]),
    "figure.constrained_layout.use": True,
}


def use_style() -> None:
    """Apply the course's figure style (call once per notebook, in the setup cell)."""
    mpl.rcParams.update(_STYLE)


def subplots(ncols: int = 1, nrows: int = 1, width: float = 8.0, height: float = 5.0, **kwargs):
    """``plt.subplots`` with the house size: each panel ``width x height`` inches.

    Returns
    -------
    fig, axes
        As ``matplotlib.pyplot.subplots``.
    """
    if not isinstance(ncols, int) or not isinstance(nrows, int) or ncols < 1 or nrows < 1:
        raise ValueError(f"ncols and nrows must be positive integers, got {ncols!r}, {nrows!r}")
    return plt.subplots(nrows, ncols, figsize=(width * ncols, height * nrows), **kwargs)


def new_figure(ncols: int = 1, nrows: int = 1, width: float = 8.0, height: float = 5.0):
    """A figure *outside* pyplot (for explorers that redraw): it is never shown twice.

    Returns
    -------
    fig : matplotlib.figure.Figure
    axes : Axes or ndarray of Axes
    """
    if not isinstance(ncols, int) or not isinstance(nrows, int) or ncols < 1 or nrows < 1:
        raise ValueError(f"ncols and nrows must be positive integers, got {ncols!r}, {nrows!r}")
    fig = Figure(figsize=(width * ncols, height * nrows), layout="constrained")
    axes = fig.subplots(nrows, ncols)
    return fig, axes


def mark_threshold(ax: Axes, at: float = 1.0, label: str | None = "interpolation threshold") -> None:
    """Draw the interpolation threshold (``p = n``, ``gamma = 1``) as a dashed vertical line."""
    ax.axvline(at, color=COLORS["threshold"], linestyle="--", linewidth=1.5, label=label, zorder=0)


def theory_line(ax: Axes, x, y, label: str = "theory", color: str | None = None, **kwargs):
    """Plot a theory curve as a solid line (infinite values are left as gaps)."""
    y = np.asarray(y, dtype=float)
    y = np.where(np.isfinite(y), y, np.nan)
    return ax.plot(x, y, color=color or COLORS["theory"], label=label, **kwargs)


def simulation_points(
    ax: Axes,
    summary,
    label: str = "simulation",
    x_scale: float = 1.0,
    color: str | None = None,
    stat: str = "median",
    shift: float = 0.0,
    marker: str = "o",
    **kwargs,
):
    """Plot a Monte Carlo :class:`~overparam.experiments.Summary` as markers with spread.

    Parameters
    ----------
    ax : Axes
    summary : Summary
    label : str
        Legend text; the statistic and the number of trials are appended.
    x_scale : float
        Divide the summary's ``x`` by this (for example ``n``, to plot against ``gamma = p/n``).
    stat : {"median", "mean"}
        Median with quartile bars (robust near the peak) or mean with ±1 standard error.
    shift : float
        Extra horizontal offset, to keep overlapping markers apart.
    """
    if stat not in ("median", "mean"):
        raise ValueError(f"stat must be 'median' or 'mean', got {stat!r}")
    x = np.asarray(summary.x, dtype=float) / x_scale + shift
    if stat == "median":
        centre = summary.median
        lower, upper = centre - summary.q25, summary.q75 - centre
        spread = "quartiles"
    else:
        centre = summary.mean
        lower = upper = summary.sem
        spread = "±1 s.e."
    text = f"{label} (median of {summary.n_trials} trials, bars: {spread})" if stat == "median" else (
        f"{label} (mean of {summary.n_trials} trials, bars: {spread})"
    )
    return ax.errorbar(
        x,
        centre,
        yerr=np.vstack([lower, upper]),
        fmt=marker,
        color=color or COLORS["simulation"],
        capsize=3,
        elinewidth=1.2,
        label=text,
        **kwargs,
    )


def finish(
    ax: Axes,
    xlabel: str,
    ylabel: str,
    title: str | None = None,
    logx: bool = False,
    logy: bool = False,
    ylim: Sequence[float] | None = None,
    legend: bool = True,
    legend_loc: str = "best",
) -> Axes:
    """Label the axes, set scales and limits, and draw the legend."""
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    if logx:
        ax.set_xscale("log")
    if logy:
        ax.set_yscale("log")
    if ylim is not None:
        ax.set_ylim(*ylim)
    if legend:
        ax.legend(loc=legend_loc)
    return ax


def plain_log_ticks(ax: Axes, axis: str = "both") -> Axes:
    """Label log-scaled axes with plain numbers (1, 2, 5, 10, …) instead of powers of ten.

    Matplotlib labels a log axis that spans less than a decade with crowded minor labels such as
    ``2 × 10^0``; this puts major ticks at 1, 2 and 5 times the powers of ten inside the current
    limits (only 1 and 10^k when the axis spans more than three decades), labels them as plain
    numbers and leaves minor ticks unlabelled. Call it after the limits are final. Linear axes are
    left alone. Introduced in lesson 03.

    Parameters
    ----------
    ax : Axes
    axis : {"both", "x", "y"}

    Returns
    -------
    Axes
    """
    from matplotlib.ticker import FixedLocator, FuncFormatter, NullFormatter

    if axis not in ("both", "x", "y"):
        raise ValueError(f"axis must be 'both', 'x' or 'y', got {axis!r}")
    pairs = []
    if axis in ("both", "x"):
        pairs.append((ax.xaxis, ax.get_xlim(), ax.get_xscale()))
    if axis in ("both", "y"):
        pairs.append((ax.yaxis, ax.get_ylim(), ax.get_yscale()))
    for which, (lo, hi), scale in pairs:
        if scale != "log":
            continue
        lo, hi = min(lo, hi), max(lo, hi)
        decades = np.arange(np.floor(np.log10(lo)), np.ceil(np.log10(hi)) + 1)
        steps = (1.0,) if np.log10(hi / lo) > 3 else (1.0, 2.0, 5.0)
        ticks = np.array([m * 10.0**k for k in decades for m in steps])
        ticks = ticks[(ticks >= lo * (1 - 1e-9)) & (ticks <= hi * (1 + 1e-9))]
        which.set_major_locator(FixedLocator(ticks))
        which.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:g}"))
        which.set_minor_formatter(NullFormatter())
    return ax


__all__.append("plain_log_ticks")
