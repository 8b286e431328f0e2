"""Bad input, damage and faults against the build: each ends in a sentence, never a traceback,
and nothing earlier is lost or reused when damaged (issue 17).

Fixture notebooks are in tests/fixtures/fault_notebooks (quick, slow, curated, notes). One
reports folder is built once per module; a test that damages it works on a copy.
"""

from __future__ import annotations

import errno
import hashlib
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from analysis.cli import main
from analysis.config import PROJECT_ROOT
from analysis.pipeline import command as build_module
from analysis.pipeline import worker
from analysis.pipeline.command import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    BuildOptions,
    build,
)
from analysis.pipeline.runs import BuildLock

FIXTURES = Path(__file__).parent / "fixtures"
NOTEBOOKS = FIXTURES / "fault_notebooks"
FIRST = "2024-03-01"


def snapshot(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def run_build(out: Path, run_date: str = FIRST, **changes) -> tuple[int, str, str]:
    options = BuildOptions(
        out=out,
        run_date=run_date,
        only=["quick"],
        jobs=1,
        notebooks_dir=NOTEBOOKS,
        input_dirs=(),
    )
    for name, value in changes.items():
        setattr(options, name, value)
    out_stream, err_stream = io.StringIO(), io.StringIO()
    status = build(options, out_stream, err_stream)
    return status, out_stream.getvalue(), err_stream.getvalue()


def manifest(out: Path, run_date: str) -> dict:
    return json.loads((out / run_date / "manifest.json").read_text(encoding="utf-8"))


def entry(out: Path, run_date: str, name: str = "quick") -> dict:
    return next(nb for nb in manifest(out, run_date)["notebooks"] if nb["name"] == name)


@pytest.fixture(scope="module")
def first_build(tmp_path_factory):
    """One build of the quick notebook, with a fractional --timeout (2.5 s per cell)."""
    root = tmp_path_factory.mktemp("faults")
    source = root / "package_source.py"  # a fixed cache key while others edit the package
    source.write_text("VERSION = 1\n", encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(build_module, "package_sources", lambda: [source])
        result = run_build(root / "reports", timeout=2.5)
        yield root / "reports", result


@pytest.fixture
def reports(first_build, tmp_path, monkeypatch):
    """A private copy of the first build's reports folder, to damage."""
    monkeypatch.setattr(
        build_module, "package_sources", lambda: [first_build[0].parent / "package_source.py"]
    )
    copy = tmp_path / "reports"
    shutil.copytree(first_build[0], copy)
    return copy


def one_sentence(err: str) -> str:
    """The error output, checked to be one line starting 'error:' with no traceback."""
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("error: "), err
    return lines[0]


def cli(capsys, *args: str) -> tuple[int, str]:
    """Run `python -m analysis build ARGS` in-process; returns (exit status, stderr)."""
    try:
        status = main(["build", "--quiet", *args])
    except SystemExit as exc:  # argparse refusing an option
        status = exc.code
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return status, err


# --- 1. damaged results are never reused --------------------------------------------------------


@pytest.mark.slow
def test_fractional_timeout_is_accepted(first_build):
    out, (status, _, err) = first_build
    assert status == EXIT_OK, err
    assert entry(out, FIRST)["status"] == "ok"  # before: TraitError, timeout 'expected an int'


@pytest.mark.slow
def test_manifest_records_a_checksum_of_every_output(first_build):
    out, _ = first_build
    quick = entry(out, FIRST)
    assert set(quick["checksums"]) == {"quick.html", "quick.ipynb"}
    for name, digest in quick["checksums"].items():
        assert hashlib.sha256((out / FIRST / name).read_bytes()).hexdigest() == digest


@pytest.mark.slow
def test_cut_short_cached_html_is_rebuilt_not_reused(reports):
    page = reports / FIRST / "quick.html"
    page.write_bytes(page.read_bytes()[:200])
    status, _, err = run_build(reports, "2024-03-02")
    assert status == EXIT_OK, err
    assert "rebuilding quick:" in err and "quick.html is damaged" in err
    rebuilt = entry(reports, "2024-03-02")
    assert rebuilt["reused_from"] is None
    assert rebuilt["executed_because"].startswith("cached result damaged: ")
    assert "quick.html is damaged" in rebuilt["executed_because"]
    assert (
        (reports / "2024-03-02" / "quick.html")
        .read_text(encoding="utf-8")
        .rstrip()
        .endswith("</html>")
    )


@pytest.mark.slow
def test_damaged_cached_notebook_is_rebuilt_and_the_index_links_a_real_page(reports):
    (reports / FIRST / "quick.ipynb").write_text('{"cells": [', encoding="utf-8")
    # --with-code would re-render from the cached notebook: it must be executed again instead.
    status, _, err = run_build(reports, "2024-03-02", with_code=True)
    assert status == EXIT_OK, err
    assert "quick.ipynb is damaged" in err
    rebuilt = entry(reports, "2024-03-02")
    assert rebuilt["status"] == "ok" and rebuilt["reused_from"] is None
    index = (reports / "2024-03-02" / "index.html").read_text(encoding="utf-8")
    assert 'href="quick.html"' in index
    assert (reports / "2024-03-02" / "quick.html").is_file()


@pytest.mark.slow
def test_run_with_damaged_manifest_is_listed_as_damaged_and_never_reused(reports):
    status, _, err = run_build(reports, "2024-03-02")  # reuses FIRST: no kernel
    assert status == EXIT_OK, err
    (reports / FIRST / "manifest.json").write_text('{"notebooks": [{"na', encoding="utf-8")
    status, _, err = run_build(reports, "2024-03-03")
    assert status == EXIT_OK, err
    assert entry(reports, "2024-03-03")["reused_from"] == "2024-03-02"
    index = (reports / "index.html").read_text(encoding="utf-8")
    assert f'<a href="{FIRST}/index.html">{FIRST}</a>' in index
    assert "Damaged run: manifest.json is not valid JSON" in index


def test_failed_job_always_leaves_a_page_for_the_index(tmp_path):
    job = worker.Job(
        name="gone",
        source=str(tmp_path / "gone.ipynb"),  # missing: the job fails before any cell
        run_dir=str(tmp_path),
        work_dir=str(tmp_path / "work"),
        mode=worker.RENDER,
        kernel_name="",
        parameters={},
        facts={},
        template_dir=str(tmp_path),
        cached_notebook=str(tmp_path / "missing.ipynb"),
    )
    result = worker.run_job(job)
    assert result.status == worker.FAILED
    assert result.files == ["gone.failed.html"]
    page = (tmp_path / "gone.failed.html").read_text(encoding="utf-8")
    assert "This report failed to build" in page and "missing.ipynb" in page


# --- 2. a killed build leaves nothing running ---------------------------------------------------


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry_ in Path("/proc").iterdir():
        if not entry_.name.isdigit():
            continue
        try:
            stat = (entry_ / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(entry_.name))
    return tree


def _descendants(pid: int) -> list[int]:
    tree, found, todo = _children(), [], [pid]
    while todo:
        for child in tree.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _poll(condition, seconds: float) -> bool:
    """Poll a condition until it holds or the bound passes (a bound, not a timing assertion)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
@pytest.mark.slow
def test_killed_build_takes_its_workers_and_kernels_along_and_the_lock_is_taken_over(tmp_path):
    out = tmp_path / "reports"
    command = [
        *(sys.executable, "-m", "analysis", "build", "--quiet", "--jobs", "1"),
        *("--out", str(out), "--notebooks", str(NOTEBOOKS), "--only", "slow"),
        *("--input-dir", str(tmp_path / "no-inputs"), "--date", FIRST),
    ]
    process = subprocess.Popen(command, cwd=PROJECT_ROOT, start_new_session=True)

    def kernel_running() -> bool:
        # the kernel papermill started from the build's spec, a grandchild of the build
        return any("analysis.pipeline.kernel -f " in _cmdline(p) for p in _descendants(process.pid))

    try:
        assert _poll(kernel_running, 60), "the slow notebook's kernel never started"
        left = _descendants(process.pid)
        assert len(left) >= 2  # a pool worker and its kernel
        process.send_signal(signal.SIGKILL)
        process.wait()
        survivors = lambda: [p for p in left if _alive(p)]  # noqa: E731
        assert _poll(lambda: not survivors(), 10), [_cmdline(p) for p in survivors()]
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        try:
            os.killpg(process.pid, signal.SIGKILL)  # the session this test started
        except (ProcessLookupError, PermissionError):
            pass
    status, _, err = run_build(out, "2024-03-02")
    assert status == EXIT_OK, err
    assert f"note: took over the stale lock {out / '.build.lock'}" in err
    assert f"pid {process.pid}," in err
    assert not list(out.glob(f".{FIRST}.building-*"))  # the dead build's half-run is gone


def test_lock_naming_a_dead_build_is_taken_over_with_a_message(tmp_path):
    (tmp_path / ".build.lock").write_text("pid 2147483000, started 2024-01-01T00:00:00\n")
    with BuildLock(tmp_path) as lock:
        assert lock.took_over is not None
        assert "pid 2147483000, started 2024-01-01" in lock.took_over
    with BuildLock(tmp_path) as lock:  # released cleanly: nothing to take over
        assert lock.took_over is None


# --- 3. sentences, not tracebacks ---------------------------------------------------------------


@pytest.mark.slow
def test_disk_full_ends_in_one_sentence_and_earlier_reports_are_untouched(reports, monkeypatch):
    earlier, top = snapshot(reports / FIRST), (reports / "index.html").read_bytes()

    def disk_full(path, text):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setattr(build_module, "write_atomic", disk_full)
    status, _, err = run_build(reports, "2024-03-02")
    assert status == EXIT_FAILED
    line = one_sentence(err)
    assert re.match(disk_full_pattern("2024-03-02", reports, _mount_point(reports), FIRST), line)
    assert snapshot(reports / FIRST) == earlier
    assert (reports / "index.html").read_bytes() == top
    assert not (reports / "2024-03-02").exists()
    assert [p.name for p in reports.iterdir() if ".building-" in p.name] == []


@pytest.mark.slow
def test_read_only_reports_folder_ends_in_one_sentence(reports, monkeypatch):
    earlier = snapshot(reports / FIRST)
    if os.geteuid() == 0:  # root writes anyway: the folder refuses as a read-only one would

        def refused(reports_dir, run_date):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(reports_dir))

        monkeypatch.setattr(build_module, "new_run_dir", refused)
    else:
        reports.chmod(0o555)
    try:
        status, _, err = run_build(reports, "2024-03-02")
    finally:
        reports.chmod(0o755)
    assert status == EXIT_FAILED
    line = one_sentence(err)
    assert f"into {reports}: permission denied" in line
    assert line.endswith("the earlier reports are untouched.")
    assert snapshot(reports / FIRST) == earlier


def test_yaml_alias_bomb_is_refused_before_it_is_expanded(tmp_path):
    levels = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, 7):  # 10**7 values once expanded: tens of megabytes
        levels.append(f"{chr(97 + i)}: &{chr(97 + i)} [{', '.join([f'*{chr(96 + i)}'] * 10)}]")
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text("\n".join(levels) + "\n", encoding="utf-8")
    assert bomb.stat().st_size < 1000
    status, _, err = run_build(tmp_path / "reports", params_file=bomb)
    assert status == EXIT_USAGE
    line = one_sentence(err)
    assert line.startswith(f"error: {bomb}: refused: its aliases (*name) expand to more than")
    assert "alias bomb" in line
    assert not (tmp_path / "reports").exists()


def test_yaml_alias_bomb_in_a_parameter_value_is_refused(tmp_path):
    value = "[&a [x, x, x, x, x, x, x, x, x, x], " + ", ".join(
        f"&{n} [{', '.join([f'*{p}'] * 10)}]" for p, n in zip("abcde", "bcdef", strict=True)
    )
    status, _, err = run_build(tmp_path / "reports", param_pairs=[("label", value + "]")])
    assert status == EXIT_USAGE
    assert "-p label: refused: its aliases" in one_sentence(err)


def test_empty_params_file_is_refused_naming_the_file(tmp_path):
    empty = tmp_path / "params.yaml"
    empty.write_text("# nothing yet\n", encoding="utf-8")
    status, _, err = run_build(tmp_path / "reports", params_file=empty)
    assert status == EXIT_USAGE
    assert one_sentence(err) == (
        f"error: {empty}: holds no parameters (it is empty or only comments); write "
        "'name: value' lines in it, or leave out --params."
    )


def test_params_file_not_utf8_is_a_sentence(tmp_path):
    latin = tmp_path / "params.yaml"
    latin.write_bytes("label: S\xe9gou\n".encode("latin-1"))
    status, _, err = run_build(tmp_path / "reports", params_file=latin)
    assert status == EXIT_USAGE
    assert one_sentence(err) == (
        f"error: {latin}: not UTF-8 text (byte 0xe9 at offset 8); save it as UTF-8."
    )


def test_unknown_parameter_names_are_all_named_with_the_closest(tmp_path):
    status, _, err = run_build(
        tmp_path / "reports", param_pairs=[("lable", "x"), ("colour", "red")]
    )
    assert status == EXIT_USAGE
    assert "Traceback" not in err
    assert "2 problems with the parameters:" in err
    assert "unknown parameter 'lable' (did you mean 'label'?)" in err
    assert "unknown parameter 'colour': no selected notebook declares it" in err


def test_out_that_is_a_file_is_refused(tmp_path):
    a_file = tmp_path / "reports.txt"
    a_file.write_text("not a folder\n", encoding="utf-8")
    status, _, err = run_build(a_file)
    assert status == EXIT_USAGE
    assert (
        one_sentence(err)
        == f"error: --out {a_file} is a file, not a folder; give the reports folder."
    )
    assert a_file.read_text(encoding="utf-8") == "not a folder\n"


def test_date_that_is_no_day_is_refused(capsys, tmp_path):
    status, err = cli(capsys, "--out", str(tmp_path), "--date", "2026-02-30")
    assert status == EXIT_USAGE
    assert "argument --date: no such day: '2026-02-30' (day is out of range for month)" in err
    status, err = cli(capsys, "--out", str(tmp_path), "--date", "yesterday")
    assert status == EXIT_USAGE
    assert "argument --date: not a date written YYYY-MM-DD: 'yesterday'" in err
    assert not list(tmp_path.iterdir())


def test_jobs_zero_or_not_a_number_is_refused(capsys, tmp_path):
    status, err = cli(capsys, "--out", str(tmp_path), "--jobs", "0")
    assert status == EXIT_USAGE and "argument --jobs: must be 1 or more, not 0" in err
    status, err = cli(capsys, "--out", str(tmp_path), "--jobs", "two")
    assert status == EXIT_USAGE and "argument --jobs: not a whole number: 'two'" in err
    status, _, err = run_build(tmp_path / "reports", jobs=-1)
    assert status == EXIT_USAGE and one_sentence(err) == "error: --jobs must be 1 or more, not -1."


def test_timeout_that_is_not_a_positive_number_is_refused(capsys, tmp_path):
    for bad in ("0", "-5", "nan", "soon"):
        status, err = cli(capsys, "--out", str(tmp_path), "--timeout", bad)
        assert status == EXIT_USAGE
        assert (
            f"argument --timeout: must be a number of seconds above 0, such as 600 or 2.5, not '{bad}'"
            in err
        )
    status, _, err = run_build(tmp_path / "reports", timeout=float("inf"))
    assert status == EXIT_USAGE and "--timeout must be a number of seconds above 0" in err


def test_unknown_notebook_in_only_suggests_the_closest(tmp_path):
    status, _, err = run_build(tmp_path / "reports", only=["quik"])
    assert status == EXIT_USAGE
    assert one_sentence(err).startswith("error: no notebook 'quik' in ")
    assert "(did you mean 'quick'?); available: curated, quick, slow." in err


def test_notebook_without_parameters_cell_is_refused_by_name(tmp_path):
    status, _, err = run_build(tmp_path / "reports", only=["notes"])
    assert status == EXIT_USAGE
    assert one_sentence(err) == (
        "error: notebook 'notes' has no cell tagged 'parameters', so the build does not run it."
    )


def test_notebook_that_is_json_but_not_a_notebook_is_a_sentence(tmp_path):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    (folder / "list.ipynb").write_text("[]", encoding="utf-8")
    status, _, err = run_build(tmp_path / "reports", notebooks_dir=folder, only=[])
    assert status == EXIT_USAGE
    line = one_sentence(err)
    assert "list.ipynb: not a valid notebook file (JSON without a list of cells)." in line


def test_missing_notebooks_folder_is_named(tmp_path):
    status, _, err = run_build(tmp_path / "reports", notebooks_dir=tmp_path / "nope", only=[])
    assert status == EXIT_USAGE
    assert one_sentence(err) == f"error: --notebooks {tmp_path / 'nope'}: no such folder."


def test_missing_template_folder_is_named(tmp_path):
    status, _, err = run_build(tmp_path / "reports", template_dir=tmp_path / "no-template")
    assert status == EXIT_USAGE
    assert one_sentence(err).startswith(
        f"error: --template {tmp_path / 'no-template'}: no such folder (the default is "
    )


# --- 4. a curated-data failure names its cause --------------------------------------------------


@pytest.mark.slow
def test_curated_data_failure_line_names_file_line_column_and_how_many_more(tmp_path):
    curated = tmp_path / "curated"
    shutil.copytree(FIXTURES / "curated_min", curated)
    groups = curated / "groups.csv"
    groups.write_text(
        groups.read_text(encoding="utf-8").replace(",jihadist,", ",jihadi,", 2), encoding="utf-8"
    )
    out = tmp_path / "reports"
    status, _, err = run_build(out, only=["curated"], param_pairs=[("curated_dir", str(curated))])
    assert status == EXIT_FAILED
    (line,) = err.splitlines()
    assert line.startswith(
        f"FAILED curated: DataValidationError: 2 problems in curated data: {groups}:2: "
        "column 'kind': "
    )
    assert "jihadi" in line and line.endswith("(and 1 more)")
    index = (out / FIRST / "index.html").read_text(encoding="utf-8")
    assert f"{groups}:2: column &#39;kind&#39;" in index and "(and 1 more)" in index


def test_one_line_keeps_the_first_item_of_a_listed_error():
    message = "3 problems in curated data:\n  a.csv:2: column 'x': bad\n  a.csv:3: y\n  b.csv: z"
    assert worker.one_line(message) == (
        "3 problems in curated data: a.csv:2: column 'x': bad (and 2 more)"
    )
    assert worker.one_line("plain message\nsecond line") == "plain message"
    long = "1 problem:\n  " + "x" * 400
    assert len(worker.one_line(long)) == 300


# --- 5. a full disk, a dead worker and damage left by earlier runs (issue 27) --------------------


def write_notebook(folder: Path, name: str, parameters: str, *cells: str) -> Path:
    """A small notebook with a cell tagged 'parameters' (its source) and code cells."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(parameters, metadata={"tags": ["parameters"]})]
    nb.cells += [nbformat.v4.new_code_cell(source) for source in cells]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


def disk_full_pattern(run_date: str, reports: Path, mount: Path, last: str) -> str:
    """The disk-full sentence as a regular expression: the free space and a run's size
    depend on the machine."""
    size = r"\d+(\.\d)? (bytes|KB|MB|GB)"
    return (
        rf"^error: cannot write the {run_date} reports into {re.escape(str(reports))}: the disk "
        rf"is full \(no space left on device: {size} free on {re.escape(str(mount))}; the last "
        rf"run, {last}, takes {size}, and a new run needs at least as much while it is written "
        r"beside the earlier ones\); the build stopped and the earlier reports are untouched\.$"
    )


def test_a_write_the_disk_refuses_in_the_worker_is_raised_not_a_failed_report(
    tmp_path, monkeypatch
):
    """papermill left a 0-byte notebook and raised ENOSPC: before, the worker read that file
    (NotJSONError) and reported a failed notebook, which then replaced the good run."""
    import papermill

    def full_disk(source, output, **kwargs):
        Path(output).write_bytes(b"")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), output)

    monkeypatch.setattr(papermill, "execute_notebook", full_disk)
    job = worker.Job(
        name="quick",
        source=str(NOTEBOOKS / "quick.ipynb"),
        run_dir=str(tmp_path),
        work_dir=str(tmp_path / ".work"),
        mode=worker.EXECUTE,
        kernel_name="python3",
        parameters={},
        facts={"run_date": FIRST},
        template_dir=str(tmp_path),
    )
    with pytest.raises(OSError) as raised:
        worker.run_job(job)
    assert raised.value.errno == errno.ENOSPC
    assert raised.value.filename == str(tmp_path / "quick.ipynb")
    assert not (tmp_path / "quick.failed.html").exists()  # no page claims the notebook failed


