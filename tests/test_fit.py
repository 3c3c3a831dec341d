"""Fits against their definitions: pseudo-inverse, normal equations, convergence of GD and ridge."""

import numpy as np
import pytest

from overparam import fit


@pytest.fixture
def rng():
    return np.random.default_rng(0)


@pytest.mark.parametrize("n, p", [(40, 10), (30, 30), (20, 60)])
def test_min_norm_matches_pinv_and_lstsq(rng, n, p):
    X, y = rng.standard_normal((n, p)), rng.standard_normal(n)
    w = fit.min_norm_least_squares(X, y)
    assert np.allclose(w, np.linalg.pinv(X) @ y, atol=1e-9)
    assert np.allclose(w, np.linalg.lstsq(X, y, rcond=None)[0], atol=1e-9)


def test_min_norm_interpolates_and_lies_in_row_space(rng):
    X, y = rng.standard_normal((20, 60)), rng.standard_normal(20)
    w = fit.min_norm_least_squares(X, y)
    assert np.allclose(X @ w, y)
    coef = np.linalg.lstsq(X.T, w, rcond=None)[0]
    assert np.allclose(X.T @ coef, w)  # w = X^T c for some c


def test_min_norm_rank_deficient(rng):
    X = rng.standard_normal((10, 3)) @ rng.standard_normal((3, 8))  # rank 3
    y = rng.standard_normal(10)
    assert np.allclose(fit.min_norm_least_squares(X, y), np.linalg.pinv(X) @ y, atol=1e-8)


def test_batched_fits_equal_loop(rng):
    X, y = rng.standard_normal((5, 15, 25)), rng.standard_normal((5, 15))
    W = fit.min_norm_least_squares(X, y)
    R = fit.ridge(X, y, 0.3)
    for t in range(5):
        assert np.allclose(W[t], fit.min_norm_least_squares(X[t], y[t]))
        assert np.allclose(R[t], fit.ridge(X[t], y[t], 0.3))


@pytest.mark.parametrize("n, p", [(40, 10), (20, 60)])
def test_ridge_matches_normal_equations(rng, n, p):
    X, y = rng.standard_normal((n, p)), rng.standard_normal(n)
    lam = 0.7
    expected = np.linalg.solve(X.T @ X + n * lam * np.eye(p), X.T @ y)
    assert np.allclose(fit.ridge(X, y, lam), expected)


def test_ridge_to_zero_converges_to_min_norm(rng):
    X, y = rng.standard_normal((20, 60)), rng.standard_normal(20)
    w0 = fit.min_norm_least_squares(X, y)
    gaps = [np.linalg.norm(fit.ridge(X, y, lam) - w0) for lam in [1e-1, 1e-3, 1e-5, 1e-7]]
    assert np.all(np.diff(gaps) < 0) and gaps[-1] < 1e-5
    assert np.array_equal(fit.ridge(X, y, 0.0), w0)


def test_gradient_descent_from_zero_converges_to_min_norm(rng):
    X, y = rng.standard_normal((20, 60)), rng.standard_normal(20)
    result = fit.gradient_descent(X, y, n_steps=3000, record_every=500)
    assert np.allclose(result.weights, np.linalg.pinv(X) @ y, atol=1e-6)
    assert result.steps.tolist() == [0, 500, 1000, 1500, 2000, 2500, 3000]
    assert result.path.shape == (7, 60) and np.all(result.path[0] == 0)
    dist = np.linalg.norm(result.path - np.linalg.pinv(X) @ y, axis=1)
    assert np.all(np.diff(dist) <= 1e-12)


def test_gradient_descent_underparameterized_is_ols(rng):
    X, y = rng.standard_normal((60, 5)), rng.standard_normal(60)
    result = fit.gradient_descent(X, y, n_steps=500)
    assert np.allclose(result.weights, np.linalg.lstsq(X, y, rcond=None)[0], atol=1e-8)
    assert result.path.shape == (0, 0)


def test_gradient_descent_rejects_divergent_step(rng):
    X, y = rng.standard_normal((10, 5)), rng.standard_normal(10)
    L = np.linalg.norm(X, 2) ** 2 / 10
    with pytest.raises(ValueError, match="step_size must be below"):
        fit.gradient_descent(X, y, 10, step_size=2.5 / L)


def test_singular_values(rng):
    X = rng.standard_normal((8, 5))
    assert np.allclose(fit.singular_values(X), np.linalg.svd(X, compute_uv=False))
