"""Pruning masks, retraining, correlated problems and the pruning sweep (overparam.prune and friends).

Statistical tests use fixed seeds and tolerances of a few standard errors computed from the same
draws; the simulated reference values are references C and E of overparam.theory.
"""

import itertools

import numpy as np
import pytest

from overparam import experiments, fit, models, prune, theory


def brute_top_s(row, s):
    """Keep the s largest entries of a 1-D row, ties to the lower index (by sorting pairs)."""
    ranked = sorted(range(len(row)), key=lambda i: (-row[i], i))
    mask = np.zeros(len(row), dtype=bool)
    mask[ranked[:s]] = True
    return mask


# ------------------------------------------------------------------------------------------------
# masks
# ------------------------------------------------------------------------------------------------


def test_top_s_mask_matches_brute_force_with_ties():
    rng = np.random.default_rng(0)
    scores = rng.integers(0, 4, size=(50, 12)).astype(float)  # many ties
    for s in [0, 1, 5, 12]:
        mask = prune.top_s_mask(scores, s)
        assert mask.dtype == bool and mask.shape == scores.shape
        assert np.all(mask.sum(axis=1) == s)
        expected = np.array([brute_top_s(row, s) for row in scores])
        assert np.array_equal(mask, expected)
        assert np.array_equal(prune.top_s_mask(scores[3], s), expected[3])  # 1-D = one row


def test_top_s_mask_ties_go_to_lower_index():
    assert prune.top_s_mask([1.0, 1.0, 1.0, 1.0], 2).tolist() == [True, True, False, False]
    assert prune.top_s_mask([0.0, 2.0, 1.0, 2.0], 1).tolist() == [False, True, False, False]


def test_magnitude_and_hessian_masks():
    rng = np.random.default_rng(1)
    W = rng.standard_normal((20, 30))
    W[:, 5] = -W[:, 7]  # equal magnitudes: lower index wins
    mp = prune.magnitude_mask(W, 10)
    assert np.array_equal(mp, np.array([brute_top_s(np.abs(w), 10) for w in W]))
    assert np.array_equal(prune.hessian_mask(W, 10, np.ones(30)), mp)
    assert np.array_equal(prune.hessian_mask(W, 10, np.full(30, 0.3)), mp)  # a common scale
    lam = rng.uniform(0.05, 2.0, size=30)
    hp = prune.hessian_mask(W, 10, lam)
    assert np.array_equal(hp, np.array([brute_top_s(np.sqrt(lam) * np.abs(w), 10) for w in W]))
    # per-row variances (e.g. column_variances of each trial's design)
    V = rng.uniform(0.05, 2.0, size=W.shape)
    hp2 = prune.hessian_mask(W, 10, V)
    assert np.array_equal(hp2[4], prune.hessian_mask(W[4], 10, V[4]))


def test_column_variances_is_the_hessian_diagonal():
    rng = np.random.default_rng(2)
    X = rng.standard_normal((3, 40, 6)) * [1, 2, 3, 4, 5, 6]
    V = prune.column_variances(X)
    assert V.shape == (3, 6)
    for t in range(3):
        assert np.allclose(V[t], np.diag(X[t].T @ X[t]) / 40)
    assert np.allclose(prune.column_variances(X[1]), V[1])


def test_oracle_mask_matches_theory_ranking():
    rng = np.random.default_rng(3)
    eigs = rng.choice([0.5, 1.0, 2.0], size=40)
    beta = rng.choice([0.0, 0.5, 1.0, -1.0], size=40)  # many ties in eigs * beta^2
    ps = np.array([10, 17, 25, 40])
    support = theory._oracle_supports(eigs, beta, ps, 6)
    for j, p in enumerate(ps):
        mask = prune.oracle_mask(eigs, beta, p, 6)
        assert mask.shape == (p,) and mask.sum() == 6
        assert np.array_equal(mask, support[j, :p]) and not support[j, p:].any()
    showcase = models.pruning_showcase_problem(300)
    assert np.flatnonzero(prune.oracle_mask(showcase.eigs, showcase.beta, 300, 80)).tolist() == list(range(80))


