"""The two ways to install list the same dependencies."""

from __future__ import annotations

import re
import tomllib

import yaml

from analysis.config import PROJECT_ROOT


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    pip_side = {_name(r) for r in project["dependencies"]}
    for extra in project["optional-dependencies"].values():
        pip_side |= {_name(r) for r in extra}
    env = yaml.safe_load((PROJECT_ROOT / "environment.yml").read_text())
    conda_side = {
        _name(d)
        for d in env["dependencies"]
        if isinstance(d, str) and _name(d) not in {"python", "pip"}
    }
    assert conda_side == pip_side, {
        "only in environment.yml": sorted(conda_side - pip_side),
        "only in pyproject.toml": sorted(pip_side - conda_side),
    }
    pip_entries = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "-e ." in pip_entries
    assert "python=3.11" in env["dependencies"]
    assert env["channels"] == ["conda-forge"]
