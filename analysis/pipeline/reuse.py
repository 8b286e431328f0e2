"""Reuse of past results: which earlier run holds an intact, up-to-date result for a notebook."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from analysis.config import display_path
from analysis.core.hashing import sha256_file
from analysis.pipeline.manifest_check import inside_run
from analysis.pipeline.runs import PastRun
from analysis.pipeline.worker import OK


def find_reusable(
    history: list[PastRun], run_date: str, name: str, exec_key: str
) -> tuple[PastRun | None, dict[str, Any] | None, str]:
    """A past run (this date first, then newest) whose result for the notebook is up to date,
    or (None, None, why not). A result that read a volatile origin (an API answer) is never
    reused: the same files and code can give another answer today."""
    ordered = sorted(history, key=lambda run: run.date != run_date)
    why = "no earlier result with the same inputs, code and parameters"
    for run in ordered:
        for entry in run.manifest.get("notebooks", []):
            if (
                entry.get("name") == name
                and entry.get("status") == OK
                and entry.get("cache", {}).get("exec_key") == exec_key
            ):
                volatile = [o for o in entry.get("origins", []) if o.get("volatile")]
                if volatile:
                    why = "; ".join(o.get("why_volatile") or o.get("where", "") for o in volatile)
                    return None, None, f"not reused: {why}"
                found = damage(run, entry)
                if found:
                    return None, None, f"{DAMAGED}{found}"
                return run, entry, ""
    return None, None, why


#: How ``executed_because`` starts when the cached result was damaged.
DAMAGED = "cached result damaged: "


def output_files(folder: Path, files: list[str]) -> dict[str, Path]:
    """The files a manifest entry lists (a folder entry 'figures/x/' stands for its files)."""
    found: dict[str, Path] = {}
    for relative in files:
        path = folder / relative
        if relative.endswith("/"):
            if path.is_dir():
                for item in sorted(path.rglob("*")):
                    if item.is_file():
                        found[item.relative_to(folder).as_posix()] = item
        else:
            found[relative] = path
    return found


def checksums(folder: Path, files: list[str]) -> dict[str, str]:
    """sha256 of every output file of a report, by path relative to the run folder."""
    return {
        relative: sha256_file(path)
        for relative, path in output_files(folder, files).items()
        if path.is_file()
    }


def _link(folder: Path, *groups: Iterable[Path]) -> str:
    """The first of these paths that is a symbolic link (a result is plain files and folders:
    a link could lead a copy outside the run folder), relative to ``folder``, or ""."""
    for group in groups:
        for path in group:
            if path.is_symlink():
                return path.relative_to(folder).as_posix()
            if path.is_dir():
                for item in path.rglob("*"):
                    if item.is_symlink():
                        return item.relative_to(folder).as_posix()
    return ""


def damage(run: PastRun, entry: dict[str, Any]) -> str:
    """Why a past run's result cannot be reused as it is (missing or changed files), or ""."""
    where = display_path(run.folder)
    recorded = entry.get("checksums")
    if not isinstance(recorded, dict) or not recorded:
        return f"{where}/manifest.json records no checksums for {entry.get('name')!r}"
    for relative in [*entry.get("files", []), *recorded]:
        if not inside_run(relative):  # read_manifest refuses these: never read or copy one
            return f"{where}/manifest.json lists {relative!r}, a path outside its run folder"
    for relative in entry.get("files", []):
        if not (run.folder / relative).exists():
            return f"{where}/{relative} is missing"
    present = output_files(run.folder, list(entry.get("files", [])))
    link = _link(run.folder, [run.folder / f for f in entry.get("files", [])], present.values())
    if link:
        return f"{where}/{link} is a symbolic link, not a file the run wrote: never followed"
    for relative in sorted(set(recorded) | set(present)):
        path = present.get(relative, run.folder / relative)
        if relative not in recorded:
            return f"{where}/{relative} is not in its manifest"
        if not path.is_file():
            return f"{where}/{relative} is missing"
        try:
            digest = sha256_file(path)
        except OSError as exc:
            return f"{where}/{relative} cannot be read ({exc.strerror})"
        if digest != recorded[relative]:
            return f"{where}/{relative} is damaged (its sha256 differs from the manifest's)"
    return ""
