"""Generate the learner notebooks ``exercises/NN_name.ipynb`` from ``exercises/solutions/``.

The solution notebook is the single source of truth. :func:`make_learner` turns it into the
learner's notebook:

* in every code cell, the lines from a line ``# BEGIN SOLUTION`` to a line ``# END SOLUTION``
  (markers included) become two lines with the indentation of the ``BEGIN`` marker::

      # YOUR CODE HERE
      raise NotImplementedError("Task K: replace these two lines with your code")

  where ``K`` is the task of the next check call (``exNN.taskK.check(``) at or after the block;
* a marker written ``# BEGIN SOLUTION -> answer = ...`` gives ``# YOUR CODE HERE`` and
  ``answer = ...`` instead (for values, where the stub is ``...``);
* cells whose metadata tags include ``solution`` are left out entirely;
* outputs and execution counts are cleared and the metadata is the canonical one of
  :func:`overparam.authoring.normalize_notebook`.

Everything else (markdown, other code, cell ids) is kept as it is, so a diff between the two
notebooks shows exactly the stubs.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat

from .execute import normalize_notebook

__all__ = [
    "MarkerError",
    "SOLUTION_TAG",
    "make_learner",
    "learner_text",
    "learner_path",
    "solution_notebooks",
    "write_learners",
    "stale_learners",
]

#: Cells carrying this tag are dropped from the learner notebook.
SOLUTION_TAG = "solution"
STUB_COMMENT = "# YOUR CODE HERE"

_BEGIN = re.compile(r"^(?P<indent>[ \t]*)#[ \t]*BEGIN SOLUTION(?:[ \t]*->(?P<replacement>.*))?[ \t]*$")
_END = re.compile(r"^(?P<indent>[ \t]*)#[ \t]*END SOLUTION[ \t]*$")
# Anything that looks like a marker but is not exactly one (typos, wrong case, extra text).
_LOOSE = re.compile(r"^[ \t]*#+[ \t]*(BEGIN|END)[ _-]*SOLUTIONS?\b", re.IGNORECASE)
_CHECK_CALL = re.compile(r"\btask(\d+)\.check\(")


class MarkerError(ValueError):
    """A solution notebook's ``BEGIN/END SOLUTION`` markers do not pair up or are malformed."""


@dataclass
class _Block:
    start: int  # index of the BEGIN line
    indent: str
    replacement: str | None


def _tags(cell) -> list:
    tags = cell.get("metadata", {}).get("tags", [])
    return list(tags) if isinstance(tags, list) else []


def _next_task(cells, cell_index: int, line_index: int) -> int | None:
    """Task number of the first ``taskK.check(`` call after the given line (this cell, then later)."""
    first = "\n".join(cells[cell_index].source.splitlines()[line_index:])
    later = [c.source for c in cells[cell_index + 1 :] if c.cell_type == "code" and SOLUTION_TAG not in _tags(c)]
    sources = [first] + later
    for source in sources:
        match = _CHECK_CALL.search(source)
        if match:
            return int(match.group(1))
    return None


def _stub_lines(block: _Block, task: int | None) -> list[str]:
    if block.replacement is not None:
        return [block.indent + STUB_COMMENT, block.indent + block.replacement]
    label = f"Task {task}: " if task is not None else ""
    message = f"{label}replace these two lines with your code"
    return [block.indent + STUB_COMMENT, f'{block.indent}raise NotImplementedError("{message}")']


