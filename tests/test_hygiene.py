"""Hygiene of the committed notebooks: run in order, portable, small, and free of machine state.

Lessons (``lessons/*.ipynb``) and solutions (``exercises/solutions/*.ipynb``) are stored executed
(re-execute with ``python -m overparam.authoring execute PATH``); learner notebooks
(``exercises/*.ipynb``) are stored without outputs (``python -m overparam.authoring learner``).
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
LESSONS = sorted((ROOT / "lessons").glob("*.ipynb"))
SOLUTIONS = sorted((ROOT / "exercises" / "solutions").glob("*.ipynb"))
LEARNERS = sorted((ROOT / "exercises").glob("*.ipynb"))
EXECUTED = LESSONS + SOLUTIONS
ALL = EXECUTED + LEARNERS

MAX_BYTES = 2 * 1024 * 1024
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
EXECUTE = "re-execute it with `python -m overparam.authoring execute {path}`"

#: Source patterns that tie a notebook to one machine or one way of starting it.
FORBIDDEN_SOURCE = {
    "sys.path edit": re.compile(r"\bsys\.path\s*(\.\s*(append|insert|extend)\b|\+?=)"),
    "%run": re.compile(r"^\s*%run\b", re.MULTILINE),
    "absolute machine path": re.compile(r"(/home/|/root/|/work/|/tmp/|\bC:\\)", re.IGNORECASE),
}


def _ids(paths):
    return [str(p.relative_to(ROOT)) for p in paths]


def _read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def _rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def _outputs(nb):
    for number, cell in enumerate((c for c in nb.cells if c.cell_type == "code"), start=1):
        for output in cell.get("outputs", []):
            yield number, output


@pytest.mark.parametrize("path", EXECUTED, ids=_ids(EXECUTED))
def test_executed_top_to_bottom_in_order(path: Path):
    counts = [c.get("execution_count") for c in _read(path).cells if c.cell_type == "code"]
    expected = list(range(1, len(counts) + 1))
    assert counts == expected, (
        f"code cells' execution counts are {counts}, expected {expected} (run top to bottom in a fresh "
        f"kernel, no empty code cells); " + EXECUTE.format(path=_rel(path))
    )


@pytest.mark.parametrize("path", ALL, ids=_ids(ALL))
def test_standard_kernel_and_no_widget_state(path: Path):
    nb = _read(path)
    name = nb.metadata.get("kernelspec", {}).get("name")
    assert name == "python3", f"kernelspec name is {name!r}, expected 'python3'"
    assert "widgets" not in nb.metadata, "notebook metadata stores widget state; " + EXECUTE.format(path=_rel(path))
    views = [n for n, out in _outputs(nb) if WIDGET_MIME in out.get("data", {})]
    assert not views, f"widget views stored in code cells {views} (they show 'model not found')"


@pytest.mark.parametrize("path", EXECUTED, ids=_ids(EXECUTED))
def test_no_error_outputs(path: Path):
    errors = [f"code cell {n}: {out.get('ename')}: {out.get('evalue')}" for n, out in _outputs(_read(path))
              if out.get("output_type") == "error"]
    assert not errors, "stored error outputs:\n" + "\n".join(errors)


@pytest.mark.parametrize("path", ALL, ids=_ids(ALL))
def test_sources_are_portable(path: Path):
    problems = []
    for index, cell in enumerate(_read(path).cells):
        for what, pattern in FORBIDDEN_SOURCE.items():
            match = pattern.search(cell.source)
            if match:
                problems.append(f"cell {index} ({cell.cell_type}): {what}: {match.group(0).strip()!r}")
    assert not problems, (
        "notebooks import the installed `overparam` package and use relative paths only:\n" + "\n".join(problems)
    )


@pytest.mark.parametrize("path", EXECUTED, ids=_ids(EXECUTED))
def test_outputs_show_no_machine_paths(path: Path):
    pattern = FORBIDDEN_SOURCE["absolute machine path"]
    found = []
    for number, out in _outputs(_read(path)):
        text = "".join(out.get("text", "")) + "".join(out.get("data", {}).get("text/plain", ""))
        match = pattern.search(text)
        if match:
            found.append(f"code cell {number}: {match.group(0)!r} in {text.strip()[:120]!r}")
    assert not found, "outputs mention paths of this machine (a warning or a repr?):\n" + "\n".join(found)


@pytest.mark.parametrize("path", ALL, ids=_ids(ALL))
def test_size_below_2_mb(path: Path):
    size = path.stat().st_size
    assert size < MAX_BYTES, f"{size / 1e6:.1f} MB; keep notebooks under 2 MB (fewer or smaller figures)"


@pytest.mark.parametrize("path", LEARNERS, ids=_ids(LEARNERS))
def test_learner_notebook_has_no_outputs(path: Path):
    dirty = [n for n, c in enumerate((c for c in _read(path).cells if c.cell_type == "code"), start=1)
             if c.get("outputs") or c.get("execution_count") is not None]
    assert not dirty, (
        f"code cells {dirty} have outputs or execution counts; learner notebooks are stored clean — "
        "regenerate with `python -m overparam.authoring learner`"
    )


@pytest.mark.parametrize("path", LESSONS, ids=_ids(LESSONS))
def test_lesson_starts_with_title(path: Path):
    cells = _read(path).cells
    assert cells and cells[0].cell_type == "markdown", "the first cell must be a markdown title cell"
    first_line = cells[0].source.strip().splitlines()[0] if cells[0].source.strip() else ""
    assert first_line.startswith("# "), f"the first cell must open with a '# Title' line, got {first_line!r}"


@pytest.mark.parametrize("path", LESSONS, ids=_ids(LESSONS))
def test_lesson_links_its_exercise(path: Path):
    match = re.match(r"(\d+)_", path.name)
    if not match or int(match.group(1)) < 1:
        pytest.skip("lesson 00 has no exercise")
    link = f"../exercises/{path.name}"
    text = "\n".join(c.source for c in _read(path).cells if c.cell_type == "markdown")
    assert link in text, f"lessons 01+ link their exercise notebook: no {link!r} in the markdown cells"
