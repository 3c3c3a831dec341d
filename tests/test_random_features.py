"""Random features: the model (overparam.random_features), its theory (theory.random_features_*) and
its sweep (experiments.random_features_sweep).

Tolerances. Monte Carlo estimates are compared within 4 standard errors (estimated from the same
samples). Against the *asymptotic* closed form we add a stated finite-size allowance on the excess
risk: 1% plus 0.5 * N/d^2, the effect of ReLU's degree-2 part described in lesson 04 (the
simulation sits about 2% above the curve at N/d^2 = 0.05, 4% at 0.1, Mei & Montanari 2019; we
measured +2.4% at N = 600 and +4.3% at N = 1000 for d = 100, 300 trials). Reference values are
checked to the rounding of the table they come from.
"""


import numpy as np
import pytest

from overparam import experiments, fit, theory
from overparam import random_features as rf

D, N_TRAIN, TAU2 = 100, 300, 0.25  # reference R of overparam.theory: psi2 = 3


def _allowance(N, d, excess):
    return (0.01 + 0.5 * np.asarray(N) / d**2) * np.abs(excess)


# ------------------------------------------------------------------ activation and kernel

def test_relu():
    assert np.array_equal(rf.relu([-2.0, 0.0, 3.0]), [0.0, 0.0, 3.0])
    assert rf.relu(-1.5) == 0.0 and isinstance(rf.relu(2.0), float)
    with pytest.raises(TypeError, match="u"):
        rf.relu("x")


def test_relu_kernel_special_values():
    assert rf.relu_kernel(1.0) == pytest.approx(0.5)            # E ReLU(u)^2
    assert rf.relu_kernel(0.0) == pytest.approx(1 / (2 * np.pi))  # (E ReLU(u))^2, independent
    assert rf.relu_kernel(-1.0) == pytest.approx(0.0, abs=1e-15)  # ReLU(u) ReLU(-u) = 0
    k = rf.relu_kernel(np.linspace(-1, 1, 41))
    assert k.shape == (41,) and np.all(np.diff(k) > 0)            # increasing in rho
    assert rf.relu_kernel(1.0 + 1e-13) == pytest.approx(0.5)      # rounding is clipped
    with pytest.raises(ValueError, match="rho"):
        rf.relu_kernel(1.1)


@pytest.mark.parametrize("rho", [0.8, 0.3, -0.6])
def test_relu_kernel_matches_monte_carlo(rho):
    rng = np.random.default_rng(1)
    u = rng.standard_normal(400_000)
    v = rho * u + np.sqrt(1 - rho**2) * rng.standard_normal(u.size)
    prod = np.maximum(u, 0) * np.maximum(v, 0)
    se = prod.std() / np.sqrt(u.size)
    assert abs(prod.mean() - rf.relu_kernel(rho)) < 4 * se


def test_relu_constants_closed_form():
    c = rf.relu_constants()
    assert c.mu0 == pytest.approx(1 / np.sqrt(2 * np.pi))
    assert c.mu1 == 0.5
    assert c.mustar2 == pytest.approx(0.5 - 1 / (2 * np.pi) - 0.25)  # E ReLU^2 - mu0^2 - mu1^2
    assert c.zeta == pytest.approx(1.6589, abs=5e-5)                 # Mei & Montanari 2019


def test_relu_constants_match_monte_carlo():
    # 20 independent batches give each constant's standard error empirically (zeta included)
    batches = [rf.activation_constants_mc(rf.relu, 50_000, seed) for seed in range(20)]
    exact = rf.relu_constants()
    for field in exact._fields:
        values = np.array([getattr(b, field) for b in batches])
        se = values.std(ddof=1) / np.sqrt(values.size)
        assert abs(values.mean() - getattr(exact, field)) < 4 * se, field