def _transform_source(cells, cell_index: int) -> str:
    source = cells[cell_index].source
    lines = source.splitlines()
    out: list[str] = []
    block: _Block | None = None

    def where(i: int) -> str:
        return f"code cell {cell_index} (counting all cells from 0), line {i + 1}"

    for i, line in enumerate(lines):
        begin, end = _BEGIN.match(line), _END.match(line)
        if begin:
            if block is not None:
                raise MarkerError(
                    f"{where(i)}: '# BEGIN SOLUTION' inside another solution block "
                    f"(opened at line {block.start + 1}); close it with '# END SOLUTION' first"
                )
            replacement = begin.group("replacement")
            if replacement is not None:
                replacement = replacement.strip()
                if not replacement:
                    raise MarkerError(
                        f"{where(i)}: '# BEGIN SOLUTION ->' needs the replacement line after '->', "
                        "for example '# BEGIN SOLUTION -> answer = ...'"
                    )
            block = _Block(i, begin.group("indent"), replacement)
        elif end:
            if block is None:
                raise MarkerError(f"{where(i)}: '# END SOLUTION' without a matching '# BEGIN SOLUTION' before it")
            out.extend(_stub_lines(block, _next_task(cells, cell_index, i)))
            block = None
        elif _LOOSE.match(line):
            raise MarkerError(
                f"{where(i)}: malformed solution marker {line.strip()!r}; write exactly "
                "'# BEGIN SOLUTION', '# BEGIN SOLUTION -> replacement' or '# END SOLUTION'"
            )
        elif block is None:
            out.append(line)
    if block is not None:
        raise MarkerError(
            f"{where(block.start)}: '# BEGIN SOLUTION' is never closed by '# END SOLUTION' in the same cell"
        )
    text = "\n".join(out)
    if source.endswith("\n") and out:
        text += "\n"
    return text


def make_learner(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Return the learner notebook generated from the solution notebook ``nb`` (not modified).

    Raises
    ------
    TypeError
        If ``nb`` is not a notebook (a mapping with ``cells``).
    MarkerError
        If a code cell has an unmatched, nested or malformed ``BEGIN/END SOLUTION`` marker; the
        message names the cell and the line.
    """
    if not isinstance(nb, dict) or "cells" not in nb:
        raise TypeError(f"nb must be a notebook (nbformat.NotebookNode), got {type(nb).__name__}")
    solution = nbformat.from_dict(copy.deepcopy(dict(nb)))
    # Validate markers in every cell (even dropped ones) so a typo never slips through.
    kept = []
    for index, cell in enumerate(solution.cells):
        new_source = _transform_source(solution.cells, index) if cell.cell_type == "code" else cell.source
        if SOLUTION_TAG in _tags(cell):
            continue
        cell.source = new_source
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        kept.append(cell)
    learner = nbformat.from_dict(dict(solution))
    learner.cells = kept
    return normalize_notebook(learner)


def learner_text(nb: nbformat.NotebookNode) -> str:
    """The learner notebook of ``nb`` serialized exactly as :func:`write_learners` stores it."""
    text = nbformat.writes(make_learner(nb))
    return text if text.endswith("\n") else text + "\n"


def learner_path(solution: str | Path) -> Path:
    """``exercises/solutions/NN_name.ipynb`` -> ``exercises/NN_name.ipynb``."""
    solution = Path(solution)
    return solution.parent.parent / solution.name


def solution_notebooks(root: str | Path = ".") -> list[Path]:
    """The solution notebooks of the course at ``root``, sorted by name."""
    return sorted(Path(root).glob("exercises/solutions/*.ipynb"))


def _read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def _generate(solution: Path) -> str:
    try:
        return learner_text(_read(solution))
    except MarkerError as exc:
        raise MarkerError(f"{solution}: {exc}") from None


def write_learners(root: str | Path = ".") -> list[Path]:
    """(Re)write every learner notebook; return the paths whose content changed."""
    changed = []
    for solution in solution_notebooks(root):
        target = learner_path(solution)
        text = _generate(solution)
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
            changed.append(target)
    return changed


def stale_learners(root: str | Path = ".") -> list[tuple[Path, str]]:
    """Learner notebooks that differ from what :func:`write_learners` would write, with the reason.

    Also lists learner notebooks that have no solution notebook.
    """
    root = Path(root)
    problems = []
    solutions = solution_notebooks(root)
    for solution in solutions:
        target = learner_path(solution)
        text = _generate(solution)
        if not target.exists():
            problems.append((target, "missing"))
        elif target.read_text(encoding="utf-8") != text:
            problems.append((target, "differs from its solution notebook"))
    expected = {learner_path(s).name for s in solutions}
    for learner in sorted(root.glob("exercises/*.ipynb")):
        if learner.name not in expected:
            problems.append((learner, f"has no solution notebook exercises/solutions/{learner.name}"))
    return problems
