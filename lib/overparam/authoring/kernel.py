"""Run a notebook in memory on the Python that runs this code (for tests and the benchmark).

The committed notebooks name the standard ``python3`` kernel, but a machine may have several kernels
of that name (a system Jupyter, another virtual environment). Tests and the benchmark must measure
the environment they run in, so they start ``ipykernel`` with ``sys.executable`` instead of looking
the kernel up by name — the same idea as nbval's ``--nbval-current-env``.

Figures: ipykernel picks the inline backend only when ``MPLBACKEND`` is unset, and a test run under
``MPLBACKEND=Agg`` would otherwise produce notebooks without figures. :func:`kernel_env` therefore
names the inline backend explicitly, so results do not depend on the caller's ``MPLBACKEND``.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from pathlib import Path

import nbformat
from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from traitlets import default

__all__ = [
    "CURRENT_ENV_KERNEL",
    "INLINE_BACKEND",
    "kernel_env",
    "run_notebook",
]

#: Kernel name that means "ipykernel on this process's Python", whatever kernelspecs exist.
CURRENT_ENV_KERNEL = "overparam-current-env"
#: The backend ipykernel uses by default; notebooks are stored with its outputs.
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"


class _CurrentEnvSpecs(KernelSpecManager):
    """Kernelspec manager that also knows :data:`CURRENT_ENV_KERNEL`."""

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        if kernel_name == CURRENT_ENV_KERNEL:
            import ipykernel.kernelspec

            return KernelSpec(resource_dir=ipykernel.kernelspec.RESOURCES, **ipykernel.kernelspec.get_kernel_dict())
        return super().get_kernel_spec(kernel_name)


class CurrentEnvKernelManager(AsyncKernelManager):
    """Kernel manager whose kernelspecs include :data:`CURRENT_ENV_KERNEL`."""

    @default("kernel_spec_manager")
    def _default_specs(self) -> KernelSpecManager:
        return _CurrentEnvSpecs(data_dir=self.data_dir)


def kernel_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """Environment for a notebook kernel: this process's, with the inline matplotlib backend."""
    env = dict(os.environ)
    env["MPLBACKEND"] = INLINE_BACKEND
    env.update(extra or {})
    return env


def run_notebook(
    nb: nbformat.NotebookNode,
    folder: str | os.PathLike,
    *,
    allow_errors: bool = False,
    timeout: int = 300,
    env: Mapping[str, str] | None = None,
    kernel_probe: Callable[[int], None] | None = None,
) -> float:
    """Execute ``nb`` in memory (outputs are written into ``nb``) and return the seconds taken.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The notebook; it is modified in place, no file is written.
    folder : path
        Working directory of the kernel (a notebook runs in its own folder).
    allow_errors : bool
        Keep going after a cell raises (the error is stored as an output of that cell).
    timeout : int
        Seconds allowed per cell.
    env : mapping, optional
        Environment of the kernel; default :func:`kernel_env`.
    kernel_probe : callable, optional
        Called with the kernel's process id after every code cell, while the kernel is alive (the
        benchmark reads the kernel's memory high-water mark with it).
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise ValueError(f"folder must be an existing directory, got {str(folder)!r}")
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name=CURRENT_ENV_KERNEL,
        kernel_manager_class=CurrentEnvKernelManager,
        resources={"metadata": {"path": str(folder.resolve())}},
        allow_errors=allow_errors,
        record_timing=False,
        store_widget_state=False,
    )
    if kernel_probe is not None:

        def after_cell(**_) -> None:
            pid = getattr(getattr(client.km, "provisioner", None), "pid", None)
            if pid is not None:
                kernel_probe(pid)

        client.on_cell_executed = after_cell
    start = time.perf_counter()
    client.execute(env=dict(env) if env is not None else kernel_env())
    return time.perf_counter() - start