def test_activation_constants_mc_other_activations_and_validation():
    lin = rf.activation_constants_mc(lambda g: 2 * g, 100_000, 0)
    assert lin.mu1 == pytest.approx(2.0, abs=0.03) and abs(lin.mu0) < 0.03
    with pytest.raises(TypeError, match="activation"):
        rf.activation_constants_mc(3.0, 100, 0)
    with pytest.raises(ValueError, match="shape"):
        rf.activation_constants_mc(lambda g: g[:-1], 100, 0)
    with pytest.raises(ValueError, match="n_samples"):
        rf.activation_constants_mc(rf.relu, 1, 0)
    with pytest.raises(TypeError, match="rng"):
        rf.activation_constants_mc(rf.relu, 100, "seed")


# ------------------------------------------------------------------ the problem

@pytest.mark.parametrize("inputs", ["sphere", "gaussian"])
def test_problem_draws(inputs):
    problem = rf.random_features_problem(30, signal=2.0, noise_var=0.1, inputs=inputs)
    assert problem.signal == pytest.approx(2.0) and problem.null_risk == pytest.approx(2.1)
    theta = problem.draw_first_layer(500, 0)
    X, y = problem.sample(400, 1)
    assert theta.shape == (500, 30) and X.shape == (400, 30) and y.shape == (400,)
    if inputs == "sphere":
        assert np.allclose(np.linalg.norm(theta, axis=1), np.sqrt(30))
        assert np.allclose(np.linalg.norm(X, axis=1), np.sqrt(30))
    else:  # N(0, I): squared norms average d
        assert np.mean(np.sum(theta**2, axis=1)) == pytest.approx(30, rel=0.03)
    # features: pre-activation variance 1, so E z^2 = 1/2 and E z = 1/sqrt(2 pi)
    Z = problem.features(X, theta)
    assert Z.shape == (400, 500) and np.all(Z >= 0)
    assert np.mean(Z**2) == pytest.approx(0.5, rel=0.05)
    assert np.mean(Z) == pytest.approx(1 / np.sqrt(2 * np.pi), rel=0.05)


def test_problem_teacher_direction():
    fixed = rf.random_features_problem(16, signal=4.0)
    assert np.allclose(fixed.beta, 0.5)  # (1, ..., 1) scaled to norm 2
    a, b = rf.random_features_problem(16, rng=3), rf.random_features_problem(16, rng=3)
    assert np.array_equal(a.beta, b.beta) and np.linalg.norm(a.beta) == pytest.approx(1.0)
    assert not np.allclose(a.beta, rf.random_features_problem(16).beta)


def test_features_nested_in_width():
    problem = rf.random_features_problem(20)
    theta = problem.draw_first_layer(60, 0)
    X, _ = problem.sample(10, 1)
    assert np.array_equal(problem.features(X, theta)[:, :25], problem.features(X, theta[:25]))


def test_exact_risk_of_zero_and_shapes():
    problem = rf.random_features_problem(20, signal=1.0, noise_var=0.25)
    theta = problem.draw_first_layer(40, 0)
    assert problem.risk(np.zeros(40), theta) == pytest.approx(1.25)
    A = np.random.default_rng(0).standard_normal((3, 25)) * 0.1
    r = problem.risk(A, theta)  # first 25 rows of theta
    assert r.shape == (3,)
    assert np.allclose(r - problem.excess_risk(A, theta), 0.25)
    assert r[1] == pytest.approx(problem.risk(A[1], theta[:25]))


def test_exact_risk_matches_large_test_set():
    problem = rf.random_features_problem(30, signal=1.0, noise_var=0.25, rng=0)
    rng = np.random.default_rng(2)
    theta = problem.draw_first_layer(60, rng)
    X, y = problem.sample(200, rng)
    a = rf.fit_second_layer(problem.features(X, theta), y, problem.d, ridge=0.05)
    sq = []
    for _ in range(4):  # 200k test points in chunks of 50k
        Xt, yt = problem.sample(50_000, rng)
        sq.append((yt - problem.features(Xt, theta) @ a) ** 2)
    sq = np.concatenate(sq)
    se = sq.std() / np.sqrt(sq.size)
    assert abs(sq.mean() - problem.risk(a, theta)) < 4 * se
    Xt, yt = problem.sample(1000, rng)
    by_hand = np.mean((yt - problem.features(Xt, theta) @ a) ** 2)
    assert problem.test_error(a, theta, Xt, yt) == pytest.approx(by_hand)


