"""One notebook's build, in a worker process: execute with papermill, then convert to HTML.

Workers are separate processes because papermill changes the working directory and the kernel
inherits the environment (MALI_FIGURES_DIR differs per notebook); both are process-wide.

A kernel takes most of a second to start, mostly waiting (0.3 s of CPU): each worker starts
the kernel of its next notebook *ahead* (when the worker starts, and after each execution,
while the page is converted), so it is ready when the notebook comes. Before the first cell, it
is given the notebook's working folder and per-notebook environment (a silent execution, which
counts no cell), so it runs the notebook as a kernel started for it would.
"""

from __future__ import annotations

import ctypes
import html
import os
import queue
import shutil
import signal
import sys
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from analysis.core.origins import ORIGINS_LOG_ENV, read_log_file
from analysis.core.outputs import FIGURES_DIR_ENV, METADATA_KEY
from analysis.core.relative_dates import RUN_DATE_ENV
from analysis.pipeline import html as report_html
from analysis.pipeline.changes import compare
from analysis.pipeline.kernel import KERNEL_NAME, PRELOAD_ENV

EXECUTE, RENDER = "execute", "render"
OK, FAILED = "ok", "failed"
_MESSAGE_LIMIT = 300
_WARNINGS_KEPT = 20

_warm_lock = threading.Lock()
#: Arguments nbclient gives the kernels it starts (history in memory): the same for ours.
KERNEL_ARGUMENTS = ["--HistoryManager.hist_file=:memory:"]
#: The per-notebook environment a kernel started ahead is given before the notebook runs.
PER_NOTEBOOK_ENV = (FIGURES_DIR_ENV, ORIGINS_LOG_ENV, RUN_DATE_ENV)
#: This worker's kernel started ahead for its next notebook (an AsyncKernelManager), if any.
_ahead: dict[str, Any] = {}
#: Kernels still worth starting ahead in this build, shared by its workers (a
#: multiprocessing.Value the build sets to the number of notebooks to execute); None: no limit.
_kernels_wanted: dict[str, Any] = {"budget": None}


@dataclass(frozen=True)
class Job:
    """What a worker needs to build one notebook into the run folder."""

    name: str
    source: str
    run_dir: str
    work_dir: str
    mode: str
    kernel_name: str
    parameters: dict[str, Any]
    facts: dict[str, Any]
    template_dir: str
    with_code: bool = False
    timeout: float | None = None
    cached_notebook: str | None = None
    cached_figures: str | None = None
    cached_duration: float = 0.0
    #: origins the cached execution recorded (manifest form), for a re-rendered report
    cached_origins: tuple[dict[str, Any], ...] = ()


@dataclass
class JobResult:
    """The outcome of one notebook: status, timing, files written (relative to the run)."""

    name: str
    status: str
    duration: float
    files: list[str] = field(default_factory=list)
    error_type: str = ""
    error_message: str = ""
    origins: list[dict[str, Any]] = field(default_factory=list)
    title: str = ""
    key_findings: list[str] = field(default_factory=list)
    figures: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: the key findings against the previous run's (analysis.pipeline.changes.compare)
    changes: dict[str, Any] = field(default_factory=dict)
    #: the period the report says it covers, when it computed one (html.reported_period)
    period: dict[str, str] | None = None


def one_line(text: object) -> str:
    """An error message on one line: the first non-empty line, shortened.

    A message that is a heading and a list ("2 problems in curated data:" then one problem a
    line) keeps the first item and says how many more follow: the heading alone names no cause.
    """
    lines = [line.strip() for line in str(text).splitlines() if line.strip()]
    line = lines[0] if lines else ""
    if line.endswith(":") and len(lines) > 1:
        more = len(lines) - 2
        line = f"{line} {lines[1]}" + (f" (and {more} more)" if more else "")
        if len(line) > _MESSAGE_LIMIT and more:
            tail = f"… (and {more} more)"
            return line[: _MESSAGE_LIMIT - len(tail)] + tail
    return line if len(line) <= _MESSAGE_LIMIT else line[: _MESSAGE_LIMIT - 1] + "…"