def test_random_mask_is_seeded_exact_and_uniform():
    a = prune.random_mask(10, 3, rng=7, trials=5)
    assert a.shape == (5, 10) and np.all(a.sum(axis=1) == 3)
    assert np.array_equal(a, prune.random_mask(10, 3, rng=np.random.default_rng(7), trials=5))
    assert not np.array_equal(a, prune.random_mask(10, 3, rng=8, trials=5))
    assert prune.random_mask(10, 3, rng=0).shape == (10,)
    # every 2-subset of 5 is equally likely: counts ~ Binomial(T, 1/10); 5 standard deviations
    T = 4000
    masks = prune.random_mask(5, 2, rng=1, trials=T)
    counts = {c: 0 for c in itertools.combinations(range(5), 2)}
    for row in masks:
        counts[tuple(np.flatnonzero(row))] += 1
    sd = np.sqrt(T * 0.1 * 0.9)
    assert all(abs(c - T / 10) < 5 * sd for c in counts.values())


def test_apply_mask():
    W = np.arange(6.0).reshape(2, 3) + 1
    assert prune.apply_mask(W, np.array([True, False, True])).tolist() == [[1, 0, 3], [4, 0, 6]]
    M = np.array([[False, True, False], [True, True, False]])
    assert prune.apply_mask(W, M).tolist() == [[0, 2, 0], [4, 5, 0]]


# ------------------------------------------------------------------------------------------------
# retraining
# ------------------------------------------------------------------------------------------------


def _lstsq_on(X, y, mask):
    w = np.zeros(X.shape[1])
    w[mask] = np.linalg.lstsq(X[:, mask], y, rcond=None)[0]  # min-norm when underdetermined
    return w


@pytest.mark.parametrize("s", [1, 7, 18, 19, 25, 40])  # below, near and above n = 20
def test_retrain_equals_lstsq_on_the_kept_columns(s):
    rng = np.random.default_rng(s)
    X = rng.standard_normal((4, 20, 40))
    y = rng.standard_normal((4, 20))
    masks = prune.random_mask(40, s, rng, trials=4)
    W = prune.retrain(X, y, masks)
    assert W.shape == (4, 40) and np.all(W[~masks] == 0)
    for t in range(4):
        assert np.allclose(W[t], _lstsq_on(X[t], y[t], masks[t]), rtol=1e-8, atol=1e-10)
    # one mask for every design, and one design refitted on several masks
    W1 = prune.retrain(X, y, masks[0])
    assert np.allclose(W1[2], _lstsq_on(X[2], y[2], masks[0]), atol=1e-10)
    W2 = prune.retrain(X[1], y[1], masks)
    assert np.allclose(W2[3], _lstsq_on(X[1], y[1], masks[3]), atol=1e-10)
    assert prune.retrain(X[1], y[1], masks[1]).shape == (40,)


def test_retrain_with_unequal_counts_and_an_empty_row():
    rng = np.random.default_rng(5)
    X = rng.standard_normal((3, 15, 8))
    y = rng.standard_normal((3, 15))
    masks = np.array([[True] * 3 + [False] * 5, [False] * 8, [True, False] * 4])
    W = prune.retrain(X, y, masks)
    assert np.all(W[1] == 0)
    for t in (0, 2):
        assert np.allclose(W[t], _lstsq_on(X[t], y[t], masks[t]))


def test_retrain_on_the_full_mask_is_the_dense_fit():
    rng = np.random.default_rng(6)
    X = rng.standard_normal((5, 30, 12))
    y = rng.standard_normal((5, 30))
    assert np.allclose(prune.retrain(X, y, np.ones(12, dtype=bool)), fit.min_norm_least_squares(X, y))


# ------------------------------------------------------------------------------------------------
# correlated problems
# ------------------------------------------------------------------------------------------------


