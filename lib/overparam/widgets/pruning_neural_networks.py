"""Figures and explorer of lesson 10: pruning a small neural network, next to the paper's ResNet-20.

Everything here draws results that were already computed by :func:`overparam.nn.prune_experiment`
(a :class:`~overparam.nn.PruneResults`: errors of the dense width-``k`` networks and of their pruned
versions, over seeds and widths) or read off the paper (:data:`overparam.nn.PAPER_RESNET20`); nothing
here trains a network.

* :func:`draw_digits` — a few training digits whose labels were flipped, with the noisy and the
  true label.
* :func:`draw_errors` — error (or fraction of clean / flipped training labels fitted) against the
  width ``k`` for some variants (means over seeds with ±1 s.e. bars), the interpolation band (:meth:`overparam.nn.PruneResults.interpolation_band`) shaded and the width where the dense net has as many
  weights as training images marked; optionally a second run (for example the lesson's live run)
  as open markers over it.
* :func:`legend_below` — one legend under a figure of several panels.
* :func:`draw_live_units` — measured live hidden units of both masks, with the expectation for a
  random mask (:func:`overparam.nn.expected_live_units`).
* :func:`draw_paper` — the paper's ResNet-20 / CIFAR-10 curves (approximate values read off its
  figure).
* :func:`draw` / :func:`make_explorer` — the explorer: choose the retraining (long, short, none), the
  mask (magnitude, random) and what is shown (test error, training error, flipped labels memorised); the
  callback only redraws stored results.

Used by lesson 10 (``lessons/10_pruning_neural_networks.ipynb``).
"""

from __future__ import annotations

import numpy as np
from matplotlib.ticker import FixedLocator, NullLocator

from .. import nn, plots
from .._validate import as_float, as_int
from . import Explorer, dropdown

__all__ = [
    "RETRAINING",
    "MASKS",
    "ERRORS",
    "YLABELS",
    "STYLE",
    "variant",
    "draw_digits",
    "draw_errors",
    "legend_below",
    "draw_live_units",
    "draw_paper",
    "draw",
    "make_explorer",
]

#: Retraining recipes offered by the explorer: rewind and retrain long (constant rate), short (cosine), none.
RETRAINING = {"long": "rewind + retrain long", "short": "rewind + retrain short", "none": "no retraining"}
#: Pruning masks offered by the explorer.
MASKS = {"magnitude": "global magnitude", "random": "random"}
#: What the explorer shows (a quantity of :data:`overparam.nn.QUANTITIES`).
ERRORS = {"test": "test error (clean labels)", "train": "training error (noisy labels)",
          "memorised": "flipped training labels memorised"}

#: Axis label of every quantity of :data:`overparam.nn.QUANTITIES`.
YLABELS = {"test": "test error (clean test labels)", "train": "training error (noisy labels)",
           "clean_fitted": "fraction of clean training labels fitted",
           "memorised": "fraction of flipped training labels fitted"}

#: Legend name, colour, marker and line style of every variant of :data:`overparam.nn.VARIANTS`.
STYLE = {
    "dense": ("dense width k", plots.COLORS["dense"], "o", "-"),
    "no_retrain": ("magnitude, no retraining", plots.PALETTE["black"], "x", ":"),
    "magnitude_long": ("magnitude + rewind, long", plots.COLORS["magnitude"], "s", "-"),
    "random_long": ("random + rewind, long", plots.COLORS["random"], "^", "-"),
    "magnitude_short": ("magnitude + rewind, short", plots.COLORS["magnitude"], "s", "--"),
    "random_short": ("random + rewind, short", plots.COLORS["random"], "^", "--"),
}


def variant(retraining: str, mask: str) -> str | None:
    """The :data:`overparam.nn.VARIANTS` name of a retraining recipe and a mask.

    Returns ``None`` for a random mask without retraining, which the experiment does not run.

    Examples
    --------
    >>> variant("long", "magnitude"), variant("short", "random"), variant("none", "magnitude")
    ('magnitude_long', 'random_short', 'no_retrain')
    """
    if retraining not in RETRAINING:
        raise ValueError(f"retraining must be one of {list(RETRAINING)}, got {retraining!r}")
    if mask not in MASKS:
        raise ValueError(f"mask must be one of {list(MASKS)}, got {mask!r}")
    if retraining == "none":
        return "no_retrain" if mask == "magnitude" else None
    return f"{mask}_{retraining}"