def die_with_parent(sig: int = signal.SIGKILL) -> None:
    """On Linux, have this process killed when the process that started it dies.

    A build killed with -9 cannot stop its workers; without this they (and their kernels,
    bound to them the same way) would live on holding the run's files.
    """
    if not sys.platform.startswith("linux"):
        return
    parent = os.getppid()
    try:
        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, int(sig))
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before the call: nobody would signal us
        os._exit(1)


#: Optional modules that cost a worker more than a second and that it never uses.
SLOW_OPTIONAL_MODULES = ("rfc3987_syntax", "pyarrow")


def _block_slow_optional_imports() -> list[str]:
    """Keep out optional modules that cost a worker more than a second and that it never uses;
    returns those blocked here.

    jsonschema imports rfc3987_syntax when installed (a grammar compiled at import, ~1 s), which
    nbformat's validation never needs; papermill imports pyarrow (and numpy) for HDFS paths.
    Both imports are guarded upstream, so a blocked module just disables that option. Kernels are
    separate processes and keep every module.
    """
    blocked = [name for name in SLOW_OPTIONAL_MODULES if name not in sys.modules]
    for name in blocked:
        sys.modules[name] = None  # type: ignore[assignment]
    return blocked


def import_for_workers(template_dir: Path, with_code: bool) -> None:
    """Import papermill and nbconvert and build the page exporter in the build process, before
    it forks its workers: they share them instead of each importing them (half a second of CPU
    each, while the kernels' zygote is importing too). The slow optional modules are kept out
    only while papermill and nbconvert are imported, not for the rest of the build."""
    blocked = _block_slow_optional_imports()
    try:
        # heavy dependency: imported only when this runs, so the command starts fast
        import papermill  # noqa: F401

        report_html.exporter(template_dir, with_code)
    finally:
        for name in blocked:
            if sys.modules.get(name, ...) is None:
                del sys.modules[name]


def _warm(template_dir: str, with_code: bool) -> None:
    """Import nbconvert and build the exporter while the first kernel starts."""

    with _warm_lock:
        report_html.exporter(Path(template_dir), with_code)


def init_worker(
    env: dict[str, str],
    log_path: str | None,
    template_dir: str,
    with_code: bool,
    kernel_name: str = KERNEL_NAME,
    kernels_wanted: Any = None,
) -> None:
    """Pool initializer: environment, quiet output, and imports made once per worker.

    ``kernels_wanted`` (a shared integer, the notebooks to execute) bounds the kernels the
    workers start ahead: one booted for a notebook that never comes costs a core a second
    and a half while the other notebooks run."""
    # Ctrl-C reaches the whole process group; the parent stops the workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    die_with_parent()
    os.environ.update(env)
    if log_path:
        # Kernels inherit the worker's stdout/stderr: their chatter goes to the run's log.
        log_fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        os.dup2(log_fd, 1)
        os.dup2(log_fd, 2)
        os.close(log_fd)
    _block_slow_optional_imports()
    _kernels_wanted["budget"] = kernels_wanted
    # the first notebook's kernel boots while papermill and nbconvert are imported
    if _take_kernel_budget():
        start_kernel_ahead(kernel_name, str(Path(log_path).parent) if log_path else None)
    import papermill  # noqa: F401 - imported once per worker, before the first job

    # nbconvert is imported while the first kernel runs (not before papermill: two threads
    # importing the same modules at once can see them half-initialised).
    threading.Thread(target=_warm, args=(template_dir, with_code), daemon=True).start()