def test_covariance_constructors():
    eq = models.equicorrelated_problem(4, 0.3, np.ones(4), 0.1)
    assert np.allclose(eq.cov, 0.7 * np.eye(4) + 0.3)
    ar = models.ar1_problem(5, -0.6, np.ones(5), 0.1)
    i, j = np.meshgrid(range(5), range(5), indexing="ij")
    assert np.allclose(ar.cov, (-0.6) ** np.abs(i - j))
    assert np.allclose(models.ar1_problem(4, 0.0, np.ones(4), 0.1).cov, np.eye(4))
    for problem in (eq, ar, models.equicorrelated_problem(6, -0.19, np.ones(6), 0.1)):
        assert np.all(np.linalg.eigvalsh(problem.cov) > 0)
        assert np.allclose(problem.eigs, 1.0) and problem.d == problem.cov.shape[0]
    assert eq.signal == pytest.approx(np.ones(4) @ eq.cov @ np.ones(4))
    assert eq.null_risk == pytest.approx(0.1 + eq.signal)


def test_sampling_covariance_and_diagonal_case():
    problem = models.ar1_problem(4, 0.7, np.array([1.0, -0.5, 0.0, 0.25]), 0.2)
    m = 40000
    X, y = problem.sample(m, rng=0)
    emp = X.T @ X / m
    c = problem.cov
    se = np.sqrt((np.outer(np.diag(c), np.diag(c)) + c**2) / m)  # s.e. of a sample covariance entry
    assert np.all(np.abs(emp - c) < 5 * se)
    cross = X.T @ y / m  # cov(x, y) = cov @ beta
    assert np.allclose(cross, c @ problem.beta, atol=5 * np.sqrt(problem.null_risk * 1.0 / m))
    assert problem.sample(10, rng=1, p=2)[0].shape == (10, 2)
    # a diagonal covariance gives exactly the draws of the LinearProblem with those variances
    lin = models.LinearProblem(np.array([1.0, 2.0, 0.5]), np.array([1.0, 0.0, -1.0]), 0.3)
    cor = models.CorrelatedProblem(np.diag(lin.eigs), lin.beta, 0.3)
    (Xa, ya), (Xb, yb) = lin.sample(7, rng=3), cor.sample(7, rng=3)
    assert np.allclose(Xa, Xb, rtol=1e-14) and np.allclose(ya, yb, rtol=1e-14)
    w = np.array([0.3, 0.2])
    assert cor.risk(w) == pytest.approx(lin.risk(w))


def test_correlated_risk_matches_a_large_test_set():
    problem = models.ar1_problem(8, 0.8, np.linspace(1.0, -0.4, 8), 0.15)
    rng = np.random.default_rng(4)
    W = rng.standard_normal((3, 5)) * 0.5  # on the first 5 features, zero-padded
    exact = problem.risk(W)
    assert exact.shape == (3,)
    X, y = problem.sample(100000, rng=5, p=5)
    for w, r in zip(W, exact):
        sq = (y - X @ w) ** 2
        assert abs(sq.mean() - r) < 4 * sq.std() / np.sqrt(sq.size)
        padded = np.concatenate([w, np.zeros(3)])
        assert r == pytest.approx(problem.noise_var + (padded - problem.beta) @ problem.cov @ (padded - problem.beta))
    assert problem.risk(problem.beta) == pytest.approx(0.15)


