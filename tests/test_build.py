"""The build command end to end, on tiny fixture notebooks built into temporary folders.

The builds share one reports folder per module (each later test reuses what earlier builds
cached), so the whole file runs a handful of kernels and stays fast.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

import analysis
from analysis.config import PROJECT_ROOT
from analysis.pipeline import command as build_module
from analysis.pipeline.command import (
    EXIT_FAILED,
    EXIT_LOCKED,
    EXIT_OK,
    EXIT_USAGE,
    BuildOptions,
    build,
)
from analysis.pipeline.html import external_references
from analysis.pipeline.runs import BuildLock

FIXTURE_NOTEBOOKS = Path(__file__).parent / "fixtures" / "notebooks"
FIRST_DATE = "2024-01-02"
#: the builds of this module run kernels (`make test-fast` leaves them out)
pytestmark = pytest.mark.slow


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under a folder with its sha256, to prove a run was left untouched."""
    return {
        p.relative_to(folder).as_posix(): sha256(p)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


class Site:
    """One reports folder shared by the tests of this module, and how to build into it."""

    def __init__(self, root: Path, source: Path) -> None:
        self.root = root
        self.out = root / "reports"
        self.inputs = root / "inputs"
        self.inputs.mkdir()
        self.csv = self.inputs / "events.csv"
        self.csv.write_text("year,events\n2012,4\n2013,7\n", encoding="utf-8")
        self.params_file = root / "params.yaml"
        # Unquoted on purpose: YAML would make it a date object.
        self.params_file.write_text("start_date: 2015-03-01\nlabel: from-yaml\n", encoding="utf-8")
        self.source = source

    def build(self, run_date: str = FIRST_DATE, **changes) -> tuple[int, str, str, float]:
        """Build with the module's defaults; returns (status, stdout, stderr, seconds)."""
        options = BuildOptions(
            out=self.out,
            run_date=run_date,
            params_file=self.params_file,
            param_pairs=[("input_csv", str(self.csv))],
            only=["rows", "figure"],
            jobs=2,
            notebooks_dir=FIXTURE_NOTEBOOKS,
            input_dirs=(self.inputs,),
        )
        for name, value in changes.items():
            setattr(options, name, value)
        out, err = io.StringIO(), io.StringIO()
        started = time.perf_counter()
        status = build(options, out, err)
        return status, out.getvalue(), err.getvalue(), time.perf_counter() - started

    def manifest(self, run_date: str = FIRST_DATE) -> dict:
        return json.loads((self.out / run_date / "manifest.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A reports folder holding a first build of the rows and figure notebooks."""
    root = tmp_path_factory.mktemp("build")
    # Other modules' sources change while people work; the cache key follows a fixed source file
    # here, and test_changed_source_reexecutes checks that sources are part of the key.
    source = root / "package_source.py"
    source.write_text("VERSION = 1\n", encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(build_module, "package_sources", lambda: [source])
        result = Site(root, source)
        result.first = result.build()
        yield result


def test_first_build_writes_every_output(site):
    status, out, err, _ = site.first
    assert status == EXIT_OK, err
    assert err == ""
    assert re.search(r"2 notebooks -> .*2024-01-02: 2 ok, 0 failed", out)
    run = site.out / FIRST_DATE
    for name in (
        "rows.html",
        "rows.ipynb",
        "figure.html",
        "figure.ipynb",
        "manifest.json",
        "index.html",
    ):
        assert (run / name).is_file(), name
    assert (run / "figures" / "figure" / "bars.svg").stat().st_size > 0
    assert (run / "figures" / "figure" / "bars.png").read_bytes()[:4] == b"\x89PNG"
    assert (site.out / "index.html").is_file()
    # A notebook without a parameters cell is not a report.
    assert not list(run.glob("scratch*"))
    leftovers = [p.name for p in site.out.iterdir() if ".building-" in p.name or ".old-" in p.name]
    assert leftovers == []


def test_parameters_arrive_as_given_and_dates_stay_strings(site):
    nb = nbformat.read(site.out / FIRST_DATE / "rows.ipynb", as_version=4)
    printed = "".join(
        output.get("text", "") for cell in nb.cells for output in cell.get("outputs", [])
    )
    assert "start_date is str 2015-03-01" in printed
    assert "label is 'from-yaml'" in printed
    assert "data rows: 2" in printed
    # The executed copy keeps the portable kernel name, not the build's private one.
    assert nb.metadata.kernelspec.name == "python3"


def test_manifest_records_run_inputs_and_outcomes(site):
    manifest = site.manifest()
    assert manifest["run_date"] == FIRST_DATE
    assert manifest["package"]["version"] == analysis.__version__
    if (PROJECT_ROOT / ".git").exists() and shutil.which("git"):
        head = subprocess.run(
            ["git", "-C", str(PROJECT_ROOT), "rev-parse", "HEAD"], capture_output=True, text=True
        ).stdout.strip()
        assert manifest["git"]["commit"] == head
    assert manifest["parameters"]["given"] == {
        "start_date": "2015-03-01",
        "label": "from-yaml",
        "input_csv": str(site.csv),
    }
    (entry,) = manifest["inputs"]
    assert entry["sha256"] == hashlib.sha256(site.csv.read_bytes()).hexdigest()
    assert entry["bytes"] == len("year,events\n2012,4\n2013,7\n")
    assert entry["read_by"] == ["rows"]
    notebooks = {nb["name"]: nb for nb in manifest["notebooks"]}
    assert sorted(notebooks) == ["figure", "rows"]
    assert all(nb["status"] == "ok" and nb["duration_seconds"] > 0 for nb in notebooks.values())
    assert notebooks["rows"]["parameters"]["end_date"] == "2025-12-31"  # the notebook's default
    assert notebooks["rows"]["parameters_given"]["start_date"] == "2015-03-01"
    assert notebooks["figure"]["parameters_given"] == {}  # it declares none of them
    assert notebooks["figure"]["key_findings"] == ["The largest bar is 5.", "There are 3 bars."]
    assert notebooks["figure"]["figures"] == [
        {"number": 1, "slug": "bars", "title": "Events per year"}
    ]
    assert notebooks["rows"]["title"] == "Row count fixture"


def test_reports_are_self_contained(site):
    run = site.out / FIRST_DATE
    pages = [*run.glob("*.html"), site.out / "index.html"]
    assert len(pages) == 4  # two reports, the run index, the top index
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert external_references(text) == {"loads": [], "links": []}, page.name
        assert "<script" not in text
        for word in ("mathjax", "require.js", "cdn.", "fonts.googleapis"):
            assert word not in text.lower(), (page.name, word)
    figure_page = (run / "figure.html").read_text(encoding="utf-8")
    # The figure is inline SVG (hover titles, issue 16), labelled as the image's alt text was.
    assert figure_page.count("<svg ") == 1 and not re.findall(r"<img [^>]*src=", figure_page)
    assert 'aria-label="Figure 1. Events per year. Bars drawn from the counts parameter."' in (
        figure_page
    )
    # Code is hidden by default, its output shown.
    rows_page = (run / "rows.html").read_text(encoding="utf-8")
    assert "read_text(encoding" not in rows_page
    assert "data rows: 2" in rows_page
    # Warnings are for the researcher: in the executed notebook and the manifest, not the HTML.
    assert "a warning for the researcher" not in rows_page
    assert "a warning for the researcher" in (run / "rows.ipynb").read_text(encoding="utf-8")
    warnings = {nb["name"]: nb["warnings"] for nb in site.manifest()["notebooks"]}
    assert warnings == {"rows": ["a warning for the researcher"], "figure": []}
    assert "<title>Row count fixture</title>" in rows_page


def test_external_reference_check_finds_what_would_load():
    page = (
        '<script src="https://cdn.example/x.js"></script><link rel="stylesheet" href="//cdn/x.css">'
        '<img src="data:image/png;base64,AAAA"><img src="local.png">'
        '<div style="background: url(http://a.example/b.png)"></div>'
        '<style>@import "https://f.example/x.css"; .a { background: url(data:image/png;base64,x) }</style>'
        '<a href="https://ucdp.uu.se">UCDP</a><a href="#top">top</a>'
    )
    assert external_references(page) == {
        "loads": [
            "https://cdn.example/x.js",
            "//cdn/x.css",
            "local.png",
            "http://a.example/b.png",
            "https://f.example/x.css",
        ],
        "links": ["https://ucdp.uu.se"],
    }


def test_unchanged_rebuild_reuses_results_without_executing(site):
    # No wall-clock assertion (shared, noisy machines): the rebuild's speed is measured by
    # benchmarks/build.py; here, that nothing was executed again.
    status, out, err, _ = site.build()
    assert status == EXIT_OK, err
    assert "(2 reused)" in out
    manifest = site.manifest()
    assert {nb["name"]: nb["reused_from"] for nb in manifest["notebooks"]} == {
        "figure": FIRST_DATE,
        "rows": FIRST_DATE,
    }
    assert (site.out / FIRST_DATE / "figures" / "figure" / "bars.svg").is_file()


def test_changed_input_reexecutes_only_what_changed_and_force_reexecutes_all(site):
    site.csv.write_text("year,events\n2012,4\n2013,7\n2014,9\n", encoding="utf-8")
    try:
        status, _, err, _ = site.build(run_date="2024-01-03", only=["rows"])
        assert status == EXIT_OK, err
        (rows,) = site.manifest("2024-01-03")["notebooks"]
        assert rows["reused_from"] is None
    finally:
        site.csv.write_text("year,events\n2012,4\n2013,7\n", encoding="utf-8")
    status, _, err, _ = site.build(run_date="2024-01-03", only=["rows"], force=True)
    assert status == EXIT_OK, err
    (rows,) = site.manifest("2024-01-03")["notebooks"]
    assert rows["reused_from"] is None
    nb = nbformat.read(site.out / "2024-01-03" / "rows.ipynb", as_version=4)
    assert "data rows: 2" in "".join(
        o.get("text", "") for c in nb.cells for o in c.get("outputs", [])
    )


def test_changed_source_reexecutes(site):
    status, _, err, _ = site.build(run_date="2024-01-04", only=["rows"])
    assert status == EXIT_OK, err
    # Reused from the newest up-to-date run, which the previous test made.
    assert site.manifest("2024-01-04")["notebooks"][0]["reused_from"] == "2024-01-03"
    site.source.write_text("VERSION = 2\n", encoding="utf-8")
    try:
        status, _, err, _ = site.build(run_date="2024-01-04", only=["rows"])
    finally:
        site.source.write_text("VERSION = 1\n", encoding="utf-8")
    assert status == EXIT_OK, err
    assert site.manifest("2024-01-04")["notebooks"][0]["reused_from"] is None


def test_with_code_rerenders_without_executing(site):
    status, _, err, _ = site.build(run_date="2024-01-05", with_code=True)
    assert status == EXIT_OK, err
    manifest = site.manifest("2024-01-05")
    assert all(nb["reused_from"] for nb in manifest["notebooks"])
    page = (site.out / "2024-01-05" / "rows.html").read_text(encoding="utf-8")
    assert "read_text" in page  # the code is there
    assert "a warning for the researcher" in page  # and so are the warnings
    assert "Report built 2024-01-05" in page  # rendered for this run, not copied
    assert external_references(page) == {"loads": [], "links": []}


def test_failure_is_reported_kept_and_isolated(site):
    earlier = snapshot(site.out / FIRST_DATE)
    status, out, err, _ = site.build(run_date="2024-01-06", only=[])
    assert status == EXIT_FAILED
    assert err.splitlines() == ["FAILED broken: ValueError: the fixture notebook fails on purpose"]
    run = site.out / "2024-01-06"
    assert (run / "rows.html").is_file() and (run / "figure.html").is_file()
    assert not (run / "broken.html").exists() and not (run / "broken.ipynb").exists()
    failed_nb = nbformat.read(run / "broken.failed.ipynb", as_version=4)
    errors = [o for c in failed_nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert [(e.ename, e.evalue) for e in errors] == [
        ("ValueError", "the fixture notebook fails on purpose")
    ]
    failed_page = (run / "broken.failed.html").read_text(encoding="utf-8")
    assert "This report failed to build" in failed_page
    assert "before the failure" in failed_page and "never reached" not in failed_page
    index = (run / "index.html").read_text(encoding="utf-8")
    assert 'href="broken.failed.html"' in index and "FAILED" in index
    (broken,) = [nb for nb in site.manifest("2024-01-06")["notebooks"] if nb["name"] == "broken"]
    assert broken["status"] == "failed"
    assert broken["error"] == {
        "type": "ValueError",
        "message": "the fixture notebook fails on purpose",
    }
    assert "1 failed" in out
    assert snapshot(site.out / FIRST_DATE) == earlier


def test_index_lists_every_run_newest_first(site):
    page = (site.out / "index.html").read_text(encoding="utf-8")
    dates = re.findall(r'<a href="(\d{4}-\d{2}-\d{2})/index.html">', page)
    assert dates == sorted(dates, reverse=True)
    assert dates[-1] == FIRST_DATE and len(dates) >= 4


def test_rerunning_a_date_replaces_its_folder_whole(site):
    stray = site.out / FIRST_DATE / "stray.txt"
    stray.write_text("left by hand", encoding="utf-8")
    before = site.manifest()["finished_at"]
    time.sleep(1.1)  # finished_at has one-second resolution
    status, _, err, _ = site.build()
    assert status == EXIT_OK, err
    assert not stray.exists()
    assert site.manifest()["finished_at"] != before
    assert [p.name for p in site.out.iterdir() if ".old-" in p.name or ".building-" in p.name] == []


def test_only_rebuild_keeps_the_same_dates_other_reports(site):
    status, _, err, _ = site.build(run_date="2024-02-01")
    assert status == EXIT_OK, err
    figure_html = sha256(site.out / "2024-02-01" / "figure.html")
    status, _, err, _ = site.build(run_date="2024-02-01", only=["rows"], force=True)
    assert status == EXIT_OK, err
    entries = {entry["name"]: entry for entry in site.manifest("2024-02-01")["notebooks"]}
    assert sorted(entries) == ["figure", "rows"]
    assert entries["rows"].get("carried_over_from") is None
    assert entries["figure"]["carried_over_from"]
    assert sha256(site.out / "2024-02-01" / "figure.html") == figure_html
    assert (site.out / "2024-02-01" / "figures" / "figure").is_dir()
    assert "figure.html" in (site.out / "2024-02-01" / "index.html").read_text(encoding="utf-8")


def test_interrupted_run_leaves_nothing_behind(site, monkeypatch):
    earlier = snapshot(site.out / FIRST_DATE)

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(build_module, "run_index_html", interrupted)
    with pytest.raises(KeyboardInterrupt):
        site.build(run_date="2024-01-07", only=["rows"])
    with pytest.raises(KeyboardInterrupt):
        site.build()  # the same date as an existing run
    assert not (site.out / "2024-01-07").exists()
    assert [p.name for p in site.out.iterdir() if ".building-" in p.name] == []
    assert snapshot(site.out / FIRST_DATE) == earlier


def test_second_build_at_once_is_refused(site):
    with BuildLock(site.out):
        status, _, err, _ = site.build()
    assert status == EXIT_LOCKED
    assert err.startswith("error: another build is running (pid ")
    assert ".build.lock" in err


def test_bad_selection_and_parameters_are_usage_errors(site):
    status, _, err, _ = site.build(only=["nonexistent"])
    assert status == EXIT_USAGE
    assert "no notebook 'nonexistent'" in err and "available: broken, figure, rows" in err
    status, _, err, _ = site.build(only=["scratch"])
    assert status == EXIT_USAGE and "has no cell tagged 'parameters'" in err
    status, _, err, _ = site.build(param_pairs=[("strat_date", "2015-01-01")])
    assert status == EXIT_USAGE
    assert "unknown parameter 'strat_date'" in err and "start_date" in err
    status, _, err, _ = site.build(run_date="2024-13-01")
    assert status == EXIT_USAGE and "--date" in err


def test_command_line_builds_quietly(site, capsys):
    from analysis.cli import main

    status = main(
        [
            "build",
            "--out", str(site.out),
            "--notebooks", str(FIXTURE_NOTEBOOKS),
            "--input-dir", str(site.inputs),
            "--params", str(site.params_file),
            "-p", "input_csv", str(site.csv),
            "--only", "rows",
            "--only", "figure",
            "--date", FIRST_DATE,
            "--jobs", "2",
            "--quiet",
        ]
    )  # fmt: skip
    assert status == EXIT_OK
    assert capsys.readouterr() == ("", "")
    assert {nb["reused_from"] for nb in site.manifest()["notebooks"]} == {FIRST_DATE}


def test_command_line_exit_status_when_locked(site):
    with BuildLock(site.out):
        done = subprocess.run(
            [
                *(sys.executable, "-m", "analysis", "build", "--quiet"),
                *("--out", str(site.out), "--notebooks", str(FIXTURE_NOTEBOOKS)),
            ],
            capture_output=True,
            text=True,
            cwd=PROJECT_ROOT,
        )
    assert done.returncode == EXIT_LOCKED
    assert "another build is running" in done.stderr and done.stdout == ""
