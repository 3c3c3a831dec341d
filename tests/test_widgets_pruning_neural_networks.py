"""Lesson 10's figures and explorer: they draw stored results of the numpy network, never train one."""

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from matplotlib.figure import Figure

from overparam import experiments, nn, plots
from overparam.widgets import Explorer
from overparam.widgets import pruning_neural_networks as pnn


def _fake_results(widths=(8, 12, 16, 32), seeds=(0, 1, 2), dense_train=(0.2, 0.1, 0.01, 0.0), s=8):
    """Hand-made results with known values (no training), in the form prune_experiment returns."""
    rng = np.random.default_rng(0)
    shape = (len(seeds), len(widths))
    test = {v: rng.uniform(0.1, 0.3, size=shape) for v in nn.VARIANTS}
    train = {v: rng.uniform(0.1, 0.3, size=shape) for v in nn.VARIANTS}
    train["dense"] = np.tile(np.asarray(dense_train, dtype=float), (len(seeds), 1))
    live = {r: np.tile(np.asarray(widths), (len(seeds), 1)) for r in nn.MASK_RULES}
    clean = {v: rng.uniform(0.8, 1.0, size=shape) for v in nn.VARIANTS}
    memorised = {v: rng.uniform(0.0, 1.0, size=shape) for v in nn.VARIANTS}
    settings = {"budget": nn.weight_budget(s), "n_train": 1200, "n_test": 597}
    return nn.PruneResults(np.asarray(widths), np.asarray(seeds), s, settings, test, train, live, clean, memorised)


def _legend_texts(fig):
    texts = [t.get_text() for legend in fig.legends for t in legend.get_texts()]
    for ax in fig.axes:
        if ax.get_legend() is not None:
            texts += [t.get_text() for t in ax.get_legend().get_texts()]
    return texts


def test_variant_names():
    assert pnn.variant("long", "magnitude") == "magnitude_long"
    assert pnn.variant("short", "random") == "random_short"
    assert pnn.variant("none", "magnitude") == "no_retrain"
    assert pnn.variant("none", "random") is None
    assert {pnn.variant(r, m) for r in ("long", "short") for m in pnn.MASKS} | {"dense", "no_retrain"} == set(nn.VARIANTS)
    assert set(pnn.STYLE) == set(nn.VARIANTS)
    with pytest.raises(ValueError, match="retraining must be one of"):
        pnn.variant("medium", "random")
    with pytest.raises(ValueError, match="mask must be one of"):
        pnn.variant("long", "hessian")


def test_draw_digits_shows_flipped_labels():
    data = nn.load_digits_data(n_train=300, label_noise=0.2, seed=1)
    fig = pnn.draw_digits(data, count=5, seed=2)
    assert isinstance(fig, Figure) and len(fig.axes) == 5
    for ax in fig.axes:
        noisy, true = (int(t.split()[-1].strip("()")) for t in ax.get_title().split("\n"))
        assert noisy != true
    with pytest.raises(ValueError, match="at most 16"):
        pnn.draw_digits(data, count=17)
    with pytest.raises(TypeError, match="Digits"):
        pnn.draw_digits(data.X_train)


def test_tick_labels_skip_crowded_widths():
    assert pnn._tick_labels([8, 10, 12, 16, 20, 24, 32]) == ["8", "", "12", "16", "", "24", "32"]
    assert pnn._tick_labels([8, 12, 16, 32, 64]) == ["8", "12", "16", "32", "64"]


def test_draw_errors_plots_the_means_over_seeds():
    results = _fake_results()
    live = results.select(seeds=[0, 1])
    fig = plots.new_figure()[0]
    ax = fig.axes[0]
    pnn.draw_errors(ax, results, ["dense", "magnitude_long"], split="train", overlay=live)
    bars = [c for c in ax.containers if hasattr(c, "lines")]
    np.testing.assert_allclose(bars[0].lines[0].get_ydata(), results.train_error["dense"].mean(axis=0))
    texts = _legend_texts(fig)
    assert any("mean of 3 trials" in t for t in texts) and any("live run (mean of 2 seeds)" in t for t in texts)
    assert any("k = 12–32" in t for t in texts) and any("n = 1200" in t for t in texts)
    ax.cla()
    pnn.draw_errors(ax, results, ["random_long"], split="memorised", band=False, threshold=False)
    bars = [c for c in ax.containers if hasattr(c, "lines")]
    np.testing.assert_allclose(bars[0].lines[0].get_ydata(), results.memorised["random_long"].mean(axis=0))
    assert ax.get_ylabel() == "fraction of flipped training labels fitted"
    with pytest.raises(ValueError, match="split"):
        pnn.draw_errors(ax, results, ["dense"], split="validation")
    with pytest.raises(ValueError, match="variants must be names"):
        pnn.draw_errors(ax, results, ["pruned"])


def test_draw_paper():
    fig, ax2 = plots.new_figure()
    pnn.draw_paper(ax2)
    dense = next(line for line in ax2.get_lines() if line.get_label() == "dense width k")
    np.testing.assert_allclose(dense.get_ydata(), nn.PAPER_RESNET20["dense"])


def test_make_explorer_without_arguments_uses_the_stored_run():
    explorer = pnn.make_explorer()
    assert isinstance(explorer, Explorer)
    assert explorer.values == {"retraining": "long", "mask": "magnitude", "error": "test"}
    fig = explorer.figure()
    assert isinstance(fig, Figure) and len(fig.axes) == 1
    texts = _legend_texts(fig)
    assert any("magnitude + rewind, long (mean of 5 trials" in t for t in texts)
    assert not any("open markers" in t for t in texts)


def test_explorer_never_trains_and_redraws(monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("the explorer callback must not train or run the experiment")

    results = _fake_results()
    explorer = pnn.make_explorer(results=results, live=results.select(seeds=[1]))
    monkeypatch.setattr(nn, "train", forbidden)
    monkeypatch.setattr(nn, "prune_experiment", forbidden)
    monkeypatch.setattr(nn, "load_reference", forbidden)
    explorer.redraw_seconds()
    for values in ({"retraining": "short", "mask": "random"}, {"error": "train"}, {"retraining": "none"},
                   {"retraining": "none", "mask": "random"}, {"error": "memorised", "retraining": "long"}):
        seconds = explorer.redraw_seconds(**values)
        assert np.isfinite(seconds) and seconds > 0  # the 0.3 s budget is measured by the benchmark
    texts = _legend_texts(explorer.figure(retraining="short", mask="random"))
    assert any(t.startswith("random + rewind, short") for t in texts)
    fig = explorer.figure(retraining="none", mask="random")
    assert any("not part of the experiment" in t.get_text() for t in fig.axes[0].texts)


def test_explorer_validation():
    with pytest.raises(TypeError, match="PruneResults"):
        pnn.make_explorer(results={"widths": [8]})
    with pytest.raises(TypeError, match="live must be"):
        pnn.make_explorer(results=_fake_results(), live=[1, 2])
    with pytest.raises(ValueError, match="error must be one of"):
        pnn.draw(error="validation", results=_fake_results())
