"""The lesson-06 explorer and figure helpers (headless): build with no arguments, redraw from theory and cache only."""

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from matplotlib.figure import Figure

from overparam import experiments, fit, models, plots, theory
from overparam.widgets import Explorer
from overparam.widgets import anatomy


def _labels(ax):
    legend = ax.get_legend()
    return [t.get_text() for t in legend.get_texts()] if legend is not None else []


def _fake_weights(p, trials=4, seed=0):
    """Coefficients drawn from the auxiliary model itself (cheap stand-ins for trained fits)."""
    aux = anatomy.predictions(p)["aux"]
    return aux.sample(seed, size=trials)


def test_make_explorer_without_arguments():
    explorer = anatomy.make_explorer()
    assert isinstance(explorer, Explorer)
    assert explorer.values == {"p": 400, "noise_var": 0.1, "tail_var": 0.05, "group": "both"}
    fig = explorer.figure()
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    left = _labels(fig.axes[0])
    assert any("strong features: auxiliary model" in t for t in left)
    assert any("weak tail: auxiliary model" in t for t in left)
    assert not any("trained" in t for t in left)  # no cache, no histogram
    assert "no cached simulation" in fig.axes[0].get_title()
    assert explorer.redraw_seconds(p=150, group="weak") > 0


def test_default_problem_is_reference_c_and_predictions_match_it():
    pb = anatomy.problem()
    ref = models.pruning_showcase_problem(anatomy.D)
    np.testing.assert_array_equal(pb.eigs, ref.eigs)
    np.testing.assert_array_equal(pb.beta, ref.beta)
    assert pb.noise_var == ref.noise_var
    out = anatomy.predictions(400)
    # reference C at p = 400: oracle 0.311, HP 0.316, MP 0.446, dense 0.327
    assert [round(out[k], 3) for k in ("dense", "oracle", "hessian", "magnitude")] == [0.327, 0.311, 0.316, 0.446]
    assert out["aux"].tau2 == pytest.approx(out["dense"])
    assert anatomy.predictions(1000)["oracle"] == pytest.approx(0.396, abs=5e-4)
    below = anatomy.predictions(50)
    assert below["aux"].zeta == 0 and np.isnan(below["magnitude"])  # p < s: nothing to prune
    with pytest.raises(ValueError, match="p must differ from n"):
        anatomy.predictions(anatomy.N)


def test_group_slices():
    assert anatomy.group_slices(400) == {"strong": slice(0, 80), "weak": slice(80, 400)}
    assert anatomy.group_slices(50) == {"strong": slice(0, 50)}
    assert list(anatomy.group_slices(80)) == ["strong"]
    with pytest.raises(ValueError, match="at most D"):
        anatomy.group_slices(anatomy.D + 1)


def test_density_lines_are_the_auxiliary_gaussians():
    fig = anatomy.draw(p=400, group="both")
    ax = fig.axes[0]
    aux = anatomy.predictions(400)["aux"]
    lines = {line.get_label(): line for line in ax.get_lines()}
    for group, i in (("strong", 0), ("weak", 80)):
        line = lines[f"{anatomy._GROUP_NAMES[group]}: auxiliary model (theory)"]
        x, y = line.get_xdata(), line.get_ydata()
        expected = np.exp(-0.5 * ((x - aux.mean[i]) / aux.std[i]) ** 2) / (np.sqrt(2 * np.pi) * aux.std[i])
        np.testing.assert_allclose(y, expected, rtol=1e-10)
        assert x[np.argmax(y)] == pytest.approx(aux.mean[i], abs=2 * (x[1] - x[0]))
    # the strong group is centred at a_i * beta_i, left of the truth (implicit ridge)
    assert lines["strong features: centre aᵢβᵢ = 0.083"].get_xdata()[0] == pytest.approx(aux.mean[0])
    assert lines["strong features: true βᵢ = 0.112"].get_xdata()[0] == pytest.approx(1 / np.sqrt(80))


