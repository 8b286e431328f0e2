"""``python -m analysis build``: execute the notebooks into dated, self-contained HTML reports.

Every ``notebooks/*.ipynb`` with a cell tagged ``parameters`` is executed with papermill (in
parallel, one kernel each) and converted to HTML; the run goes to ``reports/<date>/`` with the
executed notebooks, a manifest and an index, and ``reports/index.html`` lists every run.

A notebook whose notebook file, parameters, package sources and input files are unchanged since a
previous run is not executed again: its outputs are reused (``--force`` rebuilds anyway).
"""

from __future__ import annotations

import argparse
import difflib
import errno
import hashlib
import json
import math
import multiprocessing
import os
import queue
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, TextIO

from analysis import __version__
from analysis.build.html import DEFAULT_TEMPLATE, check_template, template_hash
from analysis.build.index import describe_parameters, run_index_html, write_runs_index
from analysis.build.inputs import (
    DEFAULT_INPUT_DIRS,
    FileHashCache,
    combined_hash,
    list_files,
    package_sources,
    sha256_file,
)
from analysis.build.kernel import kernel_environment, write_kernel_spec
from analysis.build.params import ParameterSet, ParameterUsageError, find_parameters_cell
from analysis.build.pdf import PdfError, check_available, write_pdfs
from analysis.build.progress import LIVE, QUIET, Progress, choose_mode
from analysis.build.runs import (
    MANIFEST_NAME,
    RUN_NAME,
    BuildLock,
    BuildLocked,
    PastRun,
    move_into_place,
    new_run_dir,
    past_runs,
    recover,
    write_atomic,
)
from analysis.build.worker import (
    EXECUTE,
    FAILED,
    OK,
    RENDER,
    Job,
    JobResult,
    init_worker,
    one_line,
    run_job,
)
from analysis.config import NOTEBOOKS_DIR, PROJECT_ROOT, REPORTS_DIR, display_path

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_LOCKED = 0, 1, 2, 3
#: Bump when the layout of cached results changes, so old runs are not reused.
#: 3: every output file's sha256 in the manifest ("checksums"), checked before reuse.
CACHE_VERSION = 3
PACKAGE_NAME = "mali-extremism-reports"
COPY = "copy"


class SelectionError(ValueError):
    """A notebook asked for with --only that cannot be built."""


@dataclass
class BuildOptions:
    """Everything a build is told; the command line fills it (see add_arguments)."""

    out: Path = REPORTS_DIR
    run_date: str = field(default_factory=lambda: date.today().isoformat())
    params_file: Path | None = None
    param_pairs: list[tuple[str, str]] = field(default_factory=list)
    only: list[str] = field(default_factory=list)
    jobs: int = 0
    quiet: bool = False
    with_code: bool = False
    force: bool = False
    notebooks_dir: Path = NOTEBOOKS_DIR
    input_dirs: tuple[Path, ...] = DEFAULT_INPUT_DIRS
    template_dir: Path = DEFAULT_TEMPLATE
    timeout: float | None = None
    pdf: bool = False


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


def default_jobs() -> int:
    """The number of cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


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


def _find_reusable(
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
                damage = _damage(run, entry)
                if damage:
                    return None, None, f"{DAMAGED}{damage}"
                return run, entry, ""
    return None, None, why


#: How ``executed_because`` starts when the cached result was damaged.
DAMAGED = "cached result damaged: "


def _output_files(folder: Path, files: list[str]) -> dict[str, Path]:
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
        for relative, path in _output_files(folder, files).items()
        if path.is_file()
    }


def _damage(run: PastRun, entry: dict[str, Any]) -> str:
    """Why a past run's result cannot be reused as it is (missing or changed files), or ""."""
    where = display_path(run.folder)
    recorded = entry.get("checksums")
    if not isinstance(recorded, dict) or not recorded:
        return f"{where}/manifest.json records no checksums for {entry.get('name')!r}"
    for relative in entry.get("files", []):
        if not (run.folder / relative).exists():
            return f"{where}/{relative} is missing"
    present = _output_files(run.folder, list(entry.get("files", [])))
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