def test_exact_risk_gaussian_inputs_match_test_set():
    # homogeneity of ReLU makes the arc-cosine formula exact for Gaussian rows of any norm too
    problem = rf.random_features_problem(20, noise_var=0.1, inputs="gaussian")
    rng = np.random.default_rng(5)
    theta = problem.draw_first_layer(30, rng)
    a = rng.standard_normal(30) * 0.2
    Xt, yt = problem.sample(200_000, rng)
    sq = (yt - problem.features(Xt, theta) @ a) ** 2
    assert abs(sq.mean() - problem.risk(a, theta)) < 4 * sq.std() / np.sqrt(sq.size)


def test_problem_validation():
    with pytest.raises(ValueError, match="beta"):
        rf.RandomFeaturesProblem(d=5, beta=np.ones(4), noise_var=0.1)
    with pytest.raises(ValueError, match="inputs"):
        rf.RandomFeaturesProblem(d=4, beta=np.ones(4), noise_var=0.1, inputs="cube")
    with pytest.raises(ValueError, match="noise_var"):
        rf.random_features_problem(4, noise_var=-1.0)
    with pytest.raises(TypeError, match="d"):
        rf.random_features_problem(4.5)
    problem = rf.random_features_problem(4)
    theta = problem.draw_first_layer(3, 0)
    with pytest.raises(ValueError, match="columns"):
        problem.features(np.ones((2, 5)), theta)
    with pytest.raises(ValueError, match="theta"):
        problem.features(np.ones((2, 4)), np.ones((3, 5)))
    with pytest.raises(ValueError, match="rows"):
        problem.risk(np.ones(4), theta)
    with pytest.raises(ValueError, match="labels"):
        problem.test_error(np.ones(3), theta, np.ones((2, 4)), np.ones(3))
    with pytest.raises(ValueError, match="N"):
        problem.draw_first_layer(0, 0)


# ------------------------------------------------------------------ fitting the second layer

def test_fit_second_layer_ridge_convention():
    rng = np.random.default_rng(0)
    n, N, d, lam = 30, 50, 10, 0.3
    Z, y = rng.random((n, N)), rng.standard_normal(n)
    explicit = np.linalg.solve(Z.T @ Z + n * (N / d) * lam * np.eye(N), Z.T @ y)
    assert np.allclose(rf.fit_second_layer(Z, y, d, ridge=lam), explicit)
    assert np.allclose(rf.fit_second_layer(Z, y, d), np.linalg.pinv(Z) @ y)
    stack = rf.fit_second_layer(np.stack([Z, 2 * Z]), np.stack([y, y]), d, ridge=lam)
    assert stack.shape == (2, N) and np.allclose(stack[0], explicit)
    with pytest.raises(ValueError, match="ridge"):
        rf.fit_second_layer(Z, y, d, ridge=-1.0)
    with pytest.raises(TypeError, match="d"):
        rf.fit_second_layer(Z, y, "10")


# ------------------------------------------------------------------ closed form

def test_variance_exact_below_threshold():
    # lambda = 0, psi1 < psi2: V = psi1 / (psi2 - psi1); with signal 0 and tau^2 = 1, R + tau^2 - tau^2 = V
    psi1 = np.array([0.1, 0.5, 1.5, 2.9])
    got = theory.random_features_risk(psi1, 3.0, signal=0.0, noise_var=1.0) - 1.0
    assert np.allclose(got, psi1 / (3.0 - psi1), rtol=1e-10)


def test_reference_table():
    # reference R: d = 100, n = 300, tau^2 = 0.25, F1 = 1, F* = 0, lambda = 0; excess risk R,
    # checked to the rounding of the table (half a unit in the last printed digit)
    N = np.array([30, 100, 277, 325, 523, 3000])
    table = np.array([0.91, 0.80, 5.1, 4.8, 0.64, 0.152])
    half_unit = np.array([0.005, 0.005, 0.05, 0.05, 0.005, 0.0005])
    excess = theory.random_features_risk(N / D, N_TRAIN / D, noise_var=TAU2) - TAU2
    assert np.all(np.abs(excess - table) <= half_unit)
    limit = theory.random_features_kernel_limit(N_TRAIN / D, noise_var=TAU2) - TAU2
    assert abs(limit - 0.108) <= 0.0005
    # "classical minimum" near N = 100
    grid = np.linspace(0.3, 2.5, 2201)
    best = grid[np.argmin(theory.random_features_risk(grid, 3.0, noise_var=TAU2))]
    assert 0.8 < best < 1.2


