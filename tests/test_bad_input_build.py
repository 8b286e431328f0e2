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
    assert line == (
        f"error: cannot write the 2024-03-02 reports into {reports}: the disk is full "
        "(no space left on device); the build stopped and the earlier reports are untouched."
    )
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
