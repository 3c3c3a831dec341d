"""The README's course-map figures, taken from the lessons' own stored outputs.

A lesson marks the figure that stands for its part of the course with the cell tag
``course-map``; :func:`export_course_map_figures` writes the first PNG output of each such cell to
``lessons/figures/<notebook stem>.png``. Re-run it after re-executing the lessons
(``python -m overparam.authoring figures``), so the README always shows what the lessons show.
"""

from __future__ import annotations

import base64
from pathlib import Path

import nbformat

__all__ = ["export_course_map_figures", "TAG"]

TAG = "course-map"


def export_course_map_figures(root: str | Path = ".") -> list[Path]:
    """Write the tagged figures of every lesson under ``root`` and return the paths written."""
    root = Path(root)
    out_dir = root / "lessons" / "figures"
    written = []
    for path in sorted((root / "lessons").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type != "code" or TAG not in cell.metadata.get("tags", []):
                continue
            pngs = [o["data"]["image/png"] for o in cell.get("outputs", []) if "image/png" in o.get("data", {})]
            if not pngs:
                raise ValueError(f"{path}: the cell tagged {TAG!r} has no PNG output; execute the notebook first")
            out_dir.mkdir(parents=True, exist_ok=True)
            target = out_dir / f"{path.stem}.png"
            target.write_bytes(base64.b64decode(pngs[0]))
            written.append(target)
            break
    return written
