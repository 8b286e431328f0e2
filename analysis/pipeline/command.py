"""``python -m analysis build``: execute the notebooks into dated, self-contained HTML reports.

Every ``notebooks/*.ipynb`` with a cell tagged ``parameters`` is executed with papermill (in
parallel, one kernel each) and converted to HTML; the run goes to ``reports/<date>/`` with the
executed notebooks, a manifest and an index, and ``reports/index.html`` lists every run.

A notebook whose notebook file, parameters, package sources and input files are unchanged since a
previous run is not executed again: its outputs are reused (``--force`` rebuilds anyway).

Worker processes are spawned (not forked: the build has threads by then): a program that calls
``build`` guards its entry point with ``if __name__ == "__main__":``, as multiprocessing
requires.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import shutil
import signal
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, TextIO

from analysis import __version__
from analysis.config import display_path
from analysis.core.hashing import sha256_file
from analysis.pipeline.html import DEFAULT_TEMPLATE, check_template
from analysis.pipeline.index import describe_parameters, run_index_html, write_runs_index
from analysis.pipeline.inputs import DEFAULT_INPUT_DIRS, combined_hash, list_files, package_sources
from analysis.pipeline.kernel import kernel_environment, write_kernel_spec
from analysis.pipeline.manifest import git_info, make_manifest
from analysis.pipeline.options import (
    BuildOptions,
    add_arguments,
    check_timeout,
    default_jobs,
    is_iso_date,
)
from analysis.pipeline.oserrors import cause, os_error_sentence
from analysis.pipeline.params import ParameterSet, ParameterUsageError
from analysis.pipeline.pdf import PdfError, check_available, write_pdfs
from analysis.pipeline.plan import (
    COPY,
    Notebook,
    Plan,
    SelectionError,
    discover,
    expected_seconds,
    plan_notebooks,
    resolved_dates,
)
from analysis.pipeline.progress import LIVE, QUIET, Progress, choose_mode
from analysis.pipeline.reuse import damage
from analysis.pipeline.runs import (
    MANIFEST_NAME,
    BuildLock,
    BuildLocked,
    PastRun,
    move_into_place,
    new_run_dir,
    past_runs,
    recover,
    write_atomic,
)
from analysis.pipeline.verify import verify_run
from analysis.pipeline.workbook import versions_read, write_workbook
from analysis.pipeline.worker import (
    EXECUTE,
    FAILED,
    OK,
    RENDER,
    WORKER_DIED,
    Job,
    JobResult,
    init_worker,
    is_write_failure,
    one_line,
    run_job,
    worker_died,
)

#: The CLI (analysis.cli) calls add_arguments and run; tests and benchmarks use the rest.
__all__ = [
    "EXIT_FAILED",
    "EXIT_LOCKED",
    "EXIT_OK",
    "EXIT_USAGE",
    "BuildOptions",
    "add_arguments",
    "build",
    "default_jobs",
    "describe_parameters",
    "discover",
    "run",
]

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_LOCKED = 0, 1, 2, 3
#: Bump when the layout of cached results changes, so old runs are not reused.
#: 3: every output file's sha256 in the manifest ("checksums"), checked before reuse.
#: 4: figures folders hold each table's typed cells (*.cells.json) for the spreadsheet.
CACHE_VERSION = 4


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
        # the same page: its facts (run date, previous run) are those of the reused entry
        changes=dict(entry.get("changes") or {}),
        period=entry.get("period_reported"),
        data_through=entry.get("data_through"),
    )


def _carry_over(
    history: list[PastRun],
    run_date: str,
    run_dir: Path,
    built: dict[str, JobResult],
    err: TextIO,
) -> list[dict[str, Any]]:
    """With --only, keep the same date's other reports: a partial rebuild destroys nothing but
    a report whose files no longer match their checksums (the run is checked before it is put
    in place; that report is named, to be built again)."""
    same_day = next((run for run in history if run.date == run_date), None)
    if same_day is None:
        return []
    kept = []
    for entry in same_day.manifest.get("notebooks", []):
        name = entry["name"]
        if name in built:
            continue
        problem = damage(same_day, entry)
        if problem:
            print(f"note: {name} not carried over: {problem}; build it again.", file=err)
            continue
        for source in same_day.folder.iterdir():
            if source.is_file() and source.name.startswith(f"{name}."):
                shutil.copy2(source, run_dir / source.name)
        figures = same_day.folder / "figures" / name
        if figures.is_dir():
            shutil.copytree(figures, run_dir / "figures" / name)
        kept.append({**entry, "carried_over_from": same_day.manifest.get("finished_at")})
    return kept


@dataclass
class _Worker:
    """One worker process, in an executor of its own: a worker that dies is known to be the
    one running this job (an executor of several fails all its jobs when one process dies)."""

    executor: ProcessPoolExecutor
    #: the worker's process id, as the worker itself answered it (to stop it)
    pid: Future[int]

    @classmethod
    def start(cls, env: dict[str, str], log_path: Path) -> _Worker:
        """A new worker process, spawned: no thread of the build is copied into it."""
        executor = ProcessPoolExecutor(
            max_workers=1,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=init_worker,
            initargs=(env, str(log_path)),
        )
        return cls(executor, executor.submit(os.getpid))

    def stop(self) -> None:
        """Kill the worker (its kernel dies with it) and wait for the executor to let go.

        ProcessPoolExecutor can stop a running worker only from Python 3.14
        (terminate_workers); before that, the pid the worker gave is signalled.
        """
        try:
            os.kill(self.pid.result(timeout=_START_SECONDS), signal.SIGKILL)
        except (ProcessLookupError, TimeoutError, BrokenProcessPool):
            pass
        self.executor.shutdown(wait=True, cancel_futures=True)


#: Seconds a worker process may take to start (spawn imports the worker module).
_START_SECONDS = 120.0


def _run_jobs(
    jobs: list[Job],
    workers: int,
    env: dict[str, str],
    log_path: Path,
    progress: Progress,
    finished: Callable[[JobResult], None] | None = None,
) -> dict[str, JobResult]:
    """Run the jobs, ``workers`` at a time, each worker process running one job at a time
    (and the next when it is done), updating the progress lines; ``finished`` is called with
    each result as it comes in (the other jobs still running). A worker that dies fails its
    job with a sentence and is replaced; a write that did not reach the disk stops the build
    (raised)."""
    waiting = list(jobs)
    running: dict[Future[JobResult], tuple[_Worker, Job, float]] = {}
    idle: list[_Worker] = []
    results: dict[str, JobResult] = {}
    rendered = {job.name for job in jobs if job.mode == RENDER}
    try:
        while waiting or running:
            while waiting and len(running) < workers:
                worker = idle.pop() if idle else _Worker.start(env, log_path)
                job = waiting.pop(0)
                running[worker.executor.submit(run_job, job)] = (worker, job, time.perf_counter())
                progress.running(job.name)
            progress.draw()
            done, _ = wait(
                running,
                timeout=0.25 if progress.mode == LIVE else 1.0,
                return_when=FIRST_COMPLETED,
            )
            for future in done:
                worker, job, started = running.pop(future)
                result = _outcome(future, job, started)
                if result.error_type == WORKER_DIED:
                    worker.executor.shutdown(wait=True)  # broken: the next job gets a new one
                else:
                    idle.append(worker)
                results[result.name] = result
                label = "ok" if result.status == OK else "FAILED"
                note = "re-rendered" if result.name in rendered else ""
                progress.finished(result.name, label, result.duration, note)
                if finished is not None:
                    finished(result)
        progress.draw()
    except BaseException:
        for worker, _, _ in running.values():
            worker.stop()
        raise
    finally:
        for worker in idle:
            worker.executor.shutdown(wait=True)
    return results


def _outcome(future: Future[JobResult], job: Job, started: float) -> JobResult:
    """A finished job's result; a worker that died gives a failed result naming that."""
    try:
        return future.result()
    except BrokenProcessPool:
        return worker_died(job, time.perf_counter() - started)
    except Exception as exc:  # e.g. a result that cannot be sent back: the job failed
        if is_write_failure(exc):
            raise
        return JobResult(job.name, FAILED, 0.0, [], type(exc).__name__, one_line(exc))


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
        if not is_iso_date(options.run_date):
            raise ParameterUsageError(
                f"--date must be a real date such as 2025-01-31, not {options.run_date!r}."
            )
        options.timeout = check_timeout(options.timeout)
        if options.jobs < 1:
            raise ParameterUsageError(f"--jobs must be 1 or more, not {options.jobs}.")
        try:
            out_is_file = options.out.exists() and not options.out.is_dir()
        except OSError as exc:  # a name longer than the file system allows (ENAMETOOLONG)
            raise ParameterUsageError(
                f"--out {display_path(options.out)}: refused by the system: {cause(exc)}; "
                "give a shorter path."
            ) from None
        if out_is_file:
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
        for nb in notebooks:  # a relative date the run date cannot resolve: refused here
            resolved_dates(
                {**nb.defaults, **params.for_notebook(nb.name, nb.defaults)}, options.run_date
            )
        check_template(options.template_dir)
        if options.pdf:
            check_available()
    except (ParameterUsageError, SelectionError, FileNotFoundError, PdfError) as exc:
        print(f"error: {exc}", file=err)
        return EXIT_USAGE
    except OSError as exc:  # a path given that the system refuses (too long, a loop of links)
        where = display_path(exc.filename) if exc.filename else "a path given"
        print(f"error: cannot use {where}: {cause(exc)}.", file=err)
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
        print(f"error: {os_error_sentence(exc, reports_dir, options.run_date)}", file=err)
        return EXIT_FAILED
    except RunNotVerified as exc:
        print(f"error: {exc}", file=err)
        return EXIT_FAILED


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
    input_hashes = {str(p): sha256_file(p) for p in list_files(options.input_dirs)}
    source_hashes = {display_path(p): sha256_file(p) for p in package_sources()}
    sources_hash = combined_hash(source_hashes)
    # the input files are keyed per notebook (plan.notebook_inputs): a file no report reads
    # re-runs nothing
    base_key = combined_hash(
        {
            "cache_version": str(CACHE_VERSION),
            "sources": sources_hash,
            "python": sys.version,
            "package": __version__,
        }
    )
    git = git_info()
    runs = list(past_runs(reports_dir, include_damaged=True))
    history = [run for run in runs if not run.damaged]
    for run in runs:
        if run.damaged:
            problem = run.damaged.removeprefix(f"{MANIFEST_NAME} ")
            print(
                f"note: {display_path(run.folder / MANIFEST_NAME)} {problem}; that run is listed "
                "as damaged and never reused.",
                file=err,
            )
    plans = plan_notebooks(options, notebooks, params, base_key, git, history, input_hashes)
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
        jobs.sort(key=lambda job: (job.mode != EXECUTE, -expected_seconds(history, job.name)))
        if jobs:
            # A build killed with -9 cannot delete its kernels' connection files: written in
            # the run's folder, they go with it (the next build removes what a dead one left).
            (work / "tmp").mkdir()
            env = kernel_environment(work / "jupyter", temp_dir=work / "tmp")
            workers = max(1, min(options.jobs, len(jobs)))
            # each report's spreadsheet is written on a thread as soon as the report is done,
            # while the others still run, not after the last one
            spreadsheets = Spreadsheets(run_dir)
            try:
                results.update(
                    _run_jobs(
                        jobs, workers, env, work / "kernels.log", progress, spreadsheets.start
                    )
                )
            finally:
                spreadsheets.wait()
        else:
            progress.draw()
        shutil.rmtree(work, ignore_errors=True)
        _write_workbooks(results, run_dir)
        pdf_errors = _write_pdfs(results, run_dir) if options.pdf else {}
        manifest = make_manifest(
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
                manifest["notebooks"]
                + _carry_over(history, options.run_date, run_dir, results, err),
                key=lambda entry: entry["name"],
            )
        write_atomic(
            run_dir / MANIFEST_NAME, json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
        )
        previous = next((run.manifest for run in history if run.date < options.run_date), None)
        write_atomic(
            run_dir / "index.html", run_index_html(manifest, previous=previous, run_dir=run_dir)
        )
        problem = verify_run(run_dir, manifest)
        if problem:
            raise RunNotVerified(
                f"the new {options.run_date} run was not put in place: {problem}; the build "
                "stopped and the earlier reports are untouched."
            )
        target = move_into_place(run_dir, reports_dir, options.run_date)
        moved = True
    finally:
        if not moved:
            shutil.rmtree(run_dir, ignore_errors=True)
    status = _report(manifest, target, out, err, mode, time.perf_counter() - clock)
    try:
        write_runs_index(reports_dir)
    except OSError as exc:  # the run is in place and whole; only the list of runs is behind
        print(
            f"error: the {options.run_date} run is in place, but "
            f"{display_path(reports_dir / 'index.html')} could not be updated ({cause(exc)}); "
            "it lists the runs before this one until the next build.",
            file=err,
        )
        return EXIT_FAILED
    return status