def _notebook_facts(nb: Any) -> tuple[list[str], list[dict[str, Any]], list[str]]:
    """Key findings and figures that analysis.reports.page recorded, and the warnings printed."""
    findings: list[str] = []
    figures: list[dict[str, Any]] = []
    warnings: list[str] = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                warnings.extend(
                    line.strip() for line in output.get("text", "").splitlines() if line.strip()
                )
            facts = output.get("metadata", {}).get(METADATA_KEY, {})
            findings.extend(str(s) for s in facts.get("key_findings", []))
            if "figure" in facts:
                figures.append(dict(facts["figure"]))
    return findings, figures, list(dict.fromkeys(warnings))[:_WARNINGS_KEPT]


def _error_note(error_type: str, message: str, log_tail: str) -> Any:
    """A Markdown cell that says why a notebook stopped before any cell ran."""
    # heavy dependency: imported only when this runs, so the command starts fast
    import nbformat

    text = f"**The build could not run this notebook.** `{error_type}`: {message}"
    if log_tail:
        text += "\n\nLast lines of the kernel log:\n\n```\n" + log_tail + "\n```"
    return nbformat.v4.new_markdown_cell(text)


def _log_tail(work_dir: Path, lines: int = 15) -> str:
    tails = []
    for log in sorted(work_dir.glob("*.log")):  # kernels.log: the workers', kernels', zygote's
        try:
            tails.extend(log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
        except OSError:
            continue
    return "\n".join(tails[-lines:])


def _take_kernel_budget() -> bool:
    """Whether a kernel may be started now (and count it if so): no more are started, ahead
    or by papermill, than there are notebooks to execute. It bounds the waste, it does not
    match kernels to notebooks: the pool gives a notebook to whichever worker is free, so a
    worker without a kernel ahead can take it while another's waits unused until the end."""
    budget = _kernels_wanted["budget"]
    if budget is None:
        return True
    with budget.get_lock():
        if budget.value <= 0:
            return False
        budget.value -= 1
        return True


def start_kernel_ahead(kernel_name: str, cwd: str | None = None) -> None:
    """Start a kernel now for this worker's next notebook; it boots while the worker goes on.
    A kernel that cannot be started here is started by papermill when the notebook comes."""
    # heavy dependency: imported only when this runs, so the command starts fast
    from jupyter_client.manager import AsyncKernelManager

    # heavy dependency: imported only when this runs, so the command starts fast
    from jupyter_core.utils import run_sync

    stop_kernel_ahead()
    manager = AsyncKernelManager(kernel_name=kernel_name)
    try:
        run_sync(manager.start_kernel)(
            extra_arguments=list(KERNEL_ARGUMENTS), cwd=cwd, env={**os.environ, PRELOAD_ENV: "1"}
        )
    except Exception:  # no such kernel, cannot spawn: papermill will say so for the notebook
        return
    _ahead.update(manager=manager, environment=_shared_environment())


def _shared_environment() -> dict[str, str]:
    """The environment a kernel inherits, but for what is set per notebook."""
    return {k: v for k, v in os.environ.items() if k not in PER_NOTEBOOK_ENV}


def stop_kernel_ahead() -> None:
    """Shut down the kernel started ahead, if any (never raises)."""
    manager = _ahead.pop("manager", None)
    _ahead.pop("environment", None)
    if manager is None:
        return
    # heavy dependency: imported only when this runs, so the command starts fast
    from jupyter_core.utils import run_sync

    try:
        run_sync(manager.shutdown_kernel)(now=True)
    except Exception:
        pass


def _take_kernel_ahead(kernel_name: str, cwd: Path, timeout: float) -> Any | None:
    """The kernel started ahead, moved to ``cwd`` with this notebook's environment, or None
    (none started, another kernel spec, or it died or failed to take the settings)."""
    manager = _ahead.pop("manager", None)
    started_with = _ahead.pop("environment", None)
    if manager is None:
        return None
    # heavy dependency: imported only when this runs, so the command starts fast
    from jupyter_core.utils import run_sync

    if started_with != _shared_environment():  # started for another build (tests, in-process)
        _ahead["manager"] = manager
        stop_kernel_ahead()
        return None
    settings = {name: os.environ.get(name, "") for name in PER_NOTEBOOK_ENV}
    code = f"import os as _os\n_os.chdir({str(cwd)!r})\n_os.environ.update({settings!r})\ndel _os\n"

    async def prepare() -> bool:
        if manager.kernel_name != kernel_name or not await manager.is_alive():
            return False
        client = manager.client()
        # The shell channel only: its reply says the code ran (a request sent before the kernel
        # listens waits in the socket). papermill waits for the kernel to be ready itself,
        # which includes 0.2 s of quiet on IOPub: not twice.
        client.start_channels(iopub=False, stdin=False, hb=False, control=False)
        try:
            request = client.execute(code, silent=True, store_history=False)
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                try:
                    reply = await client.get_shell_msg(timeout=1)
                except queue.Empty:
                    if not await manager.is_alive():
                        return False
                    continue
                if reply["parent_header"].get("msg_id") == request:
                    return reply["content"]["status"] == "ok"
            return False
        finally:
            client.stop_channels()

    try:
        ready = run_sync(prepare)()
    except Exception:
        ready = False
    if not ready:
        _ahead["manager"] = manager
        stop_kernel_ahead()
        return None
    return manager


def _execute(job: Job) -> tuple[Any, float, str, str, list[str]]:
    """Run the notebook with papermill; returns (notebook, seconds, error type, message, origins)."""
    # heavy dependency: imported only when this runs, so the command starts fast
    import nbformat

    # heavy dependency: imported only when this runs, so the command starts fast
    import papermill

    # heavy dependency: imported only when this runs, so the command starts fast
    from papermill.exceptions import PapermillExecutionError

    run_dir, work_dir = Path(job.run_dir), Path(job.work_dir)
    cwd = work_dir / job.name
    cwd.mkdir(parents=True, exist_ok=True)
    origins_log = work_dir / f"{job.name}.origins.jsonl"
    os.environ[FIGURES_DIR_ENV] = str(run_dir / "figures" / job.name)
    os.environ[ORIGINS_LOG_ENV] = str(origins_log)
    # the kernel resolves dates given relative to the run (today, -52w) against the run date
    os.environ[RUN_DATE_ENV] = str(job.facts.get("run_date", ""))
    output = run_dir / f"{job.name}.ipynb"
    error_type = error_message = ""
    started = time.perf_counter()
    manager = _take_kernel_ahead(job.kernel_name, cwd, timeout=120)
    if manager is None:  # papermill starts this notebook's kernel: one fewer to start ahead
        _take_kernel_budget()
    try:
        nb = papermill.execute_notebook(
            job.source,
            str(output),
            parameters=job.parameters or None,
            kernel_name=job.kernel_name,
            progress_bar=False,
            request_save_on_cell_execute=False,
            log_output=False,
            cwd=str(cwd),
            execution_timeout=job.timeout,
            start_timeout=120,
            km=manager,
        )
    except PapermillExecutionError as exc:
        error_type, error_message = exc.ename, one_line(exc.evalue)
        nb = nbformat.read(output, as_version=4)
    except Exception as exc:  # kernel died, timed out, could not start: still keep a notebook
        error_type, error_message = type(exc).__name__, one_line(exc) or type(exc).__name__
        if output.exists():
            nb = nbformat.read(output, as_version=4)
        else:
            nb = nbformat.read(job.source, as_version=4)
            nb.cells.insert(0, _error_note(error_type, error_message, _log_tail(work_dir)))
    finally:
        if manager is not None:  # a kernel given to papermill is not shut down by it
            _ahead["manager"] = manager
            stop_kernel_ahead()
    seconds = time.perf_counter() - started
    # the next notebook's kernel boots while this one's page is made, if one is left to run
    if _take_kernel_budget():
        start_kernel_ahead(job.kernel_name, str(work_dir))
    origins = [origin.to_json() for origin in read_log_file(origins_log)]
    # The executed copy names the portable kernel of its source, not the build's private one.
    source_meta = nbformat.read(job.source, as_version=4).metadata
    if "kernelspec" in source_meta:
        nb.metadata["kernelspec"] = source_meta["kernelspec"]
    return nb, seconds, error_type, error_message, origins


def run_job(job: Job) -> JobResult:
    """Build one notebook into the run folder; never raises (a failure is a result)."""
    try:
        return _run_job(job)
    except Exception as exc:  # a bug here must not take the other notebooks down
        error_type, message = type(exc).__name__, one_line(exc) or type(exc).__name__
        return JobResult(
            job.name, FAILED, 0.0, failed_page(job, error_type, message), error_type, message
        )


def failed_page(job: Job, error_type: str, message: str) -> list[str]:
    """A plain ``<name>.failed.html`` saying why, so the index never links to a missing page;
    returns the files written (none if even that cannot be written)."""
    page = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(job.name)}: failed</title></head><body>"
        f"<h1>This report failed to build</h1><p>{html.escape(job.name)}: "
        f"<code>{html.escape(error_type)}</code>: {html.escape(message)}</p></body></html>\n"
    )
    name = f"{job.name}.failed.html"
    try:
        (Path(job.run_dir) / name).write_text(page, encoding="utf-8")
    except OSError:
        return []
    return [name]