def test_best_support_weights_minimize_the_risk():
    problem = models.ar1_problem(10, 0.7, np.linspace(1.0, 0.1, 10), 0.1)
    S = np.array([0, 3, 4, 8])
    b, floor = problem.best_support_weights(S)
    # brute force: minimize ||L^T (w - beta)||^2 over w supported on S (cov = L L^T)
    L = np.linalg.cholesky(problem.cov)
    brute = np.linalg.lstsq(L.T[:, S], L.T @ problem.beta, rcond=None)[0]
    assert np.allclose(b, brute)
    w = np.zeros(10)
    w[S] = b
    assert floor == pytest.approx(problem.risk(w))  # the floor is the risk of b_S
    rng = np.random.default_rng(0)
    for _ in range(20):
        v = w.copy()
        v[S] += 0.05 * rng.standard_normal(S.size)
        assert problem.risk(v) > floor
    # empirical risk of b_S on a large test set
    X, y = problem.sample(100000, rng=6)
    sq = (y - X @ w) ** 2
    assert abs(sq.mean() - floor) < 4 * sq.std() / np.sqrt(sq.size)
    # boolean support, order of indices, and the diagonal case (b_S = beta_S, floor = sigma_S^2)
    mask = np.zeros(10, dtype=bool)
    mask[S] = True
    assert np.allclose(problem.best_support_weights(mask)[0], b)
    assert np.allclose(problem.best_support_weights(S[::-1])[0], b[::-1])
    diag = models.CorrelatedProblem(np.diag(np.arange(1.0, 6.0)), np.ones(5), 0.2)
    bd, fd = diag.best_support_weights([1, 2])
    assert np.allclose(bd, 1.0) and fd == pytest.approx(0.2 + 1 + 4 + 5)


# ------------------------------------------------------------------------------------------------
# the pruning sweep
# ------------------------------------------------------------------------------------------------


def test_pruning_sweep_is_seeded_and_consistent():
    problem = models.pruning_showcase_problem(200)
    ps = [80, 100, 150, 200]
    a = experiments.pruning_sweep(problem, 100, ps, 80, trials=4, seed=3)
    b = experiments.pruning_sweep(problem, 100, ps, 80, trials=4, seed=3)
    expected_keys = ["dense"] + [k for r in experiments.PRUNING_RULES for k in (r, r + "+retrain")] + ["small"]
    assert list(a) == expected_keys
    for key in a:
        assert np.array_equal(a[key].values, b[key].values)
        assert a[key].values.shape == ((4, 1) if key == "small" else (4, 4))
    c = experiments.pruning_sweep(problem, 100, ps, 80, trials=4, seed=4)
    assert not np.array_equal(a["dense"].values, c["dense"].values)
    # the same draws as prefix_sweep, whatever the rules; p = s keeps everything; p = n computed
    assert np.array_equal(a["dense"].values, experiments.prefix_sweep(problem, 100, ps, trials=4, seed=3).values)
    only = experiments.pruning_sweep(problem, 100, ps, 80, trials=4, seed=3, rules="oracle", retrain=False)
    assert list(only) == ["dense", "oracle", "small"]
    assert np.array_equal(only["oracle"].values, a["oracle"].values)
    for key in a:
        if key != "small":
            assert np.allclose(a[key].values[:, 0], a["dense"].values[:, 0])
    assert np.all(np.isfinite(a["dense"].values[:, 1])) and np.all(a["dense"].values[:, 1] > 1.0)
    # oracle + retraining is the small model (same support, same training sets)
    assert np.allclose(a["oracle+retrain"].values, a["small"].values)


