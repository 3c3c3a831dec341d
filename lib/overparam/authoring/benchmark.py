"""Measure the course against its budgets: ``python -m overparam.authoring benchmark [--output FILE]``.

1. Every lesson, solution and learner notebook is executed headless, each in a fresh subprocess
   (``_notebook_worker.py``, a small script that does not import numpy or matplotlib), in memory:
   the files are not modified. That subprocess starts the kernel, runs the notebook, shuts the
   kernel down and reaps it, and then reads ``getrusage(RUSAGE_CHILDREN).ru_maxrss``: the peak
   resident memory of its only child, the kernel. Linux carries a parent's high-water mark into a
   forked child, so the reading can never be below the runner's own size; the runner stays small
   (~65 MB) and the reading is cross-checked against the kernel's ``VmHWM`` (see the worker).
2. One 200-point theory curve of every public function of :mod:`overparam.theory` that accepts an
   array of sizes (``gamma`` or ``p``), median of 5 calls, against 50 ms.
3. One redraw of every explorer: each submodule of :mod:`overparam.widgets` that defines
   ``make_explorer()`` is built with no arguments (not timed: it may compute cached data), then
   ``explorer.redraw_seconds()`` is timed, median of 3, against 0.3 s.

All subprocesses run BLAS single-threaded (:data:`ONE_CORE`), so the numbers are for one core.
Budgets that are missed are marked, but the command still exits 0: it measures, it does not gate.
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

__all__ = [
    "ONE_CORE",
    "NOTEBOOK_AIM_S",
    "NOTEBOOK_LIMIT_S",
    "KERNEL_LIMIT_MB",
    "CURVE_LIMIT_S",
    "REDRAW_LIMIT_S",
    "course_notebooks",
    "notebook_verdict",
    "curve_arguments",
    "run_benchmark",
    "slider_moves",
]

#: Environment that pins BLAS/OpenMP to one thread (the "one core" of the budgets).
ONE_CORE = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
NOTEBOOK_AIM_S = 30.0
NOTEBOOK_LIMIT_S = 60.0
KERNEL_LIMIT_MB = 1024.0
CURVE_LIMIT_S = 0.050
REDRAW_LIMIT_S = 0.3
CURVE_POINTS = 200
_NOTEBOOK_TIMEOUT_S = 900  # a stuck notebook is reported, not waited for forever

OK = "ok"
MISSED = "✘ OVER BUDGET"


# ----------------------------------------------------------------------------------------------
# notebooks
# ----------------------------------------------------------------------------------------------


def course_notebooks(root: str | Path = ".") -> list[Path]:
    """Lessons, then solutions, then learner notebooks of the course at ``root`` (relative paths)."""
    root = Path(root)
    found = []
    for pattern in ("lessons/*.ipynb", "exercises/solutions/*.ipynb", "exercises/*.ipynb"):
        found += sorted(p.relative_to(root) for p in root.glob(pattern))
    return found


def _is_learner(path: Path) -> bool:
    return path.parent.name == "exercises"


def notebook_verdict(seconds: float, kernel_mb: float, errors: list[str], learner: bool) -> str:
    """Verdict of one notebook run against the budgets (errors first, then time, then memory)."""
    allowed = {"NotImplementedError"} if learner else set()
    bad = [e for e in errors if e.split(" ", 1)[0] not in allowed]
    notes = []
    if bad:
        notes.append("✘ ERROR: " + "; ".join(bad[:3]))
    if seconds > NOTEBOOK_LIMIT_S:
        notes.append(f"{MISSED}: > {NOTEBOOK_LIMIT_S:.0f} s")
    elif seconds > NOTEBOOK_AIM_S:
        notes.append(f"⚠ within {NOTEBOOK_LIMIT_S:.0f} s but over the {NOTEBOOK_AIM_S:.0f} s aim")
    if kernel_mb > KERNEL_LIMIT_MB:
        notes.append(f"{MISSED}: > 1 GB")
    return "; ".join(notes) or OK


def memory_note(result: dict) -> str:
    """A warning when the kernel-memory reading cannot be trusted (see ``_notebook_worker.py``)."""
    kernel, runner, hwm = result["kernel_mb"], result["runner_mb"], result.get("kernel_hwm_mb")
    if kernel <= 1.05 * runner:
        return f"⚠ memory reading may be the runner's floor ({runner:.0f} MB)"
    if hwm is not None and abs(kernel - hwm) > max(20.0, 0.1 * hwm):
        return f"⚠ ru_maxrss {kernel:.0f} MB and the kernel's VmHWM {hwm:.0f} MB disagree"
    return ""


_WORKER = Path(__file__).with_name("_notebook_worker.py")


def _measure_notebook(root: Path, path: Path) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "result.json"
        cmd = [sys.executable, str(_WORKER), str(path), "--json", str(out)]
        env = {**os.environ, **ONE_CORE}
        try:
            proc = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True, timeout=_NOTEBOOK_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            return {"failed": f"✘ did not finish within {_NOTEBOOK_TIMEOUT_S} s"}
        if proc.returncode != 0 or not out.exists():
            last = (proc.stderr.strip().splitlines() or ["(no message)"])[-1]
            return {"failed": f"✘ could not run: {last}"}
        return json.loads(out.read_text())


# ----------------------------------------------------------------------------------------------
# theory curves and explorers
# ----------------------------------------------------------------------------------------------


def _reference_problem():
    """Reference C of :mod:`overparam.theory` (d = 1000): the problem the course's curves are drawn for."""
    import numpy as np

    d, s, n = 1000, 80, 100
    eigs = np.concatenate([np.ones(s), np.full(d - s, 0.05)])
    beta = np.concatenate([np.full(s, 1 / np.sqrt(s)), np.zeros(d - s)])
    return {"eigs": eigs, "beta": beta, "noise_var": 0.1, "n": n, "s": s}


