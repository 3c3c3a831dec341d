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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m overparam.authoring", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    ex = sub.add_parser("execute", help="re-execute notebooks in place (default: lessons and solutions)")
    ex.add_argument("paths", nargs="*", type=Path)
    args = parser.parse_args(argv)
    if args.command == "execute":
        for path in args.paths or _default_notebooks():
            seconds = execute_notebook(path)
            print(f"{path}: executed in {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
