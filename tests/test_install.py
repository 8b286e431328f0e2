"""The package works installed: its wheel carries the curated tables, notebooks, templates and
question map; installed, it validates, builds and loads from an empty folder, writing there and
never into the package; its folders and variables are those docs/install.md lists."""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from importlib.metadata import version
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from analysis import config
from analysis.sources import limits

ROOT = config.PROJECT_ROOT
INSTALL_DOC = ROOT / "docs" / "install.md"
#: What a clone holds that the package needs, copied to build the wheel away from the clone
#: (a build writes build/ and *.egg-info/ where it runs).
SOURCES = ("pyproject.toml", "README.md", "LICENSE", "analysis", "notebooks", "data/curated")


def _build_wheel(target: Path) -> Path:
    """``pip wheel --no-deps`` of a copy of the project; returns the wheel."""
    source = target / "source"
    for name in SOURCES:
        origin = ROOT / name
        if origin.is_dir():
            shutil.copytree(origin, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(origin, source / name)
    command = [
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--no-deps",
        "-q",
        "-w",
        str(target),
        str(source),
    ]
    backend = tomllib.loads((ROOT / "pyproject.toml").read_text())["build-system"]["requires"]
    if all(Requirement(r).specifier.contains(version(Requirement(r).name)) for r in backend):
        command.insert(4, "--no-build-isolation")  # the build backend is here: no download
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    (wheel,) = target.glob("*.whl")
    return wheel


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    return _build_wheel(tmp_path_factory.mktemp("wheel"))


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """The wheel unpacked as pip installs it (a wheel is a zip of site-packages' layout)."""
    site = tmp_path_factory.mktemp("site-packages")
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    return site


def test_wheel_ships_tables_notebooks_templates_and_question_map(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    tables = sorted(p.name for p in (ROOT / "data" / "curated").glob("*.csv"))
    notebooks = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
    assert tables and notebooks
    for table in tables:
        assert f"analysis/data/curated/{table}" in names
    for notebook in notebooks:
        assert f"analysis/notebooks/{notebook}" in names
    templates = ROOT / "analysis" / "pipeline" / "templates"
    for path in templates.rglob("*"):
        if path.is_file():
            assert path.relative_to(ROOT).as_posix() in names
    assert "analysis/sources/afrobarometer_questions.yaml" in names
    # no second copy of anything, and nothing downloaded or built
    assert not [n for n in names if n.startswith(("data/", "notebooks/", "analysis/data/raw"))]


def test_setuptools_packages_name_every_package_folder():
    listed = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    folders = {
        ".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "analysis").rglob("__init__.py")
    }
    assert folders <= listed, f"add to [tool.setuptools] packages: {sorted(folders - listed)}"
    assert listed - folders == {"analysis.data", "analysis.data.curated", "analysis.notebooks"}


def _run(site: Path, cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """``python -m analysis ARGS`` with the unpacked wheel as the package, in ``cwd``."""
    environment = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("MALI_") and k not in {"PYTHONPATH", "JUPYTER_PATH"}
    }
    environment.update({"PYTHONPATH": str(site), **env})
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, env=environment, capture_output=True, text=True,
        timeout=900,
    )  # fmt: skip


def test_installed_package_validates_the_shipped_tables_from_an_empty_folder(installed, tmp_path):
    done = _run(installed, tmp_path, "-c", "import analysis.config as c; print(c.CURATED_DIR)")
    assert done.stdout.strip() == str(installed / "analysis" / "data" / "curated"), done.stderr
    version_line = _run(installed, tmp_path, "-m", "analysis", "--version").stdout.strip()
    assert re.fullmatch(r"mali-reports \d+\.\d+\.\d+\S*", version_line)
    done = _run(installed, tmp_path, "-m", "analysis", "validate")
    assert done.returncode == 0, done.stderr
    assert f"Curated data in {installed / 'analysis' / 'data' / 'curated'} is valid:" in done.stdout
    assert list(tmp_path.iterdir()) == []  # validating writes nothing


def test_installed_package_builds_into_the_working_folder(installed, tmp_path):
    """`build` from an empty folder: ./reports/DATE, printed as the real path; the package's
    own folder gets no reports, downloads or caches."""
    work = tmp_path / "work"
    work.mkdir()
    actors = config.SHARED_DATA_DIR / "ucdp_actors_v22_1" / "ucdp-actor-221.csv"
    if actors.is_file():  # a download into ./data/raw, which the kernels must read from there
        fetched = _run(installed, work, "-m", "analysis", "data", "fetch", "ucdp-actor",
                       "--mirror", str(config.SHARED_DATA_DIR))  # fmt: skip
        assert fetched.returncode == 0, fetched.stderr
        assert (work / "data" / "raw" / "ucdp-actor" / actors.name).is_file()
    before = sorted(
        p.relative_to(installed) for p in installed.rglob("*") if "__pycache__" not in p.parts
    )
    done = _run(
        installed, work, "-m", "analysis", "build", "--only", "group_evolution",
        "--date", "2026-12-08", MALI_SHARED_DATA=str(tmp_path / "no-shared-data"),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    assert f"1 notebooks -> {work / 'reports' / '2026-12-08'}: 1 ok" in done.stdout
    assert (work / "reports" / "2026-12-08" / "group_evolution.html").is_file()
    assert (work / "reports" / "index.html").is_file()
    manifest = json.loads((work / "reports" / "2026-12-08" / "manifest.json").read_text())
    read = [origin["where"] for origin in manifest["notebooks"][0]["origins"]]
    assert str(installed / "analysis" / "data" / "curated" / "groups.csv") in read
    if actors.is_file():
        assert str(work / "data" / "raw" / "ucdp-actor" / actors.name) in read
    after = sorted(
        p.relative_to(installed) for p in installed.rglob("*") if "__pycache__" not in p.parts
    )
    assert after == before


def _python_example(markdown: str) -> str:
    (code,) = re.findall(r"```python\n(.*?)```", markdown, flags=re.S)
    return code


def test_the_researchers_example_runs_from_an_empty_folder(installed, tmp_path):
    """docs/install.md's example, as written, with the installed package."""
    code = _python_example(INSTALL_DOC.read_text(encoding="utf-8"))
    ast.parse(code)
    done = _run(installed, tmp_path, "-c", code, MPLBACKEND="Agg")
    assert done.returncode == 0, done.stderr[-3000:]
    first = done.stdout.splitlines()[0]
    expected = len(curated_events_in_mali())
    assert first == f"{expected} incidents; jnim"
    assert list(tmp_path.iterdir()) == []  # nothing written outside a build


def curated_events_in_mali() -> list[str]:
    """Curated events in Mali from 2012 to 2024, counted from the CSV by hand."""
    import csv

    with open(ROOT / "data" / "curated" / "events.csv", encoding="utf-8") as handle:
        return [
            row["event_id"]
            for row in csv.DictReader(handle)
            if row["country"] == "Mali" and "2012" <= row["date"][:4] <= "2024"
        ]


def test_variables_documented_are_those_the_code_reads():
    """docs/install.md's table lists config.VARIABLES, and every MALI_ name the package uses
    is among them."""
    documented = re.findall(
        r"^\| `(MALI_[A-Z_]+)` \| (.+?) \| (.+?) \|$", INSTALL_DOC.read_text(), re.M
    )
    bounds = [(b.env, f"bounds the {b.what} ({b.unit})", f"{b.default:,.0f}") for b in limits.ALL]
    assert [(n, m, d) for n, m, d in documented] == [
        (v.name, v.meaning, v.default) for v in config.VARIABLES
    ] + bounds
    used = set()
    for path in (ROOT / "analysis").rglob("*.py"):
        used |= set(re.findall(r"[\"'](MALI_[A-Z_]+)[\"']", path.read_text(encoding="utf-8")))
    known = {v.name for v in config.VARIABLES} | {b.env for b in limits.ALL}
    assert used <= known, f"not in config.VARIABLES and docs/install.md: {sorted(used - known)}"


def test_a_relative_folder_variable_is_made_absolute(tmp_path):
    """Kernels run in folders of their own: MALI_RAW_DIR=data/raw must mean the same there."""
    done = subprocess.run(
        [sys.executable, "-c", "import analysis.config as c; print(c.RAW_DIR)"],
        cwd=tmp_path, capture_output=True, text=True, check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT), "MALI_RAW_DIR": "downloads/raw"},
    )  # fmt: skip
    assert done.stdout.strip() == str(tmp_path / "downloads" / "raw")