def test_peak_limits_and_shapes():
    r = theory.random_features_risk(np.array([2.0, 3.0, 4.0]), 3.0, noise_var=0.25)
    assert r.shape == (3,) and np.isinf(r[1]) and np.all(np.isfinite(r[[0, 2]]))
    assert np.isinf(theory.random_features_risk(3.0, 3.0, noise_var=0.0))  # self-induced noise
    assert np.isfinite(theory.random_features_risk(3.0, 3.0, noise_var=0.25, ridge=1e-3))
    assert isinstance(theory.random_features_risk(1.0, 3.0), float)
    # no features: the null risk; a huge ridge: the null risk
    assert theory.random_features_risk(1e-7, 3.0, noise_var=0.25) == pytest.approx(1.25, abs=1e-5)
    assert theory.random_features_risk(2.0, 3.0, noise_var=0.25, ridge=1e8) == pytest.approx(1.25, abs=1e-5)
    # nonlinear target part: unlearnable, adds at least F*^2
    base = theory.random_features_risk(5.0, 3.0, noise_var=0.25)
    assert theory.random_features_risk(5.0, 3.0, noise_var=0.25, nonlinear=0.2) > base + 0.2


def test_ridge_fixed_point_and_continuity():
    c = rf.relu_constants()
    z2 = c.zeta**2
    psi1 = np.array([0.3, 3.0, 7.0])
    psi2 = np.full(3, 3.0)
    lam_bar = np.full(3, 0.05 / c.mustar2)
    chi = theory._rf_chi(psi1, psi2, lam_bar, z2)
    s = np.sqrt(psi1 * psi2 * lam_bar)
    t = -chi
    g = t + z2 * t / (1 + z2 * t)
    a, b = (psi1 - g) / s, (psi2 - g) / s
    assert np.all(a > 0) and np.all(b > 0)
    assert np.allclose(a, psi1 / (s + b + z2 * b / (1 + z2 * a * b)), rtol=1e-10)
    assert np.allclose(b, psi2 / (s + a + z2 * a / (1 + z2 * a * b)), rtol=1e-10)
    # ridge -> 0 recovers the ridgeless curve away from the peak
    psi = np.array([0.5, 2.0, 5.0, 20.0])
    assert np.allclose(
        theory.random_features_risk(psi, 3.0, noise_var=0.25, ridge=1e-10),
        theory.random_features_risk(psi, 3.0, noise_var=0.25),
        rtol=1e-6,
    )
    # broadcasting over ridge
    r = theory.random_features_risk(2.0, 3.0, noise_var=0.25, ridge=[0.0, 0.01, 0.1])
    assert r.shape == (3,)


@pytest.mark.parametrize("ridge", [0.0, 1e-3, 0.1, 1.0])
@pytest.mark.parametrize("nonlinear", [0.0, 0.3])
def test_kernel_limit_is_large_width_limit(ridge, nonlinear):
    kw = dict(signal=1.3, nonlinear=nonlinear, noise_var=0.25, ridge=ridge)
    for psi2 in (0.5, 3.0):
        limit = theory.random_features_kernel_limit(psi2, **kw)
        assert theory.random_features_risk(1e7, psi2, **kw) == pytest.approx(limit, rel=1e-5)
    vec = theory.random_features_kernel_limit(np.array([0.5, 3.0]), **kw)
    assert vec.shape == (2,)