class RunNotVerified(RuntimeError):
    """A run written completely on the face of it failed the check before being put in place."""


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


def _write_workbooks(results: dict[str, JobResult], run_dir: Path) -> None:
    """One spreadsheet per report, from the data its figures and tables left in its figures
    folder (a reused report brings its own, one written during the run is kept); a failure is
    a warning, the report stands."""
    for result in results.values():
        _write_workbook(result, run_dir)


def _write_workbook(result: JobResult, run_dir: Path) -> None:
    """The spreadsheet of one report that ran fine and has none yet (see _write_workbooks)."""
    name = f"{result.name}.xlsx"
    if result.status != OK or name in result.files:
        return
    try:
        versions = versions_read(result.origins)
        folder = run_dir / "figures" / result.name
        if write_workbook(folder, run_dir / name, result.title, versions):
            result.files.append(name)
    except (OSError, ValueError) as exc:
        if is_write_failure(exc):
            raise  # the disk, not the report: the build stops and replaces nothing
        result.warnings.append(f"spreadsheet {name} not written: {one_line(exc)}")


class Spreadsheets:
    """Writes each finished report's spreadsheet on a thread of its own (openpyxl's work
    overlaps the reports still running); ``wait`` joins them all."""

    def __init__(self, run_dir: Path):
        self.run_dir = run_dir
        self.threads: list[threading.Thread] = []
        self.errors: list[BaseException] = []

    def start(self, result: JobResult) -> None:
        """Begin writing ``result``'s spreadsheet (nothing for a failed report)."""
        if result.status != OK:
            return

        def work() -> None:
            try:
                _write_workbook(result, self.run_dir)
            except (
                BaseException
            ) as exc:  # raised again by wait, as it was before on the main thread
                self.errors.append(exc)

        thread = threading.Thread(target=work, name=f"xlsx {result.name}")
        thread.start()
        self.threads.append(thread)

    def wait(self) -> None:
        """Block until every spreadsheet started is written (or has failed, as a warning);
        an unexpected error on a thread is raised here."""
        for thread in self.threads:
            thread.join()
        if self.errors:
            raise self.errors[0]


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
