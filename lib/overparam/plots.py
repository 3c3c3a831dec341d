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

from ._validate import as_float, as_float_array, as_int

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
    "plain_log_ticks",
    "draw_gd_distances",
    "draw_row_space",
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
    ncols, nrows = as_int(ncols, "ncols", minimum=1), as_int(nrows, "nrows", minimum=1)
    return plt.subplots(nrows, ncols, figsize=(width * ncols, height * nrows), **kwargs)


def new_figure(ncols: int = 1, nrows: int = 1, width: float = 8.0, height: float = 5.0):
    """A figure *outside* pyplot (for explorers that redraw): it is never shown twice.

    Returns
    -------
    fig : matplotlib.figure.Figure
    axes : Axes or ndarray of Axes
    """
    ncols, nrows = as_int(ncols, "ncols", minimum=1), as_int(nrows, "nrows", minimum=1)
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
    if not all(hasattr(summary, a) for a in ("x", "median", "q25", "q75", "sem", "n_trials")):
        raise TypeError(f"summary must be an overparam.experiments.Summary, got {type(summary).__name__}")
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


def draw_gd_distances(
    ax: Axes,
    steps,
    path,
    target,
    rate: float | None = None,
    bound_label: str = "bound",
    start_path=None,
    start_target=None,
    label: str = "GD from 0 (run)",
    ylim: Sequence[float] | None = None,
) -> Axes:
    """Draw how fast gradient-descent iterates approach their limit (log y-axis).

    Markers show ``||w_t - target||`` for the recorded iterates of a run from zero; an optional
    theory line shows the bound ``||target|| * rate**t``; an optional second run (from a start
    ``w_0``) is drawn with its distance to ``target`` (filled squares), a dashed line at
    ``||start_target - target||`` and its distance to its own limit ``start_target`` (open
    squares). Colours: the run from zero in the simulation colour, the run from ``w_0`` in the
    variance colour (the same roles as :func:`draw_row_space`). Introduced in lesson 01.

    Parameters
    ----------
    ax : Axes
    steps : array_like of shape (k,)
        Step numbers of the recorded iterates.
    path : array_like of shape (k, p)
        Iterates of gradient descent from zero.
    target : array_like of shape (p,)
        Their limit, the min-norm solution ``X^+ y``.
    rate : float, optional
        Contraction factor per step, ``0 <= rate < 1``; draws ``||target|| * rate**t``.
    bound_label : str
        Legend text of that line (say in it that it is an upper bound).
    start_path : array_like of shape (k, p), optional
        Iterates of gradient descent from a start ``w_0``, recorded at the same steps.
    start_target : array_like of shape (p,), optional
        The limit of that run, ``X^+ y + (I - P) w_0`` (required with ``start_path``).
    label : str
        Legend text of the run from zero.
    ylim : pair of float, optional
        y-range (log scale).

    Returns
    -------
    Axes
    """
    steps = as_float_array(steps, "steps", ndim=1)
    path = as_float_array(path, "path", ndim=2)
    target = as_float_array(target, "target", ndim=1)
    if path.shape != (steps.size, target.size):
        raise ValueError(
            f"path must have shape (len(steps), len(target)) = {(steps.size, target.size)}, got {path.shape}"
        )
    ax.plot(steps, np.linalg.norm(path - target, axis=1), "o", color=COLORS["simulation"], label=label)
    if start_path is not None:
        if start_target is None:
            raise ValueError("start_target (the limit of the run from w_0) is required with start_path")
        start_path = as_float_array(start_path, "start_path", ndim=2)
        start_target = as_float_array(start_target, "start_target", ndim=1)
        if start_path.shape != path.shape or start_target.shape != target.shape:
            raise ValueError(
                f"start_path and start_target must have the shapes of path and target, {path.shape} and "
                f"{target.shape}; got {start_path.shape} and {start_target.shape}"
            )
        ax.plot(steps, np.linalg.norm(start_path - target, axis=1), "s", color=COLORS["variance"],
                label=r"GD from a random $w_0$ (run)")
    if rate is not None:
        rate = as_float(rate, "rate", minimum=0.0)
        if rate >= 1.0:
            raise ValueError(f"rate must be below 1 (a contraction), got {rate}")
        theory_line(ax, steps, np.linalg.norm(target) * rate**steps, label=bound_label)
    if start_path is not None:
        ax.axhline(np.linalg.norm(start_target - target), color=COLORS["variance"], linestyle="--",
                   linewidth=1.5, label=r"$\|(I - P)\,w_0\|$")
        ax.plot(steps, np.linalg.norm(start_path - start_target, axis=1), "s", mfc="none",
                color=COLORS["variance"], label=r"GD from $w_0$: distance to $X^+y + (I-P)\,w_0$")
    finish(ax, "gradient descent step t", r"distance to $X^+y$", logy=True, ylim=ylim)
    return ax