def test_theory_curves_are_one_vectorized_call():
    """A 200-point curve in one call (its time is measured by the benchmark script)."""
    psi = np.linspace(0.05, 30, 200)
    for ridge in (0.0, 0.01):
        curve = theory.random_features_risk(psi, 3.0, noise_var=0.25, ridge=ridge)
        single = [theory.random_features_risk(float(x), 3.0, noise_var=0.25, ridge=ridge) for x in psi[::40]]
        assert curve.shape == (200,)
        np.testing.assert_allclose(curve[::40], single, rtol=1e-9)


def test_theory_validation():
    with pytest.raises(ValueError, match="psi1"):
        theory.random_features_risk(0.0, 3.0)
    with pytest.raises(ValueError, match="psi2"):
        theory.random_features_risk(1.0, -3.0)
    with pytest.raises(ValueError, match="ridge"):
        theory.random_features_risk(1.0, 3.0, ridge=-0.1)
    with pytest.raises(ValueError, match="noise_var"):
        theory.random_features_risk(1.0, 3.0, noise_var=-0.1)
    with pytest.raises(TypeError, match="psi1"):
        theory.random_features_risk("1", 3.0)
    with pytest.raises(ValueError, match="broadcast"):
        theory.random_features_risk([1.0, 2.0], [3.0, 4.0, 5.0])
    with pytest.raises(ValueError, match="psi2"):
        theory.random_features_kernel_limit(0.0)


# ------------------------------------------------------------------ Monte Carlo

@pytest.mark.parametrize("ridge", [0.0, 0.1])
def test_closed_form_matches_simulation(ridge):
    # 40 trials (one first layer and training set each); widths away from the peak
    problem = rf.random_features_problem(D, noise_var=TAU2)
    Ns = np.array([50, 150, 600])
    sim = experiments.random_features_sweep(problem, N_TRAIN, Ns, trials=40, seed=11, ridge=ridge)
    curve = theory.random_features_risk(Ns / D, N_TRAIN / D, noise_var=TAU2, ridge=ridge)
    gap = np.abs(sim.mean - curve)
    assert np.all(gap < 4 * sim.sem + _allowance(Ns, D, curve - TAU2)), (sim.mean, curve, sim.sem)


def test_sweep_nested_widths_match_direct_fits():
    problem = rf.random_features_problem(30, noise_var=0.25)
    Ns = [20, 59, 60, 61, 150]  # n = 60: the threshold itself goes through the SVD
    sim = experiments.random_features_sweep(problem, 60, Ns, trials=2, seed=4)
    rng = np.random.default_rng(4)
    for t in range(2):  # the sweep's draws, in its order: one wide first layer, then the data
        theta = problem.draw_first_layer(150, rng)
        X, y = problem.sample(60, rng)
        Z = problem.features(X, theta)
        direct = [problem.risk(rf.fit_second_layer(Z[:, :N], y, 30), theta[:N]) for N in Ns]
        assert np.allclose(sim.values[t], direct, rtol=1e-6)
    assert np.all(np.isfinite(sim.values)) and np.all(sim.values[:, 2] > sim.values[:, 0])


def test_sweep_ridge_per_width_and_validation():
    problem = rf.random_features_problem(20, noise_var=0.25)
    both = experiments.random_features_sweep(problem, 40, [10, 80], trials=2, seed=0, ridge=[0.0, 0.2])
    one = experiments.random_features_sweep(problem, 40, [10, 80], trials=2, seed=0, ridge=0.2)
    zero = experiments.random_features_sweep(problem, 40, [10, 80], trials=2, seed=0)
    assert np.allclose(both.values[:, 0], zero.values[:, 0])
    assert np.allclose(both.values[:, 1], one.values[:, 1])
    # the ridge convention: a ridge fit of the same draw
    rng = np.random.default_rng(0)
    theta = problem.draw_first_layer(80, rng)
    X, y = problem.sample(40, rng)
    a = fit.ridge(problem.features(X, theta), y, 0.2 * 80 / 20)
    assert one.values[0, 1] == pytest.approx(problem.risk(a, theta))
    with pytest.raises(TypeError, match="problem"):
        experiments.random_features_sweep(object(), 40, [10])
    with pytest.raises(ValueError, match="ridge"):
        experiments.random_features_sweep(problem, 40, [10, 20], ridge=[0.1, 0.2, 0.3])
    with pytest.raises(ValueError, match="ridge"):
        experiments.random_features_sweep(problem, 40, [10], ridge=-1.0)
    with pytest.raises(ValueError, match="Ns"):
        experiments.random_features_sweep(problem, 40, [0, 10])