def test_a_full_disk_in_a_notebook_cell_is_a_write_failure_not_the_notebooks():
    failure = worker.kernel_write_failure(
        "OSError", "[Errno 28] No space left on device: '/r/.2024-03-01.building-x/figures/a.csv'"
    )
    assert isinstance(failure, OSError) and failure.errno == errno.ENOSPC
    assert failure.filename == "/r/.2024-03-01.building-x/figures/a.csv"
    quota = worker.kernel_write_failure("OSError", "[Errno 122] Disk quota exceeded")
    assert quota is not None and quota.errno == errno.EDQUOT and quota.filename is None
    # the notebook's own errors stay the notebook's
    assert worker.kernel_write_failure("FileNotFoundError", "[Errno 2] No such file: 'x'") is None
    assert worker.kernel_write_failure("ValueError", "[Errno 28] looks like one") is None


def _run_folder(folder: Path) -> dict:
    """A run folder as a build writes it, and its manifest (as verify_run reads it)."""
    from analysis.pipeline.reuse import checksums

    folder.mkdir()
    (folder / "quick.html").write_text("<html><body>ok</body></html>\n", encoding="utf-8")
    (folder / "quick.ipynb").write_text('{"cells": [], "metadata": {}}', encoding="utf-8")
    (folder / "figures" / "quick").mkdir(parents=True)
    (folder / "figures" / "quick" / "a.csv").write_text("x\n1\n", encoding="utf-8")
    files = ["quick.html", "quick.ipynb", "figures/quick/"]
    manifest = {"notebooks": [{"name": "quick", "files": files, "checksums": {}}]}
    manifest["notebooks"][0]["checksums"] = checksums(folder, files)
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    (folder / "index.html").write_text("<!DOCTYPE html><html></html>\n", encoding="utf-8")
    return manifest


