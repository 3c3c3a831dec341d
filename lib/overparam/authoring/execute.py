"""Re-execute a notebook top to bottom and store it in the course's canonical form."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat

__all__ = ["execute_notebook", "normalize_notebook", "KERNELSPEC"]

#: The kernel every committed notebook names.
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}

_VOLATILE_CELL_KEYS = ("execution", "ExecuteTime", "collapsed", "scrolled")
_WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


def normalize_notebook(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Strip machine-specific metadata and widget state; name the standard ``python3`` kernel."""
    nb.metadata = nbformat.from_dict({"kernelspec": dict(KERNELSPEC), "language_info": {"name": "python"}})
    for cell in nb.cells:
        for key in _VOLATILE_CELL_KEYS:
            cell.metadata.pop(key, None)
        # A stored widget view without its state shows "model not found" when the notebook is
        # opened; keep only the plain-text form, the live widget appears when the cell is run.
        for output in cell.get("outputs", []):
            output.get("data", {}).pop(_WIDGET_MIME, None)
        if "outputs" in cell:
            cell.outputs = _merge_streams(cell.outputs)
    return nb


def _merge_streams(outputs: list) -> list:
    """Join consecutive stream outputs of the same stream: how a kernel chunks them is timing."""
    merged = []
    for output in outputs:
        previous = merged[-1] if merged else None
        if (
            output.get("output_type") == "stream"
            and previous is not None
            and previous.get("output_type") == "stream"
            and previous.get("name") == output.get("name")
        ):
            previous["text"] = "".join(previous["text"]) + "".join(output["text"])
        else:
            merged.append(output)
    return merged


def execute_notebook(path: str | os.PathLike, timeout: int = 600) -> float:
    """Execute the notebook at ``path`` in place (in its own folder) and return the seconds taken.

    The kernel is ``ipykernel`` on the Python running this command, with the inline matplotlib
    backend whatever ``MPLBACKEND`` says (see :mod:`overparam.authoring.kernel`), so the stored
    outputs are what a learner's JupyterLab and the tests produce.

    Raises
    ------
    nbclient.exceptions.CellExecutionError
        If a cell raises (unless the cell is tagged ``raises-exception``).
    """
    from .kernel import run_notebook

    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    seconds = run_notebook(nb, path.parent, timeout=timeout)
    normalize_notebook(nb)
    nbformat.write(nb, path)
    return seconds