def test_pruning_sweep_reference_c():
    # reference C at p = 400, 30 trials: simulated means vs the asymptotic theory values
    # (oracle 0.311, HP 0.316, MP 0.446, dense 0.327; the 30-trial run there gave 0.315, 0.32, 0.46,
    # 0.33). Tolerance: 4 standard errors of our 30-trial mean.
    problem = models.pruning_showcase_problem(1000)
    out = experiments.pruning_sweep(problem, 100, [150, 400, 1000], 80, trials=30, seed=0,
                                    rules=("magnitude", "hessian", "oracle"))
    at = {key: summary.at(400) if key != "small" else summary.at(80) for key, summary in out.items()}
    dense_theory = theory.minnorm_risk(problem.eigs, problem.beta, problem.noise_var, 100, 400)
    oracle_theory = theory.oracle_pruned_risk(problem.eigs, problem.beta, problem.noise_var, 100, 400, 80)
    for key, value in [("dense", dense_theory), ("oracle", oracle_theory), ("hessian", 0.316), ("magnitude", 0.446)]:
        assert abs(at[key]["mean"] - value) < 4 * at[key]["sem"], key
    assert dense_theory == pytest.approx(0.327, abs=5e-4) and oracle_theory == pytest.approx(0.311, abs=5e-4)
    # the small model: exact finite-n expectation 0.521
    small_theory = theory.small_model_risk(problem.eigs, problem.beta, problem.noise_var, 100, np.arange(80))
    assert abs(at["small"]["mean"] - small_theory) < 4 * at["small"]["sem"]
    # pruning a 4x overparameterized model beats the small model; MP is the weakest rule
    assert at["oracle"]["mean"] < at["hessian"]["mean"] < at["magnitude"]["mean"] < at["small"]["mean"]
    # reference C (lesson 08): here retraining hurts magnitude pruning (0.45 -> about 0.67)
    diff = out["magnitude+retrain"].values[:, 1] - out["magnitude"].values[:, 1]
    assert diff.mean() > 4 * diff.std(ddof=1) / np.sqrt(diff.size)
    assert abs(at["magnitude+retrain"]["mean"] - 0.67) < 4 * at["magnitude+retrain"]["sem"]


@pytest.mark.parametrize(
    "rho, without, with_retraining, mismatch",
    [(0.0, 0.58, 0.16, 0.0), (0.9, 0.61, 0.60, 0.25)],  # reference E (measured), oracle support
)
def test_pruning_sweep_ar1_retraining(rho, without, with_retraining, mismatch):
    d, n, p, s = 300, 100, 300, 20
    beta = 1.0 / np.arange(1, d + 1)
    beta /= np.linalg.norm(beta)
    problem = models.ar1_problem(d, rho, beta, 0.1)
    out = experiments.pruning_sweep(problem, n, [p], s, trials=40, seed=0, rules=("oracle",), support=np.arange(s))
    b, floor = problem.best_support_weights(np.arange(s))
    assert np.max(np.abs(b - beta[:s])) == pytest.approx(mismatch, abs=0.005)  # the measured values are rounded to 2 digits
    for key, value in [("oracle", without), ("oracle+retrain", with_retraining)]:
        stats = out[key].at(p)
        assert abs(stats["mean"] - value) < 4 * stats["sem"] + 0.005, key
    # retraining on a fixed support is the small model: exact risk floor * (1 + s / (n - s - 1))
    stats = out["oracle+retrain"].at(p)
    assert abs(stats["mean"] - floor * (1 + s / (n - s - 1))) < 4 * stats["sem"]


def test_pruning_sweep_correlated_underparameterized_is_exact():
    # OLS on the first p correlated features: y = X_p b_p + noise of variance floor_p given X_p, so
    # the expected risk is floor_p (1 + p / (n - p - 1)); this checks the conditional draws.
    problem = models.ar1_problem(40, 0.8, np.linspace(1.0, -1.0, 40), 0.1)
    n, p = 30, 10
    out = experiments.pruning_sweep(problem, n, [p], 5, trials=400, seed=1, rules=())
    floor = problem.best_support_weights(np.arange(p))[1]
    stats = out["dense"].at(p)
    assert abs(stats["mean"] - floor * (1 + p / (n - p - 1))) < 4 * stats["sem"]
    # a diagonal CorrelatedProblem gives the LinearProblem's results
    lin = models.pruning_showcase_problem(150)
    cor = models.CorrelatedProblem(np.diag(lin.eigs), lin.beta, lin.noise_var)
    a = experiments.pruning_sweep(lin, 50, [60, 150], 20, trials=3, seed=2)
    b = experiments.pruning_sweep(cor, 50, [60, 150], 20, trials=3, seed=2)
    for key in a:
        assert np.allclose(a[key].values, b[key].values, rtol=1e-8)