def test_zeta_and_tau2_curves_match_the_library():
    fig = anatomy.draw(p=300, noise_var=0.3, tail_var=0.2)
    lines = {line.get_label(): line for line in fig.axes[1].get_lines()}
    pb = anatomy.problem(0.3, 0.2)
    zeta_line = next(line for label, line in lines.items() if label.startswith("ζ"))
    tau_line = next(line for label, line in lines.items() if label.startswith("τ²"))
    ps = zeta_line.get_xdata().astype(int)
    assert np.all(ps > anatomy.N)
    for k in (0, len(ps) // 2, len(ps) - 1):
        assert zeta_line.get_ydata()[k] == pytest.approx(theory.implicit_regularization(pb.eigs[: ps[k]], anatomy.N))
    tau_ps = tau_line.get_xdata().astype(int)
    np.testing.assert_allclose(tau_line.get_ydata(), theory.effective_noise_level(pb.eigs, pb.beta, 0.3, anatomy.N, tau_ps))
    assert "p = 300" in fig.get_suptitle() and "ζ = " in fig.get_suptitle()


def test_groups_and_small_models():
    assert not any("weak" in t for t in _labels(anatomy.draw(group="strong").axes[0]))
    assert not any("strong" in t for t in _labels(anatomy.draw(group="weak").axes[0]))
    fig = anatomy.draw(p=50, group="weak")  # no weak features below p = 80: a message, no error
    assert any("no weak features" in t.get_text() for t in fig.axes[0].texts)
    assert "nothing to prune" in fig.get_suptitle()


def test_cached_histograms_only_at_their_settings():
    cache = {400: _fake_weights(400), 150: experiments.summarize(np.arange(1, 151), _fake_weights(150))}
    explorer = anatomy.make_explorer(weights=cache)

    def histograms(**values):
        return [t for t in _labels(explorer.figure(**values).axes[0]) if "trained" in t]

    assert len(histograms()) == 2                              # both groups at p = 400
    assert any("4 fits × 320 features" in t for t in histograms())
    assert len(histograms(p=150, group="strong")) == 1         # a Summary works as well as an array
    assert histograms(p=1000) == []                            # not cached
    assert histograms(noise_var=0.3) == []                     # another noise level
    assert histograms(tail_var=0.1) == []                      # another spectrum


def test_callback_never_simulates(monkeypatch):
    cache = {400: _fake_weights(400)}

    def forbidden(*args, **kwargs):
        raise AssertionError("the explorer callback must not fit or simulate")

    for name in ("prefix_sweep", "prefix_weights", "pruning_sweep"):
        monkeypatch.setattr(experiments, name, forbidden)
    for name in ("min_norm_least_squares", "ridge"):
        monkeypatch.setattr(fit, name, forbidden)
    monkeypatch.setattr(theory.AuxiliaryModel, "sample", forbidden)
    explorer = anatomy.make_explorer(weights=cache)
    for values in ({"p": 1000}, {"noise_var": 1.0}, {"tail_var": 1.0, "p": 90}, {"group": "weak"}):
        explorer.update(**values)
        assert explorer.last_seconds > 0


def test_group_statistics_recover_known_moments():
    rng = np.random.default_rng(1)
    values = np.concatenate([rng.normal(0.5, 0.1, (300, 80)), rng.normal(0.0, 0.3, (300, 120))], axis=1)
    stats = anatomy.group_statistics(values)
    assert stats["strong"]["mean"] == pytest.approx(0.5, abs=4 * stats["strong"]["mean_se"])
    assert stats["strong"]["sd"] == pytest.approx(0.1, abs=4 * stats["strong"]["sd_se"])
    assert stats["weak"]["sd"] == pytest.approx(0.3, abs=4 * stats["weak"]["sd_se"])
    assert 0 < stats["weak"]["sd_se"] < 0.01
    with pytest.raises(ValueError, match="at least two fits"):
        anatomy.group_statistics(values[:1])


def test_group_statistics_match_trained_fits():
    """A small honest check of the characterization itself: 60 fits at p = 400 (about 0.1 s)."""
    pb = anatomy.problem()
    W = experiments.prefix_weights(pb, anatomy.N, [400], trials=60, seed=7)[0].values
    aux = anatomy.predictions(400)["aux"]
    stats = anatomy.group_statistics(W)
    for group, i in (("strong", 0), ("weak", 80)):
        assert stats[group]["mean"] == pytest.approx(aux.mean[i], abs=4 * stats[group]["mean_se"] + 0.01 * aux.mean[i])
        assert stats[group]["sd"] == pytest.approx(aux.std[i], rel=0.04)


def test_draw_scores_threshold_and_counts():
    pb = anatomy.problem()
    aux = anatomy.predictions(400)["aux"]
    W = aux.sample(3, size=50)
    fig, (ax1, ax2) = plots.new_figure(ncols=2)
    t_raw = anatomy.draw_scores(ax1, W, pb, s=80, scale="raw", aux=aux)
    t_hess = anatomy.draw_scores(ax2, W, pb, s=80, scale="hessian", aux=aux)
    expected = np.median(np.sort(np.abs(W), axis=1)[:, 400 - 80])
    assert t_raw == pytest.approx(expected)
    assert t_hess < t_raw  # the weak scores shrink by sqrt(0.05), so the 80th largest score drops
    assert ax1.get_yscale() == "log"
    labels = _labels(ax1) if ax1.get_legend() else [a.get_label() for a in ax1.get_children()]
    assert any("auxiliary model" in str(t) for t in labels)
    with pytest.raises(ValueError, match="scale must be"):
        anatomy.draw_scores(ax1, W, pb, scale="log")
    with pytest.raises(ValueError, match="columns"):
        anatomy.draw_scores(ax1, W[:, :50], pb)


def test_validation():
    with pytest.raises(TypeError, match="weights must be a dict"):
        anatomy.make_explorer(weights=[1, 2])
    with pytest.raises(ValueError, match="weights keys must be model sizes"):
        anatomy.make_explorer(weights={123: np.zeros((2, 123))})
    with pytest.raises(ValueError, match=r"weights\[400\] must have shape \(trials, p\)"):
        anatomy.make_explorer(weights={400: np.zeros((2, 399))})
    with pytest.raises(ValueError, match="p must be one of"):
        anatomy.draw(p=123)
    with pytest.raises(ValueError, match="group must be one of"):
        anatomy.draw(group="medium")
    with pytest.raises(ValueError, match="tail_var"):
        anatomy.problem(tail_var=0.0)
    fig, ax = plots.new_figure()
    aux = anatomy.predictions(50)["aux"]
    with pytest.raises(ValueError, match="group must be one of"):
        anatomy.draw_group(ax, aux, anatomy.problem(), "weak")


def test_fixed_layout_keeps_panels_apart_and_legends_in_the_picture():
    """The explorer uses fixed margins (no layout solver, for speed): panels must not overlap, and
    the legends hung below the panels must lie inside the figure box, so that the PNG (rendered in
    one pass and cropped to the tight bounding box) contains them whole."""
    import base64
    import io

    from matplotlib.image import imread

    from overparam.widgets import _png_bundle

    rng = np.random.default_rng(0)
    weights = {p: 0.02 * rng.standard_normal((20, p)) for p in (150, 400, 1000)}
    for p, w in ((400, None), (400, weights), (150, weights), (1000, weights)):  # cached fits: longest legends
        fig = anatomy.draw(p=p, weights=w)
        left, right = (ax.get_position() for ax in fig.axes)
        assert left.x1 < right.x0 and 0 <= left.x0 and right.x1 <= 1
        image = imread(io.BytesIO(base64.b64decode(_png_bundle(fig)["image/png"])))
        legend_bottom = min(ax.get_legend().get_window_extent().y0 for ax in fig.axes)  # pixels
        title_top = max(t.get_window_extent().y1 for t in fig.texts)  # the two-line suptitle
        height_px = fig.get_size_inches()[1] * fig.dpi
        assert 0 < legend_bottom and title_top < height_px, p  # everything inside the figure box ...
        assert fig.get_tightbbox().x0 >= 0 and fig.get_tightbbox().x1 <= fig.get_size_inches()[0]
        assert image.shape[0] > title_top - legend_bottom  # ... and in the picture
