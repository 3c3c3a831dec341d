"""The numpy network of lesson 10 (overparam.nn) and its stored reference run (overparam.nn_reference)."""

import json
import math

import numpy as np
import pytest

from overparam import nn, nn_reference


@pytest.fixture(scope="module")
def digits():
    return nn.load_digits_data()


def small_problem(width=6, n=15, seed=0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    net = nn.init_network(width, rng).astype(dtype)
    net.b1[:] = rng.normal(0, 0.1, width)  # non-zero biases, so their gradients are tested too
    net.b2[:] = rng.normal(0, 0.1, 10)
    X = rng.standard_normal((n, 64)).astype(dtype)
    y = rng.integers(0, 10, n)
    return net, X, y


def h_step():
    """Step of the central finite differences (float64)."""
    return 1e-6


def reference_adam(net, X, y, steps, lr, masks=None, schedule="constant"):
    """Adam written plainly on top of loss_and_gradients (the readable version of nn.train)."""
    params = [p.copy() for p in (net.W1, net.b1, net.W2, net.b2)]
    keep = [np.ones_like(p) for p in params]
    if masks is not None:
        keep[0], keep[2] = masks.W1.astype(params[0].dtype), masks.W2.astype(params[2].dtype)
        params = [p * k for p, k in zip(params, keep)]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    for t in range(steps):
        _, grads = nn.loss_and_gradients(nn.TwoLayerNet(*params), X, y)
        rate = lr if schedule == "constant" else lr * 0.5 * (1 + math.cos(math.pi * t / steps))
        for i, g in enumerate((grads.W1, grads.b1, grads.W2, grads.b2)):
            g = g * keep[i]
            m[i] = 0.9 * m[i] + 0.1 * g
            v[i] = 0.999 * v[i] + 0.001 * g * g
            m_hat, v_hat = m[i] / (1 - 0.9 ** (t + 1)), v[i] / (1 - 0.999 ** (t + 1))
            params[i] = params[i] - rate * m_hat / (np.sqrt(v_hat) + 1e-8)
    return nn.TwoLayerNet(*params)


# ------------------------------------------------------------------------------------------- data


def test_load_digits_data_shapes_and_dtypes(digits):
    assert digits.X_train.shape == (1200, 64) and digits.X_test.shape == (597, 64)
    assert digits.X_train.dtype == np.float32 and digits.X_test.dtype == np.float32
    assert digits.y_train.shape == digits.y_train_clean.shape == digits.flipped.shape == (1200,)
    assert digits.y_test.shape == (597,)
    assert (digits.n_train, digits.n_test, digits.n_features, digits.n_classes) == (1200, 597, 64, 10)
    # standardised with the training statistics: training mean 0, every pixel's spread at most 1
    assert np.allclose(digits.X_train.mean(axis=0), 0, atol=1e-5)
    assert np.all(digits.X_train.std(axis=0) < 1)


def test_label_flips_are_exact_and_test_labels_clean(digits):
    from sklearn.datasets import load_digits

    assert digits.flipped.sum() == 240  # exactly 20% of 1200
    assert np.all(digits.y_train[digits.flipped] != digits.y_train_clean[digits.flipped])
    assert np.array_equal(digits.y_train[~digits.flipped], digits.y_train_clean[~digits.flipped])
    assert digits.y_train.min() >= 0 and digits.y_train.max() <= 9
    # the clean labels (train and test) are the true labels of the images: match them back to sklearn's
    images, labels = load_digits(return_X_y=True)
    order = np.random.default_rng(0).permutation(labels.size)
    assert np.array_equal(digits.y_train_clean, labels[order[:1200]])
    assert np.array_equal(digits.y_test, labels[order[1200:]])


def test_no_label_noise_keeps_every_label_and_seed_matters():
    clean = nn.load_digits_data(n_train=300, label_noise=0.0, seed=3)
    assert not clean.flipped.any() and np.array_equal(clean.y_train, clean.y_train_clean)
    assert clean.n_train == 300 and clean.n_test == 1497
    again = nn.load_digits_data(n_train=300, label_noise=0.0, seed=3)
    assert np.array_equal(clean.X_train, again.X_train)
    other = nn.load_digits_data(n_train=300, label_noise=0.0, seed=4)
    assert not np.array_equal(clean.y_train, other.y_train)


def test_flipped_labels_spread_over_the_other_classes():
    data = nn.load_digits_data(n_train=1700, label_noise=1.0, seed=1)
    assert data.flipped.all()
    shift = (data.y_train - data.y_train_clean) % 10
    counts = np.bincount(shift, minlength=10)
    assert counts[0] == 0
    # 1700 flips over 9 shifts: about 189 each, standard deviation about 13
    assert np.all(np.abs(counts[1:] - 1700 / 9) < 60), counts


# ---------------------------------------------------------------------------------------- network


def test_init_network_scales_and_dtype():
    net = nn.init_network(400, np.random.default_rng(0))
    assert net.W1.shape == (400, 64) and net.W2.shape == (10, 400)
    assert all(p.dtype == np.float32 for p in (net.W1, net.b1, net.W2, net.b2))
    assert net.width == 400 and net.n_weights == 400 * 74
    assert np.all(net.b1 == 0) and np.all(net.b2 == 0)
    # sampling error of a standard deviation from m draws: relative 1/sqrt(2m) (0.4% and 1.1% here)
    assert abs(net.W1.std() / math.sqrt(2 / 64) - 1) < 0.03
    assert abs(net.W2.std() * 20 - 1) < 0.05
    same = nn.init_network(400, np.random.default_rng(0))
    assert np.array_equal(net.W1, same.W1) and np.array_equal(net.W2, same.W2)


def test_forward_matches_the_formula():
    net, X, _ = small_problem()
    expected = np.maximum(X @ net.W1.T + net.b1, 0) @ net.W2.T + net.b2
    assert np.allclose(nn.forward(net, X), expected)


def test_gradients_match_central_finite_differences():
    # float64, step 1e-6: truncation error O(h^2) ~ 1e-12 and rounding ~ 1e-16 / 1e-6 = 1e-10
    # relative to a loss of ~3, so differences above 1e-7 would be real mistakes. The central
    # difference is only valid away from the ReLU's kink: the first assert checks that no
    # pre-activation is within 100 steps of zero, so no unit switches on or off in the difference.
    net, X, y = small_problem()
    assert np.min(np.abs(X @ net.W1.T + net.b1)) > 100 * h_step()  # no ReLU kink within reach of the step
    loss, grads = nn.loss_and_gradients(net, X, y)
    z = nn.forward(net, X)
    assert np.isclose(loss, np.mean(np.log(np.exp(z).sum(axis=1)) - z[np.arange(y.size), y]))
    h = h_step()
    for name in ("W1", "b1", "W2", "b2"):
        param, grad = getattr(net, name), getattr(grads, name)
        assert grad.shape == param.shape
        numeric = np.zeros_like(param)
        for idx in np.ndindex(param.shape):
            saved = param[idx]
            param[idx] = saved + h
            up = nn.loss_and_gradients(net, X, y)[0]
            param[idx] = saved - h
            down = nn.loss_and_gradients(net, X, y)[0]
            param[idx] = saved
            numeric[idx] = (up - down) / (2 * h)
        assert np.allclose(grad, numeric, rtol=1e-5, atol=1e-7), name


def test_float32_gradients_agree_with_float64():
    net, X, y = small_problem(dtype=np.float32)
    loss32, g32 = nn.loss_and_gradients(net, X, y)
    loss64, g64 = nn.loss_and_gradients(net.astype(np.float64), X.astype(np.float64), y)
    assert g32.W1.dtype == np.float32
    assert abs(loss32 - loss64) < 1e-5
    for name in ("W1", "b1", "W2", "b2"):
        assert np.allclose(getattr(g32, name), getattr(g64, name), rtol=1e-3, atol=1e-6), name


def test_large_logits_do_not_overflow():
    net, X, y = small_problem()
    net.W2 *= 1e4
    loss, grads = nn.loss_and_gradients(net, X, y)
    assert np.isfinite(loss) and all(np.all(np.isfinite(getattr(grads, p))) for p in ("W1", "b1", "W2", "b2"))


def test_error_rate():
    net, X, _ = small_problem()
    predicted = np.argmax(nn.forward(net, X), axis=1)
    assert nn.error_rate(net, X, predicted) == 0.0
    wrong = predicted.copy()
    wrong[:5] = (wrong[:5] + 1) % 10
    assert nn.error_rate(net, X, wrong) == pytest.approx(5 / X.shape[0])


# -------------------------------------------------------------------------------------- training


@pytest.mark.parametrize("schedule", ["constant", "cosine"])
@pytest.mark.parametrize("masked", [False, True])
def test_train_is_plain_adam_on_loss_and_gradients(schedule, masked):
    net, X, y = small_problem()
    masks = nn.random_masks(net, 200, np.random.default_rng(1)) if masked else None
    fast = nn.train(net, X, y, 25, lr=0.01, masks=masks, schedule=schedule)
    slow = reference_adam(net, X, y, 25, 0.01, masks=masks, schedule=schedule)
    for name in ("W1", "b1", "W2", "b2"):
        assert np.allclose(getattr(fast, name), getattr(slow, name), rtol=1e-9, atol=1e-12), name


def test_train_reduces_the_loss_and_leaves_its_input_alone(digits):
    net = nn.init_network(16, np.random.default_rng(0))
    before = net.copy()
    trained = nn.train(net, digits.X_train, digits.y_train, 200)
    assert np.array_equal(net.W1, before.W1) and np.array_equal(net.b2, before.b2)
    loss0 = nn.loss_and_gradients(net, digits.X_train, digits.y_train)[0]
    loss1 = nn.loss_and_gradients(trained, digits.X_train, digits.y_train)[0]
    assert loss1 < 0.6 * loss0
    assert trained.W1.dtype == np.float32
    zero_steps = nn.train(net, digits.X_train, digits.y_train, 0)
    assert np.array_equal(zero_steps.W1, net.W1) and zero_steps.W1 is not net.W1


def test_masked_weights_stay_exactly_zero(digits):
    net = nn.init_network(24, np.random.default_rng(2))
    dense = nn.train(net, digits.X_train, digits.y_train, 50)
    for masks in (nn.global_magnitude_mask(dense, 300), nn.random_masks(dense, 300, np.random.default_rng(0))):
        # start from the trained (non-zero) weights: the mask must zero them and keep them zero,
        # although their gradients are large and Adam's step is about lr regardless of the gradient size
        for schedule in ("constant", "cosine"):
            out = nn.train(dense, digits.X_train, digits.y_train, 150, lr=0.05, masks=masks, schedule=schedule)
            assert np.all(out.W1[~masks.W1] == 0) and np.all(out.W2[~masks.W2] == 0)
            assert np.mean(out.W1[masks.W1] != dense.W1[masks.W1]) > 0.5  # the kept weights did train (some units die)
            assert not np.array_equal(out.b1, dense.b1)  # biases are never pruned
        grads = nn.loss_and_gradients(out, digits.X_train, digits.y_train)[1]
        assert np.any(grads.W1[~masks.W1] != 0)  # the pruned weights do have gradients to resist


# ----------------------------------------------------------------------------------------- masks


def test_weight_budget():
    assert nn.weight_budget(8) == 592
    assert nn.weight_budget(3, n_in=10, n_out=2) == 36
    assert nn.weight_budget(8) == nn.init_network(8, 0).n_weights


@pytest.mark.parametrize("budget", [0, 1, 100, 592, 1000, 16 * 74])
def test_masks_keep_exactly_the_budget(budget):
    net = nn.init_network(16, np.random.default_rng(3))
    for masks in (nn.global_magnitude_mask(net, budget), nn.random_masks(net, budget, np.random.default_rng(4))):
        assert masks.W1.dtype == bool and masks.W1.shape == net.W1.shape and masks.W2.shape == net.W2.shape
        assert masks.n_kept == budget == masks.W1.sum() + masks.W2.sum()


def test_global_magnitude_mask_uses_one_threshold():
    net = nn.init_network(16, np.random.default_rng(5))
    masks = nn.global_magnitude_mask(net, 400)
    kept = np.concatenate([np.abs(net.W1[masks.W1]), np.abs(net.W2[masks.W2])])
    dropped = np.concatenate([np.abs(net.W1[~masks.W1]), np.abs(net.W2[~masks.W2])])
    assert kept.min() >= dropped.max()
    # the output layer's weights are larger at initialisation (std 1/4 vs 1/sqrt(32)), so a
    # global threshold keeps a larger fraction of them than of the first layer's
    assert masks.W2.mean() > masks.W1.mean()


def test_global_magnitude_mask_ties_are_deterministic():
    net = nn.init_network(4, 0)
    net.W1[:] = 1.0
    net.W2[:] = -1.0  # all |w| equal: the first `budget` weights in the order W1 (row-major), W2 win
    masks = nn.global_magnitude_mask(net, 70)
    assert masks.W1.ravel()[:70].all() and not masks.W1.ravel()[70:].any() and not masks.W2.any()
    masks = nn.global_magnitude_mask(net, 260)
    assert masks.W1.all() and masks.W2.ravel()[:4].all() and masks.W2.sum() == 4
    net.W2[0, 0] = 2.0  # a larger weight beats every tie
    masks = nn.global_magnitude_mask(net, 1)
    assert masks.W2[0, 0] and masks.n_kept == 1


def test_random_masks_are_seeded_and_roughly_uniform():
    net = nn.init_network(32, 0)
    a = nn.random_masks(net, 1000, np.random.default_rng(7))
    b = nn.random_masks(net, 1000, 7)
    assert np.array_equal(a.W1, b.W1) and np.array_equal(a.W2, b.W2)
    # both layers are hit in proportion to their size: 1000 * 320/2368 = 135 of W2, sd ~ 10
    assert abs(a.W2.sum() - 1000 * 320 / 2368) < 40


def test_apply_masks_and_live_hidden_units():
    net = nn.init_network(3, 0, n_in=2, n_out=2)
    W1 = np.array([[True, False], [False, False], [True, True]])
    W2 = np.array([[True, True, False], [False, False, False]])
    masks = nn.Masks(W1, W2)
    # unit 0: in and out -> live; unit 1: outgoing only; unit 2: incoming only
    assert nn.live_hidden_units(masks) == 1
    assert nn.live_hidden_units(nn.Masks(np.ones((3, 2), bool), np.ones((2, 3), bool))) == 3
    assert nn.live_hidden_units(nn.Masks(np.zeros((3, 2), bool), np.ones((2, 3), bool))) == 0
    pruned = nn.apply_masks(net, masks)
    assert np.array_equal(pruned.W1, np.where(W1, net.W1, 0))
    assert np.array_equal(pruned.W2, np.where(W2, net.W2, 0))
    assert np.array_equal(pruned.b1, net.b1) and pruned.W1 is not net.W1
    assert masks.n_kept == 5


# ----------------------------------------------------------------------------------- validation


NET2 = lambda: nn.init_network(2, 0)  # noqa: E731
NET3 = lambda: nn.init_network(3, 0)  # noqa: E731
X2, Y2 = np.zeros((2, 64)), [0, 1]
SMALL = lambda: nn.load_digits_data(n_train=50)  # noqa: E731


@pytest.mark.parametrize(
    "call, error, words",
    [
        (lambda: nn.load_digits_data(label_noise=1.5), ValueError, "label_noise"),
        (lambda: nn.load_digits_data(n_train=1790), ValueError, "n_train"),
        (lambda: nn.load_digits_data(seed="a"), TypeError, "seed"),
        (lambda: nn.init_network(0, 0), ValueError, "width"),
        (lambda: nn.init_network(2.5, 0), TypeError, "width"),
        (lambda: nn.forward("net", np.zeros((2, 64))), TypeError, "TwoLayerNet"),
        (lambda: nn.forward(NET2(), np.zeros((2, 63))), ValueError, "X must have shape"),
        (lambda: nn.loss_and_gradients(NET2(), X2, [0, 10]), ValueError, "labels"),
        (lambda: nn.loss_and_gradients(NET2(), X2, [0.0, 1.0]), TypeError, "integer"),
        (lambda: nn.loss_and_gradients(NET2(), X2, [0]), ValueError, "y must have shape"),
        (lambda: nn.train(NET2(), X2, Y2, 5, schedule="linear"), ValueError, "schedule"),
        (lambda: nn.train(NET2(), X2, Y2, -1), ValueError, "steps"),
        (lambda: nn.train(NET2(), X2, Y2, 5, lr=0.0), ValueError, "lr"),
        (lambda: nn.train(NET2(), X2, Y2, 5, masks=nn.random_masks(NET3(), 5, 0)), ValueError, "masks must match"),
        (lambda: nn.train(NET2(), X2, Y2, 5, masks=np.ones((2, 64), bool)), TypeError, "Masks"),
        (lambda: nn.global_magnitude_mask(NET2(), 149), ValueError, "budget"),
        (lambda: nn.random_masks(NET2(), -1, 0), ValueError, "budget"),
        (lambda: nn.weight_budget(0), ValueError, "s must be"),
        (lambda: nn.Masks(np.ones((2, 3)), np.ones((4, 2), bool)), TypeError, "boolean"),
        (lambda: nn.Masks(np.ones((2, 3), bool), np.ones((4, 3), bool)), ValueError, "agree on k"),
        (lambda: nn.TwoLayerNet(np.ones((2, 3)), np.ones(3), np.ones((4, 2)), np.ones(4)), ValueError, "b1"),
        (lambda: nn.live_hidden_units(np.ones((2, 2), bool)), TypeError, "Masks"),
        (lambda: nn.prune_experiment("data", [8], 8, [0]), TypeError, "Digits"),
        (lambda: nn.prune_experiment(SMALL(), [4, 8], 8, [0]), ValueError, "widths must be at least 8"),
        (lambda: nn.prune_experiment(SMALL(), [12, 8], 8, [0]), ValueError, "increasing"),
        (lambda: nn.prune_experiment(SMALL(), [8], 8, [1, 1]), ValueError, "distinct"),
        (lambda: nn.prune_experiment(SMALL(), [8], 8, [-1]), ValueError, "seeds"),
        (lambda: nn.PruneResults.from_dict({"widths": [8]}), ValueError, "missing"),
    ],
)
def test_validation_messages(call, error, words):
    with pytest.raises(error, match=words):
        call()


# ---------------------------------------------------------------------------------- experiment


@pytest.fixture(scope="module")
def tiny_results():
    data = nn.load_digits_data(n_train=300, seed=1)
    return nn.prune_experiment(data, [4, 6, 12], 4, [0, 3], dense_steps=120, long_steps=100, short_steps=40)


def test_prune_experiment_shapes_and_settings(tiny_results):
    r = tiny_results
    assert r.widths.tolist() == [4, 6, 12] and r.seeds.tolist() == [0, 3] and r.s == 4
    assert set(r.test_error) == set(r.train_error) == set(nn.VARIANTS)
    assert set(r.live_units) == set(nn.MASK_RULES)
    for table in [*r.test_error.values(), *r.train_error.values(), *r.live_units.values()]:
        assert table.shape == (2, 3)
    assert r.settings["budget"] == 4 * 74 and r.settings["n_train"] == 300 and r.settings["label_noise"] == 0.2
    assert r.settings["long_steps"] == 100 and r.settings["short_steps"] == 40
    assert set(r.clean_fitted) == set(r.memorised) == set(nn.VARIANTS)
    # errors are counts of images over the set sizes
    counts = r.test_error["dense"] * r.settings["n_test"]
    assert np.allclose(counts, np.round(counts))
    # at k = s both masks keep every weight, so no retraining is exactly the dense network and every
    # unit is live
    assert np.array_equal(r.test_error["no_retrain"][:, 0], r.test_error["dense"][:, 0])
    assert np.all(r.live_units["magnitude"][:, 0] == 4) and np.all(r.live_units["random"][:, 0] == 4)
    assert np.all(r.live_units["magnitude"] <= r.widths) and np.all(r.live_units["random"] >= 1)


def test_prune_experiment_pairs_are_independent_and_bit_reproducible(tiny_results):
    data = nn.load_digits_data(n_train=300, seed=1)
    again = nn.prune_experiment(data, [12], 4, [3], dense_steps=120, long_steps=100, short_steps=40)
    for v in nn.VARIANTS:
        assert again.test_error[v][0, 0] == tiny_results.test_error[v][1, 2]
        assert again.train_error[v][0, 0] == tiny_results.train_error[v][1, 2]
    for rule in nn.MASK_RULES:
        assert again.live_units[rule][0, 0] == tiny_results.live_units[rule][1, 2]


def test_training_error_splits_into_clean_and_flipped_parts(tiny_results):
    # 300 training images, 60 flipped: misses = 240 (1 - clean_fitted) + 60 (1 - memorised)
    r = tiny_results
    for v in nn.VARIANTS:
        misses = 240 * (1 - r.clean_fitted[v]) + 60 * (1 - r.memorised[v])
        assert np.allclose(misses, r.train_error[v] * 300, atol=1e-9), v
        assert np.all((0 <= r.memorised[v]) & (r.memorised[v] <= 1))


def test_clean_labels_leave_memorisation_undefined():
    data = nn.load_digits_data(n_train=200, label_noise=0.0, seed=2)
    r = nn.prune_experiment(data, [6], 4, [0], dense_steps=20, long_steps=20, short_steps=10)
    assert r.settings["label_noise"] == 0.0
    for v in nn.VARIANTS:
        assert np.isnan(r.memorised[v]).all()
        assert np.array_equal(r.clean_fitted[v], 1 - r.train_error[v])
    text = json.dumps(r.to_dict(), allow_nan=False)  # NaN is stored as null: strict JSON
    back = nn.PruneResults.from_dict(json.loads(text))
    assert np.isnan(back.memorised["dense"]).all()
    assert abs(back.clean_fitted["dense"][0, 0] - r.clean_fitted["dense"][0, 0]) < 1e-6  # stored to 6 decimals


def test_results_saved_without_memorisation_still_load(tiny_results):
    old = tiny_results.to_dict()
    del old["clean_fitted"], old["memorised"]
    back = nn.PruneResults.from_dict(old)
    assert np.allclose(back.test_error["dense"], tiny_results.test_error["dense"], atol=1e-6)
    assert back.select(widths=[4]).memorised == {}
    with pytest.raises(ValueError, match="older version"):
        back.median("dense", split="memorised")


def test_prune_experiment_variant_by_hand():
    # one (seed, width) pair rebuilt from the public functions
    data = nn.load_digits_data(n_train=200, seed=2)
    r = nn.prune_experiment(data, [10], 5, [7], dense_steps=60, long_steps=50, short_steps=30, lr=0.01)
    init = nn.init_network(10, np.random.default_rng([7, 10]))
    dense = nn.train(init, data.X_train, data.y_train, 60, lr=0.01)
    masks = nn.random_masks(dense, nn.weight_budget(5), np.random.default_rng([7, 10, 1]))
    short = nn.train(init, data.X_train, data.y_train, 30, lr=0.01, masks=masks, schedule="cosine")
    assert r.test_error["dense"][0, 0] == nn.error_rate(dense, data.X_test, data.y_test)
    assert r.test_error["random_short"][0, 0] == nn.error_rate(short, data.X_test, data.y_test)
    assert r.train_error["random_short"][0, 0] == nn.error_rate(short, data.X_train, data.y_train)
    flip = data.flipped
    assert r.memorised["random_short"][0, 0] == 1 - nn.error_rate(short, data.X_train[flip], data.y_train[flip])
    assert r.clean_fitted["dense"][0, 0] == 1 - nn.error_rate(dense, data.X_train[~flip], data.y_train[~flip])
    assert r.live_units["random"][0, 0] == nn.live_hidden_units(masks)


def test_prune_results_roundtrip_select_and_statistics(tiny_results):
    r = tiny_results
    text = json.dumps(r.to_dict())
    back = nn.PruneResults.from_dict(json.loads(text))
    assert back.widths.tolist() == r.widths.tolist() and back.s == r.s and back.settings == r.settings
    for v in nn.VARIANTS:
        assert np.allclose(back.test_error[v], r.test_error[v], atol=1e-6)
        assert np.array_equal(np.round(back.test_error[v] * 1497), np.round(r.test_error[v] * 1497))
    sub = r.select(seeds=[3], widths=[12, 4])
    assert sub.widths.tolist() == [12, 4] and sub.seeds.tolist() == [3]
    assert sub.test_error["dense"][0, 0] == r.test_error["dense"][1, 2]
    assert np.array_equal(r.median("dense"), np.median(r.test_error["dense"], axis=0))
    low, high = r.spread("random_long", split="train")
    assert np.array_equal(low, r.train_error["random_long"].min(axis=0)) and np.all(low <= high)
    summary = r.summary("magnitude_long")
    assert summary.values.shape == (2, 3) and summary.x.tolist() == [4.0, 6.0, 12.0]
    with pytest.raises(ValueError, match="variant"):
        r.median("pruned")
    with pytest.raises(ValueError, match="split"):
        r.median("dense", split="validation")
    assert np.array_equal(r.table("random_long", "memorised"), r.memorised["random_long"])
    assert np.array_equal(sub.memorised["dense"], r.memorised["dense"][[1], :][:, [2, 0]])
    with pytest.raises(ValueError, match="not in these results"):
        r.select(widths=[5])


def test_paper_numbers_are_consistent():
    p = nn.PAPER_RESNET20
    assert all(p[key].shape == p["widths"].shape for key in ("dense", "sparse_s10", "sparse_s5"))
    assert np.isnan(p["sparse_s10"][:2]).all() and not np.isnan(p["sparse_s5"]).any()
    assert p["sparse_s5"][-1] < p["random_s5_k50"] < p["no_retrain_s5"][0] < p["no_retrain_s5"][1]
    assert p["sparse_s5"][-1] < p["dense"][0]  # pruning the widest net beats the dense width-5 net
    with pytest.raises(ValueError):
        p["dense"][0] = 0.0  # read-only


# ------------------------------------------------------------------------------- reference run


@pytest.mark.parametrize("name", nn.REFERENCE_RUNS)
def test_stored_reference_is_complete_and_consistent(name):
    ref = nn.load_reference(name)
    spec = nn_reference.RUNS[name]
    assert ref.s == nn_reference.S
    assert ref.widths.tolist() == list(spec["widths"]) and ref.seeds.tolist() == list(spec["seeds"])
    assert ref.settings["budget"] == nn.weight_budget(nn_reference.S)
    assert ref.settings["n_train"] == 1200 and ref.settings["n_test"] == 597
    assert ref.settings["label_noise"] == spec["label_noise"]
    for q in nn.QUANTITIES:
        for v in nn.VARIANTS:
            assert ref.table(v, q).shape == (ref.seeds.size, ref.widths.size), (q, v)
    # training error = misses on the clean part + misses on the flipped part, in images
    n_flip = round(spec["label_noise"] * 1200)
    for v in nn.VARIANTS:
        misses = (1200 - n_flip) * (1 - ref.clean_fitted[v])
        if n_flip:
            misses = misses + n_flip * (1 - ref.memorised[v])
        else:
            assert np.isnan(ref.memorised[v]).all()
        assert np.allclose(misses, ref.train_error[v] * 1200, atol=1e-3), v
    # at k = s the masks keep every weight, and the long retraining repeats the dense training
    # exactly (same init, same steps, masks of ones): three identical columns
    assert ref.widths[0] == ref.s
    for v in ("no_retrain", "magnitude_long", "random_long"):
        assert np.array_equal(ref.test_error[v][:, 0], ref.test_error["dense"][:, 0]), v
    assert np.array_equal(ref.test_error["magnitude_short"][:, 0], ref.test_error["random_short"][:, 0])


def test_load_reference_rejects_unknown_runs():
    with pytest.raises(ValueError, match="run must be one of noisy, clean"):
        nn.load_reference("label_noise=0.1")


def test_reduced_rerun_reproduces_the_stored_reference(tmp_path):
    """Rerun the script's reduced mode (both runs) and compare with the shipped numbers.

    On the platform that made the file (same NumPy, BLAS and CPU kernels, see
    ``nn_reference.platform_fingerprint``) the rerun must be bit-identical: every count of images
    equal. Elsewhere the arithmetic differs in the last bits and training is chaotic — a change in
    the last bit of one initial weight moves the final errors by up to about 15 of the 597 test
    images — so there the check allows 30 test images (5%) per entry.
    """
    output = tmp_path / "reduced.json"
    assert nn_reference.main(["--reduced", "--output", str(output)]) == 0
    stored = json.loads(output.read_text())
    assert set(stored) == set(nn.REFERENCE_RUNS)
    for name in nn.REFERENCE_RUNS:
        rerun = nn.PruneResults.from_dict(stored[name])
        assert rerun.widths.tolist() == list(nn_reference.REDUCED[name]["widths"])
        assert rerun.seeds.tolist() == list(nn_reference.REDUCED[name]["seeds"])
        reference = nn.load_reference(name)
        diff = nn_reference.differences(rerun, reference)
        if reference.settings.get("platform") == nn_reference.platform_fingerprint():
            assert all(d == 0 for part in diff.values() for d in part.values()), (name, diff)
        else:
            assert max(diff["test"].values()) <= 30, (name, diff)


# ------------------------------------------------------------------ helpers the lesson's figures use


def _results_with_dense_training_error(dense_train, widths=(8, 12, 16, 32), seeds=(0, 1, 2)):
    """PruneResults whose only content is the dense networks' training error (no training)."""
    train = {"dense": np.tile(np.asarray(dense_train, dtype=float), (len(seeds), 1))}
    return nn.PruneResults(np.asarray(widths), np.asarray(seeds), 8, {}, train_error=train)


def test_interpolation_band():
    # dense training error 0.2, 0.1, 0.01, 0.0: above 5% up to k = 12, at most 0.5% from k = 32
    results = _results_with_dense_training_error((0.2, 0.1, 0.01, 0.0))
    assert results.interpolation_band() == (12, 32)
    assert results.interpolation_band(high=0.15, low=0.02) == (8, 16)
    # interpolating from the first width: the band starts there
    assert _results_with_dense_training_error((0.0, 0.0, 0.0, 0.0)).interpolation_band() == (8, 8)
    with pytest.raises(ValueError, match="never reaches"):
        _results_with_dense_training_error((0.3, 0.2, 0.1, 0.05)).interpolation_band()
    with pytest.raises(ValueError, match="low must be below high"):
        results.interpolation_band(high=0.01, low=0.05)


def test_interpolation_band_of_the_stored_run():
    """The stored run's dense net misses 13% of its training labels at k = 12 and none from k = 20 on."""
    reference = nn.load_reference()
    lo, hi = reference.interpolation_band()
    train = reference.summary("dense", "train").mean
    widths = list(reference.widths)
    assert train[widths.index(lo)] > 0.05 and train[widths.index(hi)] <= 0.005
    assert lo < hi and 74 * lo < reference.settings["n_train"] < 74 * hi  # the band holds k (n_in + n_out) = n


def test_train_pixels_are_the_original_images():
    from sklearn.datasets import load_digits

    data = nn.load_digits_data(n_train=1200, label_noise=0.2, seed=3)   # the lesson's size
    pixels = data.train_pixels * 16
    np.testing.assert_allclose(pixels, np.round(pixels), atol=1e-4)  # on the 0..16 grid
    originals = {row.tobytes() for row in load_digits().data.astype(np.uint8)}
    assert all(row.tobytes() in originals for row in np.round(pixels).astype(np.uint8))
    # and the network's inputs are exactly these pixels, standardised
    pixels = data.train_pixels.astype(np.float64)            # exact: multiples of 1/16
    expected = (pixels - pixels.mean(axis=0)) / (pixels.std(axis=0) + 0.1)
    np.testing.assert_allclose(data.X_train, expected, rtol=2e-7, atol=1e-6)   # float32 rounding of X_train


def test_expected_live_units_formula_and_simulation():
    assert float(nn.expected_live_units(8, 8)) == pytest.approx(8.0)
    k, s = 96, 8
    q = s / k
    assert float(nn.expected_live_units(k, s)) == pytest.approx(k * (1 - (1 - q) ** 64) * (1 - (1 - q) ** 10))
    # against random masks drawn by the library (the formula treats weights as independent)
    net = nn.init_network(k, np.random.default_rng(0))
    counts = [nn.live_hidden_units(nn.random_masks(net, nn.weight_budget(s), np.random.default_rng(i)))
              for i in range(200)]
    assert np.mean(counts) == pytest.approx(float(nn.expected_live_units(k, s)), rel=0.02)
    with pytest.raises(ValueError, match="at least s"):
        nn.expected_live_units(4, 8)
