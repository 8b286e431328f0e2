"""Write constraints.txt: the exact versions of everything the project installs, from the
environment the tests passed in.

    .venv/bin/python scripts/update_constraints.py     # after `make test` passed

It runs ``pip freeze`` and keeps the distributions that the project's dependencies, with every
extra (dev, lab, pdf), need directly or through theirs, so tools installed by hand in the same
environment do not end up pinned. pyproject.toml keeps the ranges; `make` installs with
``-c constraints.txt``, so every machine gets the set the tests passed with.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
HEADER = (
    "# Exact versions the test suite passed with (pyproject.toml holds the ranges).\n"
    "# Written by scripts/update_constraints.py from `pip freeze`; used by `make` as\n"
    "# `pip install -c constraints.txt ...` (docs/install.md).\n"
)


def canonical(name: str) -> str:
    """A distribution name as pip compares them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def needed(roots: list[Requirement]) -> set[str]:
    """Every distribution the requirements need, following installed distributions' own
    requirements (markers evaluated for this interpreter, with the extras asked for)."""
    seen: set[str] = set()
    todo = [(r, "") for r in roots]
    while todo:
        requirement, extra = todo.pop()
        if requirement.marker and not requirement.marker.evaluate({"extra": extra}):
            continue
        name = canonical(requirement.name)
        try:
            dist = distribution(requirement.name)
        except PackageNotFoundError:
            continue
        for wanted in [""] + sorted(requirement.extras):
            key = f"{name}[{wanted}]"
            if key in seen:
                continue
            seen.add(key)
            todo.extend((Requirement(r), wanted) for r in dist.requires or [])
    return {key.split("[")[0] for key in seen}


def main() -> int:
    """Print the constraints to constraints.txt beside pyproject.toml."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    roots = [Requirement(r) for r in project["dependencies"]]
    for extra in project["optional-dependencies"].values():
        roots += [Requirement(r) for r in extra]
    keep = needed(roots)
    frozen = subprocess.run(
        [sys.executable, "-m", "pip", "freeze", "--exclude-editable"],
        capture_output=True, text=True, check=True,
    ).stdout.splitlines()  # fmt: skip
    lines = [line for line in frozen if "==" in line and canonical(line.split("==")[0]) in keep]
    (ROOT / "constraints.txt").write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    print(f"constraints.txt: {len(lines)} pinned distributions")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