def _copy_outputs(plan: Plan, run_dir: Path) -> JobResult:
    """Reuse a past run's files for a notebook whose inputs and rendering are unchanged."""
    assert plan.reuse_run is not None and plan.reuse_entry is not None
    entry = plan.reuse_entry
    for relative in entry["files"]:
        source, target = plan.reuse_run.folder / relative, run_dir / relative
        if source.is_dir():
            shutil.copytree(source, target)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return JobResult(
        name=plan.notebook.name,
        status=OK,
        duration=float(entry.get("duration_seconds", 0.0)),
        files=list(entry["files"]),
        origins=list(entry.get("origins", [])),
        title=entry.get("title", plan.notebook.name),
        key_findings=list(entry.get("key_findings", [])),
        figures=list(entry.get("figures", [])),
        warnings=list(entry.get("warnings", [])),
    )


def _carry_over(
    history: list[PastRun], run_date: str, run_dir: Path, built: dict[str, JobResult]
) -> list[dict[str, Any]]:
    """With --only, keep the same date's other reports: a partial rebuild destroys nothing."""
    same_day = next((run for run in history if run.date == run_date), None)
    if same_day is None:
        return []
    kept = []
    for entry in same_day.manifest.get("notebooks", []):
        name = entry["name"]
        if name in built:
            continue
        for source in same_day.folder.iterdir():
            if source.is_file() and source.name.startswith(f"{name}."):
                shutil.copy2(source, run_dir / source.name)
        figures = same_day.folder / "figures" / name
        if figures.is_dir():
            shutil.copytree(figures, run_dir / "figures" / name)
        kept.append({**entry, "carried_over_from": same_day.manifest.get("finished_at")})
    return kept


def _run_jobs(
    jobs: list[Job],
    workers: int,
    env: dict[str, str],
    log_path: Path,
    options: BuildOptions,
    progress: Progress,
) -> dict[str, JobResult]:
    """Run the jobs in a pool of worker processes, updating the progress lines."""

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    done: queue.Queue[JobResult] = queue.Queue()
    results: dict[str, JobResult] = {}
    pool = context.Pool(
        processes=workers,
        initializer=init_worker,
        initargs=(env, str(log_path), str(options.template_dir), options.with_code),
    )
    try:
        for job in jobs:

            def failed(exc: BaseException, name: str = job.name) -> None:
                done.put(JobResult(name, FAILED, 0.0, [], type(exc).__name__, one_line(exc)))

            pool.apply_async(run_job, (job,), callback=done.put, error_callback=failed)
        pool.close()
        pending = [job.name for job in jobs]
        while pending:
            # Workers take jobs in order, so the first `workers` unfinished ones are running.
            for name in pending[:workers]:
                progress.running(name)
            progress.draw()
            try:
                result = done.get(timeout=0.25 if progress.mode == LIVE else 1.0)
            except queue.Empty:
                continue
            results[result.name] = result
            pending.remove(result.name)
            label = "ok" if result.status == OK else "FAILED"
            note = (
                "re-rendered" if result.name in {j.name for j in jobs if j.mode == RENDER} else ""
            )
            progress.finished(result.name, label, result.duration, note)
        progress.draw()
        pool.join()
    except BaseException:
        pool.terminate()
        raise
    return results


