"""Rebuild only what changed: a report's result is keyed by the files of the folders it reads
(analysis.reports.reads), and the reason a report is executed again names what changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis import config
from analysis.pipeline.inputs import combined_hash
from analysis.pipeline.plan import notebook_inputs, what_changed
from analysis.pipeline.runs import PastRun
from analysis.reports import reads
from analysis.reports.context import open_run
from analysis.reports.params import check_dates
from analysis.reports.runner import REPORTS


def test_every_report_declares_its_reads():
    assert set(reads.READS) == set(REPORTS)


@pytest.mark.slow
@pytest.mark.parametrize("name", REPORTS)
def test_every_file_a_report_reads_lies_in_a_folder_it_declares(name):
    """Built as a notebook builds it, every file the report read (its origins) is in one of
    the folders its reuse key covers: otherwise a change to that file would not re-run it."""
    if not config.SHARED_DATA_DIR.is_dir():
        pytest.skip(f"{config.SHARED_DATA_DIR} is absent: the reports read too little to check")
    module = __import__(f"analysis.reports.{name}", fromlist=["check"])
    start, end = check_dates("2012-01-01", "2025-12-31")
    ctx = open_run(start, end)
    module.build(ctx, module.check(ctx, start_date="2012-01-01", end_date="2025-12-31"))
    files = [Path(o.where) for o in ctx.origins if o.kind == "file"]
    assert files, "the report read no file"
    folders = [f.resolve() for f in reads.report_folders(name)]
    outside = [f for f in files if not any(f.resolve().is_relative_to(d) for d in folders)]
    assert outside == []


def _hashes(root: Path) -> dict[str, str]:
    return {
        str(root / "curated" / "events.csv"): "a" * 64,
        str(root / "raw" / "afrobarometer" / "mli_r7.sav"): "b" * 64,
        str(root / "raw" / "acled" / "export.csv"): "c" * 64,
        str(root / "raw" / "notes.txt"): "d" * 64,  # read by no report
    }


def test_a_report_is_keyed_by_the_files_of_its_folders_only(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "CURATED_DIR", tmp_path / "curated")
    monkeypatch.setattr(config, "RAW_DIR", tmp_path / "raw")
    monkeypatch.setattr(config, "SHARED_DATA_DIR", tmp_path / "shared")
    hashes = _hashes(tmp_path)
    opinion = notebook_inputs("public_opinion", hashes, [])
    attack = notebook_inputs("attack_trends", hashes, [])
    assert sorted(Path(p).name for p in opinion) == ["events.csv", "mli_r7.sav"]
    assert sorted(Path(p).name for p in attack) == ["events.csv", "export.csv"]
    # a notebook of unknown reads depends on every input; a folder given with --input-dir too
    assert len(notebook_inputs("my_notebook", hashes, [])) == 4
    extra = tmp_path / "extra"
    with_extra = {**hashes, str(extra / "x.csv"): "e" * 64}
    assert len(notebook_inputs("public_opinion", with_extra, [extra])) == 3
    # a file no report reads changes no report's key
    changed = {**hashes, str(tmp_path / "raw" / "notes.txt"): "f" * 64}
    for name in REPORTS:
        before = combined_hash(notebook_inputs(name, hashes, []))
        assert combined_hash(notebook_inputs(name, changed, [])) == before


def _run(date: str, inputs: dict[str, str], base: str = "code", resolved=None) -> PastRun:
    entry = {
        "name": "attack_trends",
        "parameters_given": {},
        "parameters_resolved": resolved or {},
        "cache": {"exec_key": "x", "base_key": base, "inputs": inputs},
    }
    return PastRun(date, Path("/nowhere") / date, {"notebooks": [entry]})


def test_the_reason_names_the_file_that_changed():
    before = {"data/curated/events.csv": "a", "data/raw/acled/old.csv": "b"}
    history = [_run("2026-12-01", before)]
    now = {"data/curated/events.csv": "z", "data/raw/acled/new.csv": "c"}
    assert what_changed(history, "attack_trends", {}, "code", now) == (
        "since the run of 2026-12-01: data/curated/events.csv changed; "
        "data/raw/acled/new.csv is new; data/raw/acled/old.csv is gone"
    )
    assert what_changed(history, "attack_trends", {}, "other", before) == (
        "the package's code or Python changed since the run of 2026-12-01"
    )
    dated = [_run("2026-12-01", before, resolved={"end_date": "2026-12-01"})]
    assert what_changed(
        dated,
        "attack_trends",
        {},
        "code",
        before,
        {"end_date": "2026-12-08"},
        {"end_date": "today"},
    ) == (
        "dates relative to the run date moved since the run of 2026-12-01: end_date (today) is "
        "2026-12-08, was 2026-12-01"
    )
    # other parameters, or no earlier run: nothing to name
    assert what_changed(history, "attack_trends", {"country": "Niger"}, "code", now) == ""
    assert what_changed([], "attack_trends", {}, "code", now) == ""
