"""A small neural network in numpy: train it large, prune it, retrain it (lesson 10).

The paper's own experiment (Chang, Li, Oymak & Thrampoulidis, AAAI 2021, arXiv 2012.08749) prunes
ResNet-20s of growing width on CIFAR-10. This module runs the same recipe at toy scale on one CPU
core in seconds:

* data — scikit-learn's bundled 8×8 handwritten digits (no download), 1200 training and 597 test
  images, a fraction of the *training* labels flipped to a wrong class (:func:`load_digits_data`);
* model — one hidden layer of ``k`` ReLU units, softmax cross-entropy (:class:`TwoLayerNet`,
  :func:`init_network`, :func:`forward`, :func:`loss_and_gradients`);
* training — full-batch Adam, optionally with masks that keep pruned weights at exactly zero
  (:func:`train`);
* pruning — one global magnitude threshold over both weight matrices, or a uniformly random set of
  weights, keeping a budget equal to the weight count of the dense width-``s`` net
  (:func:`weight_budget`, :func:`global_magnitude_mask`, :func:`random_masks`, :func:`apply_masks`,
  :func:`live_hidden_units`);
* the experiment — for every width ``k >= s``: train dense, prune to the budget, and compare no
  retraining with rewinding the kept weights to their initial values (Frankle & Carbin 2019) and
  retraining long or short, for magnitude and random masks, each measured by its test error, its
  training error, and the fractions of clean and of flipped training labels it fits
  (:func:`prune_experiment`, :class:`PruneResults`). Two stored runs ship with the package, with 20%
  and with no flipped labels (:func:`load_reference`; regenerate them with
  ``python -m overparam.nn_reference``).

Everything is float32 (a network of another float dtype, e.g. a float64 copy for a gradient check,
is computed in its own dtype). Biases are trained but neither pruned nor counted in the budget.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field

import numpy as np

from ._validate import as_float, as_generator, as_int, as_int_array

__all__ = [
    "Digits",
    "load_digits_data",
    "TwoLayerNet",
    "init_network",
    "forward",
    "loss_and_gradients",
    "Masks",
    "weight_budget",
    "global_magnitude_mask",
    "random_masks",
    "apply_masks",
    "live_hidden_units",
    "expected_live_units",
    "train",
    "error_rate",
    "VARIANTS",
    "MASK_RULES",
    "QUANTITIES",
    "PruneResults",
    "prune_experiment",
    "PAPER_RESNET20",
    "REFERENCE_RUNS",
    "load_reference",
]

DTYPE = np.float32

# ----------------------------------------------------------------------------------------- data


@dataclass(frozen=True)
class Digits:
    """The 8×8 digits split into training and test sets, with noisy training labels.

    Attributes
    ----------
    X_train : ndarray of shape (n_train, 64), float32
        Standardised training images.
    y_train : ndarray of shape (n_train,), int
        Training labels as the network sees them: a fraction of them flipped to a wrong class.
    y_train_clean : ndarray of shape (n_train,), int
        The true training labels.
    flipped : ndarray of shape (n_train,), bool
        Which training labels were flipped (``y_train != y_train_clean`` exactly there).
    X_test : ndarray of shape (n_test, 64), float32
        Test images, standardised with the training statistics.
    y_test : ndarray of shape (n_test,), int
        Clean test labels.
    train_pixels : ndarray of shape (n_train, 64), float32, or None
        The training images before standardisation, pixels in ``[0, 1]`` (for showing them).
    """

    X_train: np.ndarray
    y_train: np.ndarray
    y_train_clean: np.ndarray
    flipped: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    train_pixels: np.ndarray | None = None

    @property
    def n_train(self) -> int:
        """Number of training images."""
        return int(self.X_train.shape[0])

    @property
    def n_test(self) -> int:
        """Number of test images."""
        return int(self.X_test.shape[0])

    @property
    def n_features(self) -> int:
        """Number of inputs per image (64 pixels)."""
        return int(self.X_train.shape[1])

    @property
    def n_classes(self) -> int:
        """Number of classes (10 digits)."""
        return 10


def load_digits_data(n_train: int = 1200, label_noise: float = 0.2, seed=0) -> Digits:
    """Load scikit-learn's bundled 8×8 digits, split them, and flip some training labels.

    The 1797 images are shuffled by ``seed``; the first ``n_train`` are the training set, the rest
    the test set. Pixels (0–16) are divided by 16, then standardised with the training mean and
    ``std + 0.1`` (some border pixels are nearly constant). Exactly ``round(label_noise * n_train)``
    training labels, chosen at random, are replaced by a different class drawn uniformly from the
    other nine; the test labels stay clean.

    Parameters
    ----------
    n_train : int
        Training-set size, between 10 and 1787 (at least 10 test images remain).
    label_noise : float
        Fraction of training labels flipped, in [0, 1].
    seed : int or numpy.random.Generator
        Seed of the shuffle and of the label flips.

    Returns
    -------
    Digits
    """
    n_train = as_int(n_train, "n_train", minimum=10)
    if n_train > 1787:
        raise ValueError(f"n_train must be at most 1787 (the digits have 1797 images), got {n_train}")
    label_noise = as_float(label_noise, "label_noise", minimum=0.0)
    if label_noise > 1.0:
        raise ValueError(f"label_noise must be a fraction in [0, 1], got {label_noise}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer, np.random.Generator)):
        raise TypeError(f"seed must be an integer or a numpy.random.Generator, got {type(seed).__name__}")
    rng = as_generator(seed)
    from sklearn.datasets import load_digits  # imported here: importing overparam stays fast

    images, labels = load_digits(return_X_y=True)
    order = rng.permutation(labels.size)
    X = images[order] / 16.0
    y = labels[order].astype(np.int64)
    pixels, X_test = X[:n_train], X[n_train:]
    mean, std = pixels.mean(axis=0), pixels.std(axis=0)
    X_train = ((pixels - mean) / (std + 0.1)).astype(DTYPE)
    X_test = ((X_test - mean) / (std + 0.1)).astype(DTYPE)
    y_clean, y_test = y[:n_train], y[n_train:]
    n_flip = int(round(label_noise * n_train))
    flipped = np.zeros(n_train, dtype=bool)
    flipped[rng.choice(n_train, size=n_flip, replace=False)] = True
    y_noisy = y_clean.copy()
    y_noisy[flipped] = (y_clean[flipped] + rng.integers(1, 10, size=n_flip)) % 10
    return Digits(X_train, y_noisy, y_clean, flipped, X_test, y_test, train_pixels=pixels.astype(DTYPE))


# -------------------------------------------------------------------------------------- network


@dataclass
class TwoLayerNet:
    """A one-hidden-layer ReLU network: ``logits = W2 relu(W1 x + b1) + b2``.

    Attributes
    ----------
    W1 : ndarray of shape (k, n_in)
    b1 : ndarray of shape (k,)
    W2 : ndarray of shape (n_out, k)
    b2 : ndarray of shape (n_out,)
    """

    W1: np.ndarray
    b1: np.ndarray
    W2: np.ndarray
    b2: np.ndarray

    def __post_init__(self):
        for name in ("W1", "b1", "W2", "b2"):
            value = getattr(self, name)
            if not isinstance(value, np.ndarray) or value.dtype.kind != "f":
                raise TypeError(f"{name} must be a float numpy array, got {type(value).__name__}")
        if self.W1.ndim != 2 or self.W2.ndim != 2 or self.W2.shape[1] != self.W1.shape[0]:
            raise ValueError(
                f"W1 must have shape (k, n_in) and W2 shape (n_out, k), got {self.W1.shape} and {self.W2.shape}"
            )
        k, n_out = self.W1.shape[0], self.W2.shape[0]
        if self.b1.shape != (k,) or self.b2.shape != (n_out,):
            raise ValueError(
                f"b1 must have shape ({k},) and b2 shape ({n_out},), got {self.b1.shape} and {self.b2.shape}"
            )

    @property
    def width(self) -> int:
        """Number of hidden units ``k``."""
        return int(self.W1.shape[0])

    @property
    def n_in(self) -> int:
        """Number of inputs."""
        return int(self.W1.shape[1])

    @property
    def n_out(self) -> int:
        """Number of outputs (classes)."""
        return int(self.W2.shape[0])

    @property
    def n_weights(self) -> int:
        """Number of weights ``W1.size + W2.size`` (biases are not counted)."""
        return int(self.W1.size + self.W2.size)

    def copy(self) -> "TwoLayerNet":
        """An independent copy."""
        return TwoLayerNet(self.W1.copy(), self.b1.copy(), self.W2.copy(), self.b2.copy())

    def astype(self, dtype) -> "TwoLayerNet":
        """A copy with every parameter converted to ``dtype`` (e.g. float64 for a gradient check)."""
        return TwoLayerNet(*(np.array(p, dtype=dtype) for p in (self.W1, self.b1, self.W2, self.b2)))


def init_network(width: int, rng, n_in: int = 64, n_out: int = 10) -> TwoLayerNet:
    """He initialisation: ``W1 ~ N(0, 2/n_in)``, ``W2 ~ N(0, 1/k)``, zero biases, float32.

    Parameters
    ----------
    width : int
        Number of hidden units ``k >= 1``.
    rng : int or numpy.random.Generator
        Seed or generator of the draw.
    n_in, n_out : int
        Number of inputs and of classes.
    """
    width = as_int(width, "width", minimum=1)
    n_in = as_int(n_in, "n_in", minimum=1)
    n_out = as_int(n_out, "n_out", minimum=2)
    rng = as_generator(rng)
    W1 = (rng.standard_normal((width, n_in)) * math.sqrt(2.0 / n_in)).astype(DTYPE)
    W2 = (rng.standard_normal((n_out, width)) / math.sqrt(width)).astype(DTYPE)
    return TwoLayerNet(W1, np.zeros(width, DTYPE), W2, np.zeros(n_out, DTYPE))


def _check_net(net) -> TwoLayerNet:
    if not isinstance(net, TwoLayerNet):
        raise TypeError(f"net must be a TwoLayerNet (see init_network), got {type(net).__name__}")
    return net


def _check_inputs(net: TwoLayerNet, X, y=None):
    """Return X in the net's dtype, and y as int labels in range, checking shapes."""
    if isinstance(X, (str, bytes)) or X is None:
        raise TypeError(f"X must be a 2-D array of numbers, got {type(X).__name__}")
    X = np.asarray(X)
    if X.dtype.kind not in "fiu":
        raise TypeError(f"X must be an array of numbers, got dtype {X.dtype}")
    if X.ndim != 2 or X.shape[1] != net.n_in:
        raise ValueError(f"X must have shape (n, {net.n_in}), got {X.shape}")
    X = np.ascontiguousarray(X, dtype=net.W1.dtype)
    if y is None:
        return X
    y = np.asarray(y)
    if y.dtype.kind not in "iu":
        raise TypeError(f"y must contain integer class labels, got dtype {y.dtype}")
    if y.shape != (X.shape[0],):
        raise ValueError(f"y must have shape ({X.shape[0]},) like the rows of X, got {y.shape}")
    if y.size and (y.min() < 0 or y.max() >= net.n_out):
        raise ValueError(f"y must contain labels in 0..{net.n_out - 1}, got values from {y.min()} to {y.max()}")
    return X, y.astype(np.intp)