# ------------------------------------------------------------------------------------------------
# validation
# ------------------------------------------------------------------------------------------------

W3 = np.ones((2, 3))
SHOW = models.pruning_showcase_problem(200)
CASES = [
    (lambda: prune.top_s_mask([1.0, 2.0], 3), ValueError, "s .* at most the number of weights p = 2"),
    (lambda: prune.top_s_mask([1.0, 2.0], -1), ValueError, "s must be at least 0"),
    (lambda: prune.top_s_mask([1.0, 2.0], 1.5), TypeError, "s must be an integer"),
    (lambda: prune.top_s_mask([1.0, np.nan], 1), ValueError, "scores must contain only finite"),
    (lambda: prune.top_s_mask(np.ones((2, 2, 2)), 1), ValueError, "scores must be 1-D or 2-D"),
    (lambda: prune.magnitude_mask("w", 1), TypeError, "w must be an array of numbers"),
    (lambda: prune.hessian_mask(W3, 1, np.ones(4)), ValueError, "variances must have shape"),
    (lambda: prune.hessian_mask(W3, 1, -np.ones(3)), ValueError, "variances must be non-negative"),
    (lambda: prune.hessian_mask(np.ones(3), 1, np.ones((2, 3))), ValueError, "variances must have shape"),
    (lambda: prune.column_variances(np.ones(3)), ValueError, "X must be 2-D or 3-D"),
    (lambda: prune.oracle_mask(np.ones(3), np.ones(3), 4, 1), ValueError, "p must be at most d = 3"),
    (lambda: prune.oracle_mask(np.ones(3), np.ones(2), 2, 1), ValueError, "beta must have the same shape"),
    (lambda: prune.random_mask(5, 6, 0), ValueError, "at most the number of weights p = 5"),
    (lambda: prune.random_mask(5, 2, "seed"), TypeError, "rng must be a numpy.random.Generator"),
    (lambda: prune.apply_mask(W3, np.array([1, 0, 1])), TypeError, "mask must be a boolean array"),
    (lambda: prune.apply_mask(W3, np.ones(4, dtype=bool)), ValueError, "mask must have shape"),
    (lambda: prune.retrain(np.ones((5, 3)), np.ones(4), np.ones(3, dtype=bool)), ValueError, r"y must have shape \(5,\)"),
    (lambda: prune.retrain(np.ones((5, 3)), np.ones(5), np.ones(2, dtype=bool)), ValueError, "mask must have 3 entries"),
    (lambda: prune.retrain(np.ones((2, 5, 3)), np.ones((2, 5)), np.ones((3, 3), dtype=bool)), ValueError, "one row per design"),
    (lambda: prune.retrain(np.ones((5, 3)), np.ones(5), [1, 1, 0]), TypeError, "mask must be a boolean array"),
    (lambda: models.CorrelatedProblem(np.ones((2, 3)), np.ones(2), 0.1), ValueError, "square"),
    (lambda: models.CorrelatedProblem(np.array([[1.0, 2.0], [0.0, 1.0]]), np.ones(2), 0.1), ValueError, "symmetric"),
    (lambda: models.CorrelatedProblem(np.array([[1.0, 2.0], [2.0, 1.0]]), np.ones(2), 0.1), ValueError, "positive definite"),
    (lambda: models.CorrelatedProblem(np.eye(2), np.ones(3), 0.1), ValueError, r"beta must have shape \(2,\)"),
    (lambda: models.CorrelatedProblem(np.eye(2), np.ones(2), -1.0), ValueError, "noise_var must be at least 0"),
    (lambda: models.ar1_problem(3, 1.0, np.ones(3), 0.1), ValueError, r"rho must lie in \(-1, 1\)"),
    (lambda: models.equicorrelated_problem(3, -0.6, np.ones(3), 0.1), ValueError, "rho must lie in"),
    (lambda: models.equicorrelated_problem(3, 0.2, np.ones(4), 0.1), ValueError, r"beta must have shape \(3,\)"),
    (lambda: models.ar1_problem(3, 0.2, np.ones(3), 0.1).risk(np.ones(4)), ValueError, "only d = 3"),
    (lambda: models.ar1_problem(3, 0.2, np.ones(3), 0.1).best_support_weights([0, 0]), ValueError, "repeat"),
    (lambda: models.ar1_problem(3, 0.2, np.ones(3), 0.1).best_support_weights([3]), ValueError, "below d = 3"),
    (lambda: models.ar1_problem(3, 0.2, np.ones(3), 0.1).sample(4, 0, p=4), ValueError, "p must be at most d = 3"),
    (lambda: experiments.pruning_sweep("problem", 10, [5], 2), TypeError, "LinearProblem or a CorrelatedProblem"),
    (lambda: experiments.pruning_sweep(SHOW, 10, [50], 60), ValueError, "at least s = 60"),
    (lambda: experiments.pruning_sweep(SHOW, 10, [250], 5), ValueError, "at most d = 200"),
    (lambda: experiments.pruning_sweep(SHOW, 10, [50], 5, rules=("size",)), ValueError, "unknown pruning rule"),
    (lambda: experiments.pruning_sweep(SHOW, 10, [50], 5, rules=("oracle", "oracle")), ValueError, "repeat"),
    (lambda: experiments.pruning_sweep(SHOW, 10, [50], 5, retrain="yes"), TypeError, "retrain must be True or False"),
    (lambda: experiments.pruning_sweep(SHOW, 10, [50], 2, support=[0, 1, 2]), ValueError, "exactly s = 2"),
    (lambda: experiments.pruning_sweep(SHOW, 10, [50], 2, support=[0, 60]), ValueError, "below the smallest p = 50"),
]


