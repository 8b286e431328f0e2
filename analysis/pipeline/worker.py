"""One notebook's build, in a worker process: execute with papermill, then convert to HTML.

Workers are separate processes because papermill changes the working directory and the kernel
inherits the environment (MALI_FIGURES_DIR differs per notebook); both are process-wide.
papermill starts each notebook's kernel from the build's kernel spec (analysis.pipeline.kernel)
and shuts it down when the notebook is done.
"""

from __future__ import annotations

import errno
import html
import os
import re
import shutil
import signal
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from analysis.core.origins import ORIGINS_LOG_ENV, read_log_file
from analysis.core.outputs import FIGURES_DIR_ENV, METADATA_KEY
from analysis.core.relative_dates import RUN_DATE_ENV
from analysis.pipeline import html as report_html
from analysis.pipeline.changes import compare
from analysis.pipeline.kernel import die_with_parent

EXECUTE, RENDER = "execute", "render"
OK, FAILED = "ok", "failed"
#: Errors of a write that did not reach the disk: the run is incomplete and never replaces
#: anything (the build stops on them), unlike a notebook's own failure.
WRITE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EFBIG})
#: The error type of a report whose worker process died (killed by the out-of-memory killer...).
WORKER_DIED = "WorkerDied"
_MESSAGE_LIMIT = 300
_WARNINGS_KEPT = 20


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
    #: the newest date the report's figures rest on (ISO), as its key findings say it
    data_through: str | None = None


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


def is_write_failure(exc: BaseException) -> bool:
    """True for an OSError of a write that did not reach the disk (full, over quota, I/O)."""
    return isinstance(exc, OSError) and exc.errno in WRITE_ERRNOS


#: How an OSError reads once the kernel has turned it into text: "[Errno 28] No space left on
#: device: '/path'" (papermill hands over only the exception's name and text).
_KERNEL_OS_ERROR = re.compile(r"^\[Errno (\d+)\] (.*?)(?:: '(.*)')?$")


def kernel_write_failure(ename: str, evalue: str) -> OSError | None:
    """The OSError of a write a notebook's cell failed with (a figure or CSV saved to a full
    disk), rebuilt from the kernel's error text; None for any other error."""
    # ENOSPC, EDQUOT, EIO and EFBIG have no subclass of their own: the name is OSError
    match = _KERNEL_OS_ERROR.match(evalue.strip()) if ename == "OSError" else None
    if match is None or int(match.group(1)) not in WRITE_ERRNOS:
        return None
    return OSError(int(match.group(1)), match.group(2), match.group(3))


def init_worker(env: dict[str, str], log_path: str | None) -> None:
    """Worker initializer: the build's environment for the kernels, output to the run's log,
    and the worker bound to the life of the build."""
    # Ctrl-C reaches the whole process group; the parent stops the workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    # SIGKILL: a worker has nothing to tidy up; its kernels are sent SIGTERM as it dies.
    die_with_parent(signal.SIGKILL)
    os.environ.update(env)
    tempfile.tempdir = None  # TMPDIR may have changed: temporary files follow it from now on
    if log_path:
        # Kernels inherit the worker's stdout/stderr: their chatter goes to the run's log.
        log_fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        os.dup2(log_fd, 1)
        os.dup2(log_fd, 2)
        os.close(log_fd)


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
    import nbformat  # noqa: PLC0415 (heavy: loaded when used)

    text = f"**The build could not run this notebook.** `{error_type}`: {message}"
    if log_tail:
        text += "\n\nLast lines of the kernel log:\n\n```\n" + log_tail + "\n```"
    return nbformat.v4.new_markdown_cell(text)


def _log_tail(work_dir: Path, lines: int = 15) -> str:
    tails = []
    for log in sorted(work_dir.glob("*.log")):  # kernels.log: the workers' and kernels' output
        try:
            tails.extend(log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
        except OSError:
            continue
    return "\n".join(tails[-lines:])


def _execute(job: Job) -> tuple[Any, float, str, str, list[str]]:
    """Run the notebook with papermill; returns (notebook, seconds, error type, message, origins)."""
    # heavy dependency: imported only when this runs, so the command starts fast
    import nbformat  # noqa: PLC0415 (heavy: loaded when used)

    # heavy dependency: imported only when this runs, so the command starts fast
    import papermill  # noqa: PLC0415 (heavy: loaded when used)

    # heavy dependency: imported only when this runs, so the command starts fast
    from papermill.exceptions import PapermillExecutionError  # noqa: PLC0415 (heavy: loaded when used)

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
    # papermill starts the kernel (jupyter_client's local provisioner); should its start-up ever
    # need cutting, a jupyter_client kernel provisioner is the supported hook, not a launcher.
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
        )
    except PapermillExecutionError as exc:
        disk = kernel_write_failure(exc.ename, exc.evalue)
        if disk is not None:
            raise disk from None
        error_type, error_message = exc.ename, one_line(exc.evalue)
        nb = nbformat.read(output, as_version=4)
    except Exception as exc:  # kernel died, timed out, could not start: still keep a notebook
        if is_write_failure(exc):
            raise  # the notebook is not at fault: the disk is, and the build stops
        error_type, error_message = type(exc).__name__, one_line(exc) or type(exc).__name__
        if output.exists():
            nb = nbformat.read(output, as_version=4)
        else:
            nb = nbformat.read(job.source, as_version=4)
            nb.cells.insert(0, _error_note(error_type, error_message, _log_tail(work_dir)))
    seconds = time.perf_counter() - started
    origins = [origin.to_json() for origin in read_log_file(origins_log)]
    # The executed copy names the portable kernel of its source, not the build's private one.
    source_meta = nbformat.read(job.source, as_version=4).metadata
    if "kernelspec" in source_meta:
        nb.metadata["kernelspec"] = source_meta["kernelspec"]
    return nb, seconds, error_type, error_message, origins


def run_job(job: Job) -> JobResult:
    """Build one notebook into the run folder; a failure is a result, except a write that did
    not reach the disk (see WRITE_ERRNOS), which is raised: the build stops on it."""
    try:
        return _run_job(job)
    except Exception as exc:  # a bug here must not take the other notebooks down
        if is_write_failure(exc):
            raise
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
    except OSError as exc:
        if is_write_failure(exc):
            raise
        return []
    return [name]


def worker_died(job: Job, seconds: float) -> JobResult:
    """The result of a job whose worker process died (kill -9, the out-of-memory killer): what
    it had half written is removed and a failed page says why (the parent process calls this)."""
    run_dir = Path(job.run_dir)
    for stem in (job.name, f"{job.name}.failed"):
        for suffix in (".ipynb", ".html"):
            (run_dir / f"{stem}{suffix}").unlink(missing_ok=True)
    shutil.rmtree(run_dir / "figures" / job.name, ignore_errors=True)
    message = (
        "the worker process building this report ended abruptly (killed, as the system's "
        "out-of-memory killer does when memory runs out, or crashed); the other reports are kept"
    )
    return JobResult(
        job.name, FAILED, seconds, failed_page(job, WORKER_DIED, message), WORKER_DIED, message
    )


def _run_job(job: Job) -> JobResult:
    # heavy dependency: imported only when this runs, so the command starts fast
    import nbformat  # noqa: PLC0415 (heavy: loaded when used)

    run_dir = Path(job.run_dir)
    origins: list[dict[str, Any]] = []
    if job.mode == EXECUTE:
        nb, seconds, error_type, error_message, origins = _execute(job)
    else:
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
        report_html.data_through(nb),
    )