def forward(net: TwoLayerNet, X) -> np.ndarray:
    """Logits ``relu(X W1ᵀ + b1) W2ᵀ + b2`` of shape (n, n_out)."""
    net = _check_net(net)
    X = _check_inputs(net, X)
    hidden = np.maximum(X @ net.W1.T + net.b1, 0)
    return hidden @ net.W2.T + net.b2


def _softmax_and_loss(logits: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    """Softmax probabilities (in place of ``logits``) and mean cross-entropy, via log-sum-exp."""
    logits -= logits.max(axis=1, keepdims=True)
    rows = np.arange(y.size)
    picked = logits[rows, y].copy()
    np.exp(logits, out=logits)
    total = logits.sum(axis=1, keepdims=True)
    loss = float(np.mean(np.log(total[:, 0]) - picked))
    logits /= total
    return logits, loss


def loss_and_gradients(net: TwoLayerNet, X, y) -> tuple[float, TwoLayerNet]:
    """Mean softmax cross-entropy and its gradient with respect to every parameter.

    Parameters
    ----------
    net : TwoLayerNet
    X : array_like of shape (n, n_in)
    y : array_like of int, shape (n,)
        Class labels in ``0 .. n_out - 1``.

    Returns
    -------
    loss : float
        ``mean_i [log sum_c exp(z_ic) - z_{i y_i}]`` for the logits ``z = forward(net, X)``.
    grads : TwoLayerNet
        The gradients, with the same shapes as the parameters.
    """
    net = _check_net(net)
    X, y = _check_inputs(net, X, y)
    if y.size == 0:
        raise ValueError("X and y must contain at least one example")
    pre = X @ net.W1.T + net.b1
    hidden = np.maximum(pre, 0)
    probs, loss = _softmax_and_loss(hidden @ net.W2.T + net.b2, y)
    probs[np.arange(y.size), y] -= 1
    dlogits = probs / y.size
    dhidden = (dlogits @ net.W2) * (pre > 0)
    grads = TwoLayerNet(dhidden.T @ X, dhidden.sum(axis=0), dlogits.T @ hidden, dlogits.sum(axis=0))
    return loss, grads


def error_rate(net: TwoLayerNet, X, y) -> float:
    """Fraction of examples whose largest logit is not the label ``y``."""
    net = _check_net(net)
    X, y = _check_inputs(net, X, y)
    if y.size == 0:
        raise ValueError("X and y must contain at least one example")
    return float(np.mean(np.argmax(forward(net, X), axis=1) != y))


# ---------------------------------------------------------------------------------------- masks


@dataclass(frozen=True)
class Masks:
    """Which weights of a :class:`TwoLayerNet` are kept (``True``) after pruning.

    Attributes
    ----------
    W1 : ndarray of bool, shape (k, n_in)
    W2 : ndarray of bool, shape (n_out, k)
    """

    W1: np.ndarray
    W2: np.ndarray

    def __post_init__(self):
        for name in ("W1", "W2"):
            value = getattr(self, name)
            if not isinstance(value, np.ndarray) or value.dtype != bool or value.ndim != 2:
                raise TypeError(f"Masks.{name} must be a 2-D boolean numpy array")
        if self.W2.shape[1] != self.W1.shape[0]:
            raise ValueError(
                f"Masks.W1 (k, n_in) and Masks.W2 (n_out, k) must agree on k, got {self.W1.shape} and {self.W2.shape}"
            )

    @property
    def n_kept(self) -> int:
        """Number of kept weights."""
        return int(self.W1.sum() + self.W2.sum())


def weight_budget(s: int, n_in: int = 64, n_out: int = 10) -> int:
    """Weights of the dense width-``s`` network, ``s (n_in + n_out)`` — the pruning budget.

    For one hidden layer this equals keeping the fraction ``s/k`` of a width-``k`` network's
    weights. Biases are not counted.
    """
    s = as_int(s, "s", minimum=1)
    return s * (as_int(n_in, "n_in", minimum=1) + as_int(n_out, "n_out", minimum=1))


def _check_budget(net: TwoLayerNet, budget) -> int:
    budget = as_int(budget, "budget", minimum=0)
    if budget > net.n_weights:
        raise ValueError(
            f"budget must be at most the network's {net.n_weights} weights (width {net.width}), got {budget}"
        )
    return budget


def _masks_from_flat(net: TwoLayerNet, keep: np.ndarray) -> Masks:
    flat = np.zeros(net.n_weights, dtype=bool)
    flat[keep] = True
    return Masks(flat[: net.W1.size].reshape(net.W1.shape), flat[net.W1.size :].reshape(net.W2.shape))


def global_magnitude_mask(net: TwoLayerNet, budget: int) -> Masks:
    """Keep the ``budget`` weights of largest ``|w|`` over both layers together.

    One threshold for ``W1`` and ``W2`` (global pruning). Ties are broken deterministically: among
    equal magnitudes, ``W1`` comes before ``W2`` and, within a layer, lower row-major index first.
    """
    net = _check_net(net)
    budget = _check_budget(net, budget)
    scores = np.concatenate([np.abs(net.W1).ravel(), np.abs(net.W2).ravel()])
    order = np.argsort(-scores, kind="stable")
    return _masks_from_flat(net, order[:budget])


def random_masks(net: TwoLayerNet, budget: int, rng) -> Masks:
    """Keep ``budget`` weights chosen uniformly at random (without replacement) from both layers."""
    net = _check_net(net)
    budget = _check_budget(net, budget)
    rng = as_generator(rng)
    return _masks_from_flat(net, rng.choice(net.n_weights, size=budget, replace=False))


def _check_masks(net: TwoLayerNet, masks) -> Masks:
    if not isinstance(masks, Masks):
        raise TypeError(f"masks must be a Masks object (see global_magnitude_mask), got {type(masks).__name__}")
    if masks.W1.shape != net.W1.shape or masks.W2.shape != net.W2.shape:
        raise ValueError(
            f"masks must match the network: W1 {net.W1.shape}, W2 {net.W2.shape}; "
            f"got {masks.W1.shape} and {masks.W2.shape}"
        )
    return masks


def apply_masks(net: TwoLayerNet, masks: Masks) -> TwoLayerNet:
    """A copy of ``net`` with the pruned weights set to zero (biases untouched)."""
    net = _check_net(net)
    masks = _check_masks(net, masks)
    return TwoLayerNet(net.W1 * masks.W1, net.b1.copy(), net.W2 * masks.W2, net.b2.copy())


def live_hidden_units(masks: Masks) -> int:
    """Hidden units with at least one kept incoming AND at least one kept outgoing weight."""
    if not isinstance(masks, Masks):
        raise TypeError(f"masks must be a Masks object, got {type(masks).__name__}")
    return int(np.sum(masks.W1.any(axis=1) & masks.W2.any(axis=0)))


def expected_live_units(width, s: int, n_in: int = 64, n_out: int = 10) -> np.ndarray:
    """Expected live hidden units of a uniformly random mask keeping the dense width-``s`` weight count.

    With ``k`` hidden units each weight is kept with probability ``q = s/k`` (the budget
    ``s (n_in + n_out)`` out of ``k (n_in + n_out)`` weights); treating the weights as independent,
    a unit is live (:func:`live_hidden_units`: at least one kept incoming and one kept outgoing
    weight) with probability ``(1 - (1 - q)^n_in) (1 - (1 - q)^n_out)``.

    Parameters
    ----------
    width : int or array_like of int
        Hidden widths ``k >= s``.
    s : int
        Target width that sets the budget.
    n_in, n_out : int
        Inputs and outputs of the network.

    Returns
    -------
    ndarray
        ``k (1 - (1 - q)^n_in) (1 - (1 - q)^n_out)``, the shape of ``width``.

    Examples
    --------
    >>> float(expected_live_units(8, 8)), round(float(expected_live_units(128, 8)), 1)
    (8.0, 59.9)
    """
    k = np.asarray(width, dtype=float)
    s = as_int(s, "s", minimum=1)
    n_in, n_out = as_int(n_in, "n_in", minimum=1), as_int(n_out, "n_out", minimum=1)
    if np.any(k < s):
        raise ValueError(f"width must be at least s = {s}, got {width}")
    q = s / k
    return k * (1 - (1 - q) ** n_in) * (1 - (1 - q) ** n_out)


# ------------------------------------------------------------------------------------- training

_BETA1, _BETA2, _EPS = 0.9, 0.999, 1e-8


class _FlatNet:
    """Parameters (and gradients) in one flat vector with views, so Adam is a few array ops."""

    def __init__(self, net: TwoLayerNet):
        k, n_in, n_out = net.width, net.n_in, net.n_out
        dtype = net.W1.dtype
        sizes = [k * n_in, k, n_out * k, n_out]
        self.bounds = np.cumsum([0] + sizes)
        self.shapes = [(k, n_in), (k,), (n_out, k), (n_out,)]
        self.params = np.concatenate([p.ravel() for p in (net.W1, net.b1, net.W2, net.b2)]).astype(dtype)
        self.grads = np.zeros_like(self.params)

    def views(self, flat: np.ndarray) -> list[np.ndarray]:
        b = self.bounds
        return [flat[b[i] : b[i + 1]].reshape(self.shapes[i]) for i in range(4)]

    def to_net(self) -> TwoLayerNet:
        return TwoLayerNet(*(v.copy() for v in self.views(self.params)))


def train(net: TwoLayerNet, X, y, steps: int, lr: float = 3e-3, masks: Masks | None = None,
          schedule: str = "constant") -> TwoLayerNet:
    """Full-batch Adam on the mean softmax cross-entropy; returns a new network.

    Adam uses ``beta1 = 0.9``, ``beta2 = 0.999``, ``eps = 1e-8`` and bias correction. With
    ``masks``, the weights are multiplied by the masks once before training and the gradients at
    every step, so Adam's moments of the pruned weights stay zero and the pruned weights stay exactly
    zero. Biases are always trained.

    Parameters
    ----------
    net : TwoLayerNet
        Starting point (left unchanged).
    X : array_like of shape (n, n_in)
    y : array_like of int, shape (n,)
    steps : int
        Number of Adam steps (0 returns a masked copy of ``net``).
    lr : float
        Learning rate (the peak rate for ``schedule="cosine"``).
    masks : Masks, optional
        Weights to keep.
    schedule : {"constant", "cosine"}
        Constant rate, or ``lr * (1 + cos(pi t / steps)) / 2`` at step ``t = 0 .. steps - 1``.

    Returns
    -------
    TwoLayerNet
    """
    net = _check_net(net)
    X, y = _check_inputs(net, X, y)
    if y.size == 0:
        raise ValueError("X and y must contain at least one example")
    steps = as_int(steps, "steps", minimum=0)
    lr = as_float(lr, "lr", minimum=0.0, strict=True)
    if schedule not in ("constant", "cosine"):
        raise ValueError(f'schedule must be "constant" or "cosine", got {schedule!r}')
    flat = _FlatNet(net)
    W1, b1, W2, b2 = flat.views(flat.params)
    gW1, gb1, gW2, gb2 = flat.views(flat.grads)
    keep = None
    if masks is not None:
        masks = _check_masks(net, masks)
        keep = np.ones_like(flat.params)
        kW1, _, kW2, _ = flat.views(keep)
        kW1[...] = masks.W1
        kW2[...] = masks.W2
        flat.params *= keep
    n, dtype = y.size, flat.params.dtype
    rows = np.arange(n)
    ones = np.ones(n, dtype)
    hidden = np.empty((n, net.width), dtype)
    active = np.empty((n, net.width), bool)
    probs = np.empty((net.n_out, n), dtype)  # classes x examples: the softmax reduces over 10 rows
    column = np.empty(n, dtype)
    dhidden = np.empty((n, net.width), dtype)
    b2_column = b2.reshape(-1, 1)
    m = np.zeros_like(flat.params)
    v = np.zeros_like(flat.params)
    buf = np.empty_like(flat.params)
    g = flat.grads
    inv_n = dtype.type(1.0 / n)
    for t in range(steps):
        # forward: hidden = relu(X W1^T + b1); probs = softmax(W2 hidden^T + b2) column by column
        np.matmul(X, W1.T, out=hidden)
        hidden += b1
        np.greater(hidden, 0, out=active)
        np.maximum(hidden, 0, out=hidden)
        np.matmul(W2, hidden.T, out=probs)
        probs += b2_column
        np.max(probs, axis=0, out=column)
        probs -= column
        np.exp(probs, out=probs)
        np.sum(probs, axis=0, out=column)
        probs /= column
        # backward: d loss / d logits = (probs - onehot(y)) / n
        probs[y, rows] -= 1
        probs *= inv_n
        np.matmul(probs, hidden, out=gW2)
        np.sum(probs, axis=1, out=gb2)
        np.matmul(probs.T, W2, out=dhidden)
        dhidden *= active
        np.matmul(dhidden.T, X, out=gW1)
        np.matmul(ones, dhidden, out=gb1)
        if keep is not None:
            g *= keep
        # Adam with bias correction
        rate = lr if schedule == "constant" else lr * 0.5 * (1.0 + math.cos(math.pi * t / steps))
        m *= _BETA1
        np.multiply(g, 1 - _BETA1, out=buf)
        m += buf
        v *= _BETA2
        np.multiply(g, g, out=buf)
        buf *= 1 - _BETA2
        v += buf
        np.multiply(v, 1.0 / (1 - _BETA2 ** (t + 1)), out=buf)
        np.sqrt(buf, out=buf)
        buf += _EPS
        np.divide(m, buf, out=buf)
        buf *= rate / (1 - _BETA1 ** (t + 1))
        flat.params -= buf
    return flat.to_net()


def _error_rate_unchecked(net: TwoLayerNet, X: np.ndarray, y: np.ndarray) -> float:
    """:func:`error_rate` without re-validating the inputs (for the experiment loop); NaN for no examples."""
    if y.size == 0:
        return math.nan
    hidden = np.maximum(X @ net.W1.T + net.b1, 0)
    return float(np.mean(np.argmax(hidden @ net.W2.T + net.b2, axis=1) != y))


# ----------------------------------------------------------------------------------- experiment

VARIANTS = ("dense", "no_retrain", "magnitude_long", "random_long", "magnitude_short", "random_short")
"""Names of the networks compared by :func:`prune_experiment`, in a fixed order."""

MASK_RULES = ("magnitude", "random")
"""Names of the two pruning rules (keys of :attr:`PruneResults.live_units`)."""

QUANTITIES = ("test", "train", "clean_fitted", "memorised")
"""What :class:`PruneResults` records per variant: test error, training error (noisy labels), and the
fractions of the clean and of the flipped training images whose given label the network predicts."""


def _json_table(table, decimals: int) -> list:
    """A table as nested lists of floats rounded to ``decimals``, NaN written as ``None`` (JSON null)."""
    rounded = np.round(np.asarray(table, dtype=float), decimals)
    return np.where(np.isnan(rounded), None, rounded).tolist()


@dataclass
class PruneResults:
    """Errors of dense, pruned and retrained networks over seeds and widths (:func:`prune_experiment`).

    Attributes
    ----------
    widths : ndarray of int, shape (n_widths,)
        Hidden widths ``k`` of the dense networks (all ``>= s``).
    seeds : ndarray of int, shape (n_seeds,)
        Seeds; seed ``i`` and width ``k`` initialise the network with ``default_rng([i, k])``.
    s : int
        Target width: every pruned network keeps ``weight_budget(s)`` weights.
    settings : dict
        Training and data settings (steps, learning rate, budget, data sizes, label noise, ...).
    test_error, train_error : dict of str to ndarray of shape (n_seeds, n_widths)
        Error rates on the clean test labels and on the (noisy) training labels, one entry per
        variant in :data:`VARIANTS`.
    live_units : dict of str to ndarray of int, shape (n_seeds, n_widths)
        Hidden units that keep at least one incoming and one outgoing weight, per rule in
        :data:`MASK_RULES`.
    clean_fitted, memorised : dict of str to ndarray of shape (n_seeds, n_widths)
        Per variant, the fraction of the training images with an unflipped label, and of those with
        a flipped label, whose given label the network predicts (``memorised``: wrong labels learnt;
        NaN when no label was flipped). Empty for results saved before they were recorded.
    """

    widths: np.ndarray
    seeds: np.ndarray
    s: int
    settings: dict
    test_error: dict = field(default_factory=dict)
    train_error: dict = field(default_factory=dict)
    live_units: dict = field(default_factory=dict)
    clean_fitted: dict = field(default_factory=dict)
    memorised: dict = field(default_factory=dict)

    def table(self, variant: str, split: str = "test") -> np.ndarray:
        """The values of one variant, shape (n_seeds, n_widths) (``split`` as in :meth:`median`)."""
        if split not in QUANTITIES:
            raise ValueError(f"split must be one of {', '.join(QUANTITIES)}; got {split!r}")
        if variant not in VARIANTS:
            raise ValueError(f"variant must be one of {', '.join(VARIANTS)}; got {variant!r}")
        tables = {"test": self.test_error, "train": self.train_error, "clean_fitted": self.clean_fitted,
                  "memorised": self.memorised}[split]
        if variant not in tables:
            raise ValueError(f"these results do not record {split!r} (saved by an older version)")
        return tables[variant]

    def interpolation_band(self, high: float = 0.05, low: float = 0.005) -> tuple[int, int]:
        """Widths over which the dense network starts to fit its noisy training labels.

        The band runs from the largest width whose dense training error (mean over seeds) is still
        above ``high`` to the smallest width whose training error is at most ``low`` (with 1200
        training images and the defaults: from "misses more than 60 labels" to "misses at most 6").

        Parameters
        ----------
        high, low : float
            The two training-error levels, ``0 <= low < high``.

        Returns
        -------
        (int, int)
            The first and last width of the band.
        """
        high, low = as_float(high, "high", minimum=0.0), as_float(low, "low", minimum=0.0)
        if not low < high:
            raise ValueError(f"low must be below high, got low={low} and high={high}")
        train = self.table("dense", "train").mean(axis=0)
        fits = np.flatnonzero(train <= low)
        if fits.size == 0:
            raise ValueError(f"the dense network never reaches training error {low} at these widths")
        last = int(fits[0])
        above = np.flatnonzero(train[:last] > high)
        first = int(above[-1]) if above.size else 0
        return int(self.widths[first]), int(self.widths[last])

    def median(self, variant: str, split: str = "test") -> np.ndarray:
        """Median over seeds at every width, shape (n_widths,).

        ``split`` is one of :data:`QUANTITIES`: ``"test"`` or ``"train"`` error, or the fraction of
        the clean (``"clean_fitted"``) or flipped (``"memorised"``) training labels fitted.
        """
        return np.median(self.table(variant, split), axis=0)

    def spread(self, variant: str, split: str = "test") -> tuple[np.ndarray, np.ndarray]:
        """Smallest and largest value over seeds at every width (``split`` as in :meth:`median`)."""
        table = self.table(variant, split)
        return table.min(axis=0), table.max(axis=0)

    def summary(self, variant: str, split: str = "test"):
        """An :class:`overparam.experiments.Summary` over widths, seeds as trials (``split`` as in :meth:`median`)."""
        from .experiments import summarize

        return summarize(self.widths, self.table(variant, split))

    def select(self, seeds=None, widths=None) -> "PruneResults":
        """The results restricted to some seeds and/or widths (each must be present)."""
        rows = self._positions(self.seeds, seeds, "seeds")
        cols = self._positions(self.widths, widths, "widths")

        def pick(tables: dict) -> dict:
            return {key: table[np.ix_(rows, cols)].copy() for key, table in tables.items()}

        return PruneResults(
            self.widths[cols].copy(), self.seeds[rows].copy(), self.s, dict(self.settings),
            pick(self.test_error), pick(self.train_error), pick(self.live_units),
            pick(self.clean_fitted), pick(self.memorised),
        )

    @staticmethod
    def _positions(have: np.ndarray, want, name: str) -> np.ndarray:
        if want is None:
            return np.arange(have.size)
        want = as_int_array(want, name)
        missing = [int(w) for w in want if w not in have]
        if missing:
            raise ValueError(f"{name} {missing} are not in these results ({have.tolist()})")
        return np.array([int(np.flatnonzero(have == w)[0]) for w in want])

    def to_dict(self, decimals: int = 6) -> dict:
        """A JSON-able dict (fractions rounded to ``decimals``; 6 keeps every count of images exact; NaN as None)."""
        decimals = as_int(decimals, "decimals", minimum=0)
        out = {"widths": self.widths.tolist(), "seeds": self.seeds.tolist(), "s": int(self.s),
               "settings": dict(self.settings)}
        for key in ("test_error", "train_error", "clean_fitted", "memorised"):
            out[key] = {v: _json_table(t, decimals) for v, t in getattr(self, key).items()}
        out["live_units"] = {r: np.asarray(t, dtype=int).tolist() for r, t in self.live_units.items()}
        return out

    @classmethod
    def from_dict(cls, data: dict) -> "PruneResults":
        """Rebuild results from :meth:`to_dict`'s output (``clean_fitted`` and ``memorised`` optional)."""
        if not isinstance(data, dict):
            raise TypeError(f"data must be a dict (from PruneResults.to_dict), got {type(data).__name__}")
        missing = [key for key in ("widths", "seeds", "s", "settings", "test_error", "train_error", "live_units")
                   if key not in data]
        if missing:
            raise ValueError(f"data is missing the keys {missing}")

        def tables(key: str, dtype=float) -> dict:
            return {v: np.asarray(t, dtype=dtype) for v, t in data.get(key, {}).items()}

        return cls(
            np.asarray(data["widths"], dtype=int), np.asarray(data["seeds"], dtype=int), int(data["s"]),
            dict(data["settings"]), tables("test_error"), tables("train_error"), tables("live_units", int),
            tables("clean_fitted"), tables("memorised"),
        )


def _train_variants(data: Digits, width: int, s: int, seed: int, steps: dict, lr: float) -> tuple[dict, dict]:
    """The networks of every variant for one (seed, width), and the two masks."""
    Xtr, ytr = data.X_train, data.y_train
    init = init_network(width, np.random.default_rng([seed, width]), data.n_features, data.n_classes)
    budget = weight_budget(s, data.n_features, data.n_classes)
    dense = train(init, Xtr, ytr, steps["dense"], lr)
    masks = {"magnitude": global_magnitude_mask(dense, budget),
             "random": random_masks(dense, budget, np.random.default_rng([seed, width, 1]))}
    nets = {"dense": dense, "no_retrain": apply_masks(dense, masks["magnitude"])}
    for rule, mask in masks.items():
        nets[f"{rule}_long"] = train(init, Xtr, ytr, steps["long"], lr, masks=mask, schedule="constant")
        nets[f"{rule}_short"] = train(init, Xtr, ytr, steps["short"], lr, masks=mask, schedule="cosine")
    return nets, masks


def _measure(data: Digits, net: TwoLayerNet) -> dict:
    """Test and training error, and the fractions of clean and flipped training labels fitted."""
    flip = data.flipped
    return {
        "test": _error_rate_unchecked(net, data.X_test, data.y_test),
        "train": _error_rate_unchecked(net, data.X_train, data.y_train),
        "clean_fitted": 1.0 - _error_rate_unchecked(net, data.X_train[~flip], data.y_train[~flip]),
        "memorised": 1.0 - _error_rate_unchecked(net, data.X_train[flip], data.y_train[flip]),
    }


def _check_experiment_args(data, widths, s, seeds, steps: dict, lr, progress):
    if not isinstance(data, Digits):
        raise TypeError(f"data must be a Digits object (see load_digits_data), got {type(data).__name__}")
    s = as_int(s, "s", minimum=1)
    widths = as_int_array(widths, "widths", minimum=s)
    if np.any(np.diff(widths) <= 0):
        raise ValueError(f"widths must be strictly increasing, got {widths.tolist()}")
    seeds = as_int_array(seeds, "seeds", minimum=0)
    if np.unique(seeds).size != seeds.size:
        raise ValueError(f"seeds must be distinct, got {seeds.tolist()}")
    steps = {key: as_int(value, f"{key}_steps", minimum=1) for key, value in steps.items()}
    lr = as_float(lr, "lr", minimum=0.0, strict=True)
    if progress is not None and not callable(progress):
        raise TypeError(f"progress must be callable or None, got {type(progress).__name__}")
    return widths, s, seeds, steps, lr


def prune_experiment(data: Digits, widths, s: int, seeds, dense_steps: int = 2000, long_steps: int = 2000,
                     short_steps: int = 400, lr: float = 3e-3, progress=None) -> PruneResults:
    """Train large, prune to a fixed budget, retrain: the paper's recipe at every width ``k >= s``.

    For every seed and width ``k`` (network initialised with ``default_rng([seed, k])``):

    1. ``"dense"``: train the width-``k`` network from its initialisation (``dense_steps`` Adam
       steps at constant ``lr``);
    2. prune it to ``weight_budget(s)`` weights with :func:`global_magnitude_mask`;
       ``"no_retrain"`` is the dense network with the other weights zeroed;
    3. ``"magnitude_long"`` / ``"magnitude_short"``: rewind the kept weights to their initial values
       and retrain with the mask, ``long_steps`` at constant ``lr`` or ``short_steps`` with a cosine
       decay;
    4. ``"random_long"`` / ``"random_short"``: the same with :func:`random_masks` (same budget,
       generator ``default_rng([seed, k, 1])``).

    Every network is measured on the test set, on the training set, and separately on the training
    images whose label is clean and those whose label was flipped (:data:`QUANTITIES`). At ``k = s``
    both masks keep every weight, so the sparse networks are dense width-``s`` networks trained with
    each recipe. Every (seed, width) pair is independent of the others, so a subset can be rerun and
    compared.

    Parameters
    ----------
    data : Digits
        From :func:`load_digits_data`.
    widths : sequence of int
        Increasing widths, each at least ``s``.
    s : int
        Target width of the budget.
    seeds : int or sequence of int
        Non-negative seeds, distinct.
    dense_steps, long_steps, short_steps : int
        Adam steps of the dense training and of the long and short retraining (each at least 1).
    lr : float
        Adam learning rate (peak rate of the cosine schedule).
    progress : callable, optional
        Called as ``progress(seed, width)`` after each pair (for example to print progress).

    Returns
    -------
    PruneResults
    """
    widths, s, seeds, steps, lr = _check_experiment_args(
        data, widths, s, seeds, {"dense": dense_steps, "long": long_steps, "short": short_steps}, lr, progress)
    shape = (seeds.size, widths.size)
    tables = {q: {v: np.zeros(shape) for v in VARIANTS} for q in QUANTITIES}
    live = {r: np.zeros(shape, dtype=int) for r in MASK_RULES}
    for i, seed in enumerate(seeds):
        for j, width in enumerate(widths):
            nets, masks = _train_variants(data, int(width), s, int(seed), steps, lr)
            for v, net in nets.items():
                for q, value in _measure(data, net).items():
                    tables[q][v][i, j] = value
            for r, mask in masks.items():
                live[r][i, j] = live_hidden_units(mask)
            if progress is not None:
                progress(int(seed), int(width))
    settings = {
        "dense_steps": steps["dense"], "long_steps": steps["long"], "short_steps": steps["short"], "lr": lr,
        "budget": weight_budget(s, data.n_features, data.n_classes), "n_train": data.n_train,
        "n_test": data.n_test, "label_noise": float(np.mean(data.flipped)),
    }
    return PruneResults(widths, seeds, s, settings, tables["test"], tables["train"], live,
                        tables["clean_fitted"], tables["memorised"])


# ------------------------------------------------------------------------------ paper and reference

def _frozen(values) -> np.ndarray:
    arr = np.array(values, dtype=float)
    arr.setflags(write=False)
    return arr


PAPER_RESNET20 = {
    "widths": _frozen([5, 8, 10, 14, 18, 20, 25, 30, 40, 50]),
    "dense": _frozen([0.25, 0.19, 0.18, 0.195, 0.185, 0.16, 0.137, 0.135, 0.107, 0.112]),
    "sparse_s10": _frozen([np.nan, np.nan, 0.18, 0.22, 0.22, 0.18, 0.16, 0.135, 0.11, 0.112]),
    "sparse_s5": _frozen([0.25, 0.24, 0.23, 0.27, 0.295, 0.28, 0.25, 0.19, 0.19, 0.16]),
    "random_s5_k50": 0.23,
    "no_retrain_s5": (0.65, 0.72),
}
"""Test errors of ResNet-20 of width ``k`` on CIFAR-10, read off the published figure of Chang, Li,
Oymak & Thrampoulidis (AAAI 2021, arXiv 2012.08749) — approximate, to about ±0.01.

``"dense"``: the dense width-``k`` network; ``"sparse_s10"``, ``"sparse_s5"``: the width-``k`` network
pruned by global magnitude to the target "width s" and retrained from its rewound initialisation
(NaN where ``k < s``, not measured); ``"random_s5_k50"``: random pruning to ``s = 5`` from ``k = 50``;
``"no_retrain_s5"``: the range of errors of magnitude pruning to ``s = 5`` without retraining. The
paper's budget keeps the fraction ``s/k`` of all weights of the deep network, which is more weights
than a dense width-``s`` ResNet has.
"""


REFERENCE_RUNS = ("noisy", "clean")
"""The stored reference runs: ``"noisy"`` (20% of the training labels flipped) and ``"clean"`` (none)."""


def load_reference(run: str = "noisy") -> PruneResults:
    """A stored reference run of :func:`prune_experiment` shipped with the package.

    Parameters
    ----------
    run : {"noisy", "clean"}
        ``"noisy"``: 20% of the training labels flipped, widths 8–128, 5 seeds (lesson 10's main
        run); ``"clean"``: the same settings without label noise, fewer widths and seeds.

    Returns
    -------
    PruneResults
        Its ``settings`` say how it was made. Regenerate both runs with ``python -m overparam.nn_reference``.
    """
    from importlib import resources

    if run not in REFERENCE_RUNS:
        raise ValueError(f"run must be one of {', '.join(REFERENCE_RUNS)}; got {run!r}")
    text = resources.files("overparam").joinpath("data", "nn_reference.json").read_text(encoding="utf-8")
    return PruneResults.from_dict(json.loads(text)[run])