#: Names of the parameters that carry the sizes along a curve.
SIZE_PARAMETERS = ("gamma", "p", "psi1")


def curve_arguments(function) -> tuple[dict, str] | str:
    """Keyword arguments for one 200-point curve of a theory ``function``, and the size parameter.

    Returns a string (the reason) when the function has no size parameter or a parameter this
    benchmark cannot fill in.
    """
    import numpy as np

    problem = _reference_problem()
    values = {
        "gamma": np.linspace(0.05, 5.0, CURVE_POINTS),
        "p": np.round(np.linspace(problem["s"], problem["eigs"].size, CURVE_POINTS)).astype(int),
        "signal": 1.0,
        "ridge": 0.01,
        "penalty": 0.01,
        "support": np.arange(problem["s"]),
        # random features (reference R of overparam.theory: d = 100, n = 300, tau^2 = 0.25)
        "psi1": np.geomspace(0.1, 100.0, CURVE_POINTS),
        "psi2": 3.0,
        # pruning rules: the slowest rule (a threshold solved per size) stands for all of them
        "method": "magnitude",
        **problem,
    }
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):
        return "no signature"
    size = next((name for name in SIZE_PARAMETERS if name in signature.parameters), None)
    if size is None:
        return "no size parameter"
    kwargs = {}
    for name, parameter in signature.parameters.items():
        if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
            continue
        if name in values:
            kwargs[name] = values[name]
        elif parameter.default is parameter.empty:
            return f"unknown parameter {name!r}"
    return kwargs, size


def _is_curve(result) -> bool:
    import numpy as np

    parts = result if isinstance(result, tuple) else (result,)
    return all(np.shape(part) == (CURVE_POINTS,) for part in parts)


#: Curve functions that must be timed (an error is reported if one cannot be).
REQUIRED_CURVES = (
    "isotropic_risk",
    "minnorm_risk",
    "ridge_risk",
    "prefix_risk",
    "oracle_pruned_risk",
    "pruned_risk",
    "random_features_risk",
)


def _time_curves() -> list[dict]:
    """Time every curve function; list (as "skipped") those with a size parameter it cannot time."""
    from overparam import theory

    rows = []
    for name in getattr(theory, "__all__", []):
        function = getattr(theory, name, None)
        if not inspect.isfunction(function):
            continue
        prepared = curve_arguments(function)
        if prepared == "no size parameter" and name not in REQUIRED_CURVES:
            continue  # not a curve function
        if isinstance(prepared, str):
            rows.append({"name": name, "error" if name in REQUIRED_CURVES else "skipped": prepared})
            continue
        kwargs, size = prepared
        try:
            result = function(**kwargs)
        except (TypeError, ValueError) as exc:  # e.g. takes one size, not an array: not a curve
            reason = f"{type(exc).__name__}: {exc}"
            rows.append({"name": name, "error" if name in REQUIRED_CURVES else "skipped": reason})
            continue
        if not _is_curve(result):
            reason = f"did not return {CURVE_POINTS} values"
            rows.append({"name": name, "error" if name in REQUIRED_CURVES else "skipped": reason})
            continue
        times = []
        for _ in range(5):
            start = time.perf_counter()
            function(**kwargs)
            times.append(time.perf_counter() - start)
        rows.append({"name": name, "size": size, "seconds": statistics.median(times)})
    return rows


