"""Regenerate the stored reference run of the pruning experiment on the digits (lesson 10).

Run from anywhere::

    python -m overparam.nn_reference              # full run, rewrites the shipped JSON file
    python -m overparam.nn_reference --reduced    # rerun a few (seed, width) pairs, compare
    python -m overparam.nn_reference --output results.json

The full run calls :func:`overparam.nn.prune_experiment` on 1200 digits with 20% flipped training
labels, target width ``s = 8`` (budget 592 weights), widths ``REFERENCE_WIDTHS`` and seeds
``REFERENCE_SEEDS``, and stores the result (errors rounded to 6 decimals, so every count of images is
exact) in ``overparam/data/nn_reference.json``, read back by :func:`overparam.nn.load_reference`. It
takes a few minutes on one core.

The reduced mode reruns the pairs ``REDUCED_SEEDS`` × ``REDUCED_WIDTHS`` with the same settings and
prints, for each variant, the largest difference from the stored run in test and training images;
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

__all__ = ["DATA", "S", "REFERENCE_WIDTHS", "REFERENCE_SEEDS", "REDUCED_WIDTHS", "REDUCED_SEEDS",
           "platform_fingerprint", "run", "differences", "main"]

DATA = {"n_train": 1200, "label_noise": 0.2, "seed": 0}
"""Arguments of :func:`overparam.nn.load_digits_data` for the reference run."""

S = 8
REFERENCE_WIDTHS = (8, 10, 12, 16, 20, 24, 32, 48, 64, 96, 128)
REFERENCE_SEEDS = (0, 1, 2, 3, 4)
REDUCED_WIDTHS = (10, 24, 64)
REDUCED_SEEDS = (0,)


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


def run(reduced: bool = False, progress=None) -> nn.PruneResults:
    """Run the reference experiment (or its reduced subset) with the stored settings."""
    data = nn.load_digits_data(**DATA)
    widths, seeds = (REDUCED_WIDTHS, REDUCED_SEEDS) if reduced else (REFERENCE_WIDTHS, REFERENCE_SEEDS)
    results = nn.prune_experiment(data, widths, S, seeds, progress=progress)
    results.settings.update({"data_seed": DATA["seed"], "platform": platform_fingerprint(),
                             "generated_by": "python -m overparam.nn_reference"})
    return results


def differences(results: nn.PruneResults, reference: nn.PruneResults) -> dict:
    """Largest difference, in numbers of images, between ``results`` and the same pairs of ``reference``.

    Returns a dict ``{"test": {variant: int}, "train": {variant: int}, "live_units": {rule: int}}``.
    """
    ref = reference.select(seeds=results.seeds, widths=results.widths)
    n_test, n_train = results.settings["n_test"], results.settings["n_train"]

    def images(a, b, n):
        return int(np.max(np.abs(np.round(np.asarray(a) * n) - np.round(np.asarray(b) * n))))

    return {
        "test": {v: images(results.test_error[v], ref.test_error[v], n_test) for v in nn.VARIANTS},
        "train": {v: images(results.train_error[v], ref.train_error[v], n_train) for v in nn.VARIANTS},
        "live_units": {r: int(np.max(np.abs(results.live_units[r] - ref.live_units[r]))) for r in nn.MASK_RULES},
    }


def _default_output() -> Path:
    return Path(str(resources.files("overparam").joinpath("data", "nn_reference.json")))


def main(argv=None) -> int:
    """Command-line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m overparam.nn_reference", description=__doc__.splitlines()[0])
    parser.add_argument("--reduced", action="store_true",
                        help="rerun only a few (seed, width) pairs and compare them with the stored run")
    parser.add_argument("--output", type=Path, default=None,
                        help="where to write the results as JSON (default: the shipped file, full run only)")
    args = parser.parse_args(argv)
    output = args.output if args.output is not None or args.reduced else _default_output()

    start = time.perf_counter()

    def progress(seed, width):
        print(f"seed {seed} width {width:4d}  {time.perf_counter() - start:6.1f} s", flush=True)

    results = run(reduced=args.reduced, progress=progress)
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(results.to_dict(), separators=(",", ":")) + "\n", encoding="utf-8")
        print(f"wrote {output}")
    if args.reduced:
        diff = differences(results, nn.load_reference())
        print("largest difference from the stored run, in images:", json.dumps(diff))
    print(f"done in {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