def _check_results(results, name: str = "results") -> nn.PruneResults:
    if not isinstance(results, nn.PruneResults):
        raise TypeError(f"{name} must be an overparam.nn.PruneResults (from prune_experiment or load_reference), "
                        f"got {type(results).__name__}")
    return results


def draw_digits(data, count: int = 8, seed=0):
    """Show ``count`` training digits whose labels were flipped, with their noisy and true labels.

    Parameters
    ----------
    data : overparam.nn.Digits
    count : int
        Number of flipped digits shown (chosen at random by ``seed``), 1 to 16.
    seed : int
        Seed of the choice.

    Returns
    -------
    matplotlib.figure.Figure
    """
    if not isinstance(data, nn.Digits):
        raise TypeError(f"data must be an overparam.nn.Digits (from load_digits_data), got {type(data).__name__}")
    count = as_int(count, "count", minimum=1)
    if count > 16:
        raise ValueError(f"count must be at most 16, got {count}")
    flipped = np.flatnonzero(data.flipped)
    if flipped.size < count:
        raise ValueError(f"data has only {flipped.size} flipped training labels, fewer than count={count}")
    chosen = np.sort(np.random.default_rng(seed).choice(flipped, size=count, replace=False))
    pixels = data.train_pixels
    if pixels is None:
        raise ValueError("data has no train_pixels to show (build it with overparam.nn.load_digits_data)")
    fig, axes = plots.new_figure(ncols=count, width=1.45, height=2.0)
    for ax, i in zip(np.atleast_1d(axes), chosen):
        ax.imshow(pixels[i].reshape(8, 8), cmap="gray_r", vmin=0.0, vmax=1.0)
        ax.set_title(f"label {data.y_train[i]}\n(true {data.y_train_clean[i]})", fontsize=13)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.grid(False)
        for spine in ax.spines.values():
            spine.set_visible(True)
            spine.set_color("#999999")
    return fig


def _tick_labels(widths) -> list[str]:
    """Labels of the width ticks: a width squeezed between close neighbours (ratio <= 1.5) stays unlabelled."""
    widths = [float(k) for k in widths]
    shown = [True] * len(widths)
    for i in range(1, len(widths) - 1):
        previous = max(j for j in range(i) if shown[j])
        if widths[i + 1] / widths[previous] <= 1.5 + 1e-9:
            shown[i] = False
    return [f"{k:g}" if keep else "" for k, keep in zip(widths, shown)]


def _width_axis(ax, widths) -> None:
    ax.set_xscale("log")
    ax.xaxis.set_major_locator(FixedLocator(list(widths)))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.set_xticklabels(_tick_labels(widths))


