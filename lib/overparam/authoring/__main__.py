"""Command line of the maintainers' tools: ``python -m overparam.authoring --help``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .execute import execute_notebook


def _default_notebooks() -> list[Path]:
    root = Path.cwd()
    if not (root / "lessons").is_dir():
        sys.exit("run this from the course root (the folder that holds lessons/ and exercises/)")
    return sorted(root.glob("lessons/*.ipynb")) + sorted(root.glob("exercises/solutions/*.ipynb"))


def _course_root() -> Path:
    root = Path.cwd()
    if not (root / "exercises").is_dir() and not (root / "lessons").is_dir():
        sys.exit("run this from the course root (the folder that holds lessons/ and exercises/)")
    return root


def _learner(check: bool) -> int:
    from .learner import MarkerError, stale_learners, write_learners

    root = _course_root()
    try:
        if check:
            problems = stale_learners(root)
            for path, reason in problems:
                print(f"{path.relative_to(root)}: {reason}", file=sys.stderr)
            if problems:
                print(
                    f"{len(problems)} learner notebook(s) out of date; run `python -m overparam.authoring learner`",
                    file=sys.stderr,
                )
                return 1
            print("learner notebooks are up to date")
            return 0
        changed = write_learners(root)
    except MarkerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for path in changed:
        print(f"wrote {path.relative_to(root)}")
    if not changed:
        print("learner notebooks already up to date")
    for path, reason in stale_learners(root):  # only orphans can remain after writing
        print(f"warning: {path.relative_to(root)} {reason}", file=sys.stderr)
    return 0


def _benchmark(paths: list[Path], output: Path | None) -> int:
    from .benchmark import run_benchmark

    root = _course_root()
    report = run_benchmark(root, paths, echo=lambda line: print(line, file=sys.stderr, flush=True))
    print(report)
    if output is not None:
        output.write_text(report + "\n", encoding="utf-8")
        print(f"(report written to {output})", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m overparam.authoring",
        description=sys.modules[__package__].__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    ex = sub.add_parser("execute", help="re-execute notebooks in place (default: lessons and solutions)")
    ex.add_argument("paths", nargs="*", type=Path)
    le = sub.add_parser(
        "learner", help="generate exercises/NN_name.ipynb from exercises/solutions/NN_name.ipynb"
    )
    le.add_argument(
        "--check", action="store_true",
        help="write nothing; exit 1 and name the learner notebooks that are out of date",
    )
    be = sub.add_parser(
        "benchmark",
        help="time every notebook (fresh kernel each, one BLAS thread), theory curves and explorer redraws",
    )
    be.add_argument("paths", nargs="*", type=Path, help="notebooks to run (default: all lessons, solutions, learners)")
    be.add_argument("--output", type=Path, help="also write the markdown report to this file")
    sub.add_parser("figures", help="write the README's course-map figures from the lessons' stored outputs")
    args = parser.parse_args(argv)
    if args.command == "execute":
        for path in args.paths or _default_notebooks():
            seconds = execute_notebook(path)
            print(f"{path}: executed in {seconds:.1f} s")
    elif args.command == "learner":
        return _learner(args.check)
    elif args.command == "benchmark":
        return _benchmark(args.paths, args.output)
    elif args.command == "figures":
        from .figures import export_course_map_figures

        root = _course_root()
        for path in export_course_map_figures(root):
            print(f"wrote {path.relative_to(root)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