def draw_row_space(
    ax: Axes,
    x_row,
    y: float,
    path_zero,
    path_start=None,
    xlim: Sequence[float] | None = None,
    ylim: Sequence[float] | None = None,
) -> Axes:
    """The row-space picture of least squares with one sample and two weights.

    Draws the line of interpolators ``{w : <x, w> = y}``, the row space (the direction of ``x``),
    the circle of radius ``||w_mn||`` touching the line at the min-norm interpolator
    ``w_mn = x y / ||x||^2`` (a star), the path of gradient descent from zero (simulation colour,
    circles) and optionally a path from a start ``w_0 = path_start[0]`` (variance colour, squares)
    with an arrow from ``w_mn`` to where that path ends, labelled ``(I - P) w_0``. Equal aspect;
    the limits default to the points drawn plus a margin. Introduced in lesson 01 (and used in
    exercise 01).

    Parameters
    ----------
    ax : Axes
    x_row : array_like of shape (2,) or (1, 2)
        The single (non-zero) row of the design.
    y : float
        The single label.
    path_zero : array_like of shape (k, 2)
        Iterates of gradient descent from zero.
    path_start : array_like of shape (m, 2), optional
        Iterates of gradient descent from ``path_start[0]``.
    xlim, ylim : pair of float, optional
        Axis limits (default: the points drawn plus a margin). The legend goes below the axes.

    Returns
    -------
    Axes
    """
    x = as_float_array(x_row, "x_row", ndim=(1, 2)).ravel()
    if x.size != 2:
        raise ValueError(f"x_row must hold exactly two numbers (one row, two weights), got {x.size}")
    norm = float(np.linalg.norm(x))
    if norm == 0.0:
        raise ValueError("x_row must not be zero")
    y = as_float(np.ravel(y)[0] if np.ndim(y) else y, "y")
    path_zero = as_float_array(path_zero, "path_zero", ndim=2)
    if path_zero.shape[1] != 2:
        raise ValueError(f"path_zero must have shape (k, 2), got {path_zero.shape}")
    points = [np.zeros((1, 2)), path_zero]
    unit = x / norm
    along = np.array([-unit[1], unit[0]])  # direction of the line of interpolators
    w_mn = unit * (y / norm)
    points.append(w_mn[None, :])
    if path_start is not None:
        path_start = as_float_array(path_start, "path_start", ndim=2)
        if path_start.shape[1] != 2:
            raise ValueError(f"path_start must have shape (m, 2), got {path_start.shape}")
        points.append(path_start)
    radius = float(np.linalg.norm(w_mn))
    points.append(np.array([[-radius, -radius], [radius, radius]]))  # the circle
    cloud = np.vstack(points)
    lo, hi = cloud.min(axis=0) - 0.4, cloud.max(axis=0) + 0.4
    xlim = tuple(xlim) if xlim is not None else (lo[0], hi[0])
    ylim = tuple(ylim) if ylim is not None else (lo[1], hi[1])
    reach = 2.0 * (abs(xlim[0]) + abs(xlim[1]) + abs(ylim[0]) + abs(ylim[1]))
    t = np.array([-reach, reach])
    ax.plot(w_mn[0] + t * along[0], w_mn[1] + t * along[1], color=PALETTE["black"],
            label=r"interpolators $\{w : \langle x, w\rangle = y\}$")
    ax.plot(t * unit[0], t * unit[1], ":", color=COLORS["threshold"], label="row space (direction of $x$)")
    angle = np.linspace(0.0, 2.0 * np.pi, 200)
    ax.plot(radius * np.cos(angle), radius * np.sin(angle), "--", color=COLORS["theory"], linewidth=1.5,
            label=r"circle of radius $\|w_{\rm mn}\|$")
    ax.plot(*path_zero.T, "o-", color=COLORS["simulation"], markersize=6, label="GD from 0")
    if path_start is not None:
        ax.plot(*path_start.T, "s-", color=COLORS["variance"], markersize=6, label="GD from $w_0$")
        ax.annotate("$w_0$", path_start[0], xytext=(-10, 10), textcoords="offset points", fontsize=15,
                    ha="right")
        # the arrow from w_mn to the end of the run, drawn just beside the line of interpolators
        end = path_start[-1]
        side = unit if y >= 0 else -unit  # the side of the line away from the origin
        offset = 0.12 * side
        ax.annotate("", xy=end + offset, xytext=w_mn + offset,
                    arrowprops={"arrowstyle": "->", "color": COLORS["variance"], "linewidth": 2.5,
                                "shrinkA": 0, "shrinkB": 0})
        ax.annotate(r"$(I-P)\,w_0$", (end + w_mn) / 2 + 2.5 * offset, color=COLORS["variance"],
                    fontsize=15, ha="left" if side[0] >= 0 else "right", va="center")
    ax.plot(*w_mn, "*", color=COLORS["theory"], markersize=20, label=r"$w_{\rm mn} = X^+y$", zorder=4)
    ax.set_aspect("equal")
    finish(ax, "$w_1$", "$w_2$", legend=False)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncols=2, fontsize=12)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    return ax