def draw_errors(ax, results, variants, split: str = "test", band: bool = True, threshold: bool = True,
                overlay=None, overlay_label: str = "live run", legend: bool = True, title: str | None = None):
    """Error against the dense width ``k`` for some variants of a :class:`~overparam.nn.PruneResults`.

    Markers are means over seeds with ±1 standard error (plotted with
    :func:`overparam.plots.simulation_points`, one trial = one seed). The interpolation band of the
    dense network (:meth:`overparam.nn.PruneResults.interpolation_band`) is shaded, and the width at which the dense network
    has as many weights as there are training images, ``k (n_in + n_out) = n``, is marked.

    Parameters
    ----------
    ax : matplotlib Axes
    results : PruneResults
    variants : sequence of str
        Names from :data:`overparam.nn.VARIANTS`.
    split : {"test", "train", "clean_fitted", "memorised"}
        Test error (clean test labels), training error (on the noisy training labels), or the
        fraction of the training images with a clean / a flipped label whose given label the
        network predicts (:data:`overparam.nn.QUANTITIES`).
    band, threshold : bool
        Shade the interpolation band; mark ``k (n_in + n_out) = n``.
    overlay : PruneResults, optional
        A second run of the same variants, drawn as open markers (means over its seeds).
    overlay_label : str
        Legend name of the overlay.
    legend : bool
        Draw the legend (below the axes).
    title : str, optional

    Returns
    -------
    Axes
    """
    results = _check_results(results)
    if overlay is not None:
        overlay = _check_results(overlay, "overlay")
    if split not in YLABELS:
        raise ValueError(f"split must be one of {list(YLABELS)}, got {split!r}")
    variants = list(variants)
    for v in variants:
        if v not in STYLE:
            raise ValueError(f"variants must be names from {list(STYLE)}, got {v!r}")
    widths = results.widths
    if band:
        lo, hi = results.interpolation_band()
        ax.axvspan(lo, hi, color="#DDDDDD", alpha=0.6, zorder=0, label=f"dense net starts to interpolate (k = {lo}–{hi})")
    if threshold:
        n_train = results.settings.get("n_train")
        budget = results.settings.get("budget")
        if n_train and budget:
            per_unit = budget / results.s  # weights per hidden unit, n_in + n_out
            plots.mark_threshold(ax, n_train / per_unit, label=f"k·{per_unit:g} weights = n = {n_train}")
    for j, v in enumerate(variants):
        name, color, marker, line = STYLE[v]
        summary = results.summary(v, split)
        plots.simulation_points(ax, summary, label=name, color=color, stat="mean", marker=marker,
                                linestyle=line, linewidth=1.8, markersize=6.5)
        if overlay is not None:
            other = overlay.summary(v, split)
            ax.plot(other.x, other.mean, marker, color=color, markerfacecolor="white", markersize=10,
                    markeredgewidth=1.8, linestyle="none",
                    label=f"open markers: {overlay_label} (mean of {other.n_trials} seeds)" if j == 0 else None)
    _width_axis(ax, widths)
    plots.finish(ax, "hidden width k of the dense network", YLABELS[split], title=title, legend=False)
    if legend:
        ax.legend(fontsize=10.5, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncols=2)
    return ax


def legend_below(fig, axes, ncols: int = 2, fontsize: float = 10.5):
    """One legend under the whole figure with every distinct entry of ``axes`` (constrained layout).

    Parameters
    ----------
    fig : matplotlib Figure
    axes : Axes or sequence of Axes
    ncols : int
    fontsize : float

    Returns
    -------
    matplotlib.legend.Legend
    """
    handles, labels = [], []
    for ax in np.atleast_1d(axes):
        for handle, label in zip(*ax.get_legend_handles_labels()):
            if label not in labels:
                handles.append(handle)
                labels.append(label)
    if not labels:
        raise ValueError("the axes have no labelled artists to put in a legend")
    return fig.legend(handles, labels, loc="outside lower center", ncols=as_int(ncols, "ncols", minimum=1),
                      fontsize=fontsize)


def draw_live_units(ax, results, legend: bool = True):
    """Live hidden units of both masks against ``k``, with the random-mask expectation and ``k`` itself."""
    results = _check_results(results)
    widths = results.widths
    grid = np.geomspace(widths[0], widths[-1], 100)
    ax.plot(grid, grid, ":", color=plots.COLORS["threshold"], linewidth=1.5, label="all k units")
    plots.theory_line(ax, grid, nn.expected_live_units(grid, results.s), label="random mask, expected",
                      color=plots.COLORS["random"], linewidth=1.8)
    for rule, marker in (("magnitude", "s"), ("random", "^")):
        counts = np.asarray(results.live_units[rule], dtype=float)
        ax.plot(widths, counts.mean(axis=0), marker, color=plots.COLORS[rule], markersize=7, linestyle="none",
                label=f"{rule} mask, measured (mean of {counts.shape[0]} seeds)")
    _width_axis(ax, widths)
    ax.set_yscale("log")
    ax.yaxis.set_major_locator(FixedLocator([8, 16, 32, 64, 128]))
    ax.yaxis.set_minor_locator(NullLocator())
    ax.set_yticklabels(["8", "16", "32", "64", "128"])
    plots.finish(ax, "hidden width k of the dense network", "live hidden units after pruning", legend=False)
    if legend:
        ax.legend(fontsize=10.5, loc="upper left")
    return ax