def _manifest(
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
                "files": result.files,
                "checksums": checksums(run_dir, result.files),
                "error": {"type": result.error_type, "message": result.error_message}
                if result.status != OK
                else None,
                "inputs_read": list(dict.fromkeys(files_read)),
                "origins": result.origins,
                "executed_because": plan.reason or None,
                "key_findings": result.key_findings,
                "figures": result.figures,
                # stderr lines (warnings): kept in the .ipynb, left out of the HTML.
                "warnings": result.warnings,
                "pdf_error": pdf_errors.get(plan.notebook.name),
                "cache": {"exec_key": plan.exec_key, "render_key": plan.render_key},
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


def build(options: BuildOptions, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Build the reports for one run date; returns the exit status (see EXIT_*)."""
    out = out or sys.stdout
    err = err or sys.stderr
    started, clock = datetime.now().astimezone(), time.perf_counter()
    options.jobs = options.jobs or default_jobs()
    # Kernels run in temporary folders: every path they are given must be absolute.
    options.notebooks_dir = options.notebooks_dir.resolve()
    options.input_dirs = tuple(Path(d).resolve() for d in options.input_dirs)
    options.template_dir = options.template_dir.resolve()
    try:
        if not _is_iso_date(options.run_date):
            raise ParameterUsageError(
                f"--date must be a real date such as 2025-01-31, not {options.run_date!r}."
            )
        options.timeout = _check_timeout(options.timeout)
        if options.jobs < 1:
            raise ParameterUsageError(f"--jobs must be 1 or more, not {options.jobs}.")
        if options.out.exists() and not options.out.is_dir():
            raise ParameterUsageError(
                f"--out {display_path(options.out.resolve())} is a file, not a folder; "
                "give the reports folder."
            )
        if not options.template_dir.is_dir():
            raise ParameterUsageError(
                f"--template {display_path(options.template_dir)}: no such folder "
                f"(the default is {display_path(DEFAULT_TEMPLATE)})."
            )
        notebooks = discover(options.notebooks_dir, options.only)
        if not notebooks:
            raise SelectionError(
                f"no notebook with a cell tagged 'parameters' in {display_path(options.notebooks_dir)}."
            )
        params = ParameterSet.from_sources(options.params_file, options.param_pairs)
        params.check({nb.name: nb.defaults for nb in notebooks})
        check_template(options.template_dir)
        if options.pdf:
            check_available()
    except (ParameterUsageError, SelectionError, FileNotFoundError, PdfError) as exc:
        print(f"error: {exc}", file=err)
        return EXIT_USAGE
    reports_dir = options.out.resolve()
    try:
        with BuildLock(reports_dir) as lock:
            if lock.took_over:
                print(f"note: {lock.took_over}", file=err)
            return _build_locked(options, notebooks, params, reports_dir, started, clock, out, err)
    except BuildLocked as exc:
        print(f"error: {exc}", file=err)
        return EXIT_LOCKED
    except OSError as exc:
        print(f"error: {_os_error_sentence(exc, reports_dir, options.run_date)}", file=err)
        return EXIT_FAILED


_CAUSES = {
    errno.ENOSPC: "the disk is full (no space left on device)",
    errno.EDQUOT: "the disk quota is used up",
    errno.EACCES: "permission denied (the folder is not writable for this user)",
    errno.EPERM: "operation not permitted",
    errno.EROFS: "the file system is read-only",
    errno.ENOTDIR: "a part of the path is a file, not a folder",
    errno.EIO: "an input/output error of the disk",
}


def _os_error_sentence(exc: OSError, reports_dir: Path, run_date: str) -> str:
    """One sentence for a file-system failure: the folder or file and the cause, no traceback."""
    cause = _CAUSES.get(exc.errno or -1) or (exc.strerror or str(exc)).lower()
    filename = Path(exc.filename) if exc.filename else None
    inside = filename is None or filename == reports_dir or reports_dir in filename.parents
    if inside:
        return (
            f"cannot write the {run_date} reports into {display_path(reports_dir)}: {cause}; "
            "the build stopped and the earlier reports are untouched."
        )
    return f"cannot use {display_path(filename)}: {cause}; the build stopped."


def _check_timeout(timeout: float | None) -> int | None:
    """--timeout in whole seconds as the kernel client wants them (2.5 -> 3), or a sentence."""
    if timeout is None:
        return None
    try:
        value = float(timeout)
    except (TypeError, ValueError):
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise ParameterUsageError(
            f"--timeout must be a number of seconds above 0, such as 600 or 2.5, not {timeout!r}."
        )
    return math.ceil(value)


def _plan(
    options: BuildOptions,
    notebooks: list[Notebook],
    params: ParameterSet,
    base_key: str,
    git: dict[str, Any] | None,
    history: list[PastRun],
) -> list[Plan]:
    """Decide, per notebook, whether to execute, re-render or copy a past result."""
    template = template_hash(options.template_dir)
    plans = []
    for nb in notebooks:
        overrides = params.for_notebook(nb.name, nb.defaults)
        effective = {**nb.defaults, **overrides}
        exec_key = combined_hash(
            {
                "base": base_key,
                "notebook": nb.sha256,
                "parameters": json.dumps(overrides, sort_keys=True),
            }
        )
        facts = {
            "notebook": nb.name,
            "run_date": options.run_date,
            "parameters": effective,
            "parameters_text": describe_parameters(effective),
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
        plan = Plan(nb, overrides, facts, exec_key, render_key)
        if options.force:
            plan.reason = "--force"
        else:
            run, entry, why = _find_reusable(history, options.run_date, nb.name, exec_key)
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


def _expected_seconds(history: list[PastRun], name: str) -> float:
    """How long the notebook took last time (unknown: longest), to start long ones first."""
    for run in history:
        for entry in run.manifest.get("notebooks", []):
            if entry.get("name") == name and entry.get("reused_from") is None:
                return float(entry.get("duration_seconds", 0.0))
    return float("inf")


def _build_locked(
    options: BuildOptions,
    notebooks: list[Notebook],
    params: ParameterSet,
    reports_dir: Path,
    started: datetime,
    clock: float,
    out: TextIO,
    err: TextIO,
) -> int:
    recover(reports_dir)
    hashes = FileHashCache(reports_dir / ".build-cache" / "hashes.json")
    input_hashes = {str(p): hashes.sha256(p) for p in list_files(options.input_dirs)}
    source_hashes = {display_path(p): hashes.sha256(p) for p in package_sources()}
    sources_hash = combined_hash(source_hashes)
    base_key = combined_hash(
        {
            "cache_version": str(CACHE_VERSION),
            "inputs": combined_hash(input_hashes),
            "sources": sources_hash,
            "python": sys.version,
            "package": __version__,
        }
    )
    git = git_info()
    history = list(past_runs(reports_dir))
    plans = _plan(options, notebooks, params, base_key, git, history)
    for plan in plans:
        if plan.damaged:
            print(f"rebuilding {plan.notebook.name}: {plan.damaged}; executed again.", file=err)

    mode = choose_mode(out, options.quiet)
    progress = Progress([p.notebook.name for p in plans], out, mode)
    if mode == LIVE:
        out.write(
            f"Building {len(plans)} notebooks into {display_path(reports_dir / options.run_date)}\n"
        )
    run_dir = new_run_dir(reports_dir, options.run_date)
    moved = False
    try:
        work = run_dir / ".work"
        work.mkdir()
        results: dict[str, JobResult] = {}
        for plan in plans:
            if plan.mode == COPY:
                results[plan.notebook.name] = _copy_outputs(plan, run_dir)
                progress.finished(
                    plan.notebook.name, "reused", results[plan.notebook.name].duration
                )
        jobs = [_job(plan, run_dir, work, options) for plan in plans if plan.mode != COPY]
        jobs.sort(key=lambda job: (job.mode != EXECUTE, -_expected_seconds(history, job.name)))
        if jobs:
            env = kernel_environment(work / "jupyter")
            workers = max(1, min(options.jobs, len(jobs)))
            results.update(_run_jobs(jobs, workers, env, work / "kernels.log", options, progress))
        else:
            progress.draw()
        shutil.rmtree(work, ignore_errors=True)
        pdf_errors = _write_pdfs(results, run_dir) if options.pdf else {}
        manifest = _manifest(
            run_dir,
            options,
            plans,
            results,
            input_hashes,
            sources_hash,
            git,
            params,
            started,
            time.perf_counter() - clock,
            pdf_errors,
        )
        if options.only:
            manifest["notebooks"] = sorted(
                manifest["notebooks"] + _carry_over(history, options.run_date, run_dir, results),
                key=lambda entry: entry["name"],
            )
        write_atomic(
            run_dir / MANIFEST_NAME, json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
        )
        previous = next((run.manifest for run in history if run.date < options.run_date), None)
        write_atomic(run_dir / "index.html", run_index_html(manifest, previous=previous))
        target = move_into_place(run_dir, reports_dir, options.run_date)
        moved = True
    finally:
        if not moved:
            shutil.rmtree(run_dir, ignore_errors=True)
    write_runs_index(reports_dir)
    hashes.save()
    return _report(manifest, target, out, err, mode, time.perf_counter() - clock)


def _job(plan: Plan, run_dir: Path, work: Path, options: BuildOptions) -> Job:
    # Also for a re-render: the worker executes instead if the cached notebook turns out damaged.
    kernel_name = write_kernel_spec(work / "jupyter")
    cached_notebook = cached_figures = None
    cached_duration = 0.0
    cached_origins: tuple[dict[str, Any], ...] = ()
    if plan.mode == RENDER and plan.reuse_run and plan.reuse_entry:
        cached_notebook = str(plan.reuse_run.folder / f"{plan.notebook.name}.ipynb")
        cached_figures = str(plan.reuse_run.folder / "figures" / plan.notebook.name)
        cached_duration = float(plan.reuse_entry.get("duration_seconds", 0.0))
        cached_origins = tuple(plan.reuse_entry.get("origins", []))
    return Job(
        name=plan.notebook.name,
        source=str(plan.notebook.path),
        run_dir=str(run_dir),
        work_dir=str(work),
        mode=plan.mode,
        kernel_name=kernel_name,
        parameters=plan.overrides,
        facts=plan.facts,
        template_dir=str(options.template_dir),
        with_code=options.with_code,
        timeout=options.timeout,
        cached_notebook=cached_notebook,
        cached_figures=cached_figures,
        cached_duration=cached_duration,
        cached_origins=cached_origins,
    )


def _report(
    manifest: dict[str, Any], target: Path, out: TextIO, err: TextIO, mode: str, seconds: float
) -> int:
    """Print failures (always) and the summary line (unless quiet); returns the exit status."""
    notebooks = manifest["notebooks"]
    failed = [nb for nb in notebooks if nb["status"] != OK]
    reused = sum(1 for nb in notebooks if nb["reused_from"])
    for nb in failed:
        print(f"FAILED {nb['name']}: {nb['error']['type']}: {nb['error']['message']}", file=err)
    no_pdf = [nb for nb in notebooks if nb.get("pdf_error")]
    for nb in no_pdf:
        print(f"NO PDF {nb['name']}: {nb['pdf_error']}", file=err)
    if mode != QUIET:
        ok = len(notebooks) - len(failed)
        reuse_note = f" ({reused} reused)" if reused else ""
        print(
            f"{len(notebooks)} notebooks -> {display_path(target)}: {ok} ok{reuse_note}, "
            f"{len(failed)} failed, in {seconds:.1f} s",
            file=out,
        )
    return EXIT_FAILED if failed or no_pdf else EXIT_OK


def _write_pdfs(results: dict[str, JobResult], run_dir: Path) -> dict[str, str]:
    """Print every report of the run to PDF beside its HTML (a reused report may have one)."""

    wanted: dict[Path, JobResult] = {}
    for result in results.values():
        for name in result.files:
            if name.endswith(".html") and f"{name[:-5]}.pdf" not in result.files:
                wanted[run_dir / name] = result
    errors = write_pdfs(list(wanted))
    for html_path, result in wanted.items():
        if html_path not in errors:
            result.files.append(html_path.with_suffix(".pdf").name)
    return {wanted[path].name: message for path, message in errors.items()}


def _is_iso_date(text: str) -> bool:
    if not RUN_NAME.match(text):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _iso_date(text: str) -> str:
    if not RUN_NAME.match(text):
        raise argparse.ArgumentTypeError(f"not a date written YYYY-MM-DD: {text!r}")
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"no such day: {text!r} ({exc})") from None


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {value}")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(
            f"must be a number of seconds above 0, such as 600 or 2.5, not {text!r}"
        )
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of the build command."""
    parser.add_argument(
        "-p",
        "--parameter",
        nargs=2,
        action="append",
        metavar=("NAME", "VALUE"),
        dest="param_pairs",
        default=[],
        help="set a notebook parameter (YAML value: 2015-01-01 stays a string, [A, B] is a list)",
    )
    parser.add_argument(
        "--params",
        type=Path,
        metavar="FILE.yaml",
        help="parameters from a YAML file (dates stay ISO strings; 'notebooks:' for per-notebook values)",
    )
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="NOTEBOOK",
        help="build only this notebook (repeatable)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=REPORTS_DIR,
        metavar="DIR",
        help="reports folder (default: reports/)",
    )
    parser.add_argument(
        "--date",
        type=_iso_date,
        default=None,
        metavar="YYYY-MM-DD",
        help="run date, the folder's name (default: today)",
    )
    parser.add_argument(
        "--jobs",
        type=_positive_int,
        default=0,
        metavar="N",
        help="notebooks run at once (default: number of cores)",
    )
    parser.add_argument("--quiet", action="store_true", help="print only errors (for cron)")
    parser.add_argument("--with-code", action="store_true", help="keep the code cells in the HTML")
    parser.add_argument(
        "--pdf",
        action="store_true",
        help="also print each report to an A4 PDF with headless Chromium (/usr/bin/chromium)",
    )
    parser.add_argument(
        "--force", action="store_true", help="execute every notebook even if nothing changed"
    )
    parser.add_argument(
        "--notebooks",
        type=Path,
        default=NOTEBOOKS_DIR,
        metavar="DIR",
        help="folder of notebooks (default: notebooks/)",
    )
    parser.add_argument(
        "--input-dir",
        type=Path,
        action="append",
        default=[],
        metavar="DIR",
        help="folder whose files are inputs, hashed into the manifest (repeatable; default: "
        "data/curated, data/raw and ../shared/data)",
    )
    parser.add_argument(
        "--template",
        type=Path,
        default=DEFAULT_TEMPLATE,
        metavar="DIR",
        help="nbconvert template folder for the reports (default: analysis/templates/report)",
    )
    parser.add_argument(
        "--timeout",
        type=_seconds,
        default=None,
        metavar="SECONDS",
        help="seconds one cell may run, rounded up to whole seconds (default: no limit)",
    )


def run(args: argparse.Namespace) -> int:
    """Build the reports from parsed command-line options."""
    options = BuildOptions(
        out=args.out,
        run_date=args.date or date.today().isoformat(),
        params_file=args.params,
        param_pairs=[tuple(pair) for pair in args.param_pairs],
        only=list(args.only),
        jobs=args.jobs,
        quiet=args.quiet,
        with_code=args.with_code,
        force=args.force,
        notebooks_dir=args.notebooks,
        input_dirs=tuple(args.input_dir) or DEFAULT_INPUT_DIRS,
        template_dir=args.template,
        timeout=args.timeout,
        pdf=args.pdf,
    )
    # cron and CI stop jobs with SIGTERM: clean up the unfinished run as for Ctrl-C.
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        return build(options)
    finally:
        signal.signal(signal.SIGTERM, previous)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
