"""The two ways to install list the same dependencies, and the conda names exist."""

from __future__ import annotations

import re
import tomllib

import yaml

from analysis.config import PROJECT_ROOT

#: conda-forge names that differ from the PyPI names (checked on anaconda.org/conda-forge).
CONDA_NAMES = {"playwright-python": "playwright"}


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _pins(requirements: list[str]) -> dict[str, str]:
    """name -> version of the requirements pinned exactly (name==version)."""
    return {
        _name(r): r.split("==", 1)[1].strip()
        for r in requirements
        if isinstance(r, str) and "==" in r
    }


def _project() -> dict:
    return tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]


def _environment() -> dict:
    return yaml.safe_load((PROJECT_ROOT / "environment.yml").read_text())


def test_environment_yml_matches_pyproject():
    project = _project()
    pip_side = {_name(r) for r in project["dependencies"]}
    for extra in project["optional-dependencies"].values():
        pip_side |= {_name(r) for r in extra}
    env = _environment()
    conda_side = {
        CONDA_NAMES.get(_name(d), _name(d))
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


def test_conda_asks_for_playwright_under_its_conda_forge_name():
    names = {_name(d) for d in _environment()["dependencies"] if isinstance(d, str)}
    # conda-forge has no package "playwright" (Microsoft's own channel has): the solve would fail
    assert "playwright" not in names and "playwright-python" in names


def test_exact_pins_agree_between_pyproject_environment_and_constraints():
    project = _project()
    pinned = _pins([r for extra in project["optional-dependencies"].values() for r in extra])
    assert set(pinned) >= {"ruff", "nbstripout"}  # the hooks' tools (tests/test_nbtools.py)
    conda = {CONDA_NAMES.get(k, k): v for k, v in _pins(_environment()["dependencies"]).items()}
    constraints = _pins((PROJECT_ROOT / "constraints.txt").read_text().splitlines())
    for name, version in pinned.items():
        assert conda.get(name) == version, (name, "environment.yml", conda.get(name), version)
        assert constraints.get(name) == version, (name, "constraints.txt")


def test_constraints_pin_every_dependency_within_its_range():
    from packaging.requirements import Requirement

    project = _project()
    constraints = _pins((PROJECT_ROOT / "constraints.txt").read_text().splitlines())
    requirements = [Requirement(r) for r in project["dependencies"]]
    for extra in project["optional-dependencies"].values():
        requirements += [Requirement(r) for r in extra]
    for requirement in requirements:
        name = _name(requirement.name)
        assert name in constraints, f"{name} is not pinned in constraints.txt"
        assert requirement.specifier.contains(constraints[name]), (
            f"constraints.txt pins {name}=={constraints[name]}, outside {requirement}"
        )