@pytest.mark.parametrize(
    "damage, problem",
    [
        (lambda f: (f / "quick.ipynb").write_bytes(b""), "quick.ipynb is empty (0 bytes)"),
        (
            lambda f: (f / "quick.ipynb").write_text('{"cells": [', encoding="utf-8"),
            "quick.ipynb is not a whole notebook (not valid JSON)",
        ),
        (
            lambda f: (f / "quick.html").write_text("<html><body>o", encoding="utf-8"),
            "quick.html is cut short (it does not end with </html>)",
        ),
        (lambda f: (f / "figures/quick/a.csv").unlink(), "figures/quick/a.csv is missing"),
        (
            lambda f: (f / "figures/quick/b.csv").write_text("y\n", encoding="utf-8"),
            "figures/quick/b.csv has no checksum in the manifest",
        ),
        (
            lambda f: (f / "figures/quick/a.csv").write_text("x\n2\n", encoding="utf-8"),
            "figures/quick/a.csv differs from its checksum in the manifest",
        ),
        (lambda f: (f / "index.html").write_bytes(b""), "index.html is empty (0 bytes)"),
        (
            lambda f: (f / "manifest.json").write_text("{", encoding="utf-8"),
            "manifest.json was not written whole",
        ),
    ],
)
def test_a_run_is_verified_before_it_is_put_in_place(tmp_path, damage, problem):
    from analysis.pipeline.verify import verify_run

    folder = tmp_path / "run"
    manifest = _run_folder(folder)
    assert verify_run(folder, manifest) == ""
    damage(folder)
    assert verify_run(folder, manifest) == problem


