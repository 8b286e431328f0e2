"""The layer rule, as import-linter's contracts in pyproject.toml: they hold on this tree, and
each breaks on a copy of the package given one import (or module) against it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
CONTRACTS = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"][
    "contracts"
]


def _lint_imports(tree: Path) -> subprocess.CompletedProcess:
    """lint-imports on the package in ``tree`` (found first on the path), without a cache."""
    env = {**os.environ, "PYTHONPATH": str(tree), "COLUMNS": "200", "NO_COLOR": "1"}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_contracts_hold():
    done = _lint_imports(ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"Contracts: {len(CONTRACTS)} kept, 0 broken." in done.stdout


#: (file of the package, text appended to it, what lint-imports must say): one per rule
WRONG = {
    "an import against the flow, inside a function": (
        "analysis/analyses/trends.py",
        "\n\ndef _wrong():\n    from analysis.figures import style\n",
        "analysis.analyses is not allowed to import analysis.figures",
    ),
    "siblings importing each other": (
        "analysis/curated/aliases.py",
        "\nfrom analysis.sources import register\n",
        "analysis.curated is not allowed to import analysis.sources",
    ),
    "a layer importing the command line": (
        "analysis/figures/style.py",
        "\nimport analysis.cli\n",
        "analysis.figures is not allowed to import analysis.cli",
    ),
    "an import loop inside a layer": (
        "analysis/figures/style.py",
        "\nfrom analysis.figures import events\n",
        "No cycles are allowed in analysis.figures",
    ),
    "a module outside the layers": (
        "analysis/extra.py",
        "VALUE = 1\n",
        "- analysis.extra",
    ),
}


@pytest.mark.parametrize("case", sorted(WRONG))
def test_a_contract_breaks_on_a_wrong_import(tmp_path, case):
    tree = tmp_path / "tree"
    shutil.copytree(
        ROOT / "analysis", tree / "analysis", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy(ROOT / "pyproject.toml", tree)
    path, text, message = WRONG[case]
    with open(tree / path, "a", encoding="utf-8") as handle:
        handle.write(text)
    done = _lint_imports(tree)
    assert done.returncode == 1, done.stdout + done.stderr
    assert message in done.stdout, done.stdout
    assert "0 broken" not in done.stdout