# ------------------------------------------------------------------ per-draw theory

def test_draw_risk_averages_to_closed_form():
    # 16 draws of the first layer; the per-draw spread (sd ~ 0.05 at N = 50) sets the tolerance
    problem = rf.random_features_problem(D, noise_var=TAU2)
    Ns = np.array([50, 150, 600, 1000])
    rng = np.random.default_rng(0)
    for ridge in (0.0, 0.1):
        per_draw = np.array([
            theory.random_features_draw_risk(
                problem.draw_first_layer(1000, rng), problem.beta, TAU2, N_TRAIN, Ns, ridge=ridge
            )
            for _ in range(16)
        ])
        curve = theory.random_features_risk(Ns / D, N_TRAIN / D, noise_var=TAU2, ridge=ridge)
        se = per_draw.std(axis=0, ddof=1) / 4
        assert np.all(np.abs(per_draw.mean(axis=0) - curve) < 4 * se + 0.01 * (curve - TAU2))


def test_draw_risk_matches_simulation_of_the_same_draw():
    # one first layer, 100 training sets; d = 40 so that N = 400 has N/d^2 = 0.25
    problem = rf.random_features_problem(40, noise_var=TAU2)
    rng = np.random.default_rng(14)
    theta = problem.draw_first_layer(400, rng)
    data = [problem.sample(120, rng) for _ in range(100)]
    X = np.stack([x for x, _ in data])
    y = np.stack([v for _, v in data])
    for N in (30, 400):
        Z = np.maximum(X @ theta[:N].T / np.sqrt(40), 0.0)
        # min-norm fits through the normal equations (as the sweep does; cheaper than 100 SVDs)
        if N < 120:
            A = np.linalg.solve(Z.transpose(0, 2, 1) @ Z, (y[:, None, :] @ Z).transpose(0, 2, 1))[..., 0]
        else:
            A = (np.linalg.solve(Z @ Z.transpose(0, 2, 1), y[..., None]).transpose(0, 2, 1) @ Z)[:, 0]
        assert np.allclose(A[0], rf.fit_second_layer(Z[0], y[0], 40))
        risks = problem.risk(A, theta[:N])
        mean, se = risks.mean(), risks.std(ddof=1) / 10
        exact_cov = theory.random_features_draw_risk(theta, problem.beta, TAU2, 120, N, covariance="arccos")
        assert abs(mean - exact_cov) < 4 * se + 0.01 * (mean - TAU2), (N, mean, se, exact_cov)
        gaussian = theory.random_features_draw_risk(theta, problem.beta, TAU2, 120, N)
        if N == 400:  # the Gaussian-covariance version misses the degree-2 part of ReLU (reference R)
            assert mean - gaussian > 4 * se and abs(mean - exact_cov) < abs(mean - gaussian)


def test_draw_risk_peak_shapes_and_validation():
    problem = rf.random_features_problem(20, noise_var=0.25)
    theta = problem.draw_first_layer(100, 0)
    r = theory.random_features_draw_risk(theta, problem.beta, 0.25, 50, [10, 50, 100])
    assert r.shape == (3,) and np.isinf(r[1]) and np.all(np.isfinite(r[[0, 2]]))
    assert np.isfinite(theory.random_features_draw_risk(theta, problem.beta, 0.25, 50, 50, ridge=0.01))
    # order of Ns does not matter (the Gram matrix is accumulated over sorted widths)
    assert np.allclose(theory.random_features_draw_risk(theta, problem.beta, 0.25, 50, [100, 10]), r[[2, 0]])
    assert isinstance(theory.random_features_draw_risk(theta, problem.beta, 0.25, 50, 10), float)
    with pytest.raises(ValueError, match="rows of theta"):
        theory.random_features_draw_risk(theta, problem.beta, 0.25, 50, 101)
    with pytest.raises(ValueError, match="beta"):
        theory.random_features_draw_risk(theta, np.ones(5), 0.25, 50, 10)
    with pytest.raises(ValueError, match="covariance"):
        theory.random_features_draw_risk(theta, problem.beta, 0.25, 50, 10, covariance="exact")
    with pytest.raises(ValueError, match="theta"):
        theory.random_features_draw_risk(np.ones(5), problem.beta, 0.25, 50, 10)