@pytest.mark.slow
def test_a_run_that_fails_its_check_never_replaces_the_good_one(reports, monkeypatch):
    """A write that failed without an error reaching the build (a 0-byte notebook): the run is
    checked and refused; the good run of that date stays as it was."""
    earlier, top = snapshot(reports / FIRST), (reports / "index.html").read_bytes()
    copy_outputs = build_module._copy_outputs

    def copy_then_lose_the_notebook(plan, run_dir):
        result = copy_outputs(plan, run_dir)
        (run_dir / "quick.ipynb").write_bytes(b"")
        return result

    monkeypatch.setattr(build_module, "_copy_outputs", copy_then_lose_the_notebook)
    status, _, err = run_build(reports, FIRST)  # the same date again, reused: no kernel
    assert status == EXIT_FAILED
    assert one_sentence(err) == (
        f"error: the new {FIRST} run was not put in place: quick.ipynb is empty (0 bytes); "
        "the build stopped and the earlier reports are untouched."
    )
    assert snapshot(reports / FIRST) == earlier
    assert (reports / "index.html").read_bytes() == top
    assert [p.name for p in reports.iterdir() if p.name.startswith(".2")] == []


def _mount_point(path: Path) -> Path:
    while not os.path.ismount(path):
        path = path.parent
    return path


