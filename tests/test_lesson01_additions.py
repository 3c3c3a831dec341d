"""Library additions made for lesson 01: the Fourier feature map of a scalar input."""

import numpy as np
import pytest

from overparam import fit, models


def test_fourier_features_known_values():
    F = models.fourier_features([0.0, 1.0, -1.0], 5)
    # columns: 1, sin(pi x/2), cos(pi x/2), sin(pi x)/2, cos(pi x)/2
    expected = np.array(
        [
            [1.0, 0.0, 1.0, 0.0, 0.5],
            [1.0, 1.0, 0.0, 0.0, -0.5],
            [1.0, -1.0, 0.0, 0.0, -0.5],
        ]
    )
    assert F.shape == (3, 5)
    assert np.allclose(F, expected, atol=1e-12)


def test_fourier_features_are_nested_in_p():
    x = np.linspace(-1, 1, 7)
    big = models.fourier_features(x, 40)
    for p in (1, 2, 3, 10, 39):
        assert np.array_equal(models.fourier_features(x, p), big[:, :p])


def test_fourier_features_decay_scales_frequency_k():
    x = np.linspace(-1, 1, 11)
    plain = models.fourier_features(x, 9, decay=0.0)
    scaled = models.fourier_features(x, 9, decay=2.0)
    k = np.array([1, 1, 1, 2, 2, 3, 3, 4, 4], dtype=float)  # column 0 (the constant) is not scaled
    assert np.allclose(scaled * k**2, plain)
    assert np.allclose(plain[:, 0], 1.0)


def test_fourier_features_orthogonal_over_a_full_period():
    # On [-2, 2) (one period of the slowest wave) distinct columns are orthogonal.
    m = 4000
    x = -2.0 + 4.0 * np.arange(m) / m
    F = models.fourier_features(x, 21, decay=0.0)
    gram = F.T @ F / m
    off = gram - np.diag(np.diag(gram))
    assert np.max(np.abs(off)) < 1e-10
    assert np.allclose(np.diag(gram)[1:], 0.5) and gram[0, 0] == pytest.approx(1.0)


def test_min_norm_fit_interpolates_when_p_exceeds_n():
    rng = np.random.default_rng(0)
    x = np.sort(rng.uniform(-1, 1, 12))
    y = np.sin(3 * x) + 0.1 * rng.standard_normal(12)
    for p in (12, 50, 500):
        w = fit.min_norm_least_squares(models.fourier_features(x, p), y)
        assert np.allclose(models.fourier_features(x, p) @ w, y, atol=1e-6)
    w = fit.min_norm_least_squares(models.fourier_features(x, 4), y)
    assert np.mean((models.fourier_features(x, 4) @ w - y) ** 2) > 1e-3  # p < n cannot interpolate


def test_fourier_features_validation():
    with pytest.raises(ValueError, match="p must be at least 1"):
        models.fourier_features([0.0], 0)
    with pytest.raises(TypeError, match="p must be an integer"):
        models.fourier_features([0.0], 2.5)
    with pytest.raises(ValueError, match="x must be 1-D"):
        models.fourier_features(np.zeros((2, 2)), 3)
    with pytest.raises(TypeError, match="x must be an array"):
        models.fourier_features("abc", 3)
    with pytest.raises(ValueError, match="decay must be at least 0"):
        models.fourier_features([0.0], 3, decay=-1.0)
    with pytest.raises(ValueError, match="finite"):
        models.fourier_features([np.nan], 3)


def test_fourier_features_registered():
    assert "fourier_features" in models.__all__