def test_broadcast_errors_name_only_the_arguments_given():
    # the kernel limit has no psi1: its message used to say "psi2, psi1 and ridge"
    with pytest.raises(ValueError, match=r"^psi2, ridge must broadcast together.*psi2 has 2, ridge has 3"):
        theory.random_features_kernel_limit([1.0, 2.0], ridge=[0.0, 0.1, 0.2])
    with pytest.raises(ValueError, match=r"^psi1, psi2, ridge must broadcast.*psi1 has 2, psi2 has 3"):
        theory.random_features_risk([1.0, 2.0], [3.0, 4.0, 5.0])


def test_test_error_matches_exact_risk_and_validates():
    problem = rf.random_features_problem(10, noise_var=0.25)
    theta = problem.draw_first_layer(30, 0)
    a = rf.fit_second_layer(problem.features(*problem.sample(60, 1)[:1], theta), problem.sample(60, 1)[1], 10)
    X, y = problem.sample(200000, 2)
    Z = problem.features(X, theta)
    sq = (y - Z @ a) ** 2
    assert problem.test_error(a, theta, X, y) == pytest.approx(sq.mean(), rel=1e-12)
    assert abs(sq.mean() - problem.risk(a, theta)) < 4 * sq.std() / np.sqrt(sq.size)
    with pytest.raises(ValueError, match="y_test has 5 labels"):
        problem.test_error(a, theta, X[:4], y[:5])


def test_integer_seed_does_not_align_the_teacher_with_the_first_layer():
    """Reusing one integer for the teacher and the first layer must not copy the teacher into Θ."""
    d = 50
    problem = rf.random_features_problem(d, rng=11)
    theta = problem.draw_first_layer(5, np.random.default_rng(11))
    cosines = theta @ problem.beta / (np.linalg.norm(theta, axis=1) * np.linalg.norm(problem.beta))
    assert np.max(np.abs(cosines)) < 0.9
    # the same integer still gives the same teacher
    np.testing.assert_array_equal(problem.beta, rf.random_features_problem(d, rng=11).beta)


# ----------------------------------------------------------------------------------------------
# Exact second moments of one first layer, and the floor/cost split of a pruned layer (lesson 09)
# ----------------------------------------------------------------------------------------------


def _lesson09_problem(inputs="gaussian"):
    return rf.random_features_problem(d=20, signal=1.0, noise_var=0.04, inputs=inputs, rng=9)


@pytest.mark.parametrize("inputs", ["gaussian", "sphere"])
def test_second_moments_against_the_risk_and_monte_carlo(inputs):
    pb = _lesson09_problem(inputs)
    theta = pb.draw_first_layer(30, 1)
    K, r = pb.second_moments(theta)
    assert K.shape == (30, 30) and r.shape == (30,)
    np.testing.assert_array_equal(K, K.T)
    assert np.linalg.eigvalsh(K).min() > 0
    np.testing.assert_allclose(np.diag(K), np.sum(theta**2, axis=1) / (2 * pb.d), rtol=1e-12)
    # the moments behind risk(): R(a) = noise + ||beta||^2 - 2 a'r + a'Ka, for several weight vectors
    rng = np.random.default_rng(2)
    for _ in range(3):
        a = rng.standard_normal(30)
        assert pb.risk(a, theta) == pytest.approx(pb.noise_var + pb.signal - 2 * a @ r + a @ K @ a, rel=1e-12)
    # against a large sample: E[z z^T] and E[z y] (standard errors at most about 0.0016 at this size)
    X, y = pb.sample(400_000, 3)
    Z = pb.features(X, theta[:6])
    np.testing.assert_allclose(Z.T @ Z / len(y), K[:6, :6], atol=0.008)
    np.testing.assert_allclose(Z.T @ y / len(y), r[:6], atol=0.008)
    # nested widths: the moments of the first N rows are the leading blocks
    K10, r10 = pb.second_moments(theta[:10])
    np.testing.assert_allclose(K10, K[:10, :10], rtol=1e-13)
    np.testing.assert_allclose(r10, r[:10], rtol=1e-13)