@pytest.mark.slow
def test_a_full_disk_in_a_notebook_cell_never_replaces_the_good_run(tmp_path):
    """The kernel's own write fails (a figure or CSV): the build stops with the disk-full
    sentence; the good run of that date is byte-identical, and a date without a run gets no
    folder at all (before: a folder of empty files was moved into place)."""
    notebooks = tmp_path / "notebooks"
    write_notebook(
        notebooks,
        "figures",
        "full = False",
        "import errno, os\n"
        "folder = os.environ['MALI_FIGURES_DIR']\n"
        "os.makedirs(folder, exist_ok=True)\n"
        "if full:\n"
        "    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), folder + '/a.csv')",
    )
    out = tmp_path / "reports"
    options = {"only": [], "notebooks_dir": notebooks}
    status, _, err = run_build(out, FIRST, **options)
    assert status == EXIT_OK, err
    earlier, top = snapshot(out / FIRST), (out / "index.html").read_bytes()
    pattern = disk_full_pattern(FIRST, out, _mount_point(out), FIRST)
    full = {**options, "param_pairs": [("full", "true")], "force": True}
    status, _, err = run_build(out, FIRST, **full)
    assert status == EXIT_FAILED
    assert re.match(pattern, one_sentence(err)), err
    assert snapshot(out / FIRST) == earlier
    assert (out / "index.html").read_bytes() == top
    status, _, err = run_build(out, "2024-03-02", **full)
    assert status == EXIT_FAILED
    assert re.match(disk_full_pattern("2024-03-02", out, _mount_point(out), FIRST), err.strip())
    assert not (out / "2024-03-02").exists()
    assert sorted(p.name for p in out.iterdir()) == [".build.lock", FIRST, "index.html"]


