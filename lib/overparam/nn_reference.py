"""Regenerate the stored reference runs of the pruning experiment on the digits (lesson 10).

Run from anywhere::

    python -m overparam.nn_reference              # full runs, rewrite the shipped JSON file
    python -m overparam.nn_reference --reduced    # rerun a few (seed, width) pairs, compare
    python -m overparam.nn_reference --output results.json

The full mode calls :func:`overparam.nn.prune_experiment` twice on the same 1200 training digits,
target width ``s = 8`` (budget 592 weights), with the library's default training settings:

* ``"noisy"``: 20% of the training labels flipped, widths ``RUNS["noisy"]["widths"]``, seeds
  ``RUNS["noisy"]["seeds"]`` — lesson 10's main run;
* ``"clean"``: no label noise, fewer widths and seeds (``RUNS["clean"]``) — the control.

Both are stored (fractions rounded to 6 decimals, so every count of images is exact) in
``overparam/data/nn_reference.json`` as ``{"noisy": ..., "clean": ...}``, read back by
:func:`overparam.nn.load_reference`. It takes a few minutes on one core.

The reduced mode reruns, for each run, the pairs ``REDUCED[run]`` (seeds × widths) with the same
settings and prints the largest difference from the stored run in images, per quantity and variant;
with ``--output`` it also writes its own results. Every (seed, width) pair of the experiment is
seeded independently, so on the same platform the rerun reproduces the stored numbers exactly.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from importlib import resources
from pathlib import Path

import numpy as np

from . import nn

__all__ = ["N_TRAIN", "DATA_SEED", "S", "RUNS", "REDUCED", "platform_fingerprint", "run", "differences", "main"]

N_TRAIN, DATA_SEED = 1200, 0
"""Training-set size and seed of :func:`overparam.nn.load_digits_data` (shuffle and flips) for both runs."""

S = 8
"""Target width: the pruned networks keep ``nn.weight_budget(8) = 592`` weights."""

RUNS = {
    "noisy": {"label_noise": 0.2, "widths": (8, 10, 12, 16, 20, 24, 32, 48, 64, 96, 128), "seeds": (0, 1, 2, 3, 4)},
    "clean": {"label_noise": 0.0, "widths": (8, 16, 32, 64, 128), "seeds": (0, 1, 2)},
}
"""The stored runs: label noise, widths and seeds of each (keys as in :data:`overparam.nn.REFERENCE_RUNS`)."""

REDUCED = {"noisy": {"widths": (10, 24, 64), "seeds": (0,)}, "clean": {"widths": (16,), "seeds": (0,)}}
"""The (seed, width) pairs the reduced mode reruns, per run."""


def platform_fingerprint() -> str:
    """NumPy's version, its BLAS (library, version, CPU kernel) and its SIMD extensions.

    Training is chaotic: a change in the last bit of one initial weight moves the final errors by
    up to a few percent. Bit-identical reruns therefore need the same arithmetic — the same NumPy
    and BLAS, dispatching to the same CPU kernels — which this string identifies.
    """
    from threadpoolctl import threadpool_info

    blas = [f"{i.get('internal_api')} {i.get('version')} {i.get('architecture')}" for i in threadpool_info()
            if i.get("user_api") == "blas" and "numpy" in str(i.get("filepath", ""))]
    try:
        from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__

        simd = " ".join(f for f in __cpu_dispatch__ if __cpu_features__.get(f))
    except ImportError:  # pragma: no cover - private NumPy API moved
        simd = "unknown"
    return f"numpy {np.__version__}; blas {', '.join(blas) or 'unknown'}; simd {simd}"


def run(name: str = "noisy", reduced: bool = False, progress=None) -> nn.PruneResults:
    """Run one stored experiment (``"noisy"`` or ``"clean"``), or its reduced subset, with the stored settings."""
    if name not in RUNS:
        raise ValueError(f"name must be one of {', '.join(RUNS)}; got {name!r}")
    spec = REDUCED[name] if reduced else RUNS[name]
    data = nn.load_digits_data(n_train=N_TRAIN, label_noise=RUNS[name]["label_noise"], seed=DATA_SEED)
    results = nn.prune_experiment(data, spec["widths"], S, spec["seeds"], progress=progress)
    results.settings.update({"data_seed": DATA_SEED, "platform": platform_fingerprint(),
                             "generated_by": "python -m overparam.nn_reference"})
    return results


def differences(results: nn.PruneResults, reference: nn.PruneResults) -> dict:
    """Largest difference, in numbers of images, between ``results`` and the same pairs of ``reference``.

    Returns a dict ``{quantity: {variant: int}, "live_units": {rule: int}}`` with the quantities of
    :data:`overparam.nn.QUANTITIES` (test and training errors counted in test and training images,
    the fractions of clean and flipped training labels fitted in clean and flipped images; 0 where
    there are no flipped labels).
    """
    ref = reference.select(seeds=results.seeds, widths=results.widths)
    n_train, n_test = results.settings["n_train"], results.settings["n_test"]
    n_flipped = int(round(results.settings["label_noise"] * n_train))
    sizes = {"test": n_test, "train": n_train, "clean_fitted": n_train - n_flipped, "memorised": n_flipped}

    def images(a, b, n):
        gap = np.abs(np.round(np.asarray(a) * n) - np.round(np.asarray(b) * n))
        return int(np.nanmax(gap)) if np.any(np.isfinite(gap)) else 0

    out = {q: {v: images(results.table(v, q), ref.table(v, q), sizes[q]) for v in nn.VARIANTS}
           for q in nn.QUANTITIES}
    out["live_units"] = {r: int(np.max(np.abs(results.live_units[r] - ref.live_units[r]))) for r in nn.MASK_RULES}
    return out


def _default_output() -> Path:
    return Path(str(resources.files("overparam").joinpath("data", "nn_reference.json")))


def main(argv=None) -> int:
    """Command-line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m overparam.nn_reference", description=__doc__.splitlines()[0])
    parser.add_argument("--reduced", action="store_true",
                        help="rerun only a few (seed, width) pairs and compare them with the stored runs")
    parser.add_argument("--output", type=Path, default=None,
                        help="where to write the results as JSON (default: the shipped file, full run only)")
    args = parser.parse_args(argv)
    output = args.output if args.output is not None or args.reduced else _default_output()

    start = time.perf_counter()
    results = {}
    for name in RUNS:
        def progress(seed, width, name=name):
            print(f"{name}: seed {seed} width {width:4d}  {time.perf_counter() - start:6.1f} s", flush=True)

        results[name] = run(name, reduced=args.reduced, progress=progress)
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps({name: r.to_dict() for name, r in results.items()}, separators=(",", ":"))
        output.write_text(text + "\n", encoding="utf-8")
        print(f"wrote {output}")
    if args.reduced:
        for name, r in results.items():
            diff = differences(r, nn.load_reference(name))
            print(f"{name}: largest difference from the stored run, in images:", json.dumps(diff))
    print(f"done in {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