def draw_paper(ax, paper=None, band=(11, 23), legend: bool = True):
    """The paper's ResNet-20 / CIFAR-10 test errors against the width ``k`` (read off its figure).

    Parameters
    ----------
    ax : matplotlib Axes
    paper : dict, optional
        In the form of :data:`overparam.nn.PAPER_RESNET20` (the default).
    band : (float, float)
        The interpolation band to shade (the paper's figure: about k = 11–23).
    legend : bool

    Returns
    -------
    Axes
    """
    paper = nn.PAPER_RESNET20 if paper is None else paper
    widths = np.asarray(paper["widths"], dtype=float)
    ax.axvspan(*band, color="#DDDDDD", alpha=0.6, zorder=0, label=f"interpolation band (k ≈ {band[0]}–{band[1]})")
    for key, name, color, marker in (
        ("dense", "dense width k", plots.COLORS["dense"], "o"),
        ("sparse_s10", "magnitude + rewind, s = 10", plots.PALETTE["vermillion"], "D"),
        ("sparse_s5", "magnitude + rewind, s = 5", plots.COLORS["magnitude"], "s"),
    ):
        ax.plot(widths, paper[key], marker + "-", color=color, label=name, linewidth=1.8, markersize=6.5)
    ax.plot([widths[-1]], [paper["random_s5_k50"]], "^", color=plots.COLORS["random"], markersize=10,
            label="random + rewind, s = 5")
    _width_axis(ax, widths)
    plots.finish(ax, "width k of ResNet-20 (k = 16 is the standard net)", "test error (CIFAR-10)", legend=False)
    low, high = paper["no_retrain_s5"]
    ax.text(0.98, 0.97, f"magnitude, no retraining, s = 5:\ntest error {low:.2f}–{high:.2f} (off the chart)",
            transform=ax.transAxes, ha="right", va="top", fontsize=10.5, color="#444444")
    if legend:
        ax.legend(fontsize=10.5, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncols=2)
    return ax


def draw(retraining: str = "long", mask: str = "magnitude", error: str = "test", results=None, live=None):
    """The explorer's figure: one pruned variant against the dense networks, over the width ``k``.

    Parameters
    ----------
    retraining : {"long", "short", "none"}
    mask : {"magnitude", "random"}
    error : {"test", "train", "memorised"}
    results : PruneResults, optional
        Default: :func:`overparam.nn.load_reference`.
    live : PruneResults, optional
        A second run (the lesson's live run), drawn as open markers.

    Returns
    -------
    matplotlib.figure.Figure
    """
    name = variant(retraining, mask)
    if error not in ERRORS:
        raise ValueError(f"error must be one of {list(ERRORS)}, got {error!r}")
    results = nn.load_reference() if results is None else _check_results(results)
    fig, ax = plots.new_figure(width=9.0, height=6.0)
    shown = ["dense"] + ([name] if name else [])
    draw_errors(ax, results, shown, split=error, overlay=live, legend=False,
                title=f"{MASKS[mask]} mask, {RETRAINING[retraining]}: budget "
                      f"{results.settings.get('budget', '')} weights")
    ax.set_ylim(0.0, 1.05 if retraining == "none" or error == "memorised" else (0.4 if error == "test" else 0.3))
    if name is None:
        ax.text(0.5, 0.6, "random masks without retraining\nare not part of the experiment",
                transform=ax.transAxes, ha="center", fontsize=12, color="#444444")
    else:
        at_s = results.summary(name, error).mean[0]
        ax.axhline(at_s, color=plots.COLORS["small"], linewidth=1.2, linestyle="-.",
                   label=f"dense width s = {results.s}, same recipe")
    legend_below(fig, ax, fontsize=10)
    return fig


def make_explorer(results=None, live=None) -> Explorer:
    """Build the lesson-10 explorer over stored results: retraining, mask and error.

    Parameters
    ----------
    results : PruneResults, optional
        Default: the stored reference run, :func:`overparam.nn.load_reference`.
    live : PruneResults, optional
        The lesson's live run, drawn over it as open markers.

    Returns
    -------
    Explorer

    Examples
    --------
    >>> explorer = make_explorer()
    >>> sorted(explorer.values)
    ['error', 'mask', 'retraining']
    """
    results = nn.load_reference() if results is None else _check_results(results)
    if live is not None:
        live = _check_results(live, "live")

    def _draw(retraining, mask, error):
        return draw(retraining, mask, error, results=results, live=live)

    controls = {
        "retraining": dropdown("retraining", {label: key for key, label in RETRAINING.items()}, "long"),
        "mask": dropdown("mask", {label: key for key, label in MASKS.items()}, "magnitude"),
        "error": dropdown("error", {label: key for key, label in ERRORS.items()}, "test"),
    }
    return Explorer(_draw, controls)
