"""Benchmark worker: execute ONE notebook in memory and measure its kernel (run as a script).

``python .../_notebook_worker.py NOTEBOOK --json OUT`` — started by :mod:`overparam.authoring.benchmark`
in a fresh process per notebook. It is run by path, not as ``-m overparam…``, so that it does not
import the ``overparam`` package (numpy, scipy, matplotlib): on Linux a child inherits its parent's
memory high-water mark at ``fork`` and keeps it across ``exec``, so the kernel's
``ru_maxrss`` is never below this runner's size when the kernel starts. Keeping the runner small
(about 65 MB, only the Jupyter client libraries) keeps that floor far below any real kernel, and the
worker records the floor and an independent reading (the kernel's own ``VmHWM``) to prove it.

Output (JSON): ``seconds`` (wall time incl. kernel start), ``kernel_mb`` (``RUSAGE_CHILDREN``
``ru_maxrss`` after the kernel was shut down and reaped), ``kernel_hwm_mb`` (the kernel's ``VmHWM``
read from /proc after its last cell; Linux only, else null), ``runner_mb`` (this runner's own
memory high-water mark just before starting the kernel: the floor), ``errors`` (``"Name (code cell k)"``).
"""

from __future__ import annotations

import sys

if sys.path and sys.path[0]:
    del sys.path[0]  # this folder: its modules are loaded explicitly below, not as top-level names

import argparse
import importlib.util
import json
import os
import resource
import time
from pathlib import Path

_SCALE = 1024.0 * 1024.0 if sys.platform == "darwin" else 1024.0  # ru_maxrss: bytes (macOS), KiB


def _load_kernel_module():
    spec = importlib.util.spec_from_file_location("_overparam_authoring_kernel", Path(__file__).with_name("kernel.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _vm_hwm_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return float(line.split()[1]) / 1024.0
    except OSError:
        return None
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebook", type=Path)
    parser.add_argument("--json", type=Path, required=True)
    args = parser.parse_args()

    import nbformat

    kernel = _load_kernel_module()
    nb = nbformat.read(args.notebook, as_version=4)
    hwm = []

    def probe(pid: int) -> None:
        value = _vm_hwm_mb(pid)
        if value is not None:
            hwm.append(value)

    # The floor a forked child inherits is this process's memory high-water mark (VmHWM), not its
    # ru_maxrss (which also carries the high-water mark inherited from whoever started this runner).
    runner_mb = _vm_hwm_mb(os.getpid())
    if runner_mb is None:
        runner_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / _SCALE
    seconds = kernel.run_notebook(
        nb,
        args.notebook.parent,
        allow_errors=True,
        timeout=300,
        env=kernel.kernel_env(),
        kernel_probe=probe,
    )
    # nbclient shuts the kernel down and waits for it; reap anything left so it is counted.
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            break
        if pid == 0:
            time.sleep(0.1)
    kernel_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / _SCALE

    errors = []
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    for number, cell in enumerate(code_cells, start=1):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                errors.append(f"{output.get('ename')} (code cell {number})")
    result = {
        "seconds": seconds,
        "kernel_mb": kernel_mb,
        "kernel_hwm_mb": max(hwm) if hwm else None,
        "runner_mb": runner_mb,
        "errors": errors,
    }
    args.json.write_text(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