@pytest.mark.parametrize("call, error, message", CASES, ids=[c[2] for c in CASES])
def test_bad_input_gives_clear_error(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_retrain_one_design_one_mask_solves_once(monkeypatch):
    """A single design with a 1-D mask is one least-squares problem, not one per column."""
    import overparam.prune as prune_module

    calls = []
    original = prune_module._solve_kept

    def counting(Xs, y):
        calls.append(Xs.shape[0])
        return original(Xs, y)

    monkeypatch.setattr(prune_module, "_solve_kept", counting)
    rng = np.random.default_rng(3)
    X, y = rng.standard_normal((30, 12)), rng.standard_normal(30)
    mask = np.zeros(12, dtype=bool)
    mask[[1, 4, 7]] = True
    w = prune_module.retrain(X, y, mask)
    assert calls == [1]
    expected = np.linalg.lstsq(X[:, mask], y, rcond=None)[0]
    np.testing.assert_allclose(w[mask], expected, rtol=1e-10, atol=1e-12)
    assert np.all(w[~mask] == 0)


def test_retrain_many_masks_on_one_design_does_not_copy_the_design():
    """Refitting one design on many masks gathers only the kept columns.

    (It used to copy the whole (n, p) design once per mask: 160 MB for this 0.8 MB design.)
    """
    import tracemalloc

    rng = np.random.default_rng(8)
    X, y = rng.standard_normal((50, 2000)), rng.standard_normal(50)
    masks = prune.random_mask(2000, 5, rng, trials=200)
    tracemalloc.start()
    try:
        W = prune.retrain(X, y, masks)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20 * X.nbytes  # the old copy was 200 * X.nbytes
    for t in (0, 117, 199):
        np.testing.assert_allclose(W[t], _lstsq_on(X, y, masks[t]), rtol=1e-9, atol=1e-12)
    # the batched path gathers the same columns
    X3 = np.stack([X, 2 * X])
    W3 = prune.retrain(X3, np.stack([y, y]), masks[:2])
    np.testing.assert_allclose(W3[1], _lstsq_on(2 * X, y, masks[1]), rtol=1e-9, atol=1e-12)
