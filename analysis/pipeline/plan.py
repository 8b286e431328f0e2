"""Planning a build: which notebooks to run, and whether each is executed, re-rendered or copied."""

from __future__ import annotations

import difflib
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from analysis import __version__
from analysis.config import display_path
from analysis.core import relative_dates
from analysis.pipeline.changes import previous_findings
from analysis.pipeline.html import template_hash
from analysis.pipeline.index import describe_parameters
from analysis.pipeline.inputs import DEFAULT_INPUT_DIRS, combined_hash
from analysis.pipeline.options import BuildOptions
from analysis.pipeline.params import ParameterSet, ParameterUsageError, find_parameters_cell
from analysis.pipeline.reuse import DAMAGED, find_reusable
from analysis.pipeline.runs import (
    PastRun,
)
from analysis.pipeline.worker import (
    EXECUTE,
    RENDER,
)
from analysis.reports.reads import report_folders

COPY = "copy"


class SelectionError(ValueError):
    """A notebook asked for with --only that cannot be built."""


@dataclass(frozen=True)
class Notebook:
    """A buildable notebook: name (file stem), path, content hash and parameter defaults."""

    name: str
    path: Path
    sha256: str
    defaults: dict[str, Any]


@dataclass
class Plan:
    """How one notebook is built in this run: executed, re-rendered, or copied from a past run."""

    notebook: Notebook
    overrides: dict[str, Any]
    facts: dict[str, Any]
    exec_key: str
    render_key: str
    mode: str = EXECUTE
    reuse_run: PastRun | None = None
    reuse_entry: dict[str, Any] | None = None
    #: why the notebook is executed (or re-rendered) rather than copied; "" when copied
    reason: str = ""
    #: a sentence when the cached result that would have been reused is damaged
    damaged: str = ""
    #: the input files of the folders the notebook reads, display path -> sha256
    inputs: dict[str, str] = field(default_factory=dict)
    #: the key of the code and Python the result is made with
    base_key: str = ""


def notebook_inputs(
    name: str, input_hashes: Mapping[str, str], input_dirs: Iterable[Path]
) -> dict[str, str]:
    """The input files a notebook's result depends on (display path -> sha256): those in the
    folders its report reads (analysis.reports.reads), and every file of an input folder the
    build was given beyond the default ones; for a notebook of unknown reads, every input."""
    folders = report_folders(name)
    if folders is None:
        return {display_path(p): digest for p, digest in input_hashes.items()}
    defaults = {Path(d).resolve() for d in DEFAULT_INPUT_DIRS}
    extra = [Path(d) for d in input_dirs if Path(d).resolve() not in defaults]
    within = [f.resolve() for f in (*folders, *extra)]
    return {
        display_path(path): digest
        for path, digest in input_hashes.items()
        if any(Path(path).is_relative_to(folder) for folder in within)
    }


def what_changed(
    history: list[PastRun],
    name: str,
    overrides: Mapping[str, Any],
    base_key: str,
    inputs: Mapping[str, str],
    resolved: Mapping[str, str] | None = None,
    relative: Mapping[str, Any] | None = None,
) -> str:
    """Why the newest earlier result of the notebook with the same parameters is not reused,
    naming what changed: the code, the dates given relative to the run, or the input files
    (changed, new, gone); '' if none."""
    wanted = json.dumps(dict(overrides), sort_keys=True, default=str)
    for run in history:  # newest first
        for entry in run.manifest.get("notebooks", []):
            cache = entry.get("cache") or {}
            if entry.get("name") != name or "inputs" not in cache:
                continue
            given = json.dumps(entry.get("parameters_given") or {}, sort_keys=True, default=str)
            if given != wanted:
                continue
            if cache.get("base_key") != base_key:
                return f"the package's code or Python changed since the run of {run.date}"
            moved = {
                k: v for k, v in (resolved or {}).items()
                if (entry.get("parameters_resolved") or {}).get(k) != v
            }  # fmt: skip
            if moved:
                dates = ", ".join(
                    f"{k} ({(relative or {}).get(k, 'relative')}) is {v}, was "
                    f"{(entry.get('parameters_resolved') or {}).get(k)}"
                    for k, v in moved.items()
                )
                return f"dates relative to the run date moved since the run of {run.date}: {dates}"
            before = cache["inputs"]
            changed = [p for p in inputs if p in before and before[p] != inputs[p]]
            new = [p for p in inputs if p not in before]
            gone = [p for p in before if p not in inputs]
            parts = [f"{p} changed" for p in changed] + [f"{p} is new" for p in new]
            parts += [f"{p} is gone" for p in gone]
            if not parts:
                return ""
            shown = "; ".join(parts[:3]) + (
                f"; and {len(parts) - 3} more" if len(parts) > 3 else ""
            )
            return f"since the run of {run.date}: {shown}"
    return ""


