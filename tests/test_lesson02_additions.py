"""Library additions made for lesson 02: theory.isotropic_break_even_ratio."""

import numpy as np
import pytest
from scipy.optimize import brentq

from overparam import theory


def _numerical_break_even(signal, noise_var):
    """Best excess beyond the threshold found on a grid, then the gamma < 1 with that excess."""
    gammas = 1.0 + np.geomspace(1e-4, 1e5, 400_000)
    best = float(np.min(theory.isotropic_risk(gammas, signal, noise_var) - noise_var))

    def gap(g):
        return theory.isotropic_risk(g, signal, noise_var) - noise_var - best

    return brentq(gap, 1e-12, 1 - 1e-12, xtol=1e-12)


@pytest.mark.parametrize("signal, noise_var", [(1.0, 0.25), (4.0, 0.1), (1.0, 0.9), (0.5, 2.0), (1.0, 1.0)])
def test_break_even_ratio_matches_a_numerical_search(signal, noise_var):
    got = theory.isotropic_break_even_ratio(signal, noise_var)
    assert got == pytest.approx(_numerical_break_even(signal, noise_var), abs=2e-4)


def test_break_even_ratio_closed_forms_and_the_lessons_setting():
    # r = 1, sigma = 0.5 (lesson 02): gamma* = 2 with excess 0.75, the same as gamma = 0.75
    assert theory.isotropic_break_even_ratio(1.0, 0.25) == pytest.approx(0.75)
    assert theory.isotropic_risk(0.75, 1.0, 0.25) - 0.25 == pytest.approx(theory.isotropic_optimal_ratio(1.0, 0.25)[1])
    # r <= sigma: SNR / (1 + SNR), where the gamma < 1 curve crosses the null risk r^2
    assert theory.isotropic_break_even_ratio(0.25, 1.0) == pytest.approx(0.2)
    assert theory.isotropic_risk(0.2, 0.25, 1.0) - 1.0 == pytest.approx(0.25)


def test_break_even_ratio_is_continuous_at_r_equals_sigma_and_monotone_in_snr():
    below = theory.isotropic_break_even_ratio(1.0 - 1e-9, 1.0)
    above = theory.isotropic_break_even_ratio(1.0 + 1e-9, 1.0)
    assert below == pytest.approx(0.5, abs=1e-8) and above == pytest.approx(0.5, abs=1e-8)
    ratios = [theory.isotropic_break_even_ratio(s, 1.0) for s in np.geomspace(0.01, 100, 30)]
    assert np.all(np.diff(ratios) > 0)


def test_break_even_ratio_edge_cases():
    assert theory.isotropic_break_even_ratio(1.0, 0.0) == 1.0
    assert theory.isotropic_break_even_ratio(0.0, 0.0) == 1.0
    assert theory.isotropic_break_even_ratio(0.0, 0.5) == 0.0


def test_break_even_ratio_validation():
    with pytest.raises(ValueError, match="signal must be at least 0"):
        theory.isotropic_break_even_ratio(-1.0, 0.25)
    with pytest.raises(TypeError, match="noise_var must be a real number"):
        theory.isotropic_break_even_ratio(1.0, "0.25")
