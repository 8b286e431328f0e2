"""The run's manifest: what it was made from and what came of it, for reproducibility and indexes."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from analysis import __version__
from analysis.config import PROJECT_ROOT, SOURCE_CHECKOUT, display_path
from analysis.pipeline.options import BuildOptions
from analysis.pipeline.params import ParameterSet
from analysis.pipeline.plan import (
    Plan,
)
from analysis.pipeline.reuse import checksums
from analysis.pipeline.worker import (
    EXECUTE,
    OK,
    JobResult,
)

PACKAGE_NAME = "mali-extremism-reports"


def runtime_requirements() -> list[str]:
    """The names of the libraries the package needs at run time (no extras), from its installed
    metadata, else from pyproject.toml in a clone that is not installed."""
    try:
        listed = [r for r in metadata.requires(PACKAGE_NAME) or [] if "extra ==" not in r]
    except metadata.PackageNotFoundError:
        pyproject = PROJECT_ROOT / "pyproject.toml"
        if not (SOURCE_CHECKOUT and pyproject.is_file()):
            return []
        listed = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["dependencies"]
    return sorted({re.split(r"[<>=!~;\[ ]", r.strip(), maxsplit=1)[0] for r in listed})


def library_versions() -> dict[str, str]:
    """The installed version of each runtime library (e.g. {"pandas": "2.2.3"}), so a run
    says what computed it; "not installed" for one that is missing."""
    versions = {}
    for name in runtime_requirements():
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def git_info(root: Path = PROJECT_ROOT) -> dict[str, Any] | None:
    """The checkout's commit and whether tracked files have uncommitted changes; None if no git."""
    if not (root / ".git").exists() or shutil.which("git") is None:
        return None

    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(
                ["git", "-C", str(root), *args], capture_output=True, text=True, timeout=20
            )
        except (OSError, subprocess.SubprocessError):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    if not commit:
        return None
    status = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": commit, "dirty": bool(status)}


def make_manifest(
    run_dir: Path,
    options: BuildOptions,
    plans: list[Plan],
    results: dict[str, JobResult],
    input_hashes: dict[str, str],
    sources_hash: str,
    git: dict[str, Any] | None,
    params: ParameterSet,
    started: datetime,
    seconds: float,
    pdf_errors: dict[str, str] | None = None,
) -> dict[str, Any]:
    """What the run was made from and what came of it, for reproducibility and the indexes."""
    pdf_errors = pdf_errors or {}
    read_by: dict[str, list[str]] = {}
    notebooks = []
    for plan in plans:
        result = results[plan.notebook.name]
        files_read = [o["where"] for o in result.origins if o.get("kind") == "file"]
        for where in dict.fromkeys(files_read):
            read_by.setdefault(where, []).append(plan.notebook.name)
        notebooks.append(
            {
                "name": plan.notebook.name,
                "title": result.title or plan.notebook.name,
                "source": display_path(plan.notebook.path),
                "source_sha256": plan.notebook.sha256,
                "status": result.status,
                "duration_seconds": round(result.duration, 3),
                "reused_from": plan.reuse_run.date
                if plan.mode != EXECUTE and plan.reuse_run
                else None,
                "parameters": {**plan.notebook.defaults, **plan.overrides},
                "parameters_text": plan.facts["parameters_text"],
                "parameters_given": plan.overrides,
                # dates given relative to the run, as this run resolved them
                "parameters_resolved": plan.facts.get("parameters_resolved", {}),
                # the period the report says it covers (an end that follows the run stops
                # where the event data does)
                "period_reported": result.period,
                "files": result.files,
                "checksums": checksums(run_dir, result.files),
                "error": {"type": result.error_type, "message": result.error_message}
                if result.status != OK
                else None,
                "inputs_read": list(dict.fromkeys(files_read)),
                "origins": result.origins,
                "executed_because": plan.reason or None,
                "key_findings": result.key_findings,
                # the newest date the report's figures rest on (its "Data through" line)
                "data_through": result.data_through,
                "changes": result.changes or None,
                "figures": result.figures,
                # the run's spreadsheet of the report's figures and tables (pipeline/workbook.py)
                "spreadsheet": next((f for f in result.files if f.endswith(".xlsx")), None),
                # stderr lines (warnings): kept in the .ipynb, left out of the HTML.
                "warnings": result.warnings,
                "pdf_error": pdf_errors.get(plan.notebook.name),
                "cache": {
                    "exec_key": plan.exec_key,
                    "render_key": plan.render_key,
                    # what the result was made from, so a later build can name what changed
                    "base_key": plan.base_key,
                    "inputs": plan.inputs,
                },
            }
        )
    inputs = []
    for path, digest in sorted(input_hashes.items(), key=lambda item: display_path(item[0])):
        inputs.append(
            {
                "path": display_path(path),
                "sha256": digest,
                "bytes": Path(path).stat().st_size,
                "read_by": sorted(read_by.get(display_path(path), [])),
            }
        )
    return {
        "manifest_version": 1,
        "run_date": options.run_date,
        "started_at": started.isoformat(timespec="seconds"),
        "finished_at": datetime.now().astimezone().isoformat(timespec="seconds"),
        "duration_seconds": round(seconds, 3),
        "package": {"name": PACKAGE_NAME, "version": __version__},
        "git": git,
        "python": sys.version.split()[0],
        "libraries": library_versions(),
        "options": {
            "jobs": options.jobs,
            "with_code": options.with_code,
            "pdf": options.pdf,
            "force": options.force,
            "only": options.only,
            "notebooks_dir": display_path(options.notebooks_dir),
            "template": display_path(options.template_dir),
        },
        "parameters": {"given": params.common, "per_notebook": params.per_notebook},
        "sources_sha256": sources_hash,
        "inputs": inputs,
        "notebooks": notebooks,
    }