def discover(notebooks_dir: Path, only: list[str]) -> list[Notebook]:
    """Notebooks with a ``parameters`` cell, sorted by name; --only narrows them down."""

    found: dict[str, Notebook] = {}
    skipped: set[str] = set()
    if not notebooks_dir.is_dir():
        raise SelectionError(f"--notebooks {display_path(notebooks_dir)}: no such folder.")
    for path in sorted(notebooks_dir.glob("*.ipynb")):
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise SelectionError(
                f"{display_path(path)}: cannot read the notebook ({exc.strerror})."
            ) from None
        try:
            content = json.loads(raw)
        except ValueError as exc:
            raise SelectionError(
                f"{display_path(path)}: not a valid notebook file ({exc})."
            ) from None
        if not isinstance(content, dict) or not isinstance(content.get("cells", []), list):
            raise SelectionError(
                f"{display_path(path)}: not a valid notebook file (JSON without a list of cells)."
            )
        cell = find_parameters_cell(content, display_path(path))
        if cell is None:
            skipped.add(path.stem)
            continue
        found[path.stem] = Notebook(path.stem, path, hashlib.sha256(raw).hexdigest(), cell.defaults)
    if not only:
        return list(found.values())
    chosen = []
    for wanted in only:
        name = Path(wanted).name.removesuffix(".ipynb")
        if name in skipped:
            raise SelectionError(
                f"notebook {name!r} has no cell tagged 'parameters', so the build does not run it."
            )
        if name not in found:
            close = difflib.get_close_matches(name, list(found), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise SelectionError(
                f"no notebook {name!r} in {display_path(notebooks_dir)}{hint}; "
                f"available: {', '.join(found) or 'none'}."
            )
        if found[name] not in chosen:
            chosen.append(found[name])
    return sorted(chosen, key=lambda nb: nb.name)


def resolved_dates(values: dict[str, Any], run_date: str) -> dict[str, str]:
    """The parameters given relative to the run (``today``, ``-52w``) as ISO dates of this run;
    one that falls before the first day a date can hold is a ParameterUsageError."""
    day = date.fromisoformat(run_date)
    resolved = {}
    for name, value in values.items():
        if relative_dates.is_relative(value):
            try:
                resolved[name] = relative_dates.resolve(value, day).isoformat()
            except ValueError as exc:
                raise ParameterUsageError(f"parameter {name}: {exc}.") from None
    return resolved


def plan_notebooks(
    options: BuildOptions,
    notebooks: list[Notebook],
    params: ParameterSet,
    base_key: str,
    git: dict[str, Any] | None,
    history: list[PastRun],
    input_hashes: Mapping[str, str] | None = None,
) -> list[Plan]:
    """Decide, per notebook, whether to execute, re-render or copy a past result.

    A notebook's result is keyed by the code (``base_key``), the notebook, its parameters and
    the input files of the folders it reads (notebook_inputs, from ``input_hashes``: path ->
    sha256 of every input file)."""
    template = template_hash(options.template_dir)
    plans = []
    for nb in notebooks:
        overrides = params.for_notebook(nb.name, nb.defaults)
        effective = {**nb.defaults, **overrides}
        # dates relative to the run (today, -52w) make a result that holds for its date only
        resolved = resolved_dates(effective, options.run_date)
        inputs = notebook_inputs(nb.name, input_hashes or {}, options.input_dirs)
        keyed = {"base": base_key, "notebook": nb.sha256, "inputs": combined_hash(inputs)}
        keyed["parameters"] = json.dumps(overrides, sort_keys=True)
        if resolved:
            keyed["resolved"] = json.dumps(resolved, sort_keys=True)
        exec_key = combined_hash(keyed)
        facts = {
            "notebook": nb.name,
            "run_date": options.run_date,
            "parameters": effective,
            "parameters_resolved": resolved,
            "parameters_text": describe_parameters({**effective, **resolved}),
            "previous": previous_findings(history, options.run_date, nb.name, overrides),
            "package_version": __version__,
            "git_commit": (git or {}).get("commit", ""),
            "git_dirty": bool((git or {}).get("dirty")),
            "with_code": options.with_code,
        }
        render_key = combined_hash(
            {
                "exec": exec_key,
                "template": template,
                "facts": json.dumps(facts, sort_keys=True, default=str),
            }
        )
        plan = Plan(nb, overrides, facts, exec_key, render_key, inputs=inputs, base_key=base_key)
        if options.force:
            plan.reason = "--force"
        else:
            run, entry, why = find_reusable(history, options.run_date, nb.name, exec_key)
            if run is None and not why.startswith((DAMAGED, "not reused")):
                given = {k: effective[k] for k in resolved}
                changed = what_changed(
                    history, nb.name, overrides, base_key, inputs, resolved, given
                )
                why = changed or why
            if run is not None and entry is not None:
                plan.reuse_run, plan.reuse_entry = run, entry
                same_render = entry.get("cache", {}).get("render_key") == render_key
                plan.mode = COPY if same_render else RENDER
                plan.reason = "" if same_render else "the page's template or facts changed"
            else:
                plan.reason = why
                if why.startswith(DAMAGED):
                    plan.damaged = why.removeprefix(DAMAGED)
        plans.append(plan)
    return plans


def expected_seconds(history: list[PastRun], name: str) -> float:
    """How long the notebook took last time (unknown: longest), to start long ones first."""
    for run in history:
        for entry in run.manifest.get("notebooks", []):
            if entry.get("name") == name and entry.get("reused_from") is None:
                return float(entry.get("duration_seconds", 0.0))
    return float("inf")