def _time_explorers() -> list[dict]:
    import importlib
    import pkgutil

    import matplotlib

    matplotlib.use("Agg")
    from overparam import widgets

    rows = []
    for info in sorted(pkgutil.iter_modules(widgets.__path__), key=lambda i: i.name):
        name = f"overparam.widgets.{info.name}"
        try:
            module = importlib.import_module(name)
        except Exception as exc:  # report and go on: one broken module must not hide the others
            rows.append({"name": name, "error": f"import failed: {type(exc).__name__}: {exc}"})
            continue
        make = getattr(module, "make_explorer", None)
        if not callable(make):
            rows.append({"name": name, "error": "no make_explorer()"})
            continue
        try:
            start = time.perf_counter()
            explorer = make()
            build = time.perf_counter() - start
            times = [explorer.redraw_seconds() for _ in range(3)]
            moves = [explorer.update(**move) for move in slider_moves(explorer.controls)]
        except Exception as exc:
            rows.append({"name": name, "error": f"{type(exc).__name__}: {exc}"})
            continue
        rows.append({
            "name": name, "build": build, "seconds": statistics.median(times),
            "moves": len(moves), "move_median": statistics.median(moves), "move_max": max(moves),
        })
    return rows


def slider_moves(controls: dict, per_control: int = 3) -> list[dict]:
    """Settings a lecturer reaches by moving one control at a time, each to values not yet shown.

    For every control, up to ``per_control`` other values spread over its range (options of a
    selection slider or dropdown, evenly spaced values of a numeric slider, the other state of a
    checkbox), in an order that alternates ends so each move is a new setting. Applied in turn with
    :meth:`Explorer.update`, they time redraws the explorer has not cached, unlike the default.
    """
    moves = []
    for name, control in controls.items():
        current = control.value
        if hasattr(control, "options") and control.options:
            options = control.options
            if isinstance(options, dict):  # label -> value
                listed = list(options.values())
            else:
                listed = [o[1] if isinstance(o, tuple) else o for o in options]
            values = []  # ends first: last, first, second-last, second, ...
            while listed:
                values.append(listed.pop(-1))
                if listed:
                    values.append(listed.pop(0))
        elif isinstance(control.value, bool):
            values = [not current]
        elif hasattr(control, "base"):  # a log slider: min and max are exponents
            lo, hi = control.min, control.max
            values = [control.base ** (lo + (hi - lo) * f) for f in (1.0, 0.0, 0.5, 0.25, 0.75)]
        elif hasattr(control, "min") and hasattr(control, "max"):
            lo, hi = control.min, control.max
            values = [lo + (hi - lo) * f for f in (1.0, 0.0, 0.5, 0.25, 0.75)]
            if isinstance(current, int):
                values = [int(round(v)) for v in values]
        else:
            continue
        picked = []
        for value in values:  # already ordered: the ends of the range first, then inside it
            if value != current and value not in picked and len(picked) < per_control:
                picked.append(value)
        moves += [{name: v} for v in picked]
        if picked:
            moves.append({name: current})  # back to the default before moving the next control
    return moves


def _run_timings_worker(json_out: Path) -> None:
    json_out.write_text(json.dumps({"curves": _time_curves(), "explorers": _time_explorers()}))


def _measure_timings(root: Path) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "timings.json"
        cmd = [sys.executable, "-m", "overparam.authoring.benchmark", "timings", "--json", str(out)]
        env = {**os.environ, **ONE_CORE, "MPLBACKEND": "Agg"}
        proc = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True, timeout=_NOTEBOOK_TIMEOUT_S)
        if proc.returncode != 0 or not out.exists():
            last = (proc.stderr.strip().splitlines() or ["(no message)"])[-1]
            return {"failed": last}
        return json.loads(out.read_text())


# ----------------------------------------------------------------------------------------------
# report
# ----------------------------------------------------------------------------------------------


def _header() -> list[str]:
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
    return [
        "# Benchmark of the course against its budgets",
        "",
        f"Measured {time.strftime('%Y-%m-%d %H:%M')} on {platform.machine()} with Python "
        f"{platform.python_version()}, {os.cpu_count()} CPUs, load average at start {load}.",
        "**BLAS single-threaded** (`OMP_NUM_THREADS=1`, `OPENBLAS_NUM_THREADS=1`, `MKL_NUM_THREADS=1`): "
        "these are one-core numbers. Other work on the machine makes them look worse than they are.",
        "",
    ]


