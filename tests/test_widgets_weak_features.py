"""The lesson-03 explorer (headless): builds with no arguments, redraws from theory and cache only."""

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from matplotlib.figure import Figure

from overparam import experiments, fit, models, theory
from overparam.widgets import Explorer
from overparam.widgets import weak_features as wf


def _labels(fig):
    legend = fig.axes[0].get_legend()
    return [t.get_text() for t in legend.get_texts()]


def _fake_summary(ps, trials=3):
    values = np.tile(np.linspace(1.0, 2.0, len(ps)), (trials, 1))
    return experiments.summarize(ps, values)


def test_make_explorer_without_arguments():
    explorer = wf.make_explorer()
    assert isinstance(explorer, Explorer)
    assert explorer.values == {"problem": "weak", "ridge": pytest.approx(0.1), "noise_var": 0.25, "bulk": 0.05}
    fig = explorer.figure()
    assert isinstance(fig, Figure)
    labels = _labels(fig)
    assert any("min-norm" in t for t in labels) and any("best λ" in t for t in labels)
    assert not any("simulation" in t for t in labels)
    assert explorer.redraw_seconds(problem="spiked", bulk=1.0) > 0


def test_problems_match_the_lesson():
    weak = wf.weak_problem(0.25)
    np.testing.assert_array_equal(weak.beta, models.weak_features_problem(400, 0.25, rng=wf.BETA_SEED).beta)
    spiked = wf.spiked_problem(0.25, 0.05)
    assert spiked.d == wf.SPIKED_D and np.count_nonzero(spiked.beta) == wf.SPIKED_K
    assert np.all(spiked.eigs[wf.SPIKED_K:] == 0.05)


def test_model_sizes_has_200_distinct_sizes_from_1_to_d():
    for d in (400, 1000):
        ps = wf.model_sizes(d)
        assert ps.size == 200 and ps[0] == 1 and ps[-1] == d and np.all(np.diff(ps) > 0)
    assert wf.model_sizes(50).tolist() == list(range(1, 51))
    with pytest.raises(ValueError, match="d must be a positive integer"):
        wf.model_sizes(0)


def test_cached_simulations_are_shown_only_at_their_settings():
    weak_ps, spiked_ps = [10, 50, 200], [10, 200, 1000]
    cache = {
        ("weak", 0.25, None, 0.0): _fake_summary(weak_ps),
        ("weak", 0.25, None, 0.1): _fake_summary(weak_ps),
        ("spiked", 0.25, 0.05, 0.0): _fake_summary(spiked_ps),
    }
    explorer = wf.make_explorer(simulations=cache)

    def sims(**values):
        return [t for t in _labels(explorer.figure(**values)) if "simulation" in t]

    assert len(sims()) == 2                                  # min-norm and ridge at lambda = 0.1
    assert len(sims(ridge=0.2)) == 1                         # ridge markers need the same lambda
    assert sims(noise_var=0.5) == []                         # another noise level: none
    assert len(sims(problem="spiked")) == 1                  # spiked, bulk 0.05
    assert sims(problem="spiked", bulk=1.0) == []            # another spectrum: none
    assert any("mean of 3 trials" in t for t in sims())      # weak: means (exact expectation)
    assert any("median of 3 trials" in t for t in sims(problem="spiked"))


def test_callback_never_simulates(monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("the explorer callback must not fit or simulate")

    for name in ("prefix_sweep", "prefix_weights"):
        monkeypatch.setattr(experiments, name, forbidden)
    for name in ("min_norm_least_squares", "ridge"):
        monkeypatch.setattr(fit, name, forbidden)
    monkeypatch.setattr(theory, "optimal_ridge", forbidden)  # numerical search: too slow for a callback
    explorer = wf.make_explorer()
    for values in ({"ridge": 0.001}, {"noise_var": 1.0}, {"problem": "spiked", "bulk": 0.01}):
        explorer.update(**values)
        assert explorer.last_seconds > 0


def test_theory_curves_in_the_figure_match_the_library():
    fig = wf.draw(problem="spiked", ridge=0.3, noise_var=0.5, bulk=0.2)
    pb = wf.spiked_problem(0.5, 0.2)
    ps = wf.model_sizes(pb.d)
    lines = {line.get_label(): line for line in fig.axes[0].get_lines()}
    ridge_line = next(line for label, line in lines.items() if label.startswith("ridge, λ = 0.3"))
    np.testing.assert_allclose(ridge_line.get_ydata(), theory.ridge_risk(pb.eigs, pb.beta, 0.5, wf.N, ps, 0.3))
    minnorm = lines["min-norm (theory)"].get_ydata()
    expected = theory.minnorm_risk(pb.eigs, pb.beta, 0.5, wf.N, ps)
    finite = np.isfinite(expected)
    np.testing.assert_allclose(minnorm[finite], expected[finite])
    assert np.all(np.isnan(minnorm[~finite]))  # the peak p = n is a gap, not a number


def test_validation():
    with pytest.raises(TypeError, match="simulations must be a dict"):
        wf.make_explorer(simulations=[1, 2])
    with pytest.raises(ValueError, match="must be \\(problem, noise_var, bulk, penalty\\)"):
        wf.make_explorer(simulations={("other", 0.25, None, 0.0): _fake_summary([1, 2])})
    with pytest.raises(TypeError, match="must be an experiments.Summary"):
        wf.make_explorer(simulations={("weak", 0.25, None, 0.0): [1.0, 2.0]})
    with pytest.raises(ValueError, match="problem must be 'weak' or 'spiked'"):
        wf.draw(problem="flat")