def test_second_moments_validation():
    pb = _lesson09_problem()
    with pytest.raises(ValueError, match="d = 20 columns"):
        pb.second_moments(np.ones((3, 5)))
    with pytest.raises(ValueError, match="finite"):
        pb.second_moments(np.full((3, 20), np.nan))
    with pytest.raises(ValueError, match="at least one row"):
        pb.second_moments(np.ones((0, 20)))


def test_support_costs_identity_and_parts():
    from overparam import prune

    pb = _lesson09_problem()
    theta = pb.draw_first_layer(300, 5)
    X, y = pb.sample(100, 6)
    Z = pb.features(X, theta)
    a = fit.min_norm_least_squares(Z, y)
    K, r = pb.second_moments(theta)
    for mask in (prune.magnitude_mask(a, 20), prune.random_mask(300, 20, 7)):
        parts = rf.support_costs(pb, theta, a, mask, n=100)
        # exact identity R(w) = floor + (w_S - b_S)' K_SS (w_S - b_S), for the pruned and the retrained weights
        assert pb.risk(prune.apply_mask(a, mask), theta) == pytest.approx(parts.floor + parts.cost, rel=1e-10)
        S = np.flatnonzero(mask)
        w = prune.retrain(Z, y, mask)[S]
        gap = w - parts.b_S
        assert pb.risk(prune.retrain(Z, y, mask), theta) == pytest.approx(parts.floor + gap @ K[np.ix_(S, S)] @ gap, rel=1e-10)
        # b_S is the best on S: no perturbation does better
        rng = np.random.default_rng(8)
        for _ in range(3):
            v = np.zeros(300)
            v[S] = parts.b_S + 0.01 * rng.standard_normal(S.size)
            assert pb.risk(v, theta) > parts.floor
        assert parts.zeta == pytest.approx(theory.implicit_regularization(np.linalg.eigvalsh(K), 100))
        np.testing.assert_allclose(parts.c_S, np.linalg.solve(K, r)[S])
        np.testing.assert_allclose(parts.m_S, np.linalg.solve(K + parts.zeta * np.eye(300), r)[S])
        assert parts.rest == pytest.approx(parts.cost - parts.shrinkage - parts.mismatch)
    # the best weights on all features: no mismatch, and N < n gives zeta = 0 (no shrinkage)
    a_small = fit.min_norm_least_squares(Z[:, :50], y)
    whole = rf.support_costs(pb, theta, a_small, np.ones(50, dtype=bool), n=100)
    assert whole.zeta == 0.0 and whole.shrinkage == pytest.approx(0.0, abs=1e-20)
    assert whole.mismatch == pytest.approx(0.0, abs=1e-10)


def test_support_costs_validation():
    pb = _lesson09_problem()
    theta = pb.draw_first_layer(10, 0)
    a = np.ones(10)
    with pytest.raises(TypeError, match="RandomFeaturesProblem"):
        rf.support_costs("problem", theta, a, np.ones(10, dtype=bool), 20)
    with pytest.raises(TypeError, match="boolean"):
        rf.support_costs(pb, theta, a, np.ones(10), 20)
    with pytest.raises(ValueError, match="shape of a"):
        rf.support_costs(pb, theta, a, np.ones(9, dtype=bool), 20)
    with pytest.raises(ValueError, match="at least one"):
        rf.support_costs(pb, theta, a, np.zeros(10, dtype=bool), 20)
    with pytest.raises(ValueError, match="between 1 and 10 weights"):
        rf.support_costs(pb, theta, np.ones(11), np.ones(11, dtype=bool), 20)
    with pytest.raises(ValueError, match="d = 20 columns"):
        rf.support_costs(pb, np.ones((10, 3)), a, np.ones(10, dtype=bool), 20)
