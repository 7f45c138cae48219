"""Fail when the installed venv does not satisfy the pins it was locked from.

The venvs install only from requirements/*.lock, so a pin changed in pyproject.toml or
requirements/*.txt without running scripts/lock.sh would otherwise be silently ignored: the old
locked version installs and nothing complains. Run with the venv's own Python after installing:

    python scripts/check_lock.py                      # labourbot's runtime requirements
    python scripts/check_lock.py --extra test         # ... and those of its extras
    python scripts/check_lock.py -r requirements/rasa.txt
"""

from __future__ import annotations

import argparse
import sys
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name


def project_requirements(extras: list[str]) -> list[Requirement]:
    """labourbot's declared requirements whose markers hold for the runtime set plus `extras`."""
    wanted = [Requirement(line) for line in metadata.requires("labourbot") or []]
    return [r for r in wanted
            if r.marker is None or any(r.marker.evaluate({"extra": e}) for e in ["", *extras])]


def file_requirements(path: Path) -> list[Requirement]:
    """The requirement lines of a pip requirements file (comments and blank lines skipped)."""
    lines = (line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [Requirement(line) for line in lines if line]


def unmet(requirements: list[Requirement]) -> list[str]:
    """One message for each requirement the installed distributions do not satisfy."""
    problems = []
    for req in requirements:
        try:
            installed = metadata.version(canonicalize_name(req.name))
        except metadata.PackageNotFoundError:
            problems.append(f"{req} is not installed")
            continue
        if not req.specifier.contains(installed, prereleases=True):
            problems.append(f"{req} is wanted, {installed} is installed")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--extra", action="append", default=[], help="an extra of labourbot to check too")
    parser.add_argument("-r", dest="files", action="append", type=Path, default=[],
                        help="check this requirements file instead of labourbot's metadata")
    args = parser.parse_args()
    wanted = ([r for f in args.files for r in file_requirements(f)] if args.files
              else project_requirements(args.extra))
    problems = unmet(wanted)
    for problem in problems:
        print(f"lock out of date: {problem}", file=sys.stderr)
    if problems:
        print("Run scripts/lock.sh and commit requirements/*.lock.", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