def run_benchmark(root: str | Path = ".", paths: list[Path] | None = None, echo=print) -> str:
    """Run the whole benchmark for the course at ``root`` and return the markdown report.

    ``echo`` receives one progress line per measurement (``None`` for silence).
    """
    root = Path(root).resolve()
    say = echo or (lambda *_: None)
    notebooks = paths if paths else course_notebooks(root)
    lines = _header()
    lines += [
        f"## Notebooks (budget ≤ {NOTEBOOK_LIMIT_S:.0f} s, aim ≤ {NOTEBOOK_AIM_S:.0f} s; peak kernel memory ≤ 1 GB)",
        "",
        "Wall time includes starting the kernel. Learner notebooks may raise `NotImplementedError`.",
        "",
        "| notebook | wall time (s) | peak kernel memory (MB) | verdict |",
        "|---|---:|---:|---|",
    ]
    if not notebooks:
        lines.append("| (no notebooks) | | | |")
    for path in notebooks:
        say(f"running {path} …")
        result = _measure_notebook(root, Path(path))
        if "failed" in result:
            row = f"| `{path}` | – | – | {result['failed']} |"
        else:
            verdict = notebook_verdict(result["seconds"], result["kernel_mb"], result["errors"], _is_learner(Path(path)))
            note = memory_note(result)
            verdict = f"{verdict}; {note}" if note else verdict
            row = f"| `{path}` | {result['seconds']:.1f} | {result['kernel_mb']:.0f} | {verdict} |"
        say("  " + row)
        lines.append(row)

    say("timing theory curves and explorers …")
    timings = _measure_timings(root)
    lines += ["", f"## Theory curves ({CURVE_POINTS} points, median of 5; budget ≤ {CURVE_LIMIT_S * 1000:.0f} ms)", ""]
    lines += ["| function | size argument | time (ms) | verdict |", "|---|---|---:|---|"]
    if "failed" in timings:
        lines.append(f"| (all) | | – | ✘ timing subprocess failed: {timings['failed']} |")
        timings = {"curves": [], "explorers": [{"name": "(all)", "error": "timing subprocess failed"}]}
    for row in timings["curves"]:
        if "error" in row:
            lines.append(f"| `{row['name']}` | | – | ✘ could not time: {row['error']} |")
        elif "skipped" in row:
            lines.append(f"| `{row['name']}` | | – | not timed (not a curve this benchmark can call: {row['skipped']}) |")
        else:
            verdict = OK if row["seconds"] <= CURVE_LIMIT_S else MISSED
            lines.append(f"| `{row['name']}` | `{row['size']}` | {row['seconds'] * 1000:.2f} | {verdict} |")
    lines += ["", f"## Explorers (one redraw incl. PNG render; budget ≤ {REDRAW_LIMIT_S} s)", ""]
    lines += [
        "The default setting is redrawn 3 times (median). Then every control is moved, one at a time,"
        " to up to 3 values not shown yet and back (`slider_moves`): the median and the slowest"
        " of those redraws are what a lecturer sees; the verdict is on the median of the moves.",
        "",
        "| explorer | build, not timed (s) | default redraw (s) | slider moves | move, median (s) | move, slowest (s) | verdict |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    if not timings["explorers"]:
        lines.append("| (no explorer submodules) | | | | | | |")
    for row in timings["explorers"]:
        if "error" in row:
            lines.append(f"| `{row['name']}` | – | – | – | – | – | ✘ {row['error']} |")
        else:
            worst = max(row["seconds"], row.get("move_median", 0.0))
            verdict = OK if worst <= REDRAW_LIMIT_S else MISSED
            if verdict == OK and row.get("move_max", 0.0) > REDRAW_LIMIT_S:
                verdict = "ok (slowest move over budget)"
            lines.append(
                f"| `{row['name']}.make_explorer()` | {row['build']:.2f} | {row['seconds']:.3f} | "
                f"{row.get('moves', 0)} | {row.get('move_median', float('nan')):.3f} | "
                f"{row.get('move_max', float('nan')):.3f} | {verdict} |"
            )
    missed = sum("✘" in line for line in lines)
    lines += ["", f"**{missed} budget(s) missed or failed.**" if missed else "**All budgets met.**", ""]
    return "\n".join(lines)


def _worker_main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m overparam.authoring.benchmark", description="timing worker (internal)")
    parser.add_argument("what", choices=["timings"])
    parser.add_argument("--json", type=Path, required=True)
    args = parser.parse_args(argv)
    _run_timings_worker(args.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(_worker_main())