def _run_job(job: Job) -> JobResult:
    # heavy dependency: imported only when this runs, so the command starts fast
    import nbformat

    run_dir = Path(job.run_dir)
    origins: list[dict[str, Any]] = []
    if job.mode == EXECUTE:
        nb, seconds, error_type, error_message, origins = _execute(job)
    else:
        # executions come first (the build sorts them so): no notebook will need the kernel
        stop_kernel_ahead()
        try:
            nb = nbformat.read(job.cached_notebook, as_version=4)
        except Exception:  # damaged since the build checked it: execute instead
            if not job.kernel_name:
                raise
            job = replace(job, mode=EXECUTE)
            return _run_job(job)
        seconds, error_type, error_message = job.cached_duration, "", ""
        origins = list(job.cached_origins)
        shutil.copy2(job.cached_notebook, run_dir / f"{job.name}.ipynb")
        if job.cached_figures and Path(job.cached_figures).is_dir():
            shutil.copytree(job.cached_figures, run_dir / "figures" / job.name)
    status = FAILED if error_type else OK
    stem = job.name if status == OK else f"{job.name}.failed"
    if status == FAILED:
        nbformat.write(nb, run_dir / f"{stem}.ipynb")
        (run_dir / f"{job.name}.ipynb").unlink(missing_ok=True)
    elif job.mode == EXECUTE:
        nbformat.write(nb, run_dir / f"{stem}.ipynb")
    title = report_html.notebook_title(nb, job.name)
    findings, figures, warnings = _notebook_facts(nb)
    changes = compare(job.facts.get("previous"), findings) if status == OK else {}
    facts = {
        **job.facts,
        "changes": changes,
        "title": title,
        "status": status,
        "error_type": error_type,
        "error_message": error_message,
        "origins": origins,
    }
    with _warm_lock:
        page = report_html.to_html(
            nb, facts, Path(job.template_dir), job.with_code, Path(job.source).parent
        )
    (run_dir / f"{stem}.html").write_text(page, encoding="utf-8")
    files = [f"{stem}.html", f"{stem}.ipynb"]
    if (run_dir / "figures" / job.name).is_dir():
        files.append(f"figures/{job.name}/")
    return JobResult(
        job.name,
        status,
        seconds,
        files,
        error_type,
        error_message,
        origins,
        title,
        findings,
        figures,
        warnings,
        changes,
        report_html.reported_period(nb),
    )