@pytest.fixture
def small_disk(tmp_path):
    """A tmpfs of 2 MB mounted for the test (root only; skipped where it cannot be mounted)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("a small disk needs `mount -t tmpfs` as root; the unit tests above check it")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip() or done.returncode}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _fill(disk: Path, leave_bytes: int) -> None:
    """Fill the disk with one file, leaving about ``leave_bytes`` free."""
    filler = disk / "filler"
    filler.unlink(missing_ok=True)
    free = shutil.disk_usage(disk).free
    with filler.open("wb") as handle:
        handle.write(b"\0" * max(0, free - leave_bytes))


@pytest.mark.slow
def test_a_full_disk_never_replaces_the_good_run_on_a_real_small_disk(small_disk):
    """The real thing: a 2 MB tmpfs, a good run, then rebuilds of the same date with only a
    few kilobytes free; whatever write fails first, the sentence names the disk and the good
    run stays byte-identical; with the space back, the rebuild goes through."""
    out = small_disk / "reports"
    status, _, err = run_build(out, FIRST)
    assert status == EXIT_OK, err
    earlier, top = snapshot(out / FIRST), (out / "index.html").read_bytes()
    pattern = disk_full_pattern(FIRST, out, small_disk, FIRST)
    failed = 0
    # none free (the lock's line), a few kilobytes (the worker's notebook), a little more
    # (the manifest): each fails at another write
    for leave in (0, 12 << 10, 28 << 10):
        _fill(small_disk, leave)
        status, _, err = run_build(out, FIRST, force=True)
        if status == EXIT_OK:  # enough space after all on this machine: nothing to check
            continue
        failed += 1
        assert status == EXIT_FAILED
        assert re.match(pattern, one_sentence(err)), err
        assert snapshot(out / FIRST) == earlier
        assert (out / "index.html").read_bytes() == top
        assert [p.name for p in out.iterdir() if p.name.startswith(".2")] == []
    assert failed  # with nothing free, at least, the build must have stopped
    (small_disk / "filler").unlink()
    status, _, err = run_build(out, FIRST, force=True)
    assert status == EXIT_OK, err


@pytest.mark.slow
def test_runs_index_that_cannot_be_written_after_the_move_says_the_run_is_in_place(
    reports, monkeypatch
):
    def disk_full(reports_dir):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(reports_dir / "index.html"))

    monkeypatch.setattr(build_module, "write_runs_index", disk_full)
    status, _, err = run_build(reports, "2024-03-02")  # reused: no kernel
    assert status == EXIT_FAILED
    assert one_sentence(err) == (
        f"error: the 2024-03-02 run is in place, but {reports / 'index.html'} could not be "
        "updated (the disk is full (no space left on device)); it lists the runs before this "
        "one until the next build."
    )
    assert entry(reports, "2024-03-02")["status"] == "ok"


def _kernel_and_worker(build_pid: int, seconds: float) -> tuple[int, int]:
    """The kernel papermill started for the build, and the worker process that started it."""
    found: list[int] = []

    def kernel_running() -> bool:
        found[:] = [
            p for p in _descendants(build_pid) if "analysis.pipeline.kernel -f " in _cmdline(p)
        ]
        return bool(found)

    assert _poll(kernel_running, seconds), "the kernel never started"
    stat = Path(f"/proc/{found[0]}/stat").read_text()
    return found[0], int(stat.rsplit(")", 1)[1].split()[1])


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
@pytest.mark.slow
def test_a_killed_worker_fails_its_report_and_the_build_ends(tmp_path):
    """What the out-of-memory killer does: kill -9 of the worker running a notebook. Before,
    the pool waited for ever with the lock held. Now its report fails with a sentence, the
    other report is kept, the lock is released and the build exits 1."""
    out = tmp_path / "reports"
    command = [
        *(sys.executable, "-m", "analysis", "build", "--quiet", "--jobs", "2"),
        *("--out", str(out), "--notebooks", str(NOTEBOOKS), "--only", "slow", "--only", "quick"),
        *("--input-dir", str(tmp_path / "no-inputs"), "--date", FIRST),
    ]
    process = subprocess.Popen(
        command, cwd=PROJECT_ROOT, start_new_session=True, stderr=subprocess.PIPE, text=True
    )
    try:
        # the slow notebook sleeps 120 s: its kernel is the one still running after quick's
        def slow_kernel_alone() -> bool:
            kernels = [
                p for p in _descendants(process.pid) if "analysis.pipeline.kernel -f" in _cmdline(p)
            ]
            return (
                len(kernels) == 1
                and (out / ".build.lock").exists()
                and any((p / "quick.html").exists() for p in out.glob(f".{FIRST}.building-*"))
            )

        assert _poll(slow_kernel_alone, 120), "quick never finished beside slow"
        kernel, worker_pid = _kernel_and_worker(process.pid, 10)
        os.kill(worker_pid, signal.SIGKILL)
        _, err = process.communicate(timeout=120)  # bounded: before, it never ended
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    assert process.returncode == EXIT_FAILED, err
    assert err.strip() == (
        "FAILED slow: WorkerDied: the worker process building this report ended abruptly "
        "(killed, as the system's out-of-memory killer does when memory runs out, or crashed); "
        "the other reports are kept"
    )
    assert _poll(lambda: not _alive(kernel), 10), "the dead worker's kernel lives on"
    assert entry(out, FIRST, "quick")["status"] == "ok"
    slow = entry(out, FIRST, "slow")
    assert slow["status"] == "failed" and slow["files"] == ["slow.failed.html"]
    assert "ended abruptly" in (out / FIRST / "slow.failed.html").read_text(encoding="utf-8")
    assert not (out / FIRST / "slow.ipynb").exists()  # nothing half-written kept
    status, _, err = run_build(out, "2024-03-02")  # the lock was released, not left stale
    assert status == EXIT_OK and "took over" not in err, err


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
@pytest.mark.slow
def test_killed_build_leaves_no_connection_file_outside_its_run_folder(tmp_path):
    """jupyter_client writes each kernel's connection file to a temporary file: after a build
    killed with -9 they piled up in TMPDIR. They are now written in the run's folder and go
    with it (the next build removes what the dead one left)."""
    out, temp, runtime = tmp_path / "reports", tmp_path / "tmp", tmp_path / "runtime"
    temp.mkdir()
    env = {**os.environ, "TMPDIR": str(temp), "JUPYTER_RUNTIME_DIR": str(runtime)}
    command = [
        *(sys.executable, "-m", "analysis", "build", "--quiet", "--jobs", "1"),
        *("--out", str(out), "--notebooks", str(NOTEBOOKS), "--only", "slow"),
        *("--input-dir", str(tmp_path / "no-inputs"), "--date", FIRST),
    ]
    process = subprocess.Popen(command, cwd=PROJECT_ROOT, start_new_session=True, env=env)
    try:
        kernel, _ = _kernel_and_worker(process.pid, 60)
        connection = Path(_cmdline(kernel).split(" -f ")[1].split()[0])
        assert connection.is_file()
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert _poll(lambda: not _alive(kernel), 10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    run_folder = next(out.glob(f".{FIRST}.building-*"))
    assert run_folder in connection.parents  # inside the dead build's run folder
    assert list(temp.iterdir()) == []
    assert not runtime.exists() or not list(runtime.rglob("*.json"))
    status, _, err = run_build(out, "2024-03-02")
    assert status == EXIT_OK, err
    assert not connection.exists() and not run_folder.exists()


@pytest.mark.parametrize(
    "field, value, problem",
    [
        ("duration_seconds", "x", "has a damaged 'duration_seconds' for notebook 'quick'"),
        ("status", 5, "has a damaged 'status' for notebook 'quick'"),
        ("cache", [], "has a damaged 'cache' for notebook 'quick'"),
        ("origins", [1], "has a damaged 'origins' for notebook 'quick'"),
        ("name", ["quick"], "has a damaged name for notebook 1 (['quick'])"),
        ("name", "../quick", "has a damaged name for notebook 1 ('../quick')"),
        ("figures", [{"slug": "../../x"}], "has a damaged 'figures' for notebook 'quick'"),
        ("key_findings", [{"a": 1}], "has a damaged 'key_findings' for notebook 'quick'"),
        ("changes", {"new": "x"}, "has a damaged 'changes' for notebook 'quick'"),
        ("error", None, None),  # fine for a report that ran fine
    ],
)
def test_each_field_of_an_earlier_manifest_is_checked_before_use(tmp_path, field, value, problem):
    """Before, a field of the wrong type stopped every later build with a traceback (float(),
    .get of a list, an unhashable name, the index template)."""
    from analysis.pipeline.runs import read_manifest

    folder = tmp_path / FIRST
    manifest = _run_folder(folder)
    manifest["notebooks"][0].update(status="ok", duration_seconds=1.5, cache={"exec_key": "k"})
    manifest["notebooks"][0][field] = value
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    read, damaged = read_manifest(folder)
    assert damaged == (f"manifest.json {problem}" if problem else "")
    assert read == ({} if problem else manifest)


@pytest.mark.parametrize(
    "listed",
    ["../outside.txt", "/etc/hostname", "figures/../../outside.txt", "a\\..\\..\\outside.txt"],
)
def test_a_manifest_listing_a_file_outside_its_run_is_damaged(tmp_path, listed):
    from analysis.pipeline.runs import read_manifest

    folder = tmp_path / FIRST
    manifest = _run_folder(folder)
    manifest["notebooks"][0]["files"].append(listed)
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert read_manifest(folder) == (
        {},
        f"manifest.json lists {listed!r} for notebook 'quick', a path outside its run folder "
        "(it is never read or copied)",
    )


def test_a_manifest_that_is_no_regular_file_or_huge_or_nested_is_damaged(tmp_path, monkeypatch):
    from analysis.pipeline import runs

    folder = tmp_path / FIRST
    folder.mkdir()
    (folder / "manifest.json").symlink_to("/dev/zero")  # read whole: MemoryError before
    assert runs.read_manifest(folder) == ({}, "manifest.json is not a regular file")
    (folder / "manifest.json").unlink()
    (folder / "manifest.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    assert runs.read_manifest(folder) == ({}, "manifest.json is not valid JSON (nested too deeply)")
    monkeypatch.setattr(runs, "MAX_MANIFEST_BYTES", 1000)
    assert runs.read_manifest(folder) == (
        {},
        "manifest.json is too large (200,000 bytes; a manifest has at most 1,000)",
    )


@pytest.mark.slow
def test_a_damaged_earlier_manifest_is_named_and_never_blocks_a_build(reports):
    manifest_path = reports / FIRST / "manifest.json"
    damaged = json.loads(manifest_path.read_text(encoding="utf-8"))
    damaged["notebooks"][0]["duration_seconds"] = "soon"
    manifest_path.write_text(json.dumps(damaged), encoding="utf-8")
    status, _, err = run_build(reports, "2024-03-02")
    assert status == EXIT_OK, err
    assert err.splitlines() == [
        f"note: {manifest_path} has a damaged 'duration_seconds' for notebook 'quick'; that "
        "run is listed as damaged and never reused."
    ]
    assert entry(reports, "2024-03-02")["reused_from"] is None  # executed, not reused
    index = (reports / "index.html").read_text(encoding="utf-8")
    assert "Damaged run: manifest.json has a damaged &#39;duration_seconds&#39;" in index


@pytest.mark.slow
def test_a_file_outside_the_run_listed_in_its_manifest_is_never_read_or_copied(reports):
    """Before, a 'files' entry '../secret.txt' with its checksum was copied into the new run
    (and an absolute one would have been written over)."""
    secret = reports.parent / "secret.txt"
    secret.write_text("not a report\n", encoding="utf-8")
    manifest_path = reports / FIRST / "manifest.json"
    edited = json.loads(manifest_path.read_text(encoding="utf-8"))
    quick = edited["notebooks"][0]
    quick["files"].append("../../secret.txt")
    quick["checksums"]["../../secret.txt"] = hashlib.sha256(secret.read_bytes()).hexdigest()
    manifest_path.write_text(json.dumps(edited), encoding="utf-8")
    status, _, err = run_build(reports, "2024-03-02")
    assert status == EXIT_OK, err
    assert "lists '../../secret.txt' for notebook 'quick', a path outside its run folder" in err
    assert "secret.txt" not in json.dumps(manifest(reports, "2024-03-02"))
    assert not list(reports.rglob("secret.txt"))


@pytest.mark.slow
def test_a_result_that_is_a_link_to_a_file_outside_is_never_followed(reports):
    outside = reports.parent / "elsewhere.html"
    page = reports / FIRST / "quick.html"
    outside.write_bytes(page.read_bytes())  # the same bytes: its checksum matches
    page.unlink()
    page.symlink_to(outside)
    status, _, err = run_build(reports, "2024-03-02")
    assert status == EXIT_OK, err
    assert (
        f"rebuilding quick: {reports / FIRST}/quick.html is a symbolic link, not a file the run "
        "wrote: never followed; executed again." in err
    )
    assert not (reports / "2024-03-02" / "quick.html").is_symlink()


def test_a_damaged_sha256_sidecar_is_ignored_and_rewritten(tmp_path, monkeypatch):
    """The build's input hashes remember large files' digests in sidecars: a damaged one is
    hashed again and rewritten, never trusted, never a traceback."""
    from analysis import config
    from analysis.core import hashing

    monkeypatch.setattr(config, "CACHE_DIR", tmp_path / "cache")
    monkeypatch.setattr(hashing, "REMEMBER_FROM_BYTES", 0)
    data = tmp_path / "events.csv"
    data.write_bytes(b"event_id\nMLI1\n")
    past = time.time() - 3600
    os.utime(data, (past, past))
    expected = hashlib.sha256(b"event_id\nMLI1\n").hexdigest()
    monkeypatch.setattr(hashing, "_KNOWN", {})
    assert hashing.sha256_file(data) == expected
    sidecar = hashing.sidecar_path(str(data.resolve()))
    good = json.loads(sidecar.read_text(encoding="utf-8"))
    damages = [
        b"{not json",
        b"[1, 2]",
        b"\xff\xfe",
        b"[" * 50_000,
        json.dumps({**good, "sha256": "z" * 64}).encode(),
        json.dumps({**good, "size": "14"}).encode(),
        b" " * 10_000 + json.dumps({**good, "sha256": "0" * 64}).encode(),  # not a sidecar
    ]
    for damage in damages:
        sidecar.write_bytes(damage)
        monkeypatch.setattr(hashing, "_KNOWN", {})
        assert hashing.sha256_file(data) == expected, damage[:40]
        assert json.loads(sidecar.read_text(encoding="utf-8")) == good  # rewritten
    sidecar.unlink()
    sidecar.mkdir()  # a folder where the sidecar goes: hashed, nothing written
    monkeypatch.setattr(hashing, "_KNOWN", {})
    assert hashing.sha256_file(data) == expected


def test_relative_dates_before_year_one_are_refused_naming_the_parameter(capsys, tmp_path):
    notebooks = tmp_path / "notebooks"
    write_notebook(notebooks, "dated", 'start_date = "2020-01-01"', "print(start_date)")
    common = ("--out", str(tmp_path / "reports"), "--notebooks", str(notebooks))
    status, err = cli(capsys, *common, "-p", "start_date", "-9999y", "--date", "2026-12-08")
    assert status == EXIT_USAGE
    assert one_sentence(err) == (
        "error: parameter start_date: -9999y from the run date 2026-12-08 falls before "
        "0001-01-01, the first day a date can hold."
    )
    status, err = cli(capsys, *common, "--date", "0001-01-01", "-p", "start_date", "-1d")
    assert status == EXIT_USAGE
    assert one_sentence(err) == (
        "error: parameter start_date: -1d from the run date 0001-01-01 falls before "
        "0001-01-01, the first day a date can hold."
    )
    assert not (tmp_path / "reports").exists()


def test_an_out_path_the_system_refuses_is_a_sentence(capsys, tmp_path):
    too_long = tmp_path / ("r" * 300)
    status, err = cli(capsys, "--out", str(too_long), "--notebooks", str(NOTEBOOKS))
    assert status == EXIT_USAGE
    assert one_sentence(err) == (
        f"error: --out {too_long}: refused by the system: the path is too long for the file "
        "system (a name in it has more than 255 bytes, or the whole path more than 4,096); "
        "give a shorter path."
    )


@pytest.mark.parametrize(
    "make, kind",
    [
        (lambda p: Path("/dev/zero"), "a character device"),  # read to MemoryError before
        (lambda p: (p / "folder").mkdir() or p / "folder", "a folder"),
        (lambda p: os.mkfifo(p / "pipe") or p / "pipe", "a named pipe"),  # blocked for ever
    ],
)
def test_params_that_is_not_a_regular_file_is_refused_without_reading_it(tmp_path, make, kind):
    path = make(tmp_path)
    status, _, err = run_build(tmp_path / "reports", params_file=path)
    assert status == EXIT_USAGE
    assert one_sentence(err) == (
        f"error: {path}: refused: {kind}, not a parameters file; give a YAML file of "
        "'name: value' lines."
    )


def test_params_file_larger_than_the_bound_is_refused(tmp_path):
    big = tmp_path / "params.yaml"
    big.write_text("label: x\n" + "# padding\n" * 120_000, encoding="utf-8")
    status, _, err = run_build(tmp_path / "reports", params_file=big)
    assert status == EXIT_USAGE
    assert one_sentence(err) == (
        f"error: {big}: refused: more than 1,048,576 bytes is too large for a parameters file."
    )


def test_a_yaml_list_that_contains_itself_is_refused(tmp_path):
    status, _, err = run_build(tmp_path / "reports", param_pairs=[("label", "&a [1, *a]")])
    assert status == EXIT_USAGE
    assert one_sentence(err) == (
        "error: -p label, line 1, column 1: refused: this list contains itself through an alias "
        "(*name), a loop no parameter can hold; write the values out instead."
    )
    loop = tmp_path / "params.yaml"
    loop.write_text("label: &x\n  a: *x\n", encoding="utf-8")
    status, _, err = run_build(tmp_path / "reports", params_file=loop)
    assert status == EXIT_USAGE
    assert one_sentence(err) == (
        f"error: {loop}, line 1, column 8: refused: this mapping contains itself through an "
        "alias (*name), a loop no parameter can hold; write the values out instead."
    )


def test_a_timeout_beyond_a_week_is_refused(capsys, tmp_path):
    status, err = cli(capsys, "--out", str(tmp_path), "--timeout", "1e308")
    assert status == EXIT_USAGE
    assert (
        "argument --timeout: must be at most 604,800 seconds (a week), not '1e308'; leave "
        "--timeout out for no limit" in err
    )
    status, _, err = run_build(tmp_path / "reports", timeout=1e308)
    assert status == EXIT_USAGE
    assert one_sentence(err) == (
        "error: --timeout must be at most 604,800 seconds (a week), not 1e+308; leave --timeout "
        "out for no limit."
    )
    for bad in ("inf", "nan"):
        status, err = cli(capsys, "--out", str(tmp_path), "--timeout", bad)
        assert status == EXIT_USAGE and "must be a number of seconds above 0" in err


def test_spreadsheet_cells_are_the_values_not_the_guarded_csv_text(monkeypatch, tmp_path):
    """The CSV guards text a spreadsheet would run ('=1+1' is written "'=1+1") and writes
    every value as text; the spreadsheet was read back from it: the apostrophe showed as part
    of the value, an id '1e400' became infinity and a 26-digit number lost its digits."""
    import pandas as pd
    from openpyxl import load_workbook

    from analysis.pipeline.workbook import write_workbook
    from analysis.reports import page

    folder = tmp_path / "figures" / "report"
    monkeypatch.setenv(page.FIGURES_DIR_ENV, str(folder))
    monkeypatch.setattr(page, "display", lambda obj, metadata=None: None)
    page.reset_figure_numbers()
    labels = ["=1+1", "-5 dB", "'quoted", "1e400", "12345678901234567890123456", "007", None]
    big = [10**25, 2**53, -(2**60), 1, 2, 3, 4]  # beyond int64: an object column
    ratio = [float("inf"), float("nan"), 0.1, 1e-7, 2.5, -3.0, 3.0]
    frame = pd.DataFrame({"label": labels, "big": big, "ratio": ratio})
    from analysis.figures import style

    fig, ax = style.new_figure()
    ax.set_title("Odd values")
    page.figure(fig, "odd", "Values.", source="UCDP GED 25.1 (ucdp.uu.se)", data=frame)
    csv_text = (folder / "odd.csv").read_text(encoding="utf-8")
    assert "'=1+1" in csv_text and "'-5 dB" in csv_text  # the CSV keeps its guard
    assert write_workbook(folder, tmp_path / "report.xlsx", "Report")
    sheet = load_workbook(tmp_path / "report.xlsx")["Figure 1 Odd values"]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows == [
        ["label", "big", "ratio"],
        ["=1+1", "10000000000000000000000000", "inf"],
        ["-5 dB", 2**53, None],
        ["'quoted", "-1152921504606846976", 0.1],
        ["1e400", 1, 1e-7],
        ["12345678901234567890123456", 2, 2.5],
        ["007", 3, -3.0],
        [None, 4, 3.0],
    ]
    assert sheet["A2"].data_type == "s"  # text, never a formula


@pytest.mark.slow
def test_only_rebuild_does_not_carry_over_a_damaged_report(tmp_path):
    """With --only, the date's other reports are carried over; one whose files no longer match
    their checksums is named and left out (the new run is checked before it is put in place,
    and a damaged copy would block every partial rebuild of that date)."""
    out = tmp_path / "reports"
    status, _, err = run_build(out, FIRST, only=["quick", "curated"], jobs=2)
    assert entry(out, FIRST, "curated")["status"] == "failed", err  # no curated_dir: a page
    page = out / FIRST / "curated.failed.html"
    page.write_text(page.read_text(encoding="utf-8") + "<!-- edited -->", encoding="utf-8")
    status, _, err = run_build(out, FIRST, only=["quick"])  # reused: no kernel
    assert status == EXIT_OK, err
    assert err.splitlines() == [
        f"note: curated not carried over: {out / FIRST}/curated.failed.html is damaged (its "
        "sha256 differs from the manifest's); build it again."
    ]
    assert [nb["name"] for nb in manifest(out, FIRST)["notebooks"]] == ["quick"]
    assert not (out / FIRST / "curated.failed.html").exists()


@pytest.mark.slow
def test_a_worker_killed_mid_notebook_is_replaced_for_the_next_report(tmp_path):
    """One worker at a time: the notebook's kernel kills its own worker (kill -9 of its parent
    process, as the out-of-memory killer would); that report fails with the sentence, and the
    next report gets a new worker and is built."""
    notebooks = tmp_path / "notebooks"
    write_notebook(
        notebooks,
        "a_killed",
        "signal_number = 9",
        "import os\nos.kill(os.getppid(), signal_number)\nimport time\ntime.sleep(60)",
    )
    shutil.copy(NOTEBOOKS / "quick.ipynb", notebooks / "quick.ipynb")
    out = tmp_path / "reports"
    status, _, err = run_build(out, FIRST, only=[], notebooks_dir=notebooks, jobs=1)
    assert status == EXIT_FAILED
    assert err.splitlines() == [
        "FAILED a_killed: WorkerDied: the worker process building this report ended abruptly "
        "(killed, as the system's out-of-memory killer does when memory runs out, or crashed); "
        "the other reports are kept"
    ]
    assert entry(out, FIRST, "quick")["status"] == "ok"
    assert entry(out, FIRST, "a_killed")["files"] == ["a_killed.failed.html"]
